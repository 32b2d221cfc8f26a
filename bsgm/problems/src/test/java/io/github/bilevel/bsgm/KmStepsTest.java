package io.github.bilevel.bsgm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;

import io.github.bilevel.bsgm.problems.PerFeatureLogistic;
import io.github.bilevel.bsgm.problems.PerFeatureRidge;
import io.github.bilevel.bsgm.problems.QuadraticProblem;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.Backends;
import io.github.bilevel.kernels.Buffers;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;
import java.util.List;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Default and checked KM steps, the per-sample constants of the problems (against power
 * iteration on one sample's residual through the problem's own VJP), the ridge map step, and
 * what the per-sample constant is for: default steps keep one-row stochastic SID finite where a
 * step that ignores it diverges.
 */
class KmStepsTest {

  private final Backend backend = Backends.byName("simd");

  @Test
  void defaultStepsMeetTheRateAndStabilityConditions() {
    qt().withFixedSeed(11L).withExamples(300)
        .forAll(doubles().between(0, 0.9999), doubles().between(1e-3, 1e5))
        .checkAssert((q, l) -> {
          KmSteps.Decreasing d = KmSteps.defaults(q, l);
          assertTrue(2 * d.beta() * (1 - q) > 1, "rate condition");
          assertTrue(d.firstStep() <= 1 + 1e-15, "η_0 <= 1");
          assertTrue(d.firstStep() * l <= 1 + 1e-12, "η_0 L̂ <= 1");
          assertEquals(1 / (1 - q), d.beta(), 1e-12 * d.beta());
          assertTrue(KmSteps.checkDecreasing(d.beta(), d.gamma(), OptionalDouble.of(q),
              OptionalDouble.of(l)).isEmpty());
        });
  }

