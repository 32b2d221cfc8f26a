package io.github.bilevel.bsgm.problems;

import io.github.bilevel.bsgm.Vjp;
import static io.github.bilevel.bsgm.problems.NumericalChecks.close;
import static io.github.bilevel.bsgm.problems.NumericalChecks.crossEntropy;
import static io.github.bilevel.bsgm.problems.NumericalChecks.directional;
import static io.github.bilevel.bsgm.problems.NumericalChecks.dot;
import static io.github.bilevel.bsgm.problems.NumericalChecks.gaussian;
import static io.github.bilevel.bsgm.problems.NumericalChecks.labels;
import static io.github.bilevel.bsgm.problems.NumericalChecks.matrix;
import static io.github.bilevel.bsgm.problems.NumericalChecks.row;
import static io.github.bilevel.bsgm.problems.NumericalChecks.shift;
import static io.github.bilevel.bsgm.problems.NumericalChecks.vector;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.bsgm.Batch;
import io.github.bilevel.bsgm.ContractionCheck;
import io.github.bilevel.bsgm.Sid;
import io.github.bilevel.bsgm.StepSchedule;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.Backends;
import io.github.bilevel.kernels.Buffers;
import io.github.bilevel.kernels.DMatrix;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Hyper-cleaning: map, VJPs and hypergradient against independent references. */
class HyperCleaningTest {

  private static final int P = 4;
  private static final int K = 3;
  private static final int N = 13;
  private static final int N_V = 9;
  private static final double REG = 0.05;

  private final Backend backend = Backends.byName("simd");

  private record Instance(HyperCleaning problem, double[] x, int[] y, double[] xv, int[] yv) {}

  private Instance instance(Arena arena, long seed, int chunkRows) {
    SplittableRandom random = new SplittableRandom(seed);
    double[] x = gaussian(random, N * P);
    double[] xv = gaussian(random, N_V * P);
    int[] y = labels(random, N, K);
    int[] yv = labels(random, N_V, K);
    HyperCleaning problem = new HyperCleaning(backend, matrix(arena, N, P, x), y,
        matrix(arena, N_V, P, xv), yv, K, REG, chunkRows);
    return new Instance(problem, x, y, xv, yv);
  }

  private static double sigmoid(double z) {
    return 1 / (1 + Math.exp(-z));
  }

  /** {@code g_B(W, λ)} in plain loops. */
  private static double lowerObjective(Instance in, double[] w, double[] lambda, int[] batch) {
    double sum = 0;
    for (int i : batch) {
      sum += sigmoid(lambda[i]) * crossEntropy(w, K, row(in.x, P, i), in.y[i]);
    }
    return sum / batch.length + REG * dot(w, w);
  }

  private static double upperObjective(Instance in, double[] w, int[] batch) {
    double sum = 0;
    for (int i : batch) {
      sum += crossEntropy(w, K, row(in.xv, P, i), in.yv[i]);
    }
    return sum / batch.length;
  }

  private static int[] indices(Batch batch) {
    int[] out = new int[batch.size()];
    for (int k = 0; k < out.length; k++) {
      out[k] = batch.index(k);
    }
    return out;
  }

  @Test
  void mapIsTheGradientStepOfTheWeightedLowerObjective() {
    try (Arena arena = Arena.ofConfined()) {
      Instance in = instance(arena, 1, 4);
      SplittableRandom random = new SplittableRandom(2);
      double[] w = gaussian(random, P * K);
      double[] lambda = gaussian(random, N);
      Batch mini = new Batch(20).assign(N, 0, 12, 5, 3, 3, 2, 11, 9, 12);
      Batch full = new Batch(N).all(N);
      for (Batch batch : new Batch[] {mini, full}) {
        DVector out = Buffers.vector(arena, P * K);
        in.problem.map(vector(arena, w), vector(arena, lambda), batch, out);
        int[] idx = indices(batch);
        for (int e = 0; e < P * K; e++) {
          double[] unit = new double[P * K];
          unit[e] = 1;
          double fd = directional(x -> lowerObjective(in, x, lambda, idx), w, unit, 1e-5);
          close(w[e] - in.problem.mapStep() * fd, out.get(e), 1e-8, "Φ entry " + e);
        }
      }
      in.problem.close();
    }
  }

