package io.github.bilevel.bsgm.baselines;

import io.github.bilevel.bsgm.BilevelProblem;
import io.github.bilevel.bsgm.Bsgm;
import io.github.bilevel.kernels.Backend;
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

  /**
   * The divergence error if the iterate {@code x} (named {@code name}) is not finite after
   * {@code steps} inner steps of {@code step}: one pass per solve instead of a residual per step.
   */
  static void checkIterate(Backend backend, String algorithm, String step, int iteration,
      int steps, String name, DVector x) {
    if (steps == 0) {
      return;
    }
    double norm = backend.nrm2(x);
    if (!Double.isFinite(norm)) {
      throw new ArithmeticException(algorithm + " diverged in the " + step + " at iteration "
          + iteration + ": ‖" + name + "‖ = " + norm + " after " + steps + " steps; is the map"
          + " a contraction, and are the steps small enough? (residuals(true) names the first"
          + " non-finite step)");
    }
  }
}
