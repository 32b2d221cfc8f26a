package io.github.bilevel.bsgm;

import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.SplittableRandom;

/**
 * SID, stochastic implicit differentiation (Algorithm 1 of Grazzi, Pontil, Salzo; docs/mathematics.md
 * §2): an estimate of the hypergradient {@code ∇f(λ)} without warm start.
 *
 * <ol>
 *   <li>lower level: {@code t} stochastic Krasnoselskii–Mann steps from {@code w_0 = 0},
 *       {@code w ← (1 − η_i) w + η_i Φ̂(w, λ, ξ_i)};
 *   <li>{@code ĝ₁ = ∇₁Ê(w_t, λ, ζ)}, {@code ĝ₂ = ∇₂Ê(w_t, λ, ζ)} on one batch of {@code J};
 *   <li>linear system: {@code k} KM steps from {@code v_0 = 0},
 *       {@code v ← (1 − η_i) v + η_i (∂₁Φ̂(w_t, λ, ξ'_i)ᵀ v + ĝ₁)};
 *   <li>{@code ĥ = ĝ₂ + ∂₂Φ̂(w_t, λ, ξ'')ᵀ v_k} on a batch of {@code J}.
 * </ol>
 *
 * All samples are drawn independently from the caller's generator. The workspace is allocated
 * once, when the estimator is made; {@link #estimate} allocates nothing, {@link #hypergradient}
 * only its small result record.
 */
public final class Sid implements AutoCloseable {

  /**
   * What one call does.
   *
   * @param t              lower-level KM steps, {@code >= 0}
   * @param k              linear-system KM steps, {@code >= 0}
   * @param batch          {@code J}: samples for {@code ĝ₁, ĝ₂} and for {@code ∂₂Φ̂ᵀ v_k}
   * @param lowerBatch     samples per KM step ({@code ξ} may itself be a mini-batch)
   * @param schedule       the KM steps {@code η_i} (the same sequence for both solvers)
   * @param fullBatch      every step uses every sample (deterministic SID); the batch sizes
   *                       are then ignored
   * @param residuals      compute the KM residual of every step for {@link Diagnostics} (one
   *                       more pass over each iterate per step; off by default)
   */
  public record Options(int t, int k, int batch, int lowerBatch, StepSchedule schedule,
      boolean fullBatch, boolean residuals) {

    /** Mini-batch options ({@code fullBatch = false}), no residuals. */
    public Options(int t, int k, int batch, int lowerBatch, StepSchedule schedule) {
      this(t, k, batch, lowerBatch, schedule, false, false);
    }

    /** Options without residuals. */
    public Options(int t, int k, int batch, int lowerBatch, StepSchedule schedule,
        boolean fullBatch) {
      this(t, k, batch, lowerBatch, schedule, fullBatch, false);
    }

    /** These options with the per-step residuals computed ({@code true}) or not. */
    public Options withResiduals(boolean compute) {
      return new Options(t, k, batch, lowerBatch, schedule, fullBatch, compute);
    }

    public Options {
      if (t < 0 || k < 0) {
        throw new IllegalArgumentException("t and k must be >= 0, got t = " + t + ", k = " + k);
      }
      if (batch < 1 || lowerBatch < 1) {
        throw new IllegalArgumentException("batch sizes must be >= 1, got batch = " + batch
            + ", lowerBatch = " + lowerBatch);
      }
      Objects.requireNonNull(schedule, "schedule");
    }
  }

  /**
   * What one call saw.
   *
   * @param lowerResidual  {@code ‖Φ̂(w_{t−1}) − w_{t−1}‖} of the last lower-level step (0 if
   *                       t = 0); empty unless {@link Options#residuals()} asked for it
   * @param linearResidual the same for the last linear-system step (0 if k = 0)
   * @param samples        samples used: {@code (t + k)·lowerBatch + 2J} (full batch:
   *                       {@code (t + k + 1)·n_ξ + n_ζ})
   */
  public record Diagnostics(OptionalDouble lowerResidual, OptionalDouble linearResidual,
      long samples) {}

  private final BilevelProblem problem;
  private final Backend backend;
  private final Arena arena = Arena.ofShared();
  private final DVector w;
  private final DVector phi;
  private final DVector v;
  private final DVector g1;
  private final DVector g2;
  private final DVector lambdaTerm;
  private final Batch lowerBatch;
  private final Batch upperBatch;
  private final Batch allLower;
  private final Batch allUpper;
  private final BilevelProblem.Linearization linearization;
  private double lastLowerResidual;
  private double lastLinearResidual;
  private boolean lastHasResiduals;
  private StopCheck stop = StopCheck.NEVER;

