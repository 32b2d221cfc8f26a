package io.github.bilevel.bsgm.rates;

/**
 * How the values of several seeds at each abscissa become the one curve whose slope is fitted.
 * It is applied to the original seeds and again to every bootstrap resample, so it receives the
 * list of chosen seeds (with repetitions) rather than the seeds themselves.
 */
public interface Aggregation {

  /**
   * Writes the curve: {@code curve[i]} from {@code values[s][i]} for the seeds {@code s} listed
   * in {@code seeds}.
   */
  void aggregate(double[][] values, int[] seeds, double[] curve);

  /** What the curve is, in words (axis titles, legends, JSON). */
  String description();

  /** The mean over seeds: an estimate of an expectation such as {@code E‖ĥ − ∇f‖²}. */
  static Aggregation mean() {
    return new Aggregation() {
      @Override
      public void aggregate(double[][] values, int[] seeds, double[] curve) {
        meanOver(values, seeds, curve);
      }

      @Override
      public String description() {
        return "mean over seeds";
      }
    };
  }

  /**
   * The geometric mean over seeds, {@code exp(mean log y)}: for errors that differ by a
   * constant factor between instances, it keeps each instance's rate.
   */
  static Aggregation geometricMean() {
    return new Aggregation() {
      @Override
      public void aggregate(double[][] values, int[] seeds, double[] curve) {
        java.util.Arrays.fill(curve, 0.0);
        for (int s : seeds) {
          double[] row = values[s];
          for (int i = 0; i < curve.length; i++) {
            curve[i] += Math.log(row[i]);
          }
        }
        for (int i = 0; i < curve.length; i++) {
          curve[i] = Math.exp(curve[i] / seeds.length);
        }
      }

      @Override
      public String description() {
        return "geometric mean over seeds";
      }
    };
  }

  /**
   * {@code min_{j ≤ i}} of the mean over seeds: the best expected value reached so far, as in
   * {@code min_{s ≤ S} E‖G_α(λ_s)‖²}. The abscissae must be in the order of the iterations.
   */
  static Aggregation runningMinimumOfMean() {
    return new Aggregation() {
      @Override
      public void aggregate(double[][] values, int[] seeds, double[] curve) {
        meanOver(values, seeds, curve);
        for (int i = 1; i < curve.length; i++) {
          curve[i] = Math.min(curve[i], curve[i - 1]);
        }
      }

      @Override
      public String description() {
        return "running minimum of the mean over seeds";
      }
    };
  }

  private static void meanOver(double[][] values, int[] seeds, double[] curve) {
    java.util.Arrays.fill(curve, 0.0);
    for (int s : seeds) {
      double[] row = values[s];
      for (int i = 0; i < curve.length; i++) {
        curve[i] += row[i];
      }
    }
    for (int i = 0; i < curve.length; i++) {
      curve[i] /= seeds.length;
    }
  }
}
