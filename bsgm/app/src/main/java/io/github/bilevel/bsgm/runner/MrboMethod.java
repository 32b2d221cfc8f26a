package io.github.bilevel.bsgm.runner;

import io.github.bilevel.bsgm.BilevelProblem;
import io.github.bilevel.bsgm.baselines.Mrbo;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;
import java.util.SplittableRandom;

/** MRBO ({@link Mrbo}) as an {@link UpperLevelMethod}; its state: {@link Mrbo.State}. */
final class MrboMethod implements UpperLevelMethod<Mrbo.State> {

  // Alike VrboMethod by shape only: an adapter over its own core class (no interface in common).

  private final Mrbo algorithm;
  private final Mrbo.Options options;
  private final Arena arena = Arena.ofShared();

  MrboMethod(BilevelProblem problem, Mrbo.Options options) {
    this.algorithm = new Mrbo(problem, options.batch(), options.lowerBatch());
    this.options = options;
  }

  @Override
  public String name() {
    return "mrbo";
  }

  @Override
  public Mrbo.State init(DVector lambda) {
    return algorithm.init(arena, lambda, options);
  }

  @Override
  public long iterate(Mrbo.State state, DVector lambda, SplittableRandom random) {
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