  /**
   * An estimator for {@code problem}, with room for batches of up to {@code maxBatch}
   * ({@code J}) and {@code maxLowerBatch} samples.
   */
  public Sid(BilevelProblem problem, int maxBatch, int maxLowerBatch) {
    this.problem = Objects.requireNonNull(problem, "problem");
    this.backend = problem.backend();
    int d = problem.lowerDimension();
    int m = problem.upperDimension();
    // Alike the other runners' constructors by shape only: a list of this class's own buffers.
    w = backend.vector(arena, d);
    phi = backend.vector(arena, d);
    v = backend.vector(arena, d);
    g1 = backend.vector(arena, d);
    g2 = backend.vector(arena, m);
    lambdaTerm = backend.vector(arena, m);
    lowerBatch = new Batch(maxLowerBatch);
    upperBatch = new Batch(maxBatch);
    allLower = new Batch(problem.lowerSamples()).all(problem.lowerSamples());
    allUpper = new Batch(problem.upperSamples()).all(problem.upperSamples());
    linearization = problem.linearization(arena);
  }

  /**
   * Consults {@code check} before every LL and LS step of later calls, with the samples the
   * call has drawn so far; when it says stop, the call throws {@link IterationStoppedException}
   * ({@link StopCheck#NEVER} by default).
   */
  public void stopWhen(StopCheck check) {
    this.stop = Objects.requireNonNull(check, "check");
  }

  /** The lower-level iterate {@code w_t} of the last call (a view into the workspace). */
  public DVector lowerIterate() {
    return w;
  }

  /** The linear-system iterate {@code v_k} of the last call (a view into the workspace). */
  public DVector linearIterate() {
    return v;
  }

  /**
   * Writes the SID estimate {@code ĥ} of {@code ∇f(λ)} into {@code out}.
   *
   * @throws ArithmeticException naming the solver (LL or LS) whose iterate stopped being
   *     finite (with residuals: the iteration, and the last finite residual)
   */
  public Diagnostics hypergradient(DVector lambda, Options options, SplittableRandom random,
      DVector out) {
    long samples = estimate(lambda, options, random, out);
    return new Diagnostics(lastLowerResidual(), lastLinearResidual(), samples);
  }

  /**
   * {@link #hypergradient} without the result record: writes {@code ĥ} into {@code out} and
   * returns the samples used; the residuals are {@link #lastLowerResidual()} and
   * {@link #lastLinearResidual()}. Allocates nothing.
   */
  public long estimate(DVector lambda, Options options, SplittableRandom random, DVector out) {
    return estimate(lambda, options.t(), options.k(), options.batch(), options.lowerBatch(),
        options.schedule(), options.fullBatch(), options.residuals(), random, out);
  }

  /**
   * The lower-level residual of the last call (see {@link Diagnostics#lowerResidual()}); empty
   * unless it asked for residuals.
   */
  public OptionalDouble lastLowerResidual() {
    return lastHasResiduals ? OptionalDouble.of(lastLowerResidual) : OptionalDouble.empty();
  }

  /** The linear-system residual of the last call (see {@link Diagnostics#linearResidual()}). */
  public OptionalDouble lastLinearResidual() {
    return lastHasResiduals ? OptionalDouble.of(lastLinearResidual) : OptionalDouble.empty();
  }

