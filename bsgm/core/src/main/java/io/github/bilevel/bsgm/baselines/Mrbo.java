package io.github.bilevel.bsgm.baselines;

import io.github.bilevel.bsgm.Budget;
import io.github.bilevel.bsgm.BilevelProblem;
import io.github.bilevel.bsgm.Bsgm;
import io.github.bilevel.bsgm.IterationState;
import io.github.bilevel.bsgm.NamedVector;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * MRBO, the momentum-based recursive bilevel optimizer (Yang, Ji, Liang 2021), in the
 * fixed-point form of docs/mathematics.md §4. The lower-level "gradient" is the residual
 * {@code R(w, λ, ξ) = w − Φ̂(w, λ, ξ)} and {@code ∇̂f(λ, w; B')} is a hypergradient estimate from
 * the current {@code w} (no lower-level solve; {@code Q} linear-system KM steps, see below).
 * Iteration {@code k = 0, 1, ...}:
 *
 * <pre>
 *   η_k = a / (m + k)^{1/3}
 *   u_k = R(w_k, λ_k; B) + (1 − β_k)(u_{k−1} − R(w_{k−1}, λ_{k−1}; B))      (u_0 = R(w_0, λ_0; B))
 *   d_k = ∇̂f(λ_k, w_k; B') + (1 − α_k)(d_{k−1} − ∇̂f(λ_{k−1}, w_{k−1}; B'))  (d_0 = ∇̂f(λ_0, w_0; B'))
 *   λ_{k+1} = P_Λ(λ_k − c_λ η_k d_k),   w_{k+1} = w_k − c_w η_k u_k
 *   α_{k+1} = min(1, c₁ η_k²),   β_{k+1} = min(1, c₂ η_k²)
 * </pre>
 *
 * The same mini-batch {@code B} (of {@code b}) serves both residuals of a correction, and the
 * same samples {@code B'} (a batch {@code ζ} of {@code J} for {@code ĝ₁, ĝ₂}, {@code Q} batches
 * of {@code b} for the linear system, a batch of {@code J} for {@code ∂₂Φ̂ᵀ v}) serve both
 * hypergradient estimates. {@code w_0 = 0}. The paper's momentum weights are clamped to 1.
 *
 * <p>Samples, counted as {@link io.github.bilevel.bsgm.Sid} counts them (one per sample per
 * point evaluated): iteration 0 uses {@code b + 2J + Q·b}, every later iteration twice that.
 *
 * <p>Allocation-free iterations (but the listener's progress record). Not thread-safe.
 */
public final class Mrbo extends PairedCorrections<Mrbo.State, Mrbo.Options> {

  /**
   * MRBO's settings; see {@link #builder()} for defaults.
   *
   * @param a            {@code a} in {@code η_k = a / (m + k)^{1/3}}, {@code > 0}
   * @param m            {@code m > 0} in {@code η_k}
   * @param c1           {@code c₁ >= 0}: {@code α_{k+1} = c₁η_k²} (hypergradient momentum)
   * @param c2           {@code c₂ >= 0}: {@code β_{k+1} = c₂η_k²} (residual momentum)
   * @param cLambda      {@code c_λ > 0}, the upper-level step factor
   * @param cW           {@code c_w > 0}, the lower-level step factor
   * @param lowerBatch   {@code b}: samples of {@code B} and of each linear-system step
   * @param batch        {@code J}: samples of {@code ζ} and of the {@code ∂₂Φ̂ᵀ v} batch
   * @param neumannTerms {@code Q >= 0}, linear-system steps per hypergradient estimate
   * @param linearStep   {@code η_v ∈ (0, 1]}, their KM step (1: the Q-term Neumann series)
   * @param budget       when to stop
   * @param exact        the exact hypergradient for the progress report, or null
   */
  public record Options(double a, double m, double c1, double c2, double cLambda, double cW,
      int lowerBatch, int batch, int neumannTerms, double linearStep, Budget budget,
      Bsgm.ExactHypergradient exact) implements PairedCorrections.Settings {

    public Options {
      positive("a", a);
      positive("m", m);
      nonNegative("c1", c1);
      nonNegative("c2", c2);
      positive("cLambda", cLambda);
      positive("cW", cW);
      if (lowerBatch < 1 || batch < 1 || neumannTerms < 0) {
        throw new IllegalArgumentException("MRBO needs lowerBatch >= 1, batch >= 1 and"
            + " neumannTerms >= 0, got " + lowerBatch + ", " + batch + ", " + neumannTerms);
      }
      if (!(linearStep > 0 && linearStep <= 1)) {
        throw new IllegalArgumentException("MRBO: linearStep must lie in (0, 1], got "
            + linearStep);
      }
      Objects.requireNonNull(budget, "budget");
    }

    /** {@code η_k = a / (m + k)^{1/3}}. */
    public double eta(int k) {
      return a / Math.cbrt(m + k);
    }

    /** A builder with the defaults listed at {@link Builder}. */
    public static Builder builder() {
      return new Builder();
    }
  }

  /**
   * Builds {@link Options}. Defaults: {@code a = 1}, {@code m = 8}, {@code c₁ = c₂ = 1},
   * {@code c_λ = 0.5}, {@code c_w = 1} (so {@code c_w η_0 = 0.5}: a half KM step at the start),
   * {@code b = J = 1}, {@code Q = 10}, {@code η_v = 1}, 1000 iterations, no exact hypergradient.
   */
  public static final class Builder {
    // Alike Vrbo.Builder by shape only: setters of its own record's fields.
    private double a = 1.0;
    private double m = 8.0;
    private double c1 = 1.0;
    private double c2 = 1.0;
    private double cLambda = 0.5;
    private double cW = 1.0;
    private int lowerBatch = 1;
    private int batch = 1;
    private int neumannTerms = 10;
    private double linearStep = 1.0;
    private Budget budget = Budget.iterations(1000);
    private Bsgm.ExactHypergradient exact;

    private Builder() {}

    /** {@code a} in {@code η_k}. */
    public Builder a(double value) {
      a = value;
      return this;
    }

    /** {@code m} in {@code η_k}. */
    public Builder m(double value) {
      m = value;
      return this;
    }

    /** {@code c₁}. */
    public Builder c1(double value) {
      c1 = value;
      return this;
    }

    /** {@code c₂}. */
    public Builder c2(double value) {
      c2 = value;
      return this;
    }

    /** {@code c_λ}. */
    public Builder cLambda(double value) {
      cLambda = value;
      return this;
    }

    /** {@code c_w}. */
    public Builder cW(double value) {
      cW = value;
      return this;
    }

    /** {@code b}. */
    public Builder lowerBatch(int value) {
      lowerBatch = value;
      return this;
    }

    /** {@code J}. */
    public Builder batch(int value) {
      batch = value;
      return this;
    }

    /** {@code Q}. */
    public Builder neumannTerms(int value) {
      neumannTerms = value;
      return this;
    }

    /** {@code η_v}. */
    public Builder linearStep(double value) {
      linearStep = value;
      return this;
    }

    /** When to stop. */
    public Builder budget(Budget value) {
      budget = value;
      return this;
    }

    /** The exact hypergradient, for the progress report. */
    public Builder exact(Bsgm.ExactHypergradient value) {
      exact = value;
      return this;
    }

    /** The options. */
    public Options build() {
      return new Options(a, m, c1, c2, cLambda, cW, lowerBatch, batch, neumannTerms, linearStep,
          budget, exact);
    }
  }

  private static void positive(String name, double value) {
    if (!(value > 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException("MRBO: " + name + " must be finite and > 0, got "
          + value);
    }
  }

  private static void nonNegative(String name, double value) {
    if (!(value >= 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException("MRBO: " + name + " must be finite and >= 0, got "
          + value);
    }
  }

  private final DVector residualPrevious = residualOld;
  private final DVector estimatePrevious = estimateOld;
  private double lastResidualNorm;

  /** A runner for {@code problem}, with room for batches up to {@code J = maxBatch}, {@code b = maxLowerBatch}. */
  public Mrbo(BilevelProblem problem, int maxBatch, int maxLowerBatch) {
    super("MRBO", problem, maxBatch, maxLowerBatch);
  }

  /**
   * MRBO's state between iterations: {@code w_k}, {@code (w_{k−1}, λ_{k−1})}, the momentum
   * directions {@code u_{k−1}, d_{k−1}} and the iteration counter {@code k}. The first
   * iteration's phase (no previous point, {@code α_0 = β_0 = 1}) is {@code k = 0}; {@code α_k,
   * β_k, η_k} follow from {@code k}. Mutable, so that iterations allocate nothing.
   */
  public static final class State extends IterationState {
    private final DVector w;
    private final DVector wPrevious;
    private final DVector lambdaPrevious;
    private final DVector u;
    private final DVector direction;

    private State(Backend backend, Arena arena, int d, int m) {
      super("MRBO's state");
      w = backend.vector(arena, d);
      wPrevious = backend.vector(arena, d);
      u = backend.vector(arena, d);
      lambdaPrevious = backend.vector(arena, m);
      direction = backend.vector(arena, m);
    }

    /** The lower-level iterate {@code w_k}. */
    public DVector lowerIterate() {
      return w;
    }

    /** The upper-level direction {@code d_{k−1}} of the last iteration. */
    public DVector direction() {
      return direction;
    }

    @Override
    public List<NamedVector> vectors() {
      return List.of(new NamedVector("w", w), new NamedVector("w_previous", wPrevious),
          new NamedVector("lambda_previous", lambdaPrevious), new NamedVector("u", u),
          new NamedVector("d", direction));
    }
  }

  /**
   * Off-heap bytes of the state carried from one iteration to the next:
   * {@code w_k, w_{k−1}, u_{k−1}} ({@code 3d} doubles) and {@code λ_{k−1}, d_{k−1}}
   * ({@code 2m}).
   */
  public long stateBytes() {
    return Double.BYTES * (3L * problem.lowerDimension() + 2L * problem.upperDimension());
  }

  /**
   * Runs MRBO from {@code lambda} (projected first; {@code w_0 = 0}), updating it in place.
   *
   * @param listener called after each iteration, or null; the progress's objective is
   *     {@code Ê(w_k, λ_k, ζ)} on the iteration's batch {@code ζ} (not counted as samples), its
   *     hypergradient norm is {@code ‖d_k‖}, its mapping norm {@code ‖G_{c_λη_k}(λ_k)‖}
   * @throws ArithmeticException naming MRBO, the step and the iteration where a direction or
   *     iterate stopped being finite
   */
  public Bsgm.Result run(DVector lambda, Options options, SplittableRandom random,
      Bsgm.Listener listener) {
    return runToBudget(lambda, options, random, listener);
  }

  /**
   * The state of a run driven one iteration at a time with {@link #iterate}, allocated in
   * {@code arena}: checks the options, projects {@code λ}; {@code w_0 = 0}, {@code k = 0}.
   */
  @Override
  public State init(Arena arena, DVector lambda, Options options) {
    Objects.requireNonNull(options, "options");
    checkInit(lambda, options.batch(), options.lowerBatch(), "J, b");
    problem.projectUpper(lambda);
    State state = new State(backend, arena, problem.lowerDimension(), problem.upperDimension());
    backend.fill(0.0, state.w);
    lastResidualNorm = 0.0;
    lastDirectionNorm = 0.0;
    return state;
  }

  /**
   * The samples iteration {@code k} uses: the residual and the hypergradient estimate at one
   * point at {@code k = 0}, at two points with shared samples after,
   * {@code (Q + 1)·b + 2J} per point.
   *
   * @throws ArithmeticException if the count overflows a {@code long}
   */
  public long samplesPerIteration(int k, Options options) {
    long point = pointSamples(options);
    return k == 0 ? point : Math.multiplyExact(2L, point);
  }

  /**
   * Iteration {@code k = state.iteration()} of MRBO (state from {@link #init}): advances
   * {@code state} and {@code λ} in place.
   *
   * @return the samples the iteration used
   */
  @Override
  public long iterate(State state, DVector lambda, Options options, SplittableRandom random) {
    int k = state.iteration();
    DVector w = state.w;
    DVector wPrevious = state.wPrevious;
    DVector lambdaPrevious = state.lambdaPrevious;
    DVector u = state.u;
    DVector direction = state.direction;
    long samples = 0;
    double eta = options.eta(k);
    boolean first = k == 0;
    double previousEta = first ? 0.0 : options.eta(k - 1);
    double alphaK = first ? 1.0 : Math.min(1.0, options.c1() * previousEta * previousEta);
    double betaK = first ? 1.0 : Math.min(1.0, options.c2() * previousEta * previousEta);
    // u_k: residual at (w_k, λ_k) and, after the first iteration, at (w_{k−1}, λ_{k−1})
    samples += residuals(options, random, w, lambda, first ? null : wPrevious, lambdaPrevious);
    if (first) {
      backend.copy(residual, u);
    } else {
      backend.axpy(-1.0, residualPrevious, u);                  // u_{k−1} − R_old
      backend.axpby(1.0, residual, 1.0 - betaK, u);             // R_new + (1 − β)(…)
    }
    lastResidualNorm = checkFinite(u, "LL direction u (STORM on the residual)", k, -1, "‖u‖",
        lastResidualNorm);
    // d_k: hypergradient estimates at both points with the same samples
    samples += hypergradients(options, random, k, w, lambda, first ? null : wPrevious,
        lambdaPrevious);
    if (first) {
      backend.copy(estimate, direction);
    } else {
      backend.axpy(-1.0, estimatePrevious, direction);
      backend.axpby(1.0, estimate, 1.0 - alphaK, direction);
    }
    lastDirectionNorm = checkFinite(direction, "UL direction d (STORM on the hypergradient)", k,
        -1, "‖d‖", lastDirectionNorm);
    double stepLambda = options.cLambda() * eta;
    lastMappingNorm = reportedMappingNorm(lambda, stepLambda, options);
    lastObjective = monitor ? problem.objective(w, lambda, oracle.lastUpperBatch()) : Double.NaN;
    // keep (w_k, λ_k), then step
    backend.copy(w, wPrevious);
    backend.copy(lambda, lambdaPrevious);
    stepUpper(lambda, stepLambda, direction);
    backend.axpy(-options.cW() * eta, u, w);
    state.advance();
    return samples;
  }
}
