package io.github.bilevel.bsgm.baselines;

import io.github.bilevel.bsgm.AlgorithmState;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;
import java.util.SplittableRandom;

/**
 * A baseline driven one iteration at a time ({@link Mrbo}, {@link Vrbo}): {@link #init} makes
 * the state of a run, {@link #iterate} advances it and {@code λ} in place.
 *
 * @param <S> the state carried between iterations
 * @param <O> the options
 */
public interface SteppedMethod<S extends AlgorithmState, O> extends AutoCloseable {

  /** The state of a run from {@code lambda} (projected in place), allocated in {@code arena}. */
  S init(Arena arena, DVector lambda, O options);

  /**
   * One iteration from {@code state}: advances it and {@code lambda} in place.
   *
   * @return the samples the iteration used
   */
  long iterate(S state, DVector lambda, O options, SplittableRandom random);

  /** The norm of the upper-level direction of the last iteration. */
  double lastDirectionNorm();

  /** Frees the workspace. */
  @Override
  void close();
}
