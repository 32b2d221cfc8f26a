package io.github.bilevel.bsgm.problems;

import io.github.bilevel.bsgm.Vjp;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.bsgm.Batch;
import io.github.bilevel.bsgm.SeparableProblem;
import io.github.bilevel.bsgm.SeparableSid;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.Backends;
import io.github.bilevel.kernels.Buffers;
import io.github.bilevel.kernels.DMatrix;
import io.github.bilevel.kernels.DVector;
import io.github.bilevel.kernels.Projections;
import java.lang.foreign.Arena;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

/**
 * The equilibrium model against a plain-Java reference of Φ and E, every VJP and gradient
 * against central finite differences, the SID hypergradient against finite differences of
 * f(λ) with converged lower levels, and the projection.
 */
class EquilibriumModelTest {

  private static final int N = 6;
  private static final int P = 5;
  private static final int D = 4;
  private static final int C = 3;
  private static final int M = D * D + D * P + D + C * D + C;

  private final Backend backend = Backends.byName("simd");
  private final SplittableRandom random = new SplittableRandom(20261123L);
  private final double[] x = random.doubles(N * P, 0, 1).toArray();
  private final int[] y = random.ints(N, 0, C).toArray();

  private EquilibriumModel model(Arena arena, int maxBatch) {
    return new EquilibriumModel(backend, Buffers.matrix(arena, N, P, x), y, C, D, maxBatch, 0.5,
        1.0);
  }

  /** A point of Λ with entries large enough that tanh is far from linear. */
  private DVector lambda(Arena arena, EquilibriumModel model, long seed) {
    DVector lambda = Buffers.vector(arena, M);
    model.initialize(lambda, 0.6, seed);
    SplittableRandom r = new SplittableRandom(seed + 1);
    for (int k = 0; k < C; k++) { // b is 0 after initialize: give it values too
      lambda.set(model.layout().outputBiasOffset() + k, r.nextGaussian());
    }
    return lambda;
  }

  // ---------------------------------------------------------------- reference

  /** Φ(z, λ; x_i) = tanh(A z + B x_i + c), by the documented layout, in plain loops. */
  private double[] referenceMap(double[] lambda, int example, double[] z) {
    double[] out = new double[D];
    for (int j = 0; j < D; j++) {
      double u = lambda[D * D + D * P + j];
      for (int k = 0; k < D; k++) {
        u += lambda[j * D + k] * z[k];
      }
      for (int k = 0; k < P; k++) {
        u += lambda[D * D + j * P + k] * x[example * P + k];
      }
      out[j] = Math.tanh(u);
    }
    return out;
  }

  /** CE(D z + b, y_i). */
  private double referenceLoss(double[] lambda, int example, double[] z) {
    int offset = D * D + D * P + D;
    double[] logits = new double[C];
    double max = Double.NEGATIVE_INFINITY;
    for (int k = 0; k < C; k++) {
      logits[k] = lambda[offset + C * D + k];
      for (int j = 0; j < D; j++) {
        logits[k] += lambda[offset + k * D + j] * z[j];
      }
      max = Math.max(max, logits[k]);
    }
    double sum = 0;
    for (double l : logits) {
      sum += Math.exp(l - max);
    }
    return max + Math.log(sum) - logits[y[example]];
  }

  private static final int[] BATCH = {4, 1, 4, 0}; // repeats, any order

  private DMatrix states(Arena arena, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    return Buffers.matrix(arena, BATCH.length, D,
        r.doubles(BATCH.length * D, -0.9, 0.9).toArray());
  }

  private static double centralDifference(ToDoubleFunction<Double> f, double h) {
    return (f.applyAsDouble(h) - f.applyAsDouble(-h)) / (2 * h);
  }

  private static void assertClose(double expected, double actual, double tolerance, String what) {
    assertTrue(Math.abs(expected - actual) <= tolerance * (1 + Math.abs(expected)),
        what + ": expected " + expected + ", got " + actual);
  }

  // ---------------------------------------------------------------- tests

