package io.github.bilevel.bsgm.problems;

import static io.github.bilevel.bsgm.problems.SoftmaxChunks.get;

import io.github.bilevel.bsgm.Batch;
import io.github.bilevel.bsgm.SeparableProblem;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.Buffers;
import io.github.bilevel.kernels.Checks;
import io.github.bilevel.kernels.DMatrix;
import io.github.bilevel.kernels.DVector;
import io.github.bilevel.kernels.Projections;
import io.github.bilevel.kernels.Transpose;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import static io.github.bilevel.bsgm.problems.MetaLearningPart.read;
import static io.github.bilevel.bsgm.problems.MetaLearningPart.write;

/**
 * Meta-learning a shared linear representation for few-shot classification, a separable
 * bilevel problem: one lower-level problem per task of a {@link FewShotTasks} pool.
 *
 * <ul>
 *   <li>upper-level variable: the representation {@code R ∈ R^{p×r}} (flattened row-major,
 *       {@code m = p·r}); an example {@code x} has features {@code f = Rᵀx};
 *   <li>lower level of task {@code i}: a softmax head {@code H_i ∈ R^{r×N}} (the state,
 *       flattened row-major, {@code d = r·N}) minimizing
 *       {@code g_i(H, R) = (1/NK) Σ_{support} CE(Hᵀf_j, y_j) + (ρ/2)‖H‖_F²};
 *       {@code Φ_i(H, R) = H − η ∇_H g_i(H, R)};
 *   <li>upper level of task {@code i}: {@code E_i(H, R) = (1/NQ) Σ_{query} CE(Hᵀf_j, y_j)};
 *   <li>{@code Λ = {‖R‖_F ≤ s}}.
 * </ul>
 *
 * <p>Batches of tasks are processed in chunks: the support (and query) rows of all the chunk's
 * tasks are gathered into one matrix, so the features {@code F = X R} and the representation
 * gradients {@code Xᵀ D} are single GEMMs; the per-task head products ({@code r × N}, small)
 * are plain loops.
 *
 * <p><b>Contraction.</b> The softmax Hessian has norm at most ½, so
 * {@code ∇²_H g_i ≼ (½‖F_S‖₂²/NK + ρ) I} with
 * {@code ‖F_S‖₂ ≤ ‖X_S‖_F ‖R‖_F ≤ ‖X_S‖_F s}; hence {@code g_i} is {@code ρ}-strongly convex and
 * {@code L}-smooth on all of {@code Λ} with
 * {@code L = ½ s² max_i mean_{j ∈ S_i} ‖x_j‖² + ρ}, and the step {@code η = 2/(L + ρ)} makes
 * every {@code Φ_i} a contraction with {@code q = (L − ρ)/(L + ρ)}. Features of large norm or a
 * large radius {@code s} push {@code q} towards 1 (scale the features, or raise {@code ρ}).
 *
 * <p>A warm-start store keeps one head per task: {@code T · r · N} doubles.
 *
 * <p>Not thread-safe: the workspaces are shared by the calls.
 */
public final class MetaLearning implements SeparableProblem, AutoCloseable {

  /** Rows (support plus query) that the default chunk of tasks holds. */
  static final int DEFAULT_CHUNK_ROWS = 2048;

  private final Backend backend;
  private final Arena arena = Arena.ofShared();
  private final DVector[] exampleRows;
  private final FewShotTasks tasks;
  private final int features;
  private final int rank;
  private final int ways;
  private final int supportSize;
  private final int querySize;
  private final double headRegularization;
  private final double radius;
  private final double lipschitz;
  private final double mapStep;
  private final double q;
  private final int chunkTasks;
  private final MetaLearningPart support;
  private final MetaLearningPart query;
  private final MatrixView lambdaView;
  private final MatrixView lambdaOutView;
  // one task's blocks on the heap, where the small per-task products run
  private final double[] taskFeatures;
  private final double[] taskRows;
  private final double[] taskProbabilities;
  private final double[] taskRowGradient;
  private final double[] head;
  private final double[] direction;
  private final double[] result;
  private final double[] projection;
  private final double[] curvature;

