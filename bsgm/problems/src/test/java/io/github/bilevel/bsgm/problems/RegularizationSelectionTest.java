package io.github.bilevel.bsgm.problems;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.bsgm.Batch;
import io.github.bilevel.bsgm.GradientCheck;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.Backends;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;

/**
 * benchopt's regularization selection: derivatives and exact answers against finite
 * differences.
 */
class RegularizationSelectionTest {

  private static final int P = 6;
  private static final int N = 90;
  private static final int NV = 50;

  private final Backend backend = Backends.byName("simd");

  private RegularizationSelection problem(long seed, boolean zeroOneLabels) {
    SplittableRandom random = new SplittableRandom(seed);
    double[] truth = random.doubles(P, -2, 2).toArray();
    double[] x = random.doubles((long) N * P, -1, 1).toArray();
    double[] xv = random.doubles((long) NV * P, -1, 1).toArray();
    return new RegularizationSelection(backend, x, labels(random, x, truth, N, zeroOneLabels),
        xv, labels(random, xv, truth, NV, zeroOneLabels), P, -4, 2);
  }

  private static double[] labels(SplittableRandom random, double[] x, double[] truth, int n,
      boolean zeroOne) {
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      double z = 0.3 * random.nextGaussian();
      for (int j = 0; j < P; j++) {
        z += x[i * P + j] * truth[j];
      }
      y[i] = z > 0 ? 1 : zeroOne ? 0 : -1;
    }
    return y;
  }

  private static double centred(DoubleSupplier f, DVector at, int i, double h) {
    double keep = at.get(i);
    at.set(i, keep + h);
    double plus = f.getAsDouble();
    at.set(i, keep - h);
    double minus = f.getAsDouble();
    at.set(i, keep);
    return (plus - minus) / (2 * h);
  }

  @Test
  void vjpsAndGradientsMatchFiniteDifferences() {
    try (RegularizationSelection problem = problem(1, false); Arena arena = Arena.ofConfined()) {
      SplittableRandom random = new SplittableRandom(2);
      DVector w = backend.vector(arena, random.doubles(P, -1, 1).toArray());
      DVector lambda = backend.vector(arena, random.doubles(P, -3, 1).toArray());
      GradientCheck.check(problem, w, lambda, new Batch(5).assign(N, 4, 17, 4, 60, 89),
          new Batch(3).assign(NV, 0, 49, 7)).assertPassed(1e-6);
    }
  }

  @Test
  void mapIsTheGradientStepOfTheLowerObjective() {
    try (RegularizationSelection problem = problem(3, false); Arena arena = Arena.ofConfined()) {
      SplittableRandom random = new SplittableRandom(4);
      DVector w = backend.vector(arena, random.doubles(P, -1, 1).toArray());
      DVector lambda = backend.vector(arena, random.doubles(P, -3, 1).toArray());
      Batch xi = new Batch(4).assign(N, 2, 3, 3, 80);
      DVector mapped = backend.vector(arena, P);
      DVector gradLambda = backend.vector(arena, P);
      problem.map(w, lambda, xi, mapped);
      problem.lowerObjectiveGradientLambda(w, lambda, xi, gradLambda);
      for (int j = 0; j < P; j++) {
        double fdW = centred(() -> problem.lowerObjective(w, lambda, xi), w, j, 1e-6);
        assertEquals(fdW, (w.get(j) - mapped.get(j)) / problem.mapStep(), 1e-7, "∇₁G " + j);
        double fdLambda = centred(() -> problem.lowerObjective(w, lambda, xi), lambda, j, 1e-6);
        assertEquals(fdLambda, gradLambda.get(j), 1e-7, "∇₂G " + j);
      }
    }
  }

  @Test
  void exactSolutionIsTheFixedPointAndTheHypergradientMatchesFiniteDifferences() {
    try (RegularizationSelection problem = problem(5, false); Arena arena = Arena.ofConfined()) {
      double[] lambda = new SplittableRandom(6).doubles(P, -3, 1).toArray();
      double[] w = problem.exactLowerSolution(lambda);
      DVector mapped = backend.vector(arena, P);
      problem.map(backend.vector(arena, w), backend.vector(arena, lambda),
          new Batch(N).all(N), mapped);
      assertArrayEquals(w, mapped.toArray(), 1e-12, "w* = Φ(w*, λ)");
      double[] gradient = problem.exactHypergradient(lambda);
      double h = 1e-5;
      for (int j = 0; j < P; j++) {
        double[] plus = lambda.clone();
        double[] minus = lambda.clone();
        plus[j] += h;
        minus[j] -= h;
        double fd = (problem.validationLoss(problem.exactLowerSolution(plus))
            - problem.validationLoss(problem.exactLowerSolution(minus))) / (2 * h);
        assertEquals(fd, gradient[j], 1e-7 + 1e-5 * Math.abs(fd), "∇f " + j);
      }
      assertTrue(problem.accuracy(w, false) > 0.7, "a fitted model classifies its training set");
    }
  }

  @Test
  void zeroOneLabelsReadAsMinusOneAndOne() {
    try (RegularizationSelection signed = problem(7, false);
        RegularizationSelection zeroOne = problem(7, true)) {
      double[] lambda = new double[P];
      assertArrayEquals(signed.exactHypergradient(lambda), zeroOne.exactHypergradient(lambda),
          0.0);
    }
    assertArrayEquals(new double[] {-1, 1, 1}, RegularizationSelection.signedLabels("y",
        new double[] {0, 1, 1}));
    assertArrayEquals(new double[] {-1, 1}, RegularizationSelection.signedLabels("y",
        new double[] {-1, 1}));
    IllegalArgumentException mixed = assertThrows(IllegalArgumentException.class,
        () -> RegularizationSelection.signedLabels("train_y", new double[] {0, 1, -1}));
    assertTrue(mixed.getMessage().contains("train_y"), mixed.getMessage());
    IllegalArgumentException other = assertThrows(IllegalArgumentException.class,
        () -> RegularizationSelection.signedLabels("val_y", new double[] {1, 2}));
    assertTrue(other.getMessage().contains("val_y[1] = 2.0"), other.getMessage());
  }
}
