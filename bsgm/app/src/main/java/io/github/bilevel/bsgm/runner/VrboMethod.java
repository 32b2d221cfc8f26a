package io.github.bilevel.bsgm.runner;

import io.github.bilevel.bsgm.BilevelProblem;
import io.github.bilevel.bsgm.baselines.Vrbo;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;
import java.util.SplittableRandom;

/** VRBO ({@link Vrbo}) as an {@link UpperLevelMethod}, one outer step per iteration. */
final class VrboMethod implements UpperLevelMethod<Vrbo.State> {

  // Alike MrboMethod by shape only: an adapter over its own core class (no interface in common).

  private final Vrbo algorithm;
  private final Vrbo.Options options;
  private final Arena arena = Arena.ofShared();

  VrboMethod(BilevelProblem problem, Vrbo.Options options) {
    int large = Math.max(options.largeBatch(), options.largeLowerBatch());
    this.algorithm = new Vrbo(problem, Math.max(options.batch(), large),
        Math.max(options.lowerBatch(), large));
    this.options = options;
  }

  @Override
  public String name() {
    return "vrbo";
  }

  @Override
  public Vrbo.State init(DVector lambda) {
    return algorithm.init(arena, lambda, options);
  }

  @Override
  public long iterate(Vrbo.State state, DVector lambda, SplittableRandom random) {
    return algorithm.iterate(state, lambda, options, random);
  }

  @Override
  public double lastHypergradientNorm() {
    return algorithm.lastDirectionNorm();
  }

  @Override
  public void close() {
    algorithm.close();
    arena.close();
  }
}
