package io.github.bilevel.bsgm.runner;

import io.github.bilevel.bsgm.BilevelProblem;
import io.github.bilevel.bsgm.baselines.WarmStartBilevel;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;
import java.util.SplittableRandom;

/**
 * A warm-start preset of {@link WarmStartBilevel} as an {@link UpperLevelMethod}; its state:
 * the warm {@code w}, {@code v}, the iteration counter and the step clocks.
 */
final class WarmStartMethod implements UpperLevelMethod<WarmStartBilevel.State> {

  private final String name;
  private final WarmStartBilevel algorithm;
  private final WarmStartBilevel.Options options;
  private final Arena arena = Arena.ofShared();

  WarmStartMethod(String name, BilevelProblem problem, int maxBatch, int maxLowerBatch,
      WarmStartBilevel.Options options) {
    this.name = name;
    this.algorithm = new WarmStartBilevel(problem, maxBatch, maxLowerBatch);
    this.options = options;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public WarmStartBilevel.State init(DVector lambda) {
    return algorithm.init(arena, options);
  }

  @Override
  public long iterate(WarmStartBilevel.State state, DVector lambda, SplittableRandom random) {
    return algorithm.iterate(state, lambda, options, random);
  }

  @Override
  public double lastHypergradientNorm() {
    return algorithm.lastHypergradientNorm();
  }

  @Override
  public void close() {
    algorithm.close();
    arena.close();
  }
}
