package io.github.bilevel.bsgm.problems;

import io.github.bilevel.bsgm.Batch;
import io.github.bilevel.bsgm.BilevelProblem;
import io.github.bilevel.bsgm.BilevelProblem.Linearization;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.Checks;
import io.github.bilevel.kernels.DMatrix;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The steps shared by the linear softmax classifiers trained by gradient steps
 * ({@link DataPoisoning}, {@link HyperCleaning}): the map {@code Φ(W, λ) = W − η ∇_W g(W, λ)}
 * with {@code g = CE + (μ/2)‖W‖_F²}, its product {@code ∂₁Φᵀ v}, the held linearization, the
 * validation cross-entropy and its gradient, the full-batch retraining and the accuracy. Each
 * problem supplies only how a chunk of training rows is loaded at {@code λ} (poisoned rows, or
 * per-example weights) and its own {@code ∂₂Φᵀ v}.
 *
 * <p>Not thread-safe: the chunk workspace is shared by the calls.
 */
final class SoftmaxClassifierSteps implements AutoCloseable {

  /** How a problem loads the training rows of a batch at {@code λ}, chunk by chunk. */
  interface TrainingRows {

    /** Readies a pass over {@code batch} at {@code lambda}; called once before its chunks. */
    default void prepare(DVector lambda, Batch batch) {}

    /** Loads the chunk of {@code batch} at {@code start} into the workspace; its row count. */
    int load(DVector lambda, Batch batch, int start);
  }

  /** The problem's own {@code out ← ∂₂Φ(w, λ; ξ)ᵀ v}. */
  interface LambdaProduct {
    void vjpLambda(DVector w, DVector lambda, Batch xi, DVector v, DVector out);
  }

  private final Backend backend;
  private final int lowerDimension;
  private final int upperDimension;
  private final LabelledRows validation;
  private final TrainingRows training;
  private final double mapStep;
  private final double strongConvexity;
  private final Batch allLower;
  final SoftmaxChunks chunks;
  final MatrixView wView;
  final MatrixView vView;
  private final MatrixView outView;

  /**
   * @param lowerSamples    {@code n}, the training rows of a full batch
   * @param upperDimension  {@code m}
   * @param validation      the rows of the upper level's cross-entropy
   * @param mapStep         {@code η}
   * @param strongConvexity {@code μ}, the weight decay's curvature
   * @param training        how the problem loads its training rows
   */
  SoftmaxClassifierSteps(Backend backend, int features, int classes, int lowerSamples,
      int upperDimension, LabelledRows validation, double mapStep, double strongConvexity,
      int chunkRows, TrainingRows training) {
    this.backend = backend;
    this.lowerDimension = features * classes;
    this.upperDimension = upperDimension;
    this.validation = validation;
    this.training = training;
    this.mapStep = mapStep;
    this.strongConvexity = strongConvexity;
    this.allLower = new Batch(lowerSamples).all(lowerSamples);
    this.chunks = new SoftmaxChunks(backend, features, classes, chunkRows);
    this.wView = new MatrixView("w", features, classes);
    this.vView = new MatrixView("v", features, classes);
    this.outView = new MatrixView("out", features, classes);
  }

  void checkLowerArguments(DVector w, DVector lambda, Batch batch) {
    Checks.checkLength("w", w, lowerDimension);
    Checks.checkLength("lambda", lambda, upperDimension);
    Objects.requireNonNull(batch, "batch");
  }

  /** {@code out ← W − η(Σ_B x_i (s_i − e_{y_i})ᵀ/|B| + μW)}, rows as the problem loads them. */
  void map(DVector w, DVector lambda, Batch xi, DVector out) {
    checkLowerArguments(w, lambda, xi);
    Checks.checkLength("out", out, lowerDimension);
    Inputs.checkDisjoint("out", out, "w", w);
    DMatrix weights = wView.matrix(w);
    DMatrix result = outView.matrix(out);
    training.prepare(lambda, xi);
    backend.copy(w, out);
    backend.scal(1 - mapStep * strongConvexity, out);
    for (int start = 0; start < xi.size(); start += chunks.capacity()) {
      training.load(lambda, xi, start);
      chunks.forward(weights);
      chunks.addDataGradient(-mapStep / xi.size(), result);
    }
  }

  /** {@code out ← ∂₁Φᵀ v = (1 − ημ) v − (η/|B|) Σ_B x_i [(diag s_i − s_i s_iᵀ) Vᵀx_i]ᵀ}. */
  void vjpW(DVector w, DVector lambda, Batch xi, DVector v, DVector out) {
    checkLowerArguments(w, lambda, xi);
    Checks.checkLength("v", v, lowerDimension);
    Checks.checkLength("out", out, lowerDimension);
    Inputs.checkDisjoint("out", out, "w", w);
    Inputs.checkDisjoint("out", out, "v", v);
    DMatrix weights = wView.matrix(w);
    DMatrix direction = vView.matrix(v);
    DMatrix result = outView.matrix(out);
    training.prepare(lambda, xi);
    backend.copy(v, out);
    backend.scal(1 - mapStep * strongConvexity, out);
    for (int start = 0; start < xi.size(); start += chunks.capacity()) {
      training.load(lambda, xi, start);
      chunks.forward(weights);
      chunks.project(direction);
      chunks.curvature();
      chunks.addCurvature(-mapStep / xi.size(), result);
    }
  }