  @Test
  void mapAndObjectiveMatchThePlainReference() {
    try (Arena arena = Arena.ofConfined(); EquilibriumModel model = model(arena, 8)) {
      DVector lambda = lambda(arena, model, 1);
      DMatrix z = states(arena, 2);
      DMatrix out = Buffers.matrix(arena, BATCH.length, D);
      Batch batch = new Batch(8).assign(N, BATCH);
      model.map(z, lambda, batch, out);
      double loss = 0;
      for (int r = 0; r < BATCH.length; r++) {
        double[] expected = referenceMap(lambda.toArray(), BATCH[r], z.row(r).toArray());
        assertArrayEquals(expected, out.row(r).toArray(), 1e-14);
        loss += referenceLoss(lambda.toArray(), BATCH[r], z.row(r).toArray()) / BATCH.length;
      }
      assertEquals(loss, model.objective(z, lambda, batch), 1e-14);
    }
  }

  @Test
  void cachesFollowChangesMadeInPlace() {
    try (Arena arena = Arena.ofConfined(); EquilibriumModel model = model(arena, 8)) {
      DVector lambda = lambda(arena, model, 3);
      DMatrix z = states(arena, 4);
      DMatrix out = Buffers.matrix(arena, BATCH.length, D);
      Batch batch = new Batch(8).assign(N, BATCH);
      model.map(z, lambda, batch, out);
      // change B, c, A and the states in place, and the batch to another of the same size
      lambda.set(D * D + 3, lambda.get(D * D + 3) + 0.5);
      lambda.set(D * D + D * P + 1, -0.7);
      model.map(z, lambda, batch, out);
      for (int r = 0; r < BATCH.length; r++) {
        assertArrayEquals(referenceMap(lambda.toArray(), BATCH[r], z.row(r).toArray()),
            out.row(r).toArray(), 1e-14);
      }
      batch.assign(N, 5, 2, 3, 1);
      model.map(z, lambda, batch, out);
      assertArrayEquals(referenceMap(lambda.toArray(), 5, z.row(0).toArray()),
          out.row(0).toArray(), 1e-14);
      // VJPs use T(Z): change Z and A in place between calls and compare with fresh models
      DMatrix v = states(arena, 5);
      DMatrix first = Buffers.matrix(arena, BATCH.length, D);
      Vjp.state(model, z, lambda, batch, v, first);
      z.set(2, 1, z.get(2, 1) + 0.3);
      lambda.set(1, lambda.get(1) * 0.5);
      Vjp.state(model, z, lambda, batch, v, first);
      try (EquilibriumModel fresh = model(arena, 8)) {
        DMatrix second = Buffers.matrix(arena, BATCH.length, D);
        Vjp.state(fresh, z, lambda, batch, v, second);
        assertArrayEquals(second.toArray(), first.toArray(), 0.0);
      }
    }
  }

  @Test
  void stateVjpMatchesFiniteDifferences() {
    try (Arena arena = Arena.ofConfined(); EquilibriumModel model = model(arena, 8)) {
      DVector lambda = lambda(arena, model, 6);
      DMatrix z = states(arena, 7);
      DMatrix v = states(arena, 8);
      Batch batch = new Batch(8).assign(N, BATCH);
      DMatrix vjp = Buffers.matrix(arena, BATCH.length, D);
      Vjp.state(model, z, lambda, batch, v, vjp);
      DMatrix out = Buffers.matrix(arena, BATCH.length, D);
      for (int r = 0; r < BATCH.length; r++) {
        for (int j = 0; j < D; j++) {
          int row = r;
          int col = j;
          double original = z.get(r, j);
          double fd = centralDifference(h -> {
            z.set(row, col, original + h);
            model.map(z, lambda, batch, out);
            z.set(row, col, original);
            double s = 0;
            for (int k = 0; k < D; k++) {
              s += v.get(row, k) * out.get(row, k); // only row r depends on z_r
            }
            return s;
          }, 1e-6);
          assertClose(fd, vjp.get(r, j), 1e-8, "∂₁Φᵀv at (" + r + ", " + j + ")");
        }
      }
    }
  }

