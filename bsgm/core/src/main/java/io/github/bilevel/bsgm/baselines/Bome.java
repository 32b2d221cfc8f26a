package io.github.bilevel.bsgm.baselines;

import io.github.bilevel.bsgm.Batch;
import io.github.bilevel.bsgm.BilevelProblem;
import io.github.bilevel.bsgm.IterationState;
import io.github.bilevel.bsgm.LowerObjective;
import io.github.bilevel.bsgm.NamedVector;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;
import java.util.List;
import java.util.SplittableRandom;

/**
 * BOME, the value-function method of Ye, Liu, Wright, Stone, Liu ("BOME! Bilevel optimization
 * made easy: a simple first-order approach", NeurIPS 2022), on the argmin form of
 * docs/mathematics.md §4.8 ({@link LowerObjective}), as benchopt's solvers/bome.py runs it
 * (the {@code ‖∇q‖²} control): a first-order step on {@code E} that the dynamic barrier keeps
 * decreasing the value-function gap {@code q(w, λ) = G(w, λ) − G(w_T, λ)}, {@code w_T} being
 * {@code T} gradient steps on {@code G} from {@code w}. Iteration {@code k}, fresh batches
 * {@code ξ₁ … ξ_T, ξ} of {@code b} and {@code ζ} of {@code J}, {@code ∇₁Ĝ = (w − Φ̂)/η}:
 *
 * <pre>
 *   w_0 = w,   w_{t+1} = w_t − ρ_k (w_t − Φ̂(w_t, λ, ξ_{t+1}))
 *   ∇q = (∇₁Ĝ(w, λ, ξ), ∇₂Ĝ(w, λ, ξ) − ∇₂Ĝ(w_T, λ, ξ)),   ∇Ê = (∇₁Ê, ∇₂Ê)(w, λ, ζ)
 *   μ = max(c‖∇q‖² − ⟨∇Ê, ∇q⟩, 0) / ‖∇q‖²      (0 when ∇q = 0)
 *   w ← w − ρ_kη (∇₁Ê + μ∇₁q),   λ ← P_Λ(λ − γ_k (∇₂Ê + μ∇₂q))
 *   ρ_k = ρ / (k + 1)^a,   γ_k = γ / (k + 1)^c
 * </pre>
 *
 * benchopt takes constant steps ({@code a = c = 0}), {@code c = 0.5}, {@code T = 10} and full
 * batches. Its fixed points are KKT points of {@code min E} subject to {@code q <= 0}, not in
 * general the bilevel stationary points: with {@code T} finite the constraint is only
 * approximately the lower-level optimality. {@code w_0 = 0}.
 *
 * <p>Samples: {@code (T + 2)b + J} per iteration ({@code ξ} is read at {@code w} and at
 * {@code w_T}). Allocation-free iterations. Not thread-safe.
 */
public final class Bome extends SingleLoopMethod<Bome.State> {

  private final LowerObjective objective;
  private final int innerSteps;
  private final double barrier;
  private final DVector approximateSolution;
  private final DVector gradientW;
  private final DVector gradientLambda;

  /**
   * A runner for {@code problem}, with room for batches up to {@code J = maxBatch},
   * {@code b = maxLowerBatch}.
   *
   * @param innerSteps {@code T >= 1}, the gradient steps towards {@code argmin G}
   * @param barrier    {@code c > 0}, the control's weight {@code φ = c‖∇q‖²}
   * @throws IllegalArgumentException if the problem does not implement {@link LowerObjective},
   *     or a setting is out of range
   */
  public Bome(BilevelProblem problem, int maxBatch, int maxLowerBatch, int innerSteps,
      double barrier) {
    super("BOME", ArgminForm.checked("BOME", problem), maxBatch, maxLowerBatch);
    objective = (LowerObjective) problem;
    if (innerSteps < 1) {
      throw new IllegalArgumentException("BOME: innerSteps T must be >= 1, got " + innerSteps);
    }
    if (!(barrier > 0) || Double.isInfinite(barrier)) {
      throw new IllegalArgumentException("BOME: the control weight c must be finite and > 0,"
          + " got " + barrier);
    }
    this.innerSteps = innerSteps;
    this.barrier = barrier;
    approximateSolution = backend.vector(arena, d);
    gradientW = backend.vector(arena, d);
    gradientLambda = backend.vector(arena, m);
  }

