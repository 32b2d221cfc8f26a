package io.github.bilevel.bsgm.runner;

import io.github.bilevel.bsgm.BilevelProblem;
import io.github.bilevel.bsgm.IterationState;
import io.github.bilevel.bsgm.baselines.Bome;
import io.github.bilevel.bsgm.baselines.F2sa;
import io.github.bilevel.bsgm.baselines.Fsla;
import io.github.bilevel.bsgm.baselines.Saba;
import io.github.bilevel.bsgm.baselines.SingleLoopOptions;
import io.github.bilevel.bsgm.baselines.Soba;
import io.github.bilevel.bsgm.baselines.Srba;
import io.github.bilevel.bsgm.baselines.Sustain;
import io.github.bilevel.bsgm.baselines.SteppedMethod;
import io.github.bilevel.bsgm.baselines.Ttsa;
import java.util.function.IntToLongFunction;

/**
 * SOBA, SABA and SRBA ({@link Soba}, {@link Saba}, {@link Srba}), TTSA and FSLA ({@link Ttsa},
 * {@link Fsla}), SUSTAIN, F2SA and BOME ({@link Sustain}, {@link F2sa}, {@link Bome}) as
 * {@link UpperLevelMethod}s, one step of {@code λ} per iteration; their states are the methods'
 * own.
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

  /** SUSTAIN with {@code options}. */
  static SingleLoopAdapter<Sustain.State> sustain(BilevelProblem problem,
      SingleLoopOptions options) {
    Sustain sustain = new Sustain(problem, options.batch(), options.lowerBatch());
    return new SingleLoopAdapter<>("sustain", sustain, options,
        k -> sustain.samplesPerIteration(k, options));
  }

  /**
   * F2SA with {@code innerSteps} steps of {@code y} and {@code z} per iteration and benchopt's
   * penalty, {@code ν_0 = 1} growing by {@code 0.1/(k + 1)^{1/7}}.
   *
   * @throws IllegalArgumentException if {@code problem} has no argmin form
   */
  static SingleLoopAdapter<F2sa.State> f2sa(BilevelProblem problem, int innerSteps,
      SingleLoopOptions options) {
    F2sa f2sa = new F2sa(problem, options.batch(), options.lowerBatch(), innerSteps, 1.0, 0.1);
    return new SingleLoopAdapter<>("f2sa", f2sa, options,
        k -> f2sa.samplesPerIteration(k, options));
  }

  /**
   * BOME with {@code innerSteps} gradient steps towards {@code argmin G} and benchopt's control
   * weight {@code c = 0.5}.
   *
   * @throws IllegalArgumentException if {@code problem} has no argmin form
   */
  static SingleLoopAdapter<Bome.State> bome(BilevelProblem problem, int innerSteps,
      SingleLoopOptions options) {
    Bome bome = new Bome(problem, options.batch(), options.lowerBatch(), innerSteps, 0.5);
    return new SingleLoopAdapter<>("bome", bome, options,
        k -> bome.samplesPerIteration(k, options));
  }

  /**
   * What {@link #iterate} uses (for SABA an upper bound: its last block may be smaller; for
   * TTSA's random truncation too).
   */
  @Override
  public long samplesPerIteration(int iteration) {
    return samples.applyAsLong(iteration);
  }
}
