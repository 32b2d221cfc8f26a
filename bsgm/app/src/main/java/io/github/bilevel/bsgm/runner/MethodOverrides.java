package io.github.bilevel.bsgm.runner;

import java.util.EnumSet;
import java.util.Set;

/**
 * The user's overrides of a workload's default algorithm settings; null fields keep the
 * default.
 *
 * @param alpha upper-level step
 * @param t     lower-level steps per iteration
 * @param k     linear-system steps per iteration
 * @param batch upper-level batch {@code J}
 * @param rho   the single-loop methods' lower-level KM step {@code ρ} (docs/mathematics.md §4.5)
 */
public record MethodOverrides(Double alpha, Integer t, Integer k, Integer batch, Double rho) {

  /** A setting the command line can override, by its flag. */
  public enum Setting {
    /** The upper-level step. */
    ALPHA("--alpha"),
    /** Lower-level steps per iteration. */
    T("--t"),
    /** Linear-system steps per iteration. */
    K("--k"),
    /** The upper-level batch {@code J}. */
    BATCH("--batch"),
    /** The single-loop methods' lower-level KM step {@code ρ}. */
    RHO("--rho");

    private final String flag;

    Setting(String flag) {
      this.flag = flag;
    }

    /** The command-line flag ({@code --alpha}, ...). */
    public String flag() {
      return flag;
    }
  }

  /** No overrides. */
  public static final MethodOverrides NONE = new MethodOverrides(null, null, null, null, null);

  /** Overrides that leave {@code ρ} at the default. */
  public MethodOverrides(Double alpha, Integer t, Integer k, Integer batch) {
    this(alpha, t, k, batch, null);
  }

  public MethodOverrides {
    if (alpha != null && !(alpha > 0 && Double.isFinite(alpha))) {
      throw new IllegalArgumentException("--alpha must be finite and > 0, got " + alpha);
    }
    if ((t != null && t < 0) || (k != null && k < 0)) {
      throw new IllegalArgumentException("--t and --k must be >= 0, got " + t + ", " + k);
    }
    if (batch != null && batch < 1) {
      throw new IllegalArgumentException("--batch must be >= 1, got " + batch);
    }
    if (rho != null && !(rho > 0 && Double.isFinite(rho))) {
      throw new IllegalArgumentException("--rho must be finite and > 0, got " + rho);
    }
  }

  /** {@code alpha} or the default. */
  public double alphaOr(double fallback) {
    return alpha == null ? fallback : alpha;
  }

  /** {@code t} or the default. */
  public int tOr(int fallback) {
    return t == null ? fallback : t;
  }

  /** {@code k} or the default. */
  public int kOr(int fallback) {
    return k == null ? fallback : k;
  }

  /** {@code batch} or the default. */
  public int batchOr(int fallback) {
    return batch == null ? fallback : batch;
  }

  /** {@code rho} or the default. */
  public double rhoOr(double fallback) {
    return rho == null ? fallback : rho;
  }

  /** The settings this record overrides (its non-null fields). */
  public Set<Setting> given() {
    Set<Setting> given = EnumSet.noneOf(Setting.class);
    if (alpha != null) {
      given.add(Setting.ALPHA);
    }
    if (t != null) {
      given.add(Setting.T);
    }
    if (k != null) {
      given.add(Setting.K);
    }
    if (batch != null) {
      given.add(Setting.BATCH);
    }
    if (rho != null) {
      given.add(Setting.RHO);
    }
    return given;
  }
}
