package io.github.bilevel.kernels;

import static io.github.bilevel.kernels.TestViews.LAYOUTS;
import static io.github.bilevel.kernels.TestViews.assertClose;
import static io.github.bilevel.kernels.TestViews.assertSegmentsClose;
import static io.github.bilevel.kernels.TestViews.matrix;
import static io.github.bilevel.kernels.TestViews.relative;
import static io.github.bilevel.kernels.TestViews.relativeOrAbsolute;
import static io.github.bilevel.kernels.TestViews.uniform;
import static io.github.bilevel.kernels.TestViews.vector;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.kernels.TestViews.Layout;
import io.github.bilevel.kernels.TestViews.Tolerance;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Random;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kernel of {@link SimdBackend} against {@link ScalarBackend}, over sizes around the
 * vector length, contiguous and strided views at non-zero offsets (gaps hold NaN, so reading or
 * writing outside a view is caught), with tolerances relative to the size of the terms.
 */
class SimdBackendTest {

  private static final String SIZES = "io.github.bilevel.kernels.TestViews#sizes";

  private final Backend simd = new SimdBackend();
  private final Backend scalar = new ScalarBackend();

  // ---------------------------------------------------------------- harness

  /** Runs {@code op} on copies of {@code x} under both backends and compares the segments. */
  private void compareUnary(double[] x, Layout layout, Tolerance tolerance, String what,
      BiConsumer<Backend, DVector> op) {
    try (Arena arena = Arena.ofConfined()) {
      DVector expected = vector(arena, x, layout);
      DVector actual = vector(arena, x, layout);
      op.accept(scalar, expected);
      op.accept(simd, actual);
      assertSegmentsClose(expected.segment(), actual.segment(), tolerance,
          what + " (n = " + x.length + ", " + layout + ")");
    }
  }

  /** Operation on two vectors (both may be written). */
  @FunctionalInterface
  private interface BinaryOp {
    void apply(Backend backend, DVector x, DVector y);
  }

  private void compareBinary(double[] x, double[] y, Layout layoutX, Layout layoutY,
      Tolerance tolerance, String what, BinaryOp op) {
    try (Arena arena = Arena.ofConfined()) {
      DVector ex = vector(arena, x, layoutX);
      DVector ey = vector(arena, y, layoutY);
      DVector ax = vector(arena, x, layoutX);
      DVector ay = vector(arena, y, layoutY);
      op.apply(scalar, ex, ey);
      op.apply(simd, ax, ay);
      String where = " (n = " + x.length + ", x: " + layoutX + ", y: " + layoutY + ")";
      assertSegmentsClose(ex.segment(), ax.segment(), tolerance, what + ", x" + where);
      assertSegmentsClose(ey.segment(), ay.segment(), tolerance, what + ", y" + where);
    }
  }

  /** Operation {@code out ← f(a, b)} on three vectors. */
  @FunctionalInterface
  private interface TernaryOp {
    void apply(Backend backend, DVector a, DVector b, DVector out);
  }

  private void compareTernary(double[] a, double[] b, Layout layout, Tolerance tolerance,
      String what, TernaryOp op) {
    try (Arena arena = Arena.ofConfined()) {
      double[] nan = new double[a.length];
      Arrays.fill(nan, Double.NaN);
      DVector ea = vector(arena, a, layout);
      DVector eb = vector(arena, b, layout);
      DVector eo = vector(arena, nan, layout);
      DVector aa = vector(arena, a, layout);
      DVector ab = vector(arena, b, layout);
      DVector ao = vector(arena, nan, layout);
      op.apply(scalar, ea, eb, eo);
      op.apply(simd, aa, ab, ao);
      assertSegmentsClose(eo.segment(), ao.segment(), tolerance,
          what + " (n = " + a.length + ", " + layout + ")");
    }
  }

  private static Random random(int n) {
    return new Random(1_000_003L * n + 17);
  }

  // ---------------------------------------------------------------- BLAS-1

