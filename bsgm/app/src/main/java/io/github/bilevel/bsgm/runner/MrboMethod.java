package io.github.bilevel.bsgm.runner;

import io.github.bilevel.bsgm.BilevelProblem;
import io.github.bilevel.bsgm.baselines.Mrbo;

/** MRBO ({@link Mrbo}) as an {@link UpperLevelMethod}; its state: {@link Mrbo.State}. */
final class MrboMethod extends SteppedAdapter<Mrbo.State, Mrbo.Options> {

  MrboMethod(BilevelProblem problem, Mrbo.Options options) {
    super("mrbo", new Mrbo(problem, options.batch(), options.lowerBatch()), options);
  }
}