  @Test
  void badConstantsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> KmSteps.defaults(1.0, 1));
    assertThrows(IllegalArgumentException.class, () -> KmSteps.defaults(-0.1, 1));
    assertThrows(IllegalArgumentException.class, () -> KmSteps.defaults(0.5, 0));
    assertThrows(IllegalArgumentException.class, () -> KmSteps.defaults(0.5, Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> new KmSteps.Decreasing(2, 1));
  }

  @Test
  void handChosenStepsAreCheckedAgainstTheSampleConstant() {
    assertTrue(KmSteps.checkConstant(0.19, OptionalDouble.of(10)).isEmpty());
    List<String> warnings = KmSteps.checkConstant(0.2, OptionalDouble.of(10));
    assertEquals(1, warnings.size());
    assertTrue(warnings.get(0).contains(">= 2") && warnings.get(0).contains("0.1"),
        warnings.get(0));
    assertTrue(KmSteps.checkConstant(1, OptionalDouble.empty()).isEmpty(), "nothing known");
    // β/γ = 0.5, L̂ = 5: 2.5 >= 2; 2β(1 − q) = 2·1·0.9 > 1
    assertEquals(1, KmSteps.checkDecreasing(1, 2, OptionalDouble.of(0.1),
        OptionalDouble.of(5)).size());
    // 2β(1 − q) = 2·1·0.4 <= 1: the rate warning only
    List<String> rate = KmSteps.checkDecreasing(1, 10, OptionalDouble.of(0.6),
        OptionalDouble.of(5));
    assertEquals(1, rate.size());
    assertTrue(rate.get(0).contains("2β(1 − q)"), rate.get(0));
  }

  private static double[] gaussian(SplittableRandom random, int count, double scale) {
    double[] out = new double[count];
    for (int i = 0; i < count; i++) {
      out[i] = scale * random.nextGaussian();
    }
    return out;
  }

  /**
   * The largest over samples of ‖I − ∂₁Φ̂(w, λ, ξ)ᵀ‖ by power iteration through
   * {@code vjpW} of linearizations on one-sample batches.
   */
  private static double largestSampleResidualNorm(BilevelProblem problem, double[] w,
      double[] lambda, int iterations) {
    int d = problem.lowerDimension();
    double largest = 0;
    try (Arena arena = Arena.ofConfined()) {
      DVector wv = Buffers.vector(arena, w);
      DVector lv = Buffers.vector(arena, lambda);
      DVector v = Buffers.vector(arena, d);
      DVector out = Buffers.vector(arena, d);
      Batch one = new Batch(1);
      SplittableRandom random = new SplittableRandom(3);
      for (int sample = 0; sample < problem.lowerSamples(); sample++) {
        one.assign(problem.lowerSamples(), sample);
        for (int j = 0; j < d; j++) {
          v.set(j, random.nextGaussian());
        }
        double estimate = 0;
        for (int i = 0; i < iterations; i++) {
          problem.backend().scal(1 / problem.backend().nrm2(v), v);
          Vjp.w(problem, wv, lv, one, v, out);
          problem.backend().axpby(1.0, v, -1.0, out); // (I − ∂₁Φ̂ᵀ) v
          estimate = problem.backend().nrm2(out);
          problem.backend().copy(out, v);
        }
        largest = Math.max(largest, estimate);
      }
    }
    return largest;
  }

  @Test
  void ridgeSampleConstantIsTheLargestOneRowResidualNorm() {
    SplittableRandom random = new SplittableRandom(5);
    int n = 30;
    int p = 7;
    double[] x = gaussian(random, n * p, 1);
    try (PerFeatureRidge ridge = new PerFeatureRidge(backend, x, gaussian(random, n, 1),
        gaussian(random, 10 * p, 1), gaussian(random, 10, 1), p, 0.05, 2.0)) {
      double bound = ridge.sampleResidualLipschitz().orElseThrow();
      double[] atMax = new double[p];
      java.util.Arrays.fill(atMax, 2.0); // the bound is attained at λ = λ_max
      double measured = largestSampleResidualNorm(ridge, new double[p], atMax, 300);
      assertEquals(bound, measured, 1e-9 * bound);
      assertTrue(bound > 2, "one row's map is far from a contraction here: L̂ = " + bound);
      double[] inside = random.doubles(p, 0.05, 2.0).toArray();
      assertTrue(largestSampleResidualNorm(ridge, new double[p], inside, 300)
          <= bound * (1 + 1e-12));
    }
  }

  @Test
  void logisticSampleConstantBoundsEveryOneRowResidual() {
    SplittableRandom random = new SplittableRandom(6);
    int n = 25;
    int p = 5;
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      y[i] = random.nextBoolean() ? 1 : -1;
    }
    try (PerFeatureLogistic logistic = new PerFeatureLogistic(backend,
        gaussian(random, n * p, 1), y, gaussian(random, 3 * p, 1), new double[] {1, -1, 1}, p,
        0.05, 2.0)) {
      double bound = logistic.sampleResidualLipschitz().orElseThrow();
      double[] lambda = new double[p];
      java.util.Arrays.fill(lambda, 2.0);
      // w = 0: σ(1 − σ) = 1/4, where the bound is attained
      assertEquals(bound, largestSampleResidualNorm(logistic, new double[p], lambda, 300),
          1e-9 * bound);
      for (int trial = 0; trial < 5; trial++) {
        double[] w = gaussian(random, p, 2);
        assertTrue(largestSampleResidualNorm(logistic, w, lambda, 300) <= bound * (1 + 1e-12));
      }
    }
  }

  @Test
  void quadraticSampleConstantIsTheMapStepTimesL() {
    try (QuadraticProblem problem = new QuadraticProblem(backend, 6, 2, 0.5, 4.0, 10, 0.3, 7)) {
      double bound = problem.sampleResidualLipschitz().orElseThrow();
      assertEquals(problem.mapStep() * 4.0, bound, 1e-15);
      assertEquals(bound, largestSampleResidualNorm(problem, new double[6], new double[2], 500),
          1e-8 * bound);
    }
  }

  private PerFeatureRidge wideRidge(double mapStep) {
    SplittableRandom random = new SplittableRandom(8);
    int n = 200;
    int p = 50;
    double[] truth = gaussian(random, p, 1);
    double[] x = gaussian(random, n * p, 1);
    double[] y = new double[n];
    double[] xv = gaussian(random, 100 * p, 1);
    double[] yv = new double[100];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < p; j++) {
        y[i] += x[i * p + j] * truth[j];
      }
    }
    for (int i = 0; i < 100; i++) {
      for (int j = 0; j < p; j++) {
        yv[i] += xv[i * p + j] * truth[j];
      }
    }
    return new PerFeatureRidge(backend, x, y, xv, yv, p, 0.05, 1.0, mapStep);
  }

  @Test
  void defaultStepsKeepOneRowSidFiniteWhereAStepIgnoringTheSampleConstantDiverges() {
    try (PerFeatureRidge ridge = wideRidge(Double.NaN); Arena arena = Arena.ofConfined();
        Sid sid = new Sid(ridge, 10, 1)) {
      double sample = ridge.sampleResidualLipschitz().orElseThrow();
      assertTrue(sample > 10, "L̂ = " + sample);
      double[] lambdaValues = new double[50];
      java.util.Arrays.fill(lambdaValues, 0.5);
      DVector lambda = Buffers.vector(arena, lambdaValues);
      DVector out = Buffers.vector(arena, 50);

      KmSteps.Decreasing defaults = KmSteps.defaults(ridge);
      sid.hypergradient(lambda, new Sid.Options(3000, 3000, 10, 1, defaults.schedule()),
          new SplittableRandom(9), out);
      assertTrue(Double.isFinite(backend.nrm2(out)));

      assertEquals(1, KmSteps.checkConstant(1.0, ridge.sampleResidualLipschitz()).size());
      ArithmeticException e = assertThrows(ArithmeticException.class,
          () -> sid.hypergradient(lambda, new Sid.Options(3000, 3000, 10, 1,
              StepSchedule.constant(1.0)), new SplittableRandom(9), out));
      assertTrue(e.getMessage().contains("LL"), e.getMessage());
    }
  }

  @Test
  void ridgeMapStepMustMakeTheMapAContraction() {
    try (PerFeatureRidge reference = wideRidge(Double.NaN)) {
      double limit = reference.mapStepLimit();
      double lipschitz = reference.lipschitz();
      assertEquals(2 / (lipschitz + 0.05), reference.mapStep(), 1e-15);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> wideRidge(limit * 1.001));
      assertTrue(e.getMessage().contains("2/L") && e.getMessage().contains(
          String.valueOf(limit)), e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> wideRidge(-0.1));
      assertThrows(IllegalArgumentException.class, () -> wideRidge(0));
      double step = 0.5 * limit;
      try (PerFeatureRidge ridge = wideRidge(step)) {
        assertEquals(step, ridge.mapStep());
        double q = Math.max(Math.abs(1 - step * 0.05), Math.abs(1 - step * lipschitz));
        assertEquals(q, ridge.contractionConstant().orElseThrow(), 1e-15);
        assertEquals(step * (ridge.sampleResidualLipschitz().orElseThrow() / step),
            ridge.sampleResidualLipschitz().orElseThrow(), 1e-12);
      }
    }
  }

  @Test
  void aSmallerMapStepGivesTheSameFixedPointAndHypergradient() {
    try (PerFeatureRidge a = wideRidge(Double.NaN); PerFeatureRidge b = wideRidge(
        0.3 * a.mapStepLimit()); Arena arena = Arena.ofConfined();
        Sid sidA = new Sid(a, 1, 1); Sid sidB = new Sid(b, 1, 1)) {
      double[] lambda = new SplittableRandom(4).doubles(50, 0.2, 1.0).toArray();
      DVector outA = Buffers.vector(arena, 50);
      DVector outB = Buffers.vector(arena, 50);
      Sid.Options options = new Sid.Options(1500, 1500, 1, 1, StepSchedule.constant(1.0), true);
      sidA.hypergradient(Buffers.vector(arena, lambda), options, new SplittableRandom(1), outA);
      sidB.hypergradient(Buffers.vector(arena, lambda), options, new SplittableRandom(1), outB);
      double[] exact = a.exactHypergradient(lambda);
      double norm = 0;
      double errorA = 0;
      double errorB = 0;
      for (int j = 0; j < 50; j++) {
        norm += exact[j] * exact[j];
        errorA += (outA.get(j) - exact[j]) * (outA.get(j) - exact[j]);
        errorB += (outB.get(j) - exact[j]) * (outB.get(j) - exact[j]);
      }
      assertTrue(Math.sqrt(errorA / norm) < 1e-8, "default map step: " + Math.sqrt(errorA / norm));
      assertTrue(Math.sqrt(errorB / norm) < 1e-8, "smaller map step: " + Math.sqrt(errorB / norm));
    }
  }
}
