package io.github.bilevel.bsgm.baselines;

import io.github.bilevel.bsgm.BilevelProblem;
import io.github.bilevel.bsgm.Bsgm;
import io.github.bilevel.kernels.DVector;

/** The stationarity measure and the checks the runners share. */
final class Monitoring {

  private Monitoring() {}

  /**
   * {@code ‖G_α(λ)‖ = ‖λ − P_Λ(λ − α∇f(λ))‖ / α} with the exact gradient, computed in
   * {@code scratch} (length m); equals {@code ‖∇f(λ)‖} when {@code Λ = R^m}.
   */
  static double gradientMappingNorm(BilevelProblem problem, DVector lambda, double alpha,
      Bsgm.ExactHypergradient exact, DVector scratch) {
    if (!(alpha > 0) || Double.isInfinite(alpha)) {
      throw new IllegalArgumentException("alpha must be finite and > 0, got " + alpha);
    }
    return Bsgm.gradientMappingNorm(problem.backend(), problem::projectUpper, lambda, alpha,
        exact, scratch);
  }

  /**
   * Throws the divergence error: {@code algorithm} diverged in {@code step} at upper-level
   * iteration {@code iteration} (inner step {@code inner} when {@code inner >= 0}).
   */
  static ArithmeticException diverged(String algorithm, String step, int iteration, int inner,
      String quantity, double value, double lastFinite) {
    return new ArithmeticException(algorithm + " diverged in the " + step + " at iteration "
        + iteration + (inner >= 0 ? ", inner step " + inner : "") + ": " + quantity + " = "
        + value + " (last finite value " + lastFinite + "); is the map a contraction, and are"
        + " the steps small enough?");
  }
}
