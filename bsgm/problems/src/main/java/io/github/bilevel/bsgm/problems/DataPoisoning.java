package io.github.bilevel.bsgm.problems;

import io.github.bilevel.bsgm.Batch;
import io.github.bilevel.bsgm.BilevelProblem;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.Checks;
import io.github.bilevel.kernels.DMatrix;
import io.github.bilevel.kernels.DVector;
import io.github.bilevel.kernels.Projections;
import io.github.bilevel.kernels.Transpose;
import java.lang.foreign.Arena;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * Data poisoning of a linear softmax classifier (main seed §7.3; docs/mathematics.md §5): an attacker
 * perturbs {@code n_p} training points {@code x_{p,i} ↦ x_{p,i} + δ_i} to maximize the
 * validation loss of the classifier trained on the poisoned set.
 *
 * <ul>
 *   <li>lower level: {@code W ∈ R^{p×k}} (flattened row-major, {@code d = p·k}) minimizes
 *       {@code g(W, δ) = CE([X_tr; X_p + δ] W, y) + c·mean(W²)}, with
 *       {@code mean(W²) = ‖W‖_F²/(pk)} and {@code c = 0.1} in the paper;
 *       {@code Φ(W, δ) = W − η ∇_W g(W, δ)};
 *   <li>upper level: {@code E(W) = −CE(X_val W, y_val)} (the attacker minimizes minus the
 *       validation loss); {@code λ = δ ∈ R^{n_p×p}} (flattened row-major, {@code m = n_p·p});
 *   <li>{@code Λ}: for each row, {@code ‖δ_i‖₂ ≤ r} ({@code r = 5} in the paper) and
 *       {@code x_{p,i} + δ_i ∈ [0, 1]^p}; {@link #projectUpper} is the exact projection onto
 *       that intersection ({@code projectBallBox} with the box shifted by {@code −x_{p,i}}).
 * </ul>
 *
 * <p>Samples {@code ξ} are rows of the combined training set {@code [X_tr; X_p + δ]} (indices
 * {@code 0 .. n_tr − 1} clean, {@code n_tr .. n − 1} poisoned), samples {@code ζ} rows of the
 * validation set. Mini-batches are processed in chunks of rows gathered into a workspace; a
 * full batch uses the stored rows directly. Every heavy step is a GEMM:
 * {@code Z = X W}, {@code Xᵀ(S − Y)}, {@code U = X V}, {@code Xᵀ R} and, for {@code ∂₂Φᵀ},
 * {@code (S − Y)Vᵀ + R Wᵀ}.
 *
 * <p><b>Contraction.</b> The Hessian of the cross-entropy in the logits,
 * {@code diag(s) − ssᵀ}, has norm at most ½, so
 * {@code ∇²_W CE ≼ ½‖X‖₂²/n · I} and {@code g} is {@code μ}-strongly convex and {@code L}-smooth
 * with {@code μ = 2c/(pk)} and {@code L = ½ B/n + μ}, where {@code B ≥ ‖[X_tr; X_p + δ]‖₂²} on
 * all of {@code Λ}: {@code B = ‖X_tr‖₂² + min(Σ_i min(p, (‖x_{p,i}‖ + r)²),
 * (‖X_p‖₂ + r√n_p)²)} (pixel rows in {@code [0, 1]^p} have squared norm at most {@code p};
 * {@code ‖Δ‖₂ ≤ ‖Δ‖_F ≤ r√n_p}; {@code ‖X_tr‖₂²} and {@code ‖X_p‖₂²} by power iteration with 1%
 * added). The step {@code η = 2/(L + μ)} makes {@code Φ} a contraction on all of {@code Λ} with
 * {@code q = (L − μ)/(L + μ)}. With the paper's tiny regularization {@code q} is very close to 1
 * (about {@code 1 − 10⁻⁶} on Fashion-MNIST): the lower level is ill conditioned, as in the paper.
 *
 * <p>Not thread-safe: the workspaces are shared by the calls.
 */
public final class DataPoisoning implements BilevelProblem, AutoCloseable {

  /** The paper's regularization constant {@code c} of {@code c·mean(W²)}. */
  public static final double PAPER_REGULARIZATION = 0.1;

  /** The paper's radius {@code r} of the per-row ball {@code ‖δ_i‖₂ ≤ r}. */
  public static final double PAPER_RADIUS = 5.0;

  static final int DEFAULT_CHUNK_ROWS = 256;

  private final Backend backend;
  private final Arena arena = Arena.ofShared();
  private final int trainSamples;
  private final int poisonSamples;
  private final int features;
  private final int classes;
  private final double regularization;
  private final double radius;
  private final double strongConvexity;
  private final double lipschitz;
  private final double mapStep;
  private final double q;
  private final LabelledRows combined;
  private final LabelledRows validation;
  private final DMatrix poison;
  private final DVector[] poisonRows;
  private final DVector poisonVector;
  private final DVector combinedPoisonBlock;
  private final DVector[] lowerBounds;
  private final DVector[] upperBounds;
  private final SoftmaxClassifierSteps steps;
  private final SoftmaxChunks chunks;
  private final DMatrix[] rowGradient;
  private final DVector[] rowGradientRows;
  private final MatrixView lambdaView;
  private final MatrixView lambdaOutView;
  private DVector[] deltaRows;

  /**
   * A poisoning problem.
   *
   * @param backend        the kernels
   * @param trainX         clean training rows {@code X_tr} ({@code n_tr × p}, {@code n_tr ≥ 0}
   *                       rows: null for none)
   * @param trainY         their labels in {@code [0, classes)}
   * @param poisonX        the rows to poison {@code X_p} ({@code n_p × p}), values in [0, 1]
   * @param poisonY        their labels (kept: the attack moves the features only)
   * @param validationX    validation rows {@code X_val} ({@code n_val × p})
   * @param validationY    their labels
   * @param classes        {@code k ≥ 2}
   * @param regularization {@code c > 0} of {@code c·mean(W²)} ({@link #PAPER_REGULARIZATION})
   * @param radius         {@code r > 0} of {@code ‖δ_i‖₂ ≤ r} ({@link #PAPER_RADIUS})
   * @throws IllegalArgumentException naming the argument, for shapes that do not match, labels
   *     outside {@code [0, classes)}, non-finite values, poison rows outside {@code [0, 1]},
   *     or constants that are not finite and positive
   */
  public DataPoisoning(Backend backend, DMatrix trainX, int[] trainY, DMatrix poisonX,
      int[] poisonY, DMatrix validationX, int[] validationY, int classes, double regularization,
      double radius) {
    this(backend, trainX, trainY, poisonX, poisonY, validationX, validationY, classes,
        regularization, radius, DEFAULT_CHUNK_ROWS);
  }

  DataPoisoning(Backend backend, DMatrix trainX, int[] trainY, DMatrix poisonX, int[] poisonY,
      DMatrix validationX, int[] validationY, int classes, double regularization, double radius,
      int chunkRows) {
    this.backend = Objects.requireNonNull(backend, "backend");
    Inputs.checkClasses(classes);
    Inputs.checkPositive("regularization", regularization);
    Inputs.checkPositive("radius", radius);
    Objects.requireNonNull(poisonX, "poisonX");
    this.features = poisonX.cols();
    this.classes = classes;
    this.regularization = regularization;
    this.radius = radius;
    // the poisoned rows, checked to lie in [0, 1]
    this.poison = Inputs.copyFinite(backend, arena, "poisonX", poisonX,
        Objects.requireNonNull(poisonY, "poisonY").length, features);
    for (int i = 0; i < poison.rows(); i++) {
      for (int j = 0; j < features; j++) {
        double value = poison.get(i, j);
        if (value < 0 || value > 1) {
          throw new IllegalArgumentException("poisonX(" + i + ", " + j + ") = " + value
              + " is outside [0, 1]: the box constraint x_p + δ ∈ [0, 1] needs x_p in it");
        }
      }
    }
    Inputs.checkLabels("poisonY", poisonY, poison.rows(), classes);
    int[] cleanLabels = trainY == null ? new int[0] : trainY;
    if (trainX == null && cleanLabels.length > 0) {
      throw new IllegalArgumentException("trainY has " + cleanLabels.length
          + " labels but trainX is null");
    }
    DMatrix clean = trainX == null ? null
        : Inputs.copyFinite(backend, arena, "trainX", trainX, cleanLabels.length, features);
    this.trainSamples = cleanLabels.length;
    this.poisonSamples = poison.rows();
    int n = trainSamples + poisonSamples;
    DMatrix all = backend.matrix(arena, n, features);
    for (int i = 0; i < trainSamples; i++) {
      backend.copy(clean.row(i), all.row(i));
    }
    for (int i = 0; i < poisonSamples; i++) {
      backend.copy(poison.row(i), all.row(trainSamples + i));
    }
    int[] allLabels = new int[n];
    System.arraycopy(cleanLabels, 0, allLabels, 0, trainSamples);
    System.arraycopy(poisonY, 0, allLabels, trainSamples, poisonSamples);
    this.combined = new LabelledRows(backend, arena, "training data", all, allLabels, features, classes,
        chunkRows);
    this.validation = new LabelledRows(backend, arena, "validationX", validationX, validationY, features,
        classes, chunkRows);
    this.poisonRows = poison.rowViews();
    this.poisonVector = poison.asVector();
    this.combinedPoisonBlock = combined.data.rowSlice(trainSamples, poisonSamples).asVector();
    DMatrix lower = backend.matrix(arena, poisonSamples, features);
    DMatrix upper = backend.matrix(arena, poisonSamples, features);
    for (int i = 0; i < poisonSamples; i++) {
      for (int j = 0; j < features; j++) {
        lower.set(i, j, -poison.get(i, j));
        upper.set(i, j, 1 - poison.get(i, j));
      }
    }
    this.lowerBounds = lower.rowViews();
    this.upperBounds = upper.rowViews();

    // contraction constant: see the class comment
    double cleanNorm = clean == null ? 0 : SoftmaxChunks.squaredSpectralNorm(backend, clean);
    double frobenius = 0;
    for (int i = 0; i < poisonSamples; i++) {
      double rowNorm = backend.nrm2(poisonRows[i]);
      frobenius += Math.min(features, (rowNorm + radius) * (rowNorm + radius));
    }
    double spectral = Math.sqrt(SoftmaxChunks.squaredSpectralNorm(backend, poison))
        + radius * Math.sqrt(poisonSamples);
    double bound = cleanNorm + Math.min(frobenius, spectral * spectral);
    this.strongConvexity = 2 * regularization / ((double) features * classes);
    this.lipschitz = 0.5 * bound / n + strongConvexity;
    this.mapStep = 2 / (lipschitz + strongConvexity);
    this.q = (lipschitz - strongConvexity) / (lipschitz + strongConvexity);

    this.steps = new SoftmaxClassifierSteps(backend, features, classes, n, upperDimension(),
        validation, mapStep, strongConvexity, chunkRows, new SoftmaxClassifierSteps.TrainingRows() {
          @Override
          public void prepare(DVector lambda, Batch batch) {
            deltaRows = prepareTraining(lambda, batch);
          }

          @Override
          public int load(DVector lambda, Batch batch, int start) {
            return loadTraining(batch, start, deltaRows);
          }
        });
    this.chunks = steps.chunks;
    DMatrix gradientWork = backend.matrix(arena, chunkRows, features);
    this.rowGradientRows = gradientWork.rowViews();
    this.rowGradient = new DMatrix[chunkRows + 1];
    for (int c = 0; c <= chunkRows; c++) {
      rowGradient[c] = gradientWork.rowSlice(0, c);
    }
    this.lambdaView = new MatrixView("lambda", poisonSamples, features);
    this.lambdaOutView = new MatrixView("out", poisonSamples, features);
  }

  @Override
  public Backend backend() {
    return backend;
  }

  /** {@code d = p·k}: the classifier {@code W}, row-major {@code p × k}. */
  @Override
  public int lowerDimension() {
    return features * classes;
  }

  /** {@code m = n_p·p}: the perturbations {@code δ}, row-major {@code n_p × p}. */
  @Override
  public int upperDimension() {
    return poisonSamples * features;
  }

  /** {@code n = n_tr + n_p}: rows of the combined training set. */
  @Override
  public int lowerSamples() {
    return trainSamples + poisonSamples;
  }

  /** {@code n_val}. */
  @Override
  public int upperSamples() {
    return validation.size();
  }

  /** {@code n_tr}, clean training rows (sample indices {@code 0 .. n_tr − 1}). */
  public int trainSamples() {
    return trainSamples;
  }

  /** {@code n_p}, poisoned rows (sample indices {@code n_tr .. n − 1}). */
  public int poisonSamples() {
    return poisonSamples;
  }

  /** {@code p}. */
  public int features() {
    return features;
  }

  /** {@code k}. */
  public int classes() {
    return classes;
  }

  /** {@code c} of {@code c·mean(W²)}. */
  public double regularization() {
    return regularization;
  }

  /** {@code r} of {@code ‖δ_i‖₂ ≤ r}. */
  public double radius() {
    return radius;
  }

  /** The map's gradient step {@code η = 2/(L + μ)}. */
  public double mapStep() {
    return mapStep;
  }

  /** {@code L}, the smoothness bound of {@code g(·, δ)} valid on all of {@code Λ}. */
  public double lipschitzBound() {
    return lipschitz;
  }

  /** {@code μ = 2c/(pk)}, the strong convexity of {@code g(·, δ)}. */
  public double strongConvexity() {
    return strongConvexity;
  }

  /** {@code q = (L − μ)/(L + μ)}. */
  @Override
  public OptionalDouble contractionConstant() {
    return OptionalDouble.of(q);
  }

  /** Copies {@code x_{p,i} + δ_i} into the stored poisoned rows (full-batch passes). */
  private void refreshPoisonedRows(DVector lambda) {
    backend.copy(poisonVector, combinedPoisonBlock);
    backend.axpy(1.0, lambda, combinedPoisonBlock);
  }

  /**
   * Loads the chunk at {@code start} of a training batch: stored rows for a full batch (after
   * {@link #refreshPoisonedRows}), otherwise gathered rows with poisoned rows recomputed.
   */
  private int loadTraining(Batch batch, int start, DVector[] deltaRows) {
    int count = chunks.load(combined, batch, start);
    if (!SoftmaxChunks.isFull(batch, combined.size())) {
      for (int r = 0; r < count; r++) {
        int i = chunks.sample(r) - trainSamples;
        if (i >= 0) {
          backend.copy(poisonRows[i], chunks.gatheredRow(r));
          backend.axpy(1.0, deltaRows[i], chunks.gatheredRow(r));
        }
      }
    }
    return count;
  }

  private DVector[] prepareTraining(DVector lambda, Batch batch) {
    if (SoftmaxChunks.isFull(batch, combined.size())) {
      refreshPoisonedRows(lambda);
      return null;
    }
    return poisonSamples == 0 ? new DVector[0] : lambdaView.rows(lambda);
  }

  /** {@code out ← W − η(Σ_B x_i(s_i − e_{y_i})ᵀ/|B| + μW)}. */
  @Override
  public void map(DVector w, DVector lambda, Batch xi, DVector out) {
    steps.map(w, lambda, xi, out);
  }

  /**
   * {@code out ← ∂₂Φᵀ v}: row {@code i} (poisoned row {@code n_tr + i} of the batch) gets
   * {@code −(η/|B|)[V(s_i − e_{y_i}) + W (diag s_i − s_i s_iᵀ) Vᵀx_i]}, summed over the batch's
   * draws of that row; rows not in the batch get 0.
   */
  private void vjpLambda(DVector w, DVector lambda, Batch xi, DVector v, DVector out) {
    steps.checkLowerArguments(w, lambda, xi);
    Checks.checkLength("v", v, lowerDimension());
    Checks.checkLength("out", out, upperDimension());
    DMatrix weights = steps.wView.matrix(w);
    DMatrix direction = steps.vView.matrix(v);
    backend.fill(0.0, out);
    if (poisonSamples == 0) {
      return;
    }
    DVector[] deltaRows = lambdaView.rows(lambda);
    DVector[] outRows = lambdaOutView.rows(out);
    int count = 0;
    for (int position = 0; position < xi.size(); position++) {
      int sample = xi.index(position);
      if (sample >= combined.size()) {
        throw new IllegalArgumentException("sample index " + sample + " is outside [0, "
            + combined.size() + ")");
      }
      int i = sample - trainSamples;
      if (i < 0) {
        continue;
      }
      backend.copy(poisonRows[i], chunks.gatheredRow(count));
      backend.axpy(1.0, deltaRows[i], chunks.gatheredRow(count));
      chunks.setGathered(count, combined.labels[sample], i);
      count++;
      if (count == chunks.capacity()) {
        addPoisonGradient(count, weights, direction, xi.size(), outRows);
        count = 0;
      }
    }
    if (count > 0) {
      addPoisonGradient(count, weights, direction, xi.size(), outRows);
    }
  }

  private void addPoisonGradient(int count, DMatrix weights, DMatrix direction, int batchSize,
      DVector[] outRows) {
    chunks.loadGathered(count);
    chunks.forward(weights);
    chunks.project(direction);
    chunks.curvature();
    DMatrix rows = rowGradient[count];
    // rows = −(η/|B|)[(S − Y) Vᵀ + R Wᵀ], with G = (S − Y)/c from the kernel
    backend.gemm(Transpose.NO, Transpose.YES, -mapStep * count / batchSize, chunks.gradient(),
        direction, 0.0, rows);
    backend.gemm(Transpose.NO, Transpose.YES, -mapStep / batchSize, chunks.curvatureRows(),
        weights, 1.0, rows);
    for (int r = 0; r < count; r++) {
      backend.axpy(1.0, rowGradientRows[r], outRows[chunks.sample(r)]);
    }
  }

  /** The linearization at {@code (w, δ, ξ)}: products on the poisoned rows {@code X_p + δ}. */
  @Override
  public Linearization linearization(Arena arena) {
    return steps.linearization(arena, this, this::vjpLambda);
  }

  /** {@code Ê = −CE(X_ζ W, y_ζ)}, the batch mean. */
  @Override
  public double objective(DVector w, DVector lambda, Batch zeta) {
    return -steps.validationLoss(w, zeta);
  }

  /** {@code out ← ∇₁Ê = −Σ_ζ x_i (s_i − e_{y_i})ᵀ/|ζ|}. */
  @Override
  public void objectiveGradientW(DVector w, DVector lambda, Batch zeta, DVector out) {
    steps.validationGradient(w, zeta, -1.0, out);
  }

  /** {@code out ← 0}: {@code E} does not depend on {@code δ} directly. */
  @Override
  public void objectiveGradientLambda(DVector w, DVector lambda, Batch zeta, DVector out) {
    steps.zeroLambdaGradient(out);
  }

  /**
   * {@code δ_i ← P(δ_i)} onto {@code {‖δ_i‖₂ ≤ r} ∩ [−x_{p,i}, 1 − x_{p,i}]} for every row, the
   * exact projection onto the intersection.
   */
  @Override
  public void projectUpper(DVector lambda) {
    Checks.checkLength("lambda", lambda, upperDimension());
    if (poisonSamples == 0) {
      return;
    }
    DVector[] rows = lambdaView.rows(lambda);
    for (int i = 0; i < poisonSamples; i++) {
      Projections.ballBox(backend, rows[i], radius, lowerBounds[i], upperBounds[i]);
    }
  }

  /**
   * A seeded starting point: {@code δ_ij = scale · N(0, 1)} drawn from {@code seed}, projected
   * onto {@code Λ}; {@code scale = 0} gives {@code δ = 0}, the paper's start.
   */
  public void initialUpper(DVector lambda, long seed, double scale) {
    steps.gaussianUpper(lambda, seed, scale);
    projectUpper(lambda);
  }

  /**
   * Trains the classifier from scratch on {@code [X_tr; X_p + δ]} (the full-batch lower level)
   * to {@code ‖∇_W g‖₂ ≤ tolerance}, by accelerated gradient with restarts, writing it to
   * {@code w}.
   */
  public LowerLevelSolution solveLowerLevel(DVector lambda, DVector w, double tolerance,
      int maxIterations) {
    return steps.solveLowerLevel(lambda, w, tolerance, maxIterations);
  }

  /** The fraction of rows of {@code x} that {@code W} classifies as {@code labels}. */
  public double accuracy(DVector w, DMatrix x, int[] labels) {
    return steps.accuracy(w, x, labels);
  }

  /**
   * A classifier retrained from scratch on a poisoned training set, and its test accuracy.
   *
   * @param testAccuracy fraction of test rows classified correctly
   * @param solution     how the training ended
   */
  public record Retraining(double testAccuracy, LowerLevelSolution solution) {}

  /**
   * The attack's effect: the test accuracy of the classifier trained on the clean set
   * {@code [X_tr; X_p]} ({@code δ = 0}) and on the poisoned set {@code [X_tr; X_p + δ]}.
   */
  public record AttackReport(Retraining clean, Retraining poisoned) {

    /** Clean minus poisoned test accuracy (positive: the attack hurt). */
    public double accuracyDrop() {
      return clean.testAccuracy() - poisoned.testAccuracy();
    }
  }

  /** Retrains on {@code [X_tr; X_p + δ]} to tolerance and measures test accuracy. */
  public Retraining retrain(DVector lambda, DMatrix testX, int[] testY, double tolerance,
      int maxIterations) {
    try (Arena scratch = Arena.ofConfined()) {
      DVector w = backend.vector(scratch, lowerDimension());
      LowerLevelSolution solution = solveLowerLevel(lambda, w, tolerance, maxIterations);
      return new Retraining(accuracy(w, testX, testY), solution);
    }
  }

  /** Retrains with {@code δ = 0} and with {@code δ = lambda}; both test accuracies. */
  public AttackReport evaluateAttack(DVector lambda, DMatrix testX, int[] testY,
      double tolerance, int maxIterations) {
    try (Arena scratch = Arena.ofConfined()) {
      DVector zero = backend.vector(scratch, upperDimension());
      Retraining clean = retrain(zero, testX, testY, tolerance, maxIterations);
      Retraining poisoned = retrain(lambda, testX, testY, tolerance, maxIterations);
      return new AttackReport(clean, poisoned);
    }
  }

  /** Frees the problem's buffers. */
  @Override
  public void close() {
    steps.close();
    arena.close();
  }
}