  /**
   * A meta-learning problem.
   *
   * @param backend                  the kernels
   * @param features                 the examples' features {@code X} ({@code n × p}), one row
   *                                 per example the tasks index
   * @param tasks                    the task pool (drawn from the labels of the same examples)
   * @param representationDimension  {@code r ≥ 1}
   * @param headRegularization       {@code ρ > 0}
   * @param representationRadius     {@code s > 0}: {@code Λ = {‖R‖_F ≤ s}}
   * @throws IllegalArgumentException naming the argument, for a task pool drawn from a data set
   *     of another size, non-finite features, or constants out of range
   */
  public MetaLearning(Backend backend, DMatrix features, FewShotTasks tasks,
      int representationDimension, double headRegularization, double representationRadius) {
    this(backend, features, tasks, representationDimension, headRegularization,
        representationRadius, Math.max(1, DEFAULT_CHUNK_ROWS
            / (Objects.requireNonNull(tasks, "tasks").supportSize() + tasks.querySize())));
  }

  MetaLearning(Backend backend, DMatrix features, FewShotTasks tasks, int representationDimension,
      double headRegularization, double representationRadius, int chunkTasks) {
    this.backend = Objects.requireNonNull(backend, "backend");
    this.tasks = Objects.requireNonNull(tasks, "tasks");
    Objects.requireNonNull(features, "features");
    if (features.rows() != tasks.examples()) {
      throw new IllegalArgumentException("the tasks index a data set of " + tasks.examples()
          + " examples but features has " + features.rows() + " rows");
    }
    if (representationDimension < 1) {
      throw new IllegalArgumentException("representationDimension must be >= 1, got "
          + representationDimension);
    }
    Inputs.checkPositive("headRegularization", headRegularization);
    Inputs.checkPositive("representationRadius", representationRadius);
    DMatrix x = Inputs.copyFinite(backend, arena, "features", features, -1, -1);
    this.exampleRows = x.rowViews();
    this.features = x.cols();
    this.rank = representationDimension;
    this.ways = tasks.ways();
    this.supportSize = tasks.supportSize();
    this.querySize = tasks.querySize();
    this.headRegularization = headRegularization;
    this.radius = representationRadius;
    this.chunkTasks = chunkTasks;

    double[] squaredNorms = new double[x.rows()];
    for (int i = 0; i < x.rows(); i++) {
      double norm = backend.nrm2(exampleRows[i]);
      squaredNorms[i] = norm * norm;
    }
    double worst = 0;
    for (int t = 0; t < tasks.tasks(); t++) {
      double sum = 0;
      for (int j = 0; j < supportSize; j++) {
        sum += squaredNorms[tasks.supportIndex(t, j)];
      }
      worst = Math.max(worst, sum / supportSize);
    }
    this.lipschitz = 0.5 * radius * radius * worst + headRegularization;
    this.mapStep = 2 / (lipschitz + headRegularization);
    this.q = (lipschitz - headRegularization) / (lipschitz + headRegularization);

    this.support = new MetaLearningPart(backend, arena, chunkTasks, supportSize, this.features, rank, ways);
    this.query = new MetaLearningPart(backend, arena, chunkTasks, querySize, this.features, rank, ways);
    this.lambdaView = new MatrixView("lambda", this.features, rank);
    this.lambdaOutView = new MatrixView("out", this.features, rank);
    int rows = Math.max(supportSize, querySize);
    taskFeatures = new double[rows * rank];
    taskRows = new double[rows * ways];
    taskProbabilities = new double[rows * ways];
    taskRowGradient = new double[rows * rank];
    head = new double[rank * ways];
    direction = new double[rank * ways];
    result = new double[rank * ways];
    projection = new double[ways];
    curvature = new double[ways];
  }

  @Override
  public Backend backend() {
    return backend;
  }

  /** {@code T}. */
  @Override
  public int tasks() {
    return tasks.tasks();
  }

  /** {@code d = r·N}: one head {@code H_i ∈ R^{r×N}} per task, row-major. */
  @Override
  public int stateDimension() {
    return rank * ways;
  }

  /** {@code m = p·r}: the representation {@code R}, row-major {@code p × r}. */
  @Override
  public int upperDimension() {
    return features * rank;
  }

  /** {@code p}. */
  public int features() {
    return features;
  }

