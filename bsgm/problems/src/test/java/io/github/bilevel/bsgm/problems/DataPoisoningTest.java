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
import static io.github.bilevel.bsgm.problems.NumericalChecks.uniform;
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

/** Data poisoning: map, VJPs, projection and hypergradient against independent references. */
class DataPoisoningTest {

  private static final int P = 4;
  private static final int K = 3;
  private static final int N_TR = 11;
  private static final int N_P = 3;
  private static final int N_V = 9;
  private static final double REG = 1.0;
  private static final double RADIUS = 0.6;

  private final Backend backend = Backends.byName("simd");

  /** A tiny instance and its raw data. */
  private record Instance(DataPoisoning problem, double[] xtr, int[] ytr, double[] xp,
      int[] yp, double[] xv, int[] yv) {}

  private Instance instance(Arena arena, long seed, int chunkRows) {
    SplittableRandom random = new SplittableRandom(seed);
    double[] xtr = uniform(random, N_TR * P, 0, 1);
    double[] xp = uniform(random, N_P * P, 0, 1);
    double[] xv = uniform(random, N_V * P, 0, 1);
    int[] ytr = labels(random, N_TR, K);
    int[] yp = labels(random, N_P, K);
    int[] yv = labels(random, N_V, K);
    DataPoisoning problem = new DataPoisoning(backend, matrix(arena, N_TR, P, xtr), ytr,
        matrix(arena, N_P, P, xp), yp, matrix(arena, N_V, P, xv), yv, K, REG, RADIUS,
        chunkRows);
    return new Instance(problem, xtr, ytr, xp, yp, xv, yv);
  }

  /** Row {@code i} of the combined training set {@code [X_tr; X_p + δ]}. */
  private static double[] trainingRow(Instance in, double[] delta, int i) {
    if (i < N_TR) {
      return row(in.xtr, P, i);
    }
    double[] x = row(in.xp, P, i - N_TR);
    for (int j = 0; j < P; j++) {
      x[j] += delta[(i - N_TR) * P + j];
    }
    return x;
  }

  private static int trainingLabel(Instance in, int i) {
    return i < N_TR ? in.ytr[i] : in.yp[i - N_TR];
  }

  /** {@code g_B(W, δ)} in plain loops: batch-mean cross-entropy plus {@code c·mean(W²)}. */
  private static double lowerObjective(Instance in, double[] w, double[] delta, int[] batch) {
    double sum = 0;
    for (int i : batch) {
      sum += crossEntropy(w, K, trainingRow(in, delta, i), trainingLabel(in, i));
    }
    return sum / batch.length + REG * dot(w, w) / (P * K);
  }

  /** {@code E_B(W) = −CE} on validation rows, in plain loops. */
  private static double upperObjective(Instance in, double[] w, int[] batch) {
    double sum = 0;
    for (int i : batch) {
      sum += crossEntropy(w, K, row(in.xv, P, i), in.yv[i]);
    }
    return -sum / batch.length;
  }

  private static int[] indices(Batch batch) {
    int[] out = new int[batch.size()];
    for (int k = 0; k < out.length; k++) {
      out[k] = batch.index(k);
    }
    return out;
  }

  private static double[] feasibleDelta(Instance in, SplittableRandom random) {
    DVector delta = Buffers.vector(Arena.ofAuto(), gaussian(random, N_P * P));
    in.problem.projectUpper(delta);
    return delta.toArray();
  }

