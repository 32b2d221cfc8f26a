package io.github.bilevel.bsgm.baselines;

import io.github.bilevel.bsgm.BilevelProblem;
import io.github.bilevel.bsgm.IterationState;
import io.github.bilevel.bsgm.NamedVector;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;
import java.util.List;
import java.util.SplittableRandom;

/**
 * SOBA, the stochastic bilevel algorithm of Dagréou, Ablin, Vaiter, Moreau (NeurIPS 2022,
 * Algorithm 1), in the fixed-point form of
 * docs/mathematics.md §4.5: the lower level's "gradient" is the residual
 * {@code R(z, λ; ξ) = z − Φ̂(z, λ, ξ)}, whose Jacobian {@code I − ∂₁Φ} replaces the Hessian
 * {@code ∇²₁₁G}, so that {@code v} solves {@code (I − ∂₁Φ)ᵀ v = ∇₁E} (the paper's {@code v} with
 * the opposite sign). Iteration {@code k = 0, 1, ...}, one batch {@code ξ} of {@code b} and one
 * batch {@code ζ} of {@code J}, every oracle at the current {@code (z_k, v_k, λ_k)}:
 *
 * <pre>
 *   D_z = z − Φ̂(z, λ, ξ)
 *   D_v = v − ∂₁Φ̂(z, λ, ξ)ᵀ v − ∇₁Ê(z, λ, ζ)
 *   D_λ = ∂₂Φ̂(z, λ, ξ)ᵀ v + ∇₂Ê(z, λ, ζ)
 *   z ← z − ρ_k D_z,   v ← v − ρ_k D_v,   λ ← P_Λ(λ − γ_k D_λ)
 *   ρ_k = ρ / (k + 1)^a,   γ_k = γ / (k + 1)^c
 * </pre>
 *
 * The {@code z} and {@code v} steps are Krasnoselskii–Mann steps on {@code Φ̂} and on the linear
 * map {@code v ↦ ∂₁Φ̂ᵀv + ∇₁Ê}. The paper's Theorem 1 takes {@code a = 2/5}, {@code c = 3/5}
 * ({@code min_k E‖∇f(λ_k)‖² = O(log K / K^{2/5})}); benchopt's implementation takes
 * {@code a = c = 1/2}; on a deterministic problem constant steps ({@code a = c = 0}) converge
 * linearly. {@code z_0 = v_0 = 0}.
 *
 * <p>Samples: {@code b + J} per iteration (the batch {@code ξ} serves the residual and both
 * vector–Jacobian products at one point, and counts once, as {@code ζ} does for the pair
 * {@code ∇₁Ê, ∇₂Ê}).
 *
 * <p>Allocation-free iterations (but the listener's progress record). Not thread-safe.
 */
public final class Soba extends SingleLoopMethod<Soba.State> {

  /** A runner for {@code problem}, with room for batches up to {@code J = maxBatch}, {@code b = maxLowerBatch}. */
  public Soba(BilevelProblem problem, int maxBatch, int maxLowerBatch) {
    super("SOBA", problem, maxBatch, maxLowerBatch);
  }

  /** SOBA's state: {@code z_k}, {@code v_k} and the iteration counter {@code k}. */
  public static final class State extends IterationState {
    private final DVector z;
    private final DVector v;

    private State(Backend backend, Arena arena, int d) {
      super("SOBA's state");
      z = backend.vector(arena, d);
      v = backend.vector(arena, d);
    }

    /** The lower-level iterate {@code z_k}. */
    public DVector lowerIterate() {
      return z;
    }

    /** The linear-system iterate {@code v_k}. */
    public DVector linearIterate() {
      return v;
    }

    @Override
    public List<NamedVector> vectors() {
      return List.of(new NamedVector("z", z), new NamedVector("v", v));
    }
  }

  /** The state of a run from {@code lambda} (projected in place): {@code z_0 = v_0 = 0}. */
  @Override
  public State init(Arena arena, DVector lambda, SingleLoopOptions options) {
    checkInit(lambda, options);
    State state = new State(backend, arena, d);
    backend.fill(0.0, state.z);
    backend.fill(0.0, state.v);
    return state;
  }

  /** {@code b + J}. */
  @Override
  public long samplesPerIteration(int k, SingleLoopOptions options) {
    return (long) options.lowerBatch() + options.batch();
  }

  /** Iteration {@code k = state.iteration()}: advances {@code state} and {@code λ} in place. */
  @Override
  public long iterate(State state, DVector lambda, SingleLoopOptions options,
      SplittableRandom random) {
    long samples = inner(state.z, lambda, state.v,
        lower.draw(random, options.lowerBatch(), problem.lowerSamples()), innerEstimate);
    samples += outer(state.z, lambda, upper.draw(random, options.batch(),
        problem.upperSamples()), outerEstimate);
    step(state.iteration(), options, state.z, state.v, lambda, innerEstimate, outerEstimate);
    state.advance();
    return samples;
  }
}