  /** {@code r}. */
  public int representationDimension() {
    return rank;
  }

  /** {@code N}. */
  public int ways() {
    return ways;
  }

  /** {@code ρ}. */
  public double headRegularization() {
    return headRegularization;
  }

  /** {@code s}: {@code Λ = {‖R‖_F ≤ s}}. */
  public double representationRadius() {
    return radius;
  }

  /** The task pool. */
  public FewShotTasks taskPool() {
    return tasks;
  }

  /** The map's gradient step {@code η = 2/(L + ρ)}. */
  public double mapStep() {
    return mapStep;
  }

  /** {@code L}, the smoothness bound of every {@code g_i(·, R)} on {@code Λ}. */
  public double lipschitzBound() {
    return lipschitz;
  }

  /** {@code q = (L − ρ)/(L + ρ)}. */
  @Override
  public OptionalDouble contractionConstant() {
    return OptionalDouble.of(q);
  }

  // ---------------------------------------------------------------- chunks

  private void checkStates(String name, DMatrix m, Batch batch) {
    Objects.requireNonNull(m, name);
    if (m.cols() != stateDimension() || m.rows() < batch.size()) {
      throw new IllegalArgumentException(name + " must have " + stateDimension()
          + " columns and at least |B| = " + batch.size() + " rows, got " + m.rows() + "x"
          + m.cols());
    }
  }

  private void checkCall(DMatrix states, DVector lambda, Batch batch) {
    Objects.requireNonNull(batch, "tasks");
    checkStates("states", states, batch);
    Checks.checkLength("lambda", lambda, upperDimension());
  }

  private int gather(MetaLearningPart part, boolean isSupport, Batch batch, int start) {
    return part.gather(backend, tasks, exampleRows, isSupport, batch, start, part.tasks);
  }

  /**
   * Gathers, computes features {@code F = X R} (GEMM) and logits {@code F_b H_b} of each task.
   * With {@code reuse} (a linearization that fixed a batch fitting one chunk) the gathered rows
   * and features are already in {@code part}.
   */
  private int forward(MetaLearningPart part, boolean isSupport, DMatrix states, DMatrix r,
      Batch batch, int start, boolean reuse) {
    int count = Math.min(part.tasks, batch.size() - start);
    if (!reuse) {
      count = gather(part, isSupport, batch, start);
      backend.gemm(Transpose.NO, Transpose.NO, 1.0, part.x[count], r, 0.0,
          part.features[count]);
    }
    int rows = part.rowsPerTask;
    for (int b = 0; b < count; b++) {
      read(part.features[count], b * rows, rows, taskFeatures);
      read(states, start + b, 1, head);
      for (int j = 0; j < rows; j++) {
        for (int c = 0; c < ways; c++) {
          double sum = 0;
          for (int a = 0; a < rank; a++) {
            sum += taskFeatures[j * rank + a] * head[a * ways + c];
          }
          taskRows[j * ways + c] = sum;
        }
      }
      write(taskRows, part.logits[count], b * rows, rows);
    }
    return count;
  }

  /** {@code result ← F_bᵀ M} for one task's features and rows {@code M} ({@code rows × N}). */
  private void featuresTransposeTimes(int rows, double[] m) {
    java.util.Arrays.fill(result, 0.0);
    for (int j = 0; j < rows; j++) {
      for (int a = 0; a < rank; a++) {
        double f = taskFeatures[j * rank + a];
        for (int c = 0; c < ways; c++) {
          result[a * ways + c] += f * m[j * ways + c];
        }
      }
    }
  }

  /**
   * For support row {@code j} of the task in the heap blocks: {@code u = V_bᵀ f_j} and
   * {@code curvature = (diag s_j − s_j s_jᵀ) u}.
   */
  private void rowCurvature(int j) {
    double dot = 0;
    for (int c = 0; c < ways; c++) {
      double sum = 0;
      for (int a = 0; a < rank; a++) {
        sum += taskFeatures[j * rank + a] * direction[a * ways + c];
      }
      projection[c] = sum;
      dot += taskProbabilities[j * ways + c] * sum;
    }
    for (int c = 0; c < ways; c++) {
      curvature[c] = taskProbabilities[j * ways + c] * (projection[c] - dot);
    }
  }

