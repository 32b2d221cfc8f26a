package io.github.bilevel.bsgm.baselines;

import io.github.bilevel.bsgm.Budget;
import io.github.bilevel.bsgm.BilevelProblem;
import io.github.bilevel.bsgm.Bsgm;
import io.github.bilevel.bsgm.IterationState;
import io.github.bilevel.bsgm.NamedVector;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * VRBO, the variance-reduced bilevel optimizer (Yang, Ji, Liang 2021), in the fixed-point form
 * of docs/mathematics.md §4: SARAH/SPIDER estimates {@code u} of the residual
 * {@code R(w, λ, ξ) = w − Φ̂(w, λ, ξ)} and {@code d} of the hypergradient, recomputed on large
 * batches every {@code q} outer steps and otherwise updated along the path of iterates. Outer
 * step {@code k = 0, 1, ...}:
 *
 * <pre>
 *   if k mod q = 0:  u ← R(w, λ; S₁),  d ← ∇̂f(λ, w; S₂)                  (large batches)
 *   λ_old ← λ;  λ ← P_Λ(λ − c_λ d)
 *   u ← u + R(w, λ; B) − R(w, λ_old; B);   d ← d + ∇̂f(λ, w; B') − ∇̂f(λ_old, w; B')
 *   repeat T times:
 *     w_old ← w;  w ← w − c_w u
 *     u ← u + R(w, λ; B) − R(w_old, λ; B);  d ← d + ∇̂f(λ, w; B') − ∇̂f(λ, w_old; B')
 * </pre>
 *
 * with a fresh mini-batch {@code B} (of {@code b}) and fresh samples {@code B'} at every
 * correction, shared by its two points. {@code ∇̂f(λ, w; ·)} is the hypergradient estimate from
 * the given {@code w}: {@code ĝ₁, ĝ₂} on {@code J} samples, {@code Q} linear-system KM steps of
 * step {@code η_v} from {@code v = 0} on batches of {@code b} ({@code η_v = 1}: the {@code Q}-term
 * Neumann series), {@code ∂₂Φ̂ᵀ v} on {@code J}. The correction for the move of {@code λ} keeps
 * {@code u, d} estimates at the current point (as the reference implementation of the paper's
 * authors does). {@code w_0 = 0}.
 *
 * <p>Large batches: {@code S₁} = {@code largeLowerBatch} draws for the residual and for each
 * linear-system step, {@code largeBatch} draws for {@code ζ} and the {@code ∂₂Φ̂ᵀ v} batch; a
 * large batch at least as big as its population is the whole population (each sample once).
 *
 * <p>Samples, counted as {@link io.github.bilevel.bsgm.Sid} counts them (one per sample per
 * point evaluated): a recomputation costs {@code S_b + 2S_J + Q·S_b}; each of the {@code T + 1}
 * corrections of an outer step {@code 2(b + 2J + Q·b)}.
 *
 * <p>Allocation-free iterations (but the listener's progress record). Not thread-safe.
 */
public final class Vrbo extends PairedCorrections<Vrbo.State, Vrbo.Options> {

  /**
   * VRBO's settings; see {@link #builder()} for defaults.
   *
   * @param cLambda         {@code c_λ > 0}, the constant upper-level step
   * @param cW              {@code c_w > 0}, the constant lower-level step
   * @param period          {@code q >= 1}: recompute {@code u, d} on large batches every q outer
   *                        steps
   * @param innerSteps      {@code T >= 0}, lower-level steps per outer step
   * @param lowerBatch      {@code b}
   * @param batch           {@code J}
   * @param largeLowerBatch {@code S_b}, the large {@code b}
   * @param largeBatch      {@code S_J}, the large {@code J}
   * @param neumannTerms    {@code Q >= 0}
   * @param linearStep      {@code η_v ∈ (0, 1]}
   * @param budget          when to stop (iterations are outer steps)
   * @param exact           the exact hypergradient for the progress report, or null
   */
  public record Options(double cLambda, double cW, int period, int innerSteps, int lowerBatch,
      int batch, int largeLowerBatch, int largeBatch, int neumannTerms, double linearStep,
      Budget budget, Bsgm.ExactHypergradient exact) implements PairedCorrections.Settings {

    public Options {
      if (!(cLambda > 0) || Double.isInfinite(cLambda) || !(cW > 0) || Double.isInfinite(cW)) {
        throw new IllegalArgumentException("VRBO: cLambda and cW must be finite and > 0, got "
            + cLambda + ", " + cW);
      }
      if (period < 1 || innerSteps < 0 || lowerBatch < 1 || batch < 1 || largeLowerBatch < 1
          || largeBatch < 1 || neumannTerms < 0) {
        throw new IllegalArgumentException("VRBO needs period >= 1, innerSteps >= 0, batch sizes"
            + " >= 1 and neumannTerms >= 0, got period = " + period + ", innerSteps = "
            + innerSteps + ", b = " + lowerBatch + ", J = " + batch + ", S_b = " + largeLowerBatch
            + ", S_J = " + largeBatch + ", Q = " + neumannTerms);
      }
      if (!(linearStep > 0 && linearStep <= 1)) {
        throw new IllegalArgumentException("VRBO: linearStep must lie in (0, 1], got "
            + linearStep);
      }
      Objects.requireNonNull(budget, "budget");
    }

    /** A builder with the defaults listed at {@link Builder}. */
    public static Builder builder() {
      return new Builder();
    }
  }

  /**
   * Builds {@link Options}. Defaults: {@code c_λ = 0.1}, {@code c_w = 0.5}, {@code q = 10},
   * {@code T = 3}, {@code b = J = 4}, {@code S_b = S_J = 256}, {@code Q = 10}, {@code η_v = 1},
   * 1000 outer steps, no exact hypergradient.
   */
  public static final class Builder {
    // Alike Mrbo.Builder by shape only: setters of its own record's fields.
    private double cLambda = 0.1;
    private double cW = 0.5;
    private int period = 10;
    private int innerSteps = 3;
    private int lowerBatch = 4;
    private int batch = 4;
    private int largeLowerBatch = 256;
    private int largeBatch = 256;
    private int neumannTerms = 10;
    private double linearStep = 1.0;
    private Budget budget = Budget.iterations(1000);
    private Bsgm.ExactHypergradient exact;

    private Builder() {}

    /** {@code c_λ}. */
    public Builder cLambda(double value) {
      cLambda = value;
      return this;
    }

    /** {@code c_w}. */
    public Builder cW(double value) {
      cW = value;
      return this;
    }

    /** {@code q}. */
    public Builder period(int value) {
      period = value;
      return this;
    }

    /** {@code T}. */
    public Builder innerSteps(int value) {
      innerSteps = value;
      return this;
    }

    /** {@code b}. */
    public Builder lowerBatch(int value) {
      lowerBatch = value;
      return this;
    }

    /** {@code J}. */
    public Builder batch(int value) {
      batch = value;
      return this;
    }

    /** {@code S_b}. */
    public Builder largeLowerBatch(int value) {
      largeLowerBatch = value;
      return this;
    }

    /** {@code S_J}. */
    public Builder largeBatch(int value) {
      largeBatch = value;
      return this;
    }

    /** {@code Q}. */
    public Builder neumannTerms(int value) {
      neumannTerms = value;
      return this;
    }

    /** {@code η_v}. */
    public Builder linearStep(double value) {
      linearStep = value;
      return this;
    }

    /** When to stop. */
    public Builder budget(Budget value) {
      budget = value;
      return this;
    }

    /** The exact hypergradient, for the progress report. */
    public Builder exact(Bsgm.ExactHypergradient value) {
      exact = value;
      return this;
    }

    /** The options. */
    public Options build() {
      return new Options(cLambda, cW, period, innerSteps, lowerBatch, batch, largeLowerBatch,
          largeBatch, neumannTerms, linearStep, budget, exact);
    }
  }

  private final DVector wOld;
  private final DVector lambdaOld;
  private double lastU;
  private double lastD;

  /**
   * A runner for {@code problem}, with room for batches up to {@code maxBatch} ({@code J} and
   * {@code S_J} unless the latter is the whole population) and {@code maxLowerBatch}
   * ({@code b}, {@code S_b} likewise).
   */
  public Vrbo(BilevelProblem problem, int maxBatch, int maxLowerBatch) {
    super("VRBO", problem, maxBatch, maxLowerBatch);
    wOld = backend.vector(arena, problem.lowerDimension());
    lambdaOld = backend.vector(arena, problem.upperDimension());
  }

  /**
   * VRBO's state between outer steps: {@code w}, the SARAH estimates {@code u} (residual) and
   * {@code d} (hypergradient) and the outer-step counter {@code k}, whose remainder modulo the
   * period says when the large batches are drawn. Mutable, so that steps allocate nothing.
   */
  public static final class State extends IterationState {
    private final DVector w;
    private final DVector u;
    private final DVector direction;

    private State(Backend backend, Arena arena, int d, int m) {
      super("VRBO's state");
      w = backend.vector(arena, d);
      u = backend.vector(arena, d);
      direction = backend.vector(arena, m);
    }

    /** The lower-level iterate {@code w}. */
    public DVector lowerIterate() {
      return w;
    }

    /** The upper-level direction {@code d}. */
    public DVector direction() {
      return direction;
    }

    @Override
    public List<NamedVector> vectors() {
      return List.of(new NamedVector("w", w), new NamedVector("u", u),
          new NamedVector("d", direction));
    }
  }

  /**
   * Off-heap bytes of the state carried from one outer step to the next: {@code w, u}
   * ({@code 2d} doubles) and {@code d} ({@code m}).
   */
  public long stateBytes() {
    return Double.BYTES * (2L * problem.lowerDimension() + problem.upperDimension());
  }

  /**
   * Runs VRBO from {@code lambda} (projected first; {@code w_0 = 0}), updating it in place.
   *
   * @param listener called after each outer step, or null; the progress's objective is
   *     {@code Ê(w, λ, ζ)} before the step on the step's first batch {@code ζ} (not counted as
   *     samples), its hypergradient norm is {@code ‖d‖} before the step, its mapping norm
   *     {@code ‖G_{c_λ}(λ)‖} before the step
   * @throws ArithmeticException naming VRBO, the step, the outer iteration and the inner step
   *     where an estimate stopped being finite
   */
  public Bsgm.Result run(DVector lambda, Options options, SplittableRandom random,
      Bsgm.Listener listener) {
    return runToBudget(lambda, options, random, listener);
  }

  /**
   * The state of a run driven one outer step at a time with {@link #iterate}, allocated in
   * {@code arena}: checks the options, projects {@code λ}; {@code w_0 = 0}, {@code k = 0}.
   */
  @Override
  public State init(Arena arena, DVector lambda, Options options) {
    Objects.requireNonNull(options, "options");
    checkInit(lambda, options.batch(), options.lowerBatch(), "J, b");
    checkInit(lambda, options.largeBatch() >= problem.upperSamples()
            && options.largeBatch() >= problem.lowerSamples() ? 1 : options.largeBatch(),
        options.largeLowerBatch() >= problem.lowerSamples() ? 1 : options.largeLowerBatch(),
        "S_J, S_b");
    problem.projectUpper(lambda);
    State state = new State(backend, arena, problem.lowerDimension(), problem.upperDimension());
    backend.fill(0.0, state.w);
    lastU = 0.0;
    lastD = 0.0;
    return state;
  }

  /**
   * The samples outer step {@code k} uses: {@code 1 + T} paired corrections of
   * {@code 2((Q + 1)·b + 2J)}, and when {@code k} is a multiple of the period the large-batch
   * recomputation, {@code (Q + 1)·S_b + S_J + S_J'} with each large batch capped at its
   * population.
   *
   * @throws ArithmeticException if the count overflows a {@code long}
   */
  public long samplesPerIteration(int k, Options options) {
    long corrections = Math.multiplyExact(Math.multiplyExact(2L, pointSamples(options)),
        options.innerSteps() + 1L);
    if (k % options.period() != 0) {
      return corrections;
    }
    long lower = Math.min(options.largeLowerBatch(), problem.lowerSamples());
    long large = Math.addExact(Math.multiplyExact(options.neumannTerms() + 1L, lower),
        (long) Math.min(options.largeBatch(), problem.upperSamples())
            + Math.min(options.largeBatch(), problem.lowerSamples()));
    return Math.addExact(corrections, large);
  }

  /**
   * Outer iteration {@code k = state.iteration()} of VRBO (state from {@link #init}): a
   * large-batch recomputation when {@code k} is a multiple of the period, the λ step and
   * {@code T} inner steps; advances {@code state} and {@code λ} in place.
   *
   * @return the samples the iteration used
   */
  @Override
  public long iterate(State state, DVector lambda, Options options, SplittableRandom random) {
    int k = state.iteration();
    DVector w = state.w;
    DVector u = state.u;
    DVector direction = state.direction;
    long samples = 0;
    if (k % options.period() == 0) {
      samples += oracle.residuals(options.largeLowerBatch(), true, random, w, lambda, u,
          null, null, null);
      samples += oracle.hypergradients(options.largeBatch(), options.largeLowerBatch(),
          options.neumannTerms(), options.linearStep(), true, random, k, w, lambda, direction,
          null, null, null);
      lastU = check(u, "LL direction u (large-batch recomputation)", k, -1, lastU);
      lastD = check(direction, "UL direction d (large-batch recomputation)", k, -1, lastD);
    }
    lastDirectionNorm = backend.nrm2(direction);
    lastMappingNorm = reportedMappingNorm(lambda, options.cLambda(), options);
    // upper-level step, then the correction for the move of λ at fixed w
    backend.copy(lambda, lambdaOld);
    stepUpper(lambda, options.cLambda(), direction);
    samples += correct(state, options, random, k, -1, w, lambda, w, lambdaOld);
    lastU = check(u, "LL direction u (SARAH correction for the λ step)", k, -1, lastU);
    lastD = check(direction, "UL direction d (SARAH correction for the λ step)", k, -1, lastD);
    // on the first correction's batch ζ, at the point before the step
    lastObjective = monitor ? problem.objective(w, lambdaOld, oracle.lastUpperBatch())
        : Double.NaN;
    // T lower-level steps with their corrections
    for (int t = 0; t < options.innerSteps(); t++) {
      backend.copy(w, wOld);
      backend.axpy(-options.cW(), u, w);
      samples += correct(state, options, random, k, t, w, lambda, wOld, lambda);
      lastU = check(u, "LL direction u (SARAH correction for a w step)", k, t, lastU);
      lastD = check(direction, "UL direction d (SARAH correction for a w step)", k, t, lastD);
    }
    state.advance();
    return samples;
  }

  /** {@code u += R(new) − R(old)}, {@code d += ∇̂f(new) − ∇̂f(old)} with shared samples. */
  private long correct(State state, Options options, SplittableRandom random, int k, int t,
      DVector wNew, DVector lambdaNew, DVector wPrevious, DVector lambdaPrevious) {
    DVector u = state.u;
    DVector direction = state.direction;
    long samples = residuals(options, random, wNew, lambdaNew, wPrevious, lambdaPrevious);
    backend.axpy(1.0, residual, u);
    backend.axpy(-1.0, residualOld, u);
    samples += hypergradients(options, random, k, wNew, lambdaNew, wPrevious, lambdaPrevious);
    backend.axpy(1.0, estimate, direction);
    backend.axpy(-1.0, estimateOld, direction);
    return samples;
  }

  private double check(DVector vector, String step, int k, int t, double lastFinite) {
    return checkFinite(vector, step, k, t, "norm", lastFinite);
  }
}