  /** The estimator on unpacked options (BSGM calls it without making an options record). */
  long estimate(DVector lambda, int t, int k, int batch, int lowerBatchSize,
      StepSchedule schedule, boolean full, boolean residuals, SplittableRandom random,
      DVector out) {
    Objects.requireNonNull(random, "random");
    Objects.requireNonNull(schedule, "schedule");
    if (lambda.length() != problem.upperDimension() || out.length() != problem.upperDimension()) {
      throw new IllegalArgumentException("lambda and out must have length m = "
          + problem.upperDimension() + ", got " + lambda.length() + " and " + out.length());
    }
    if (!full && (batch > upperBatch.capacity() || lowerBatchSize > lowerBatch.capacity())) {
      throw new IllegalArgumentException("batch sizes " + batch + "/" + lowerBatchSize
          + " exceed this estimator's capacity " + upperBatch.capacity() + "/"
          + lowerBatch.capacity());
    }
    int lowerPopulation = problem.lowerSamples();
    int upperPopulation = problem.upperSamples();
    lastLowerResidual = 0.0;
    lastLinearResidual = 0.0;
    lastHasResiduals = false;

    // 1. lower level
    backend.fill(0.0, w);
    double lowerResidual = 0.0;
    Batch xi = full ? allLower : lowerBatch;
    Batch zeta = full ? allUpper : upperBatch;
    long stepSamples = full ? lowerPopulation : lowerBatchSize;
    for (int i = 0; i < t; i++) {
      stop.beforeStep(i * stepSamples, "LL", i);
      if (!full) {
        lowerBatch.draw(random, lowerBatchSize, lowerPopulation);
      }
      problem.map(w, lambda, xi, phi);
      double residual = KmSteps.step(backend, schedule.step(i), phi, w, residuals);
      lowerResidual = checkFinite("LL", i, residual, lowerResidual);
    }
    checkFinite(backend, "LL", t, w);

    // 2. upper-level partial gradients on one batch
    if (!full) {
      upperBatch.draw(random, batch, upperPopulation);
    }
    problem.objectiveGradientW(w, lambda, zeta, g1);
    problem.objectiveGradientLambda(w, lambda, zeta, g2);

    // 3. linear system v = ∂₁Φᵀ v + ĝ₁; a full batch linearizes once for all k steps
    backend.fill(0.0, v);
    double linearResidual = 0.0;
    if (full) {
      linearization.linearize(w, lambda, xi);
    }
    long beforeLinear = t * stepSamples + (full ? upperPopulation : batch);
    for (int i = 0; i < k; i++) {
      stop.beforeStep(beforeLinear + i * stepSamples, "LS", i);
      if (!full) {
        lowerBatch.draw(random, lowerBatchSize, lowerPopulation);
        linearization.linearize(w, lambda, xi);
      }
      linearization.vjpW(v, phi);
      backend.axpy(1.0, g1, phi);
      double residual = KmSteps.step(backend, schedule.step(i), phi, v, residuals);
      linearResidual = checkFinite("LS", i, residual, linearResidual);
    }
    checkFinite(backend, "LS", k, v);

    // 4. ĥ = ĝ₂ + ∂₂Φ̂ᵀ v_k
    if (!full) {
      linearization.linearize(w, lambda, upperBatch.draw(random, batch, lowerPopulation));
    } else if (k == 0) {
      linearization.linearize(w, lambda, xi);
    }
    linearization.vjpLambda(v, lambdaTerm);
    backend.copy(g2, out);
    backend.axpy(1.0, lambdaTerm, out);
    double norm = backend.nrm2(out);
    if (!Double.isFinite(norm)) {
      throw new ArithmeticException("SID: the hypergradient is not finite (‖ĥ‖ = " + norm
          + ") after finite LL and LS iterates; check the problem's gradients");
    }
    lastLowerResidual = lowerResidual;
    lastLinearResidual = linearResidual;
    lastHasResiduals = residuals;
    return SampleCounts.sid(t, k, batch, lowerBatchSize, full, lowerPopulation,
        upperPopulation);
  }

  /** The residual, or the divergence error naming the LL or LS solver (SID and separable SID). */
  static double checkFinite(String step, int iteration, double residual,
      double lastFinite) {
    if (!Double.isFinite(residual)) {
      throw new ArithmeticException("SID diverged in the " + step + " solver at iteration "
          + iteration + ": residual " + residual + " (last finite residual " + lastFinite
          + "); is the map a contraction, and the KM step small enough?");
    }
    return residual;
  }

  /**
   * The divergence error naming the LL or LS solver if its iterate {@code x} is not finite
   * after {@code steps} steps: one pass over {@code x} per solve, instead of a residual per step.
   */
  static void checkFinite(Backend backend, String step, int steps, DVector x) {
    if (steps == 0) {
      return;
    }
    double norm = backend.nrm2(x);
    if (!Double.isFinite(norm)) {
      throw new ArithmeticException("SID diverged in the " + step + " solver: its iterate is"
          + " not finite after " + steps + " steps (norm " + norm + "); is the map a"
          + " contraction, and the KM step small enough? (Options.withResiduals(true) names"
          + " the first non-finite step)");
    }
  }

  /** Frees the workspace. */
  @Override
  public void close() {
    arena.close();
  }
}
