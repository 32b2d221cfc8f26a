package io.github.bilevel.bsgm.baselines;

import io.github.bilevel.bsgm.Bsgm;
import io.github.bilevel.bsgm.Budget;
import java.util.Objects;

/**
 * The settings of the deterministic baselines {@link Aid} and {@link Itd}
 * (docs/mathematics.md §4.6): every oracle reads the full data, the steps are constant.
 *
 * @param alpha        {@code α > 0}, the upper-level step {@code λ ← P_Λ(λ − α h)}
 * @param lowerSteps   {@code t >= 1} (ITD's {@code T}): Krasnoselskii–Mann steps on {@code Φ}
 *     per upper-level iteration
 * @param linearSteps  {@code k >= 0}: AID's conjugate-gradient or fixed-point steps on the
 *     linear system per iteration (ITD ignores it)
 * @param eta          {@code η ∈ (0, 1]}, the constant KM step of the lower level (and of
 *     AID's fixed-point linear solver): 1 is the plain fixed-point iteration
 * @param linearSolver how AID solves {@code (I − ∂₁Φ)ᵀ v = ∇₁E}
 * @param warmStart    whether {@code w} (and AID's {@code v}) start from the previous
 *     iteration's values instead of zero
 * @param budget       when {@code run} stops
 * @param exact        the exact hypergradient for the progress report, or null
 */
public record DeterministicOptions(double alpha, int lowerSteps, int linearSteps, double eta,
    LinearSolver linearSolver, boolean warmStart, Budget budget,
    Bsgm.ExactHypergradient exact) {

  /** AID's solver of the linear system {@code (I − ∂₁Φ)ᵀ v = ∇₁E}. */
  public enum LinearSolver {
    /**
     * Conjugate gradient on the system itself, which needs {@code I − ∂₁Φ} symmetric positive
     * definite: the lower level of type (2), {@code Φ = w − η∇₁g}, where it is
     * {@code η∇²₁₁g} (a map given only by its vector–Jacobian products admits no normal
     * equations, whose other factor is a Jacobian–vector product).
     */
    CONJUGATE_GRADIENT,
    /** KM steps {@code v ← (1 − η)v + η(∂₁Φᵀv + ∇₁E)}: any contraction. */
    FIXED_POINT
  }

  public DeterministicOptions {
    if (!(alpha > 0) || Double.isInfinite(alpha)) {
      throw new IllegalArgumentException("deterministic method: alpha must be finite and > 0,"
          + " got " + alpha);
    }
    if (!(eta > 0 && eta <= 1)) {
      throw new IllegalArgumentException("deterministic method: eta must lie in (0, 1], got "
          + eta);
    }
    if (lowerSteps < 1 || linearSteps < 0) {
      throw new IllegalArgumentException("deterministic method: lowerSteps must be >= 1 and"
          + " linearSteps >= 0, got " + lowerSteps + ", " + linearSteps);
    }
    Objects.requireNonNull(linearSolver, "linearSolver");
    Objects.requireNonNull(budget, "budget");
  }

  /** A builder with the defaults listed at {@link Builder}. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Builds {@link DeterministicOptions}. Defaults: {@code α = 0.1}, {@code t = k = 10},
   * {@code η = 1}, conjugate gradient, warm start, 1000 iterations, no exact hypergradient.
   */
  public static final class Builder {
    private double alpha = 0.1;
    private int lowerSteps = 10;
    private int linearSteps = 10;
    private double eta = 1.0;
    private LinearSolver linearSolver = LinearSolver.CONJUGATE_GRADIENT;
    private boolean warmStart = true;
    private Budget budget = Budget.iterations(1000);
    private Bsgm.ExactHypergradient exact;

    private Builder() {}

    /** {@code α}. */
    public Builder alpha(double value) {
      alpha = value;
      return this;
    }

    /** {@code t} (ITD's {@code T}). */
    public Builder lowerSteps(int value) {
      lowerSteps = value;
      return this;
    }

    /** {@code k}. */
    public Builder linearSteps(int value) {
      linearSteps = value;
      return this;
    }

    /** {@code η}. */
    public Builder eta(double value) {
      eta = value;
      return this;
    }

    /** AID's linear solver. */
    public Builder linearSolver(LinearSolver value) {
      linearSolver = value;
      return this;
    }

    /** Warm start or not. */
    public Builder warmStart(boolean value) {
      warmStart = value;
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
    public DeterministicOptions build() {
      return new DeterministicOptions(alpha, lowerSteps, linearSteps, eta, linearSolver,
          warmStart, budget, exact);
    }
  }
}
