package io.github.bilevel.bsgm.rates;

import io.github.bilevel.bsgm.Batch;
import io.github.bilevel.bsgm.StepSchedule;
import io.github.bilevel.bsgm.problems.QuadraticProblem;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * {@code sid-mse-bound}: the MSE of stochastic SID ({@code t = k = J}, steps
 * {@code β/(γ + i)}, the problem and sizes of {@link SidMseExperiment}) must stay below the
 * bound of [GPS23] Corollary 10 evaluated with the problem's own constants at every {@code t},
 * and fall with slope −1 (docs/mathematics.md §7.5).
 *
 * <p>The bound follows the paper's chain (Theorem 7: the error of {@code ĥ} through the errors of
 * the two solvers; Theorem 8: the KM recursion with decreasing steps) specialised to the
 * quadratic, where {@code ∂₁Φ̂ = A = I − ηH}, {@code ∂₂Φ̂ = −ηB} and {@code ∇₂Ê} are exact and
 * only {@code Φ̂} and {@code ∇₁Ê} carry additive noise of second moments {@code σ_Φ²},
 * {@code σ_E²}:
 *
 * <pre>
 *   a_0 = ‖w*‖²,  a_{i+1} = (1 − η_i(1 − q))² a_i + η_i² σ_Φ²      (a_t ≥ E‖w_t − w*‖²)
 *   ρ_k = Π_{i &lt; k} (1 − η_i(1 − q))                         (the LS contraction)
 *   E‖ĥ − ∇f‖² ≤ L_Φ² ( ρ_k ‖∇₁E(w*)‖/(1 − q)
 *                     + (1 + ρ_k)/(1 − q) · √(L₁² a_t + σ_E²/J) )²
 * </pre>
 *
 * with {@code L_Φ = ‖∂₂Φ‖₂}, {@code L₁ = ‖P‖₂} (the Lipschitz constant of {@code ∇₁E}). Every
 * constant is computed through the problem's oracles: the Jacobians column by column and their
 * norms by Jacobi rotations, the noise moments as the mean over the {@code N} samples of
 * {@code ‖Φ̂(0, 0, ξ_i) − Φ(0, 0)‖²} (the full batch is the noise-free mean). With
 * {@code 2β(1 − q) > 1}, {@code a_t = O(1/t)} and {@code ρ_t = O(t^{−β(1−q)})}, so the bound is
 * {@code O(1/t)}: Corollary 10 with explicit constants.
 *
 * <p>Pass rule: the slope's 95% interval intersects {@code [−1.25, −0.75]}, and the mean over
 * seeds is at most the bound at every {@code t}.
 */
public final class SidMseBoundExperiment implements RateExperiment {

  private final SidMseExperiment mse;
  private final double boundFactor;

  /** The experiment on the settings of {@link SidMseExperiment#DEFAULT}, with SID. */
  public SidMseBoundExperiment() {
    this(SidMseExperiment.DEFAULT, SidMseExperiment.SID, 1.0);
  }

  /**
   * The experiment with other settings, another estimator, or the bound multiplied by
   * {@code boundFactor} (1 for the theorem; other values exist to show that the check can fail).
   */
  public SidMseBoundExperiment(SidMseExperiment.Settings settings,
      SidMseExperiment.Estimator estimator, double boundFactor) {
    this.mse = new SidMseExperiment(Objects.requireNonNull(settings, "settings"), estimator);
    if (!(boundFactor > 0) || Double.isInfinite(boundFactor)) {
      throw new IllegalArgumentException("the bound factor must be finite and > 0, got "
          + boundFactor);
    }
    this.boundFactor = boundFactor;
  }

  @Override
  public String name() {
    return "sid-mse-bound";
  }

  @Override
  public String description() {
    return "stochastic SID, t = k = J: E‖ĥ − ∇f(λ)‖² below Corollary 10's bound from the"
        + " problem's constants (q, L_Φ, L₁, σ_Φ, σ_E), at every t";
  }

  @Override
  public double theorySlope() {
    return -1.0;
  }

