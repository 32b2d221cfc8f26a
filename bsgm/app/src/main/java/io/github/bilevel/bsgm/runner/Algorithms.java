package io.github.bilevel.bsgm.runner;

import io.github.bilevel.bsgm.BilevelProblem;
import io.github.bilevel.bsgm.Bsgm;
import io.github.bilevel.bsgm.IterationSchedule;
import io.github.bilevel.bsgm.SeparableHypergradient;
import io.github.bilevel.bsgm.SeparableProblem;
import io.github.bilevel.bsgm.StepSchedule;
import io.github.bilevel.bsgm.Budget;
import io.github.bilevel.bsgm.baselines.DeterministicOptions;
import io.github.bilevel.bsgm.baselines.Mrbo;
import io.github.bilevel.bsgm.baselines.SingleLoopOptions;
import io.github.bilevel.bsgm.baselines.Vrbo;
import io.github.bilevel.bsgm.baselines.WarmStartBilevel;
import io.github.bilevel.bsgm.baselines.WarmStartBuilder;
import io.github.bilevel.bsgm.baselines.WarmStartPreset;
import io.github.bilevel.bsgm.runner.AlgorithmRegistry.Entry;
import io.github.bilevel.bsgm.runner.MethodOverrides.Setting;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * The algorithms of {@code bin/bsgm run}, one registry per kind of problem: {@link #BILEVEL} on an
 * ordinary {@link BilevelProblem} (BSGM, the warm-start presets of {@link WarmStartBilevel},
 * {@link Mrbo}, {@link Vrbo}, SOBA, SABA, SRBA, TTSA, FSLA, SUSTAIN, F2SA and BOME of
 * {@link SingleLoopOptions} (F2SA and BOME on a problem implementing
 * {@link io.github.bilevel.bsgm.LowerObjective} only), AID and ITD of
 * {@link DeterministicOptions}) and {@link #SEPARABLE} on a {@link SeparableProblem} (BSGM and its
 * warm-start variants, {@link SeparableMethod}). Each entry lists the settings it reads; an
 * override of any other is rejected.
 */
public final class Algorithms {

  // every setting but the single-loop methods' ρ
  private static final Set<Setting> ALL_SETTINGS = EnumSet.of(Setting.ALPHA, Setting.T,
      Setting.K, Setting.BATCH);
  private static final Set<Setting> SINGLE_LOOP_SETTINGS = EnumSet.of(Setting.ALPHA,
      Setting.BATCH, Setting.RHO);
  private static final Set<Setting> TTSA_SETTINGS = EnumSet.of(Setting.ALPHA, Setting.BATCH,
      Setting.K, Setting.RHO);
  private static final Set<Setting> ARGMIN_SETTINGS = EnumSet.of(Setting.ALPHA, Setting.BATCH,
      Setting.T, Setting.RHO);
  private static final Set<Setting> AID_SETTINGS = EnumSet.of(Setting.ALPHA, Setting.T,
      Setting.K);

  /**
   * A workload's defaults for the algorithms on a {@link BilevelProblem}.
   *
   * @param alpha      upper-level step of BSGM and the presets
   * @param t          lower-level steps of the presets with a fixed {@code t}
   * @param k          linear-system steps of the presets, and MRBO's and VRBO's {@code Q}
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
   * A workload's defaults for one algorithm on a {@link SeparableProblem}.
   *
   * @param t     lower-level KM steps per iteration
   * @param k     linear-system KM steps per iteration
   * @param eta   the constant KM step of both solvers
   * @param batch tasks per upper-level batch {@code J}
   * @param alpha the upper-level step
   * @param block tasks per block of a batch ({@link SeparableHypergradient}; 0: the batch)
   * @param cluster the estimator on a cluster for a block size, or null to run on this JVM
   */
  public record SeparableDefaults(int t, int k, double eta, int batch, double alpha, int block,
      IntFunction<SeparableHypergradient> cluster) {

    /** Defaults that run on this JVM with one block per batch. */
    public SeparableDefaults(int t, int k, double eta, int batch, double alpha) {
      this(t, k, eta, batch, alpha, 0, null);
    }
  }

  /** The algorithms on an ordinary bilevel problem. */
  public static final AlgorithmRegistry<BilevelProblem, Defaults> BILEVEL =
      new AlgorithmRegistry<>("a bilevel problem",
          new Entry<>("bsgm", "BSGM: SID from zero at every iteration; the workload's schedule,"
              + " or fixed t, k, J when any of --t, --k, --batch is given", ALL_SETTINGS,
              Algorithms::bsgm),
          warmStart(WarmStartPreset.STOCBIO, "StocBiO: warm w, Neumann series for v",
              ALL_SETTINGS),
          warmStart(WarmStartPreset.AMIGO, "AmIGO: warm w and v, SGD on the linear system",
              ALL_SETTINGS),
          warmStart(WarmStartPreset.ALSET, "ALSET: warm w, one LL step, J = 1, Neumann for v",
              EnumSet.of(Setting.ALPHA, Setting.K)),
          warmStart(WarmStartPreset.ALSET_DAGGER, "ALSET†: warm w and v, one LL and one LS"
              + " KM step, J = 1", EnumSet.of(Setting.ALPHA)),
          warmStart(WarmStartPreset.BSA, "BSA: w from 0, t_s = ⌈√(s+1)⌉, randomly truncated"
              + " Neumann series (k = 10, J = 1)", EnumSet.of(Setting.ALPHA)),
          new Entry<>("mrbo", "MRBO: STORM momentum on the residual and the hypergradient;"
              + " --k is its Q, --batch its b = J (default 1)", EnumSet.of(Setting.K,
                  Setting.BATCH),
              (problem, defaults, overrides) -> new MrboMethod(problem, Mrbo.Options.builder()
                  .batch(overrides.batchOr(1)).lowerBatch(overrides.batchOr(1))
                  .neumannTerms(overrides.kOr(defaults.k()))
                  .budget(Budget.unlimited()).build())),
          new Entry<>("vrbo", "VRBO: SARAH/SPIDER estimates with periodic large batches;"
              + " --k is its Q", EnumSet.of(Setting.K),
              (problem, defaults, overrides) -> new VrboMethod(problem, Vrbo.Options.builder()
                  .neumannTerms(overrides.kOr(defaults.k())).budget(Budget.unlimited())
                  .build())),
          new Entry<>("soba", "SOBA: one joint KM step of z, v and λ per iteration, steps"
              + " ρ/√(k+1) and --alpha/√(k+1); --batch is b = J", SINGLE_LOOP_SETTINGS,
              (problem, defaults, overrides) -> SingleLoopAdapter.soba(problem,
                  singleLoop(problem, defaults, overrides, 0.5, 1).build())),
          new Entry<>("saba", "SABA: SOBA with SAGA memories per block of b samples, constant"
              + " steps ρ/2 and --alpha; --batch is b = J", SINGLE_LOOP_SETTINGS,
              (problem, defaults, overrides) -> SingleLoopAdapter.saba(problem,
                  singleLoop(problem, defaults, overrides, 0, 0.5).build())),
          new Entry<>("srba", "SRBA: SOBA with SARAH recursions restarted from full batches"
              + " every (N_ξ + N_ζ)/(2b) iterations, constant steps; --batch is b = J",
              SINGLE_LOOP_SETTINGS, (problem, defaults, overrides) -> SingleLoopAdapter.srba(
                  problem, singleLoop(problem, defaults, overrides, 0, 1).build())),
          new Entry<>("ttsa", "TTSA: one KM step of z, then λ along a randomly truncated"
              + " Neumann series of --k terms (η = ρ), steps ρ/(k+1)^0.4 and --alpha/(k+1)^0.6;"
              + " --batch is b = J", TTSA_SETTINGS,
              (problem, defaults, overrides) -> SingleLoopAdapter.ttsa(problem,
                  singleLoop(problem, defaults, overrides, 0.4, 1).gammaExponent(0.6)
                      .neumannTerms(overrides.kOr(defaults.k())).randomTruncation(true)
                      .build())),
          new Entry<>("fsla", "FSLA: KM steps of z and v, λ along a STORM momentum of the"
              + " hypergradient (weight ρ_k), steps min(ρ, 1)/√(k+1) and --alpha/√(k+1);"
              + " --batch is b = J", SINGLE_LOOP_SETTINGS,
              (problem, defaults, overrides) -> SingleLoopAdapter.fsla(problem,
                  singleLoop(problem, defaults, overrides, 0.5, 1)
                      .rho(overrides.rhoOr(Math.min(1.0, defaults.constantStep()))).build())),
          new Entry<>("sustain", "SUSTAIN: STORM momenta on the residual and on a randomly"
              + " truncated Neumann hypergradient of --k terms (weight ρ_k), steps"
              + " min(ρ, 1)/(k+1)^(1/3) and --alpha/(k+1)^(1/3); --batch is b = J",
              TTSA_SETTINGS, (problem, defaults, overrides) -> SingleLoopAdapter.sustain(problem,
                  singleLoop(problem, defaults, overrides, 1.0 / 3, 1)
                      .rho(overrides.rhoOr(Math.min(1.0, defaults.constantStep())))
                      .neumannTerms(overrides.kOr(defaults.k())).randomTruncation(true)
                      .build())),
          new Entry<>("f2sa", "F2SA: --t steps on y (penalized) and z per iteration, λ along"
              + " ∇₂E + ν(∇₂G(y) − ∇₂G(z)), ν from 1 growing by 0.1/(k+1)^(1/7), steps"
              + " ρ/(k+1)^(4/7) and --alpha/(k+1)^(4/7); --batch is b = J; argmin-form"
              + " problems only", ARGMIN_SETTINGS,
              (problem, defaults, overrides) -> SingleLoopAdapter.f2sa(problem,
                  overrides.tOr(defaults.t()), singleLoop(problem, defaults, overrides,
                      4.0 / 7, 1).build())),
          new Entry<>("bome", "BOME: --t gradient steps towards argmin G, then w and λ along"
              + " ∇E + μ∇q with the ‖∇q‖² control (c = 0.5), constant steps ρ and --alpha;"
              + " --batch is b = J; argmin-form problems only", ARGMIN_SETTINGS,
              (problem, defaults, overrides) -> SingleLoopAdapter.bome(problem,
                  overrides.tOr(defaults.t()), singleLoop(problem, defaults, overrides, 0, 1)
                      .build())),
          new Entry<>("aid", "AID: warm w and v, t fixed-point steps, k conjugate-gradient"
              + " steps on (I − ∂₁Φ)ᵀv = ∇₁E (symmetric maps), full data", AID_SETTINGS,
              (problem, defaults, overrides) -> DeterministicAdapter.aid("aid", problem,
                  deterministic(defaults, overrides)
                      .linearSolver(DeterministicOptions.LinearSolver.CONJUGATE_GRADIENT)
                      .build())),
          new Entry<>("aid-fp", "AID: warm w and v, t fixed-point steps, k fixed-point steps"
              + " on the linear system, full data", AID_SETTINGS,
              (problem, defaults, overrides) -> DeterministicAdapter.aid("aid-fp", problem,
                  deterministic(defaults, overrides)
                      .linearSolver(DeterministicOptions.LinearSolver.FIXED_POINT).build())),
          new Entry<>("itd", "ITD: reverse mode through t fixed-point steps from the last w,"
              + " full data", EnumSet.of(Setting.ALPHA, Setting.T),
              (problem, defaults, overrides) -> DeterministicAdapter.itd(problem,
                  deterministic(defaults, overrides).build())));

  /** The algorithms on a separable problem (every one reads all four settings). */
  public static final AlgorithmRegistry<SeparableProblem, SeparableDefaults> SEPARABLE =
      new AlgorithmRegistry<>("a separable problem",
          separable("bsgm", "BSGM: every task's SID from zero"),
          separable("stocbio", "warm lower-level state per task"),
          separable("amigo", "warm lower-level state and linear-system solution per task"),
          separable("alset", "warm lower-level state per task"),
          separable("alset-dagger", "warm lower-level state and linear-system solution per"
              + " task"));

  /**
   * The algorithms that need the argmin form of the lower level
   * ({@link io.github.bilevel.bsgm.LowerObjective}, docs/mathematics.md §4.8).
   */
  public static final List<String> ARGMIN_FORM = List.of("f2sa", "bome");

  /**
   * The algorithms on a bilevel problem whose lower level is a contraction without the argmin
   * form: {@link #BILEVEL} less {@link #ARGMIN_FORM}.
   */
  public static final AlgorithmRegistry<BilevelProblem, Defaults> CONTRACTION =
      BILEVEL.without("a bilevel problem without the argmin form (no LowerObjective)",
          ARGMIN_FORM);

  /** Every algorithm's command-line name on an ordinary bilevel problem. */
  public static final List<String> ALL = BILEVEL.names();

  /** Why only BSGM runs on a cluster. */
  public static final String CLUSTER_BSGM_ONLY = "only bsgm runs on a cluster: the warm-start"
      + " variants read and write one stored state per task on the driver at every iteration";

  private Algorithms() {}

  /**
   * The method called {@code name} on {@code problem} ({@link #BILEVEL}).
   *
   * @throws IllegalArgumentException naming an unknown algorithm, or an override it does not use
   */
  public static UpperLevelMethod<?> create(String name, BilevelProblem problem,
      Defaults defaults, MethodOverrides overrides) {
    return BILEVEL.create(name, problem, defaults, overrides);
  }

  private static UpperLevelMethod<?> bsgm(BilevelProblem problem, Defaults defaults,
      MethodOverrides overrides) {
    IterationSchedule schedule = overrides.t() == null && overrides.k() == null
        && overrides.batch() == null ? defaults.bsgm()
        : IterationSchedule.fixed(overrides.tOr(defaults.t()), overrides.kOr(defaults.k()),
            overrides.batchOr(defaults.batch()));
    return new BsgmMethod(problem, 1 << 16, Bsgm.Options.of(overrides.alphaOr(defaults.alpha()),
        schedule, defaults.lowerBatch(), defaults.steps()));
  }

  /**
   * The settings of SOBA, SABA and SRBA (docs/mathematics.md §4.5; TTSA and FSLA of §4.7,
   * SUSTAIN, F2SA and BOME of §4.8 adjust them) from a workload's defaults,
   * as benchopt sets them: {@code ρ} given by {@code --rho}, else the warm-start presets'
   * constant KM step times {@code rhoFactor} (SABA takes half of it: its memories lag behind
   * {@code z}, and the full step can diverge where the plain iteration converges), {@code γ = α},
   * {@code b = J = --batch}, both steps decaying like {@code (k + 1)^−exponent}, and SRBA's
   * period {@code ⌊(N_ξ + N_ζ)/(2b)⌋} (at least 1).
   */
  private static SingleLoopOptions.Builder singleLoop(BilevelProblem problem, Defaults defaults,
      MethodOverrides overrides, double exponent, double rhoFactor) {
    int batch = overrides.batchOr(defaults.batch());
    long period = ((long) problem.lowerSamples() + problem.upperSamples()) / (2L * batch);
    return SingleLoopOptions.builder().rho(overrides.rhoOr(rhoFactor * defaults.constantStep()))
        .gamma(overrides.alphaOr(defaults.alpha())).rhoExponent(exponent)
        .gammaExponent(exponent).lowerBatch(batch).batch(batch)
        .period((int) Math.clamp(period, 1, Integer.MAX_VALUE)).budget(Budget.unlimited());
  }

  /**
   * The settings of AID and ITD (docs/mathematics.md §4.6) from a workload's defaults:
   * {@code α}, {@code t} and {@code k} as the warm-start presets take them, the plain
   * fixed-point step {@code η = 1} (on the full data the map itself contracts), warm starts.
   */
  private static DeterministicOptions.Builder deterministic(Defaults defaults,
      MethodOverrides overrides) {
    return DeterministicOptions.builder().alpha(overrides.alphaOr(defaults.alpha()))
        .lowerSteps(overrides.tOr(defaults.t())).linearSteps(overrides.kOr(defaults.k()))
        .eta(1.0).warmStart(true).budget(Budget.unlimited());
  }

  private static Entry<BilevelProblem, Defaults> warmStart(WarmStartPreset preset,
      String description, Set<Setting> uses) {
    return new Entry<>(preset.cliName(), description, uses, (problem, defaults, overrides) -> {
      int t = overrides.tOr(defaults.t());
      int k = overrides.kOr(defaults.k());
      int batch = overrides.batchOr(defaults.batch());
      WarmStartBuilder builder = WarmStartBilevel.Options.builder(preset)
          .alpha(overrides.alphaOr(defaults.alpha())).budget(Budget.unlimited())
          .lowerBatch(defaults.lowerBatch());
      StepSchedule constant = StepSchedule.constant(defaults.constantStep());
      switch (preset) {
        case STOCBIO, AMIGO -> builder.fixed(t, k, batch).lowerSteps(constant)
            .linearSteps(constant);
        case ALSET -> builder.fixed(1, k, 1).lowerSteps(constant);
        case ALSET_DAGGER -> builder.lowerSteps(constant).linearSteps(constant);
        case BSA -> builder.lowerSteps(defaults.steps());
        default -> throw new AssertionError(preset);
      }
      return new WarmStartMethod(preset.cliName(), problem, Math.max(batch, 4096),
          defaults.lowerBatch(), builder.build());
    });
  }

  private static Entry<SeparableProblem, SeparableDefaults> separable(String name,
      String description) {
    return new Entry<>(name, description, ALL_SETTINGS,
        (problem, defaults, overrides) -> {
          int batch = overrides.batchOr(defaults.batch());
          int block = defaults.block() > 0 ? defaults.block() : batch;
          int t = overrides.tOr(defaults.t());
          int k = overrides.kOr(defaults.k());
          double alpha = overrides.alphaOr(defaults.alpha());
          if (defaults.cluster() == null) {
            return new SeparableMethod(name, problem, t, k, defaults.eta(), batch, alpha, block);
          }
          if (!name.equals("bsgm")) {
            throw new IllegalArgumentException(CLUSTER_BSGM_ONLY + " (not " + name + ")");
          }
          return SeparableMethod.onCluster(problem, t, k, defaults.eta(), batch, alpha,
              defaults.cluster().apply(block));
        });
  }
}
