package io.github.bilevel.bsgm.runner;

import io.github.bilevel.bsgm.AlgorithmState;
import io.github.bilevel.bsgm.StopCheck;
import io.github.bilevel.kernels.DVector;
import java.util.SplittableRandom;

/**
 * A bilevel algorithm seen one upper-level iteration at a time, so that the experiment runner can
 * evaluate, checkpoint and resume it: BSGM, the warm-start baselines, MRBO and VRBO.
 *
 * <p>Everything the method carries from one iteration to the next (warm-start stores, momentum
 * vectors, previous iterates, the iteration counter, step clocks) lives in the state
 * {@link #init} returns and {@link #iterate} advances, so that a checkpoint of {@code λ} and that
 * state's vectors and counters restores the method exactly.
 *
 * @param <S> the method's state
 */
public interface UpperLevelMethod<S extends AlgorithmState> extends AutoCloseable {

  /** The algorithm's name as the command line spells it ({@code bsgm}, {@code stocbio}, ...). */
  String name();

  /**
   * The state at the start of a run from {@code lambda} (which it may project onto
   * {@code Λ}): iteration 0, warm starts and momentum at zero.
   */
  S init(DVector lambda);

  /**
   * The upper-level iteration {@code state} is at: updates {@code lambda} and {@code state} in
   * place, drawing every sample from {@code random}.
   *
   * @return the samples it used, counted as {@link io.github.bilevel.bsgm.Sid} counts them
   */
  long iterate(S state, DVector lambda, SplittableRandom random);

  /**
   * The samples iteration {@code iteration} uses as {@link #iterate} would count them (an upper
   * bound where the method draws its number of steps at random, as BSA does): what the runner
   * compares with the budget before any work.
   *
   * @throws ArithmeticException if the count overflows a {@code long}
   */
  long samplesPerIteration(int iteration);

  /**
   * Consults {@code check} before every lower-level and linear-system step of later iterations,
   * with the samples the iteration has drawn so far; when it says stop, {@link #iterate} throws
   * {@link io.github.bilevel.bsgm.IterationStoppedException} and the iteration does not count
   * ({@code λ} and the counters as before it). The default ignores the check: MRBO and VRBO,
   * whose iterations are a fixed handful of batches, always finish theirs.
   */
  default void stopWhen(StopCheck check) {}

  /** The norm of the last hypergradient estimate (or search direction) used for a step. */
  double lastHypergradientNorm();

  /** The bytes of {@code state}: the memory that warm start or momentum costs. */
  default long stateBytes(S state) {
    return state.vectorBytes();
  }

  /** Frees the method's workspace and the states it allocated. */
  @Override
  void close();
}
