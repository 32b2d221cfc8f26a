package io.github.bilevel.bsgm.problems;

import io.github.bilevel.bsgm.Vjp;
import static io.github.bilevel.bsgm.problems.NumericalChecks.close;
import static io.github.bilevel.bsgm.problems.NumericalChecks.directional;
import static io.github.bilevel.bsgm.problems.NumericalChecks.dot;
import static io.github.bilevel.bsgm.problems.NumericalChecks.gaussian;
import static io.github.bilevel.bsgm.problems.NumericalChecks.matrix;
import static io.github.bilevel.bsgm.problems.NumericalChecks.shift;
import static io.github.bilevel.bsgm.problems.NumericalChecks.vector;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.bsgm.Batch;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.Backends;
import io.github.bilevel.kernels.Buffers;
import io.github.bilevel.kernels.DMatrix;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Meta-learning: the separable problem's methods against plain loops and finite differences. */
class MetaLearningTest {

  private static final int EXAMPLES = 40;
  private static final int CLASSES = 4;
  private static final int P = 5;
  private static final int RANK = 3;
  private static final int WAYS = 3;
  private static final int SHOTS = 2;
  private static final int QUERIES = 3;
  private static final int TASKS = 6;
  private static final double RHO = 0.5;
  private static final double RADIUS = 2.0;
  private static final int D = RANK * WAYS;
  private static final int M = P * RANK;

  private final Backend backend = Backends.byName("simd");

  private record Instance(MetaLearning problem, double[] x, FewShotTasks tasks) {}

  private Instance instance(Arena arena, long seed, int chunkTasks) {
    SplittableRandom random = new SplittableRandom(seed);
    double[] x = gaussian(random, EXAMPLES * P);
    for (int e = 0; e < x.length; e++) {
      x[e] *= 0.7;
    }
    int[] labels = new int[EXAMPLES];
    for (int i = 0; i < EXAMPLES; i++) {
      labels[i] = i % CLASSES;
    }
    FewShotTasks tasks = FewShotTasks.sample(labels, CLASSES, WAYS, SHOTS, QUERIES, TASKS,
        seed + 1);
    MetaLearning problem = new MetaLearning(backend, matrix(arena, EXAMPLES, P, x), tasks, RANK,
        RHO, RADIUS, chunkTasks);
    return new Instance(problem, x, tasks);
  }

