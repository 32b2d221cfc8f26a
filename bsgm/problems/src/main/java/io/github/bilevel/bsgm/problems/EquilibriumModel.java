package io.github.bilevel.bsgm.problems;

import io.github.bilevel.bsgm.Batch;
import io.github.bilevel.bsgm.IterationSchedule;
import io.github.bilevel.bsgm.SeparableBsgm;
import io.github.bilevel.bsgm.SeparableProblem;
import io.github.bilevel.bsgm.data.Dataset;
import io.github.bilevel.bsgm.problems.EquilibriumKernels.Blocks;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.DMatrix;
import io.github.bilevel.kernels.DVector;
import io.github.bilevel.kernels.Projections;
import io.github.bilevel.kernels.Transpose;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import static io.github.bilevel.bsgm.problems.EquilibriumKernels.firstRows;

/**
 * A fully connected equilibrium model (deep equilibrium network) trained as a bilevel problem
 * (main seed §7.1; docs/mathematics.md §5; reference: CSML-IIT-UCL/bioptexps {@code source/DEQs.py}).
 * Every training example {@code x_i ∈ R^p} is a task with its own state {@code z_i ∈ R^d}, the
 * fixed point of
 *
 * <pre>  Φ(z, λ; x) = tanh(A z + B x + c),</pre>
 *
 * and the upper level is the training cross-entropy of the linear read-out,
 * {@code f(λ) = mean_i CE(D z_i(λ) + b, y_i)}. The variable {@code λ = (A, B, c, D, b)} lives in
 * {@code Λ = {‖A‖₂ ≤ ρ} × R^{d×p} × R^d × {|D_kj| ≤ β} × R^C} ({@code ρ = 0.5}, {@code β = 1} by
 * default), so every {@code Φ(·, λ; x)} is a {@code ρ}-contraction ({@code tanh} is
 * 1-Lipschitz).
 *
 * <p>Layout of {@code λ} (length {@code m = d² + dp + d + Cd + C}), each block row-major:
 * {@code A} ({@code d × d}) at {@link Layout#stateWeightsOffset()}, {@code B} ({@code d × p}),
 * {@code c} ({@code d}), {@code D} ({@code C × d}), {@code b} ({@code C}); {@link Layout} gives
 * the offsets and views of each block.
 *
 * <p>On a batch of {@code J} examples with states {@code Z} ({@code J × d}, row {@code r} for
 * example {@code B[r]}), with {@code U = Z Aᵀ + X_B Bᵀ + 1cᵀ}, {@code T = tanh(U)},
 * {@code S = 1 − T²} and {@code G = S ⊙ V}:
 * <ul>
 *   <li>{@code Φ(Z) = T};
 *   <li>{@code ∂₁Φᵀ V = G A} (row {@code r}: {@code Aᵀ(s_r ⊙ v_r)});
 *   <li>{@code mean ∂₂Φᵀ V = (Gᵀ Z, Gᵀ X_B, Gᵀ1, 0, 0) / J};
 *   <li>{@code ∇₁E} rows {@code = (softmax(L) − e_y) D} with logits {@code L = Z Dᵀ + 1bᵀ};
 *   <li>{@code mean ∇₂E = (0, 0, 0, Pᵀ Z, Pᵀ 1)} with {@code P = (softmax(L) − e_y)/J}.
 * </ul>
 * All are GEMMs on the backend. {@link #map} is a plain forward evaluation; the
 * {@linkplain #linearization linearization} evaluates the input part {@code X_B Bᵀ + 1cᵀ} (the
 * largest GEMM) once per {@code (λ, B)} and {@code T} once per point, and keeps its own copies
 * of {@code A} and the states, so a caller may change {@code λ} or the states in place at any
 * time.
 *
 * <p>The training features are referenced, not copied: their arena must outlive the model.
 * Workspaces are allocated once for batches of up to {@code maxBatch} examples; the methods of
 * {@link SeparableProblem} allocate nothing per call once the views for a batch size exist.
 * Output matrices must not overlap the inputs ({@code out} of {@code map} is not
 * {@code states}). Not thread-safe.
 */
public final class EquilibriumModel implements SeparableProblem, AutoCloseable {

  /** The state dimension of the reference experiment. */
  public static final int DEFAULT_STATE_DIMENSION = 200;

  /** The default bound {@code ρ} on {@code ‖A‖₂}, also the contraction constant. */
  public static final double DEFAULT_SPECTRAL_RADIUS = 0.5;