  // The experiment's constants, one getter each (RateExperiment's contract): alike by shape only.
  @Override
  public PassRule passRule() {
    return PassRule.intervalIntersects(-1.25, -0.75);
  }

  @Override
  public Scale scale() {
    return Scale.LOG_LOG;
  }

  @Override
  public String xLabel() {
    return "t = k = J";
  }

  @Override
  public String yLabel() {
    return "‖ĥ − ∇f(λ)‖²";
  }

  @Override
  public Aggregation aggregation() {
    return Aggregation.mean();
  }

  @Override
  public int defaultSeeds(RateProfile profile) {
    return switch (profile) {
      case TINY -> 8;
      case QUICK -> 300;
      case FULL -> 1000;
    };
  }

  @Override
  public Measurement measure(Context context) {
    Measurement measured = mse.measure(context, name().hashCode());
    SidMseExperiment.Settings s = mse.settings();
    double[] lambda = (double[]) measured.parameters().get("lambda");
    Constants constants;
    try (QuadraticProblem problem = new QuadraticProblem(context.backend(), s.d(), s.m(),
        s.mu(), s.lipschitz(), s.samples(), s.noise(), s.problemSeed())) {
      constants = Constants.of(problem, lambda);
    }
    StepSchedule steps = StepSchedule.decreasing(s.beta(), s.gamma());
    double[] bound = new double[measured.x().length];
    for (int i = 0; i < bound.length; i++) {
      bound[i] = boundFactor * constants.bound((int) measured.x()[i], steps);
    }
    Map<String, Object> parameters = new LinkedHashMap<>(measured.parameters());
    parameters.put("L_phi", constants.mapLambdaNorm());
    parameters.put("L_1", constants.gradientLipschitz());
    parameters.put("sigma_phi_squared", constants.mapNoise());
    parameters.put("sigma_E_squared", constants.gradientNoise());
    parameters.put("w_star_norm", Math.sqrt(constants.initialDistanceSquared()));
    parameters.put("grad_1_E_norm", constants.gradientAtSolution());
    parameters.put("bound_factor", boundFactor);
    parameters.put("bound", bound.clone());
    return new Measurement(measured.x(), measured.values(), measured.fitIndices(), parameters,
        bound);
  }