  @Test
  void mapIsTheGradientStepOfTheLowerObjective() {
    try (Arena arena = Arena.ofConfined()) {
      Instance in = instance(arena, 1, 4);
      SplittableRandom random = new SplittableRandom(2);
      double[] w = gaussian(random, P * K);
      double[] delta = feasibleDelta(in, random);
      Batch mini = new Batch(20).assign(N_TR + N_P, 0, 12, 5, 13, 13, 2, 11, 9, 12);
      Batch full = new Batch(N_TR + N_P).all(N_TR + N_P);
      for (Batch batch : new Batch[] {mini, full}) {
        DVector out = Buffers.vector(arena, P * K);
        in.problem.map(vector(arena, w), vector(arena, delta), batch, out);
        int[] idx = indices(batch);
        double eta = in.problem.mapStep();
        for (int e = 0; e < P * K; e++) {
          double[] unit = new double[P * K];
          unit[e] = 1;
          double fd = directional(x -> lowerObjective(in, x, delta, idx), w, unit, 1e-5);
          close(w[e] - eta * fd, out.get(e), 1e-8, "Φ entry " + e);
        }
      }
      in.problem.close();
    }
  }

  @Test
  void vectorJacobianProductsMatchCentralDifferences() {
    try (Arena arena = Arena.ofConfined()) {
      Instance in = instance(arena, 3, 4);
      DataPoisoning problem = in.problem;
      SplittableRandom random = new SplittableRandom(4);
      double[] w = gaussian(random, P * K);
      double[] delta = feasibleDelta(in, random);
      double[] v = gaussian(random, P * K);
      double[] uw = gaussian(random, P * K);
      double[] ul = gaussian(random, N_P * P);
      Batch mini = new Batch(20).assign(N_TR + N_P, 13, 0, 12, 5, 13, 2, 11, 9, 12, 1);
      Batch full = new Batch(N_TR + N_P).all(N_TR + N_P);
      double h = 1e-5;
      DVector lv = vector(arena, delta);
      DVector wv = vector(arena, w);
      DVector vv = vector(arena, v);
      for (Batch xi : new Batch[] {mini, full}) {
        DVector out = Buffers.vector(arena, P * K);
        DVector outLambda = Buffers.vector(arena, N_P * P);
        DVector plus = Buffers.vector(arena, P * K);
        DVector minus = Buffers.vector(arena, P * K);
        Vjp.w(problem, wv, lv, xi, vv, out);
        problem.map(vector(arena, NumericalChecks.shift(w, uw, h)), lv, xi, plus);
        problem.map(vector(arena, NumericalChecks.shift(w, uw, -h)), lv, xi, minus);
        double fd = 0;
        for (int e = 0; e < P * K; e++) {
          fd += v[e] * (plus.get(e) - minus.get(e)) / (2 * h);
        }
        close(fd, dot(out.toArray(), uw), 1e-8, "∂₁Φᵀv");

        Vjp.lambda(problem, wv, lv, xi, vv, outLambda);
        problem.map(wv, vector(arena, NumericalChecks.shift(delta, ul, h)), xi, plus);
        problem.map(wv, vector(arena, NumericalChecks.shift(delta, ul, -h)), xi, minus);
        fd = 0;
        for (int e = 0; e < P * K; e++) {
          fd += v[e] * (plus.get(e) - minus.get(e)) / (2 * h);
        }
        close(fd, dot(outLambda.toArray(), ul), 1e-8, "∂₂Φᵀv");
      }
      Batch zeta = new Batch(20).assign(N_V, 3, 0, 8, 3, 5, 1);
      Batch allZeta = new Batch(N_V).all(N_V);
      for (Batch batch : new Batch[] {zeta, allZeta}) {
        int[] idx = indices(batch);
        close(upperObjective(in, w, idx), problem.objective(wv, lv, batch), 1e-12, "E");
        DVector g = Buffers.vector(arena, P * K);
        problem.objectiveGradientW(wv, lv, batch, g);
        double fd = directional(x -> upperObjective(in, x, idx), w, uw, h);
        close(fd, dot(g.toArray(), uw), 1e-8, "∇₁E");
        DVector g2 = Buffers.vector(arena, N_P * P);
        g2.copyFrom(gaussian(random, N_P * P));
        problem.objectiveGradientLambda(wv, lv, batch, g2);
        assertEquals(0.0, NumericalChecks.norm(g2.toArray()), "∇₂E = 0");
      }
      problem.close();
    }
  }

