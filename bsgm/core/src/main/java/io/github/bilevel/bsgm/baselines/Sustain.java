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
 * SUSTAIN, the double-momentum method of Khanduri, Zeng, Hong, Wai, Wang, Yang ("A near-optimal
 * algorithm for stochastic bilevel optimization via double-momentum", NeurIPS 2021), in the
 * fixed-point form of docs/mathematics.md §4.8 and the order of benchopt's solvers/sustain.py:
 * STORM momenta on the lower-level residual and on a Neumann-series hypergradient, both
 * corrected by the same oracles at the previous iterate, then a joint step. Iteration {@code k},
 * fresh batches {@code ξ₀} of {@code b}, {@code ζ} of {@code J} and {@code ξ₁, ξ₂, ...} of
 * {@code b}; {@code x = (z, λ)}, {@code x' = (z_{k−1}, λ_{k−1})}:
 *
 * <pre>
 *   R(x) = z − Φ̂(z, λ, ξ₀)
 *   v(x) = Qη u_p,  u₀ = ∇₁Ê(x, ζ),  u_{i+1} = u_i − η (u_i − ∂₁Φ̂(x, ξ_{i+1})ᵀ u_i),
 *          p ~ U{0, …, Q−1}, the same p and batches at x and x'   (or η Σ_{i &lt; Q} u_i)
 *   h(x) = ∇₂Ê(x, ζ) + ∂₂Φ̂(x, ξ₀)ᵀ v(x)
 *   m_z ← R(x) + (1 − η_k)(m_z − R(x')),   d ← h(x) + (1 − η_k)(d − h(x'))   (k &gt; 0)
 *   m_z = R(x),  d = h(x)                                                   (k = 0)
 *   z ← z − ρ_k m_z,   λ ← P_Λ(λ − γ_k d)
 *   ρ_k = ρ / (k + 1)^a,   η_k = ρ_k,   γ_k = γ / (k + 1)^c,   η = ρ (Neumann step)
 * </pre>
 *
 * benchopt takes {@code a = c = 1/3} and a momentum weight {@code 0.5/(k + 1)^{2/3}}; here, as
 * in {@link Fsla}, {@code η_k = ρ_k}, so {@code ρ <= 1}. benchopt starts both memories at zero
 * (a bias that decays like {@code (1 − η)^k}); here they start at the first estimates.
 * {@code z_0 = 0}.
 *
 * <p>Samples: {@code b + J + p·b} at {@code k = 0}, then {@code 2(b + J + p·b)}: every batch is
 * read at the two points ({@code p = Q − 1} at fixed length). Allocation-free iterations. Not
 * thread-safe.
 */
public final class Sustain extends SingleLoopMethod<Sustain.State> {

  private final double correctionSign;
  private final DVector term;
  private final DVector sum;
  private final DVector oldTerm;
  private final DVector oldSum;
  /** The Neumann products' batches (the base's {@code lower} keeps {@code ξ₀}). */
  private final Batch neumann;

  /**
   * A runner for {@code problem}, with room for batches up to {@code J = maxBatch},
   * {@code b = maxLowerBatch}.
   */
  public Sustain(BilevelProblem problem, int maxBatch, int maxLowerBatch) {
    this(problem, maxBatch, maxLowerBatch, 1.0);
  }

  /**
   * With the old-point terms of both corrections multiplied by {@code correctionSign}: −1 is a
   * broken variant, {@code m ← m_k + (1 − η)(m + m̃)}, for tests.
   */
  Sustain(BilevelProblem problem, int maxBatch, int maxLowerBatch, double correctionSign) {
    super("SUSTAIN", problem, maxBatch, maxLowerBatch);
    this.correctionSign = correctionSign;
    term = backend.vector(arena, d);
    sum = backend.vector(arena, d);
    oldTerm = backend.vector(arena, d);
    oldSum = backend.vector(arena, d);
    neumann = new Batch(maxLowerBatch);
  }

  /**
   * SUSTAIN's state: {@code z_k}, the previous iterate {@code (z_{k−1}, λ_{k−1})}, the momenta
   * {@code m_z} and {@code d} and the iteration counter {@code k}.
   */
  public static final class State extends IterationState {
    private final DVector z;
    private final DVector previousZ;
    private final DVector previousLambda;
    private final DVector lowerMomentum;
    private final DVector momentum;

    private State(Backend backend, Arena arena, int d, int m) {
      super("SUSTAIN's state");
      z = backend.vector(arena, d);
      previousZ = backend.vector(arena, d);
      previousLambda = backend.vector(arena, m);
      lowerMomentum = backend.vector(arena, d);
      momentum = backend.vector(arena, m);
    }

    /** The lower-level iterate {@code z_k}. */
    public DVector lowerIterate() {
      return z;
    }

    /** The momentum {@code d} of the hypergradient. */
    public DVector momentum() {
      return momentum;
    }

    @Override
    public List<NamedVector> vectors() {
      return List.of(new NamedVector("z", z), new NamedVector("zPrevious", previousZ),
          new NamedVector("lambdaPrevious", previousLambda),
          new NamedVector("dz", lowerMomentum), new NamedVector("d", momentum));
    }
  }

  /**
   * The state of a run from {@code lambda} (projected in place): {@code z_0 = 0}.
   *
   * @throws IllegalArgumentException if {@code ρ > 1} (the momentum weight {@code η_k = ρ_k})
   */
  @Override
  public State init(Arena arena, DVector lambda, SingleLoopOptions options) {
    checkInit(lambda, options);
    if (options.rho() > 1) {
      throw new IllegalArgumentException("SUSTAIN: rho is also the momentum weight η and must"
          + " be <= 1, got " + options.rho());
    }
    State state = new State(backend, arena, d, m);
    backend.fill(0.0, state.z);
    backend.fill(0.0, state.previousZ);
    backend.fill(0.0, state.lowerMomentum);
    backend.fill(0.0, state.momentum);
    backend.copy(lambda, state.previousLambda);
    return state;
  }

  @Override
  public long workspaceBytes() {
    return super.workspaceBytes() + Double.BYTES * 4L * d;
  }

  /**
   * {@code Q·b + J} at {@code k = 0}, {@code 2(Q·b + J)} after: exact at fixed length, an upper
   * bound under random truncation.
   */
  @Override
  public long samplesPerIteration(int k, SingleLoopOptions options) {
    long one = Math.addExact(Math.multiplyExact((long) options.neumannTerms(),
        options.lowerBatch()), options.batch());
    return k == 0 ? one : Math.multiplyExact(2L, one);
  }

  /** Iteration {@code k = state.iteration()}: advances {@code state} and {@code λ} in place. */
  @Override
  public long iterate(State state, DVector lambda, SingleLoopOptions options,
      SplittableRandom random) {
    int k = state.iteration();
    boolean corrected = k > 0;
    DVector z = state.z;
    DVector oldZ = state.previousZ;
    DVector oldLambda = state.previousLambda;
    int b = options.lowerBatch();
    double weight = options.rho(k);
    Batch xi = lower.draw(random, b, problem.lowerSamples());
    Batch zeta = upper.draw(random, options.batch(), problem.upperSamples());
    // the residuals and the outer gradients at x and x' on ξ₀ and ζ
    long samples = residual(z, lambda, xi, innerOracles.residual());
    samples += outer(z, lambda, zeta, outerOracles);
    if (corrected) {
      samples += residual(oldZ, oldLambda, xi, innerEstimate.residual());
      samples += outer(oldZ, oldLambda, zeta, outerEstimate);
    }
    // the Neumann series from u₀ = ∇₁Ê at both points, on the same batches
    double eta = options.rho();
    int q = options.neumannTerms();
    boolean randomLength = options.randomTruncation();
    int steps = randomLength ? random.nextInt(q) : q - 1;
    DVector product = innerOracles.jacobianW();
    backend.copy(outerOracles.gradientW(), term);
    backend.copy(term, sum);
    backend.copy(outerEstimate.gradientW(), oldTerm);
    backend.copy(oldTerm, oldSum);
    for (int i = 0; i < steps; i++) {
      Batch batch = neumann.draw(random, b, problem.lowerSamples());
      samples += neumannStep(z, lambda, batch, eta, term, sum, product);
      if (corrected) {
        samples += neumannStep(oldZ, oldLambda, batch, eta, oldTerm, oldSum, product);
      }
    }
    // v = Qη u_p (random) or η Σ u_i (fixed); h = ∇₂Ê + ∂₂Φ̂(ξ₀)ᵀ v at both points (ξ₀ was
    // counted with the residuals)
    double scale = randomLength ? q * eta : eta;
    DVector fresh = innerOracles.cross();
    DVector old = innerEstimate.cross();
    DVector v = randomLength ? term : sum;
    backend.scal(scale, v);
    checkLinear(k, v);
    hypergradient(z, lambda, xi, v, outerOracles, fresh);
    if (corrected) {
      DVector oldV = randomLength ? oldTerm : oldSum;
      backend.scal(scale, oldV);
      hypergradient(oldZ, oldLambda, xi, oldV, outerEstimate, old);
    }
    // the two STORM momenta
    momentum(corrected, weight, innerOracles.residual(), innerEstimate.residual(),
        state.lowerMomentum);
    momentum(corrected, weight, fresh, old, state.momentum);
    checkLower(k, state.lowerMomentum);
    backend.copy(z, oldZ);
    backend.copy(lambda, oldLambda);
    upperStep(k, options, z, lambda, state.momentum);
    backend.axpy(-options.rho(k), state.lowerMomentum, z);
    state.advance();
    return samples;
  }

  /** {@code u ← (1 − η) u + η ∂₁Φ̂(z, λ, ξ)ᵀu}, {@code s ← s + u}; returns {@code |ξ|}. */
  private long neumannStep(DVector z, DVector lambda, Batch xi, double eta, DVector u,
      DVector s, DVector product) {
    linearize(z, lambda, xi).vjpW(u, product);
    backend.scal(1.0 - eta, u);
    backend.axpy(eta, product, u);
    backend.axpy(1.0, u, s);
    return xi.size();
  }

  /** {@code out ← ∇₂Ê + ∂₂Φ̂(z, λ, ξ)ᵀ v}, {@code ∇₂Ê} read from {@code outer}. */
  private void hypergradient(DVector z, DVector lambda, Batch xi, DVector v, Outer outer,
      DVector out) {
    linearize(z, lambda, xi).vjpLambda(v, out);
    backend.axpy(1.0, outer.gradientLambda(), out);
  }

  /**
   * {@code m ← fresh + (1 − η)(m − old)} ({@code old} signed by {@code correctionSign}), or
   * {@code m ← fresh} when not corrected.
   */
  private void momentum(boolean corrected, double eta, DVector fresh, DVector old, DVector m) {
    if (!corrected) {
      backend.copy(fresh, m);
      return;
    }
    backend.axpy(-correctionSign, old, m);
    backend.scal(1.0 - eta, m);
    backend.axpy(1.0, fresh, m);
  }
}