  @Test
  void fusedLinearSystemMapIsTheVjpPlusTheAddend() {
    try (Arena arena = Arena.ofConfined(); EquilibriumModel model = model(arena, 8)) {
      DVector lambda = lambda(arena, model, 6);
      DMatrix z = states(arena, 7);
      DMatrix v = states(arena, 8);
      DMatrix g = states(arena, 9);
      Batch batch = new Batch(8).assign(N, BATCH);
      SeparableProblem.SeparableLinearization linearization = model.linearization(arena, 8);
      assertTrue(linearization.fusesVjpStatePlus());
      linearization.linearize(z, lambda, batch);
      DMatrix vjp = Buffers.matrix(arena, BATCH.length, D);
      DMatrix fused = Buffers.matrix(arena, BATCH.length, D);
      linearization.vjpState(v, vjp);
      for (int round = 0; round < 2; round++) {   // the second call reuses the epilogue
        linearization.vjpStatePlus(v, g, fused);
        for (int r = 0; r < BATCH.length; r++) {
          for (int j = 0; j < D; j++) {
            assertClose(vjp.get(r, j) + g.get(r, j), fused.get(r, j), 1e-15,
                "∂₁Φᵀv + g at (" + r + ", " + j + ")");
          }
        }
      }
    }
  }

  /** {@code g(λ)} central differences for every coordinate of λ, against {@code gradient}. */
  private void checkLambdaGradient(DVector lambda, DVector gradient,
      ToDoubleFunction<DVector> g, double tolerance, String what) {
    for (int i = 0; i < M; i++) {
      int index = i;
      double original = lambda.get(i);
      double fd = centralDifference(h -> {
        lambda.set(index, original + h);
        double value = g.applyAsDouble(lambda);
        lambda.set(index, original);
        return value;
      }, 1e-6);
      assertClose(fd, gradient.get(i), tolerance, what + " at λ[" + i + "]");
    }
  }

  @Test
  void lambdaVjpMatchesFiniteDifferences() {
    try (Arena arena = Arena.ofConfined(); EquilibriumModel model = model(arena, 8)) {
      DVector lambda = lambda(arena, model, 9);
      DMatrix z = states(arena, 10);
      DMatrix v = states(arena, 11);
      Batch batch = new Batch(8).assign(N, BATCH);
      DVector vjp = Buffers.vector(arena, M);
      Vjp.lambda(model, z, lambda, batch, v, vjp);
      DMatrix out = Buffers.matrix(arena, BATCH.length, D);
      checkLambdaGradient(lambda, vjp, l -> {
        model.map(z, l, batch, out);
        double s = 0;
        for (int r = 0; r < BATCH.length; r++) {
          for (int k = 0; k < D; k++) {
            s += v.get(r, k) * out.get(r, k);
          }
        }
        return s / BATCH.length;
      }, 1e-8, "mean ∂₂Φᵀv");
    }
  }

  @Test
  void objectiveGradientsMatchFiniteDifferences() {
    try (Arena arena = Arena.ofConfined(); EquilibriumModel model = model(arena, 8)) {
      DVector lambda = lambda(arena, model, 12);
      DMatrix z = states(arena, 13);
      Batch batch = new Batch(8).assign(N, BATCH);
      DMatrix gradState = Buffers.matrix(arena, BATCH.length, D);
      model.objectiveGradientState(z, lambda, batch, gradState);
      for (int r = 0; r < BATCH.length; r++) {
        for (int j = 0; j < D; j++) {
          int row = r;
          int col = j;
          double original = z.get(r, j);
          // ∇₁E_r is the gradient of E_r, not of the mean: J times that of the mean
          double fd = centralDifference(h -> {
            z.set(row, col, original + h);
            double value = BATCH.length * model.objective(z, lambda, batch);
            z.set(row, col, original);
            return value;
          }, 1e-6);
          assertClose(fd, gradState.get(r, j), 1e-8, "∇₁E at (" + r + ", " + j + ")");
        }
      }
      DVector gradLambda = Buffers.vector(arena, M);
      model.objectiveGradientLambda(z, lambda, batch, gradLambda);
      checkLambdaGradient(lambda, gradLambda, l -> model.objective(z, l, batch), 1e-8,
          "mean ∇₂E");
    }
  }