  @Test
  void fullBatchViewsAndGatheredChunksAgree() {
    try (Arena arena = Arena.ofConfined()) {
      Instance chunked = instance(arena, 5, 3);
      Instance whole = instance(arena, 5, 256);
      SplittableRandom random = new SplittableRandom(6);
      DVector w = vector(arena, gaussian(random, P * K));
      DVector delta = vector(arena, feasibleDelta(chunked, random));
      DVector v = vector(arena, gaussian(random, P * K));
      int n = N_TR + N_P;
      Batch full = new Batch(n).all(n);
      int[] order = new int[n];
      for (int i = 0; i < n; i++) {
        order[i] = i;
      }
      Batch gathered = new Batch(n).assign(n, order);
      double[][] results = new double[3][];
      int r = 0;
      for (Instance in : new Instance[] {chunked, whole}) {
        for (Batch b : new Batch[] {full, gathered}) {
          DVector a = Buffers.vector(arena, P * K);
          DVector c = Buffers.vector(arena, P * K);
          DVector d = Buffers.vector(arena, N_P * P);
          in.problem.map(w, delta, b, a);
          Vjp.w(in.problem, w, delta, b, v, c);
          Vjp.lambda(in.problem, w, delta, b, v, d);
          double[] all = new double[2 * P * K + N_P * P];
          System.arraycopy(a.toArray(), 0, all, 0, P * K);
          System.arraycopy(c.toArray(), 0, all, P * K, P * K);
          System.arraycopy(d.toArray(), 0, all, 2 * P * K, N_P * P);
          if (results[0] == null) {
            results[0] = all;
          } else {
            assertArrayEquals(results[0], all, 1e-13, "variant " + r);
          }
          r++;
        }
      }
      chunked.problem.close();
      whole.problem.close();
    }
  }

  @Test
  void projectionIsExactOntoBallIntersectBox() {
    try (Arena arena = Arena.ofConfined()) {
      Instance in = instance(arena, 7, 4);
      SplittableRandom random = new SplittableRandom(8);
      for (int trial = 0; trial < 200; trial++) {
        double scale = 0.05 + 3 * random.nextDouble();
        double[] z = gaussian(random, N_P * P);
        for (int e = 0; e < z.length; e++) {
          z[e] *= scale;
        }
        DVector projected = vector(arena, z);
        in.problem.projectUpper(projected);
        double[] pz = projected.toArray();
        for (int i = 0; i < N_P; i++) {
          double[] di = row(pz, P, i);
          assertTrue(NumericalChecks.norm(di) <= RADIUS * (1 + 1e-12), "ball, row " + i);
          for (int j = 0; j < P; j++) {
            double x = in.xp[i * P + j] + di[j];
            assertTrue(x >= -1e-15 && x <= 1 + 1e-15, "box, row " + i + ", feature " + j);
          }
        }
        // variational inequality ⟨z − P(z), y − P(z)⟩ ≤ 0 for points y of the set
        for (int s = 0; s < 20; s++) {
          double[] y = new double[N_P * P];
          for (int i = 0; i < N_P; i++) {
            double[] yi = new double[P];
            for (int j = 0; j < P; j++) {
              yi[j] = random.nextDouble() - in.xp[i * P + j];   // x_p + y ∈ [0, 1]
            }
            double norm = NumericalChecks.norm(yi);
            double shrink = norm > RADIUS ? RADIUS / norm * random.nextDouble() : 1;
            for (int j = 0; j < P; j++) {
              y[i * P + j] = yi[j] * shrink;                  // the box contains 0: stays in
            }
          }
          double inner = 0;
          for (int e = 0; e < z.length; e++) {
            inner += (z[e] - pz[e]) * (y[e] - pz[e]);
          }
          assertTrue(inner <= 1e-12 * (1 + scale), "VI violated by " + inner + ", trial "
              + trial);
        }
        // idempotent
        DVector again = vector(arena, pz);
        in.problem.projectUpper(again);
        assertArrayEquals(pz, again.toArray(), 1e-14);
      }
      in.problem.close();
    }
  }