  /** The default bound {@code β} on the entries of {@code D}. */
  public static final double DEFAULT_OUTPUT_BOUND = 1.0;

  /** The standard deviation of the reference initialisation of {@code A, B, c, D}. */
  public static final double DEFAULT_INITIAL_SCALE = 0.01;

  /**
   * Default upper-level step {@code α} of BSGM, chosen on a validation set (Fashion-MNIST,
   * 10000 training examples, equal example passes; {@code α ∈ {0.2, 0.3, 0.5}} at {@code J = 200},
   * 0.2 and 0.3 at {@code J = 100}, 0.1 and 0.2 at {@code J = 50}).
   */
  public static final double DEFAULT_STEP = 0.3;

  /** Default batch {@code J} of examples per BSGM iteration (chosen with {@link #DEFAULT_STEP}). */
  public static final int DEFAULT_BATCH = 200;

  /**
   * Default lower-level and linear-system KM steps {@code t = k} per SID call, as in the
   * reference experiment ({@code T = K = 3}); 5 did no better on validation per example pass.
   */
  public static final int DEFAULT_SOLVER_STEPS = 3;

  /** Default fixed-point steps from {@code z = 0} for prediction (the reference's 20). */
  public static final int DEFAULT_FORWARD_STEPS = 20;

  /**
   * Where each block of {@code λ} lives, for a model with state dimension {@code d},
   * {@code p} input features and {@code C} classes.
   */
  public record Layout(int stateDimension, int inputDimension, int classes) {

    public Layout {
      if (stateDimension < 1 || inputDimension < 1 || classes < 1) {
        throw new IllegalArgumentException("d, p and C must be >= 1, got d = " + stateDimension
            + ", p = " + inputDimension + ", C = " + classes);
      }
      long m = (long) stateDimension * stateDimension + (long) stateDimension * inputDimension
          + stateDimension + (long) classes * stateDimension + classes;
      if (m > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException("λ would have " + m + " elements, too many");
      }
    }

    /** Offset of {@code A} ({@code d × d}): 0. */
    public int stateWeightsOffset() {
      return 0;
    }

    /** Offset of {@code B} ({@code d × p}): {@code d²}. */
    public int inputWeightsOffset() {
      return stateDimension * stateDimension;
    }

    /** Offset of {@code c} ({@code d}): {@code d² + dp}. */
    public int stateBiasOffset() {
      return inputWeightsOffset() + stateDimension * inputDimension;
    }

    /** Offset of {@code D} ({@code C × d}): {@code d² + dp + d}. */
    public int outputWeightsOffset() {
      return stateBiasOffset() + stateDimension;
    }

    /** Offset of {@code b} ({@code C}): {@code d² + dp + d + Cd}. */
    public int outputBiasOffset() {
      return outputWeightsOffset() + classes * stateDimension;
    }

    /** {@code m}, the length of {@code λ}. */
    public int size() {
      return outputBiasOffset() + classes;
    }

    private void check(DVector lambda) {
      Objects.requireNonNull(lambda, "lambda");
      if (lambda.length() != size() || lambda.stride() != 1) {
        throw new IllegalArgumentException("λ must be a contiguous vector of length m = "
            + size() + " (d = " + stateDimension + ", p = " + inputDimension + ", C = " + classes
            + "), got length " + lambda.length() + ", stride " + lambda.stride());
      }
    }

    private DMatrix block(DVector lambda, int offset, int rows, int cols) {
      check(lambda);
      return new DMatrix(lambda.segment(), lambda.offset() + offset, rows, cols, cols);
    }

    /** {@code A} ({@code d × d}) as a view into {@code λ}. */
    public DMatrix stateWeights(DVector lambda) {
      return block(lambda, stateWeightsOffset(), stateDimension, stateDimension);
    }

    /** {@code B} ({@code d × p}) as a view into {@code λ}. */
    public DMatrix inputWeights(DVector lambda) {
      return block(lambda, inputWeightsOffset(), stateDimension, inputDimension);
    }

    /** {@code c} ({@code d}) as a view into {@code λ}. */
    public DVector stateBias(DVector lambda) {
      check(lambda);
      return lambda.slice(stateBiasOffset(), stateDimension);
    }

    /** {@code D} ({@code C × d}) as a view into {@code λ}. */
    public DMatrix outputWeights(DVector lambda) {
      return block(lambda, outputWeightsOffset(), classes, stateDimension);
    }

    /** {@code b} ({@code C}) as a view into {@code λ}. */
    public DVector outputBias(DVector lambda) {
      check(lambda);
      return lambda.slice(outputBiasOffset(), classes);
    }
  }