  // ---------------------------------------------------------------- SeparableProblem

  /** See {@link MetaLearningLinearization}. */
  @Override
  public SeparableLinearization linearization(Arena arena, int maxTasks) {
    return new MetaLearningLinearization(this, arena, maxTasks);
  }

  /** A support-side workspace for a linearization of up to {@code maxTasks} tasks. */
  MetaLearningPart supportPart(Arena arena, int maxTasks) {
    return new MetaLearningPart(backend, arena, MetaLearningPart.linearizationCapacity(maxTasks,
        chunkTasks, supportSize), supportSize, features, rank, ways);
  }

  /**
   * Whether {@code batch} fits one chunk, and if so gathers its support rows into {@code part}
   * and evaluates {@code F = X R} there, for reuse by the calls on {@code part}.
   */
  boolean prepareSupport(MetaLearningPart part, DVector lambda, Batch batch) {
    Objects.requireNonNull(batch, "tasks");
    Checks.checkLength("lambda", lambda, upperDimension());
    if (batch.size() > part.tasks) {
      return false;
    }
    int count = gather(part, true, batch, 0);
    backend.gemm(Transpose.NO, Transpose.NO, 1.0, part.x[count], lambdaView.matrix(lambda), 0.0,
        part.features[count]);
    return true;
  }

  /** Row {@code r} of {@code out} ← {@code H − η(F_Sᵀ(S − Y)/NK + ρH)} of task {@code B[r]}. */
  @Override
  public void map(DMatrix states, DVector lambda, Batch batch, DMatrix out) {
    checkCall(states, lambda, batch);
    checkStates("out", out, batch);
    map(support, false, states, lambda, batch, out);
  }

  /** {@link #map} on the workspace {@code part}, its features reused if {@code reuse}. */
  void map(MetaLearningPart part, boolean reuse, DMatrix states, DVector lambda, Batch batch,
      DMatrix out) {
    DMatrix r = lambdaView.matrix(lambda);
    double shrink = 1 - mapStep * headRegularization;
    for (int start = 0; start < batch.size(); start += part.tasks) {
      int count = forward(part, true, states, r, batch, start, reuse);
      DMatrix g = part.gradient[count];                 // (S − Y)/(count·NK)
      backend.softmaxCrossEntropy(part.logits[count], part.labels, g);
      double scale = mapStep * count;
      for (int b = 0; b < count; b++) {
        read(part.features[count], b * supportSize, supportSize, taskFeatures);
        read(g, b * supportSize, supportSize, taskRows);
        read(states, start + b, 1, head);
        writeStep(shrink, head, scale, out, start + b);
      }
    }
  }

  /** Row {@code row} of {@code out} ← {@code shrink · x − scale · F_Sᵀ taskRows}, one task's step. */
  private void writeStep(double shrink, double[] x, double scale, DMatrix out, int row) {
    featuresTransposeTimes(supportSize, taskRows);
    for (int e = 0; e < x.length; e++) {
      result[e] = shrink * x[e] - scale * result[e];
    }
    write(result, out, row, 1);
  }

  /**
   * Row {@code r} of {@code out} ← {@code (1 − ηρ) V − (η/NK) Σ_j f_j [(diag s_j − s_j s_jᵀ)
   * Vᵀf_j]ᵀ} of task {@code B[r]} ({@code ∂₁Φ} is symmetric).
   */
  void vjpState(MetaLearningPart part, boolean reuse, DMatrix states, DVector lambda,
      Batch batch, DMatrix v, DMatrix out) {
    checkStates("v", v, batch);
    checkStates("out", out, batch);
    DMatrix r = lambdaView.matrix(lambda);
    double shrink = 1 - mapStep * headRegularization;
    double scale = mapStep / supportSize;
    for (int start = 0; start < batch.size(); start += part.tasks) {
      int count = forward(part, true, states, r, batch, start, reuse);
      DMatrix s = part.probabilities[count];
      backend.softmax(part.logits[count], s);
      for (int b = 0; b < count; b++) {
        read(part.features[count], b * supportSize, supportSize, taskFeatures);
        read(s, b * supportSize, supportSize, taskProbabilities);
        read(v, start + b, 1, direction);
        for (int j = 0; j < supportSize; j++) {
          rowCurvature(j);
          System.arraycopy(curvature, 0, taskRows, j * ways, ways);
        }
        writeStep(shrink, direction, scale, out, start + b);
      }
    }
  }