  /** {@code f(δ) = E(W*(δ))} with the lower level solved to high accuracy. */
  private static double reducedObjective(Instance in, Arena arena, double[] delta) {
    DVector w = Buffers.vector(arena, P * K);
    DVector lv = vector(arena, delta);
    LowerLevelSolution s = in.problem.solveLowerLevel(lv, w, 1e-13, 100_000);
    assertTrue(s.converged(), "lower level solved: " + s);
    return in.problem.objective(w, lv, new Batch(N_V).all(N_V));
  }

  @Test
  void fullBatchSidMatchesFiniteDifferencesOfTheUpperObjective() {
    try (Arena arena = Arena.ofConfined()) {
      Instance in = instance(arena, 9, 4);
      SplittableRandom random = new SplittableRandom(10);
      double[] delta = feasibleDelta(in, random);
      DVector out = Buffers.vector(arena, N_P * P);
      try (Sid sid = new Sid(in.problem, 1, 1)) {
        sid.hypergradient(vector(arena, delta),
            new Sid.Options(4000, 4000, 1, 1, StepSchedule.constant(1.0), true),
            new SplittableRandom(11), out);
      }
      double h = 1e-5;
      for (int e = 0; e < N_P * P; e++) {
        double[] unit = new double[N_P * P];
        unit[e] = 1;
        double fd = directional(x -> reducedObjective(in, arena, x), delta, unit, h);
        close(fd, out.get(e), 1e-6, "∂f/∂δ_" + e);
      }
      in.problem.close();
    }
  }

  @Test
  void contractionConstantBoundsTheMapsSpectralRadius() {
    try (Arena arena = Arena.ofConfined()) {
      Instance in = instance(arena, 12, 4);
      double q = in.problem.contractionConstant().orElseThrow();
      assertTrue(q > 0 && q < 1, "q = " + q);
      SplittableRandom random = new SplittableRandom(13);
      for (int trial = 0; trial < 5; trial++) {
        DVector w = vector(arena, gaussian(random, P * K));
        double[] big = gaussian(random, N_P * P);
        for (int e = 0; e < big.length; e++) {
          big[e] *= 10;                                     // pushed to the boundary of Λ
        }
        DVector delta = vector(arena, big);
        in.problem.projectUpper(delta);
        double estimate = ContractionCheck.estimate(in.problem, w, delta, 300, trial);
        assertTrue(estimate <= q + 1e-9, "estimate " + estimate + " > q = " + q);
      }
      in.problem.close();
    }
  }

  @Test
  void retrainingSolvesTheLowerLevelAndMeasuresAccuracy() {
    try (Arena arena = Arena.ofConfined()) {
      Instance in = instance(arena, 14, 4);
      SplittableRandom random = new SplittableRandom(15);
      double[] delta = feasibleDelta(in, random);
      DVector w = Buffers.vector(arena, P * K);
      LowerLevelSolution s = in.problem.solveLowerLevel(vector(arena, delta), w, 1e-10, 10_000);
      assertTrue(s.converged() && s.gradientNorm() <= 1e-10, s.toString());
      // the gradient of the plain-loop objective vanishes there
      int[] all = new int[N_TR + N_P];
      for (int i = 0; i < all.length; i++) {
        all[i] = i;
      }
      double[] wa = w.toArray();
      for (int e = 0; e < P * K; e++) {
        double[] unit = new double[P * K];
        unit[e] = 1;
        double fd = directional(x -> lowerObjective(in, x, delta, all), wa, unit, 1e-5);
        assertEquals(0.0, fd, 1e-8, "∇g at the solution, entry " + e);
      }
      // accuracy against a plain argmax
      double[] xt = uniform(random, 50 * P, 0, 1);
      int[] yt = labels(random, 50, K);
      int correct = 0;
      for (int i = 0; i < 50; i++) {
        double[] z = new double[K];
        int best = 0;
        for (int c = 0; c < K; c++) {
          for (int j = 0; j < P; j++) {
            z[c] += xt[i * P + j] * wa[j * K + c];
          }
          if (z[c] > z[best]) {
            best = c;
          }
        }
        correct += best == yt[i] ? 1 : 0;
      }
      DMatrix test = matrix(arena, 50, P, xt);
      assertEquals(correct / 50.0, in.problem.accuracy(w, test, yt), 1e-15);
      DataPoisoning.AttackReport report =
          in.problem.evaluateAttack(vector(arena, delta), test, yt, 1e-10, 10_000);
      assertTrue(report.clean().solution().converged() && report.poisoned().solution()
          .converged());
      assertEquals(in.problem.accuracy(w, test, yt), report.poisoned().testAccuracy(), 1e-15);
      in.problem.close();
    }
  }

