package io.github.bilevel.bsgm.problems;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.github.bilevel.bsgm.Batch;
import io.github.bilevel.bsgm.BilevelProblem;
import io.github.bilevel.bsgm.LowerObjective;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.Backends;
import io.github.bilevel.kernels.Buffers;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The argmin form of the problems whose map is a gradient step ({@link QuadraticProblem},
 * {@link PerFeatureRidge}, {@link PerFeatureLogistic}; docs/mathematics.md §4.8) against central
 * differences of {@code Ĝ}: its gradient in {@code w} must be the map's {@code (w − Φ̂)/η} and
 * its gradient in {@code λ} {@code lowerObjectiveGradientLambda}, on single samples, batches and
 * the full data (for the quadratic, of the noisy instance, where the map noise must enter
 * {@code Ĝ}).
 */
class LowerObjectiveTest {

  private static final Backend BACKEND = Backends.byName("simd");
  private static final double STEP = 1e-4;

  private static BilevelProblem problem(String name) {
    SplittableRandom random = new SplittableRandom(3);
    int n = 40;
    int p = 5;
    double[] x = random.doubles((long) n * p, -1, 1).toArray();
    double[] y = random.doubles(n, -1, 1).toArray();
    double[] xv = random.doubles(10L * p, -1, 1).toArray();
    double[] yv = random.doubles(10, -1, 1).toArray();
    return switch (name) {
      case "quadratic" -> new QuadraticProblem(BACKEND, 7, 3, 0.5, 3.0, 16, 0.7, 5L);
      case "ridge" -> new PerFeatureRidge(BACKEND, x, y, xv, yv, p, 0.05, 10.0);
      case "logistic" -> new PerFeatureLogistic(BACKEND, x, signs(y), xv, signs(yv), p, 0.01,
          5.0);
      default -> throw new AssertionError(name);
    };
  }

  private static double[] signs(double[] values) {
    double[] out = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i] >= 0 ? 1 : -1;
    }
    return out;
  }

  @ParameterizedTest
  @CsvSource({"quadratic, 1", "quadratic, 3", "quadratic, 0", "ridge, 1", "ridge, 4",
      "ridge, 0", "logistic, 1", "logistic, 4", "logistic, 0"})
  void theObjectivesGradientsAreTheMapsResidualOverEtaAndTheLambdaGradient(String name,
      int batchSize) throws Exception {
    BilevelProblem problem = problem(name);
    try (Arena arena = Arena.ofConfined(); AutoCloseable closing = (AutoCloseable) problem) {
      LowerObjective objective = (LowerObjective) problem;
      SplittableRandom random = new SplittableRandom(2);
      int d = problem.lowerDimension();
      int m = problem.upperDimension();
      int samples = problem.lowerSamples();
      DVector w = Buffers.vector(arena, d);
      DVector lambda = Buffers.vector(arena, m);
      for (int i = 0; i < d; i++) {
        w.set(i, random.nextGaussian());
      }
      for (int i = 0; i < m; i++) {
        lambda.set(i, 0.1 + random.nextDouble()); // inside the penalty problems' box
      }
      problem.projectUpper(lambda);
      Batch xi = batchSize == 0 ? new Batch(samples).all(samples)
          : new Batch(batchSize).draw(random, batchSize, samples);
      double eta = objective.mapStep();
      DVector phi = Buffers.vector(arena, d);
      problem.map(w, lambda, xi, phi);
      for (int i = 0; i < d; i++) {
        double expected = (w.get(i) - phi.get(i)) / eta;
        assertEquals(expected, centralDifference(objective, w, lambda, xi, w, i), 1e-7,
            name + ": ∂Ĝ/∂w_" + i);
      }
      DVector gradient = Buffers.vector(arena, m);
      objective.lowerObjectiveGradientLambda(w, lambda, xi, gradient);
      for (int i = 0; i < m; i++) {
        assertEquals(centralDifference(objective, w, lambda, xi, lambda, i), gradient.get(i),
            1e-7, name + ": ∂Ĝ/∂λ_" + i);
      }
      if (batchSize > 0) {
        // the batch is in Ĝ (for the quadratic, through the map noise)
        Batch other = new Batch(batchSize).draw(new SplittableRandom(99), batchSize, samples);
        assertNotEquals(objective.lowerObjective(w, lambda, xi),
            objective.lowerObjective(w, lambda, other), name);
      }
    }
  }

  private static double centralDifference(LowerObjective objective, DVector w, DVector lambda,
      Batch xi, DVector moved, int i) {
    double x = moved.get(i);
    moved.set(i, x + STEP);
    double plus = objective.lowerObjective(w, lambda, xi);
    moved.set(i, x - STEP);
    double minus = objective.lowerObjective(w, lambda, xi);
    moved.set(i, x);
    return (plus - minus) / (2 * STEP);
  }
}
