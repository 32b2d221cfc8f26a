package io.github.bilevel.bsgm.rates;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.bsgm.BackendMemoryBackend;
import io.github.bilevel.bsgm.Sid;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.Backends;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The experiments and their pass rules, on reduced seeds. */
class RateExperimentsTest {

  private final Backend backend = Backends.byName("simd");

  private static RateSuite.Config quickWithSeeds(int seeds) {
    return new RateSuite.Config(RateProfile.QUICK, OptionalInt.of(seeds), 77L, 500, 0.95, 2);
  }

  @Test
  void sidMsePassesWithSidAndFailsWhenTheLinearSystemStepIsSkipped() {
    List<String> progress = new ArrayList<>();
    RateSuite.Result good = RateSuite.run(new SidMseExperiment(), backend, quickWithSeeds(60),
        progress::add);
    assertTrue(good.pass(), good.fit().toString());
    // one progress line per size, then the verdict
    assertEquals(SidMseExperiment.sizes(RateProfile.QUICK).length + 1, progress.size());

    // k = 0: v_k = 0 and ĥ = ∇₂E, a biased constant: the error does not fall at all
    SidMseExperiment.Estimator noLinearSystem = (sid, lambda, t, steps, random, out) ->
        sid.hypergradient(lambda, new Sid.Options(t, 0, t, 1, steps), random, out);
    RateSuite.Result skipped = RateSuite.run(
        new SidMseExperiment(SidMseExperiment.DEFAULT, noLinearSystem), backend,
        quickWithSeeds(60), line -> { });
    assertFalse(skipped.pass(), skipped.fit().toString());
    assertEquals(0.0, skipped.fit().slope(), 1e-9);
  }

  @Test
  void sidMseFailsForABiasedEstimator() {
    // SID plus a constant offset: the MSE levels off at ‖offset‖², the slope flattens
    SidMseExperiment.Estimator biased = (sid, lambda, t, steps, random, out) -> {
      SidMseExperiment.SID.estimate(sid, lambda, t, steps, random, out);
      for (int j = 0; j < out.length(); j++) {
        out.set(j, out.get(j) + 0.2);
      }
    };
    RateSuite.Result result = RateSuite.run(
        new SidMseExperiment(SidMseExperiment.DEFAULT, biased), backend, quickWithSeeds(60),
        line -> { });
    assertFalse(result.pass(), result.fit().toString());
    assertTrue(result.fit().ciLow() > -0.75, result.fit().toString());
  }

  @Test
  void deterministicSidApproachesTheBoundFromBelow() {
    SidDeterministicExperiment experiment = new SidDeterministicExperiment();
    // q = (4 − 1)/(4 + 1) = 0.6, η = 0.5: q_η = 0.8
    assertEquals(Math.log(0.8), experiment.theorySlope(), 1e-15);
    RateSuite.Result result = RateSuite.run(experiment, backend, quickWithSeeds(4), line -> { });
    assertTrue(result.pass(), result.fit().toString());
    // the slowest mode decays at exactly q_η: the fit is at most, and close to, the bound
    assertTrue(result.fit().slope() <= Math.log(0.8), result.fit().toString());
    assertTrue(result.fit().slope() >= Math.log(0.8) - 0.02, result.fit().toString());
    // the rule can fail: the bound claimed for a larger step (η = 0.7) is faster than measured
    assertFalse(PassRule.lowerEndAtMost(Math.log(1 - 0.7 * (1 - 0.6))).passes(result.fit()),
        result.fit().toString());
  }

  @Test
  void passRulesCompareTheIntervalWithTheBand() {
    SlopeFit fit = new SlopeFit(-0.6, 0, -0.7, -0.5, 0.95, 1, 1L);
    assertTrue(PassRule.intervalIntersects(-1.25, -0.75).passes(
        new SlopeFit(-0.7, 0, -0.8, -0.6, 0.95, 1, 1L)));
    assertFalse(PassRule.intervalIntersects(-1.25, -0.75).passes(fit));
    assertTrue(PassRule.upperEndAtMost(-0.4).passes(fit));
    assertFalse(PassRule.upperEndAtMost(-0.55).passes(fit));
    assertTrue(PassRule.lowerEndAtMost(-0.7).passes(fit));
    assertFalse(PassRule.lowerEndAtMost(-0.71).passes(fit));
    assertEquals("CI intersects [-1.25, -0.75]",
        PassRule.intervalIntersects(-1.25, -0.75).description());
    assertEquals("CI upper end <= -0.4", PassRule.upperEndAtMost(-0.5 + 0.1).description());
    assertArrayEquals(new double[] {Double.NEGATIVE_INFINITY, -0.4},
        PassRule.upperEndAtMost(-0.4).band());
    assertThrows(IllegalArgumentException.class, () -> PassRule.intervalIntersects(1, 0));
  }

