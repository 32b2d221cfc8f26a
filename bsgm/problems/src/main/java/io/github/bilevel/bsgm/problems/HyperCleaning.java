package io.github.bilevel.bsgm.problems;

import io.github.bilevel.bsgm.Batch;
import io.github.bilevel.bsgm.BilevelProblem;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.Checks;
import io.github.bilevel.kernels.DMatrix;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * Data hyper-cleaning (second seed, Yang, Ji and Liang 2021; docs/mathematics.md §5): a linear softmax
 * classifier trained on a training set with corrupted labels {@code ỹ}, each example weighted
 * by {@code σ(λ_i)}; the upper level learns the weights so that the classifier does well on a
 * clean validation set (corrupted examples should end with {@code σ(λ_i) < ½}).
 *
 * <ul>
 *   <li>lower level: {@code W ∈ R^{p×k}} (flattened row-major, {@code d = p·k}) minimizes
 *       {@code g(W, λ) = (1/n) Σ_i σ(λ_i) CE(Wᵀx_i, ỹ_i) + c‖W‖_F²};
 *       {@code Φ(W, λ) = W − η ∇_W g(W, λ)};
 *   <li>upper level: {@code E(W) = CE(X_val W, y_val)}, {@code λ ∈ Λ = R^n} ({@code m = n}).
 * </ul>
 *
 * <p>Samples {@code ξ} are training rows (a mini-batch mean replaces {@code 1/n Σ}), samples
 * {@code ζ} validation rows. The heavy steps are GEMMs on chunks of rows, as in
 * {@link DataPoisoning}.
 *
 * <p><b>Contraction.</b> With {@code 0 < σ ≤ 1} and the softmax Hessian bounded by ½,
 * {@code g(·, λ)} is {@code μ}-strongly convex and {@code L}-smooth for every {@code λ}, with
 * {@code μ = 2c} and {@code L = ½‖X‖₂²/n + 2c} ({@code ‖X‖₂²} by power iteration, 1% added);
 * the step {@code η = 2/(L + μ)} gives {@code q = (L − μ)/(L + μ)} on all of {@code R^n}.
 *
 * <p>Not thread-safe: the workspaces are shared by the calls.
 */
public final class HyperCleaning implements BilevelProblem, AutoCloseable {

  private final Backend backend;
  private final Arena arena = Arena.ofShared();
  private final int features;
  private final int classes;
  private final double regularization;
  private final double strongConvexity;
  private final double lipschitz;
  private final double mapStep;
  private final double q;
  private final LabelledRows training;
  private final LabelledRows validation;
  private final SoftmaxClassifierSteps steps;
  private final SoftmaxChunks chunks;
  private final double[] rowWeights;

  /**
   * A hyper-cleaning problem.
   *
   * @param backend        the kernels
   * @param trainX         training rows ({@code n × p})
   * @param noisyTrainY    their (corrupted) labels {@code ỹ} in {@code [0, classes)}
   * @param validationX    clean validation rows ({@code n_val × p})
   * @param validationY    their labels
   * @param classes        {@code k ≥ 2}
   * @param regularization {@code c > 0} of {@code c‖W‖_F²}
   * @throws IllegalArgumentException naming the argument, for shapes that do not match, labels
   *     outside {@code [0, classes)}, non-finite values, or {@code c} not finite and positive
   */
  public HyperCleaning(Backend backend, DMatrix trainX, int[] noisyTrainY, DMatrix validationX,
      int[] validationY, int classes, double regularization) {
    this(backend, trainX, noisyTrainY, validationX, validationY, classes, regularization,
        DataPoisoning.DEFAULT_CHUNK_ROWS);
  }

