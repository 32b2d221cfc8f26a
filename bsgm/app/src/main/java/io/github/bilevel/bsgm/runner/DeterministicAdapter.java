package io.github.bilevel.bsgm.runner;

import io.github.bilevel.bsgm.BilevelProblem;
import io.github.bilevel.bsgm.baselines.Aid;
import io.github.bilevel.bsgm.baselines.DeterministicOptions;
import io.github.bilevel.bsgm.baselines.Itd;
import io.github.bilevel.bsgm.baselines.SteppedMethod;
import io.github.bilevel.bsgm.IterationState;
import java.util.function.IntToLongFunction;

/**
 * The deterministic baselines AID and ITD ({@link Aid}, {@link Itd}) as
 * {@link UpperLevelMethod}s: every iteration reads the full data; their states are the methods'
 * own.
 */
final class DeterministicAdapter<S extends IterationState>
    extends SteppedAdapter<S, DeterministicOptions> {

  private final IntToLongFunction samples;

  private DeterministicAdapter(String name, SteppedMethod<S, DeterministicOptions> method,
      DeterministicOptions options, IntToLongFunction samples) {
    super(name, method, options);
    this.samples = samples;
  }

  /** AID with {@code options}, under the command-line name {@code name}. */
  static DeterministicAdapter<Aid.State> aid(String name, BilevelProblem problem,
      DeterministicOptions options) {
    Aid aid = new Aid(problem);
    return new DeterministicAdapter<>(name, aid, options,
        k -> aid.samplesPerIteration(k, options));
  }

  /** ITD with {@code options}. */
  static DeterministicAdapter<Itd.State> itd(BilevelProblem problem,
      DeterministicOptions options) {
    Itd itd = new Itd(problem);
    return new DeterministicAdapter<>("itd", itd, options,
        k -> itd.samplesPerIteration(k, options));
  }

  /** What {@link #iterate} uses (for AID with conjugate gradient an upper bound). */
  @Override
  public long samplesPerIteration(int iteration) {
    return samples.applyAsLong(iteration);
  }
}
