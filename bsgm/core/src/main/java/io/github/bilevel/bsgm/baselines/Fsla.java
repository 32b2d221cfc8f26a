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
 * FSLA, the fully single-loop algorithm of Li, Gu, Huang ("A fully single loop algorithm for
 * bilevel optimization without Hessian inverse", AAAI 2022), in the fixed-point form of
 * docs/mathematics.md §4.7, in the order of benchopt's solvers/fsla.py: a KM step of {@code z},
 * one KM step of the linear-system variable {@code v} at the new {@code z}, and an upper-level
 * step along a STORM-like momentum {@code d} of the hypergradient estimate. Iteration {@code k},
 * fresh batches {@code ξ₁, ξ₂, ξ₃} of {@code b} and {@code ζ₁, ζ₂} of {@code J}:
 *
 * <pre>
 *   z⁺ = z − ρ_k (z − Φ̂(z, λ, ξ₁))
 *   v⁺ = v − ρ_k (v − ∂₁Φ̂(z⁺, λ, ξ₂)ᵀ v − ∇₁Ê(z⁺, λ, ζ₁))
 *   h(z, λ, v) = ∇₂Ê(z, λ, ζ₂) + ∂₂Φ̂(z, λ, ξ₃)ᵀ v
 *   d_k = h(z⁺, λ, v⁺) + (1 − η_k) (d_{k−1} − h(z, λ_{k−1}, v)),   d_0 = h(z⁺, λ, v⁺)
 *   λ_{k−1} ← λ,   λ ← P_Λ(λ − γ_k d_k)
 *   ρ_k = ρ / (k + 1)^a,   η_k = ρ_k,   γ_k = γ / (k + 1)^c
 * </pre>
 *
 * The correction evaluates {@code h} on the same batches at the previous iteration's point
 * ({@code z} before its step, the previous {@code λ} and {@code v}), so that
 * {@code d_k − h_k = (1 − η_k)(d_{k−1} − h_{k−1})} plus the batch noise of the difference.
 * benchopt takes {@code a = c = 1/2} and the momentum weight equal to the lower step; here too
 * {@code η_k = ρ_k}, so {@code ρ <= 1}. At {@code k = 0} the momentum starts at {@code h}
 * (benchopt starts from zero memories, a bias that decays like {@code (1 − η)^k}).
 * {@code z_0 = v_0 = 0}.
 *
 * <p>Samples: {@code 3b + 2J} at {@code k = 0}, then {@code 4b + 3J} ({@code ξ₃} and {@code ζ₂}
 * are read at two points). Allocation-free iterations. Not thread-safe.
 */
public final class Fsla extends SingleLoopMethod<Fsla.State> {

  private final double correctionSign;
  private final DVector previousZ;
  private final DVector previousV;
  private final DVector fresh;
  private final DVector old;
  private final Batch lowerB;
  private final Batch upperB;

  /** A runner for {@code problem}, with room for batches up to {@code J = maxBatch}, {@code b = maxLowerBatch}. */
  public Fsla(BilevelProblem problem, int maxBatch, int maxLowerBatch) {
    this(problem, maxBatch, maxLowerBatch, 1.0);
  }

  /**
   * With the old-point term of the correction multiplied by {@code correctionSign}: −1 is a
   * broken variant, {@code d_k = h_k + (1 − η)(d_{k−1} + h̃_{k−1})}, for tests.
   */
  Fsla(BilevelProblem problem, int maxBatch, int maxLowerBatch, double correctionSign) {
    super("FSLA", problem, maxBatch, maxLowerBatch);
    this.correctionSign = correctionSign;
    previousZ = backend.vector(arena, d);
    previousV = backend.vector(arena, d);
    fresh = backend.vector(arena, m);
    old = backend.vector(arena, m);
    lowerB = new Batch(maxLowerBatch);
    upperB = new Batch(maxBatch);
  }

  /**
   * FSLA's state: {@code z_k}, {@code v_k}, the momentum {@code d_{k−1}}, the previous
   * {@code λ_{k−1}} and the iteration counter {@code k}.
   */
  public static final class State extends IterationState {
    private final DVector z;
    private final DVector v;
    private final DVector momentum;
    private final DVector previousLambda;

    private State(Backend backend, Arena arena, int d, int m) {
      super("FSLA's state");
      z = backend.vector(arena, d);
      v = backend.vector(arena, d);
      momentum = backend.vector(arena, m);
      previousLambda = backend.vector(arena, m);
    }

    /** The lower-level iterate {@code z_k}. */
    public DVector lowerIterate() {
      return z;
    }

    /** The linear-system iterate {@code v_k}. */
    public DVector linearIterate() {
      return v;
    }

    /** The momentum {@code d_{k−1}} of the hypergradient. */
    public DVector momentum() {
      return momentum;
    }

    @Override
    public List<NamedVector> vectors() {
      return List.of(new NamedVector("z", z), new NamedVector("v", v),
          new NamedVector("d", momentum), new NamedVector("lambdaPrevious", previousLambda));
    }
  }

  /**
   * The state of a run from {@code lambda} (projected in place): {@code z_0 = v_0 = 0}.
   *
   * @throws IllegalArgumentException if {@code ρ > 1} (the momentum weight {@code η_k = ρ_k})
   */
  @Override
  public State init(Arena arena, DVector lambda, SingleLoopOptions options) {
    checkInit(lambda, options);
    if (options.rho() > 1) {
      throw new IllegalArgumentException("FSLA: rho is also the momentum weight η and must be"
          + " <= 1, got " + options.rho());
    }
    State state = new State(backend, arena, d, m);
    backend.fill(0.0, state.z);
    backend.fill(0.0, state.v);
    backend.fill(0.0, state.momentum);
    backend.copy(lambda, state.previousLambda);
    return state;
  }

  @Override
  public long workspaceBytes() {
    return super.workspaceBytes() + Double.BYTES * (2L * d + 2L * m);
  }

  /** {@code 3b + 2J} at {@code k = 0}, {@code 4b + 3J} after. */
  @Override
  public long samplesPerIteration(int k, SingleLoopOptions options) {
    long b = options.lowerBatch();
    long j = options.batch();
    return k == 0 ? 3 * b + 2 * j : 4 * b + 3 * j;
  }

  /** Iteration {@code k = state.iteration()}: advances {@code state} and {@code λ} in place. */
  @Override
  public long iterate(State state, DVector lambda, SingleLoopOptions options,
      SplittableRandom random) {
    int k = state.iteration();
    DVector z = state.z;
    DVector v = state.v;
    int b = options.lowerBatch();
    int j = options.batch();
    double rho = options.rho(k);
    // z⁺ = z − ρ_k R(z, λ; ξ₁), keeping z
    DVector residual = innerOracles.residual();
    long samples = residual(z, lambda, lower.draw(random, b, problem.lowerSamples()), residual);
    checkLower(k, residual);
    backend.copy(z, previousZ);
    backend.axpy(-rho, residual, z);
    // v⁺ = v − ρ_k (v − ∂₁Φ̂(z⁺)ᵀv − ∇₁Ê(z⁺)), keeping v
    Batch xi2 = lower.draw(random, b, problem.lowerSamples());
    DVector linearDirection = innerOracles.jacobianW();
    linearize(z, lambda, xi2).vjpW(v, linearDirection);
    samples += xi2.size();
    samples += outer(z, lambda, upper.draw(random, j, problem.upperSamples()), outerOracles);
    backend.scal(-1.0, linearDirection);
    backend.axpy(1.0, v, linearDirection);
    backend.axpy(-1.0, outerOracles.gradientW(), linearDirection);
    checkLinear(k, linearDirection);
    backend.copy(v, previousV);
    backend.axpy(-rho, linearDirection, v);
    // h at the new point on (ξ₃, ζ₂)
    Batch xi3 = lowerB.draw(random, b, problem.lowerSamples());
    Batch zeta2 = upperB.draw(random, j, problem.upperSamples());
    samples += hypergradient(z, lambda, v, xi3, zeta2, fresh);
    DVector momentum = state.momentum;
    if (k == 0) {
      backend.copy(fresh, momentum);
    } else {
      // d ← h + (1 − η_k)(d − h̃), h̃ at the previous point on the same batches
      samples += hypergradient(previousZ, state.previousLambda, previousV, xi3, zeta2, old);
      backend.axpy(-correctionSign, old, momentum);
      backend.scal(1.0 - rho, momentum);
      backend.axpy(1.0, fresh, momentum);
    }
    backend.copy(lambda, state.previousLambda);
    upperStep(k, options, z, lambda, momentum);
    state.advance();
    return samples;
  }

  /**
   * {@code out ← ∇₂Ê(z, λ, ζ) + ∂₂Φ̂(z, λ, ξ)ᵀ v}.
   *
   * @return the samples, {@code |ξ| + |ζ|}
   */
  private long hypergradient(DVector z, DVector lambda, DVector v, Batch xi, Batch zeta,
      DVector out) {
    linearize(z, lambda, xi).vjpLambda(v, out);
    long samples = outer(z, lambda, zeta, outerEstimate) + xi.size();
    backend.axpy(1.0, outerEstimate.gradientLambda(), out);
    return samples;
  }
}
