package io.github.bilevel.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.BackendFactory;
import io.github.bilevel.kernels.Buffers;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * {@code nrm2} over the whole double range: elements {@code ±u · 2^e}, {@code u ∈ [1, 2)}, with
 * exponents {@code e} across {@code [-1070, 1020]} (huge, tiny, subnormal and mixed vectors),
 * against an exact reference: the sum of squares computed exactly (each double is
 * {@code m · 2^e} with an integer {@code m}, so the sum is an integer times a power of two) and
 * its square root to 34 digits with {@link BigDecimal}.
 *
 * <p>Tolerance: {@code |nrm2 − ref| ≤ 1e-14 · ref + 2 · Double.MIN_VALUE}. The relative part
 * covers the rounding of a sum of up to 1025 squares, halved by the square root: the worst-case
 * bound {@code n ε / 2} is far from reached, the statistical error is about {@code √n ε}
 * (the scalar backend's largest error over 20,000 such vectors of up to 300 elements was
 * 9.5e-16), while a wrong scaling misses by orders of magnitude. The absolute part matters
 * only when the norm is subnormal or near the smallest normal, as it is for vectors of
 * subnormals: there the spacing of doubles is {@code Double.MIN_VALUE} (the ulp of
 * {@code Double.MIN_NORMAL}), so even a correctly rounded result is only within half of it, and an algorithm that scales the
 * sum by powers of two and rounds the final product once more is within one; two such ulps
 * allow both roundings, while a result that flushed subnormals to zero, or squared them
 * unscaled, misses by many orders of magnitude.
 */
class Nrm2PropertiesTest {

  private static final int EXAMPLES = 300;

  private static final double RELATIVE = 1e-14;

  private static final double ABSOLUTE = 2 * Double.MIN_VALUE;

  /** How the exponents of a vector are spread. */
  enum Kind {
    /** One base exponent for all elements, plus a spread of 0 .. 60. */
    CLUSTERED,
    /** Every exponent uniform in [-1070, 1020]. */
    MIXED,
    /** Only subnormal elements (random raw bits with a zero exponent field). */
    SUBNORMAL,
    /** Elements near {@code Double.MAX_VALUE}, where the sum of squares overflows. */
    HUGE,
    /** Elements near and below {@code Double.MIN_NORMAL}. */
    TINY,
    /** One huge element among tiny ones, and zeros. */
    ONE_DOMINANT
  }

  static Stream<Arguments> backends() {
    return BackendCases.factories().map(Arguments::of);
  }

  /** A vector drawn from (length, seed, kind). */
  record Case(Kind kind, long seed, double[] x) {
    @Override
    public String toString() {
      return kind + " seed=" + seed + " n=" + x.length + " x=" + Vectors.preview(x);
    }
  }

  static Gen<Case> cases() {
    Gen<Integer> lengths = Generate.pick(ProjectionProblem.SPECIAL_LENGTHS)
        .mix(integers().between(0, 300), 50);
    return lengths.zip(longs().all(), Generate.enumValues(Kind.class),
        (n, seed, kind) -> new Case(kind, seed, draw(n, seed, kind)));
  }

  static double[] draw(int n, long seed, Kind kind) {
    SplittableRandom rnd = new SplittableRandom(seed);
    double[] x = new double[n];
    int base = rnd.nextInt(-1070, 1021);
    int spread = new int[] {0, 1, 10, 60}[rnd.nextInt(4)];
    int zeros = rnd.nextInt(4) == 0 ? rnd.nextInt(50) : 0; // percentage of exact zeros
    for (int i = 0; i < n; i++) {
      double sign = rnd.nextBoolean() ? 1 : -1;
      double u = sign * (1.0 + rnd.nextDouble());
      x[i] = switch (kind) {
        case CLUSTERED ->
            Math.scalb(u, Math.clamp(base + rnd.nextInt(-spread, spread + 1), -1074, 1020));
        case MIXED -> Math.scalb(u, rnd.nextInt(-1070, 1021));
        case SUBNORMAL -> sign * Double.longBitsToDouble(
            rnd.nextLong(1, 1L << 52) >>> rnd.nextInt(0, 52));
        case HUGE -> Math.scalb(u, rnd.nextInt(990, 1024));
        case TINY -> Math.scalb(u, rnd.nextInt(-1074, -990));
        case ONE_DOMINANT -> i == 0 ? Math.scalb(u, rnd.nextInt(0, 1021))
            : Math.scalb(u, rnd.nextInt(-1074, -900));
      };
      if (rnd.nextInt(100) < zeros) {
        x[i] = 0.0;
      }
    }
    if (kind == Kind.ONE_DOMINANT && n > 1) { // the dominant element anywhere, not only first
      int j = rnd.nextInt(n);
      double t = x[0];
      x[0] = x[j];
      x[j] = t;
    }
    return x;
  }

  /** {@code ‖x‖₂} exactly up to the 34-digit square root. */
  static BigDecimal referenceNorm(double[] x) {
    int minExponent = Integer.MAX_VALUE;
    for (double v : x) {
      if (v != 0.0) {
        minExponent = Math.min(minExponent, binaryExponent(v));
      }
    }
    if (minExponent == Integer.MAX_VALUE) {
      return BigDecimal.ZERO;
    }
    BigInteger sum = BigInteger.ZERO; // Σ m_i² 2^{2(e_i − e_min)}
    for (double v : x) {
      if (v != 0.0) {
        BigInteger m = BigInteger.valueOf(integerSignificand(v));
        sum = sum.add(m.multiply(m).shiftLeft(2 * (binaryExponent(v) - minExponent)));
      }
    }
    BigDecimal root = new BigDecimal(sum).sqrt(MathContext.DECIMAL128);
    return root.multiply(new BigDecimal(Math.scalb(1.0, minExponent))); // exact power of two
  }

