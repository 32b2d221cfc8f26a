package io.github.bilevel.bsgm;

import java.util.List;

/**
 * An {@link AlgorithmState} whose only counter is the iteration index {@code k} (named
 * {@code "iteration"} in a checkpoint); subclasses add the vectors.
 */
public abstract class IterationState implements AlgorithmState {

  private final String owner;
  private int iteration;

  /** A state at iteration 0; {@code owner} names it in checkpoint errors ("MRBO's state"). */
  protected IterationState(String owner) {
    this.owner = owner;
  }

  /** The next iteration's index. */
  public final int iteration() {
    return iteration;
  }

  /** Moves to the next iteration; the method's {@code iterate} calls it once at its end. */
  public final void advance() {
    iteration++;
  }

  @Override
  public final List<String> counterNames() {
    return List.of("iteration");
  }

  @Override
  public final long[] counters() {
    return new long[] {iteration};
  }

  @Override
  public final void restoreCounters(long[] values) {
    AlgorithmState.checkCounters(owner, values, 1);
    iteration = AlgorithmState.iterationCounter(owner, values[0]);
  }
}
