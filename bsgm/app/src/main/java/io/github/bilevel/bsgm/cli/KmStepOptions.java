package io.github.bilevel.bsgm.cli;

import io.github.bilevel.bsgm.BilevelProblem;
import io.github.bilevel.bsgm.KmSteps;
import io.github.bilevel.bsgm.StepSchedule;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import picocli.CommandLine.Option;

/**
 * The step sizes of a SID-based command (a picocli mixin). Two different steps: the map's own
 * gradient step inside {@code Φ} ({@code --map-step}), and the Krasnoselskii–Mann steps
 * {@code η_i} of the LL and LS solvers ({@code --step}, or {@code --beta}/{@code --gamma}).
 * Without either KM option, a full-batch run uses {@code η = 1} and a stochastic run the
 * defaults of {@link KmSteps#defaults(BilevelProblem)}; steps given by hand are checked and
 * may produce warnings.
 */
final class KmStepOptions {

  // picocli option declarations, one annotated field each: alike other commands' by shape only.
  @Option(names = "--step", paramLabel = "ETA",
      description = "Constant KM step η in (0, 1] (default: 1 with --full-batch, otherwise"
          + " β/(γ + i) from q and the per-sample constant).")
  Double step;

  @Option(names = "--beta", paramLabel = "B",
      description = "Decreasing KM steps η_i = B/(G + i): B > 0 (with --gamma).")
  Double beta;

  @Option(names = "--gamma", paramLabel = "G",
      description = "Decreasing KM steps: G >= B, so that η_0 = B/G <= 1 (with --beta).")
  Double gamma;

  @Option(names = "--map-step", paramLabel = "H",
      description = "The gradient step inside Φ, in (0, 2/L) (default: 2/(L + μ)).")
  Double mapStep;

  @Option(names = "--ll-batch", defaultValue = "1", paramLabel = "B",
      description = "Samples per KM step of the LL and LS solvers (default: ${DEFAULT-VALUE}).")
  int lowerBatch = 1;

  /**
   * The KM steps in use.
   *
   * @param schedule    {@code η_i}
   * @param description how they were chosen, for the summary
   * @param warnings    texts to print as {@code warning: ...}
   * @param step        the constant step, or NaN
   * @param beta        {@code β}, or NaN
   * @param gamma       {@code γ}, or NaN
   */
  record Steps(StepSchedule schedule, String description, List<String> warnings, double step,
      double beta, double gamma) {}

  /** Checks the options' values, before any data is read. */
  void validate() {
    if (step != null && (beta != null || gamma != null)) {
      throw new IllegalArgumentException("give either --step or --beta with --gamma, not both");
    }
    if ((beta == null) != (gamma == null)) {
      throw new IllegalArgumentException("--beta and --gamma go together (η_i = β/(γ + i))");
    }
    if (step != null && !(step > 0 && step <= 1)) {
      throw new IllegalArgumentException("--step must lie in (0, 1], got " + step);
    }
    if (beta != null) {
      if (!(beta > 0) || !(gamma > 0) || beta.isInfinite() || gamma.isInfinite()) {
        throw new IllegalArgumentException("--beta and --gamma must be finite and > 0, got "
            + beta + " and " + gamma);
      }
      if (beta / gamma > 1) {
        throw new IllegalArgumentException("--beta/--gamma = " + beta / gamma + " > 1: the"
            + " first KM step β/γ must be <= 1 (choose --gamma >= --beta)");
      }
    }
    if (mapStep != null && (!(mapStep > 0) || mapStep.isInfinite())) {
      throw new IllegalArgumentException("--map-step must be finite and > 0, got " + mapStep);
    }
    if (lowerBatch < 1) {
      throw new IllegalArgumentException("--ll-batch must be >= 1, got " + lowerBatch);
    }
  }

  /**
   * The steps for {@code problem}, as {@link #resolve(BilevelProblem, boolean)}, with their
   * warnings printed to {@code warnings} as {@code warning: ...}.
   */
  Steps resolve(BilevelProblem problem, boolean fullBatch, PrintWriter warnings) {
    Steps steps = resolve(problem, fullBatch);
    steps.warnings().forEach(w -> warnings.println("warning: " + w));
    warnings.flush();
    return steps;
  }

  /** The steps for {@code problem}; {@code fullBatch}: the deterministic solvers. */
  Steps resolve(BilevelProblem problem, boolean fullBatch) {
    validate();
    OptionalDouble q = problem.contractionConstant();
    OptionalDouble sample = fullBatch ? OptionalDouble.empty()
        : problem.sampleResidualLipschitz();
    if (step != null) {
      return new Steps(StepSchedule.constant(step), format("η = %.6g (constant)", step),
          KmSteps.checkConstant(step, sample), step, Double.NaN, Double.NaN);
    }
    if (beta != null) {
      return new Steps(StepSchedule.decreasing(beta, gamma),
          format("η_i = β/(γ + i), β = %.6g, γ = %.6g", beta, gamma),
          KmSteps.checkDecreasing(beta, gamma, fullBatch ? OptionalDouble.empty() : q, sample),
          Double.NaN, beta, gamma);
    }
    if (fullBatch) {
      return new Steps(StepSchedule.constant(1.0), "η = 1 (constant, the default for a full"
          + " batch)", List.of(), 1.0, Double.NaN, Double.NaN);
    }
    KmSteps.Decreasing d = KmSteps.defaults(problem);
    return new Steps(d.schedule(), format("η_i = β/(γ + i), β = %.6g, γ = %.6g (defaults:"
        + " β = 1/(1 − q), γ = β·max(1, L̂))", d.beta(), d.gamma()), List.of(), Double.NaN,
        d.beta(), d.gamma());
  }

  private static String format(String pattern, Object... args) {
    return String.format(Locale.ROOT, pattern, args);
  }
}
