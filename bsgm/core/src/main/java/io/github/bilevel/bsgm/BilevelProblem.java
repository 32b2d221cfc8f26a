package io.github.bilevel.bsgm;

import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;
import java.util.OptionalDouble;

/**
 * A bilevel problem whose lower level is the fixed point of a contraction (docs/mathematics.md §1):
 * {@code min_{λ ∈ Λ} f(λ) = E_ζ[E(w(λ), λ, ζ)]} with {@code w(λ) = Φ(w(λ), λ)},
 * {@code Φ = E_ξ[Φ̂(·, λ, ξ)]}.
 *
 * <p>Every method works on a mini-batch: it returns the batch mean of the per-sample quantity
 * and overwrites {@code out}. Buffers belong to {@link #backend()}; implementations allocate
 * nothing per call. Samples {@code ξ} index {@code [0, lowerSamples())}, samples {@code ζ}
 * index {@code [0, upperSamples())}; a deterministic problem has one sample of each.
 *
 * <p>The map is evaluated two ways: {@link #map} is a plain forward evaluation (the lower-level
 * Krasnoselskii–Mann loop needs no derivatives), and a {@link Linearization} evaluates the
 * forward pass once at a point and keeps what the vector–Jacobian products need, so that the
 * {@code k} linear-system steps at one point reuse it. A problem never compares memory to find
 * out that a point repeats: the caller says so by linearizing once.
 *
 * <p>Implement this interface for one contraction over a shared {@code w} whose map is a mean
 * over stochastic samples {@code ξ} (hyperparameter optimization, data poisoning); implement
 * {@link SeparableProblem} for independent deterministic contractions, one per task, batched as
 * state matrices (equilibrium models, meta-learning).
 */
public interface BilevelProblem {

  /** The backend whose buffers and kernels the problem uses. */
  Backend backend();

  /** {@code d}, the size of the lower-level variable {@code w}. */
  int lowerDimension();

  /** {@code m}, the size of the upper-level variable {@code λ}. */
  int upperDimension();

  /** How many distinct samples {@code ξ} the lower level averages over. */
  int lowerSamples();

  /** How many distinct samples {@code ζ} the upper level averages over. */
  int upperSamples();

  /** {@code out ← Φ̂(w, λ, ξ)}, the batch mean of the map. */
  void map(DVector w, DVector lambda, Batch xi, DVector out);

  /**
   * A linearization of {@code Φ̂} with its workspace allocated once in {@code arena}: the
   * caller owns the memory and frees it by closing the arena (after which the linearization
   * must not be used). Call it once per solver, not per step.
   */
  Linearization linearization(Arena arena);

  /**
   * {@code Φ̂} linearized at one point {@code (w, λ, ξ)}: {@link #linearize} evaluates the
   * forward pass there once, and the vector–Jacobian products reuse it until the next
   * {@code linearize}. Allocates nothing per call once made (a batch larger than any before
   * grows the copy of its indices once). Not thread-safe.
   */
  interface Linearization {

    /**
     * Evaluates the forward pass of {@code Φ̂} at {@code (w, λ, ξ)} and keeps what the
     * vector–Jacobian products need. It reads {@code w}, {@code λ} and {@code ξ} only during
     * this call: the caller may change them afterwards (the linearization keeps its own copies).
     */
    void linearize(DVector w, DVector lambda, Batch xi);

    /**
     * {@code out ← ∂₁Φ̂(w, λ, ξ)ᵀ v} ({@code d} → {@code d}) at the linearized point.
     *
     * @throws IllegalStateException before the first {@link #linearize}
     */
    void vjpW(DVector v, DVector out);

    /**
     * {@code out ← ∂₂Φ̂(w, λ, ξ)ᵀ v} ({@code d} → {@code m}) at the linearized point.
     *
     * @throws IllegalStateException before the first {@link #linearize}
     */
    void vjpLambda(DVector v, DVector out);

    /**
     * Throws the exception of a vector–Jacobian product asked for before any
     * {@link #linearize}, naming the problem.
     */
    static void requireLinearized(boolean linearized, Object problem) {
      if (!linearized) {
        throw new IllegalStateException("vector–Jacobian product asked for before linearize(w,"
            + " λ, ξ) was called on this linearization of " + problem.getClass().getSimpleName());
      }
    }
  }

  /** {@code Ê(w, λ, ζ)}, for monitoring. */
  double objective(DVector w, DVector lambda, Batch zeta);

  /** {@code out ← ∇₁Ê(w, λ, ζ)} (length {@code d}). */
  void objectiveGradientW(DVector w, DVector lambda, Batch zeta, DVector out);

  /** {@code out ← ∇₂Ê(w, λ, ζ)} (length {@code m}). */
  void objectiveGradientLambda(DVector w, DVector lambda, Batch zeta, DVector out);

  /** {@code λ ← P_Λ(λ)}. */
  void projectUpper(DVector lambda);

  /** The contraction constant {@code q} of {@code Φ(·, λ)} where it is known. */
  default OptionalDouble contractionConstant() {
    return OptionalDouble.empty();
  }

  /**
   * An upper bound {@code L̂} of the Lipschitz constant in {@code w} of the residual of one
   * sample, {@code w ↦ w − Φ̂(w, λ, ξ)}, uniform over the samples {@code ξ} and over
   * {@code λ ∈ Λ}, where it is known. The mean map may be a contraction while single samples
   * are far from one (for ridge, {@code ‖I − η(x xᵀ + diag λ)‖} can be far above 1), so a
   * stochastic Krasnoselskii–Mann step {@code η_i} must keep {@code η_i L̂ < 2}: for maps whose
   * {@code I − ∂₁Φ̂} is symmetric positive semi-definite (gradient steps on convex losses) each
   * step of the LL and LS solvers is then non-expansive. A mini-batch mean obeys the one-sample
   * bound. See {@link KmSteps}.
   */
  default OptionalDouble sampleResidualLipschitz() {
    return OptionalDouble.empty();
  }
}