  @ParameterizedTest
  @MethodSource(SIZES)
  void dot(int n) {
    Random random = random(n);
    double[] x = uniform(random, n, -1, 1);
    double[] y = uniform(random, n, -1, 1);
    double terms = 0.0;
    for (int i = 0; i < n; i++) {
      terms += Math.abs(x[i] * y[i]);
    }
    for (Layout lx : LAYOUTS) {
      for (Layout ly : LAYOUTS) {
        try (Arena arena = Arena.ofConfined()) {
          DVector vx = vector(arena, x, lx);
          DVector vy = vector(arena, y, ly);
          double bound = 1e-13 * terms;
          assertClose(scalar.dot(vx, vy), simd.dot(vx, vy), e -> bound,
              "dot, n = " + n + ", " + lx + " / " + ly);
        }
      }
    }
  }

  @ParameterizedTest
  @MethodSource(SIZES)
  void nrm2AndAsum(int n) {
    Random random = random(n);
    double[] x = uniform(random, n, -1, 1);
    for (double scale : new double[] {1.0, 1e300, 1e-300, 1e-320, 1e150, 1e-160}) {
      double[] s = x.clone();
      for (int i = 0; i < n; i++) {
        s[i] *= scale;
      }
      for (Layout layout : LAYOUTS) {
        try (Arena arena = Arena.ofConfined()) {
          DVector v = vector(arena, s, layout);
          String where = ", n = " + n + ", scale " + scale + ", " + layout;
          Tolerance tol = relative(1e-13);
          assertClose(scalar.nrm2(v), simd.nrm2(v), tol, "nrm2" + where);
          assertClose(scalar.asum(v), simd.asum(v), relative(1e-13), "asum" + where);
        }
      }
    }
  }

  @Test
  void nrm2ExtremeAndSpecialValues() {
    double[][] cases = {
        {3e300, 4e300},
        {3e-300, 4e-300},
        {1e308, 1e308, 1e308},
        {Double.MAX_VALUE, 1.0},
        {Double.MIN_VALUE, Double.MIN_VALUE},
        {1e-300, 1.0, 1e300},
        {0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0},
        {1.0, Double.NaN, 2.0},
        {1.0, Double.POSITIVE_INFINITY, 2.0},
        {1e-200, 1e-200, 1e-200, 1e-200, 1e-200, 1e-200, 1e-200, 1e-200, 1e-200, 1e-200},
    };
    for (double[] x : cases) {
      for (Layout layout : LAYOUTS) {
        try (Arena arena = Arena.ofConfined()) {
          DVector v = vector(arena, x, layout);
          assertClose(scalar.nrm2(v), simd.nrm2(v), relative(1e-15),
              "nrm2 of " + Arrays.toString(x) + ", " + layout);
        }
      }
    }
    // NaN among many elements, in the vector part and in the scalar tail
    for (int n : new int[] {9, 40, 1025}) {
      for (int where : new int[] {0, n / 2, n - 1}) {
        double[] x = new double[n];
        Arrays.fill(x, 1e-300);
        x[where] = Double.NaN;
        try (Arena arena = Arena.ofConfined()) {
          assertTrue(Double.isNaN(simd.nrm2(vector(arena, x, LAYOUTS[0]))), "NaN at " + where);
        }
      }
    }
    // the overflowing sum of squares of 1025 elements of 1e200: √1025 · 1e200
    double[] big = new double[1025];
    Arrays.fill(big, 1e200);
    try (Arena arena = Arena.ofConfined()) {
      assertClose(Math.sqrt(1025) * 1e200, simd.nrm2(vector(arena, big, LAYOUTS[1])),
          relative(1e-14), "nrm2 of 1025 × 1e200");
    }
  }

