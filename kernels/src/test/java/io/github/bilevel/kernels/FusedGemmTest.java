package io.github.bilevel.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fused GEMM of every backend in this module against the definition written out here on
 * heap arrays (independent of the backends): the scalar reference, the SIMD backend on one and
 * on three threads (every product cut), and the composed default (a SIMD backend whose
 * {@code gemmKernel} is replaced, as the OpenBLAS backend's is). All four transposes, each
 * activation, with and without bias, addend, scale and mix, edge shapes (1, not multiples of
 * the micro-tile, k above one k block). Outputs are surrounded by a sentinel that must
 * survive; inputs by NaN, and with β = 0 the addend (or C) holds NaN, so reading what must not
 * be read shows.
 */
class FusedGemmTest {

  /** A SIMD backend with its own gemm kernel: its fused gemm is the composed default. */
  static final class ForeignGemmBackend extends SimdBackend {
    ForeignGemmBackend() {
      super(new KernelThreads(1, 0));
    }

    @Override
    protected void gemmKernel(boolean transA, boolean transB, double alpha, DMatrix a,
        DMatrix b, double beta, DMatrix c) {
      super.gemmKernel(transA, transB, alpha, a, b, beta, c);
    }
  }

  static final Map<String, Backend> BACKENDS = new LinkedHashMap<>();

  static {
    BACKENDS.put("scalar", new ScalarBackend());
    BACKENDS.put("simd-1", new SimdBackend(new KernelThreads(1, 0)));
    BACKENDS.put("simd-3", new SimdBackend(new KernelThreads(3, 0)));
    BACKENDS.put("composed", new ForeignGemmBackend());
  }

  private static final double SENTINEL = 12345.0;

  /** Which operands of the epilogue a case sets. */
  record Features(boolean bias, boolean addend, boolean scale, boolean mix) {
    @Override
    public String toString() {
      return (bias ? "+bias" : "") + (addend ? "+addend" : "") + (scale ? "+scale" : "")
          + (mix ? "+mix" : "") + (bias || addend || scale || mix ? "" : "plain");
    }
  }

  static final Features[] FEATURES = {
      new Features(false, false, false, false), new Features(true, false, false, false),
      new Features(false, true, false, false), new Features(false, false, true, false),
      new Features(false, false, false, true), new Features(true, true, true, true),
      new Features(false, true, false, true), new Features(true, false, true, false),
  };

  /** One fused product: shapes of op(A) (m × k) and op(B) (k × n), epilogue, scalars. */
  record Case(int m, int n, int k, boolean transA, boolean transB, Activation act, Features f,
      double alpha, double beta, double eta) {
    @Override
    public String toString() {
      return m + "x" + n + "x" + k + (transA ? " Aᵀ" : " A") + (transB ? " Bᵀ" : " B") + " "
          + act + " " + f + " α=" + alpha + " β=" + beta + (f.mix() ? " η=" + eta : "");
    }
  }

  /** The inputs of a case as heap arrays (row-major, dense). */
  static final class Data {
    final Case cs;
    final double[] a;
    final double[] s;
    final double[] b;
    final double[] c0;
    final double[] y;
    final double[] bias;
    final double[] x0;

    Data(Case cs, long seed) {
      this.cs = cs;
      Random random = new Random(seed);
      int m = cs.m();
      int n = cs.n();
      int k = cs.k();
      a = uniform(random, m * k, -1, 1);
      s = uniform(random, m * k, 0, 1);
      b = uniform(random, k * n, -1, 1);
      c0 = uniform(random, m * n, -1, 1);
      y = uniform(random, m * n, -1, 1);
      bias = uniform(random, n, -1, 1);
      x0 = uniform(random, m * n, -1, 1);
    }

    int aRows() {
      return cs.transA() ? cs.k() : cs.m();
    }

    int aCols() {
      return cs.transA() ? cs.m() : cs.k();
    }

    int bRows() {
      return cs.transB() ? cs.n() : cs.k();
    }

    int bCols() {
      return cs.transB() ? cs.k() : cs.n();
    }

    /** The definition: expected C (index 0) and X (index 1). */
    double[][] expected() {
      int m = cs.m();
      int n = cs.n();
      int k = cs.k();
      Features f = cs.f();
      double[] c = new double[m * n];
      double[] x = x0.clone();
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          double sum = 0.0;
          for (int l = 0; l < k; l++) {
            int ai = cs.transA() ? l * m + i : i * k + l;
            double ail = f.scale() ? s[ai] * a[ai] : a[ai];
            sum += ail * (cs.transB() ? b[j * k + l] : b[l * n + j]);
          }
          double v = cs.alpha() * sum;
          if (cs.beta() != 0.0) {
            v += cs.beta() * (f.addend() ? y[i * n + j] : c0[i * n + j]);
          }
          if (f.bias()) {
            v += bias[j];
          }
          v = switch (cs.act()) {
            case IDENTITY -> v;
            case TANH -> Math.tanh(v);
            case SIGMOID -> 1.0 / (1.0 + Math.exp(-v));
            case RELU -> Math.max(v, 0.0);
          };
          c[i * n + j] = v;
          if (f.mix()) {
            x[i * n + j] = (1.0 - cs.eta()) * x[i * n + j] + cs.eta() * v;
          }
        }
      }
      return new double[][] {c, x};
    }

    /** A bound on the rounding error of one element of C. */
    double tolerance() {
      double product = Math.abs(cs.alpha()) * cs.k() * maxAbs(a) * (cs.f().scale() ? maxAbs(s) : 1)
          * maxAbs(b);
      double added = Math.abs(cs.beta()) * Math.max(maxAbs(c0), maxAbs(y)) + maxAbs(bias);
      return 1e-12 * (product + added + 1.0);
    }
  }

  static double[] uniform(Random random, int count, double lo, double hi) {
    double[] out = new double[count];
    for (int i = 0; i < count; i++) {
      out[i] = lo + (hi - lo) * random.nextDouble();
    }
    return out;
  }

  static double maxAbs(double[] values) {
    double max = 0.0;
    for (double v : values) {
      max = Math.max(max, Math.abs(v));
    }
    return max;
  }

  /**
   * A {@code rows × cols} view at offset 2 with leading dimension {@code cols + 3} in a fresh
   * segment whose other elements hold {@code fill}.
   */
  static DMatrix view(Arena arena, int rows, int cols, double[] values, double fill) {
    int ld = cols + 3;
    long size = 2 + (long) rows * ld + 1;
    MemorySegment segment = Buffers.allocate(arena, size);
    for (long i = 0; i < size; i++) {
      segment.setAtIndex(ValueLayout.JAVA_DOUBLE, i, fill);
    }
    DMatrix m = new DMatrix(segment, 2, rows, cols, ld);
    return values == null ? m : m.copyFrom(values);
  }

  /** The operands of one run of a case, in fresh memory. */
  record Operands(DMatrix a, DMatrix b, DMatrix c, GemmEpilogue<DMatrix, DVector> epilogue) {}

  static Operands operands(Arena arena, Data d) {
    Case cs = d.cs;
    Features f = cs.f();
    DMatrix a = view(arena, d.aRows(), d.aCols(), d.a, Double.NaN);
    DMatrix b = view(arena, d.bRows(), d.bCols(), d.b, Double.NaN);
    // with β = 0 the matrix β would scale holds NaN: it must not be read
    double[] cValues = cs.beta() == 0.0 && !f.addend() ? nan(d.c0.length) : d.c0;
    DMatrix c = view(arena, cs.m(), cs.n(), cValues, SENTINEL);
    GemmEpilogue<DMatrix, DVector> e = GemmEpilogue.of(cs.act());
    if (f.bias()) {
      // a strided bias: every other element
      DVector bias = new DVector(Buffers.allocate(arena, 2L * cs.n() + 3), 1, cs.n(), 2);
      e = e.withBias(bias.copyFrom(d.bias));
    }
    if (f.addend()) {
      double[] yValues = cs.beta() == 0.0 ? nan(d.y.length) : d.y;
      e = e.withAddend(view(arena, cs.m(), cs.n(), yValues, Double.NaN));
    }
    if (f.scale()) {
      e = e.withScale(view(arena, d.aRows(), d.aCols(), d.s, Double.NaN));
    }
    if (f.mix()) {
      e = e.withMix(cs.eta(), view(arena, cs.m(), cs.n(), d.x0, SENTINEL));
    }
    return new Operands(a, b, c, e);
  }

  static double[] nan(int count) {
    double[] out = new double[count];
    Arrays.fill(out, Double.NaN);
    return out;
  }

  static void run(Backend backend, Operands o, Case cs) {
    backend.gemm(Transpose.of(cs.transA()), Transpose.of(cs.transB()), cs.alpha(), o.a(), o.b(),
        cs.beta(), o.c(), o.epilogue());
  }

  /** Compares a whole output segment: the view within tolerance, the rest untouched. */
  static void compare(String what, DMatrix out, double[] expected, double tolerance) {
    long elements = out.segment().byteSize() / Double.BYTES;
    for (long e = 0; e < elements; e++) {
      double got = out.segment().getAtIndex(ValueLayout.JAVA_DOUBLE, e);
      long rel = e - out.offset();
      boolean inside = rel >= 0 && rel / out.ld() < out.rows() && rel % out.ld() < out.cols();
      if (!inside) {
        if (got != SENTINEL) {
          fail(what + ": element " + e + " outside the view changed to " + got);
        }
        continue;
      }
      int i = (int) (rel / out.ld());
      int j = (int) (rel % out.ld());
      double want = expected[i * out.cols() + j];
      if (!(Math.abs(got - want) <= tolerance)) {
        fail(what + ": (" + i + ", " + j + ") = " + got + ", expected " + want + " (tolerance "
            + tolerance + ")");
      }
    }
  }

  /** Runs one case on {@code backend} and compares C and X with the definition. */
  static void check(String name, Backend backend, Case cs, long seed) {
    Data d = new Data(cs, seed);
    double[][] want = d.expected();
    try (Arena arena = Arena.ofShared()) {
      Operands o = operands(arena, d);
      run(backend, o, cs);
      double tolerance = d.tolerance();
      compare(name + " " + cs + ": C", o.c(), want[0], tolerance);
      if (cs.f().mix()) {
        compare(name + " " + cs + ": X", o.epilogue().mixTarget(), want[1], tolerance);
      }
    }
  }

  // ---------------------------------------------------------------- every backend

  private static final int[][] SHAPES = {
      {1, 1, 1}, {1, 7, 5}, {7, 1, 3}, {5, 3, 1}, {9, 25, 17}, {17, 49, 33}, {67, 29, 64},
      {33, 23, 517}, {20, 30, 1100},
  };

  static Stream<Arguments> backendsShapesAndTransposes() {
    List<Arguments> out = new ArrayList<>();
    for (String backend : BACKENDS.keySet()) {
      for (int[] s : SHAPES) {
        for (boolean ta : new boolean[] {false, true}) {
          for (boolean tb : new boolean[] {false, true}) {
            out.add(Arguments.of(backend, s[0], s[1], s[2], ta, tb));
          }
        }
      }
    }
    return out.stream();
  }

  /** Each activation and combination of operands, with β zero and not. */
  @ParameterizedTest(name = "{0} {1}x{2}x{3} transA={4} transB={5}")
  @MethodSource("backendsShapesAndTransposes")
  void everyBackendMatchesTheDefinition(String backend, int m, int n, int k, boolean ta,
      boolean tb) {
    double alpha = 1.5 / Math.sqrt(k);
    long seed = 1000L * m + 100L * n + k + (ta ? 7 : 0) + (tb ? 13 : 0);
    for (Activation act : Activation.values()) {
      for (Features f : FEATURES) {
        for (double beta : new double[] {0.0, -0.7}) {
          check(backend, BACKENDS.get(backend), new Case(m, n, k, ta, tb, act, f, alpha, beta,
              0.3), seed++);
        }
      }
    }
  }

  /** Seeded random shapes, transposes, activations, operands and scalars on every backend. */
  @Test
  void seededRandomCases() {
    Random random = new Random(20250101L);
    Activation[] acts = Activation.values();
    for (int t = 0; t < 40; t++) {
      int m = 1 + random.nextInt(70);
      int n = 1 + random.nextInt(70);
      int k = 1 + random.nextInt(random.nextBoolean() ? 40 : 700);
      Features f = new Features(random.nextBoolean(), random.nextBoolean(),
          random.nextBoolean(), random.nextBoolean());
      double beta = random.nextInt(3) == 0 ? 0.0 : 2 * random.nextDouble() - 1;
      Case cs = new Case(m, n, k, random.nextBoolean(), random.nextBoolean(),
          acts[random.nextInt(acts.length)], f, (2 * random.nextDouble() - 1) / Math.sqrt(k),
          beta, 0.05 + 0.95 * random.nextDouble());
      long seed = random.nextLong();
      for (Map.Entry<String, Backend> backend : BACKENDS.entrySet()) {
        check(backend.getKey(), backend.getValue(), cs, seed);
      }
    }
  }

  /** α = 0: A, B and S (all NaN here) are not read; C ← act(β Y + bias), then the mix. */
  @Test
  void alphaZeroReadsNeitherOperand() {
    for (Map.Entry<String, Backend> backend : BACKENDS.entrySet()) {
      try (Arena arena = Arena.ofShared()) {
        DMatrix a = view(arena, 3, 4, nan(12), Double.NaN);
        DMatrix s = view(arena, 3, 4, nan(12), Double.NaN);
        DMatrix b = view(arena, 4, 2, nan(8), Double.NaN);
        DMatrix y = view(arena, 3, 2, new double[] {1, 2, 3, 4, 5, 6}, Double.NaN);
        DMatrix c = view(arena, 3, 2, nan(6), SENTINEL);
        DMatrix x = view(arena, 3, 2, new double[6], SENTINEL);
        DVector bias = Buffers.vector(arena, -1.0, 0.5);
        GemmEpilogue<DMatrix, DVector> e = GemmEpilogue.<DMatrix, DVector>of(Activation.RELU)
            .withScale(s).withAddend(y).withBias(bias).withMix(0.5, x);
        backend.getValue().gemm(Transpose.NO, Transpose.NO, 0.0, a, b, 2.0, c, e);
        double[] want = {1, 4.5, 5, 8.5, 9, 12.5};
        compare(backend.getKey() + " C", c, want, 0.0);
        compare(backend.getKey() + " X", x, Arrays.stream(want).map(v -> v / 2).toArray(), 0.0);
        // k = 0: the same
        DMatrix empty = view(arena, 3, 0, null, Double.NaN);
        DMatrix none = view(arena, 0, 2, null, Double.NaN);
        backend.getValue().gemm(Transpose.NO, Transpose.NO, 1.0, empty, none, 2.0, c,
            GemmEpilogue.<DMatrix, DVector>of(Activation.IDENTITY).withAddend(y));
        compare(backend.getKey() + " C, k = 0", c, new double[] {2, 4, 6, 8, 10, 12}, 0.0);
      }
    }
  }

  /** A hand-checked fused product, independent of every backend. */
  @Test
  void smallClosedForm() {
    for (Map.Entry<String, Backend> backend : BACKENDS.entrySet()) {
      try (Arena arena = Arena.ofConfined()) {
        DMatrix a = Buffers.matrix(arena, 2, 3, 1, 2, 3, 4, 5, 6);
        DMatrix s = Buffers.matrix(arena, 2, 3, 1, 0, 1, 0, 1, 0);
        DMatrix b = Buffers.matrix(arena, 3, 2, 7, 8, 9, 10, 11, 12);
        DMatrix y = Buffers.matrix(arena, 2, 2, 1, 1, 1, 1);
        DMatrix c = Buffers.matrix(arena, 2, 2);
        DMatrix x = Buffers.matrix(arena, 2, 2, 4, 4, 4, 4);
        DVector bias = Buffers.vector(arena, -100, -200);
        // (S ⊙ A) B = [[1, 0, 3], [0, 5, 0]] B = [[40, 44], [45, 50]]
        backend.getValue().gemm(Transpose.NO, Transpose.NO, 2.0, a, b, -1.0, c,
            GemmEpilogue.<DMatrix, DVector>of(Activation.RELU).withScale(s).withAddend(y)
                .withBias(bias).withMix(0.25, x));
        String name = backend.getKey();
        assertEquals(0.0, c.get(0, 0), name); // relu(80 − 1 − 100)
        assertEquals(0.0, c.get(0, 1), name); // relu(88 − 1 − 200)
        assertEquals(0.0, c.get(1, 1), name); // relu(100 − 1 − 200)
        assertEquals(0.0, c.get(1, 0), name); // relu(90 − 1 − 100)
        assertEquals(3.0, x.get(0, 0), name); // 0.75 · 4 + 0.25 · 0
        backend.getValue().gemm(Transpose.NO, Transpose.NO, 2.0, a, b, -1.0, c,
            GemmEpilogue.<DMatrix, DVector>of(Activation.IDENTITY).withScale(s).withAddend(y)
                .withBias(bias).withMix(0.25, x));
        assertEquals(-21.0, c.get(0, 0), name);
        assertEquals(-113.0, c.get(0, 1), name);
        assertEquals(-11.0, c.get(1, 0), name);
        assertEquals(-101.0, c.get(1, 1), name);
        assertEquals(0.75 * 3.0 + 0.25 * -21.0, x.get(0, 0), name);
      }
    }
  }

  /** The addend may be C itself, passed explicitly: the same as no addend. */
  @Test
  void addendMayBeCItself() {
    for (Map.Entry<String, Backend> backend : BACKENDS.entrySet()) {
      Case cs = new Case(13, 27, 9, false, true, Activation.TANH,
          new Features(true, false, false, false), 0.4, 0.6, 0.0);
      Data d = new Data(cs, 5);
      try (Arena arena = Arena.ofShared()) {
        Operands o = operands(arena, d);
        // the same elements through another view object, over a slice of the same memory
        DMatrix c = o.c();
        DMatrix same = new DMatrix(c.segment().asSlice(8), c.offset() - 1, c.rows(), c.cols(),
            c.ld());
        backend.getValue().gemm(Transpose.NO, Transpose.YES, cs.alpha(), o.a(), o.b(),
            cs.beta(), c, o.epilogue().withAddend(same));
        compare(backend.getKey(), c, d.expected()[0], d.tolerance());
      }
    }
  }
}
