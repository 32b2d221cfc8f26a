package io.github.bilevel.bsgm.baselines;

import io.github.bilevel.bsgm.BilevelProblem;
import io.github.bilevel.bsgm.LowerObjective;
import java.util.Objects;

/**
 * The check that a problem offers the argmin form F2SA and BOME need (docs/mathematics.md
 * §4.8).
 */
final class ArgminForm {

  private ArgminForm() {}

  /**
   * {@code problem} as a {@link LowerObjective}.
   *
   * @throws IllegalArgumentException naming {@code algorithm} if the problem does not implement
   *     it
   */
  static LowerObjective of(String algorithm, BilevelProblem problem) {
    Objects.requireNonNull(problem, "problem");
    if (problem instanceof LowerObjective objective) {
      if (!(objective.mapStep() > 0) || Double.isInfinite(objective.mapStep())) {
        throw new IllegalArgumentException(algorithm + ": the map step η of "
            + problem.getClass().getSimpleName() + " must be finite and > 0, got "
            + objective.mapStep());
      }
      return objective;
    }
    throw new IllegalArgumentException(algorithm + " needs the argmin form of the lower level"
        + " (a problem implementing LowerObjective, whose map is a gradient step Φ = w − η∇₁G);"
        + " " + problem.getClass().getSimpleName() + " does not provide it");
  }

  /** {@code problem} after {@link #of} accepted it, for a constructor's {@code super} call. */
  static BilevelProblem checked(String algorithm, BilevelProblem problem) {
    of(algorithm, problem);
    return problem;
  }
}