  @ParameterizedTest
  @MethodSource(SIZES)
  void axpyAxpbyScalCopyRot(int n) {
    Random random = random(n);
    double[] x = uniform(random, n, -1, 1);
    double[] y = uniform(random, n, -1, 1);
    double[] nan = new double[n];
    Arrays.fill(nan, Double.NaN);
    Tolerance tol = relativeOrAbsolute(1e-15);
    for (Layout lx : LAYOUTS) {
      for (Layout ly : LAYOUTS) {
        compareBinary(x, y, lx, ly, tol, "axpy", (b, u, v) -> b.axpy(-0.75, u, v));
        compareBinary(x, y, lx, ly, tol, "axpby", (b, u, v) -> b.axpby(1.5, u, -0.25, v));
        compareBinary(x, nan, lx, ly, tol, "axpby with beta 0 and NaN in y",
            (b, u, v) -> b.axpby(1.5, u, 0.0, v));
        compareBinary(x, y, lx, ly, tol, "hadamard",
            (b, u, v) -> b.hadamard(1.5, u, v, -0.25, v));
        compareBinary(x, nan, lx, ly, tol, "hadamard with beta 0 and NaN in y",
            (b, u, v) -> b.hadamard(-0.75, u, u, 0.0, v));
        compareBinary(x, y, lx, ly, tol, "copy", (b, u, v) -> b.copy(u, v));
        compareBinary(x, y, lx, ly, tol, "rot", (b, u, v) -> b.rot(u, v, 0.6, 0.8));
      }
      compareUnary(x, lx, tol, "scal", (b, v) -> b.scal(-3.0, v));
      compareUnary(x, lx, tol, "scal by 0", (b, v) -> b.scal(0.0, v));
      compareUnary(x, lx, tol, "fill 0", (b, v) -> b.fill(0.0, v));
      compareUnary(x, lx, tol, "fill 2.5", (b, v) -> b.fill(2.5, v));
    }
  }