  private final Backend backend;
  private final Arena arena = Arena.ofShared();
  private final Layout layout;
  private final DMatrix features;
  private final int[] labels;
  private final int n;
  private final int p;
  private final int d;
  private final int classes;
  private final int maxBatch;
  private final double spectralRadius;
  private final double outputBound;

  // workspaces of the plain map and the objective, maxBatch rows
  private final DMatrix batchInputs;   // X_B
  private final DMatrix inputPart;     // X_B Bᵀ + 1cᵀ
  private final DMatrix logits;        // L
  private final DMatrix logitsGradient; // P
  private final MemorySegment batchLabels;
  private final DVector ones;
  private final EquilibriumKernels kernels;
  // views of the first J rows, rebuilt when J changes
  private int viewRows = -1;
  private DMatrix batchInputsRows;
  private DMatrix inputPartRows;
  private DMatrix logitsRows;
  private DMatrix logitsGradientRows;
  private DVector onesRows;
  private final SpectralBallProjector projector;

  /**
   * The model of the reference experiment on {@code train}: state dimension {@code d},
   * {@code ‖A‖₂ ≤ 0.5}, {@code |D_kj| ≤ 1}, batches of up to {@code maxBatch} examples.
   */
  public EquilibriumModel(Backend backend, Dataset train, int stateDimension, int maxBatch) {
    this(backend, train.features(), train.labels(), train.classes(), stateDimension, maxBatch,
        DEFAULT_SPECTRAL_RADIUS, DEFAULT_OUTPUT_BOUND);
  }

  /**
   * A model on the training examples {@code features} ({@code n × p}, referenced, not copied)
   * with labels in {@code [0, classes)}.
   *
   * @param spectralRadius {@code ρ ∈ (0, 1)}: {@code Λ} bounds {@code ‖A‖₂ ≤ ρ}, the contraction
   *                       constant
   * @param outputBound    {@code β > 0}: {@code Λ} bounds {@code |D_kj| ≤ β}
   */
  public EquilibriumModel(Backend backend, DMatrix features, int[] labels, int classes,
      int stateDimension, int maxBatch, double spectralRadius, double outputBound) {
    this.backend = Objects.requireNonNull(backend, "backend");
    Objects.requireNonNull(features, "features");
    Objects.requireNonNull(labels, "labels");
    if (features.rows() < 1 || features.rows() != labels.length) {
      throw new IllegalArgumentException("the equilibrium model needs n >= 1 examples with one"
          + " label each, got " + features.rows() + " rows and " + labels.length + " labels");
    }
    if (maxBatch < 1) {
      throw new IllegalArgumentException("maxBatch must be >= 1, got " + maxBatch);
    }
    if (!(spectralRadius > 0 && spectralRadius < 1)) {
      throw new IllegalArgumentException("the spectral radius bound must lie in (0, 1) for Φ to"
          + " be a contraction, got " + spectralRadius);
    }
    if (!(outputBound > 0) || Double.isInfinite(outputBound)) {
      throw new IllegalArgumentException("the bound on D must be finite and > 0, got "
          + outputBound);
    }
    this.layout = new Layout(stateDimension, features.cols(), classes);
    Dataset.checkLabels(labels, classes);
    this.features = features;
    this.labels = labels.clone();
    this.n = labels.length;
    this.p = features.cols();
    this.d = stateDimension;
    this.classes = classes;
    this.maxBatch = maxBatch;
    this.spectralRadius = spectralRadius;
    this.outputBound = outputBound;
    batchInputs = backend.matrix(arena, maxBatch, p);
    inputPart = backend.matrix(arena, maxBatch, d);
    logits = backend.matrix(arena, maxBatch, classes);
    logitsGradient = backend.matrix(arena, maxBatch, classes);
    batchLabels = backend.labels(arena, new int[maxBatch]);
    ones = backend.vector(arena, maxBatch);
    backend.fill(1.0, ones);
    kernels = new EquilibriumKernels(backend, layout);
    projector = new SpectralBallProjector(backend, d);
  }

  /** Where the blocks of {@code λ} live. */
  public Layout layout() {
    return layout;
  }

  /** {@code C}, the number of classes. */
  public int classes() {
    return classes;
  }

  /** {@code p}, the number of input features. */
  public int inputDimension() {
    return p;
  }

  /** The largest batch the workspaces hold. */
  public int maxBatch() {
    return maxBatch;
  }

  /** {@code ρ}, the bound on {@code ‖A‖₂}. */
  public double spectralRadius() {
    return spectralRadius;
  }

