package io.github.bilevel.bsgm.runner;

import io.github.bilevel.bsgm.BilevelProblem;
import io.github.bilevel.bsgm.IterationSchedule;
import io.github.bilevel.bsgm.SampleCounts;
import io.github.bilevel.bsgm.StopCheck;
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
  private final BilevelProblem problem;
  private final Arena arena = Arena.ofShared();

  WarmStartMethod(String name, BilevelProblem problem, int maxBatch, int maxLowerBatch,
      WarmStartBilevel.Options options) {
    this.name = name;
    this.algorithm = new WarmStartBilevel(problem, maxBatch, maxLowerBatch);
    this.options = options;
    this.problem = problem;
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

  /** SID's count for the schedule's {@code t_s, k_s, J_s} (BSA's random truncation: at most k). */
  @Override
  public long samplesPerIteration(int iteration) {
    IterationSchedule schedule = options.schedule();
    return SampleCounts.sid(schedule.lowerSteps(iteration), schedule.linearSteps(iteration),
        schedule.batch(iteration), options.lowerBatch(), options.fullBatch(),
        problem.lowerSamples(), problem.upperSamples());
  }

  @Override
  public void stopWhen(StopCheck check) {
    algorithm.stopWhen(check);
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
