package io.github.bilevel.bsgm.runner;

import io.github.bilevel.bsgm.BilevelProblem;
import io.github.bilevel.bsgm.Bsgm;
import io.github.bilevel.bsgm.StopCheck;
import io.github.bilevel.kernels.DVector;
import java.util.SplittableRandom;

/** BSGM ({@link Bsgm}) as an {@link UpperLevelMethod}: no warm start, its state a counter. */
public final class BsgmMethod implements UpperLevelMethod<Bsgm.State> {

  private final Bsgm bsgm;
  private final Bsgm.Options options;

  /** BSGM on {@code problem}, with batches up to {@code maxBatch} and the given options. */
  public BsgmMethod(BilevelProblem problem, int maxBatch, Bsgm.Options options) {
    this.bsgm = new Bsgm(problem, maxBatch, options.lowerBatch());
    this.options = options;
  }

  @Override
  public String name() {
    return "bsgm";
  }

  @Override
  public Bsgm.State init(DVector lambda) {
    return bsgm.init();
  }

  @Override
  public long iterate(Bsgm.State state, DVector lambda, SplittableRandom random) {
    return bsgm.iterate(state, lambda, options, random);
  }

  @Override
  public long samplesPerIteration(int iteration) {
    return bsgm.samplesPerIteration(iteration, options);
  }

  @Override
  public void stopWhen(StopCheck check) {
    bsgm.stopWhen(check);
  }

  @Override
  public double lastHypergradientNorm() {
    return bsgm.lastHypergradientNorm();
  }

  @Override
  public void close() {
    bsgm.close();
  }
}
