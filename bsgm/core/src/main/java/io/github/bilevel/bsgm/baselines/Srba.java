package io.github.bilevel.bsgm.baselines;

import io.github.bilevel.bsgm.Batch;
import io.github.bilevel.bsgm.BilevelProblem;
import io.github.bilevel.bsgm.IterationState;
import io.github.bilevel.bsgm.NamedVector;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;
import java.util.List;
import java.util.SplittableRandom;

/**
 * SRBA, the stochastic recursive bilevel algorithm of Dagréou, Moreau, Vaiter, Ablin (AISTATS
 * 2024, "A lower bound and a near-optimal algorithm for bilevel empirical risk minimization",
 * Algorithm 1), in the fixed-point form of docs/mathematics.md §4.5: {@link Soba}'s directions
 * estimated by the SARAH recursion, restarted from full-batch oracles every {@code period}
 * iterations. Iteration {@code k}, with {@code g(z, v, λ; ξ, ζ)} the oracles
 * {@code [R, ∂₁Φ̂ᵀv, ∂₂Φ̂ᵀv; ∇₁Ê, ∇₂Ê]}:
 *
 * <pre>
 *   k mod period = 0:  G_k = g(z_k, v_k, λ_k; all ξ, all ζ)
 *   otherwise:         G_k = G_{k−1} + g(z_k, v_k, λ_k; ξ, ζ) − g(z_{k−1}, v_{k−1}, λ_{k−1}; ξ, ζ)
 *                      (the same fresh batches ξ of b and ζ of J at both points)
 * </pre>
 *
 * then the step of {@link Soba} from {@code G_k} with constant steps {@code ρ_k = ρ},
 * {@code γ_k = γ} (the paper's main theorem: steps of order {@code 1/L} with a period and batch
 * of order {@code √(N_ξ + N_ζ)} give the near-optimal {@code O((N_ξ + N_ζ)^{1/2} ε⁻¹)} oracle
 * complexity; benchopt takes {@code period = ⌊(N_ξ + N_ζ)/(2b)⌋}). The paper also projects
 * {@code v} onto a ball for its proof; like benchopt, this implementation does not.
 * {@code z_0 = v_0 = 0}.
 *
 * <p>Samples: {@code N_ξ + N_ζ} at a recomputation, {@code 2(b + J)} otherwise (each batch
 * evaluated at two points).
 *
 * <p>Allocation-free iterations (but the listener's progress record). Not thread-safe.
 */
public final class Srba extends SingleLoopMethod<Srba.State> {

  private final double correctionSign;
  private final Inner innerPrevious;
  private final Outer outerPrevious;
  private final Batch allLower;
  private final Batch allUpper;

  /** A runner for {@code problem}, with room for batches up to {@code J = maxBatch}, {@code b = maxLowerBatch}. */
  public Srba(BilevelProblem problem, int maxBatch, int maxLowerBatch) {
    this(problem, maxBatch, maxLowerBatch, 1.0);
  }

  /**
   * A runner whose SARAH correction subtracts {@code correctionSign · g(previous point)}: 1 is
   * SRBA, −1 the deliberately broken variant the tests must reject.
   */
  Srba(BilevelProblem problem, int maxBatch, int maxLowerBatch, double correctionSign) {
    super("SRBA", problem, maxBatch, maxLowerBatch);
    this.correctionSign = correctionSign;
    innerPrevious = new Inner(backend.vector(arena, innerLength()), d, m);
    outerPrevious = new Outer(backend.vector(arena, outerLength()), d, m);
    allLower = new Batch(problem.lowerSamples()).all(problem.lowerSamples());
    allUpper = new Batch(problem.upperSamples()).all(problem.upperSamples());
  }

  /**
   * SRBA's state: {@code z_k, v_k}, the previous point {@code (z_{k−1}, v_{k−1}, λ_{k−1})}, the
   * recursive estimates {@code G_{k−1}} and the iteration counter {@code k}.
   */
  public static final class State extends IterationState {
    private final DVector z;
    private final DVector v;
    private final DVector zPrevious;
    private final DVector vPrevious;
    private final DVector lambdaPrevious;
    private final Inner inner;
    private final Outer outer;

    private State(Backend backend, Arena arena, int d, int m) {
      super("SRBA's state");
      z = backend.vector(arena, d);
      v = backend.vector(arena, d);
      zPrevious = backend.vector(arena, d);
      vPrevious = backend.vector(arena, d);
      lambdaPrevious = backend.vector(arena, m);
      inner = new Inner(backend.vector(arena, 2 * d + m), d, m);
      outer = new Outer(backend.vector(arena, d + m), d, m);
    }

    /** The lower-level iterate {@code z_k}. */
    public DVector lowerIterate() {
      return z;
    }

    @Override
    public List<NamedVector> vectors() {
      return List.of(new NamedVector("z", z), new NamedVector("v", v),
          new NamedVector("z_previous", zPrevious), new NamedVector("v_previous", vPrevious),
          new NamedVector("lambda_previous", lambdaPrevious),
          new NamedVector("inner_estimate", inner.all()),
          new NamedVector("outer_estimate", outer.all()));
    }
  }

  /** The state of a run from {@code lambda} (projected in place): everything at zero. */
  @Override
  public State init(Arena arena, DVector lambda, SingleLoopOptions options) {
    checkInit(lambda, options);
    State state = new State(backend, arena, d, m);
    for (NamedVector named : state.vectors()) {
      backend.fill(0.0, named.vector());
    }
    return state;
  }

  /**
   * {@code N_ξ + N_ζ} when {@code k} is a multiple of the period, {@code 2(b + J)} otherwise.
   */
  @Override
  public long samplesPerIteration(int k, SingleLoopOptions options) {
    if (k % options.period() == 0) {
      return (long) problem.lowerSamples() + problem.upperSamples();
    }
    return 2L * ((long) options.lowerBatch() + options.batch());
  }

  /** Iteration {@code k = state.iteration()}: advances {@code state} and {@code λ} in place. */
  @Override
  public long iterate(State state, DVector lambda, SingleLoopOptions options,
      SplittableRandom random) {
    int k = state.iteration();
    long samples;
    if (k % options.period() == 0) {
      samples = inner(state.z, lambda, state.v, allLower, state.inner);
      samples += outer(state.z, lambda, allUpper, state.outer);
    } else {
      Batch xi = lower.draw(random, options.lowerBatch(), problem.lowerSamples());
      samples = inner(state.z, lambda, state.v, xi, innerOracles);
      samples += inner(state.zPrevious, state.lambdaPrevious, state.vPrevious, xi,
          innerPrevious);
      Batch zeta = upper.draw(random, options.batch(), problem.upperSamples());
      // the previous point first, so that the monitored batch is the current point's
      samples += outer(state.zPrevious, state.lambdaPrevious, zeta, outerPrevious);
      samples += outer(state.z, lambda, zeta, outerOracles);
      backend.axpy(1.0, innerOracles.all(), state.inner.all());
      backend.axpy(-correctionSign, innerPrevious.all(), state.inner.all());
      backend.axpy(1.0, outerOracles.all(), state.outer.all());
      backend.axpy(-correctionSign, outerPrevious.all(), state.outer.all());
    }
    backend.copy(state.z, state.zPrevious);
    backend.copy(state.v, state.vPrevious);
    backend.copy(lambda, state.lambdaPrevious);
    step(k, options, state.z, state.v, lambda, state.inner, state.outer);
    state.advance();
    return samples;
  }
}