  /**
   * The constants of the bound for one problem and one {@code λ}.
   *
   * @param q                      the contraction constant
   * @param mapLambdaNorm          {@code L_Φ = ‖∂₂Φ‖₂}
   * @param gradientLipschitz      {@code L₁ = ‖∂₁∇₁E‖₂}
   * @param mapNoise               {@code σ_Φ² = E‖Φ̂(w, λ, ξ) − Φ(w, λ)‖²}, one sample
   * @param gradientNoise          {@code σ_E² = E‖∇₁Ê(w, λ, ζ) − ∇₁E(w, λ)‖²}, one sample
   * @param initialDistanceSquared {@code ‖w_0 − w*‖² = ‖w*‖²}
   * @param gradientAtSolution     {@code ‖∇₁E(w*, λ)‖}
   */
  record Constants(double q, double mapLambdaNorm, double gradientLipschitz, double mapNoise,
      double gradientNoise, double initialDistanceSquared, double gradientAtSolution) {

    /** The constants of {@code problem} at {@code lambda}, through its oracles. */
    static Constants of(QuadraticProblem problem, double[] lambda) {
      Backend backend = problem.backend();
      int d = problem.lowerDimension();
      int m = problem.upperDimension();
      int n = problem.lowerSamples();
      try (Arena arena = Arena.ofConfined()) {
        DVector w = backend.vector(arena, d);
        DVector lam = backend.vector(arena, m);
        DVector out = backend.vector(arena, d);
        DVector base = backend.vector(arena, d);
        Batch all = new Batch(n).all(n);
        // ∂₂Φ = −ηB, column j = Φ(0, e_j) − Φ(0, 0) (the full batch is noise-free)
        problem.map(w, lam, all, base);
        double[] jacobianLambda = new double[d * m];
        for (int j = 0; j < m; j++) {
          backend.fill(0.0, lam);
          lam.set(j, 1.0);
          problem.map(w, lam, all, out);
          for (int i = 0; i < d; i++) {
            jacobianLambda[i * m + j] = out.get(i) - base.get(i);
          }
        }
        double mapLambdaNorm = Math.sqrt(largestEigenvalue(gram(jacobianLambda, d, m), m));
        // ∂₁∇₁E = P, column j = ∇₁E(e_j, 0) − ∇₁E(0, 0)
        backend.fill(0.0, lam);
        problem.objectiveGradientW(w, lam, all, base);
        double[] hessianW = new double[d * d];
        for (int j = 0; j < d; j++) {
          backend.fill(0.0, w);
          w.set(j, 1.0);
          problem.objectiveGradientW(w, lam, all, out);
          for (int i = 0; i < d; i++) {
            hessianW[i * d + j] = out.get(i) - base.get(i);
          }
        }
        double gradientLipschitz = Math.sqrt(largestEigenvalue(gram(hessianW, d, d), d));
        // noise moments: mean over the samples of the squared deviation from the full batch
        backend.fill(0.0, w);
        double mapNoise = noiseMoment(backend, n, d, base, out,
            batch -> problem.map(w, lam, batch, out));
        double gradientNoise = noiseMoment(backend, problem.upperSamples(), d, base, out,
            batch -> problem.objectiveGradientW(w, lam, batch, out));
        double[] wStar = problem.exactLowerSolution(lambda);
        w.copyFrom(wStar);
        lam.copyFrom(lambda);
        problem.objectiveGradientW(w, lam, new Batch(problem.upperSamples())
            .all(problem.upperSamples()), out);
        return new Constants(problem.contractionConstant().orElseThrow(), mapLambdaNorm,
            gradientLipschitz, mapNoise, gradientNoise, SidMseExperiment.dot(wStar, wStar),
            Math.sqrt(backend.dot(out, out)));
      }
    }

    /** The bound on {@code E‖ĥ − ∇f‖²} for {@code t = k = J} with the given KM steps. */
    double bound(int t, StepSchedule steps) {
      double a = initialDistanceSquared;
      double rho = 1.0;
      for (int i = 0; i < t; i++) {
        double eta = steps.step(i);
        double contraction = 1 - eta * (1 - q);
        a = contraction * contraction * a + eta * eta * mapNoise;
        rho *= contraction;
      }
      double root = rho * gradientAtSolution / (1 - q) + (1 + rho) / (1 - q)
          * Math.sqrt(gradientLipschitz * gradientLipschitz * a + gradientNoise / t);
      return mapLambdaNorm * mapLambdaNorm * root * root;
    }

    /** {@code (1/N) Σ_i ‖oracle(ξ_i) − mean‖²}, {@code mean} the full-batch value. */
    private static double noiseMoment(Backend backend, int samples, int d, DVector full, DVector out,
        java.util.function.Consumer<Batch> oracle) {
      Batch all = new Batch(samples).all(samples);
      oracle.accept(all);
      backend.copy(out, full);
      Batch one = new Batch(1);
      double sum = 0;
      for (int k = 0; k < samples; k++) {
        oracle.accept(one.assign(samples, k));
        for (int i = 0; i < d; i++) {
          double e = out.get(i) - full.get(i);
          sum += e * e;
        }
      }
      return sum / samples;
    }

    /** {@code JᵀJ} of a row-major {@code rows × cols} matrix. */
    private static double[] gram(double[] a, int rows, int cols) {
      double[] out = new double[cols * cols];
      for (int i = 0; i < cols; i++) {
        for (int j = 0; j < cols; j++) {
          double sum = 0;
          for (int k = 0; k < rows; k++) {
            sum += a[k * cols + i] * a[k * cols + j];
          }
          out[i * cols + j] = sum;
        }
      }
      return out;
    }

    private static double largestEigenvalue(double[] symmetric, int n) {
      return BsgmStationarityExperiment.eigenvalueRange(symmetric, n)[1];
    }
  }
}
