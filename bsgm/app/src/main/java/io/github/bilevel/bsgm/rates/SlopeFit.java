package io.github.bilevel.bsgm.rates;

import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A measured rate: the least-squares slope of {@code log y} against {@code log x} (or against
 * {@code x}, for geometric rates) with a percentile-bootstrap confidence interval over seeds.
 *
 * <p>The interval: the per-seed values are resampled with replacement ({@code n} seeds drawn
 * from the {@code n} seeds, the same draw at every {@code x}, so a seed's whole trajectory moves
 * together), the {@link Aggregation} makes the curve again from the resample, the line is fitted
 * again, and the interval is the {@code (1 − level)/2} and {@code (1 + level)/2} quantiles
 * (linear interpolation between order statistics) of the resampled slopes. The resampling
 * generator is a {@link SplittableRandom} with the given seed, so the interval is reproducible.
 * No distributional assumption is made on the residuals of the regression (they are neither
 * independent nor equally noisy along a convergence curve, which rules out the
 * t-distribution interval of ordinary regression).
 *
 * @param slope      the least-squares slope of the curve made from all seeds
 * @param intercept  its intercept (in the fitted coordinates: {@code log y = intercept + slope·u},
 *                   {@code u = log x} or {@code x})
 * @param ciLow      lower end of the bootstrap interval
 * @param ciHigh     upper end of the bootstrap interval
 * @param level      the interval's coverage, e.g. 0.95
 * @param resamples  bootstrap resamples
 * @param seed       seed of the resampling generator
 */
public record SlopeFit(double slope, double intercept, double ciLow, double ciHigh,
    double level, int resamples, long seed) {

  /** A straight line {@code y = intercept + slope·x}. */
  public record Line(double slope, double intercept) {

    /** The line's value at {@code x}. */
    public double at(double x) {
      return intercept + slope * x;
    }
  }

  /** What the interval is, in words (for tables, JSON and plots). */
  public String method() {
    return String.format(java.util.Locale.ROOT,
        "%.0f%% percentile bootstrap over seeds (%d resamples, seeded generator)",
        100 * level, resamples);
  }

  /**
   * The ordinary least-squares line through {@code (x_i, y_i)}.
   *
   * @throws IllegalArgumentException if the lengths differ, fewer than two points are given,
   *     a value is not finite, or all {@code x} are equal
   */
  public static Line leastSquares(double[] x, double[] y) {
    if (x.length != y.length) {
      throw new IllegalArgumentException("x and y must have the same length, got " + x.length
          + " and " + y.length);
    }
    if (x.length < 2) {
      throw new IllegalArgumentException("a line needs at least 2 points, got " + x.length);
    }
    double meanX = 0;
    double meanY = 0;
    for (int i = 0; i < x.length; i++) {
      if (!Double.isFinite(x[i]) || !Double.isFinite(y[i])) {
        throw new IllegalArgumentException("point " + i + " is not finite: (" + x[i] + ", "
            + y[i] + ")");
      }
      meanX += x[i];
      meanY += y[i];
    }
    meanX /= x.length;
    meanY /= x.length;
    double sxx = 0;
    double sxy = 0;
    for (int i = 0; i < x.length; i++) {
      double dx = x[i] - meanX;
      sxx += dx * dx;
      sxy += dx * (y[i] - meanY);
    }
    if (!(sxx > 0)) {
      throw new IllegalArgumentException("all x are equal: no slope can be fitted");
    }
    double slope = sxy / sxx;
    return new Line(slope, meanY - slope * meanX);
  }

  /**
   * Fits the curve made from the per-seed values and bootstraps its slope over the seeds.
   *
   * @param x           the abscissae (original units), one per column of {@code values}
   * @param values      {@code values[seed][i]}, the value of one seed at {@code x[i]}
   * @param fitIndices  the columns that enter the fit (at least two distinct {@code x})
   * @param scale       how {@code x} and the curve are transformed before the fit
   * @param aggregation how the seeds' values become one curve (positive where fitted)
   * @param level       interval coverage in {@code (0, 1)}
   * @param resamples   bootstrap resamples, {@code >= 1}
   * @param seed        seed of the resampling generator
   * @throws IllegalArgumentException on inconsistent shapes, fewer than two seeds, or bad
   *     parameters
   * @throws ArithmeticException if the curve is not positive and finite at a fitted point
   */
  public static SlopeFit bootstrap(double[] x, double[][] values, int[] fitIndices, Scale scale,
      Aggregation aggregation, double level, int resamples, long seed) {
    Objects.requireNonNull(scale, "scale");
    Objects.requireNonNull(aggregation, "aggregation");
    int seeds = values.length;
    if (seeds < 2) {
      throw new IllegalArgumentException(
          "the bootstrap interval resamples seeds: at least 2 are needed, got " + seeds);
    }
    for (int s = 0; s < seeds; s++) {
      if (values[s].length != x.length) {
        throw new IllegalArgumentException("seed " + s + " has " + values[s].length
            + " values for " + x.length + " abscissae");
      }
    }
    if (!(level > 0 && level < 1)) {
      throw new IllegalArgumentException("level must lie in (0, 1), got " + level);
    }
    if (resamples < 1) {
      throw new IllegalArgumentException("resamples must be >= 1, got " + resamples);
    }
    double[] u = new double[fitIndices.length];
    for (int j = 0; j < fitIndices.length; j++) {
      u[j] = scale.fitX(x[Objects.checkIndex(fitIndices[j], x.length)]);
    }
    double[] curve = new double[x.length];
    double[] logCurve = new double[fitIndices.length];
    int[] chosen = new int[seeds];
    for (int s = 0; s < seeds; s++) {
      chosen[s] = s;
    }
    aggregation.aggregate(values, chosen, curve);
    Line line = leastSquares(u, logs(x, curve, fitIndices, logCurve));
    SplittableRandom random = new SplittableRandom(seed);
    double[] slopes = new double[resamples];
    for (int b = 0; b < resamples; b++) {
      for (int s = 0; s < seeds; s++) {
        chosen[s] = random.nextInt(seeds);
      }
      aggregation.aggregate(values, chosen, curve);
      slopes[b] = leastSquares(u, logs(x, curve, fitIndices, logCurve)).slope();
    }
    Arrays.sort(slopes);
    return new SlopeFit(line.slope(), line.intercept(), quantile(slopes, (1 - level) / 2),
        quantile(slopes, (1 + level) / 2), level, resamples, seed);
  }

  private static double[] logs(double[] x, double[] curve, int[] fitIndices, double[] out) {
    for (int j = 0; j < fitIndices.length; j++) {
      double value = curve[fitIndices[j]];
      if (!(value > 0) || Double.isInfinite(value)) {
        throw new ArithmeticException("the curve is " + value + " at x = " + x[fitIndices[j]]
            + ": a log-scale fit needs positive finite values");
      }
      out[j] = Math.log(value);
    }
    return out;
  }

  /** The {@code p}-quantile of sorted data, interpolating linearly between order statistics. */
  static double quantile(double[] sorted, double p) {
    double position = p * (sorted.length - 1);
    int below = (int) Math.floor(position);
    int above = Math.min(below + 1, sorted.length - 1);
    double fraction = position - below;
    return sorted[below] + fraction * (sorted[above] - sorted[below]);
  }
}