  @Test
  void vectorJacobianProductsMatchCentralDifferences() {
    try (Arena arena = Arena.ofConfined()) {
      Instance in = instance(arena, 3, 4);
      HyperCleaning problem = in.problem;
      SplittableRandom random = new SplittableRandom(4);
      double[] w = gaussian(random, P * K);
      double[] lambda = gaussian(random, N);
      double[] v = gaussian(random, P * K);
      double[] uw = gaussian(random, P * K);
      double[] ul = gaussian(random, N);
      double h = 1e-5;
      DVector wv = vector(arena, w);
      DVector lv = vector(arena, lambda);
      DVector vv = vector(arena, v);
      Batch mini = new Batch(20).assign(N, 7, 0, 12, 5, 7, 2, 11, 9, 12, 1);
      Batch full = new Batch(N).all(N);
      for (Batch xi : new Batch[] {mini, full}) {
        DVector out = Buffers.vector(arena, P * K);
        DVector outLambda = Buffers.vector(arena, N);
        DVector plus = Buffers.vector(arena, P * K);
        DVector minus = Buffers.vector(arena, P * K);
        Vjp.w(problem, wv, lv, xi, vv, out);
        problem.map(vector(arena, shift(w, uw, h)), lv, xi, plus);
        problem.map(vector(arena, shift(w, uw, -h)), lv, xi, minus);
        double fd = 0;
        for (int e = 0; e < P * K; e++) {
          fd += v[e] * (plus.get(e) - minus.get(e)) / (2 * h);
        }
        close(fd, dot(out.toArray(), uw), 1e-8, "∂₁Φᵀv");
        Vjp.lambda(problem, wv, lv, xi, vv, outLambda);
        problem.map(wv, vector(arena, shift(lambda, ul, h)), xi, plus);
        problem.map(wv, vector(arena, shift(lambda, ul, -h)), xi, minus);
        fd = 0;
        for (int e = 0; e < P * K; e++) {
          fd += v[e] * (plus.get(e) - minus.get(e)) / (2 * h);
        }
        close(fd, dot(outLambda.toArray(), ul), 1e-8, "∂₂Φᵀv");
      }
      for (Batch zeta : new Batch[] {new Batch(9).assign(N_V, 4, 4, 0, 8, 2),
          new Batch(N_V).all(N_V)}) {
        int[] idx = indices(zeta);
        close(upperObjective(in, w, idx), problem.objective(wv, lv, zeta), 1e-12, "E");
        DVector g = Buffers.vector(arena, P * K);
        problem.objectiveGradientW(wv, lv, zeta, g);
        close(directional(x -> upperObjective(in, x, idx), w, uw, h), dot(g.toArray(), uw),
            1e-8, "∇₁E");
        DVector g2 = vector(arena, gaussian(random, N));
        problem.objectiveGradientLambda(wv, lv, zeta, g2);
        assertEquals(0.0, NumericalChecks.norm(g2.toArray()), "∇₂E = 0");
      }
      problem.close();
    }
  }

  @Test
  void chunkedAndWholePassesAgree() {
    try (Arena arena = Arena.ofConfined()) {
      Instance chunked = instance(arena, 5, 2);
      Instance whole = instance(arena, 5, 256);
      SplittableRandom random = new SplittableRandom(6);
      DVector w = vector(arena, gaussian(random, P * K));
      DVector lambda = vector(arena, gaussian(random, N));
      DVector v = vector(arena, gaussian(random, P * K));
      Batch full = new Batch(N).all(N);
      double[] reference = null;
      for (Instance in : new Instance[] {chunked, whole}) {
        DVector a = Buffers.vector(arena, P * K);
        DVector c = Buffers.vector(arena, P * K);
        DVector d = Buffers.vector(arena, N);
        in.problem.map(w, lambda, full, a);
        Vjp.w(in.problem, w, lambda, full, v, c);
        Vjp.lambda(in.problem, w, lambda, full, v, d);
        double[] all = new double[2 * P * K + N];
        System.arraycopy(a.toArray(), 0, all, 0, P * K);
        System.arraycopy(c.toArray(), 0, all, P * K, P * K);
        System.arraycopy(d.toArray(), 0, all, 2 * P * K, N);
        if (reference == null) {
          reference = all;
        } else {
          assertArrayEquals(reference, all, 1e-13);
        }
      }
      chunked.problem.close();
      whole.problem.close();
    }
  }

  private static double reducedObjective(Instance in, Arena arena, double[] lambda) {
    DVector w = Buffers.vector(arena, P * K);
    DVector lv = vector(arena, lambda);
    LowerLevelSolution s = in.problem.solveLowerLevel(lv, w, 1e-13, 100_000);
    assertTrue(s.converged(), "lower level solved: " + s);
    return in.problem.objective(w, lv, new Batch(N_V).all(N_V));
  }

  @Test
  void fullBatchSidMatchesFiniteDifferencesOfTheUpperObjective() {
    try (Arena arena = Arena.ofConfined()) {
      Instance in = instance(arena, 7, 4);
      double[] lambda = gaussian(new SplittableRandom(8), N);
      DVector out = Buffers.vector(arena, N);
      try (Sid sid = new Sid(in.problem, 1, 1)) {
        sid.hypergradient(vector(arena, lambda),
            new Sid.Options(6000, 6000, 1, 1, StepSchedule.constant(1.0), true),
            new SplittableRandom(9), out);
      }
      for (int e = 0; e < N; e++) {
        double[] unit = new double[N];
        unit[e] = 1;
        double fd = directional(x -> reducedObjective(in, arena, x), lambda, unit, 1e-5);
        close(fd, out.get(e), 1e-6, "∂f/∂λ_" + e);
      }
      in.problem.close();
    }
  }

