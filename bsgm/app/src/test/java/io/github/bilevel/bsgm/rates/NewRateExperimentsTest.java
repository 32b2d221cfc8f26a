package io.github.bilevel.bsgm.rates;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.bsgm.StepSchedule;
import io.github.bilevel.bsgm.problems.QuadraticProblem;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.Backends;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** sid-mse-bound, bsgm-deterministic, vrbo-stationarity and soba-stationarity, and their rules. */
class NewRateExperimentsTest {

  private final Backend backend = Backends.byName("simd");

  private static RateSuite.Config quickWithSeeds(int seeds) {
    return new RateSuite.Config(RateProfile.QUICK, OptionalInt.of(seeds), 77L, 500, 0.95, 2);
  }

  @Test
  void theSuiteListsAtLeastSevenExperimentsWithDistinctNames() {
    List<String> names = RateSuite.standardExperiments().stream().map(RateExperiment::name)
        .toList();
    assertTrue(names.size() >= 7, names.toString());
    assertEquals(names.size(), names.stream().distinct().count(), names.toString());
    assertTrue(names.containsAll(List.of("sid-mse-bound", "bsgm-deterministic",
        "vrbo-stationarity", "soba-stationarity")), names.toString());
  }

  @Test
  void sidMseStaysBelowTheCorollaryTenBoundAndABiasedEstimatorDoesNot() {
    RateSuite.Result good = RateSuite.run(new SidMseBoundExperiment(), backend,
        quickWithSeeds(100), line -> { });
    assertTrue(good.withinBound() && good.pass(), good.fit().toString());
    // SID plus a constant offset of 1 per coordinate: an MSE of at least 3 at every t
    SidMseExperiment.Estimator biased = (sid, lambda, t, steps, random, out) -> {
      SidMseExperiment.SID.estimate(sid, lambda, t, steps, random, out);
      for (int j = 0; j < out.length(); j++) {
        out.set(j, out.get(j) + 1.0);
      }
    };
    RateSuite.Result bad = RateSuite.run(new SidMseBoundExperiment(SidMseExperiment.DEFAULT,
        biased, 1.0), backend, quickWithSeeds(20), line -> { });
    assertFalse(bad.withinBound(), "the curve must exceed the bound");
    assertFalse(bad.pass());
    // a bound 100 times too small is exceeded by SID itself: the check is not vacuous
    RateSuite.Result tight = RateSuite.run(new SidMseBoundExperiment(SidMseExperiment.DEFAULT,
        SidMseExperiment.SID, 0.01), backend, quickWithSeeds(100), line -> { });
    assertFalse(tight.withinBound());
  }

  @Test
  void theBoundsConstantsMatchTheProblemsClosedForms() {
    SidMseExperiment.Settings s = SidMseExperiment.DEFAULT;
    try (QuadraticProblem problem = new QuadraticProblem(backend, s.d(), s.m(), s.mu(),
        s.lipschitz(), s.samples(), s.noise(), s.problemSeed())) {
      double[] lambda = {0.3, -0.2, 0.5};
      SidMseBoundExperiment.Constants c = SidMseBoundExperiment.Constants.of(problem, lambda);
      assertEquals(0.5, c.q(), 1e-15);
      // spectral norms are at most the Frobenius bounds the problem reports, and not far below
      assertTrue(c.mapLambdaNorm() <= problem.mapLambdaJacobianBound() + 1e-12);
      assertTrue(c.mapLambdaNorm() >= problem.mapLambdaJacobianBound() / Math.sqrt(s.m()));
      assertTrue(c.gradientLipschitz() <= problem.gradientLipschitzBound() + 1e-12);
      // centred Gaussian noise of scale σ in d coordinates: second moment about σ²d
      assertEquals(s.noise() * s.noise() * s.d(), c.mapNoise(), 0.3 * s.d());
      assertEquals(s.noise() * s.noise() * s.d(), c.gradientNoise(), 0.3 * s.d());
      double[] wStar = problem.exactLowerSolution(lambda);
      assertEquals(SidMseExperiment.dot(wStar, wStar), c.initialDistanceSquared(), 1e-12);
      // the bound falls like 1/t: t·bound(t) levels off
      StepSchedule steps = StepSchedule.decreasing(s.beta(), s.gamma());
      double ratio = 4096 * c.bound(4096, steps) / (8192 * c.bound(8192, steps));
      assertEquals(1.0, ratio, 0.05);
      // without noise the bound decays faster than 1/t (bias only)
      SidMseBoundExperiment.Constants noiseless = new SidMseBoundExperiment.Constants(c.q(),
          c.mapLambdaNorm(), c.gradientLipschitz(), 0, 0, c.initialDistanceSquared(),
          c.gradientAtSolution());
      assertTrue(noiseless.bound(1024, steps) < 1e-3 * c.bound(1024, steps));
    }
  }

  @Test
  void deterministicBsgmPassesWithTheoremSeventeensScheduleAndFailsBelowItsThreshold() {
    RateSuite.Result good = RateSuite.run(new BsgmDeterministicExperiment(), backend,
        quickWithSeeds(4), line -> { });
    assertTrue(good.pass(), good.fit().toString());
    // c = 1/(4 ln 2): SID's error falls like (s + 2)^(−1/4), slower than Theorem 17 needs
    BsgmDeterministicExperiment.Settings d = BsgmDeterministicExperiment.DEFAULT;
    RateSuite.Result slow = RateSuite.run(new BsgmDeterministicExperiment(
        new BsgmDeterministicExperiment.Settings(d.d(), d.m(), d.mu(), d.lipschitz(), d.eta(),
            0.25 / Math.log(2))), backend, quickWithSeeds(4), line -> { });
    assertFalse(slow.pass(), slow.fit().toString());
  }

  @Test
  void vrboAndSobaPassAndAWrongTheorySlopeFails() {
    RateSuite.Result vrbo = RateSuite.run(new VrboStationarityExperiment(), backend,
        quickWithSeeds(4), line -> { });
    assertTrue(vrbo.pass(), vrbo.fit().toString());
    // MRBO's and VRBO's −2/3 is not BSGM's −1/2, nor SGD's −1/2 per iteration
    assertFalse(PassRule.intervalIntersects(-0.5 - 0.1, -0.5 + 0.1).passes(vrbo.fit()),
        vrbo.fit().toString());
    RateSuite.Result soba = RateSuite.run(new SobaStationarityExperiment(), backend,
        quickWithSeeds(8), line -> { });
    assertTrue(soba.pass(), soba.fit().toString());
    // a claimed rate of 1/K (as for exact gradients) is faster than SOBA's measured slope
    assertFalse(PassRule.upperEndAtMost(-1.0 + 0.1).passes(soba.fit()), soba.fit().toString());
  }
}
