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
 * TTSA, the two-timescale stochastic approximation of Hong, Wai, Wang, Yang ("A two-timescale
 * framework for bilevel optimization", 2020), in the fixed-point form of docs/mathematics.md
 * §4.7: one stochastic KM step of the lower level, then an upper-level step along a
 * hypergradient whose linear-system solution is a truncated Neumann series of
 * {@code ∂₁Φ̂ᵀ}, recomputed from zero at every iteration (no {@code v} is carried). Iteration
 * {@code k}, batches {@code ξ₀} of {@code b}, {@code ζ} of {@code J} and {@code ξ₁, ξ₂, ...} of
 * {@code b}, with {@code η = ρ} (benchopt's constant Neumann step):
 *
 * <pre>
 *   z ← z − ρ_k (z − Φ̂(z, λ, ξ₀))
 *   g = ∇₁Ê(z, λ, ζ),   u₀ = g,   u_{i+1} = u_i − η (u_i − ∂₁Φ̂(z, λ, ξ_{i+1})ᵀ u_i)
 *   v = η Σ_{i &lt; Q} u_i            (fixed length)
 *   v = Q η u_p,  p ~ U{0, …, Q−1}   (random truncation: unbiased for the fixed-length sum)
 *   D_λ = ∇₂Ê(z, λ, ζ) + ∂₂Φ̂(z, λ, ξ₀)ᵀ v,   λ ← P_Λ(λ − γ_k D_λ)
 *   ρ_k = ρ / (k + 1)^a,   γ_k = γ / (k + 1)^c
 * </pre>
 *
 * benchopt's solvers/ttsa.py takes {@code a = 2/5}, {@code c = 3/5} (the paper's two time
 * scales) and random truncation; on a deterministic problem constant steps and the fixed length
 * converge linearly up to the bias {@code O(‖∂₁Φᵀ‖^Q)} of the truncation. {@code z_0 = 0}.
 *
 * <p>Samples: {@code 2b + J} plus {@code b} per Neumann product ({@code Q − 1} of them at fixed
 * length, {@code p} when random): the batch {@code ξ₀} is read at the old and at the new
 * {@code z}, and counts at each point. Allocation-free iterations. Not thread-safe.
 */
public final class Ttsa extends SingleLoopMethod<Ttsa.State> {

  private final DVector term;
  private final DVector sum;
  /** The Neumann products' batches (the base's {@code lower} keeps {@code ξ₀}). */
  private final Batch neumann;

  /** A runner for {@code problem}, with room for batches up to {@code J = maxBatch}, {@code b = maxLowerBatch}. */
  public Ttsa(BilevelProblem problem, int maxBatch, int maxLowerBatch) {
    super("TTSA", problem, maxBatch, maxLowerBatch);
    term = backend.vector(arena, d);
    sum = backend.vector(arena, d);
    neumann = new Batch(maxLowerBatch);
  }

  /** TTSA's state: {@code z_k} and the iteration counter {@code k}. */
  public static final class State extends IterationState {
    private final DVector z;

    private State(Backend backend, Arena arena, int d) {
      super("TTSA's state");
      z = backend.vector(arena, d);
    }

    /** The lower-level iterate {@code z_k}. */
    public DVector lowerIterate() {
      return z;
    }

    @Override
    public List<NamedVector> vectors() {
      return List.of(new NamedVector("z", z));
    }
  }

  /** The state of a run from {@code lambda} (projected in place): {@code z_0 = 0}. */
  @Override
  public State init(Arena arena, DVector lambda, SingleLoopOptions options) {
    checkInit(lambda, options);
    State state = new State(backend, arena, d);
    backend.fill(0.0, state.z);
    return state;
  }

  @Override
  public long workspaceBytes() {
    return super.workspaceBytes() + Double.BYTES * 2L * d;
  }

  /** {@code (Q + 1) b + J}: exact at fixed length, an upper bound under random truncation. */
  @Override
  public long samplesPerIteration(int k, SingleLoopOptions options) {
    return Math.addExact(Math.multiplyExact(options.neumannTerms() + 1L, options.lowerBatch()),
        options.batch());
  }

  /** Iteration {@code k = state.iteration()}: advances {@code state} and {@code λ} in place. */
  @Override
  public long iterate(State state, DVector lambda, SingleLoopOptions options,
      SplittableRandom random) {
    int k = state.iteration();
    DVector z = state.z;
    int b = options.lowerBatch();
    Batch xi = lower.draw(random, b, problem.lowerSamples());
    // the lower-level KM step
    DVector residual = innerOracles.residual();
    long samples = residual(z, lambda, xi, residual);
    checkLower(k, residual);
    backend.axpy(-options.rho(k), residual, z);
    // the outer gradients at the new z; the Neumann series from u₀ = ∇₁Ê
    samples += outer(z, lambda, upper.draw(random, options.batch(), problem.upperSamples()),
        outerEstimate);
    double eta = options.rho();
    int q = options.neumannTerms();
    boolean random0 = options.randomTruncation();
    int steps = random0 ? random.nextInt(q) : q - 1;
    DVector product = innerOracles.jacobianW();
    backend.copy(outerEstimate.gradientW(), term);
    backend.copy(term, sum);
    for (int i = 0; i < steps; i++) {
      Batch batch = neumann.draw(random, b, problem.lowerSamples());
      linearize(z, lambda, batch).vjpW(term, product);
      samples += batch.size();
      // u ← (1 − η) u + η ∂₁Φ̂ᵀu
      backend.scal(1.0 - eta, term);
      backend.axpy(eta, product, term);
      backend.axpy(1.0, term, sum);
    }
    // v = Qη u_p (random) or η Σ u_i (fixed), kept in sum
    if (random0) {
      backend.copy(term, sum);
      backend.scal(q * eta, sum);
    } else {
      backend.scal(eta, sum);
    }
    checkLinear(k, sum);
    // D_λ = ∇₂Ê + ∂₂Φ̂(z, λ, ξ₀)ᵀ v, ξ₀ read again at the new z
    DVector direction = innerOracles.cross();
    linearize(z, lambda, xi).vjpLambda(sum, direction);
    samples += xi.size();
    backend.axpy(1.0, outerEstimate.gradientLambda(), direction);
    upperStep(k, options, z, lambda, direction);
    state.advance();
    return samples;
  }
}
