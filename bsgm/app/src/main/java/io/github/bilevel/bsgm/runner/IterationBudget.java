package io.github.bilevel.bsgm.runner;

import io.github.bilevel.bsgm.StopCheck;
import io.github.bilevel.bsgm.runner.MethodOverrides.Setting;
import io.github.bilevel.kernels.Backend;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * How the runner keeps a run within its sample budget: before any work, every algorithm's first
 * iteration must fit the budget ({@link #checkFirstIterations}); during the run, a
 * {@link StopCheck} consulted before every lower-level and linear-system step abandons the
 * iteration under way once the run's samples reach the budget ({@link #stopCheck}).
 */
final class IterationBudget implements StopCheck {

  private final long budget;
  private long before;

  private IterationBudget(long budget) {
    this.budget = budget;
  }

  /** The check for a run of {@code budget} samples; {@link #startIteration} before each. */
  static IterationBudget stopCheck(long budget) {
    return new IterationBudget(budget);
  }

  /** The next iteration starts with {@code samples} used by the run ({@code < budget}). */
  void startIteration(long samples) {
    before = samples;
  }

  @Override
  public boolean shouldStop(long drawn) {
    return drawn >= budget - before;       // before + drawn >= budget, without overflow
  }

  /**
   * Checks, before any work, that iteration 0 of every algorithm of {@code settings} uses at
   * most the budget (otherwise a run could do nothing but abandon its first iteration).
   *
   * @throws IllegalArgumentException naming the algorithm, the options that size an iteration
   *     ({@code --t}, {@code --k}, {@code --batch} as given, or the workload's defaults), the
   *     samples it needs (or that the count overflows a {@code long}) and {@code --budget}
   */
  static void checkFirstIterations(WorkloadFactory factory, RunSettings settings,
      Backend backend) {
    try (Workload workload = factory.create(backend, settings.options(), settings.firstSeed())) {
      for (String algorithm : settings.algorithms()) {
        String sizedBy = sizedBy(factory.registry().entry(algorithm).uses(),
            settings.overrides());
        try (UpperLevelMethod<?> method = workload.method(algorithm, settings.overrides())) {
          String needs;
          try {
            long samples = method.samplesPerIteration(0);
            if (samples <= settings.budget()) {
              continue;
            }
            needs = samples + " samples per iteration";
          } catch (ArithmeticException overflow) {
            needs = "more than " + Long.MAX_VALUE + " samples per iteration (the count"
                + " overflows)";
          }
          throw new IllegalArgumentException(algorithm + " with " + sizedBy + " needs " + needs
              + ", more than --budget " + settings.budget() + ": lower those options or raise"
              + " --budget");
        }
      }
    }
  }

  /** "--t 2147483647, --k 10" for the overrides that size an iteration, or the defaults. */
  private static String sizedBy(Set<Setting> uses, MethodOverrides overrides) {
    List<String> given = new ArrayList<>();
    for (Setting setting : overrides.given()) {
      Integer value = switch (setting) {
        case T -> overrides.t();
        case K -> overrides.k();
        case BATCH -> overrides.batch();
        case ALPHA, RHO -> null;            // step sizes, not sample counts
      };
      if (value != null && uses.contains(setting)) {
        given.add(setting.flag() + " " + value);
      }
    }
    return given.isEmpty() ? "the workload's default t, k and batch sizes"
        : String.join(", ", given);
  }
}