  @Test
  void sidHypergradientMatchesFiniteDifferencesOfTheConvergedObjective() {
    try (Arena arena = Arena.ofConfined(); EquilibriumModel model = model(arena, 8);
        SeparableSid sid = new SeparableSid(model, 8)) {
      DVector lambda = lambda(arena, model, 14);
      DMatrix features = Buffers.matrix(arena, N, P, x);
      for (int[] tasks : new int[][] {{0, 1, 2, 3, 4, 5}, BATCH}) {
        Batch batch = new Batch(8).assign(N, tasks);
        DVector hypergradient = Buffers.vector(arena, M);
        sid.hypergradient(lambda, batch, new SeparableSid.Options(120, 120), hypergradient);
        // f(λ) = mean over the batch of CE at the fixed points, computed by evaluate()
        DMatrix xb = Buffers.matrix(arena, tasks.length, P);
        int[] yb = new int[tasks.length];
        for (int r = 0; r < tasks.length; r++) {
          for (int k = 0; k < P; k++) {
            xb.set(r, k, features.get(tasks[r], k));
          }
          yb[r] = y[tasks[r]];
        }
        checkLambdaGradient(lambda, hypergradient,
            l -> model.evaluate(l, xb, yb, 120).loss(), 1e-7, "SID hypergradient");
      }
    }
  }

  /** ‖A‖₂ by power iteration on AᵀA in plain Java. */
  private static double spectralNorm(double[] a, int d) {
    double[] v = new double[d];
    java.util.Arrays.fill(v, 1.0);
    v[0] = 1.7;
    double sigma = 0;
    for (int iter = 0; iter < 20000; iter++) {
      double[] av = new double[d];
      for (int i = 0; i < d; i++) {
        for (int j = 0; j < d; j++) {
          av[i] += a[i * d + j] * v[j];
        }
      }
      double[] atav = new double[d];
      for (int i = 0; i < d; i++) {
        for (int j = 0; j < d; j++) {
          atav[j] += a[i * d + j] * av[i];
        }
      }
      double norm = 0;
      for (double e : atav) {
        norm += e * e;
      }
      norm = Math.sqrt(norm);
      for (int j = 0; j < d; j++) {
        v[j] = atav[j] / norm;
      }
      sigma = Math.sqrt(norm);
    }
    return sigma;
  }