  @Test
  void badInputIsReportedClearly() {
    try (Arena arena = Arena.ofConfined()) {
      DMatrix x = matrix(arena, 3, 2, new double[] {0.1, 0.2, 0.3, 0.4, 0.5, 0.6});
      DMatrix x3 = matrix(arena, 2, 3, new double[] {0.1, 0.2, 0.3, 0.4, 0.5, 0.6});
      int[] y = {0, 1, 1};
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> new DataPoisoning(backend, x, y, x3, new int[] {0, 1}, x, y, 2, 0.1, 5));
      assertTrue(e.getMessage().contains("columns"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class,
          () -> new DataPoisoning(backend, x, new int[] {0, 1}, x, y, x, y, 2, 0.1, 5));
      assertTrue(e.getMessage().contains("trainX has 3 rows"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class,
          () -> new DataPoisoning(backend, x, y, x, new int[] {0, 2, 1}, x, y, 2, 0.1, 5));
      assertTrue(e.getMessage().contains("poisonY[1] = 2"), e.getMessage());
      DMatrix nan = matrix(arena, 3, 2, new double[] {0.1, 0.2, Double.NaN, 0.4, 0.5, 0.6});
      e = assertThrows(IllegalArgumentException.class,
          () -> new DataPoisoning(backend, nan, y, x, y, x, y, 2, 0.1, 5));
      assertTrue(e.getMessage().contains("trainX has a non-finite value at (1, 0)"),
          e.getMessage());
      DMatrix outside = matrix(arena, 3, 2, new double[] {0.1, 0.2, 1.5, 0.4, 0.5, 0.6});
      e = assertThrows(IllegalArgumentException.class,
          () -> new DataPoisoning(backend, x, y, outside, y, x, y, 2, 0.1, 5));
      assertTrue(e.getMessage().contains("outside [0, 1]"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class,
          () -> new DataPoisoning(backend, x, y, x, y, x, y, 2, 0.0, 5));
      assertTrue(e.getMessage().contains("regularization"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class,
          () -> new DataPoisoning(backend, x, y, x, y, x, y, 1, 0.1, 5));
      assertTrue(e.getMessage().contains("at least 2 classes"), e.getMessage());
      try (DataPoisoning problem = new DataPoisoning(backend, x, y, x, y, x, y, 2, 0.1, 5)) {
        DVector shortW = Buffers.vector(arena, 3);
        DVector lambda = Buffers.vector(arena, 6);
        DVector out = Buffers.vector(arena, 4);
        Batch batch = new Batch(2).assign(6, 0, 5);
        e = assertThrows(IllegalArgumentException.class,
            () -> problem.map(shortW, lambda, batch, out));
        assertTrue(e.getMessage().contains("w must have length 4"), e.getMessage());
        DVector w = Buffers.vector(arena, 4);
        Batch tooFar = new Batch(2).assign(9, 0, 8);
        e = assertThrows(IllegalArgumentException.class,
            () -> problem.map(w, lambda, tooFar, out));
        assertTrue(e.getMessage().contains("sample index 8"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
            () -> problem.map(w, lambda, batch, w));
        assertTrue(e.getMessage().contains("must not share memory"), e.getMessage());
      }
    }
  }
}
