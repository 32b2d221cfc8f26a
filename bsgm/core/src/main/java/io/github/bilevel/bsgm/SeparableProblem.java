package io.github.bilevel.bsgm;

import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.DMatrix;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;
import java.util.OptionalDouble;

/**
 * A bilevel problem whose lower level splits into independent problems, one per task
 * (docs/mathematics.md §5): an example of an equilibrium model, a task of meta-learning. Task
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
 *
 * <p>As in {@link BilevelProblem}, {@link #map} is a plain forward evaluation and a
 * {@link SeparableLinearization} evaluates the forward pass once per point for the
 * vector–Jacobian products. Because each {@code Φ_i} is deterministic, a SID call keeps
 * {@code λ} and the batch of tasks fixed for the whole lower-level solve: the linearization
 * also evaluates once what depends on {@code (λ, B)} alone ({@link SeparableLinearization#fix}),
 * and its {@link SeparableLinearization#map} reuses it at every lower-level step.
 *
 * <p>Implement this interface for independent deterministic contractions, one per task, batched
 * as matrices; implement {@link BilevelProblem} for one contraction over a shared {@code w}
 * with stochastic samples.
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

  /**
   * A linearization for batches of up to {@code maxTasks} tasks, with its workspace allocated
   * once in {@code arena}: the caller owns the memory and frees it by closing the arena. Call it
   * once per solver, not per step.
   */
  SeparableLinearization linearization(Arena arena, int maxTasks);

  /**
   * The maps {@code Φ_{B[r]}} of a batch of tasks at a fixed {@code λ}, and their linearization
   * at states {@code Z}. {@link #fix} evaluates what depends on {@code (λ, B)} alone,
   * {@link #map} evaluates {@code Φ_B(·, λ)} at any states, {@link #linearize} evaluates the
   * forward pass at {@code Z} once and keeps what the vector–Jacobian products need. Every
   * method reads its arguments only during the call (the linearization keeps its own copies).
   * Allocates nothing per call once made. Not thread-safe.
   */
  interface SeparableLinearization {

    /**
     * Fixes {@code λ} and the batch of tasks (at most {@code maxTasks}), evaluating once what
     * {@code Φ_B(·, λ)} needs that does not depend on the states; forgets any linearization.
     */
    void fix(DVector lambda, Batch tasks);

    /**
     * Row {@code r} of {@code out} ← {@code Φ_{B[r]}(z_r, λ)} at the fixed {@code (λ, B)}.
     *
     * @throws IllegalStateException before the first {@link #fix}
     */
    void map(DMatrix states, DMatrix out);

    /**
     * Evaluates the forward pass at the states {@code Z} (row {@code r} for task {@code B[r]})
     * and the fixed {@code (λ, B)}, and keeps what the vector–Jacobian products need.
     *
     * @throws IllegalStateException before the first {@link #fix}
     */
    void linearize(DMatrix states);

    /** {@link #fix} then {@link #linearize(DMatrix)}: the linearization at {@code (Z, λ, B)}. */
    default void linearize(DMatrix states, DVector lambda, Batch tasks) {
      fix(lambda, tasks);
      linearize(states);
    }

    /**
     * Row {@code r} of {@code out} ← {@code ∂₁Φ_{B[r]}(z_r, λ)ᵀ v_r} at the linearized point.
     *
     * @throws IllegalStateException before the first {@link #linearize}
     */
    void vjpState(DMatrix v, DMatrix out);

    /**
     * Whether {@link #vjpStatePlus} is implemented, as one pass where {@link #vjpState} and an
     * addition would be two; SID then calls it for its linear systems.
     */
    default boolean fusesVjpStatePlus() {
      return false;
    }

    /**
     * Row {@code r} of {@code out} ← {@code ∂₁Φ_{B[r]}(z_r, λ)ᵀ v_r + g_r}, the map that SID's
     * linear systems iterate; only where {@link #fusesVjpStatePlus()}. {@code out} overlaps
     * neither {@code v} nor {@code g}.
     *
     * @throws UnsupportedOperationException where it is not implemented (the default)
     * @throws IllegalStateException before the first {@link #linearize}
     */
    default void vjpStatePlus(DMatrix v, DMatrix g, DMatrix out) {
      throw new UnsupportedOperationException(getClass().getSimpleName()
          + " does not fuse vjpStatePlus (see fusesVjpStatePlus)");
    }

    /**
     * {@code out ← mean_r ∂₂Φ_{B[r]}(z_r, λ)ᵀ v_r} (length {@code m}) at the linearized point.
     *
     * @throws IllegalStateException before the first {@link #linearize}
     */
    void vjpLambda(DMatrix v, DVector out);

    /** Throws the exception of a call that needs {@link #fix} or {@link #linearize} first. */
    static void require(boolean done, String what, Object problem) {
      if (!done) {
        throw new IllegalStateException("this linearization of "
            + problem.getClass().getSimpleName() + " needs " + what + " first");
      }
    }
  }

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
