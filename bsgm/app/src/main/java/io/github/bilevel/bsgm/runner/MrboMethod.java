package io.github.bilevel.bsgm.runner;

import io.github.bilevel.bsgm.BilevelProblem;
import io.github.bilevel.bsgm.baselines.Mrbo;

/** MRBO ({@link Mrbo}) as an {@link UpperLevelMethod}; its state: {@link Mrbo.State}. */
final class MrboMethod extends SteppedAdapter<Mrbo.State, Mrbo.Options> {

  private final Mrbo mrbo;
  private final Mrbo.Options options;

  MrboMethod(BilevelProblem problem, Mrbo.Options options) {
    this(new Mrbo(problem, options.batch(), options.lowerBatch()), options);
  }

  private MrboMethod(Mrbo mrbo, Mrbo.Options options) {
    super("mrbo", mrbo, options);
    this.mrbo = mrbo;
    this.options = options;
  }

  @Override
  public long samplesPerIteration(int iteration) {
    return mrbo.samplesPerIteration(iteration, options);
  }
}
