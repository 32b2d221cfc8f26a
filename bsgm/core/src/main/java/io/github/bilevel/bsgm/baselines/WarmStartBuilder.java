package io.github.bilevel.bsgm.baselines;

import io.github.bilevel.bsgm.Budget;
import io.github.bilevel.bsgm.Bsgm;
import io.github.bilevel.bsgm.IterationSchedule;
import io.github.bilevel.bsgm.StepSchedule;
import io.github.bilevel.bsgm.baselines.WarmStartBilevel.LinearSolver;
import io.github.bilevel.bsgm.baselines.WarmStartBilevel.Start;
import io.github.bilevel.bsgm.baselines.WarmStartBilevel.StepClock;
import java.util.Objects;

/**
 * Builds {@link WarmStartBilevel.Options} from a preset's defaults. Defaults (change any of them):
 *
 * <table>
 *   <caption>preset defaults</caption>
 *   <tr><th>preset</th><th>w</th><th>v</th><th>LS solver</th><th>t, k, J</th>
 *       <th>LL steps</th><th>LS steps</th><th>clock</th></tr>
 *   <tr><td>BSGM</td><td>0</td><td>0</td><td>KM</td><td>s+1, s+1, s+1</td>
 *       <td>2/(2+i)</td><td>2/(2+i)</td><td>per call</td></tr>
 *   <tr><td>STOCBIO</td><td>warm</td><td>0</td><td>Neumann</td><td>10, 10, 32</td>
 *       <td>0.5</td><td>–</td><td>per call</td></tr>
 *   <tr><td>AMIGO</td><td>warm</td><td>warm</td><td>SGD</td><td>10, 10, 32</td>
 *       <td>0.5</td><td>0.5</td><td>per call</td></tr>
 *   <tr><td>ALSET</td><td>warm</td><td>0</td><td>Neumann</td><td>1, 10, 1</td>
 *       <td>0.5</td><td>–</td><td>per call</td></tr>
 *   <tr><td>ALSET_DAGGER</td><td>warm</td><td>warm</td><td>KM</td><td>1, 1, 1</td>
 *       <td>0.5</td><td>0.5</td><td>per call</td></tr>
 *   <tr><td>BSA</td><td>0</td><td>–</td><td>random truncation</td>
 *       <td>⌈√(s+1)⌉, 10, 1</td><td>2/(2+i)</td><td>–</td><td>per call</td></tr>
 * </table>
 *
 * and for all: {@code b = 1}, {@code α = 0.1}, {@code p = 0}, mini-batches, 1000 iterations,
 * no exact hypergradient.
 */
public final class WarmStartBuilder {
  private String name;
  private Start lowerStart;
  private Start linearStart;
  private LinearSolver linearSolver;
  private IterationSchedule schedule;
  private int lowerBatch = 1;
  private StepSchedule lowerSteps;
  private StepSchedule linearSteps;
  private StepClock clock = StepClock.PER_CALL;
  private boolean fullBatch;
  private double alpha = 0.1;
  private double alphaDecay;
  private Budget budget = Budget.iterations(1000);
  private Bsgm.ExactHypergradient exact;
  private boolean residuals;

  WarmStartBuilder(WarmStartPreset preset) {
    Objects.requireNonNull(preset, "preset");
    name = preset.name();
    StepSchedule decreasing = StepSchedule.decreasing(2.0, 2.0);
    StepSchedule half = StepSchedule.constant(0.5);
    switch (preset) {
      case BSGM -> set(Start.ZERO, Start.ZERO, LinearSolver.KM,
          IterationSchedule.theorem16(), decreasing, decreasing);
      case STOCBIO -> set(Start.WARM, Start.ZERO, LinearSolver.NEUMANN,
          IterationSchedule.fixed(10, 10, 32), half, StepSchedule.constant(1.0));
      case AMIGO -> set(Start.WARM, Start.WARM, LinearSolver.SGD,
          IterationSchedule.fixed(10, 10, 32), half, half);
      case ALSET -> set(Start.WARM, Start.ZERO, LinearSolver.NEUMANN,
          IterationSchedule.fixed(1, 10, 1), half, StepSchedule.constant(1.0));
      case ALSET_DAGGER -> set(Start.WARM, Start.WARM, LinearSolver.KM,
          IterationSchedule.fixed(1, 1, 1), half, half);
      case BSA -> set(Start.ZERO, Start.ZERO, LinearSolver.RANDOM_TRUNCATION,
          WarmStartPreset.growingSchedule(1.0, 10, 1), decreasing, StepSchedule.constant(1.0));
      default -> throw new AssertionError(preset);
    }
  }

