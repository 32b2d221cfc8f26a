package io.github.bilevel.bsgm;

import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.DMatrix;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * SID for a {@link SeparableProblem}, on a batch of {@code J} tasks at once (docs/mathematics.md §2
 * and §5): every task's lower level is a deterministic contraction, so both solvers are plain
 * Krasnoselskii–Mann iterations with a constant step {@code η}, run on the {@code J × d} state
 * matrix; the randomness is only in which tasks form the batch (the caller's {@link Batch}).
 *
 * <ol>
 *   <li>{@code Z ← 0} (or the stored states of a {@link WarmStartStore}), then {@code t} steps
 *       {@code Z ← (1 − η) Z + η Φ(Z, λ)} (row {@code r}: task {@code B[r]});
 *   <li>{@code G₁ ← ∇₁E} (row {@code r}: {@code ∇₁E_{B[r]}(z_r, λ)});
 *   <li>{@code V ← 0} (or stored solutions), then {@code k} steps
 *       {@code V ← (1 − η) V + η (∂₁Φ(Z, λ)ᵀ V + G₁)} (row-wise);
 *   <li>{@code ĥ = mean_r ∇₂E_{B[r]}(z_r, λ) + mean_r ∂₂Φ_{B[r]}(z_r, λ)ᵀ v_r}.
 * </ol>
 *
 * <p>Samples are counted as {@link Sid} counts its full-batch calls, one sample per task per
 * evaluation: {@code t} maps, {@code k} VJPs {@code ∂₁Φᵀ}, one VJP {@code ∂₂Φᵀ} and one
 * upper-level gradient, so a call uses {@code J (t + k + 2)} samples.
 *
 * <p>The workspace ({@code 4 · maxBatch · d + m} doubles) is allocated once; a call allocates
 * nothing but its small result record (and a few views when the batch size changes). Not
 * thread-safe.
 */
public final class SeparableSid implements AutoCloseable {

  /**
   * What one call does.
   *
   * @param t   lower-level KM steps, {@code >= 0}
   * @param k   linear-system KM steps, {@code >= 0}
   * @param eta the constant KM step {@code η ∈ (0, 1]} of both solvers (1: plain fixed-point
   *            iteration)
   * @param residuals compute the KM residual of every step for {@link Diagnostics} (one more
   *            pass over the iterates per step; off by default)
   */
  public record Options(int t, int k, double eta, boolean residuals) {

    /** {@code t} and {@code k} steps with {@code η = 1}, no residuals. */
    public Options(int t, int k) {
      this(t, k, 1.0, false);
    }

    /** {@code t} and {@code k} steps with step {@code η}, no residuals. */
    public Options(int t, int k, double eta) {
      this(t, k, eta, false);
    }

    /** These options with the per-step residuals computed ({@code true}) or not. */
    public Options withResiduals(boolean compute) {
      return new Options(t, k, eta, compute);
    }

    public Options {
      if (t < 0 || k < 0) {
        throw new IllegalArgumentException("t and k must be >= 0, got t = " + t + ", k = " + k);
      }
      if (!(eta > 0 && eta <= 1)) {
        throw new IllegalArgumentException("the KM step eta must lie in (0, 1], got " + eta);
      }
    }
  }

  /**
   * What one call saw.
   *
   * @param lowerResidual  {@code ‖Φ(Z) − Z‖_F} over the batch at the last lower-level step (0
   *                       if {@code t = 0}); empty unless {@link Options#residuals()} asked
   * @param linearResidual the same for the last linear-system step (0 if {@code k = 0})
   * @param samples        {@code J (t + k + 2)}
   */
  public record Diagnostics(OptionalDouble lowerResidual, OptionalDouble linearResidual,
      long samples) {}

  private final SeparableProblem problem;
  private final Backend backend;
  private final Arena arena = Arena.ofShared();
  private final int maxBatch;
  private final int d;
  private final DMatrix z;
  private final DMatrix phi;
  private final DMatrix v;
  private final DMatrix g1;
  private final DVector lambdaTerm;
  private final SeparableProblem.SeparableLinearization linearization;
  private final boolean fusedLinearSystem;
  // views of the first J rows, rebuilt when J changes
  private int viewRows = -1;
  private DMatrix zRows;
  private DMatrix phiRows;
  private DMatrix vRows;
  private DMatrix g1Rows;
  private DVector zFlat;
  private DVector phiFlat;
  private DVector vFlat;
  private DVector g1Flat;
  private StopCheck stop = StopCheck.NEVER;

  /** An estimator for {@code problem}, with room for batches of up to {@code maxBatch} tasks. */
  public SeparableSid(SeparableProblem problem, int maxBatch) {
    this.problem = Objects.requireNonNull(problem, "problem");
    if (maxBatch < 1) {
      throw new IllegalArgumentException("maxBatch must be >= 1, got " + maxBatch);
    }
    this.backend = problem.backend();
    this.maxBatch = maxBatch;
    this.d = problem.stateDimension();
    z = backend.matrix(arena, maxBatch, d);
    phi = backend.matrix(arena, maxBatch, d);
    v = backend.matrix(arena, maxBatch, d);
    g1 = backend.matrix(arena, maxBatch, d);
    lambdaTerm = backend.vector(arena, problem.upperDimension());
    linearization = problem.linearization(arena, maxBatch);
    fusedLinearSystem = linearization.fusesVjpStatePlus();
  }

  /**
   * Consults {@code check} before every LL and LS step of later calls, with the samples the
   * call has drawn so far ({@code J} per step); when it says stop, the call throws
   * {@link IterationStoppedException} before writing anything to the warm-start store.
   */
  public void stopWhen(StopCheck check) {
    this.stop = Objects.requireNonNull(check, "check");
  }

  /** The largest batch a call accepts. */
  public int maxBatch() {
    return maxBatch;
  }

  /** The states {@code Z_t} of the last call, {@code J × d} (a view into the workspace). */
  public DMatrix states() {
    return zRows == null ? z.rowSlice(0, 0) : zRows;
  }

  /** The linear-system solutions {@code V_k} of the last call, {@code J × d} (a view). */
  public DMatrix linearSolutions() {
    return vRows == null ? v.rowSlice(0, 0) : vRows;
  }

  /** The SID estimate {@code ĥ} for the tasks of {@code tasks}, without warm start. */
  public Diagnostics hypergradient(DVector lambda, Batch tasks, Options options, DVector out) {
    return hypergradient(lambda, tasks, options, null, out);
  }

  /**
   * Writes the SID estimate {@code ĥ} of the gradient of {@code mean_{r} E_{B[r]}(z_r(λ), λ)}
   * into {@code out}.
   *
   * @param warmStart null for the cold start {@code Z = V = 0}; otherwise the solvers start
   *                  from its stored rows ({@code V} only if it stores solutions, else 0) and
   *                  the final {@code Z_t} (and {@code V_k}) are written back
   * @throws ArithmeticException naming the solver (LL or LS) whose iterate stopped being
   *     finite (with residuals: the iteration, and the last finite residual)
   */
  public Diagnostics hypergradient(DVector lambda, Batch tasks, Options options,
      WarmStartStore warmStart, DVector out) {
    Objects.requireNonNull(tasks, "tasks");
    Objects.requireNonNull(options, "options");
    int m = problem.upperDimension();
    if (lambda.length() != m || out.length() != m) {
      throw new IllegalArgumentException("lambda and out must have length m = " + m + ", got "
          + lambda.length() + " and " + out.length());
    }
    int batch = tasks.size();
    if (batch < 1 || batch > maxBatch) {
      throw new IllegalArgumentException("a batch of " + batch + " tasks does not fit this"
          + " estimator (1 to " + maxBatch + " tasks)");
    }
    int population = problem.tasks();
    for (int r = 0; r < batch; r++) {
      int task = tasks.index(r);
      if (task < 0 || task >= population) {
        throw new IllegalArgumentException("task " + task + " at batch position " + r
            + " is outside [0, " + population + ")");
      }
    }
    if (warmStart != null && (warmStart.tasks() != population
        || warmStart.stateDimension() != d)) {
      throw new IllegalArgumentException("the warm-start store holds " + warmStart.tasks()
          + " tasks of dimension " + warmStart.stateDimension() + " but the problem has "
          + population + " of dimension " + d);
    }
    views(batch);
    double eta = options.eta();

    // 1. lower level: Φ_B(·, λ) with what depends on (λ, B) alone evaluated once
    linearization.fix(lambda, tasks);
    if (warmStart == null) {
      backend.fill(0.0, zFlat);
    } else {
      warmStart.readStates(tasks, zRows);
    }
    double lowerResidual = 0.0;
    for (int i = 0; i < options.t(); i++) {
      stop.beforeStep((long) i * batch, "LL", i);
      linearization.map(zRows, phiRows);
      if (eta == 1.0 && !options.residuals()) {
        swapStatesAndScratch();       // Z ← Φ(Z) without a copy
      } else {
        double residual = KmSteps.step(backend, eta, phiFlat, zFlat, options.residuals());
        lowerResidual = Sid.checkFinite("LL", i, residual, lowerResidual);
      }
    }
    Sid.checkFinite(backend, "LL", options.t(), zFlat);

    // 2. upper-level gradient with respect to the states
    problem.objectiveGradientState(zRows, lambda, tasks, g1Rows);

    // 3. linear systems v_r = ∂₁Φ_rᵀ v_r + ∇₁E_r
    if (warmStart == null || !warmStart.storesLinearSystem()) {
      backend.fill(0.0, vFlat);
    } else {
      warmStart.readLinearSolutions(tasks, vRows);
    }
    double linearResidual = 0.0;
    linearization.linearize(zRows);
    long beforeLinear = ((long) options.t() + 1) * batch;
    for (int i = 0; i < options.k(); i++) {
      stop.beforeStep(beforeLinear + (long) i * batch, "LS", i);
      if (fusedLinearSystem) {
        linearization.vjpStatePlus(vRows, g1Rows, phiRows);
      } else {
        linearization.vjpState(vRows, phiRows);
        backend.axpy(1.0, g1Flat, phiFlat);
      }
      if (eta == 1.0 && !options.residuals()) {
        swapSolutionsAndScratch();    // V ← ∂₁Φᵀ V + G₁ without a copy
      } else {
        double residual = KmSteps.step(backend, eta, phiFlat, vFlat, options.residuals());
        linearResidual = Sid.checkFinite("LS", i, residual, linearResidual);
      }
    }
    Sid.checkFinite(backend, "LS", options.k(), vFlat);

    // 4. ĥ = mean ∇₂E + mean ∂₂Φᵀ v
    problem.objectiveGradientLambda(zRows, lambda, tasks, out);
    linearization.vjpLambda(vRows, lambdaTerm);
    backend.axpy(1.0, lambdaTerm, out);
    double norm = backend.nrm2(out);
    if (!Double.isFinite(norm)) {
      throw new ArithmeticException("SID: the hypergradient is not finite (‖ĥ‖ = " + norm
          + ") after finite LL and LS iterates; check the problem's gradients");
    }
    if (warmStart != null) {
      warmStart.writeStates(tasks, zRows);
      if (warmStart.storesLinearSystem()) {
        warmStart.writeLinearSolutions(tasks, vRows);
      }
    }
    long samples = SampleCounts.separableSid(options.t(), options.k(), batch);
    return options.residuals()
        ? new Diagnostics(OptionalDouble.of(lowerResidual), OptionalDouble.of(linearResidual),
            samples)
        : new Diagnostics(OptionalDouble.empty(), OptionalDouble.empty(), samples);
  }

  /** Exchanges the views of the states and the scratch (η = 1: the new iterate is Φ(Z)). */
  private void swapStatesAndScratch() {
    DMatrix rows = zRows;
    zRows = phiRows;
    phiRows = rows;
    DVector flat = zFlat;
    zFlat = phiFlat;
    phiFlat = flat;
  }

  /** Exchanges the views of the linear-system solutions and the scratch. */
  private void swapSolutionsAndScratch() {
    DMatrix rows = vRows;
    vRows = phiRows;
    phiRows = rows;
    DVector flat = vFlat;
    vFlat = phiFlat;
    phiFlat = flat;
  }

  private void views(int rows) {
    if (rows == viewRows) {
      return;
    }
    zRows = z.rowSlice(0, rows);
    phiRows = phi.rowSlice(0, rows);
    vRows = v.rowSlice(0, rows);
    g1Rows = g1.rowSlice(0, rows);
    zFlat = zRows.asVector();
    phiFlat = phiRows.asVector();
    vFlat = vRows.asVector();
    g1Flat = g1Rows.asVector();
    viewRows = rows;
  }

  /** Frees the workspace. */
  @Override
  public void close() {
    arena.close();
  }
}
