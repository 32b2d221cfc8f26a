package io.github.bilevel.kernels;

import static io.github.bilevel.kernels.SimdSupport.SPECIES;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;

/**
 * {@code exp}, {@code tanh} and the logistic sigmoid on vectors, from additions,
 * multiplications, fused multiply-adds, one division and integer operations alone: the same bits
 * in interpreted and compiled code and on every x86 or ARM CPU. The Vector API's own
 * {@code EXP} and {@code TANH} are not: compiled, they call a vector math library that differs
 * from {@code Math.exp}/{@code Math.tanh} (their interpreted fallback) by an ulp on about one
 * input in 200, so a result would depend on how warm the JIT is. The fused GEMM's epilogue
 * uses these, so that it is bit-identical for every thread count and every call.
 *
 * <p>Accuracy, checked against {@code Math} on wide ranges: {@code exp} within 1 ulp of
 * {@code Math.exp}, {@code tanh} within 2 ulps of {@code Math.tanh}, the sigmoid within 3 ulps of
 * {@code 1 / (1 + Math.exp(−x))}.
 *
 * <p>Method: {@code x = k ln 2 + r} with {@code k} the nearest integer to {@code x / ln 2}
 * ({@code |r| <= ln 2 / 2}, {@code ln 2} in two parts as in fdlibm); {@code e^r − 1} by its
 * Taylor polynomial to degree 13 (truncation below {@code 2⁻⁵⁶} relative);
 * {@code e^x = 2^k (1 + expm1(r))}, the power of two built from its exponent bits in two halves
 * so that subnormal and overflowing results round once. Rounding to integers and building powers
 * of two use the {@code 1.5 · 2⁵²} shifter and integer additions and shifts only: AVX2 has no
 * conversion between doubles and 64-bit integers, and the Vector API's fallback for one is
 * scalar and slow. {@code tanh |x| = m / (m + 2)} with
 * {@code m = e^{2|x|} − 1 = 2^k expm1(r) + (2^k − 1)}, free of cancellation near 0.
 */
final class SimdMath {

  private SimdMath() {}

  private static final double LOG2_E = 1.4426950408889634;
  /** The high part of ln 2: 32 trailing zero bits, so {@code k · LN2_HI} is exact. */
  private static final double LN2_HI = 6.93147180369123816490e-01;
  private static final double LN2_LO = 1.90821492927058770002e-10;
  /** {@code 1.5 · 2⁵²}: adding and subtracting it rounds to the nearest integer. */
  private static final double ROUND = 0x1.8p52;
  /** Past these, {@code e^x} is {@code +∞} or 0 (and {@code 2^k} still splits in range). */
  private static final double EXP_MAX = 710.0;
  private static final double EXP_MIN = -746.0;
  /** {@code tanh(x)} rounds to ±1 for {@code |x| >= 19.06}. */
  private static final double TANH_SATURATION = 20.0;
  private static final long SIGN = Long.MIN_VALUE;

  /** {@code 1/n!} for n = 2 .. 13, the Taylor coefficients of {@code (e^r − 1 − r) / r²}. */
  private static final double[] INVERSE_FACTORIALS = new double[14];

  static {
    double factorial = 1.0;
    for (int n = 1; n < INVERSE_FACTORIALS.length; n++) {
      factorial *= n;
      INVERSE_FACTORIALS[n] = 1.0 / factorial;
    }
  }

  /** {@code e^r − 1} for {@code |r| <= 0.35}: {@code r + r² (1/2! + r (1/3! + …))}. */
  private static DoubleVector expm1Reduced(DoubleVector r) {
    DoubleVector p = DoubleVector.broadcast(SPECIES, INVERSE_FACTORIALS[13]);
    for (int n = 12; n >= 2; n--) {
      p = p.fma(r, DoubleVector.broadcast(SPECIES, INVERSE_FACTORIALS[n]));
    }
    return p.fma(r.mul(r), r);
  }

  /**
   * {@code x / ln 2 + 1.5 · 2⁵²}, rounded: its value minus {@code 1.5 · 2⁵²} is the nearest
   * integer {@code k} to {@code x / ln 2}, and its low bits are {@code k} (two's complement), for
   * {@code |x| < 2⁵⁰}.
   */
  private static DoubleVector shiftedK(DoubleVector x) {
    return x.fma(DoubleVector.broadcast(SPECIES, LOG2_E), DoubleVector.broadcast(SPECIES, ROUND));
  }

  /** {@code r = x − k ln 2}. */
  private static DoubleVector reduce(DoubleVector x, DoubleVector k) {
    DoubleVector r = k.neg().fma(DoubleVector.broadcast(SPECIES, LN2_HI), x);
    return k.neg().fma(DoubleVector.broadcast(SPECIES, LN2_LO), r);
  }

  /**
   * {@code 2^k} from {@code shifted = k + 1.5 · 2⁵²} (integral {@code k}, {@code −1022 <= k <=
   * 1023}): the low 12 bits of {@code shifted}'s bits plus the bias, shifted into the exponent
   * field (integer addition and a left shift: no conversion to integers, which AVX2 lacks).
   */
  private static DoubleVector powerOfTwo(DoubleVector shifted) {
    return shifted.reinterpretAsLongs().add(1023L).lanewise(VectorOperators.LSHL, 52)
        .reinterpretAsDoubles();
  }

  /** {@code e^x} for every lane; NaN for NaN, {@code +∞} above 709.78, 0 below −745.2. */
  static DoubleVector exp(DoubleVector x) {
    DoubleVector clamped = x.max(EXP_MIN).min(EXP_MAX); // NaN stays NaN
    DoubleVector shifted = shiftedK(clamped);
    DoubleVector k = shifted.sub(ROUND);
    DoubleVector q = expm1Reduced(reduce(clamped, k)).add(1.0);
    // 2^k as 2^{k₁} 2^{k₂}, both factors normal, so that the result rounds once
    DoubleVector half = k.fma(DoubleVector.broadcast(SPECIES, 0.5),
        DoubleVector.broadcast(SPECIES, ROUND));
    DoubleVector rest = k.sub(half.sub(ROUND)).add(ROUND);
    return q.mul(powerOfTwo(half)).mul(powerOfTwo(rest));
  }

  /** {@code tanh(x)} for every lane; odd ({@code tanh(−0) = −0}), NaN for NaN. */
  static DoubleVector tanh(DoubleVector x) {
    LongVector bits = x.reinterpretAsLongs();
    DoubleVector a = bits.and(~SIGN).reinterpretAsDoubles().min(TANH_SATURATION);
    DoubleVector t = a.add(a);
    DoubleVector shifted = shiftedK(t); // k = 0 .. 58
    DoubleVector em = expm1Reduced(reduce(t, shifted.sub(ROUND)));
    DoubleVector s = powerOfTwo(shifted);
    DoubleVector m = s.fma(em, s.sub(1.0)); // e^{2|x|} − 1
    DoubleVector magnitude = m.div(m.add(2.0));
    return magnitude.reinterpretAsLongs().or(bits.and(SIGN)).reinterpretAsDoubles();
  }

  /** The logistic sigmoid {@code 1 / (1 + e^{−x})}; 0 below −709.78 (as the limit rounds). */
  static DoubleVector sigmoid(DoubleVector x) {
    DoubleVector one = DoubleVector.broadcast(SPECIES, 1.0);
    return one.div(exp(x.neg()).add(one));
  }
}