  HyperCleaning(Backend backend, DMatrix trainX, int[] noisyTrainY, DMatrix validationX,
      int[] validationY, int classes, double regularization, int chunkRows) {
    this.backend = Objects.requireNonNull(backend, "backend");
    Inputs.checkClasses(classes);
    Inputs.checkPositive("regularization", regularization);
    this.features = Objects.requireNonNull(trainX, "trainX").cols();
    this.classes = classes;
    this.training = new LabelledRows(backend, arena, "trainX", trainX, noisyTrainY, features, classes,
        chunkRows);
    this.validation = new LabelledRows(backend, arena, "validationX", validationX, validationY, features,
        classes, chunkRows);
    this.regularization = regularization;
    this.strongConvexity = 2 * regularization;
    this.lipschitz = 0.5 * SoftmaxChunks.squaredSpectralNorm(backend, training.data)
        / training.size() + strongConvexity;
    this.mapStep = 2 / (lipschitz + strongConvexity);
    this.q = (lipschitz - strongConvexity) / (lipschitz + strongConvexity);
    this.steps = new SoftmaxClassifierSteps(backend, features, classes, training.size(),
        training.size(), validation, mapStep, strongConvexity, chunkRows,
        (lambda, batch, start) -> loadWeighted(batch, start, lambda));
    this.chunks = steps.chunks;
    this.rowWeights = new double[chunkRows];
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

  /** {@code m = n}: one weight logit per training example. */
  @Override
  public int upperDimension() {
    return training.size();
  }

  /** {@code n}. */
  @Override
  public int lowerSamples() {
    return training.size();
  }

  /** {@code n_val}. */
  @Override
  public int upperSamples() {
    return validation.size();
  }

  /** {@code p}. */
  public int features() {
    return features;
  }

  /** {@code k}. */
  public int classes() {
    return classes;
  }

  /** {@code c} of {@code c‖W‖_F²}. */
  public double regularization() {
    return regularization;
  }

  /** The map's gradient step {@code η = 2/(L + μ)}. */
  public double mapStep() {
    return mapStep;
  }

  /** {@code L}, the smoothness bound of {@code g(·, λ)} valid for every {@code λ}. */
  public double lipschitzBound() {
    return lipschitz;
  }

  /** {@code μ = 2c}. */
  public double strongConvexity() {
    return strongConvexity;
  }

  /** {@code q = (L − μ)/(L + μ)}. */
  @Override
  public OptionalDouble contractionConstant() {
    return OptionalDouble.of(q);
  }

  /** Loads the training chunk at {@code start} with row weights {@code σ(λ_i)}. */
  private int loadWeighted(Batch xi, int start, DVector lambda) {
    int count = chunks.load(training, xi, start);
    for (int r = 0; r < count; r++) {
      rowWeights[r] = Logistic.sigmoid(lambda.get(chunks.sample(r)));
    }
    chunks.weigh(rowWeights);
    return count;
  }

  /** {@code out ← W − η(Σ_B σ(λ_i) x_i (s_i − e_{ỹ_i})ᵀ/|B| + 2cW)}. */
  @Override
  public void map(DVector w, DVector lambda, Batch xi, DVector out) {
    steps.map(w, lambda, xi, out);
  }

  /**
   * {@code out ← ∂₂Φᵀ v}: entry {@code i} gets
   * {@code −(η/|B|) σ'(λ_i) ⟨Vᵀx_i, s_i − e_{ỹ_i}⟩} for each draw of {@code i} in the batch,
   * 0 for examples not in it.
   */
  private void vjpLambda(DVector w, DVector lambda, Batch xi, DVector v, DVector out) {
    steps.checkLowerArguments(w, lambda, xi);
    Checks.checkLength("v", v, lowerDimension());
    Checks.checkLength("out", out, upperDimension());
    DMatrix weights = steps.wView.matrix(w);
    DMatrix direction = steps.vView.matrix(v);
    backend.fill(0.0, out);
    for (int start = 0; start < xi.size(); start += chunks.capacity()) {
      int count = chunks.load(training, xi, start);
      chunks.forward(weights);
      chunks.project(direction);
      DMatrix g = chunks.gradient();        // (S − Y)/count
      DMatrix u = chunks.projected();
      for (int r = 0; r < count; r++) {
        int i = chunks.sample(r);
        double dot = 0;
        for (int j = 0; j < classes; j++) {
          dot += SoftmaxChunks.get(u, r, j) * SoftmaxChunks.get(g, r, j);
        }
        double s = Logistic.sigmoid(lambda.get(i));
        out.set(i, out.get(i) - mapStep * s * (1 - s) * dot * count / xi.size());
      }
    }
  }

  /** The linearization at {@code (w, λ, ξ)}: {@code ∂₁Φᵀ v} weighted by {@code σ(λ_i)}. */
  @Override
  public Linearization linearization(Arena arena) {
    return steps.linearization(arena, this, this::vjpLambda);
  }

  /** {@code Ê = CE(X_ζ W, y_ζ)}, the batch mean. */
  @Override
  public double objective(DVector w, DVector lambda, Batch zeta) {
    return steps.validationLoss(w, zeta);
  }

  /** {@code out ← ∇₁Ê = Σ_ζ x_i (s_i − e_{y_i})ᵀ/|ζ|}. */
  @Override
  public void objectiveGradientW(DVector w, DVector lambda, Batch zeta, DVector out) {
    steps.validationGradient(w, zeta, 1.0, out);
  }

  /** {@code out ← 0}: {@code E} does not depend on {@code λ} directly. */
  @Override
  public void objectiveGradientLambda(DVector w, DVector lambda, Batch zeta, DVector out) {
    steps.zeroLambdaGradient(out);
  }

  /** {@code Λ = R^n}: nothing to do (the length is checked). */
  @Override
  public void projectUpper(DVector lambda) {
    Checks.checkLength("lambda", lambda, upperDimension());
  }

  /**
   * A seeded starting point: {@code λ_i = scale · N(0, 1)} drawn from {@code seed};
   * {@code scale = 0} gives {@code λ = 0} (every weight ½).
   */
  public void initialUpper(DVector lambda, long seed, double scale) {
    steps.gaussianUpper(lambda, seed, scale);
  }

  /**
   * Trains the classifier from scratch with weights {@code σ(λ)} (the full-batch lower level)
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
   * How well the learned weights clean the training set, and the test accuracy of the
   * classifier retrained with them.
   *
   * @param testAccuracy     fraction of test rows classified correctly
   * @param corruptedFlagged fraction of corrupted examples with {@code σ(λ_i) < ½} (NaN if
   *                         none is corrupted)
   * @param cleanKept        fraction of uncorrupted examples with {@code σ(λ_i) ≥ ½} (NaN if
   *                         all are corrupted)
   * @param solution         how the retraining ended
   */
  public record CleaningReport(double testAccuracy, double corruptedFlagged, double cleanKept,
      LowerLevelSolution solution) {}

  /**
   * The fractions of {@link CleaningReport} without retraining: {@code [corruptedFlagged,
   * cleanKept]}.
   *
   * @param corrupted which training labels were corrupted (length {@code n})
   */
  public double[] cleaningFractions(DVector lambda, boolean[] corrupted) {
    Checks.checkLength("lambda", lambda, upperDimension());
    Objects.requireNonNull(corrupted, "corrupted");
    if (corrupted.length != training.size()) {
      throw new IllegalArgumentException("corrupted has " + corrupted.length
          + " entries but the training set has " + training.size() + " examples");
    }
    int bad = 0;
    int flagged = 0;
    int good = 0;
    int kept = 0;
    for (int i = 0; i < corrupted.length; i++) {
      boolean low = Logistic.sigmoid(lambda.get(i)) < 0.5;
      if (corrupted[i]) {
        bad++;
        flagged += low ? 1 : 0;
      } else {
        good++;
        kept += low ? 0 : 1;
      }
    }
    return new double[] {bad == 0 ? Double.NaN : (double) flagged / bad,
        good == 0 ? Double.NaN : (double) kept / good};
  }

  /**
   * Retrains the classifier with weights {@code σ(λ)} to tolerance, measures its test accuracy
   * and how well {@code λ} separates the corrupted examples.
   */
  public CleaningReport report(DVector lambda, boolean[] corrupted, DMatrix testX, int[] testY,
      double tolerance, int maxIterations) {
    double[] fractions = cleaningFractions(lambda, corrupted);
    try (Arena scratch = Arena.ofConfined()) {
      DVector w = backend.vector(scratch, lowerDimension());
      LowerLevelSolution solution = solveLowerLevel(lambda, w, tolerance, maxIterations);
      return new CleaningReport(accuracy(w, testX, testY), fractions[0], fractions[1],
          solution);
    }
  }

  /** Frees the problem's buffers. */
  @Override
  public void close() {
    steps.close();
    arena.close();
  }
}
