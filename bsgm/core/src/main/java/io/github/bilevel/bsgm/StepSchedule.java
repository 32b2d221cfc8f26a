package io.github.bilevel.bsgm;

import java.util.function.IntToDoubleFunction;

/** The Krasnoselskii–Mann step sizes {@code η_i}, {@code i = 0, 1, ...}. */
@FunctionalInterface
public interface StepSchedule {

  /** {@code η_i}. */
  double step(int i);

  /** {@code η_i = η} (the deterministic case; {@code η = 1} is the plain fixed-point iteration). */
  static StepSchedule constant(double eta) {
    if (!(eta > 0 && eta <= 1)) {
      throw new IllegalArgumentException("a constant KM step must lie in (0, 1], got " + eta);
    }
    return i -> eta;
  }

  /**
   * {@code η_i = β / (γ + i)} (the stochastic case; O(1/i) when {@code 2β(1 − q) > 1} and
   * {@code η_0 = β/γ ≤ 1}).
   */
  static StepSchedule decreasing(double beta, double gamma) {
    if (!(beta > 0) || !(gamma > 0) || Double.isInfinite(beta) || Double.isInfinite(gamma)) {
      throw new IllegalArgumentException(
          "beta and gamma must be finite and > 0, got beta = " + beta + ", gamma = " + gamma);
    }
    if (beta / gamma > 1) {
      throw new IllegalArgumentException("the first step beta/gamma = " + beta / gamma
          + " exceeds 1: choose gamma >= beta");
    }
    return i -> beta / (gamma + i);
  }

  /** A user-supplied sequence. */
  static StepSchedule of(IntToDoubleFunction steps) {
    return steps::applyAsDouble;
  }
}
