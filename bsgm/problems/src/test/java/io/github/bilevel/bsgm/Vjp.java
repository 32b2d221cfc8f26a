package io.github.bilevel.bsgm;

import io.github.bilevel.kernels.DMatrix;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;

/**
 * One vector–Jacobian product at one point, through a fresh linearization (tests that check a
 * single product against a reference call these).
 */
public final class Vjp {

  private Vjp() {}

  /** {@code out ← ∂₁Φ̂(w, λ, ξ)ᵀ v}. */
  public static void w(BilevelProblem problem, DVector w, DVector lambda, Batch xi, DVector v,
      DVector out) {
    try (Arena arena = Arena.ofConfined()) {
      BilevelProblem.Linearization linearization = problem.linearization(arena);
      linearization.linearize(w, lambda, xi);
      linearization.vjpW(v, out);
    }
  }

  /** {@code out ← ∂₂Φ̂(w, λ, ξ)ᵀ v}. */
  public static void lambda(BilevelProblem problem, DVector w, DVector lambda, Batch xi,
      DVector v, DVector out) {
    try (Arena arena = Arena.ofConfined()) {
      BilevelProblem.Linearization linearization = problem.linearization(arena);
      linearization.linearize(w, lambda, xi);
      linearization.vjpLambda(v, out);
    }
  }

  /** Row {@code r} of {@code out} ← {@code ∂₁Φ_{B[r]}(z_r, λ)ᵀ v_r}. */
  public static void state(SeparableProblem problem, DMatrix states, DVector lambda, Batch tasks,
      DMatrix v, DMatrix out) {
    try (Arena arena = Arena.ofConfined()) {
      SeparableProblem.SeparableLinearization linearization =
          problem.linearization(arena, tasks.size());
      linearization.linearize(states, lambda, tasks);
      linearization.vjpState(v, out);
    }
  }

  /** {@code out ← mean_r ∂₂Φ_{B[r]}(z_r, λ)ᵀ v_r}. */
  public static void lambda(SeparableProblem problem, DMatrix states, DVector lambda,
      Batch tasks, DMatrix v, DVector out) {
    try (Arena arena = Arena.ofConfined()) {
      SeparableProblem.SeparableLinearization linearization =
          problem.linearization(arena, tasks.size());
      linearization.linearize(states, lambda, tasks);
      linearization.vjpLambda(v, out);
    }
  }
}
