package io.github.bilevel.bsgm.problems;

import io.github.bilevel.bsgm.Batch;
import io.github.bilevel.bsgm.data.Dataset;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.DMatrix;
import io.github.bilevel.kernels.DVector;
import io.github.bilevel.kernels.Transpose;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A linear softmax classifier {@code x ↦ softmax(W x + b)} ({@code W ∈ R^{C×p}}) trained by
 * plain mini-batch SGD on the mean cross-entropy (plus an optional {@code (l2/2)‖W‖²}): the
 * baseline the equilibrium model must beat on the same number of example passes.
 *
 * <p>Batches are consecutive chunks of seeded random permutations (epochs), as
 * {@link io.github.bilevel.bsgm.SeparableBsgm.Sampling#EPOCHS}. The parameters start at 0 (the
 * problem is convex). Not thread-safe.
 */
public final class LinearSoftmax implements AutoCloseable {

  /**
   * Training settings.
   *
   * @param learningRate the SGD step, {@code > 0}
   * @param batchSize    examples per step, {@code >= 1}
   * @param examples     the budget: example passes in all (steps × batch size; the last step
   *                     may be cut short to meet it exactly)
   * @param l2           weight of {@code (1/2)‖W‖²}, {@code >= 0}
   * @param seed         seed of the permutations
   */
  public record Options(double learningRate, int batchSize, long examples, double l2, long seed) {
    public Options {
      if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
        throw new IllegalArgumentException("learning rate must be finite and > 0, got "
            + learningRate);
      }
      if (batchSize < 1 || examples < 0 || !(l2 >= 0) || Double.isInfinite(l2)) {
        throw new IllegalArgumentException("batch size >= 1, examples >= 0 and a finite"
            + " l2 >= 0 are needed, got " + batchSize + ", " + examples + ", " + l2);
      }
    }
  }

  /**
   * What a training run did.
   *
   * @param examples  example passes used
   * @param steps     SGD steps taken
   * @param seconds   wall time of the run
   * @param lastLoss  the mean cross-entropy of the last batch, before its step
   */
  public record Result(long examples, long steps, double seconds, double lastLoss) {}

  private final Backend backend;
  private final Arena arena = Arena.ofShared();
  private final int p;
  private final int classes;
  private final DMatrix weights;
  private final DVector bias;

  /** A zero classifier for {@code features} inputs and {@code classes} classes. */
  public LinearSoftmax(Backend backend, int features, int classes) {
    this.backend = Objects.requireNonNull(backend, "backend");
    if (features < 1 || classes < 1) {
      throw new IllegalArgumentException("features and classes must be >= 1, got " + features
          + " and " + classes);
    }
    this.p = features;
    this.classes = classes;
    weights = backend.matrix(arena, classes, features);
    bias = backend.vector(arena, classes);
  }

  /** {@code W}, {@code C × p} (a view of the parameters). */
  public DMatrix weights() {
    return weights;
  }

  /** {@code b}, {@code C} (a view of the parameters). */
  public DVector bias() {
    return bias;
  }

  /** Sets the parameters back to 0. */
  public void reset() {
    backend.fill(0.0, weights.asVector());
    backend.fill(0.0, bias);
  }

  /** {@link #train(DMatrix, int[], Options)} on a data set. */
  public Result train(Dataset data, Options options) {
    checkClasses(data);
    return train(data.features(), data.labels(), options);
  }

  /**
   * Continues SGD from the current parameters on the examples {@code x} ({@code n × p}) with
   * labels {@code y}.
   */
  public Result train(DMatrix x, int[] y, Options options) {
    Objects.requireNonNull(options, "options");
    checkData(x, y);
    long start = System.nanoTime();
    int n = x.rows();
    int size = Math.min(options.batchSize(), n);
    SplittableRandom random = new SplittableRandom(options.seed());
    int[] permutation = new int[n];
    int cursor = n;
    long used = 0;
    long steps = 0;
    double lastLoss = Double.NaN;
    try (Arena local = Arena.ofConfined()) {
      DMatrix batchInputs = backend.matrix(local, size, p);
      DMatrix logits = backend.matrix(local, size, classes);
      MemorySegment batchLabels = backend.labels(local, new int[size]);
      DVector ones = backend.vector(local, size);
      backend.fill(1.0, ones);
      long rowBytes = (long) p * Double.BYTES;
      while (used < options.examples()) {
        int rows = (int) Math.min(size, options.examples() - used);
        for (int r = 0; r < rows; r++) {
          if (cursor == n) {
            Batch.shuffle(permutation, random);
            cursor = 0;
          }
          int i = permutation[cursor++];
          MemorySegment.copy(x.segment(), x.byteOffset(i, 0), batchInputs.segment(),
              batchInputs.byteOffset(r, 0), rowBytes);
          batchLabels.setAtIndex(ValueLayout.JAVA_INT, r, y[i]);
        }
        DMatrix xb = rows == size ? batchInputs : batchInputs.rowSlice(0, rows);
        DMatrix lb = rows == size ? logits : logits.rowSlice(0, rows);
        DVector ob = rows == size ? ones : ones.slice(0, rows);
        computeLogits(xb, lb, ob);
        lastLoss = backend.softmaxCrossEntropy(lb, batchLabels, lb); // lb ← P = ∇ mean CE
        if (options.l2() > 0) {
          backend.scal(1.0 - options.learningRate() * options.l2(), weights.asVector());
        }
        backend.gemm(Transpose.YES, Transpose.NO, -options.learningRate(), lb, xb, 1.0,
            weights);
        backend.gemvT(-options.learningRate(), lb, ob, 1.0, bias);
        used += rows;
        steps++;
      }
    }
    double norm = backend.nrm2(weights.asVector());
    if (!Double.isFinite(norm)) {
      throw new ArithmeticException("linear softmax SGD diverged (‖W‖ = " + norm
          + "): lower the learning rate " + options.learningRate());
    }
    return new Result(used, steps, (System.nanoTime() - start) / 1e9, lastLoss);
  }

  /** The arg-max class of every row of {@code x}. */
  public int[] predict(DMatrix x) {
    int[] out = new int[x.rows()];
    run(x, null, out);
    return out;
  }

  /** Mean cross-entropy and accuracy on {@code x} with labels {@code y}. */
  public Evaluation evaluate(DMatrix x, int[] y) {
    checkData(x, y);
    return run(x, y, new int[x.rows()]);
  }

  /** {@link #evaluate(DMatrix, int[])} on a data set. */
  public Evaluation evaluate(Dataset data) {
    checkClasses(data);
    return evaluate(data.features(), data.labels());
  }

  private Evaluation run(DMatrix x, int[] y, int[] predicted) {
    Objects.requireNonNull(x, "x");
    if (x.cols() != p) {
      throw new IllegalArgumentException("x has " + x.cols() + " columns but the classifier"
          + " takes " + p + " features");
    }
    int chunk = Math.max(1, Math.min(x.rows(), 2048));
    try (Arena local = Arena.ofConfined()) {
      DMatrix logits = backend.matrix(local, chunk, classes);
      DVector ones = backend.vector(local, chunk);
      EvaluationTally tally = new EvaluationTally(backend, local, chunk, y, predicted);
      backend.fill(1.0, ones);
      for (int from = 0; from < x.rows(); from += chunk) {
        int rows = Math.min(chunk, x.rows() - from);
        DMatrix lr = logits.rowSlice(0, rows);
        computeLogits(x.rowSlice(from, rows), lr, ones.slice(0, rows));
        tally.add(lr, from);
      }
      return tally.result(x.rows());
    }
  }

  private void computeLogits(DMatrix x, DMatrix out, DVector ones) {
    backend.gemm(Transpose.NO, Transpose.YES, 1.0, x, weights, 0.0, out);
    backend.ger(1.0, ones, bias, out);
  }

  private void checkClasses(Dataset data) {
    Objects.requireNonNull(data, "data");
    if (data.classes() != classes) {
      throw new IllegalArgumentException("the data set has " + data.classes()
          + " classes but the classifier " + classes);
    }
  }

  private void checkData(DMatrix x, int[] y) {
    Objects.requireNonNull(x, "x");
    Objects.requireNonNull(y, "labels");
    if (x.cols() != p || x.rows() != y.length || x.rows() < 1) {
      throw new IllegalArgumentException("expected n >= 1 rows of " + p + " features with one"
          + " label each, got " + x.rows() + "x" + x.cols() + " and " + y.length + " labels");
    }
    Dataset.checkLabels(y, classes);
  }


  /** Frees the parameters. */
  @Override
  public void close() {
    arena.close();
  }
}