  /** {@code β}, the bound on the entries of {@code D}. */
  public double outputBound() {
    return outputBound;
  }

  @Override
  public Backend backend() {
    return backend;
  }

  @Override
  public int tasks() {
    return n;
  }

  @Override
  public int stateDimension() {
    return d;
  }

  @Override
  public int upperDimension() {
    return layout.size();
  }

  /** {@code ρ}: {@code ‖∂₁Φ‖ ≤ ‖A‖₂ ≤ ρ} because {@code tanh' ≤ 1}. */
  @Override
  public OptionalDouble contractionConstant() {
    return OptionalDouble.of(spectralRadius);
  }

  /**
   * The reference initialisation: {@code A, B, c, D} with independent {@code N(0, scale²)}
   * entries, {@code b = 0}, then projected onto {@code Λ}.
   */
  public void initialize(DVector lambda, double scale, long seed) {
    layout.check(lambda);
    if (!(scale >= 0) || Double.isInfinite(scale)) {
      throw new IllegalArgumentException("scale must be finite and >= 0, got " + scale);
    }
    SplittableRandom random = new SplittableRandom(seed);
    int gaussians = layout.outputBiasOffset();
    for (int i = 0; i < gaussians; i++) {
      lambda.set(i, scale * random.nextGaussian());
    }
    for (int i = gaussians; i < layout.size(); i++) {
      lambda.set(i, 0.0);
    }
    projectUpper(lambda);
  }

  /** {@link #initialize(DVector, double, long)} with scale {@value #DEFAULT_INITIAL_SCALE}. */
  public void initialize(DVector lambda, long seed) {
    initialize(lambda, DEFAULT_INITIAL_SCALE, seed);
  }

  /**
   * The tuned BSGM settings: {@code α =} {@value #DEFAULT_STEP}, {@code J =}
   * {@value #DEFAULT_BATCH}, {@code t = k =} {@value #DEFAULT_SOLVER_STEPS}, KM step 1, epochs of
   * shuffled examples, at most {@code maxIterations} iterations (add a time or sample limit with
   * the {@code with...} methods). Use a {@link SeparableBsgm} made with
   * {@code maxBatch >= } {@value #DEFAULT_BATCH} on a model with the same capacity.
   */
  public static SeparableBsgm.Options defaultOptions(int maxIterations) {
    return new SeparableBsgm.Options(DEFAULT_STEP,
        IterationSchedule.fixed(DEFAULT_SOLVER_STEPS,
            DEFAULT_SOLVER_STEPS, DEFAULT_BATCH),
        1.0, SeparableBsgm.Sampling.EPOCHS, maxIterations);
  }

  // ---------------------------------------------------------------- SeparableProblem

  /** A plain forward evaluation: gathers {@code X_B}, evaluates {@code U} and {@code tanh}. */
  @Override
  public void map(DMatrix states, DVector lambda, Batch tasks, DMatrix out) {
    int rows = EquilibriumKernels.gather(tasks, maxBatch, features, labels, batchInputs, null);
    views(rows);
    Blocks blocks = kernels.blocks(lambda);
    kernels.inputPart(batchInputsRows, blocks, onesRows, inputPartRows);
    kernels.forward(firstRows("states", states, rows, d), blocks.a, inputPartRows,
        firstRows("out", out, rows, d));
  }

  /** See {@link EquilibriumLinearization}. */
  @Override
  public SeparableLinearization linearization(Arena arena, int maxTasks) {
    return new EquilibriumLinearization(this, features, labels, arena, maxTasks);
  }

  @Override
  public double objective(DMatrix states, DVector lambda, Batch tasks) {
    int rows = prepareLabels(tasks);
    kernels.logits(firstRows("states", states, rows, d), kernels.blocks(lambda), logitsRows,
        onesRows);
    return backend.softmaxCrossEntropy(logitsRows, batchLabels, null);
  }

  @Override
  public void objectiveGradientState(DMatrix states, DVector lambda, Batch tasks, DMatrix out) {
    int rows = prepareLabels(tasks);
    Blocks blocks = kernels.blocks(lambda);
    kernels.logits(firstRows("states", states, rows, d), blocks, logitsRows, onesRows);
    backend.softmaxCrossEntropy(logitsRows, batchLabels, logitsGradientRows);
    // P holds (softmax − e_y)/J; the per-example gradient is J·P D
    backend.gemm(Transpose.NO, Transpose.NO, rows, logitsGradientRows, blocks.d, 0.0,
        firstRows("out", out, rows, d));
  }