  @Test
  void fillWritesNegativeZero() {
    try (Arena arena = Arena.ofConfined()) {
      DVector v = vector(arena, new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, LAYOUTS[1]);
      simd.fill(-0.0, v);
      for (double e : v.toArray()) {
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(e));
      }
    }
  }

  // ---------------------------------------------------------------- KM

  @ParameterizedTest
  @MethodSource(SIZES)
  void kmStepAndResidual(int n) {
    Random random = random(n);
    double[] phi = uniform(random, n, -1, 1);
    double[] x = uniform(random, n, -1, 1);
    double terms = 0.0;
    for (int i = 0; i < n; i++) {
      terms += (phi[i] - x[i]) * (phi[i] - x[i]);
    }
    for (Layout lp : LAYOUTS) {
      for (Layout lx : LAYOUTS) {
        compareBinary(phi, x, lp, lx, relativeOrAbsolute(1e-15), "kmStep",
            (b, p, v) -> b.kmStep(0.3, p, v));
        try (Arena arena = Arena.ofConfined()) {
          DVector ep = vector(arena, phi, lp);
          DVector ex = vector(arena, x, lx);
          DVector ap = vector(arena, phi, lp);
          DVector ax = vector(arena, x, lx);
          double expected = scalar.kmStepResidual(0.7, ep, ex);
          double actual = simd.kmStepResidual(0.7, ap, ax);
          String where = ", n = " + n + ", " + lp + " / " + lx;
          assertClose(expected, actual, relative(1e-13), "kmStepResidual" + where);
          assertClose(Math.sqrt(terms), actual, relative(1e-13), "residual, closed form" + where);
          assertSegmentsClose(ex.segment(), ax.segment(), relativeOrAbsolute(1e-15),
              "kmStepResidual's step" + where);
        }
      }
    }
  }

  // ---------------------------------------------------------------- BLAS-2

  private static final int[][] SHAPES = {
      {1, 1}, {3, 7}, {7, 3}, {4, 8}, {8, 4}, {5, 9}, {65, 63}, {63, 65}, {127, 129},
      {129, 127}, {2, 1025}, {1025, 2}, {1, 64}, {64, 1}, {33, 17},
  };

  @Test
  void gemvGemvTGer() {
    for (int[] shape : SHAPES) {
      int m = shape[0];
      int n = shape[1];
      Random random = new Random(31L * m + n);
      double[] a = uniform(random, m * n, -1, 1);
      double[] xn = uniform(random, n, -1, 1);
      double[] xm = uniform(random, m, -1, 1);
      double[] ym = uniform(random, m, -1, 1);
      double[] yn = uniform(random, n, -1, 1);
      double[] nanM = new double[m];
      double[] nanN = new double[n];
      Arrays.fill(nanM, Double.NaN);
      Arrays.fill(nanN, Double.NaN);
      for (Layout lx : LAYOUTS) {
        for (Layout ly : LAYOUTS) {
          String where = m + "x" + n + ", x: " + lx + ", y: " + ly;
          // y_i = α Σ_j a_ij x_j + β y_i with |terms| ≤ 1: error ≤ ~n ε
          compareMatrixVector(a, m, n, xn, ym, lx, ly, relativeOrAbsolute(1e-15 * (n + 2)),
              "gemv " + where, (b, am, x, y) -> b.gemv(1.25, am, x, -0.5, y));
          compareMatrixVector(a, m, n, xn, nanM, lx, ly, relativeOrAbsolute(1e-15 * (n + 2)),
              "gemv, beta 0, NaN in y " + where, (b, am, x, y) -> b.gemv(0.5, am, x, 0.0, y));
          compareMatrixVector(a, m, n, xm, yn, lx, ly, relativeOrAbsolute(1e-15 * (m + 2)),
              "gemvT " + where, (b, am, x, y) -> b.gemvT(-1.25, am, x, 2.0, y));
          compareMatrixVector(a, m, n, xm, nanN, lx, ly, relativeOrAbsolute(1e-15 * (m + 2)),
              "gemvT, beta 0, NaN in y " + where,
              (b, am, x, y) -> b.gemvT(0.75, am, x, 0.0, y));
          compareMatrixVector(a, m, n, xm, yn, lx, ly, relativeOrAbsolute(1e-15),
              "ger " + where, (b, am, x, y) -> b.ger(0.8, x, y, am));
        }
      }
    }
  }

  @FunctionalInterface
  private interface MatrixVectorOp {
    void apply(Backend backend, DMatrix a, DVector x, DVector y);
  }

  private void compareMatrixVector(double[] a, int m, int n, double[] x, double[] y, Layout lx,
      Layout ly, Tolerance tolerance, String what, MatrixVectorOp op) {
    try (Arena arena = Arena.ofConfined()) {
      DMatrix ea = matrix(arena, m, n, a);
      DVector ex = vector(arena, x, lx);
      DVector ey = vector(arena, y, ly);
      DMatrix aa = matrix(arena, m, n, a);
      DVector ax = vector(arena, x, lx);
      DVector ay = vector(arena, y, ly);
      op.apply(scalar, ea, ex, ey);
      op.apply(simd, aa, ax, ay);
      assertSegmentsClose(ey.segment(), ay.segment(), tolerance, what + ", y");
      assertSegmentsClose(ea.segment(), aa.segment(), tolerance, what + ", a");
      assertSegmentsClose(ex.segment(), ax.segment(), tolerance, what + ", x");
    }
  }

  @Test
  void gemvResultIsFiniteWithBetaZeroAndNaNInY() {
    try (Arena arena = Arena.ofConfined()) {
      DMatrix a = matrix(arena, 9, 9, uniform(new Random(5), 81, -1, 1));
      double[] nan = new double[9];
      Arrays.fill(nan, Double.NaN);
      DVector y = vector(arena, nan, LAYOUTS[0]);
      simd.gemv(1.0, a, vector(arena, uniform(new Random(6), 9, -1, 1), LAYOUTS[0]), 0.0, y);
      for (double e : y.toArray()) {
        assertTrue(Double.isFinite(e), "gemv propagated NaN from y with beta = 0");
      }
      DVector z = vector(arena, nan, LAYOUTS[1]);
      simd.gemvT(1.0, a, vector(arena, uniform(new Random(7), 9, -1, 1), LAYOUTS[2]), 0.0, z);
      for (double e : z.toArray()) {
        assertTrue(Double.isFinite(e), "gemvT propagated NaN from y with beta = 0");
      }
    }
  }

  @Test
  void gemmDelegates() {
    int[][] shapes = {{1, 1, 1}, {3, 5, 7}, {9, 8, 17}, {16, 16, 16}};
    for (int[] s : shapes) {
      int m = s[0];
      int k = s[1];
      int n = s[2];
      Random random = new Random(m * 1000L + k * 10L + n);
      double[] a = uniform(random, m * k, -1, 1);
      double[] b = uniform(random, k * n, -1, 1);
      double[] c = uniform(random, m * n, -1, 1);
      try (Arena arena = Arena.ofConfined()) {
        DMatrix ec = matrix(arena, m, n, c);
        DMatrix ac = matrix(arena, m, n, c);
        scalar.gemm(Transpose.NO, Transpose.NO, 1.5, matrix(arena, m, k, a),
            matrix(arena, k, n, b), -1.0, ec);
        simd.gemm(Transpose.NO, Transpose.NO, 1.5, matrix(arena, m, k, a),
            matrix(arena, k, n, b), -1.0, ac);
        assertSegmentsClose(ec.segment(), ac.segment(), relativeOrAbsolute(1e-15 * (k + 2)),
            "gemm " + m + "x" + k + "x" + n);
      }
    }
  }

  // ---------------------------------------------------------------- elementwise

  /** Random values over the useful range, with the special values mixed in. */
  private static double[] activationInputs(int n) {
    Random random = random(n);
    double[] x = uniform(random, n, -40, 40);
    double[] special = {0.0, -0.0, 1e-300, -1e-300, 1e-8, -1e-8, 0.5, -0.5, 20, -20, 700, -700,
        710, -710, 745, -745, 800, -800, Double.MAX_VALUE, -Double.MAX_VALUE,
        Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN, Double.MIN_VALUE};
    for (int i = 0; i < n; i++) {
      if (random.nextInt(4) == 0) {
        x[i] = special[random.nextInt(special.length)];
      } else if (random.nextInt(3) == 0) {
        x[i] = x[i] / 40; // many values in [-1, 1]
      }
    }
    return x;
  }

  @ParameterizedTest
  @MethodSource(SIZES)
  void activations(int n) {
    double[] x = activationInputs(n);
    double[] v = uniform(new Random(n + 99L), n, -2, 2);
    double[] t = uniform(new Random(n + 98L), n, -1, 1);
    double[] s = uniform(new Random(n + 97L), n, 0, 1);
    for (Layout layout : LAYOUTS) {
      compareUnary(x, layout, relative(1e-14), "tanh in place", (b, u) -> b.tanh(u, u));
      compareUnary(x, layout, relative(1e-14), "sigmoid in place", (b, u) -> b.sigmoid(u, u));
      compareUnary(x, layout, relative(0), "relu in place", (b, u) -> b.relu(u, u));
      compareTernary(x, v, layout, relative(1e-14), "tanh",
          (b, p, q, out) -> b.tanh(p, out));
      compareTernary(x, v, layout, relative(1e-14), "sigmoid",
          (b, p, q, out) -> b.sigmoid(p, out));
      compareTernary(x, v, layout, relative(0), "relu", (b, p, q, out) -> b.relu(p, out));
      compareTernary(x, v, layout, relative(0), "reluBackward",
          (b, p, q, out) -> b.reluBackward(p, q, out));
      // (1 − t²) and s(1 − s) cancel near |t| = 1 and s = 1: the error is relative to |v|
      compareTernary(t, v, layout, relativeOrAbsolute(1e-15), "tanhBackward",
          (b, p, q, out) -> b.tanhBackward(p, q, out));
      compareTernary(s, v, layout, relativeOrAbsolute(1e-15), "sigmoidBackward",
          (b, p, q, out) -> b.sigmoidBackward(p, q, out));
    }
  }

  @Test
  void sigmoidMatchesTheExpReferenceOnAFineGrid() {
    int n = 200_001;
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = -750.0 + 1500.0 * i / (n - 1);
    }
    try (Arena arena = Arena.ofConfined()) {
      DVector v = vector(arena, x, LAYOUTS[0]);
      simd.sigmoid(v, v);
      for (int i = 0; i < n; i++) {
        double expected = 1.0 / (1.0 + Math.exp(-x[i]));
        assertClose(expected, v.get(i), relative(1e-14), "sigmoid(" + x[i] + ")");
      }
    }
  }

  // ---------------------------------------------------------------- softmax / CE

  private static final int[][] SOFTMAX_SHAPES = {
      {1, 1}, {1, 2}, {3, 7}, {4, 8}, {5, 9}, {2, 10}, {17, 63}, {8, 64}, {9, 65}, {3, 1025},
      {64, 10},
  };

  @Test
  void softmax() {
    for (int[] shape : SOFTMAX_SHAPES) {
      int r = shape[0];
      int c = shape[1];
      double[] z = uniform(new Random(r * 7919L + c), r * c, -30, 30);
      for (boolean inPlace : new boolean[] {false, true}) {
        try (Arena arena = Arena.ofConfined()) {
          DMatrix ez = matrix(arena, r, c, z);
          DMatrix az = matrix(arena, r, c, z);
          DMatrix eo = inPlace ? ez : matrix(arena, r, c, new double[r * c]);
          DMatrix ao = inPlace ? az : matrix(arena, r, c, new double[r * c]);
          scalar.softmax(ez, eo);
          simd.softmax(az, ao);
          assertSegmentsClose(eo.segment(), ao.segment(), relative(1e-14),
              "softmax " + r + "x" + c + (inPlace ? " in place" : ""));
        }
      }
    }
  }

  @Test
  void softmaxCrossEntropy() {
    for (int[] shape : SOFTMAX_SHAPES) {
      int r = shape[0];
      int c = shape[1];
      Random random = new Random(r * 104729L + c);
      double[] z = uniform(random, r * c, -10, 10);
      int[] labels = new int[r];
      for (int i = 0; i < r; i++) {
        labels[i] = random.nextInt(c);
      }
      for (int mode = 0; mode < 3; mode++) { // separate gradient, in place, loss only
        try (Arena arena = Arena.ofConfined()) {
          MemorySegment y = Buffers.labels(arena, labels);
          DMatrix ez = matrix(arena, r, c, z);
          DMatrix az = matrix(arena, r, c, z);
          DMatrix eg = mode == 0 ? matrix(arena, r, c, new double[r * c]) : mode == 1 ? ez : null;
          DMatrix ag = mode == 0 ? matrix(arena, r, c, new double[r * c]) : mode == 1 ? az : null;
          double expected = scalar.softmaxCrossEntropy(ez, y, eg);
          double actual = simd.softmaxCrossEntropy(az, y, ag);
          String what = "softmaxCrossEntropy " + r + "x" + c + ", mode " + mode;
          assertClose(expected, actual, relative(1e-13), what + ", loss");
          if (eg != null) {
            // p_y − 1 cancels when p_y is near 1: allow an absolute ε / r there
            double floor = 4e-16 / r;
            assertSegmentsClose(eg.segment(), ag.segment(), e -> 1e-13 * Math.abs(e) + floor,
                what + ", gradient");
          }
        }
      }
    }
  }

  @Test
  void softmaxCrossEntropyRejectsBadLabels() {
    for (int bad : new int[] {-1, 5, Integer.MAX_VALUE}) {
      try (Arena arena = Arena.ofConfined()) {
        DMatrix z = matrix(arena, 3, 5, uniform(new Random(3), 15, -1, 1));
        MemorySegment y = Buffers.labels(arena, 0, bad, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> simd.softmaxCrossEntropy(z, y, null));
        assertTrue(e.getMessage().contains("labels[1]"), e.getMessage());
        IllegalArgumentException s = assertThrows(IllegalArgumentException.class,
            () -> scalar.softmaxCrossEntropy(z, y, null));
        assertEquals(s.getMessage(), e.getMessage());
      }
    }
  }

  // ---------------------------------------------------------------- projections

  @ParameterizedTest
  @MethodSource(SIZES)
  void boxProjections(int n) {
    Random random = random(n);
    double[] x = uniform(random, n, -3, 3);
    double[] lower = uniform(random, n, -2, 0);
    double[] upper = uniform(random, n, 0, 2);
    for (Layout layout : LAYOUTS) {
      compareUnary(x, layout, relative(0), "box", (b, v) -> Projections.box(b, v, -0.5, 1.25));
      compareUnary(x, layout, relative(0), "linf", (b, v) -> Projections.linfBall(b, v, 0.7));
      compareUnary(x, layout, relative(0), "nonneg", Projections::nonNegative);
      for (Layout lb : LAYOUTS) {
        compareBoxes(x, lower, upper, layout, lb);
      }
    }
  }

  private void compareBoxes(double[] x, double[] lower, double[] upper, Layout lx, Layout lb) {
    try (Arena arena = Arena.ofConfined()) {
      DVector ex = vector(arena, x, lx);
      DVector ax = vector(arena, x, lx);
      Projections.box(scalar, ex, vector(arena, lower, lb), vector(arena, upper, lb));
      Projections.box(simd, ax, vector(arena, lower, lb), vector(arena, upper, lb));
      assertSegmentsClose(ex.segment(), ax.segment(), relative(0),
          "box with vector bounds, n = " + x.length + ", " + lx + " / " + lb);
    }
  }

  @Test
  void boxWithBadBoundsThrowsAtTheFirstBadIndex() {
    int n = 70;
    Random random = new Random(70);
    double[] x = uniform(random, n, -3, 3);
    for (int bad : new int[] {0, 5, 8, 17, 64, 69}) {
      for (boolean nan : new boolean[] {false, true}) {
        double[] lower = uniform(random, n, -2, 0);
        double[] upper = uniform(random, n, 0, 2);
        lower[bad] = nan ? Double.NaN : 1.0;
        upper[bad] = 0.5;
        if (bad + 3 < n) {
          lower[bad + 3] = 4.0; // a later bad index must not be the one reported
        }
        for (Layout layout : LAYOUTS) {
          try (Arena arena = Arena.ofConfined()) {
            DVector ex = vector(arena, x, layout);
            DVector ax = vector(arena, x, layout);
            DVector lo = vector(arena, lower, layout);
            DVector hi = vector(arena, upper, layout);
            IllegalArgumentException s = assertThrows(IllegalArgumentException.class,
                () -> Projections.box(scalar, ex, lo, hi));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Projections.box(simd, ax, lo, hi));
            assertEquals(s.getMessage(), e.getMessage());
            assertTrue(e.getMessage().contains("index " + bad), e.getMessage());
          }
        }
      }
    }
  }

  @ParameterizedTest
  @MethodSource(SIZES)
  void simplexAgainstSortBasedReference(int n) {
    if (n == 0) {
      return;
    }
    Random random = random(n);
    double[][] inputs = {
        uniform(random, n, -1, 1),
        uniform(random, n, 0, 10),
        uniform(random, n, -100, -50),
        roundedToFewValues(uniform(random, n, -2, 2)), // many ties
        exponentialSpread(n), // many Michelot passes
    };
    for (double[] x : inputs) {
      double max = 0.0;
      for (double e : x) {
        max = Math.max(max, Math.abs(e));
      }
      for (double radius : new double[] {0.5, 1.0, 7.0}) {
        double bound = 1e-13 * (max + radius);
        for (Layout layout : LAYOUTS) {
          compareUnary(x, layout, e -> bound, "simplex radius " + radius,
              (b, v) -> Projections.simplex(b, v, radius));
          try (Arena arena = Arena.ofConfined()) {
            DVector v = vector(arena, x, layout);
            Projections.simplex(simd, v, radius);
            double sum = 0.0;
            for (double e : v.toArray()) {
              assertTrue(e >= 0.0, "negative simplex coordinate " + e);
              sum += e;
            }
            double sumBound = 1e-12 * (max + radius) * Math.max(1, n / 64.0);
            assertClose(radius, sum, e -> sumBound,
                "simplex sum, n = " + n);
          }
        }
      }
    }
  }

  /** {@code −1e-8 e^{20 i / n}}, in [−4.9, 0): the active set shrinks slowly. */
  private static double[] exponentialSpread(int n) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = -1e-8 * Math.exp(20.0 * i / n);
    }
    return x;
  }

  private static double[] roundedToFewValues(double[] x) {
    double[] r = x.clone();
    for (int i = 0; i < r.length; i++) {
      r[i] = Math.rint(r[i] * 2) / 2;
    }
    return r;
  }

  @Test
  void simplexRejectsNaN() {
    for (int at : new int[] {0, 7, 40}) {
      double[] x = uniform(new Random(at), 41, -1, 1);
      x[at] = Double.NaN;
      for (Layout layout : LAYOUTS) {
        try (Arena arena = Arena.ofConfined()) {
          DVector v = vector(arena, x, layout);
          assertThrows(IllegalArgumentException.class, () -> Projections.simplex(simd, v, 1.0));
        }
      }
    }
  }

  @Test
  void simplexWithInfinitiesMatchesReference() {
    double[] x = {1.0, Double.POSITIVE_INFINITY, -2.0, 0.5, 3.0, 1.0, 2.0, 0.0, -1.0};
    for (Layout layout : LAYOUTS) {
      compareUnary(x, layout, relative(1e-15), "simplex with +inf",
          (b, v) -> Projections.simplex(b, v, 1.0));
    }
  }

  @Test
  void compositeProjectionsUseTheKernels() {
    for (int n : new int[] {1, 9, 65, 1025}) {
      Random random = random(n);
      double[] x = uniform(random, n, -3, 3);
      double[] lower = uniform(random, n, -1, 0);
      double[] upper = uniform(random, n, 0, 1);
      for (Layout layout : LAYOUTS) {
        compareUnary(x, layout, relativeOrAbsolute(1e-14), "ball",
            (b, v) -> Projections.ball(b, v, 0.5));
        try (Arena arena = Arena.ofConfined()) {
          DVector ex = vector(arena, x, layout);
          DVector ax = vector(arena, x, layout);
          Projections.ballBox(scalar, ex, 0.8, vector(arena, lower, layout),
              vector(arena, upper, layout));
          Projections.ballBox(simd, ax, 0.8, vector(arena, lower, layout),
              vector(arena, upper, layout));
          assertSegmentsClose(ex.segment(), ax.segment(), relativeOrAbsolute(1e-13),
              "ball ∩ box, n = " + n + ", " + layout);
        }
      }
    }
    for (int[] shape : new int[][] {{1, 1}, {3, 7}, {7, 3}, {12, 12}, {20, 9}}) {
      int m = shape[0];
      int n = shape[1];
      double[] a = uniform(new Random(m * 31L + n), m * n, -2, 2);
      compareMatrix(a, m, n, "frobenius", (b, am) -> Projections.frobeniusBall(b, am, 1.0));
      compareMatrix(a, m, n, "spectral", (b, am) -> Projections.spectralBall(b, am, 1.0));
    }
  }

  private void compareMatrix(double[] a, int m, int n, String what,
      BiConsumer<Backend, DMatrix> op) {
    try (Arena arena = Arena.ofConfined()) {
      DMatrix e = matrix(arena, m, n, a);
      DMatrix s = matrix(arena, m, n, a);
      op.accept(scalar, e);
      op.accept(simd, s);
      assertSegmentsClose(e.segment(), s.segment(), relativeOrAbsolute(1e-12),
          what + " " + m + "x" + n);
    }
  }

  @Test
  void nameAndLanes() {
    assertEquals("simd", simd.name());
    assertTrue(SimdBackend.lanes() >= 1);
    Consumer<Integer> powerOfTwo = l -> assertEquals(0, l & (l - 1), "lanes " + l);
    powerOfTwo.accept(SimdBackend.lanes());
  }
}
