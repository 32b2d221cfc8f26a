package io.github.bilevel.bsgm;

import io.github.bilevel.kernels.DVector;

import io.github.bilevel.kernels.Backend;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * Default Krasnoselskii–Mann steps {@code η_i} for the stochastic LL and LS solvers of SID, and
 * checks of steps chosen by hand.
 *
 * <p>Two constants matter. The contraction constant {@code q} of the mean map {@code Φ} sets the
 * rate: with {@code η_i = β/(γ + i)} the one-step analysis gives {@code O(1/i)} when
 * {@code 2β(1 − q) > 1} and {@code η_0 = β/γ ≤ 1}. The per-sample constant {@code L̂} of
 * {@link BilevelProblem#sampleResidualLipschitz()} sets stability: a single sample's map is
 * usually not a contraction, and a step with {@code η L̂ ≥ 2} can expand the iterate along that
 * sample's directions, so a stochastic run may diverge even though the mean map contracts.
 * The deterministic (full-batch) solvers need neither: any constant {@code η ∈ (0, 1]} converges
 * for a contraction.
 */
public final class KmSteps {

  private KmSteps() {}

  /**
   * Decreasing steps {@code η_i = β/(γ + i)}.
   *
   * @param beta  {@code β > 0}
   * @param gamma {@code γ >= β}, so that {@code η_0 ≤ 1}
   */
  public record Decreasing(double beta, double gamma) {

    public Decreasing {
      StepSchedule.decreasing(beta, gamma); // checks the arguments
    }

    /** {@code η_0 = β/γ}. */
    public double firstStep() {
      return beta / gamma;
    }

    /** The schedule {@code η_i = β/(γ + i)}. */
    public StepSchedule schedule() {
      return StepSchedule.decreasing(beta, gamma);
    }
  }

  /**
   * The default decreasing steps for a contraction constant {@code q} and a per-sample constant
   * {@code L̂}: {@code β = 1/(1 − q)}, so {@code 2β(1 − q) = 2 > 1}, and
   * {@code γ = β·max(1, L̂)}, so {@code η_0 = β/γ ≤ 1} and {@code η_0 L̂ ≤ 1}; the steps only
   * decrease from there.
   *
   * @throws IllegalArgumentException unless {@code 0 <= q < 1} and {@code L̂} is finite and
   *     {@code > 0}
   */
  public static Decreasing defaults(double q, double sampleLipschitz) {
    if (!(q >= 0 && q < 1)) {
      throw new IllegalArgumentException("the contraction constant q must lie in [0, 1), got "
          + q);
    }
    if (!(sampleLipschitz > 0) || Double.isInfinite(sampleLipschitz)) {
      throw new IllegalArgumentException("the per-sample Lipschitz constant must be finite and"
          + " > 0, got " + sampleLipschitz);
    }
    double beta = 1.0 / (1.0 - q);
    return new Decreasing(beta, beta * Math.max(1.0, sampleLipschitz));
  }

  /**
   * {@link #defaults(double, double)} for a problem's own constants; without a per-sample
   * constant it assumes {@code L̂ = 1} ({@code γ = β}, {@code η_0 = 1}).
   *
   * @throws IllegalArgumentException if the problem does not know its contraction constant
   */
  public static Decreasing defaults(BilevelProblem problem) {
    OptionalDouble q = problem.contractionConstant();
    if (q.isEmpty()) {
      throw new IllegalArgumentException("the problem does not report its contraction constant"
          + " q: give the KM steps explicitly");
    }
    return defaults(q.getAsDouble(), problem.sampleResidualLipschitz().orElse(1.0));
  }

  /**
   * Checks a constant stochastic step {@code η}.
   *
   * @return warnings, empty if none: {@code η L̂ ≥ 2}
   */
  public static List<String> checkConstant(double eta, OptionalDouble sampleLipschitz) {
    List<String> warnings = new ArrayList<>();
    stability(eta, sampleLipschitz, warnings);
    return warnings;
  }

  /**
   * Checks decreasing stochastic steps {@code η_i = β/(γ + i)}.
   *
   * @return warnings, empty if none: {@code η_0 L̂ ≥ 2} (may diverge), and
   *     {@code 2β(1 − q) ≤ 1} (slower than the {@code O(1/i)} rate)
   */
  public static List<String> checkDecreasing(double beta, double gamma, OptionalDouble q,
      OptionalDouble sampleLipschitz) {
    List<String> warnings = new ArrayList<>();
    stability(beta / gamma, sampleLipschitz, warnings);
    if (q.isPresent() && q.getAsDouble() < 1 && 2 * beta * (1 - q.getAsDouble()) <= 1) {
      double qv = q.getAsDouble();
      warnings.add(format("2β(1 − q) = %.4g <= 1 (β = %.4g, q = %.6g): the O(1/i) rate of the"
          + " stochastic KM iteration needs β > 1/(2(1 − q)) = %.4g", 2 * beta * (1 - qv), beta,
          qv, 1 / (2 * (1 - qv))));
    }
    return warnings;
  }

  /**
   * One KM step {@code x ← (1 − η) x + η φ} on {@code backend}, returning its residual
   * {@code ‖φ − x‖} when {@code withResidual} (one more pass), else 0: the solvers' steps,
   * monitored only on request.
   */
  public static double step(Backend backend, double eta, DVector phi, DVector x,
      boolean withResidual) {
    if (withResidual) {
      return backend.kmStepResidual(eta, phi, x);
    }
    backend.kmStep(eta, phi, x);
    return 0.0;
  }

  private static void stability(double firstStep, OptionalDouble sampleLipschitz,
      List<String> warnings) {
    if (sampleLipschitz.isEmpty()) {
      return;
    }
    double l = sampleLipschitz.getAsDouble();
    if (firstStep * l >= 2) {
      warnings.add(format("the first KM step η_0 = %.4g times the per-sample Lipschitz constant"
          + " L̂ = %.4g of I − Φ̂ is %.4g >= 2: one sample's step can expand the iterate, and"
          + " stochastic SID may diverge; η_0 <= 1/L̂ = %.4g is safe", firstStep, l,
          firstStep * l, 1 / l));
    }
  }

  private static String format(String pattern, Object... args) {
    return String.format(Locale.ROOT, pattern, args);
  }
}
