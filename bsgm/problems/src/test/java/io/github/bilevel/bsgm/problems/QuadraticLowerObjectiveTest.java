package io.github.bilevel.bsgm.problems;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.github.bilevel.bsgm.Batch;
import io.github.bilevel.kernels.Backends;
import io.github.bilevel.kernels.Buffers;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link QuadraticProblem}'s argmin form against central differences of {@code Ĝ} (exact for a
 * quadratic up to rounding) and against {@code (w − Φ̂)/η}, on single samples and on batches of
 * the noisy instance, where the map noise must enter {@code Ĝ}.
 */
class QuadraticLowerObjectiveTest {

  private static final double STEP = 1e-3;

  @ParameterizedTest
  @ValueSource(ints = {1, 3})
  void theGradientsOfTheObjectiveAreTheMapsResidualOverEtaAndTheLambdaGradient(int batchSize) {
    try (Arena arena = Arena.ofConfined();
        QuadraticProblem problem = new QuadraticProblem(Backends.byName("simd"), 7, 3, 0.5,
            3.0, 16, 0.7, 5L)) {
      SplittableRandom random = new SplittableRandom(2);
      int d = 7;
      int m = 3;
      DVector w = Buffers.vector(arena, d);
      DVector lambda = Buffers.vector(arena, m);
      for (int i = 0; i < d; i++) {
        w.set(i, random.nextGaussian());
      }
      for (int i = 0; i < m; i++) {
        lambda.set(i, random.nextGaussian());
      }
      Batch xi = new Batch(batchSize).draw(random, batchSize, 16);
      double eta = problem.mapStep();
      DVector phi = Buffers.vector(arena, d);
      problem.map(w, lambda, xi, phi);
      for (int i = 0; i < d; i++) {
        double expected = (w.get(i) - phi.get(i)) / eta;
        assertEquals(expected, centralDifference(problem, w, lambda, xi, w, i), 1e-8,
            "∂Ĝ/∂w_" + i);
      }
      DVector gradient = Buffers.vector(arena, m);
      problem.lowerObjectiveGradientLambda(w, lambda, xi, gradient);
      for (int i = 0; i < m; i++) {
        assertEquals(centralDifference(problem, w, lambda, xi, lambda, i), gradient.get(i),
            1e-8, "∂Ĝ/∂λ_" + i);
      }
      // the noise is in Ĝ: another batch, another value at the same point
      Batch other = new Batch(batchSize).draw(new SplittableRandom(99), batchSize, 16);
      assertNotEquals(problem.lowerObjective(w, lambda, xi),
          problem.lowerObjective(w, lambda, other));
    }
  }

  private static double centralDifference(QuadraticProblem problem, DVector w, DVector lambda,
      Batch xi, DVector moved, int i) {
    double x = moved.get(i);
    moved.set(i, x + STEP);
    double plus = problem.lowerObjective(w, lambda, xi);
    moved.set(i, x - STEP);
    double minus = problem.lowerObjective(w, lambda, xi);
    moved.set(i, x);
    return (plus - minus) / (2 * STEP);
  }
}
