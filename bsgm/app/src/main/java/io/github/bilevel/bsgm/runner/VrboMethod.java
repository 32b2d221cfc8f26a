package io.github.bilevel.bsgm.runner;

import io.github.bilevel.bsgm.BilevelProblem;
import io.github.bilevel.bsgm.baselines.Vrbo;

/** VRBO ({@link Vrbo}) as an {@link UpperLevelMethod}, one outer step per iteration. */
final class VrboMethod extends SteppedAdapter<Vrbo.State, Vrbo.Options> {

  private final Vrbo vrbo;
  private final Vrbo.Options options;

  VrboMethod(BilevelProblem problem, Vrbo.Options options) {
    this(new Vrbo(problem, capacity(options.batch(), options),
        capacity(options.lowerBatch(), options)), options);
  }

  private VrboMethod(Vrbo vrbo, Vrbo.Options options) {
    super("vrbo", vrbo, options);
    this.vrbo = vrbo;
    this.options = options;
  }

  /** Room for the small batch and both large ones. */
  private static int capacity(int small, Vrbo.Options options) {
    return Math.max(small, Math.max(options.largeBatch(), options.largeLowerBatch()));
  }

  @Override
  public long samplesPerIteration(int iteration) {
    return vrbo.samplesPerIteration(iteration, options);
  }
}