  /**
   * {@code out ← mean_r ∂₂Φ_{B[r]}ᵀ v_r = mean_r X_Sᵀ D_r}, where row {@code j} of {@code D_r}
   * is {@code −η[V(s_j − e_j)/NK + H (diag s_j − s_j s_jᵀ) Vᵀf_j / NK]}.
   */
  void vjpLambda(MetaLearningPart part, boolean reuse, DMatrix states, DVector lambda,
      Batch batch, DMatrix v, DVector out) {
    checkStates("v", v, batch);
    Checks.checkLength("out", out, upperDimension());
    Inputs.checkDisjoint("out", out, "lambda", lambda);
    DMatrix r = lambdaView.matrix(lambda);
    DMatrix total = lambdaOutView.matrix(out);
    backend.fill(0.0, out);
    for (int start = 0; start < batch.size(); start += part.tasks) {
      int count = forward(part, true, states, r, batch, start, reuse);
      DMatrix g = part.gradient[count];                 // (S − Y)/(count·NK)
      backend.softmaxCrossEntropy(part.logits[count], part.labels, g);
      DMatrix s = part.probabilities[count];
      backend.softmax(part.logits[count], s);
      for (int b = 0; b < count; b++) {
        read(part.features[count], b * supportSize, supportSize, taskFeatures);
        read(g, b * supportSize, supportSize, taskRows);
        read(s, b * supportSize, supportSize, taskProbabilities);
        read(v, start + b, 1, direction);
        read(states, start + b, 1, head);
        for (int j = 0; j < supportSize; j++) {
          rowCurvature(j);
          for (int a = 0; a < rank; a++) {
            double sum = 0;
            for (int c = 0; c < ways; c++) {
              // g·count = (s − e)/NK; the curvature term is divided by NK here
              sum += direction[a * ways + c] * count * taskRows[j * ways + c]
                  + head[a * ways + c] * curvature[c] / supportSize;
            }
            taskRowGradient[j * rank + a] = -mapStep * sum;
          }
        }
        write(taskRowGradient, part.rowGradient[count], b * supportSize, supportSize);
      }
      backend.gemm(Transpose.YES, Transpose.NO, 1.0 / batch.size(), part.x[count],
          part.rowGradient[count], 1.0, total);
    }
  }

  /** {@code mean_r E_{B[r]}}: the query cross-entropy of each task's head, averaged. */
  @Override
  public double objective(DMatrix states, DVector lambda, Batch batch) {
    checkCall(states, lambda, batch);
    DMatrix r = lambdaView.matrix(lambda);
    double sum = 0;
    for (int start = 0; start < batch.size(); start += query.tasks) {
      int count = forward(query, false, states, r, batch, start, false);
      sum += count * backend.softmaxCrossEntropy(query.logits[count], query.labels, null);
    }
    return sum / batch.size();
  }

  /** Row {@code r} of {@code out} ← {@code ∇_H E = F_Qᵀ(S − Y)/NQ} of task {@code B[r]}. */
  @Override
  public void objectiveGradientState(DMatrix states, DVector lambda, Batch batch, DMatrix out) {
    checkCall(states, lambda, batch);
    checkStates("out", out, batch);
    DMatrix r = lambdaView.matrix(lambda);
    for (int start = 0; start < batch.size(); start += query.tasks) {
      int count = forward(query, false, states, r, batch, start, false);
      DMatrix g = query.gradient[count];                   // (S − Y)/(count·NQ)
      backend.softmaxCrossEntropy(query.logits[count], query.labels, g);
      for (int b = 0; b < count; b++) {
        read(query.features[count], b * querySize, querySize, taskFeatures);
        read(g, b * querySize, querySize, taskRows);
        featuresTransposeTimes(querySize, taskRows);
        for (int e = 0; e < result.length; e++) {
          result[e] *= count;
        }
        write(result, out, start + b, 1);
      }
    }
  }