  /**
   * The linearization keeps copies of {@code w}, {@code λ} and the batch. The batch is processed
   * in chunks through the problem's one chunk workspace, so each product recomputes its chunks'
   * softmax forward pass (a GEMM of the same size as the product's own {@code X V}).
   */
  Linearization linearization(Arena arena, BilevelProblem problem, LambdaProduct lambdaProduct) {
    DVector heldW = backend.vector(arena, lowerDimension);
    DVector heldLambda = backend.vector(arena, upperDimension);
    return new Linearization() {
      private Batch heldBatch;

      @Override
      public void linearize(DVector w, DVector lambda, Batch xi) {
        checkLowerArguments(w, lambda, xi);
        backend.copy(w, heldW);
        backend.copy(lambda, heldLambda);
        heldBatch = Batch.withRoomFor(heldBatch, xi).copyFrom(xi);
      }

      @Override
      public void vjpW(DVector v, DVector out) {
        Linearization.requireLinearized(heldBatch != null, problem);
        SoftmaxClassifierSteps.this.vjpW(heldW, heldLambda, heldBatch, v, out);
      }

      @Override
      public void vjpLambda(DVector v, DVector out) {
        Linearization.requireLinearized(heldBatch != null, problem);
        lambdaProduct.vjpLambda(heldW, heldLambda, heldBatch, v, out);
      }
    };
  }

  /** {@code CE(X_ζ W, y_ζ)} over validation rows, the batch mean. */
  double validationLoss(DVector w, Batch zeta) {
    Checks.checkLength("w", w, lowerDimension);
    DMatrix weights = wView.matrix(w);
    double sum = 0;
    for (int start = 0; start < zeta.size(); start += chunks.capacity()) {
      int count = chunks.load(validation, zeta, start);
      sum += count * chunks.forward(weights);
    }
    return sum / zeta.size();
  }

  /** {@code out ← sign · Σ_ζ x_i (s_i − e_{y_i})ᵀ/|ζ|} over validation rows ({@code sign = ±1}). */
  void validationGradient(DVector w, Batch zeta, double sign, DVector out) {
    Checks.checkLength("w", w, lowerDimension);
    Checks.checkLength("out", out, lowerDimension);
    Inputs.checkDisjoint("out", out, "w", w);
    DMatrix weights = wView.matrix(w);
    DMatrix result = outView.matrix(out);
    backend.fill(0.0, out);
    for (int start = 0; start < zeta.size(); start += chunks.capacity()) {
      chunks.load(validation, zeta, start);
      chunks.forward(weights);
      chunks.addDataGradient(sign / zeta.size(), result);
    }
  }

  /** {@code out ← 0}, the gradient of an upper objective that does not depend on {@code λ}. */
  void zeroLambdaGradient(DVector out) {
    Checks.checkLength("out", out, upperDimension);
    backend.fill(0.0, out);
  }

  /** {@code λ_i = scale · N(0, 1)} drawn from {@code seed}; {@code scale = 0} gives 0. */
  void gaussianUpper(DVector lambda, long seed, double scale) {
    Checks.checkLength("lambda", lambda, upperDimension);
    if (!(scale >= 0) || Double.isInfinite(scale)) {
      throw new IllegalArgumentException("scale must be finite and >= 0, got " + scale);
    }
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < lambda.length(); i++) {
      lambda.set(i, scale == 0 ? 0.0 : scale * random.nextGaussian());
    }
  }

  /** Trains the classifier from scratch on the full batch at {@code λ}, into {@code w}. */
  LowerLevelSolution solveLowerLevel(DVector lambda, DVector w, double tolerance,
      int maxIterations) {
    Checks.checkLength("lambda", lambda, upperDimension);
    Checks.checkLength("w", w, lowerDimension);
    return SoftmaxChunks.solve(backend, (in, out) -> map(in, lambda, allLower, out), mapStep, w,
        tolerance, maxIterations);
  }

  /** The fraction of rows of {@code x} that {@code W} classifies as {@code labels}. */
  double accuracy(DVector w, DMatrix x, int[] labels) {
    Checks.checkLength("w", w, lowerDimension);
    return chunks.accuracy(wView.matrix(w), Objects.requireNonNull(x, "x"), labels);
  }

  @Override
  public void close() {
    chunks.close();
  }
}