  @Override
  public void objectiveGradientLambda(DMatrix states, DVector lambda, Batch tasks,
      DVector out) {
    int rows = prepareLabels(tasks);
    DMatrix z = firstRows("states", states, rows, d);
    kernels.logits(z, kernels.blocks(lambda), logitsRows, onesRows);
    backend.softmaxCrossEntropy(logitsRows, batchLabels, logitsGradientRows);
    Blocks o = kernels.blocks(out);
    backend.fill(0.0, o.aFlat);
    backend.fill(0.0, o.bFlat);
    backend.fill(0.0, o.c);
    backend.gemm(Transpose.YES, Transpose.NO, 1.0, logitsGradientRows, z, 0.0, o.d);
    backend.gemvT(1.0, logitsGradientRows, onesRows, 0.0, o.bias);
  }

  /**
   * {@code λ ← P_Λ(λ)}: {@code A} onto the spectral-norm ball of radius {@code ρ} (singular
   * values clipped), {@code D} onto the box {@code [−β, β]}; the other blocks are free.
   *
   * <p>The projection of {@code A} is exact (a Jacobi SVD to the backend's criterion) but
   * resolves only the singular values whose Gershgorin disc reaches {@code ρ}, starting from the
   * right singular vectors of the previous call ({@code SpectralBallProjector}): on a BSGM
   * trajectory, where few singular values sit at the boundary, it costs a few {@code d³} GEMMs
   * rather than a full SVD.
   */
  @Override
  public void projectUpper(DVector lambda) {
    Blocks blocks = kernels.blocks(lambda);
    projector.project(blocks.a, spectralRadius);
    Projections.box(backend, blocks.dFlat, -outputBound, outputBound);
  }

  // ---------------------------------------------------------------- evaluation

  /**
   * Predicts the class of every row of {@code x} ({@code N × p}, any examples, such as a test
   * set): {@code forwardSteps} fixed-point steps from {@code z = 0}, then the arg-max of
   * {@code D z + b}. Works in chunks of {@code maxBatch} rows with its own workspace
   * (allocated per call).
   */
  public int[] predict(DVector lambda, DMatrix x, int forwardSteps) {
    int[] out = new int[x.rows()];
    evaluation().run(lambda, x, null, forwardSteps, out);
    return out;
  }

  /**
   * The mean cross-entropy and the accuracy of the model on {@code x} with labels {@code y},
   * after {@code forwardSteps} fixed-point steps from {@code z = 0}.
   */
  public Evaluation evaluate(DVector lambda, DMatrix x, int[] y, int forwardSteps) {
    Objects.requireNonNull(y, "labels");
    if (y.length != x.rows()) {
      throw new IllegalArgumentException("x has " + x.rows() + " rows but there are " + y.length
          + " labels");
    }
    return evaluation().run(lambda, x, y, forwardSteps, new int[x.rows()]);
  }

  /** {@link #evaluate(DVector, DMatrix, int[], int)} on a data set. */
  public Evaluation evaluate(DVector lambda, Dataset data, int forwardSteps) {
    if (data.classes() != classes) {
      throw new IllegalArgumentException("the data set has " + data.classes()
          + " classes but the model " + classes);
    }
    return evaluate(lambda, data.features(), data.labels(), forwardSteps);
  }

  /** Gathers the batch's labels for the objective; returns {@code |B|}. */
  private int prepareLabels(Batch tasks) {
    int rows = EquilibriumKernels.gather(tasks, maxBatch, features, labels, null, batchLabels);
    views(rows);
    return rows;
  }

  // Deliberate shape, as in EquilibriumLinearization.views: each workspace caches row slices of its own buffers.
  private void views(int rows) {
    if (rows == viewRows) {
      return;
    }
    batchInputsRows = batchInputs.rowSlice(0, rows);
    inputPartRows = inputPart.rowSlice(0, rows);
    logitsRows = logits.rowSlice(0, rows);
    logitsGradientRows = logitsGradient.rowSlice(0, rows);
    onesRows = ones.slice(0, rows);
    viewRows = rows;
  }

  private EquilibriumEvaluation evaluation() {
    return new EquilibriumEvaluation(backend, layout, maxBatch);
  }

  /** The projector of {@code A} (for tests and measurements in this package). */
  SpectralBallProjector projector() {
    return projector;
  }

  /** Frees the workspaces (not the training features, which belong to the caller). */
  @Override
  public void close() {
    projector.close();
    arena.close();
  }
}
