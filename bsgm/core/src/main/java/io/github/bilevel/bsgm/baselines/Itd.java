package io.github.bilevel.bsgm.baselines;

import io.github.bilevel.bsgm.BilevelProblem;
import io.github.bilevel.bsgm.IterationState;
import io.github.bilevel.bsgm.NamedVector;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.Checks;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;
import java.util.List;

/**
 * ITD, deterministic iterative differentiation (Maclaurin, Duvenaud, Adams 2015; Franceschi et
 * al. 2017; Grazzi et al. 2020; docs/mathematics.md §4.6): the exact gradient of
 * {@code λ ↦ E(w_T(λ), λ)} through the unrolled map {@code w_{i+1} = (1 − η)w_i + ηΦ(w_i, λ)},
 * by reverse mode over the {@code T} stored iterates, every oracle on the full data:
 *
 * <pre>
 *   forward:  w_{i+1} = (1 − η)w_i + ηΦ(w_i, λ),   i = 0 .. T−1,  storing w_0 .. w_{T−1}
 *   reverse:  a = ∇₁E(w_T, λ),   h = ∇₂E(w_T, λ)
 *             for i = T−1 .. 0:  h ← h + η ∂₂Φ(w_i, λ)ᵀ a,   a ← (1 − η)a + η ∂₁Φ(w_i, λ)ᵀ a
 *   λ ← P_Λ(λ − α h)
 * </pre>
 *
 * {@code w_0} is zero, or with warm start the previous iteration's {@code w_T}, taken as a
 * constant (no derivative flows into it). The estimate differs from {@code ∇f(λ)} by
 * {@code O(q_η^T)}, {@code q_η = 1 − η(1 − q)}, through both {@code w_T − w*} and the truncated
 * series: even with warm start the iteration's fixed point is the stationary point of a
 * {@code T}-term Neumann truncation, which reaches {@code ∇f = 0} only as {@code q_η^T → 0}
 * (unlike AID with warm starts). Constant step {@code α}.
 *
 * <p>Samples on the shared axis: {@code 2T·N_ξ + N_ζ} per iteration ({@code T} forward maps,
 * {@code T} reverse linearizations whose two vector–Jacobian products at one point count once,
 * one pass of {@code ∇₁E, ∇₂E}). Memory: the {@code T} iterates {@code w_0 .. w_{T−1}},
 * {@code T·d} doubles of workspace.
 *
 * <p>Allocation-free iterations (the trajectory grows once for a larger {@code T}). Not
 * thread-safe.
 */
public final class Itd extends DeterministicMethod<Itd.State> {

  private final DVector adjoint;
  private final DVector lambdaTerm;
  private DVector[] trajectory = new DVector[0];

  /** A runner for {@code problem}. */
  public Itd(BilevelProblem problem) {
    super("ITD", problem);
    adjoint = backend.vector(arena, d);
    lambdaTerm = backend.vector(arena, m);
  }

  /** ITD's state: {@code w_T} (kept for warm starts) and the counter {@code k}. */
  public static final class State extends IterationState {
    private final DVector w;

    private State(Backend backend, Arena arena, int d) {
      super("ITD's state");
      w = backend.vector(arena, d);
    }

    /** The lower-level iterate {@code w_T} of the last iteration. */
    public DVector lowerIterate() {
      return w;
    }

    @Override
    public List<NamedVector> vectors() {
      return List.of(new NamedVector("w", w));
    }
  }

  /** The state of a run from {@code lambda} (projected in place): {@code w = 0}. */
  @Override
  public State init(Arena arena, DVector lambda, DeterministicOptions options) {
    checkInit(lambda, options);
    State state = new State(backend, arena, d);
    backend.fill(0.0, state.w);
    ensureTrajectory(options.lowerSteps());
    return state;
  }

  /** {@code 2T·N_ξ + N_ζ}. */
  @Override
  public long samplesPerIteration(int k, DeterministicOptions options) {
    return Math.addExact(Math.multiplyExact(2L * options.lowerSteps(), problem.lowerSamples()),
        problem.upperSamples());
  }

  /**
   * The gradient of {@code λ ↦ E(w_T(λ), λ)} with {@code w_0} given, into {@code out}: the
   * estimate of one iteration without its step. {@code w} holds {@code w_0} and receives
   * {@code w_T}.
   *
   * @return the samples, {@code 2T·N_ξ + N_ζ}
   */
  public long hypergradient(DVector w, DVector lambda, DeterministicOptions options,
      DVector out) {
    Checks.checkLength("w", w, d);
    Checks.checkLength("lambda", lambda, m);
    Checks.checkLength("out", out, m);
    ensureTrajectory(options.lowerSteps());
    long samples = unrolled(w, lambda, options, 0);
    backend.copy(hypergradient, out);
    return samples;
  }

  @Override
  long estimate(State state, DVector lambda, DeterministicOptions options) {
    if (!options.warmStart()) {
      backend.fill(0.0, state.w);
    }
    ensureTrajectory(options.lowerSteps());
    return unrolled(state.w, lambda, options, state.iteration());
  }

  /** The forward pass from {@code w} (left at {@code w_T}), then the reverse pass. */
  private long unrolled(DVector w, DVector lambda, DeterministicOptions options,
      int iteration) {
    int steps = options.lowerSteps();
    double eta = options.eta();
    long samples = lowerLevelSolve(w, lambda, options, iteration, trajectory);
    problem.objectiveGradientW(w, lambda, allUpper, adjoint);
    problem.objectiveGradientLambda(w, lambda, allUpper, hypergradient);
    samples += problem.upperSamples();
    for (int i = steps - 1; i >= 0; i--) {
      linearization.linearize(trajectory[i], lambda, allLower);
      linearization.vjpLambda(adjoint, lambdaTerm);
      backend.axpy(eta, lambdaTerm, hypergradient);
      linearization.vjpW(adjoint, phi);
      // a ← (1 − η)a + η ∂₁Φᵀa, the KM mix on the adjoint
      backend.kmStep(eta, phi, adjoint);
    }
    Monitoring.checkIterate(backend, algorithm, "reverse pass", iteration, steps, "a",
        adjoint);
    return samples + (long) steps * problem.lowerSamples();
  }

  /** Room for {@code steps} stored iterates, as views of one buffer allocated once. */
  private void ensureTrajectory(int steps) {
    if (trajectory.length >= steps) {
      return;
    }
    DVector all = backend.vector(arena, Math.multiplyExact(steps, d));
    DVector[] views = new DVector[steps];
    for (int i = 0; i < steps; i++) {
      views[i] = all.slice(i * d, d);
    }
    trajectory = views;
  }

  /** Off-heap bytes of the stored iterates. */
  public long trajectoryBytes() {
    return (long) Double.BYTES * trajectory.length * d;
  }

  @Override
  DVector lowerIterate(State state) {
    return state.w;
  }
}
