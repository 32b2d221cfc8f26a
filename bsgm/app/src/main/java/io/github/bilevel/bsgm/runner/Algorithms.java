package io.github.bilevel.bsgm.runner;

import io.github.bilevel.bsgm.BilevelProblem;
import io.github.bilevel.bsgm.Bsgm;
import io.github.bilevel.bsgm.IterationSchedule;
import io.github.bilevel.bsgm.StepSchedule;
import io.github.bilevel.bsgm.baselines.Budget;
import io.github.bilevel.bsgm.baselines.Mrbo;
import io.github.bilevel.bsgm.baselines.Vrbo;
import io.github.bilevel.bsgm.baselines.WarmStartBilevel;
import io.github.bilevel.kernels.Buffers;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The algorithms of {@code bin/bsgm run} on an ordinary {@link BilevelProblem}: BSGM, the
 * warm-start presets of {@link WarmStartBilevel}, {@link Mrbo} and {@link Vrbo}, each as an
 * {@link UpperLevelMethod} whose state a checkpoint can hold.
 */
public final class Algorithms {

  /** Every algorithm's command-line name. */
  public static final List<String> ALL = List.of("bsgm", "stocbio", "amigo", "alset",
      "alset-dagger", "bsa", "mrbo", "vrbo");

  private Algorithms() {}

  /**
   * A workload's defaults for the algorithms.
   *
   * @param alpha      upper-level step of BSGM and the presets
   * @param t          lower-level steps of the presets with a fixed {@code t}
   * @param k          linear-system steps of the presets
   * @param batch      upper-level batch {@code J} of the presets and BSGM's fixed schedule
   * @param bsgm       BSGM's schedule
   * @param steps      the decreasing KM steps (BSGM, BSA)
   * @param constantStep the constant KM step of the warm-start presets
   * @param lowerBatch   samples {@code b} per KM step (LL and LS) of BSGM and the presets
   */
  public record Defaults(double alpha, int t, int k, int batch, IterationSchedule bsgm,
      StepSchedule steps, double constantStep, int lowerBatch) {

    public Defaults {
      if (lowerBatch < 1) {
        throw new IllegalArgumentException("the default lower batch must be >= 1, got "
            + lowerBatch);
      }
    }

    /** Defaults with one sample per KM step ({@code lowerBatch = 1}). */
    public Defaults(double alpha, int t, int k, int batch, IterationSchedule bsgm,
        StepSchedule steps, double constantStep) {
      this(alpha, t, k, batch, bsgm, steps, constantStep, 1);
    }
  }

  /**
   * The method called {@code name} on {@code problem}.
   *
   * @throws IllegalArgumentException naming an unknown algorithm
   */
  public static UpperLevelMethod create(String name, BilevelProblem problem, Defaults defaults,
      MethodOverrides overrides) {
    double alpha = overrides.alphaOr(defaults.alpha());
    int t = overrides.tOr(defaults.t());
    int k = overrides.kOr(defaults.k());
    int batch = overrides.batchOr(defaults.batch());
    int maxBatch = Math.max(batch, 4096);
    return switch (name) {
      case "bsgm" -> {
        IterationSchedule schedule = overrides.t() == null && overrides.k() == null
            && overrides.batch() == null ? defaults.bsgm() : IterationSchedule.fixed(t, k, batch);
        yield new BsgmMethod(problem, 1 << 16, new Bsgm.Options(alpha, schedule,
            defaults.lowerBatch(),
            defaults.steps(), Integer.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, null));
      }
      case "stocbio", "amigo", "alset", "alset-dagger", "bsa" -> {
        WarmStartBilevel.Preset preset = WarmStartBilevel.Preset.fromName(name);
        WarmStartBilevel.Builder builder = WarmStartBilevel.Options.builder(preset).alpha(alpha)
            .budget(Budget.iterations(Integer.MAX_VALUE)).lowerBatch(defaults.lowerBatch());
        switch (preset) {
          case STOCBIO, AMIGO -> builder.fixed(t, k, batch)
              .lowerSteps(StepSchedule.constant(defaults.constantStep()))
              .linearSteps(StepSchedule.constant(defaults.constantStep()));
          case ALSET -> builder.fixed(1, k, 1)
              .lowerSteps(StepSchedule.constant(defaults.constantStep()));
          case ALSET_DAGGER -> builder.lowerSteps(StepSchedule.constant(defaults.constantStep()))
              .linearSteps(StepSchedule.constant(defaults.constantStep()));
          case BSA -> builder.lowerSteps(defaults.steps());
          default -> { }
        }
        yield new WarmStartMethod(name, problem, maxBatch, defaults.lowerBatch(),
            builder.build());
      }
      case "mrbo" -> new MrboMethod(problem, Mrbo.Options.builder().batch(1).lowerBatch(1)
          .neumannTerms(Math.max(1, k)).budget(Budget.iterations(Integer.MAX_VALUE)).build());
      case "vrbo" -> new VrboMethod(problem, Vrbo.Options.builder()
          .neumannTerms(Math.max(1, k)).budget(Budget.iterations(Integer.MAX_VALUE)).build());
      default -> throw new IllegalArgumentException("unknown algorithm '" + name + "'; known: "
          + String.join(", ", ALL));
    };
  }

