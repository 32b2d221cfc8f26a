package io.github.bilevel.bsgm.baselines;

import io.github.bilevel.bsgm.Batch;
import io.github.bilevel.bsgm.BilevelProblem;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;
import java.util.SplittableRandom;

/**
 * The stochastic oracles of MRBO and VRBO, evaluated at one point or at two points
 * {@code (w_a, λ_a)}, {@code (w_b, λ_b)} with the same samples (the variance-reduction
 * corrections need the same mini-batch at both points):
 *
 * <ul>
 *   <li>the lower-level residual {@code R(w, λ; B) = w − Φ̂(w, λ, B)};
 *   <li>the hypergradient estimate {@code ∇̂f(λ, w; B')} from the given {@code w} (no
 *       lower-level solve): {@code ĝ₁, ĝ₂} on a batch {@code ζ} of {@code J}, {@code Q}
 *       Krasnoselskii–Mann steps {@code v ← (1 − η_v) v + η_v (∂₁Φ̂ᵀ v + ĝ₁)} from
 *       {@code v = 0} on fresh batches of {@code b} ({@code η_v = 1}: the {@code Q}-term Neumann
 *       series), then {@code ĝ₂ + ∂₂Φ̂ᵀ v} on a batch of {@code J}.
 * </ul>
 *
 * Samples are counted as in {@link io.github.bilevel.bsgm.Sid}: one per sample per point at
 * which it is evaluated, the pair {@code ∇₁Ê, ∇₂Ê} on one batch counting once. A residual costs
 * {@code |B|} per point, a hypergradient estimate {@code 2J + Q·b} per point.
 */
final class PairedOracle {

  private final BilevelProblem problem;
  private final Backend backend;
  private final String algorithm;
  private final DVector g1a;
  private final DVector g1b;
  private final DVector g2a;
  private final DVector g2b;
  private final DVector va;
  private final DVector vb;
  private final DVector phi;
  private final BilevelProblem.Linearization linearizationA;
  private final BilevelProblem.Linearization linearizationB;
  private final Batch lower;
  private final Batch upper;
  private final Batch cross;
  private final Batch allLower;
  private final Batch allUpper;
  private Batch lastUpper;

  PairedOracle(BilevelProblem problem, Arena arena, int maxBatch, int maxLowerBatch,
      String algorithm) {
    this.problem = problem;
    this.backend = problem.backend();
    this.algorithm = algorithm;
    int d = problem.lowerDimension();
    int m = problem.upperDimension();
    // Alike the other runners' constructors by shape only: a list of this class's own buffers.
    g1a = backend.vector(arena, d);
    g1b = backend.vector(arena, d);
    va = backend.vector(arena, d);
    vb = backend.vector(arena, d);
    phi = backend.vector(arena, d);
    g2a = backend.vector(arena, m);
    g2b = backend.vector(arena, m);
    linearizationA = problem.linearization(arena);
    linearizationB = problem.linearization(arena);
    lower = new Batch(maxLowerBatch);
    upper = new Batch(maxBatch);
    cross = new Batch(maxBatch);
    allLower = new Batch(problem.lowerSamples()).all(problem.lowerSamples());
    allUpper = new Batch(problem.upperSamples()).all(problem.upperSamples());
  }

  /** Off-heap bytes of this oracle's workspace. */
  long workspaceBytes() {
    return Double.BYTES * (5L * problem.lowerDimension() + 2L * problem.upperDimension());
  }

  /** The batch {@code ζ} of the last hypergradient estimate (for monitoring the objective). */
  Batch lastUpperBatch() {
    return lastUpper;
  }

  /**
   * {@code size} uniform draws into {@code batch}, or the whole population when {@code whole}
   * and {@code size >= population}.
   */
  private Batch draw(Batch batch, Batch all, int size, int population, boolean whole,
      SplittableRandom random) {
    if (whole && size >= population) {
      return all;
    }
    return batch.draw(random, size, population);
  }

  /**
   * {@code outA ← R(w_a, λ_a; B)} and, when {@code wB != null}, {@code outB ← R(w_b, λ_b; B)}
   * with the same batch {@code B} of {@code size} draws.
   *
   * @return the samples used
   */
  long residuals(int size, boolean whole, SplittableRandom random, DVector wA, DVector lambdaA,
      DVector outA, DVector wB, DVector lambdaB, DVector outB) {
    Batch xi = draw(lower, allLower, size, problem.lowerSamples(), whole, random);
    problem.map(wA, lambdaA, xi, outA);
    backend.axpby(1.0, wA, -1.0, outA);
    if (wB == null) {
      return xi.size();
    }
    problem.map(wB, lambdaB, xi, outB);
    backend.axpby(1.0, wB, -1.0, outB);
    return 2L * xi.size();
  }

  /**
   * {@code outA ← ∇̂f(λ_a, w_a; B')} and, when {@code wB != null}, {@code outB ← ∇̂f(λ_b, w_b; B')}
   * with the same samples.
   *
   * @param batch      {@code J}
   * @param lowerBatch {@code b}, samples per linear-system step
   * @param terms      {@code Q}, linear-system steps
   * @param linearStep {@code η_v}
   * @param whole      a batch at least as large as its population is the whole population
   * @param iteration  the caller's iteration, for the divergence message
   * @return the samples used
   */
  long hypergradients(int batch, int lowerBatch, int terms, double linearStep, boolean whole,
      SplittableRandom random, int iteration, DVector wA, DVector lambdaA, DVector outA,
      DVector wB, DVector lambdaB, DVector outB) {
    boolean two = wB != null;
    Batch zeta = draw(upper, allUpper, batch, problem.upperSamples(), whole, random);
    lastUpper = zeta;
    long samples = zeta.size();
    problem.objectiveGradientW(wA, lambdaA, zeta, g1a);
    problem.objectiveGradientLambda(wA, lambdaA, zeta, g2a);
    if (two) {
      problem.objectiveGradientW(wB, lambdaB, zeta, g1b);
      problem.objectiveGradientLambda(wB, lambdaB, zeta, g2b);
    }
    backend.fill(0.0, va);
    backend.fill(0.0, vb);
    for (int i = 0; i < terms; i++) {
      Batch xi = draw(lower, allLower, lowerBatch, problem.lowerSamples(), whole, random);
      samples += xi.size();
      linearizationA.linearize(wA, lambdaA, xi);
      linearizationA.vjpW(va, phi);
      backend.axpy(1.0, g1a, phi);
      backend.kmStep(linearStep, phi, va);
      if (two) {
        linearizationB.linearize(wB, lambdaB, xi);
        linearizationB.vjpW(vb, phi);
        backend.axpy(1.0, g1b, phi);
        backend.kmStep(linearStep, phi, vb);
      }
    }
    Monitoring.checkIterate(backend, algorithm, "LS solve", iteration, terms, "v", va);
    if (two) {
      Monitoring.checkIterate(backend, algorithm, "LS solve at the previous point", iteration,
          terms, "v", vb);
    }
    Batch xi = draw(cross, allLower, batch, problem.lowerSamples(), whole, random);
    samples += xi.size();
    linearizationA.linearize(wA, lambdaA, xi);
    linearizationA.vjpLambda(va, outA);
    backend.axpy(1.0, g2a, outA);
    if (two) {
      linearizationB.linearize(wB, lambdaB, xi);
      linearizationB.vjpLambda(vb, outB);
      backend.axpy(1.0, g2b, outB);
      samples *= 2;
    }
    return samples;
  }
}
