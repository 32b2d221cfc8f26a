package io.github.bilevel.bsgm.baselines;

import io.github.bilevel.bsgm.Bsgm;
import io.github.bilevel.bsgm.Budget;
import java.util.Objects;

/**
 * The settings of the single-loop methods of Dagréou et al. ({@link Soba}, {@link Saba},
 * {@link Srba}; docs/mathematics.md §4.5) and of {@link Ttsa} and {@link Fsla} (§4.7): at
 * iteration {@code k = 0, 1, ...} the lower-level and linear-system step is
 * {@code ρ_k = ρ / (k + 1)^a} and the upper-level step {@code γ_k = γ / (k + 1)^c}
 * (benchopt's {@code step_size} is {@code ρ}, its {@code outer_ratio} is {@code ρ/γ}).
 *
 * @param rho           {@code ρ > 0}, the lower-level and linear-system step (a KM step on the
 *     fixed-point map: 1 is the plain fixed-point iteration)
 * @param gamma         {@code γ > 0}, the upper-level step
 * @param rhoExponent   {@code a ∈ [0, 1]} (0: constant steps, as SABA and SRBA use)
 * @param gammaExponent {@code c ∈ [0, 1]}
 * @param lowerBatch    {@code b}: samples {@code ξ} per inner batch
 * @param batch         {@code J}: samples {@code ζ} per outer batch
 * @param period        SRBA only: iterations between full-batch recomputations, {@code >= 1}
 * @param neumannTerms  TTSA and SUSTAIN only: {@code Q >= 1}, the Neumann series' length
 *     (§4.7, §4.8)
 * @param randomTruncation TTSA and SUSTAIN only: true to keep a uniformly drawn
 *     {@code p ∈ {0, …, Q−1}} terms scaled by {@code Q} (unbiased for the length-{@code Q} sum,
 *     benchopt's), false for the fixed length-{@code Q} sum
 * @param budget        when {@code run} stops
 * @param exact         the exact hypergradient for the progress report, or null
 */
public record SingleLoopOptions(double rho, double gamma, double rhoExponent,
    double gammaExponent, int lowerBatch, int batch, int period, int neumannTerms,
    boolean randomTruncation, Budget budget, Bsgm.ExactHypergradient exact) {

  public SingleLoopOptions {
    positive("rho", rho);
    positive("gamma", gamma);
    exponent("rhoExponent", rhoExponent);
    exponent("gammaExponent", gammaExponent);
    if (lowerBatch < 1 || batch < 1 || period < 1) {
      throw new IllegalArgumentException("single-loop method: lowerBatch, batch and period must"
          + " be >= 1, got " + lowerBatch + ", " + batch + ", " + period);
    }
    if (neumannTerms < 1) {
      throw new IllegalArgumentException("single-loop method: neumannTerms must be >= 1, got "
          + neumannTerms);
    }
    Objects.requireNonNull(budget, "budget");
  }

  /** {@code ρ_k = ρ / (k + 1)^a}. */
  public double rho(int k) {
    return rhoExponent == 0 ? rho : rho / Math.pow(k + 1.0, rhoExponent);
  }

  /** {@code γ_k = γ / (k + 1)^c}. */
  public double gamma(int k) {
    return gammaExponent == 0 ? gamma : gamma / Math.pow(k + 1.0, gammaExponent);
  }

  /** A builder with the defaults listed at {@link Builder}. */
  public static Builder builder() {
    return new Builder();
  }

  private static void positive(String name, double value) {
    if (!(value > 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException("single-loop method: " + name
          + " must be finite and > 0, got " + value);
    }
  }

  private static void exponent(String name, double value) {
    if (!(value >= 0 && value <= 1)) {
      throw new IllegalArgumentException("single-loop method: " + name
          + " must lie in [0, 1], got " + value);
    }
  }

  /**
   * Builds {@link SingleLoopOptions}. Defaults: {@code ρ = 0.5}, {@code γ = 0.1}, constant
   * steps ({@code a = c = 0}), {@code b = J = 1}, {@code period = 100}, {@code Q = 10} randomly
   * truncated, 1000 iterations, no exact hypergradient.
   */
  public static final class Builder {
    private double rho = 0.5;
    private double gamma = 0.1;
    private double rhoExponent;
    private double gammaExponent;
    private int lowerBatch = 1;
    private int batch = 1;
    private int period = 100;
    private int neumannTerms = 10;
    private boolean randomTruncation = true;
    private Budget budget = Budget.iterations(1000);
    private Bsgm.ExactHypergradient exact;

    private Builder() {}

    /** {@code ρ}. */
    public Builder rho(double value) {
      rho = value;
      return this;
    }

    /** {@code γ}. */
    public Builder gamma(double value) {
      gamma = value;
      return this;
    }

    /** {@code a} in {@code ρ_k}. */
    public Builder rhoExponent(double value) {
      rhoExponent = value;
      return this;
    }

    /** {@code c} in {@code γ_k}. */
    public Builder gammaExponent(double value) {
      gammaExponent = value;
      return this;
    }

    /** {@code b}. */
    public Builder lowerBatch(int value) {
      lowerBatch = value;
      return this;
    }

    /** {@code J}. */
    public Builder batch(int value) {
      batch = value;
      return this;
    }

    /** SRBA's period. */
    public Builder period(int value) {
      period = value;
      return this;
    }

    /** TTSA's {@code Q}. */
    public Builder neumannTerms(int value) {
      neumannTerms = value;
      return this;
    }

    /** TTSA's truncation: random (true) or fixed at {@code Q} terms (false). */
    public Builder randomTruncation(boolean value) {
      randomTruncation = value;
      return this;
    }

    /** When to stop. */
    public Builder budget(Budget value) {
      budget = value;
      return this;
    }

    /** The exact hypergradient, for the progress report. */
    public Builder exact(Bsgm.ExactHypergradient value) {
      exact = value;
      return this;
    }

    /** The options. */
    public SingleLoopOptions build() {
      return new SingleLoopOptions(rho, gamma, rhoExponent, gammaExponent, lowerBatch, batch,
          period, neumannTerms, randomTruncation, budget, exact);
    }
  }
}
