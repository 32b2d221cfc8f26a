package io.github.bilevel.bsgm.rates;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The slope fit and its bootstrap interval against closed forms and synthetic data. */
class SlopeFitTest {

  private static final double[] X = {8, 16, 32, 64, 128, 256, 512};

  @Test
  void leastSquaresMatchesTheClosedForm() {
    // collinear points: the line itself
    SlopeFit.Line line = SlopeFit.leastSquares(new double[] {1, 2, 4}, new double[] {3, 5, 9});
    assertEquals(2.0, line.slope(), 1e-15);
    assertEquals(1.0, line.intercept(), 1e-15);
    // (0, 0), (1, 2), (2, 1): Sxy / Sxx = 1 / 2, intercept ȳ − b x̄ = 1/2
    line = SlopeFit.leastSquares(new double[] {0, 1, 2}, new double[] {0, 2, 1});
    assertEquals(0.5, line.slope(), 1e-15);
    assertEquals(0.5, line.intercept(), 1e-15);
    assertEquals(1.5, line.at(2), 1e-15);
  }

  @Test
  void exactPowerLawsGiveTheExactSlopeAndADegenerateInterval() {
    // every seed c_s x^b with its own constant: the mean over any resample is still ∝ x^b
    double b = -1.0 / 3;
    double[][] values = new double[5][X.length];
    for (int s = 0; s < values.length; s++) {
      for (int i = 0; i < X.length; i++) {
        values[s][i] = (1 + s) * Math.pow(X[i], b);
      }
    }
    SlopeFit fit = SlopeFit.bootstrap(X, values, Measurement.allIndices(X.length), Scale.LOG_LOG,
        Aggregation.mean(), 0.95, 500, 7L);
    assertEquals(b, fit.slope(), 1e-12);
    assertEquals(b, fit.ciLow(), 1e-12);
    assertEquals(b, fit.ciHigh(), 1e-12);
    assertEquals(Math.log(3.0), fit.intercept(), 1e-12); // mean constant (1 + ... + 5)/5 = 3
  }

  @Test
  void exactGeometricDecayGivesTheLogRateOnLogLinearAxes() {
    double rate = 0.8;
    double[] t = {10, 15, 20, 25, 30, 35};
    double[][] values = new double[4][t.length];
    for (int s = 0; s < values.length; s++) {
      for (int i = 0; i < t.length; i++) {
        values[s][i] = (0.5 + s) * Math.pow(rate, t[i]);
      }
    }
    SlopeFit fit = SlopeFit.bootstrap(t, values, Measurement.allIndices(t.length),
        Scale.LOG_LINEAR, Aggregation.geometricMean(), 0.95, 300, 3L);
    assertEquals(Math.log(rate), fit.slope(), 1e-12);
    assertEquals(Math.log(rate), fit.ciLow(), 1e-12);
    assertEquals(Math.log(rate), fit.ciHigh(), 1e-12);
  }

  /** Seeds {@code C x^b e^ε}, ε ~ N(0, σ²) independent over seeds and sizes. */
  private static double[][] noisyPowerLaw(SplittableRandom random, int seeds, double b,
      double sigma) {
    double[][] values = new double[seeds][X.length];
    for (int s = 0; s < seeds; s++) {
      for (int i = 0; i < X.length; i++) {
        values[s][i] = 2.0 * Math.pow(X[i], b) * Math.exp(sigma * random.nextGaussian());
      }
    }
    return values;
  }

  @Test
  void theIntervalCoversTheTrueSlopeOfNoisyDataAtAboutItsLevel() {
    // E[C x^b e^ε] = C e^{σ²/2} x^b: the mean curve has the true slope b
    double b = -1.0;
    SplittableRandom random = new SplittableRandom(2024);
    int repetitions = 200;
    int covered = 0;
    double widths = 0;
    for (int rep = 0; rep < repetitions; rep++) {
      double[][] values = noisyPowerLaw(random, 40, b, 0.8);
      SlopeFit fit = SlopeFit.bootstrap(X, values, Measurement.allIndices(X.length),
          Scale.LOG_LOG, Aggregation.mean(), 0.95, 400, rep);
      assertTrue(fit.ciLow() <= fit.slope() && fit.slope() <= fit.ciHigh(), fit.toString());
      if (fit.ciLow() <= b && b <= fit.ciHigh()) {
        covered++;
      }
      widths += (fit.ciHigh() - fit.ciLow()) / repetitions;
    }
    // nominal 95%; the percentile bootstrap with 40 seeds covers a little less
    assertTrue(covered >= 0.88 * repetitions, "covered " + covered + " of " + repetitions);
    // and it is informative: narrow enough to exclude slopes 0.25 away
    assertTrue(widths < 0.25, "mean width " + widths);
  }

