package io.github.bilevel.bsgm;

import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.DMatrix;
import io.github.bilevel.kernels.DVector;
import java.util.OptionalDouble;

/**
 * A bilevel problem whose lower level splits into independent problems, one per task
 * (ALGORITHMS.md §5): an example of an equilibrium model, a task of meta-learning. Task
 * {@code i} has its own state {@code z_i ∈ R^d}, the fixed point of a deterministic contraction
 * {@code z_i = Φ_i(z_i, λ)}, and
 * {@code f(λ) = (1/T) Σ_i E_i(z_i(λ), λ)}.
 *
 * <p>Every method works on a batch of tasks at once, so that the heavy work is a GEMM: a state
 * matrix {@code Z} ({@code |B| × d}) whose row {@code r} belongs to task {@code B[r]}. Row-wise
 * methods overwrite {@code out}'s first {@code |B|} rows; upper-level quantities are batch means.
 * Buffers belong to {@link #backend()}; implementations allocate nothing per call.
 *
 * <p>The hypergradient of the batch mean is
 * {@code ĥ = mean_r [∇₂E_r(z_r, λ) + ∂₂Φ_r(z_r, λ)ᵀ v_r]}, where {@code v_r} solves
 * {@code v_r = ∂₁Φ_r(z_r, λ)ᵀ v_r + ∇₁E_r(z_r, λ)}.
 */
public interface SeparableProblem {

  /** The backend whose buffers and kernels the problem uses. */
  Backend backend();

  /** {@code T}, the number of lower-level problems (tasks or examples). */
  int tasks();

  /** {@code d}, the size of one task's state {@code z_i}. */
  int stateDimension();

  /** {@code m}, the size of the upper-level variable {@code λ}. */
  int upperDimension();

  /** Row {@code r} of {@code out} ← {@code Φ_{B[r]}(z_r, λ)}. */
  void map(DMatrix states, DVector lambda, Batch tasks, DMatrix out);

  /** Row {@code r} of {@code out} ← {@code ∂₁Φ_{B[r]}(z_r, λ)ᵀ v_r}. */
  void mapVjpState(DMatrix states, DVector lambda, Batch tasks, DMatrix v, DMatrix out);

  /** {@code out ← mean_r ∂₂Φ_{B[r]}(z_r, λ)ᵀ v_r} (length {@code m}). */
  void mapVjpLambda(DMatrix states, DVector lambda, Batch tasks, DMatrix v, DVector out);

  /** {@code mean_r E_{B[r]}(z_r, λ)}, for monitoring. */
  double objective(DMatrix states, DVector lambda, Batch tasks);

  /** Row {@code r} of {@code out} ← {@code ∇₁E_{B[r]}(z_r, λ)} (not divided by {@code |B|}). */
  void objectiveGradientState(DMatrix states, DVector lambda, Batch tasks, DMatrix out);

  /** {@code out ← mean_r ∇₂E_{B[r]}(z_r, λ)} (length {@code m}). */
  void objectiveGradientLambda(DMatrix states, DVector lambda, Batch tasks, DVector out);

  /** {@code λ ← P_Λ(λ)}. */
  void projectUpper(DVector lambda);

  /** The contraction constant {@code q} of every {@code Φ_i(·, λ)}, {@code λ ∈ Λ}, if known. */
  default OptionalDouble contractionConstant() {
    return OptionalDouble.empty();
  }
}
