package io.github.bilevel.bsgm;

/**
 * Asked by the inner loops of an upper-level iteration (the lower-level and linear-system KM
 * loops of {@link Sid}, {@link SeparableSid} and the warm-start baselines) before every step
 * whether to abandon the iteration: how a caller bounds the work of an iteration it cannot
 * predict (a sample budget reached mid-iteration, a time limit). The loops call it with a
 * primitive and allocate nothing; only abandoning allocates, once.
 *
 * <p>An abandoned iteration throws {@link IterationStoppedException} and does not finish: the
 * upper-level variable {@code λ} and the iteration counter are those before it. Without warm
 * start (BSGM, separable BSGM, whose warm-start store is written only after both loops) the
 * whole state is unchanged; a warm-start baseline's {@code w} and {@code v} may hold the
 * abandoned steps.
 */
@FunctionalInterface
public interface StopCheck {

  /** Never stops: the default of every solver. */
  StopCheck NEVER = drawn -> false;

  /**
   * Whether to abandon the current iteration before its next step.
   *
   * @param drawn the samples this iteration has drawn so far (counted as its result would
   *              count them)
   */
  boolean shouldStop(long drawn);

  /**
   * Throws {@link IterationStoppedException} naming {@code solver} and step {@code step} if
   * {@link #shouldStop} says so; the loops' one call.
   */
  default void beforeStep(long drawn, String solver, int step) {
    if (shouldStop(drawn)) {
      throw new IterationStoppedException(solver, step, drawn);
    }
  }
}