  /** {@code m} of {@code |v| = m · 2^e} with integer {@code m < 2^53}. */
  private static long integerSignificand(double v) {
    long bits = Double.doubleToRawLongBits(Math.abs(v));
    long fraction = bits & ((1L << 52) - 1);
    return (bits >>> 52) == 0 ? fraction : fraction | (1L << 52);
  }

  /** {@code e} of {@code |v| = m · 2^e} with integer {@code m < 2^53}. */
  private static int binaryExponent(double v) {
    long biased = Double.doubleToRawLongBits(Math.abs(v)) >>> 52;
    return biased == 0 ? -1074 : (int) biased - 1075;
  }

  private static double nrm2(Backend backend, double[] values) {
    try (Arena arena = Arena.ofConfined()) {
      DVector x = Buffers.vector(arena, values);
      return backend.nrm2(x);
    }
  }

  private static final BigDecimal MAX = new BigDecimal(Double.MAX_VALUE);

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void matchesTheExactReference(BackendFactory factory) {
    Backend backend = BackendCases.create(factory);
    qt().withFixedSeed(0x2A0E_0001L).withExamples(EXAMPLES).forAll(cases()).checkAssert(c -> {
      BigDecimal exact = referenceNorm(c.x());
      double actual = nrm2(backend, c.x());
      if (exact.compareTo(MAX.multiply(new BigDecimal("1.0000000000001"))) > 0) {
        assertEquals(Double.POSITIVE_INFINITY, actual,
            () -> "the norm " + exact.round(MathContext.DECIMAL64) + " overflows (" + c + ")");
        return;
      }
      if (exact.compareTo(MAX.multiply(new BigDecimal("0.9999999999999"))) > 0) {
        return; // within rounding of the overflow threshold: either answer is right
      }
      double reference = exact.doubleValue();
      assertTrue(Double.isFinite(actual), () -> "nrm2 = " + actual + " but the norm is "
          + reference + " (" + c + ")");
      double tolerance = RELATIVE * reference + ABSOLUTE;
      assertTrue(Math.abs(actual - reference) <= tolerance, () -> "nrm2 = " + actual
          + " but the exact norm is " + reference + " (relative error "
          + Math.abs(actual - reference) / reference + ") (" + c + ")");
    });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void isAtLeastTheLargestElement(BackendFactory factory) {
    Backend backend = BackendCases.create(factory);
    qt().withFixedSeed(0x2A0E_0002L).withExamples(EXAMPLES).forAll(cases()).checkAssert(c -> {
      double actual = nrm2(backend, c.x());
      double max = Vectors.normInf(c.x());
      assertTrue(actual >= max, () -> "nrm2 = " + actual + " < max |x_i| = " + max + " (" + c
          + ")");
    });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void commutesWithScalingByPowersOfTwo(BackendFactory factory) {
    Backend backend = BackendCases.create(factory);
    Gen<Integer> shifts = integers().between(-64, 64).mix(integers().between(-1100, 1100), 30);
    qt().withFixedSeed(0x2A0E_0003L).withExamples(EXAMPLES).forAll(cases(), shifts)
        .checkAssert((c, k) -> {
          double[] x = c.x();
          double[] scaled = new double[x.length];
          for (int i = 0; i < x.length; i++) {
            scaled[i] = Math.scalb(x[i], k);
            if (Math.scalb(scaled[i], -k) != x[i]) {
              return; // 2^k x is not exact (an element over- or underflows): no claim
            }
          }
          double norm = nrm2(backend, x);
          double expected = Math.scalb(norm, k);
          if (!(Math.abs(norm) >= Double.MIN_NORMAL && Math.abs(expected) >= Double.MIN_NORMAL
              && Double.isFinite(norm) && Double.isFinite(expected))) {
            return; // the result over- or underflows: rounding differs, no claim
          }
          double actual = nrm2(backend, scaled);
          assertEquals(expected, actual, 0.0, () -> "‖2^" + k + " x‖ = " + actual + " but 2^" + k
              + " ‖x‖ = " + expected + " (" + c + ")");
        });
  }

  /** The reference itself, on cases with known norms. */
  @Test
  void referenceIsExact() {
    assertEquals(0, referenceNorm(new double[] {3, -4}).compareTo(BigDecimal.valueOf(5)));
    assertEquals(Math.scalb(5.0, -1074),
        referenceNorm(new double[] {3 * Double.MIN_VALUE, 4 * Double.MIN_VALUE}).doubleValue());
    double big = Math.scalb(1.0, 1000);
    assertEquals(Math.scalb(Math.sqrt(2), 1000),
        referenceNorm(new double[] {big, big}).doubleValue(), Math.ulp(Math.scalb(1.0, 1000)));
    assertEquals(0, referenceNorm(new double[0]).signum());
    assertTrue(referenceNorm(new double[] {Double.MAX_VALUE, Double.MAX_VALUE}).compareTo(MAX)
        > 0);
    // a normal and a subnormal element: the tiny one is below the big one's precision
    assertEquals(1.0, referenceNorm(new double[] {1.0, Double.MIN_VALUE}).doubleValue());
    List<double[]> fixed = List.of(new double[] {1, 2, 2}, new double[] {Double.MIN_NORMAL});
    assertEquals(3.0, referenceNorm(fixed.get(0)).doubleValue());
    assertEquals(Double.MIN_NORMAL, referenceNorm(fixed.get(1)).doubleValue());
  }
}
