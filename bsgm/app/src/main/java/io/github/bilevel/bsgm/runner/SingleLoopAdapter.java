package io.github.bilevel.bsgm.runner;

import io.github.bilevel.bsgm.BilevelProblem;
import io.github.bilevel.bsgm.IterationState;
import io.github.bilevel.bsgm.baselines.Fsla;
import io.github.bilevel.bsgm.baselines.Saba;
import io.github.bilevel.bsgm.baselines.SingleLoopOptions;
import io.github.bilevel.bsgm.baselines.Soba;
import io.github.bilevel.bsgm.baselines.Srba;
import io.github.bilevel.bsgm.baselines.SteppedMethod;
import io.github.bilevel.bsgm.baselines.Ttsa;
import java.util.function.IntToLongFunction;

/**
 * SOBA, SABA and SRBA ({@link Soba}, {@link Saba}, {@link Srba}), TTSA and FSLA ({@link Ttsa},
 * {@link Fsla}) as {@link UpperLevelMethod}s, one step of {@code z}, ({@code v}) and {@code λ}
 * per iteration; their states are the methods' own.
 */
final class SingleLoopAdapter<S extends IterationState>
    extends SteppedAdapter<S, SingleLoopOptions> {

  private final IntToLongFunction samples;

  private SingleLoopAdapter(String name, SteppedMethod<S, SingleLoopOptions> method,
      SingleLoopOptions options, IntToLongFunction samples) {
    super(name, method, options);
    this.samples = samples;
  }

  /** SOBA with {@code options}. */
  static SingleLoopAdapter<Soba.State> soba(BilevelProblem problem, SingleLoopOptions options) {
    Soba soba = new Soba(problem, options.batch(), options.lowerBatch());
    return new SingleLoopAdapter<>("soba", soba, options,
        k -> soba.samplesPerIteration(k, options));
  }

  /** SABA with {@code options}. */
  static SingleLoopAdapter<Saba.State> saba(BilevelProblem problem, SingleLoopOptions options) {
    Saba saba = new Saba(problem, options.batch(), options.lowerBatch());
    return new SingleLoopAdapter<>("saba", saba, options,
        k -> saba.samplesPerIteration(k, options));
  }

  /** SRBA with {@code options}. */
  static SingleLoopAdapter<Srba.State> srba(BilevelProblem problem, SingleLoopOptions options) {
    Srba srba = new Srba(problem, options.batch(), options.lowerBatch());
    return new SingleLoopAdapter<>("srba", srba, options,
        k -> srba.samplesPerIteration(k, options));
  }

  /** TTSA with {@code options}. */
  static SingleLoopAdapter<Ttsa.State> ttsa(BilevelProblem problem, SingleLoopOptions options) {
    Ttsa ttsa = new Ttsa(problem, options.batch(), options.lowerBatch());
    return new SingleLoopAdapter<>("ttsa", ttsa, options,
        k -> ttsa.samplesPerIteration(k, options));
  }

  /** FSLA with {@code options}. */
  static SingleLoopAdapter<Fsla.State> fsla(BilevelProblem problem, SingleLoopOptions options) {
    Fsla fsla = new Fsla(problem, options.batch(), options.lowerBatch());
    return new SingleLoopAdapter<>("fsla", fsla, options,
        k -> fsla.samplesPerIteration(k, options));
  }

  /** What {@link #iterate} uses (for SABA an upper bound: its last block may be smaller; for TTSA's random truncation
   * too). */
  @Override
  public long samplesPerIteration(int iteration) {
    return samples.applyAsLong(iteration);
  }
}
