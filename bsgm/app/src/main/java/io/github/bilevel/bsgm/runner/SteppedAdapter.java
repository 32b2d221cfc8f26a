package io.github.bilevel.bsgm.runner;

import io.github.bilevel.bsgm.AlgorithmState;
import io.github.bilevel.bsgm.baselines.SteppedMethod;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;
import java.util.SplittableRandom;

/**
 * A core {@link SteppedMethod} with fixed options as an {@link UpperLevelMethod}; its states live
 * in an arena of the adapter's own, freed with it.
 */
abstract class SteppedAdapter<S extends AlgorithmState, O> implements UpperLevelMethod<S> {

  private final String name;
  private final SteppedMethod<S, O> algorithm;
  private final O options;
  private final Arena arena = Arena.ofShared();

  SteppedAdapter(String name, SteppedMethod<S, O> algorithm, O options) {
    this.name = name;
    this.algorithm = algorithm;
    this.options = options;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public S init(DVector lambda) {
    return algorithm.init(arena, lambda, options);
  }

  @Override
  public long iterate(S state, DVector lambda, SplittableRandom random) {
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
