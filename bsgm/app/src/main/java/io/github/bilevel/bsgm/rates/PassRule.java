package io.github.bilevel.bsgm.rates;

import java.util.Locale;

/**
 * When a measured slope agrees with the theory. Every rule looks at the confidence interval,
 * not only the point estimate, and is fixed before anything is measured.
 */
public sealed interface PassRule {

  /** Whether the fit passes. */
  boolean passes(SlopeFit fit);

  /** The rule in words, e.g. {@code "95% CI intersects [-1.25, -0.75]"}. */
  String description();

  /**
   * The band of slopes the rule compares the interval with, {@code {low, high}}, an end
   * infinite where there is no limit ({@link #description} says how it compares).
   */
  double[] band();

  /** Passes when the interval intersects {@code [low, high]}: the theory slope is a value. */
  static PassRule intervalIntersects(double low, double high) {
    return new IntervalIntersects(low, high);
  }

  /**
   * Passes when the interval's upper end is at most {@code limit}: the theory is an upper bound
   * on the slope (a rate at least as fast), with a tolerance included in {@code limit}.
   */
  static PassRule upperEndAtMost(double limit) {
    return new UpperEndAtMost(limit);
  }

  /**
   * Passes when the interval's lower end is at most {@code bound}: the measured slope is no
   * larger than the bound within the interval (a rate at least as fast as the bound).
   */
  static PassRule lowerEndAtMost(double bound) {
    return new LowerEndAtMost(bound);
  }

  /** {@code value} to four significant digits, without trailing zeros. */
  private static String compact(double value) {
    return new java.math.BigDecimal(String.format(Locale.ROOT, "%.4g", value))
        .stripTrailingZeros().toPlainString();
  }

  /** See {@link #intervalIntersects}. */
  record IntervalIntersects(double low, double high) implements PassRule {
    public IntervalIntersects {
      if (!(low <= high) || !Double.isFinite(low) || !Double.isFinite(high)) {
        throw new IllegalArgumentException("a band needs finite low <= high, got [" + low + ", "
            + high + "]");
      }
    }

    @Override
    public boolean passes(SlopeFit fit) {
      return fit.ciLow() <= high && fit.ciHigh() >= low;
    }

    @Override
    public String description() {
      return "CI intersects [" + compact(low) + ", " + compact(high) + "]";
    }

    @Override
    public double[] band() {
      return new double[] {low, high};
    }
  }

  /** See {@link #upperEndAtMost}. */
  record UpperEndAtMost(double limit) implements PassRule {
    public UpperEndAtMost {
      if (!Double.isFinite(limit)) {
        throw new IllegalArgumentException("the limit must be finite, got " + limit);
      }
    }

    @Override
    public boolean passes(SlopeFit fit) {
      return fit.ciHigh() <= limit;
    }

    @Override
    public String description() {
      return "CI upper end <= " + compact(limit);
    }

    @Override
    public double[] band() {
      return new double[] {Double.NEGATIVE_INFINITY, limit};
    }
  }

  /** See {@link #lowerEndAtMost}. */
  record LowerEndAtMost(double bound) implements PassRule {
    public LowerEndAtMost {
      if (!Double.isFinite(bound)) {
        throw new IllegalArgumentException("the bound must be finite, got " + bound);
      }
    }

    @Override
    public boolean passes(SlopeFit fit) {
      return fit.ciLow() <= bound;
    }

    @Override
    public String description() {
      return "CI lower end <= " + compact(bound);
    }

    @Override
    public double[] band() {
      return new double[] {Double.NEGATIVE_INFINITY, bound};
    }
  }
}
