package io.github.bilevel.bsgm.problems;

import io.github.bilevel.bsgm.Vjp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.bsgm.Batch;
import io.github.bilevel.bsgm.Sid;
import io.github.bilevel.bsgm.StepSchedule;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.Backends;
import io.github.bilevel.kernels.Buffers;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Per-feature ridge: VJPs by finite differences, SID against the exact hypergradient. */
class PerFeatureRidgeTest {

  private final Backend backend = Backends.byName("simd");

  private PerFeatureRidge problem(long seed, int n, int nv, int p) {
    SplittableRandom random = new SplittableRandom(seed);
    double[] truth = random.doubles(p, -1, 1).toArray();
    double[] x = new double[n * p];
    double[] y = new double[n];
    double[] xv = new double[nv * p];
    double[] yv = new double[nv];
    fill(random, x, y, truth, n, p);
    fill(random, xv, yv, truth, nv, p);
    return new PerFeatureRidge(backend, x, y, xv, yv, p, 0.05, 10.0);
  }

  private static void fill(SplittableRandom random, double[] x, double[] y, double[] truth,
      int rows, int p) {
    for (int i = 0; i < rows; i++) {
      double dot = 0;
      for (int j = 0; j < p; j++) {
        x[i * p + j] = random.nextGaussian();
        dot += x[i * p + j] * truth[j];
      }
      y[i] = dot + 0.3 * random.nextGaussian();
    }
  }

  private static double relativeError(double[] estimate, double[] exact) {
    double error = 0;
    double norm = 0;
    for (int i = 0; i < exact.length; i++) {
      error += (estimate[i] - exact[i]) * (estimate[i] - exact[i]);
      norm += exact[i] * exact[i];
    }
    return Math.sqrt(error / norm);
  }

  @Test
  void fullBatchSidAgreesWithTheExactHypergradient() {
    try (PerFeatureRidge ridge = problem(1, 200, 100, 10); Arena arena = Arena.ofConfined();
        Sid sid = new Sid(ridge, 1, 1)) {
      double[] lambda = new SplittableRandom(2).doubles(10, 0.1, 2).toArray();
      DVector out = Buffers.vector(arena, 10);
      Sid.Diagnostics diagnostics = sid.hypergradient(Buffers.vector(arena, lambda),
          new Sid.Options(3000, 3000, 1, 1, StepSchedule.constant(1.0), true),
          new SplittableRandom(3), out);
      double error = relativeError(out.toArray(), ridge.exactHypergradient(lambda));
      assertTrue(error < 1e-8, "relative error " + error);
      assertEquals(6001L * 200 + 100, diagnostics.samples());
    }
  }

  @Test
  void miniBatchSidIsCloseInMeanSquare() {
    try (PerFeatureRidge ridge = problem(1, 200, 100, 10); Arena arena = Arena.ofConfined();
        Sid sid = new Sid(ridge, 2000, 1)) {
      double[] lambda = new SplittableRandom(2).doubles(10, 0.1, 2).toArray();
      double[] exact = ridge.exactHypergradient(lambda);
      DVector out = Buffers.vector(arena, 10);
      SplittableRandom random = new SplittableRandom(4);
      double q = ridge.contractionConstant().orElseThrow();
      double beta = 1.0 / (1 - q); // 2β(1 − q) = 2 > 1
      double meanSquare = 0;
      for (int run = 0; run < 20; run++) {
        sid.hypergradient(Buffers.vector(arena, lambda),
            new Sid.Options(2000, 2000, 2000, 1, StepSchedule.decreasing(beta, beta)), random,
            out);
        double e = relativeError(out.toArray(), exact);
        meanSquare += e * e / 20;
      }
      assertTrue(Math.sqrt(meanSquare) < 0.2, "root mean square relative error "
          + Math.sqrt(meanSquare));
    }
  }

  @Test
  void miniBatchOperationsMatchTheFullBatchOnesAndFiniteDifferences() {
    try (PerFeatureRidge ridge = problem(3, 40, 30, 6); Arena arena = Arena.ofConfined()) {
      SplittableRandom random = new SplittableRandom(4);
      int p = 6;
      double[] w = random.doubles(p, -1, 1).toArray();
      double[] lambda = random.doubles(p, 0.1, 1).toArray();
      double[] v = random.doubles(p, -1, 1).toArray();
      DVector wv = Buffers.vector(arena, w);
      DVector lv = Buffers.vector(arena, lambda);
      DVector vv = Buffers.vector(arena, v);
      // the mean over an explicit list of every row equals the full-batch gemv path
      Batch all = new Batch(40).all(40);
      DVector a = Buffers.vector(arena, p);
      DVector c = Buffers.vector(arena, p);
      Batch sweep = new Batch(40).assign(40, java.util.stream.IntStream.range(0, 40).toArray());
      ridge.map(wv, lv, all, a);
      ridge.map(wv, lv, sweep, c);
      assertArrayClose(a.toArray(), c.toArray(), 1e-12);
      Vjp.w(ridge, wv, lv, all, vv, a);
      Vjp.w(ridge, wv, lv, sweep, vv, c);
      assertArrayClose(a.toArray(), c.toArray(), 1e-12);
      // ⟨∂₂Φᵀ v, s⟩ against central differences of Φ in λ
      double[] s = random.doubles(p, -1, 1).toArray();
      double h = 1e-6;
      Vjp.lambda(ridge, wv, lv, all, vv, a);
      double vjp = 0;
      for (int j = 0; j < p; j++) {
        vjp += a.get(j) * s[j];
      }
      DVector plus = Buffers.vector(arena, p);
      DVector minus = Buffers.vector(arena, p);
      ridge.map(wv, Buffers.vector(arena, shift(lambda, s, h)), all, plus);
      ridge.map(wv, Buffers.vector(arena, shift(lambda, s, -h)), all, minus);
      double fd = 0;
      for (int j = 0; j < p; j++) {
        fd += v[j] * (plus.get(j) - minus.get(j)) / (2 * h);
      }
      assertEquals(fd, vjp, 1e-7 * (1 + Math.abs(fd)));
    }
  }

  private static double[] shift(double[] x, double[] direction, double h) {
    double[] out = x.clone();
    for (int i = 0; i < out.length; i++) {
      out[i] += h * direction[i];
    }
    return out;
  }

  private static void assertArrayClose(double[] expected, double[] actual, double tolerance) {
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], tolerance * (1 + Math.abs(expected[i])), "index " + i);
    }
  }

  @Test
  void badDataIsRejectedWithAClearMessage() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new PerFeatureRidge(backend, new double[6], new double[4], new double[2],
            new double[1], 2, 0.1, 1));
    assertTrue(e.getMessage().contains("y has 4 rows"), e.getMessage());
    double[] x = {1, Double.NaN};
    e = assertThrows(IllegalArgumentException.class,
        () -> new PerFeatureRidge(backend, x, new double[1], new double[2], new double[1], 2,
            0.1, 1));
    assertTrue(e.getMessage().contains("X has a non-finite value at index 1"), e.getMessage());
  }
}