  @Test
  void theIntervalExcludesAWrongSlope() {
    double[][] values = noisyPowerLaw(new SplittableRandom(5), 40, -1.0, 0.5);
    SlopeFit fit = SlopeFit.bootstrap(X, values, Measurement.allIndices(X.length), Scale.LOG_LOG,
        Aggregation.mean(), 0.95, 1000, 11L);
    assertFalse(fit.ciLow() <= -0.75 && -0.75 <= fit.ciHigh(), fit.toString());
    assertTrue(fit.ciLow() <= -1.0 && -1.0 <= fit.ciHigh(), fit.toString());
  }

  @Test
  void theSameSeedGivesTheSameInterval() {
    double[][] values = noisyPowerLaw(new SplittableRandom(9), 10, -0.5, 0.5);
    SlopeFit first = SlopeFit.bootstrap(X, values, Measurement.allIndices(X.length),
        Scale.LOG_LOG, Aggregation.mean(), 0.95, 300, 42L);
    SlopeFit second = SlopeFit.bootstrap(X, values, Measurement.allIndices(X.length),
        Scale.LOG_LOG, Aggregation.mean(), 0.95, 300, 42L);
    assertEquals(first, second);
  }

  @Test
  void onlyTheFittedIndicesEnterTheFit() {
    // a power law from index 2 on, garbage before it
    double[][] values = new double[3][X.length];
    for (int s = 0; s < 3; s++) {
      for (int i = 0; i < X.length; i++) {
        values[s][i] = i < 2 ? 1e6 * (s + 1) : Math.pow(X[i], -0.5);
      }
    }
    SlopeFit fit = SlopeFit.bootstrap(X, values, new int[] {2, 3, 4, 5, 6}, Scale.LOG_LOG,
        Aggregation.mean(), 0.95, 100, 1L);
    assertEquals(-0.5, fit.slope(), 1e-12);
  }

  @Test
  void aggregationsMatchHandComputedCurves() {
    double[][] values = {{4, 1, 3}, {2, 9, 1}};
    double[] curve = new double[3];
    Aggregation.mean().aggregate(values, new int[] {0, 1}, curve);
    assertArrayEquals(new double[] {3, 5, 2}, curve, 1e-15);
    Aggregation.mean().aggregate(values, new int[] {1, 1}, curve); // a resample: seed 1 twice
    assertArrayEquals(new double[] {2, 9, 1}, curve, 1e-15);
    Aggregation.runningMinimumOfMean().aggregate(values, new int[] {0, 1}, curve);
    assertArrayEquals(new double[] {3, 3, 2}, curve, 1e-15);
    Aggregation.geometricMean().aggregate(values, new int[] {0, 1}, curve);
    assertArrayEquals(new double[] {Math.sqrt(8), 3, Math.sqrt(3)}, curve, 1e-14);
  }

  @Test
  void quantilesInterpolateBetweenOrderStatistics() {
    double[] sorted = {1, 2, 3, 4, 5};
    assertEquals(1, SlopeFit.quantile(sorted, 0), 0);
    assertEquals(5, SlopeFit.quantile(sorted, 1), 0);
    assertEquals(3, SlopeFit.quantile(sorted, 0.5), 0);
    assertEquals(1.1, SlopeFit.quantile(sorted, 0.025), 1e-15);
  }

  @Test
  void badInputIsRejectedWithAClearMessage() {
    double[] x = {1, 2, 3};
    double[][] one = {{1, 2, 3}};
    var e = assertThrows(IllegalArgumentException.class, () -> SlopeFit.bootstrap(x, one,
        new int[] {0, 1, 2}, Scale.LOG_LOG, Aggregation.mean(), 0.95, 10, 1L));
    assertTrue(e.getMessage().contains("at least 2"), e.getMessage());
    double[][] ragged = {{1, 2, 3}, {1, 2}};
    assertThrows(IllegalArgumentException.class, () -> SlopeFit.bootstrap(x, ragged,
        new int[] {0, 1, 2}, Scale.LOG_LOG, Aggregation.mean(), 0.95, 10, 1L));
    double[][] zero = {{1, 0, 3}, {1, 0, 3}};
    var a = assertThrows(ArithmeticException.class, () -> SlopeFit.bootstrap(x, zero,
        new int[] {0, 1, 2}, Scale.LOG_LOG, Aggregation.mean(), 0.95, 10, 1L));
    assertTrue(a.getMessage().contains("x = 2.0"), a.getMessage());
    double[][] fine = {{1, 2, 3}, {1, 2, 3}};
    assertThrows(IllegalArgumentException.class, () -> SlopeFit.bootstrap(x, fine,
        new int[] {0, 1, 2}, Scale.LOG_LOG, Aggregation.mean(), 1.0, 10, 1L));
    assertThrows(IllegalArgumentException.class, () -> SlopeFit.leastSquares(
        new double[] {2, 2}, new double[] {1, 3}));
    assertThrows(IllegalArgumentException.class, () -> SlopeFit.leastSquares(
        new double[] {1}, new double[] {1}));
    assertThrows(IllegalArgumentException.class, () -> new Measurement(x, fine,
        new int[] {2, 1}, java.util.Map.of()));
  }
}