  /** Cross-entropy of head {@code h} ({@code r × N}) on example {@code i} with features Rᵀx. */
  private static double crossEntropy(Instance in, double[] r, double[] h, int i, int label) {
    double[] f = new double[RANK];
    for (int a = 0; a < RANK; a++) {
      for (int j = 0; j < P; j++) {
        f[a] += in.x[i * P + j] * r[j * RANK + a];
      }
    }
    double[] z = new double[WAYS];
    double max = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < WAYS; c++) {
      for (int a = 0; a < RANK; a++) {
        z[c] += f[a] * h[a * WAYS + c];
      }
      max = Math.max(max, z[c]);
    }
    double sum = 0;
    for (double zc : z) {
      sum += Math.exp(zc - max);
    }
    return max + Math.log(sum) - z[label];
  }

  /** {@code g_t(H, R)} in plain loops. */
  private static double lowerObjective(Instance in, int t, double[] h, double[] r) {
    double sum = 0;
    for (int j = 0; j < WAYS * SHOTS; j++) {
      sum += crossEntropy(in, r, h, in.tasks.supportIndex(t, j), in.tasks.supportLabel(t, j));
    }
    return sum / (WAYS * SHOTS) + RHO / 2 * dot(h, h);
  }

  /** {@code E_t(H, R)} in plain loops. */
  private static double upperObjective(Instance in, int t, double[] h, double[] r) {
    double sum = 0;
    for (int j = 0; j < WAYS * QUERIES; j++) {
      sum += crossEntropy(in, r, h, in.tasks.queryIndex(t, j), in.tasks.queryLabel(t, j));
    }
    return sum / (WAYS * QUERIES);
  }

  private static double[] rowOf(double[] states, int r) {
    double[] h = new double[D];
    System.arraycopy(states, r * D, h, 0, D);
    return h;
  }

  private static final int[] BATCH = {4, 0, 5, 4, 2};

  private double[] lambda(SplittableRandom random) {
    double[] r = gaussian(random, M);
    double scale = 0.8 * RADIUS / NumericalChecks.norm(r);
    for (int e = 0; e < M; e++) {
      r[e] *= scale;
    }
    return r;
  }

  @Test
  void mapAndObjectiveMatchPlainLoops() {
    try (Arena arena = Arena.ofConfined()) {
      Instance in = instance(arena, 1, 2);
      SplittableRandom random = new SplittableRandom(2);
      double[] r = lambda(random);
      double[] states = gaussian(random, BATCH.length * D);
      Batch batch = new Batch(BATCH.length).assign(TASKS, BATCH);
      DMatrix out = Buffers.matrix(arena, BATCH.length, D);
      in.problem.map(matrix(arena, BATCH.length, D, states), vector(arena, r), batch, out);
      double eta = in.problem.mapStep();
      double mean = 0;
      for (int b = 0; b < BATCH.length; b++) {
        int t = BATCH[b];
        double[] h = rowOf(states, b);
        for (int e = 0; e < D; e++) {
          double[] unit = new double[D];
          unit[e] = 1;
          double fd = directional(x -> lowerObjective(in, t, x, r), h, unit, 1e-5);
          close(h[e] - eta * fd, out.get(b, e), 1e-8, "Φ of row " + b + ", entry " + e);
        }
        mean += upperObjective(in, t, h, r) / BATCH.length;
      }
      close(mean, in.problem.objective(matrix(arena, BATCH.length, D, states), vector(arena, r),
          batch), 1e-12, "objective");
      in.problem.close();
    }
  }

  @Test
  void vectorJacobianProductsAndGradientsMatchCentralDifferences() {
    try (Arena arena = Arena.ofConfined()) {
      Instance in = instance(arena, 3, 2);
      MetaLearning problem = in.problem;
      SplittableRandom random = new SplittableRandom(4);
      int rows = BATCH.length;
      double[] r = lambda(random);
      double[] z = gaussian(random, rows * D);
      double[] v = gaussian(random, rows * D);
      double[] uz = gaussian(random, rows * D);
      double[] ur = gaussian(random, M);
      double h = 1e-5;
      Batch batch = new Batch(rows).assign(TASKS, BATCH);
      DMatrix zm = matrix(arena, rows, D, z);
      DMatrix vm = matrix(arena, rows, D, v);
      DVector rv = vector(arena, r);
      DMatrix out = Buffers.matrix(arena, rows, D);
      DMatrix plus = Buffers.matrix(arena, rows, D);
      DMatrix minus = Buffers.matrix(arena, rows, D);

      Vjp.state(problem, zm, rv, batch, vm, out);
      problem.map(matrix(arena, rows, D, shift(z, uz, h)), rv, batch, plus);
      problem.map(matrix(arena, rows, D, shift(z, uz, -h)), rv, batch, minus);
      double fd = 0;
      for (int e = 0; e < rows * D; e++) {
        fd += v[e] * (plus.toArray()[e] - minus.toArray()[e]) / (2 * h);
      }
      close(fd, dot(out.toArray(), uz), 1e-8, "∂₁Φᵀv");

      DVector outLambda = Buffers.vector(arena, M);
      Vjp.lambda(problem, zm, rv, batch, vm, outLambda);
      problem.map(zm, vector(arena, shift(r, ur, h)), batch, plus);
      problem.map(zm, vector(arena, shift(r, ur, -h)), batch, minus);
      fd = 0;
      for (int e = 0; e < rows * D; e++) {
        fd += v[e] * (plus.toArray()[e] - minus.toArray()[e]) / (2 * h);
      }
      close(fd / rows, dot(outLambda.toArray(), ur), 1e-8, "mean ∂₂Φᵀv");

      problem.objectiveGradientState(zm, rv, batch, out);
      fd = directional(s -> problem.objective(matrix(arena, rows, D, s), rv, batch), z, uz, h);
      close(fd * rows, dot(out.toArray(), uz), 1e-8, "∇₁E (rows not divided by |B|)");

      problem.objectiveGradientLambda(zm, rv, batch, outLambda);
      fd = directional(x -> problem.objective(zm, vector(arena, x), batch), r, ur, h);
      close(fd, dot(outLambda.toArray(), ur), 1e-8, "∇₂E");
      problem.close();
    }
  }

  @Test
  void chunkSizeDoesNotChangeResults() {
    try (Arena arena = Arena.ofConfined()) {
      SplittableRandom random = new SplittableRandom(5);
      int rows = BATCH.length;
      double[] r = lambda(random);
      double[] z = gaussian(random, rows * D);
      double[] v = gaussian(random, rows * D);
      Batch batch = new Batch(rows).assign(TASKS, BATCH);
      double[] reference = null;
      for (int chunk : new int[] {1, 2, 3, 64}) {
        Instance in = instance(arena, 6, chunk);
        DMatrix zm = matrix(arena, rows, D, z);
        DMatrix vm = matrix(arena, rows, D, v);
        DVector rv = vector(arena, r);
        DMatrix a = Buffers.matrix(arena, rows, D);
        DMatrix b = Buffers.matrix(arena, rows, D);
        DMatrix c = Buffers.matrix(arena, rows, D);
        DVector d = Buffers.vector(arena, M);
        DVector e = Buffers.vector(arena, M);
        in.problem.map(zm, rv, batch, a);
        Vjp.state(in.problem, zm, rv, batch, vm, b);
        in.problem.objectiveGradientState(zm, rv, batch, c);
        Vjp.lambda(in.problem, zm, rv, batch, vm, d);
        in.problem.objectiveGradientLambda(zm, rv, batch, e);
        double[] all = new double[3 * rows * D + 2 * M + 1];
        System.arraycopy(a.toArray(), 0, all, 0, rows * D);
        System.arraycopy(b.toArray(), 0, all, rows * D, rows * D);
        System.arraycopy(c.toArray(), 0, all, 2 * rows * D, rows * D);
        System.arraycopy(d.toArray(), 0, all, 3 * rows * D, M);
        System.arraycopy(e.toArray(), 0, all, 3 * rows * D + M, M);
        all[all.length - 1] = in.problem.objective(zm, rv, batch);
        if (reference == null) {
          reference = all;
        } else {
          assertArrayEquals(reference, all, 1e-13, "chunk of " + chunk + " tasks");
        }
        in.problem.close();
      }
    }
  }

  @Test
  void reusedFeaturesFollowChangesOfTheRepresentationAndTheBatch() {
    try (Arena arena = Arena.ofConfined()) {
      Instance cached = instance(arena, 13, 64);
      SplittableRandom random = new SplittableRandom(14);
      int rows = BATCH.length;
      DMatrix z = matrix(arena, rows, D, gaussian(random, rows * D));
      DVector r = vector(arena, lambda(random));
      Batch batch = new Batch(rows).assign(TASKS, BATCH);
      DMatrix out = Buffers.matrix(arena, rows, D);
      cached.problem.map(z, r, batch, out);                  // fills the workspace
      double[] changed = lambda(random);
      r.copyFrom(changed);                                   // same vector, new contents
      cached.problem.map(z, r, batch, out);
      Batch other = new Batch(rows).assign(TASKS, 1, 0, 5, 4, 3);
      DMatrix outOther = Buffers.matrix(arena, rows, D);
      cached.problem.map(z, r, other, outOther);             // same R, another batch
      double objective = cached.problem.objective(z, r, other);
      try (MetaLearning fresh = instance(arena, 13, 1).problem) {
        DMatrix expected = Buffers.matrix(arena, rows, D);
        fresh.map(z, vector(arena, changed), batch, expected);
        assertArrayEquals(expected.toArray(), out.toArray(), 1e-14);
        fresh.map(z, vector(arena, changed), other, expected);
        assertArrayEquals(expected.toArray(), outOther.toArray(), 1e-14);
        assertEquals(fresh.objective(z, vector(arena, changed), other), objective, 1e-14);
      }
      cached.problem.close();
    }
  }

  /** Every head of the batch solved by fixed-point steps to a residual below 1e-14. */
  private static DMatrix solveHeads(MetaLearning problem, Arena arena, DVector r, Batch batch) {
    int rows = batch.size();
    DMatrix z = Buffers.matrix(arena, rows, D);
    DMatrix phi = Buffers.matrix(arena, rows, D);
    for (int i = 0; i < 100_000; i++) {
      problem.map(z, r, batch, phi);
      if (problem.backend().kmStepResidual(1.0, phi.asVector(), z.asVector()) < 1e-14) {
        return z;
      }
    }
    throw new AssertionError("the heads did not converge");
  }

  @Test
  void batchedHypergradientMatchesFiniteDifferencesOfTheBatchObjective() {
    try (Arena arena = Arena.ofConfined()) {
      Instance in = instance(arena, 7, 64);
      MetaLearning problem = in.problem;
      Backend b = problem.backend();
      double[] r = lambda(new SplittableRandom(8));
      DVector rv = vector(arena, r);
      int rows = BATCH.length;
      Batch batch = new Batch(rows).assign(TASKS, BATCH);
      // lower level, then v = ∂₁Φᵀ v + ∇₁E row by row (KM, step 1), then ∇₂E + mean ∂₂Φᵀ v
      DMatrix z = solveHeads(problem, arena, rv, batch);
      DMatrix g1 = Buffers.matrix(arena, rows, D);
      problem.objectiveGradientState(z, rv, batch, g1);
      DMatrix v = Buffers.matrix(arena, rows, D);
      DMatrix next = Buffers.matrix(arena, rows, D);
      double residual = Double.NaN;
      for (int i = 0; i < 100_000; i++) {
        Vjp.state(problem, z, rv, batch, v, next);
        b.axpy(1.0, g1.asVector(), next.asVector());
        residual = b.kmStepResidual(1.0, next.asVector(), v.asVector());
        if (residual < 1e-14) {
          break;
        }
      }
      assertTrue(residual < 1e-14, "LS residual " + residual);
      DVector hypergradient = Buffers.vector(arena, M);
      DVector term = Buffers.vector(arena, M);
      problem.objectiveGradientLambda(z, rv, batch, hypergradient);
      Vjp.lambda(problem, z, rv, batch, v, term);
      b.axpy(1.0, term, hypergradient);

      double h = 1e-5;
      for (int e = 0; e < M; e++) {
        double[] unit = new double[M];
        unit[e] = 1;
        double fd = directional(x -> {
          DVector xv = vector(arena, x);
          return problem.objective(solveHeads(problem, arena, xv, batch), xv, batch);
        }, r, unit, h);
        close(fd, hypergradient.get(e), 1e-7, "∂F_B/∂R_" + e);
      }
      problem.close();
    }
  }

  @Test
  void contractionConstantBoundsEveryTasksMap() {
    try (Arena arena = Arena.ofConfined()) {
      Instance in = instance(arena, 9, 2);
      MetaLearning problem = in.problem;
      double q = problem.contractionConstant().orElseThrow();
      assertTrue(q > 0 && q < 1, "q = " + q);
      SplittableRandom random = new SplittableRandom(10);
      for (int trial = 0; trial < 4; trial++) {
        double[] r = gaussian(random, M);
        double scale = RADIUS / NumericalChecks.norm(r);          // on the boundary of Λ
        for (int e = 0; e < M; e++) {
          r[e] *= scale;
        }
        DVector rv = vector(arena, r);
        for (int t = 0; t < TASKS; t++) {
          Batch one = new Batch(1).assign(TASKS, t);
          DMatrix z = matrix(arena, 1, D, gaussian(random, D));
          DMatrix v = matrix(arena, 1, D, gaussian(random, D));
          DMatrix out = Buffers.matrix(arena, 1, D);
          double estimate = 0;
          for (int i = 0; i < 300; i++) {                          // power iteration on ∂₁Φᵀ
            problem.backend().scal(1 / problem.backend().nrm2(v.asVector()), v.asVector());
            Vjp.state(problem, z, rv, one, v, out);
            estimate = problem.backend().nrm2(out.asVector());
            problem.backend().copy(out.asVector(), v.asVector());
          }
          assertTrue(estimate <= q + 1e-9, "task " + t + ": " + estimate + " > q = " + q);
        }
      }
      problem.close();
    }
  }

  @Test
  void evaluationSolvesEveryHeadAndScoresTheQueries() {
    try (Arena arena = Arena.ofConfined()) {
      Instance in = instance(arena, 11, 4);
      MetaLearning problem = in.problem;
      DVector rv = Buffers.vector(arena, M);
      problem.initialUpper(rv, 12);
      assertEquals(RADIUS / 2, problem.backend().nrm2(rv), 1e-12);
      MetaLearning.Evaluation evaluation = problem.evaluate(rv, 1000);
      int[] all = {0, 1, 2, 3, 4, 5};
      Batch every = new Batch(TASKS).assign(TASKS, all);
      DMatrix heads = solveHeads(problem, arena, rv, every);
      close(problem.objective(heads, rv, every), evaluation.queryLoss(), 1e-10, "query loss");
      assertEquals(problem.queryAccuracy(heads, rv, every), evaluation.queryAccuracy(), 1e-15);
      assertTrue(evaluation.lowerResidual() < 1e-10, "residual " + evaluation.lowerResidual());
      // the accuracy against a plain argmax
      int correct = 0;
      double[] r = rv.toArray();
      for (int t = 0; t < TASKS; t++) {
        double[] h = rowOf(heads.toArray(), t);
        for (int j = 0; j < WAYS * QUERIES; j++) {
          int best = 0;
          double bestLoss = Double.POSITIVE_INFINITY;
          for (int c = 0; c < WAYS; c++) {        // smallest CE against label c = largest logit
            double loss = crossEntropy(in, r, h, in.tasks.queryIndex(t, j), c);
            if (loss < bestLoss) {
              bestLoss = loss;
              best = c;
            }
          }
          correct += best == in.tasks.queryLabel(t, j) ? 1 : 0;
        }
      }
      assertEquals(correct / (double) (TASKS * WAYS * QUERIES), evaluation.queryAccuracy(),
          1e-15);
      problem.close();
    }
  }

  @Test
  void badInputIsReportedClearly() {
    try (Arena arena = Arena.ofConfined()) {
      int[] labels = {0, 1, 0, 1, 0, 1};
      FewShotTasks tasks = FewShotTasks.sample(labels, 2, 2, 1, 1, 3, 1);
      DMatrix x = matrix(arena, 6, 2, new double[12]);
      DMatrix fewer = matrix(arena, 5, 2, new double[10]);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> new MetaLearning(backend, fewer, tasks, 2, 0.1, 1));
      assertTrue(e.getMessage().contains("6 examples but features has 5 rows"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class,
          () -> new MetaLearning(backend, x, tasks, 0, 0.1, 1));
      assertTrue(e.getMessage().contains("representationDimension"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class,
          () -> new MetaLearning(backend, x, tasks, 2, -1, 1));
      assertTrue(e.getMessage().contains("headRegularization"), e.getMessage());
      double[] values = new double[12];
      values[7] = Double.NaN;
      e = assertThrows(IllegalArgumentException.class,
          () -> new MetaLearning(backend, matrix(arena, 6, 2, values), tasks, 2, 0.1, 1));
      assertTrue(e.getMessage().contains("features has a non-finite value at (3, 1)"),
          e.getMessage());
      try (MetaLearning problem = new MetaLearning(backend, x, tasks, 2, 0.1, 1)) {
        Batch batch = new Batch(2).assign(3, 0, 2);
        DMatrix narrow = Buffers.matrix(arena, 2, 3);
        DVector r = Buffers.vector(arena, 4);
        e = assertThrows(IllegalArgumentException.class,
            () -> problem.map(narrow, r, batch, Buffers.matrix(arena, 2, 4)));
        assertTrue(e.getMessage().contains("states must have 4 columns"), e.getMessage());
        DMatrix states = Buffers.matrix(arena, 2, 4);
        e = assertThrows(IllegalArgumentException.class,
            () -> problem.map(states, Buffers.vector(arena, 3), batch, states));
        assertTrue(e.getMessage().contains("lambda must have length 4"), e.getMessage());
        Batch outside = new Batch(2).assign(9, 0, 7);
        e = assertThrows(IllegalArgumentException.class,
            () -> problem.map(states, r, outside, Buffers.matrix(arena, 2, 4)));
        assertTrue(e.getMessage().contains("task index 7"), e.getMessage());
      }
    }
  }
}