  /**
   * {@code out ← mean_r ∇_R E_{B[r]} = mean_r X_Qᵀ (S − Y) Hᵀ / NQ}.
   */
  @Override
  public void objectiveGradientLambda(DMatrix states, DVector lambda, Batch batch,
      DVector out) {
    checkCall(states, lambda, batch);
    Checks.checkLength("out", out, upperDimension());
    Inputs.checkDisjoint("out", out, "lambda", lambda);
    DMatrix r = lambdaView.matrix(lambda);
    DMatrix total = lambdaOutView.matrix(out);
    backend.fill(0.0, out);
    for (int start = 0; start < batch.size(); start += query.tasks) {
      int count = forward(query, false, states, r, batch, start, false);
      DMatrix g = query.gradient[count];
      backend.softmaxCrossEntropy(query.logits[count], query.labels, g);
      for (int b = 0; b < count; b++) {
        read(g, b * querySize, querySize, taskRows);
        read(states, start + b, 1, head);
        for (int j = 0; j < querySize; j++) {
          for (int a = 0; a < rank; a++) {
            double sum = 0;
            for (int c = 0; c < ways; c++) {
              sum += head[a * ways + c] * taskRows[j * ways + c];
            }
            taskRowGradient[j * rank + a] = count * sum;
          }
        }
        write(taskRowGradient, query.rowGradient[count], b * querySize, querySize);
      }
      backend.gemm(Transpose.YES, Transpose.NO, 1.0 / batch.size(), query.x[count],
          query.rowGradient[count], 1.0, total);
    }
  }

  /** {@code R ← P(R)} onto the Frobenius ball {@code ‖R‖_F ≤ s}. */
  @Override
  public void projectUpper(DVector lambda) {
    Projections.frobeniusBall(backend, lambdaView.matrix(lambda), radius);
  }

  // ---------------------------------------------------------------- extras

  /**
   * A seeded starting point: Gaussian entries drawn from {@code seed}, scaled so that
   * {@code ‖R‖_F = s/2} (inside {@code Λ}); {@code R = 0} would be a stationary point.
   */
  public void initialUpper(DVector lambda, long seed) {
    Checks.checkLength("lambda", lambda, upperDimension());
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < lambda.length(); i++) {
      lambda.set(i, random.nextGaussian());
    }
    backend.scal(radius / 2 / backend.nrm2(lambda), lambda);
  }

  /**
   * The fraction of query rows of the batch's tasks whose largest logit {@code Hᵀf} is at
   * their label, with row {@code r} of {@code states} the head of task {@code B[r]}.
   */
  public double queryAccuracy(DMatrix states, DVector lambda, Batch batch) {
    checkCall(states, lambda, batch);
    DMatrix r = lambdaView.matrix(lambda);
    long correct = 0;
    for (int start = 0; start < batch.size(); start += query.tasks) {
      int count = forward(query, false, states, r, batch, start, false);
      DMatrix logits = query.logits[count];
      for (int row = 0; row < count * querySize; row++) {
        int best = 0;
        for (int c = 1; c < ways; c++) {
          if (get(logits, row, c) > get(logits, row, best)) {
            best = c;
          }
        }
        if (best == query.labels.getAtIndex(ValueLayout.JAVA_INT, row)) {
          correct++;
        }
      }
    }
    return (double) correct / ((long) batch.size() * querySize);
  }

  /**
   * The quality of a representation on the whole pool: mean query cross-entropy and accuracy
   * over all tasks, and the largest fixed-point residual {@code ‖Φ(H) − H‖_F} of the last
   * head-solver step over the chunks of tasks.
   */
  public record Evaluation(double queryLoss, double queryAccuracy, double lowerResidual) {}

  /**
   * Solves every task's head by {@code lowerSteps} fixed-point steps ({@code H ← Φ_i(H, R)},
   * from {@code H = 0}) and evaluates the query sets: meta-test performance when the pool holds
   * held-out tasks.
   */
  public Evaluation evaluate(DVector lambda, int lowerSteps) {
    Checks.checkLength("lambda", lambda, upperDimension());
    return MetaLearningEvaluation.evaluate(this, lambda, lowerSteps, chunkTasks);
  }

  /** Frees the problem's buffers. */
  @Override
  public void close() {
    arena.close();
  }
}