  /** BOME's state: {@code w_k} and the iteration counter {@code k}. */
  public static final class State extends IterationState {
    private final DVector w;

    private State(Backend backend, Arena arena, int d) {
      super("BOME's state");
      w = backend.vector(arena, d);
    }

    /** The lower-level iterate {@code w_k}. */
    public DVector lowerIterate() {
      return w;
    }

    @Override
    public List<NamedVector> vectors() {
      return List.of(new NamedVector("w", w));
    }
  }

  /** The state of a run from {@code lambda} (projected in place): {@code w_0 = 0}. */
  @Override
  public State init(Arena arena, DVector lambda, SingleLoopOptions options) {
    checkInit(lambda, options);
    State state = new State(backend, arena, d);
    backend.fill(0.0, state.w);
    return state;
  }

  @Override
  public long workspaceBytes() {
    return super.workspaceBytes() + Double.BYTES * (2L * d + m);
  }

  /** {@code (T + 2)b + J}. */
  @Override
  public long samplesPerIteration(int k, SingleLoopOptions options) {
    return Math.addExact(Math.multiplyExact(innerSteps + 2L, options.lowerBatch()),
        options.batch());
  }

  /** Iteration {@code k = state.iteration()}: advances {@code state} and {@code λ} in place. */
  @Override
  public long iterate(State state, DVector lambda, SingleLoopOptions options,
      SplittableRandom random) {
    int k = state.iteration();
    DVector w = state.w;
    int b = options.lowerBatch();
    double rho = options.rho(k);
    double eta = objective.mapStep();
    DVector residual = innerOracles.residual();
    // w_T: T gradient steps on G from w
    long samples = 0;
    backend.copy(w, approximateSolution);
    for (int t = 0; t < innerSteps; t++) {
      samples += residual(approximateSolution, lambda,
          lower.draw(random, b, problem.lowerSamples()), residual);
      checkLower(k, residual);
      backend.axpy(-rho, residual, approximateSolution);
    }
    // ∇q = (R(w)/η, ∇₂Ĝ(w) − ∇₂Ĝ(w_T)) on ξ, ∇Ê on ζ
    Batch xi = lower.draw(random, b, problem.lowerSamples());
    samples += residual(w, lambda, xi, gradientW);
    backend.scal(1.0 / eta, gradientW);
    objective.lowerObjectiveGradientLambda(w, lambda, xi, gradientLambda);
    DVector scratch = innerOracles.cross();
    objective.lowerObjectiveGradientLambda(approximateSolution, lambda, xi, scratch);
    samples += xi.size();
    backend.axpy(-1.0, scratch, gradientLambda);
    samples += outer(w, lambda, upper.draw(random, options.batch(), problem.upperSamples()),
        outerOracles);
    double squaredNorm = backend.dot(gradientW, gradientW)
        + backend.dot(gradientLambda, gradientLambda);
    double inner = backend.dot(outerOracles.gradientW(), gradientW)
        + backend.dot(outerOracles.gradientLambda(), gradientLambda);
    double mu = squaredNorm > 0 ? Math.max(barrier * squaredNorm - inner, 0) / squaredNorm : 0;
    // d_w = ∇₁Ê + μ∇₁q,  d_λ = ∇₂Ê + μ∇₂q
    DVector lowerDirection = outerOracles.gradientW();
    backend.axpy(mu, gradientW, lowerDirection);
    checkLower(k, lowerDirection);
    DVector upperDirection = outerOracles.gradientLambda();
    backend.axpy(mu, gradientLambda, upperDirection);
    upperStep(k, options, w, lambda, upperDirection);
    backend.axpy(-rho * eta, lowerDirection, w);
    state.advance();
    return samples;
  }
}