  /** A warm-start preset, one iteration at a time; its state: warm {@code w}, {@code v}, clocks. */
  static final class WarmStartMethod implements UpperLevelMethod {
    private final String name;
    private final WarmStartBilevel algorithm;
    private final WarmStartBilevel.Options options;
    private final Arena arena = Arena.ofShared();
    private final DVector clocks;
    private final List<DVector> state = new ArrayList<>();
    private final long warmBytes;

    WarmStartMethod(String name, BilevelProblem problem, int maxBatch, int maxLowerBatch,
        WarmStartBilevel.Options options) {
      this.name = name;
      this.algorithm = new WarmStartBilevel(problem, maxBatch, maxLowerBatch);
      this.options = options;
      algorithm.reset();
      clocks = Buffers.vector(arena, 2);
      if (options.lowerStart() == WarmStartBilevel.Start.WARM) {
        state.add(algorithm.lowerIterate());
      }
      if (options.linearStart() == WarmStartBilevel.Start.WARM) {
        state.add(algorithm.linearIterate());
      }
      state.add(clocks);
      warmBytes = algorithm.warmStartBytes(options);
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public long iterate(int s, DVector lambda, SplittableRandom random) {
      algorithm.restoreClocks((long) clocks.get(0), (long) clocks.get(1));
      long samples = algorithm.iterate(s, lambda, options, random);
      long[] now = algorithm.clocks();
      clocks.set(0, now[0]);
      clocks.set(1, now[1]);
      return samples;
    }

    @Override
    public double lastHypergradientNorm() {
      return algorithm.lastHypergradientNorm();
    }

    @Override
    public List<DVector> state() {
      return state;
    }

    @Override
    public long stateBytes() {
      return warmBytes;
    }

    @Override
    public void close() {
      algorithm.close();
      arena.close();
    }
  }

  /** MRBO, one iteration at a time. */
  static final class MrboMethod implements UpperLevelMethod {
    private final Mrbo algorithm;
    private final Mrbo.Options options;
    private boolean started;

    MrboMethod(BilevelProblem problem, Mrbo.Options options) {
      this.algorithm = new Mrbo(problem, options.batch(), options.lowerBatch());
      this.options = options;
    }

    @Override
    public String name() {
      return "mrbo";
    }

    @Override
    public long iterate(int s, DVector lambda, SplittableRandom random) {
      if (!started && s == 0) {
        algorithm.start(lambda, options);
      }
      started = true;
      return algorithm.iterate(s, lambda, options, random);
    }

    @Override
    public double lastHypergradientNorm() {
      return algorithm.lastDirectionNorm();
    }

    @Override
    public List<DVector> state() {
      return algorithm.state();
    }

    @Override
    public void close() {
      algorithm.close();
    }
  }

  /** VRBO, one outer iteration at a time. */
  static final class VrboMethod implements UpperLevelMethod {
    private final Vrbo algorithm;
    private final Vrbo.Options options;
    private boolean started;

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
    public long iterate(int s, DVector lambda, SplittableRandom random) {
      if (!started && s == 0) {
        algorithm.start(lambda, options);
      }
      started = true;
      return algorithm.iterate(s, lambda, options, random);
    }

    @Override
    public double lastHypergradientNorm() {
      return algorithm.lastDirectionNorm();
    }

    @Override
    public List<DVector> state() {
      return algorithm.state();
    }

    @Override
    public void close() {
      algorithm.close();
    }
  }
}
