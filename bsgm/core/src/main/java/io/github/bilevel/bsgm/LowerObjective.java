package io.github.bilevel.bsgm;

import io.github.bilevel.kernels.DVector;

/**
 * The argmin form of a lower level whose map is a gradient step, {@code Φ̂(w, λ, ξ) = w −
 * η∇₁Ĝ(w, λ, ξ)} (docs/mathematics.md §4.8): the lower level is {@code w(λ) = argmin_w G(w, λ)}.
 * Methods defined through the value of {@code G} (the penalty and value-function methods F2SA
 * and BOME) need this; a problem whose contraction is not a gradient step does not implement it.
 *
 * <p>{@code G} is known up to a function of {@code λ} alone: every method uses differences
 * {@code G(w, λ) − G(w', λ)} and {@code ∇₂G(w, λ) − ∇₂G(w', λ)} at one {@code λ}, in which it
 * cancels. {@code ∇₁Ĝ = (w − Φ̂)/η} comes from {@link BilevelProblem#map}. Batches and buffers
 * follow {@link BilevelProblem}: batch means, {@code out} overwritten, nothing allocated per call.
 */
public interface LowerObjective {

  /** {@code η > 0}, the step of the gradient map {@code Φ̂ = w − η∇₁Ĝ}. */
  double mapStep();

  /** {@code Ĝ(w, λ, ξ)}, the batch mean of the lower-level objective. */
  double lowerObjective(DVector w, DVector lambda, Batch xi);

  /** {@code out ← ∇₂Ĝ(w, λ, ξ)}, the batch mean of the objective's gradient in {@code λ}. */
  void lowerObjectiveGradientLambda(DVector w, DVector lambda, Batch xi, DVector out);
}