  @Test
  void projectionBoundsTheSpectralNormAndD() {
    int d = 30;
    int p = 7;
    double[] features = new SplittableRandom(1).doubles(3 * p, 0, 1).toArray();
    try (Arena arena = Arena.ofConfined();
        EquilibriumModel model = new EquilibriumModel(backend, Buffers.matrix(arena, 3, p,
            features), new int[] {0, 1, 2}, 3, d, 4, 0.5, 1.0)) {
      EquilibriumModel.Layout layout = model.layout();
      for (long seed = 1; seed <= 5; seed++) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] values = r.doubles(layout.size(), -2, 2).toArray();
        DVector lambda = Buffers.vector(arena, values);
        model.projectUpper(lambda);
        double[] a = layout.stateWeights(lambda).toArray();
        assertTrue(spectralNorm(values, d) > 5, "the test starts far outside Λ");
        assertTrue(spectralNorm(a, d) <= 0.5 * (1 + 1e-9), "‖A‖₂ = " + spectralNorm(a, d));
        assertTrue(spectralNorm(a, d) >= 0.5 * (1 - 1e-9), "the top value is clipped to 0.5");
        double[] dBlock = layout.outputWeights(lambda).toArray();
        for (int i = 0; i < dBlock.length; i++) {
          double original = values[layout.outputWeightsOffset() + i];
          assertEquals(Math.max(-1, Math.min(1, original)), dBlock[i], 0.0);
        }
        for (int i = layout.inputWeightsOffset(); i < layout.outputWeightsOffset(); i++) {
          assertEquals(values[i], lambda.get(i), 0.0, "B and c are free");
        }
        for (int i = layout.outputBiasOffset(); i < layout.size(); i++) {
          assertEquals(values[i], lambda.get(i), 0.0, "b is free");
        }
        double[] once = lambda.toArray();
        model.projectUpper(lambda);
        assertArrayEquals(once, lambda.toArray(), 1e-12, "projection is idempotent");
      }
      // a point inside Λ does not move
      DVector inside = Buffers.vector(arena, layout.size());
      model.initialize(inside, 0.01, 3);
      double[] before = inside.toArray();
      assertTrue(spectralNorm(layout.stateWeights(inside).toArray(), d) < 0.5);
      model.projectUpper(inside);
      assertArrayEquals(before, inside.toArray(), 1e-15);
      assertEquals(0.5, model.contractionConstant().orElseThrow(), 0.0);
    }
  }

  @Test
  void projectionIsExactNearTheBoundary() {
    int d = 30;
    int p = 7;
    double[] features = new SplittableRandom(1).doubles(3 * p, 0, 1).toArray();
    try (Arena arena = Arena.ofConfined();
        EquilibriumModel model = new EquilibriumModel(backend, Buffers.matrix(arena, 3, p,
            features), new int[] {0, 1, 2}, 3, d, 4, 0.5, 1.0)) {
      EquilibriumModel.Layout layout = model.layout();
      SplittableRandom r = new SplittableRandom(2);
      double[] targets = {0.05, 0.3, 0.4, 0.499999, 0.500001, 0.7, 3.0, 0.0};
      for (double target : targets) {
        for (boolean flat : new boolean[] {false, true}) {
          double[] a = r.doubles(d * d, -1, 1).toArray();
          if (flat) { // all singular values near the top
            for (int i = 0; i < d; i++) {
              a[i * d + i] += 10;
            }
          }
          double norm = spectralNorm(a, d);
          for (int i = 0; i < a.length; i++) {
            a[i] = target == 0 ? 0 : a[i] * target / norm;
          }
          DVector lambda = Buffers.vector(arena, layout.size());
          layout.stateWeights(lambda).copyFrom(a);
          DMatrix reference = Buffers.matrix(arena, d, d, a);
          model.projectUpper(lambda);
          Projections.spectralBall(backend, reference, 0.5);
          double[] projected = layout.stateWeights(lambda).toArray();
          if (target > 0.5) {
            assertEquals(0.5, spectralNorm(projected, d), 1e-9);
            assertArrayEquals(reference.toArray(), projected, 1e-12,
                "the backend's full SVD agrees");
          } else {
            assertArrayEquals(a, projected, 0.0, "inside the ball: unchanged, bit for bit");
          }
        }
      }
    }
  }

  @Test
  void evaluateAndPredictMatchTheReferenceForwardSolve() {
    try (Arena arena = Arena.ofConfined(); EquilibriumModel model = model(arena, 4)) {
      DVector lambda = lambda(arena, model, 15);
      SplittableRandom r = new SplittableRandom(16);
      int rows = 11; // three chunks of at most 4
      double[] test = r.doubles(rows * P, 0, 1).toArray();
      int[] labels = r.ints(rows, 0, C).toArray();
      int steps = 7;
      double lossSum = 0;
      int correct = 0;
      int[] expectedClasses = new int[rows];
      double[] l = lambda.toArray();
      EquilibriumModelTest self = this;
      for (int i = 0; i < rows; i++) {
        double[] z = new double[D];
        for (int s = 0; s < steps; s++) {
          z = referenceMapOn(l, test, i, z);
        }
        int offset = D * D + D * P + D;
        double[] logits = new double[C];
        int best = 0;
        for (int k = 0; k < C; k++) {
          logits[k] = l[offset + C * D + k];
          for (int j = 0; j < D; j++) {
            logits[k] += l[offset + k * D + j] * z[j];
          }
          if (logits[k] > logits[best]) {
            best = k;
          }
        }
        double max = logits[best];
        double sum = 0;
        for (double v : logits) {
          sum += Math.exp(v - max);
        }
        lossSum += max + Math.log(sum) - logits[labels[i]];
        expectedClasses[i] = best;
        correct += best == labels[i] ? 1 : 0;
      }
      DMatrix xt = Buffers.matrix(arena, rows, P, test);
      Evaluation evaluation = model.evaluate(lambda, xt, labels, steps);
      assertEquals(lossSum / rows, evaluation.loss(), 1e-13);
      assertEquals((double) correct / rows, evaluation.accuracy(), 0.0);
      assertArrayEquals(expectedClasses, model.predict(lambda, xt, steps));
      assertTrue(self != null);
    }
  }

  private double[] referenceMapOn(double[] lambda, double[] inputs, int example, double[] z) {
    double[] out = new double[D];
    for (int j = 0; j < D; j++) {
      double u = lambda[D * D + D * P + j];
      for (int k = 0; k < D; k++) {
        u += lambda[j * D + k] * z[k];
      }
      for (int k = 0; k < P; k++) {
        u += lambda[D * D + j * P + k] * inputs[example * P + k];
      }
      out[j] = Math.tanh(u);
    }
    return out;
  }

  @Test
  void initializationIsSeededAndFollowsTheReference() {
    int d = 50;
    double[] features = new SplittableRandom(1).doubles(3 * 40, 0, 1).toArray();
    try (Arena arena = Arena.ofConfined();
        EquilibriumModel model = new EquilibriumModel(backend, Buffers.matrix(arena, 3, 40,
            features), new int[] {0, 1, 2}, 3, d, 4, 0.5, 1.0)) {
      EquilibriumModel.Layout layout = model.layout();
      DVector a = Buffers.vector(arena, layout.size());
      DVector b = Buffers.vector(arena, layout.size());
      model.initialize(a, 7);
      model.initialize(b, 7);
      assertArrayEquals(a.toArray(), b.toArray(), 0.0);
      double sumSquares = 0;
      for (int i = 0; i < layout.outputBiasOffset(); i++) {
        sumSquares += a.get(i) * a.get(i);
      }
      double std = Math.sqrt(sumSquares / layout.outputBiasOffset());
      assertEquals(0.01, std, 0.0005);
      for (int i = layout.outputBiasOffset(); i < layout.size(); i++) {
        assertEquals(0.0, a.get(i), 0.0);
      }
    }
  }

  @Test
  void layoutOffsetsAndBadInput() {
    EquilibriumModel.Layout layout = new EquilibriumModel.Layout(200, 784, 10);
    assertEquals(0, layout.stateWeightsOffset());
    assertEquals(40000, layout.inputWeightsOffset());
    assertEquals(40000 + 156800, layout.stateBiasOffset());
    assertEquals(196800 + 200, layout.outputWeightsOffset());
    assertEquals(197000 + 2000, layout.outputBiasOffset());
    assertEquals(199010, layout.size());
    io.github.bilevel.bsgm.SeparableBsgm.Options defaults = EquilibriumModel.defaultOptions(7);
    assertEquals(EquilibriumModel.DEFAULT_STEP, defaults.alpha(), 0.0);
    assertEquals(EquilibriumModel.DEFAULT_BATCH, defaults.schedule().batch(5));
    assertEquals(EquilibriumModel.DEFAULT_SOLVER_STEPS, defaults.schedule().lowerSteps(5));
    assertEquals(EquilibriumModel.DEFAULT_SOLVER_STEPS, defaults.schedule().linearSteps(5));
    assertEquals(7, defaults.maxIterations().getAsInt());
    try (Arena arena = Arena.ofConfined(); EquilibriumModel model = model(arena, 4)) {
      assertEquals(M, model.upperDimension());
      DVector lambda = Buffers.vector(arena, M);
      DMatrix z = Buffers.matrix(arena, 5, D);
      DMatrix out = Buffers.matrix(arena, 5, D);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> model.map(z, lambda, new Batch(5).all(5), out));
      assertTrue(e.getMessage().contains("1 to 4"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class,
          () -> model.map(z, lambda, new Batch(2).assign(10, 1, 7), out));
      assertTrue(e.getMessage().contains("example 7"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class,
          () -> model.map(z, Buffers.vector(arena, M - 1), new Batch(2).assign(N, 1, 2), out));
      assertTrue(e.getMessage().contains("length m = " + M), e.getMessage());
      e = assertThrows(IllegalArgumentException.class,
          () -> model.map(Buffers.matrix(arena, 1, D), lambda, new Batch(2).assign(N, 1, 2),
              out));
      assertTrue(e.getMessage().contains("states is 1x4"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class,
          () -> new EquilibriumModel(backend, Buffers.matrix(arena, N, P, x), new int[N], 3, D, 4,
              1.0, 1.0));
      assertTrue(e.getMessage().contains("(0, 1)"), e.getMessage());
      int[] bad = y.clone();
      bad[2] = 5;
      e = assertThrows(IllegalArgumentException.class,
          () -> new EquilibriumModel(backend, Buffers.matrix(arena, N, P, x), bad, C, D, 4, 0.5,
              1.0));
      assertTrue(e.getMessage().contains("label 5 of example 2"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class,
          () -> model.evaluate(lambda, Buffers.matrix(arena, 2, P + 1), new int[2], 3));
      assertTrue(e.getMessage().contains("takes " + P), e.getMessage());
    }
  }
}