  @Test
  void contractionConstantBoundsTheMapsSpectralRadius() {
    try (Arena arena = Arena.ofConfined()) {
      Instance in = instance(arena, 10, 4);
      double q = in.problem.contractionConstant().orElseThrow();
      assertTrue(q > 0 && q < 1, "q = " + q);
      SplittableRandom random = new SplittableRandom(11);
      for (int trial = 0; trial < 5; trial++) {
        DVector w = vector(arena, gaussian(random, P * K));
        double[] lambda = new double[N];
        for (int i = 0; i < N; i++) {
          lambda[i] = 30 * random.nextGaussian();         // weights near 0 and 1
        }
        double estimate = ContractionCheck.estimate(in.problem, w, vector(arena, lambda), 300,
            trial);
        assertTrue(estimate <= q + 1e-9, "estimate " + estimate + " > q = " + q);
      }
      in.problem.close();
    }
  }

  @Test
  void reportCountsFlaggedCorruptedExamplesAndRetrains() {
    try (Arena arena = Arena.ofConfined()) {
      Instance in = instance(arena, 12, 4);
      double[] lambda = new double[N];
      boolean[] corrupted = new boolean[N];
      // corrupted: 0..4, of which 0, 1, 2 flagged (λ < 0); clean: 5..12, of which 5, 6 flagged
      for (int i = 0; i < N; i++) {
        corrupted[i] = i < 5;
        lambda[i] = (i < 3 || i == 5 || i == 6) ? -1.0 : 1.0;
      }
      HyperCleaning.CleaningReport report = in.problem.report(vector(arena, lambda), corrupted,
          matrix(arena, N_V, P, in.xv), in.yv, 1e-10, 10_000);
      assertEquals(3.0 / 5, report.corruptedFlagged(), 1e-15);
      assertEquals(6.0 / 8, report.cleanKept(), 1e-15);
      assertTrue(report.solution().converged());
      DVector w = Buffers.vector(arena, P * K);
      in.problem.solveLowerLevel(vector(arena, lambda), w, 1e-10, 10_000);
      assertEquals(in.problem.accuracy(w, matrix(arena, N_V, P, in.xv), in.yv),
          report.testAccuracy(), 1e-15);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> in.problem.cleaningFractions(vector(arena, lambda), new boolean[3]));
      assertTrue(e.getMessage().contains("corrupted has 3 entries"), e.getMessage());
      in.problem.close();
    }
  }

  @Test
  void badInputIsReportedClearly() {
    try (Arena arena = Arena.ofConfined()) {
      DMatrix x = matrix(arena, 3, 2, new double[] {1, 2, 3, 4, 5, 6});
      int[] y = {0, 1, 1};
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> new HyperCleaning(backend, x, new int[] {0, 1}, x, y, 2, 0.1));
      assertTrue(e.getMessage().contains("trainX has 3 rows"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class,
          () -> new HyperCleaning(backend, x, new int[] {0, -1, 1}, x, y, 2, 0.1));
      assertTrue(e.getMessage().contains("trainX labels[1] = -1"), e.getMessage());
      DMatrix wide = matrix(arena, 3, 3, new double[9]);
      e = assertThrows(IllegalArgumentException.class,
          () -> new HyperCleaning(backend, x, y, wide, y, 2, 0.1));
      assertTrue(e.getMessage().contains("validationX has 3 columns"), e.getMessage());
      DMatrix inf = matrix(arena, 3, 2, new double[] {1, 2, 3, 4, 5, Double.POSITIVE_INFINITY});
      e = assertThrows(IllegalArgumentException.class,
          () -> new HyperCleaning(backend, x, y, inf, y, 2, 0.1));
      assertTrue(e.getMessage().contains("validationX has a non-finite value at (2, 1)"),
          e.getMessage());
      e = assertThrows(IllegalArgumentException.class,
          () -> new HyperCleaning(backend, x, y, x, y, 2, Double.NaN));
      assertTrue(e.getMessage().contains("regularization"), e.getMessage());
      try (HyperCleaning problem = new HyperCleaning(backend, x, y, x, y, 2, 0.1)) {
        e = assertThrows(IllegalArgumentException.class,
            () -> problem.map(Buffers.vector(arena, 4), Buffers.vector(arena, 2),
                new Batch(1).all(1), Buffers.vector(arena, 4)));
        assertTrue(e.getMessage().contains("lambda must have length 3"), e.getMessage());
      }
    }
  }
}