  @Test
  void checkpointsAreLogSpacedFromTheBurnInToTheLastIteration() {
    int[] points = BsgmStationarityExperiment.checkpoints(1000);
    assertEquals(62, points[0]); // round(1000/16) − 1, zero-based
    assertEquals(999, points[points.length - 1]);
    for (int j = 1; j < points.length; j++) {
      assertTrue(points[j] > points[j - 1]);
      double ratio = (points[j] + 1.0) / (points[j - 1] + 1.0);
      assertTrue(ratio <= 1.27, "ratio " + ratio); // 2^(1/3) = 1.26, rounded
    }
  }

  @Test
  void eigenvalueRangeMatchesAKnownSpectrum() {
    // Q diag(0.3, 1.7, 5) Qᵀ with Q a seeded rotation
    int n = 3;
    double[] spectrum = {0.3, 1.7, 5.0};
    SplittableRandom random = new SplittableRandom(8);
    double[] q = new double[n * n];
    for (int i = 0; i < n * n; i++) {
      q[i] = random.nextGaussian();
    }
    for (int j = 0; j < n; j++) { // Gram–Schmidt on columns
      for (int k = 0; k < j; k++) {
        double dot = 0;
        for (int i = 0; i < n; i++) {
          dot += q[i * n + j] * q[i * n + k];
        }
        for (int i = 0; i < n; i++) {
          q[i * n + j] -= dot * q[i * n + k];
        }
      }
      double norm = 0;
      for (int i = 0; i < n; i++) {
        norm += q[i * n + j] * q[i * n + j];
      }
      for (int i = 0; i < n; i++) {
        q[i * n + j] /= Math.sqrt(norm);
      }
    }
    double[] a = new double[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        for (int k = 0; k < n; k++) {
          a[i * n + j] += q[i * n + k] * spectrum[k] * q[j * n + k];
        }
      }
    }
    double[] range = BsgmStationarityExperiment.eigenvalueRange(a, n);
    assertEquals(0.3, range[0], 1e-12);
    assertEquals(5.0, range[1], 1e-12);
  }

  @Test
  void derivedSeedsDifferAcrossPartsAndRepeat() {
    long a = RateExperiment.deriveSeed(1L, 2, 3);
    assertEquals(a, RateExperiment.deriveSeed(1L, 2, 3));
    assertTrue(a != RateExperiment.deriveSeed(1L, 3, 2));
    assertTrue(a != RateExperiment.deriveSeed(2L, 2, 3));
  }

  @Test
  void tooFewSeedsAreRejected() {
    assertThrows(IllegalArgumentException.class,
        () -> new RateSuite.Config(RateProfile.TINY, OptionalInt.of(1), 1L, 10, 0.95, 1));
    assertThrows(IllegalArgumentException.class,
        () -> new RateSuite.Config(RateProfile.TINY, OptionalInt.of(2), 1L, 10, 0.95, 0));
    assertThrows(IllegalArgumentException.class, () -> new RateExperiment.Context(backend,
        RateProfile.TINY, 1, 1L, 1, line -> { }));
  }

  @Test
  void everyBufferOfTheRateExperimentsIsBackendMemory() {
    RateSuite.Config tiny = new RateSuite.Config(RateProfile.TINY, OptionalInt.empty(), 77L, 50,
        0.95, 2);
    for (RateExperiment experiment : RateSuite.standardExperiments()) {
      BackendMemoryBackend strict = new BackendMemoryBackend();
      RateSuite.Result checked = RateSuite.run(experiment, strict, tiny, line -> { });
      RateSuite.Result plain = RateSuite.run(experiment, Backends.byName("scalar"), tiny,
          line -> { });
      assertTrue(strict.allocations() > 4, "allocations: " + strict.allocations());
      assertArrayEquals(plain.curve(), checked.curve(), 0.0, experiment.name());
    }
  }
}