  private void set(Start lower, Start linear, LinearSolver solver, IterationSchedule ts,
      StepSchedule lowerEta, StepSchedule linearEta) {
    lowerStart = lower;
    linearStart = linear;
    linearSolver = solver;
    schedule = ts;
    lowerSteps = lowerEta;
    linearSteps = linearEta;
  }

  /** The name in messages. */
  public WarmStartBuilder name(String value) {
    name = value;
    return this;
  }

  /** Where the LL solver starts. */
  public WarmStartBuilder lowerStart(Start value) {
    lowerStart = value;
    return this;
  }

  /** Where the LS solver starts. */
  public WarmStartBuilder linearStart(Start value) {
    linearStart = value;
    return this;
  }

  /** The LS solver. */
  public WarmStartBuilder linearSolver(LinearSolver value) {
    linearSolver = value;
    return this;
  }

  /** {@code t_s, k_s, J_s}. */
  public WarmStartBuilder schedule(IterationSchedule value) {
    schedule = value;
    return this;
  }

  /** The same {@code t, k, J} at every iteration. */
  public WarmStartBuilder fixed(int t, int k, int batch) {
    schedule = IterationSchedule.fixed(t, k, batch);
    return this;
  }

  /** {@code b}, samples per LL and LS step. */
  public WarmStartBuilder lowerBatch(int value) {
    lowerBatch = value;
    return this;
  }

  /** The LL KM steps. */
  public WarmStartBuilder lowerSteps(StepSchedule value) {
    lowerSteps = value;
    return this;
  }

  /** The LS steps (KM and SGD solvers). */
  public WarmStartBuilder linearSteps(StepSchedule value) {
    linearSteps = value;
    return this;
  }

  /** The index the step schedules take. */
  public WarmStartBuilder clock(StepClock value) {
    clock = value;
    return this;
  }

  /** Whether every evaluation uses every sample. */
  public WarmStartBuilder fullBatch(boolean value) {
    fullBatch = value;
    return this;
  }

  /** The upper-level step {@code α}. */
  public WarmStartBuilder alpha(double value) {
    alpha = value;
    return this;
  }

  /** {@code p} in {@code α_s = α / (s + 1)^p}. */
  public WarmStartBuilder alphaDecay(double value) {
    alphaDecay = value;
    return this;
  }

  /** When to stop. */
  public WarmStartBuilder budget(Budget value) {
    budget = value;
    return this;
  }

  /** The exact hypergradient, for the progress report. */
  public WarmStartBuilder exact(Bsgm.ExactHypergradient value) {
    exact = value;
    return this;
  }

  /**
   * Whether every LL and LS step computes its residual, for {@link WarmStartEstimate} and for
   * divergence errors that name the inner step (default false: one finiteness check per solve).
   */
  public WarmStartBuilder residuals(boolean value) {
    residuals = value;
    return this;
  }

  /** The options. */
  public WarmStartBilevel.Options build() {
    return new WarmStartBilevel.Options(name, lowerStart, linearStart, linearSolver, schedule,
        lowerBatch, lowerSteps, linearSteps, clock, fullBatch, alpha, alphaDecay, budget, exact,
        residuals);
  }
}
