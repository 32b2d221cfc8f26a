package io.github.bilevel.bsgm.problems;

import io.github.bilevel.bsgm.Batch;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.DMatrix;
import io.github.bilevel.kernels.DVector;
import io.github.bilevel.kernels.Transpose;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.BiConsumer;

/**
 * The batched kernels of a linear softmax classifier {@code W ∈ R^{p×k}} (logits
 * {@code z_r = Wᵀx_r}) on chunks of at most {@code capacity} rows, with the workspaces for one
 * chunk allocated once. A pass over a mini-batch loads one chunk at a time (a view of the
 * stored rows for a full batch, a gathered copy otherwise) and runs the kernels on it:
 *
 * <ul>
 *   <li>{@link #forward}: {@code Z = X W} (GEMM), {@code G = (softmax(Z) − Y)/c} and the mean
 *       cross-entropy of the chunk's {@code c} rows;
 *   <li>{@link #addDataGradient}: {@code out += α Σ_r ω_r x_r (s_r − e_{y_r})} (GEMM);
 *   <li>{@link #project} and {@link #curvature}: {@code U = X V} (GEMM) and
 *       {@code R_r = ω_r (diag(s_r) − s_r s_rᵀ) u_r}, the softmax Hessian applied row by row;
 *   <li>{@link #addCurvature}: {@code out += α Xᵀ R} (GEMM).
 * </ul>
 *
 * Row weights {@code ω_r} are 1 unless {@link #weigh} set them.
 */
final class SoftmaxChunks implements AutoCloseable {

  private final Backend backend;
  private final int classes;
  private final int capacity;
  private final Arena arena = Arena.ofShared();
  private final DVector[] gatheredRows;
  private final MemorySegment gatheredLabels;
  private final DMatrix[] gathered;
  private final DMatrix[] logits;
  private final DMatrix[] gradient;
  private final DMatrix[] probabilities;
  private final DMatrix[] projected;
  private final DMatrix[] curvature;
  private final int[] sample;
  private final double[] weight;

  private DMatrix x;
  private MemorySegment labels;
  private int rows;
  private boolean weighted;

  SoftmaxChunks(Backend backend, int features, int classes, int capacity) {
    this.backend = backend;
    this.classes = classes;
    this.capacity = capacity;
    DMatrix rowsWork = backend.matrix(arena, capacity, features);
    gatheredRows = rowsWork.rowViews();
    gatheredLabels = Inputs.ints(backend, arena, capacity);
    gathered = byCount(rowsWork);
    logits = byCount(backend.matrix(arena, capacity, classes));
    gradient = byCount(backend.matrix(arena, capacity, classes));
    probabilities = byCount(backend.matrix(arena, capacity, classes));
    projected = byCount(backend.matrix(arena, capacity, classes));
    curvature = byCount(backend.matrix(arena, capacity, classes));
    sample = new int[capacity];
    weight = new double[capacity];
  }

  /** Views of the first {@code c} rows, {@code c = 0 .. capacity}, made once. */
  private DMatrix[] byCount(DMatrix work) {
    DMatrix[] views = new DMatrix[capacity + 1];
    for (int c = 0; c <= capacity; c++) {
      views[c] = work.rowSlice(0, c);
    }
    return views;
  }

  int capacity() {
    return capacity;
  }

  /** Rows of the loaded chunk. */
  int rows() {
    return rows;
  }

  /** The sample index of row {@code r} of the loaded chunk. */
  int sample(int r) {
    return sample[r];
  }

  /** Whether {@code batch} is the full batch of {@code set} (so the stored rows can be used). */
  static boolean isFull(Batch batch, int population) {
    return batch.isAll() && batch.size() == population;
  }

  /**
   * Loads the chunk of {@code batch} positions {@code start .. start + c − 1},
   * {@code c = min(capacity, |B| − start)}: a view of the stored rows for a full batch,
   * gathered rows otherwise.
   *
   * @return {@code c}
   */
  int load(LabelledRows set, Batch batch, int start) {
    int count = Math.min(capacity, batch.size() - start);
    if (isFull(batch, set.size())) {
      x = set.chunks[start / capacity];
      labels = set.labelChunks[start / capacity];
      for (int r = 0; r < count; r++) {
        sample[r] = start + r;
      }
    } else {
      for (int r = 0; r < count; r++) {
        int i = batch.index(start + r);
        if (i >= set.size()) {
          throw new IllegalArgumentException("sample index " + i + " is outside [0, "
              + set.size() + ")");
        }
        backend.copy(set.rows[i], gatheredRows[r]);
        Inputs.setInt(gatheredLabels, r, set.labels[i]);
        sample[r] = i;
      }
      x = gathered[count];
      labels = gatheredLabels;
    }
    rows = count;
    weighted = false;
    return count;
  }

  /** Row {@code r} of the gather workspace, for callers that fill it themselves. */
  DVector gatheredRow(int r) {
    return gatheredRows[r];
  }

  /** Sets the label and sample index of row {@code r} of the gather workspace. */
  void setGathered(int r, int label, int sampleIndex) {
    Inputs.setInt(gatheredLabels, r, label);
    sample[r] = sampleIndex;
  }

  /** Loads the first {@code count} rows of the gather workspace as the chunk. */
  void loadGathered(int count) {
    x = gathered[count];
    labels = gatheredLabels;
    rows = count;
    weighted = false;
  }

  /** Sets row weights {@code ω_r} of the loaded chunk ({@code weights[r]}, {@code r < c}). */
  void weigh(double[] weights) {
    System.arraycopy(weights, 0, weight, 0, rows);
    weighted = true;
  }

  /**
   * {@code Z ← X W}, {@code G ← (softmax(Z) − Y)/c}.
   *
   * @return the mean cross-entropy of the chunk's rows (unweighted)
   */
  double forward(DMatrix w) {
    backend.gemm(Transpose.NO, Transpose.NO, 1.0, x, w, 0.0, logits[rows]);
    return backend.softmaxCrossEntropy(logits[rows], labels, gradient[rows]);
  }

  /** The loaded chunk's {@code G = (softmax(Z) − Y)/c} after {@link #forward}. */
  DMatrix gradient() {
    return gradient[rows];
  }

  /** {@code out += α Σ_r ω_r x_r (s_r − e_{y_r})ᵀ} (after {@link #forward}; scales G by ω). */
  void addDataGradient(double alpha, DMatrix out) {
    DMatrix g = gradient[rows];
    if (weighted) {
      scaleRows(g, weight);
    }
    backend.gemm(Transpose.YES, Transpose.NO, alpha * rows, x, g, 1.0, out);
  }

  /** {@code U ← X V}. */
  void project(DMatrix v) {
    backend.gemm(Transpose.NO, Transpose.NO, 1.0, x, v, 0.0, projected[rows]);
  }

  /** The loaded chunk's {@code U = X V} after {@link #project}. */
  DMatrix projected() {
    return projected[rows];
  }

  /** {@code R_r ← ω_r (s_r ⊙ u_r − s_r ⟨s_r, u_r⟩)}, after {@link #forward}, {@link #project}. */
  void curvature() {
    DMatrix s = probabilities[rows];
    backend.softmax(logits[rows], s);
    softmaxHessianRows(s, projected[rows], curvature[rows], weighted ? weight : null);
  }

  /** The loaded chunk's {@code R} after {@link #curvature}. */
  DMatrix curvatureRows() {
    return curvature[rows];
  }

  /** {@code out += α Xᵀ R}. */
  void addCurvature(double alpha, DMatrix out) {
    backend.gemm(Transpose.YES, Transpose.NO, alpha, x, curvature[rows], 1.0, out);
  }

  /** Row {@code r} of {@code out} ← {@code ω_r (s_r ⊙ u_r − s_r ⟨s_r, u_r⟩)} (ω = 1 if null). */
  static void softmaxHessianRows(DMatrix s, DMatrix u, DMatrix out, double[] weights) {
    int k = s.cols();
    for (int r = 0; r < s.rows(); r++) {
      double dot = 0;
      for (int j = 0; j < k; j++) {
        dot += get(s, r, j) * get(u, r, j);
      }
      double omega = weights == null ? 1.0 : weights[r];
      for (int j = 0; j < k; j++) {
        set(out, r, j, omega * get(s, r, j) * (get(u, r, j) - dot));
      }
    }
  }

  /** Row {@code r} of {@code m} ← {@code weights[r]} times it. */
  static void scaleRows(DMatrix m, double[] weights) {
    for (int r = 0; r < m.rows(); r++) {
      double omega = weights[r];
      for (int j = 0; j < m.cols(); j++) {
        set(m, r, j, omega * get(m, r, j));
      }
    }
  }

  static double get(DMatrix m, int i, int j) {
    return m.segment().get(ValueLayout.JAVA_DOUBLE_UNALIGNED, m.byteOffset(i, j));
  }

  static void set(DMatrix m, int i, int j, double value) {
    m.segment().set(ValueLayout.JAVA_DOUBLE_UNALIGNED, m.byteOffset(i, j), value);
  }

  /**
   * The fraction of rows of {@code x} whose largest logit {@code (x W)_r} is at its label.
   *
   * @throws IllegalArgumentException if the shapes or labels do not fit
   */
  double accuracy(DMatrix w, DMatrix data, int[] dataLabels) {
    if (data.cols() != w.rows()) {
      throw new IllegalArgumentException("the data have " + data.cols() + " features but the"
          + " classifier " + w.rows());
    }
    Inputs.checkLabels("labels", dataLabels, data.rows(), classes);
    if (data.rows() == 0) {
      throw new IllegalArgumentException("accuracy of an empty data set");
    }
    int correct = 0;
    for (int start = 0; start < data.rows(); start += capacity) {
      int count = Math.min(capacity, data.rows() - start);
      DMatrix z = logits[count];
      backend.gemm(Transpose.NO, Transpose.NO, 1.0, data.rowSlice(start, count), w, 0.0, z);
      for (int r = 0; r < count; r++) {
        int best = 0;
        for (int j = 1; j < classes; j++) {
          if (get(z, r, j) > get(z, r, best)) {
            best = j;
          }
        }
        if (best == dataLabels[start + r]) {
          correct++;
        }
      }
    }
    return (double) correct / data.rows();
  }

  /**
   * Minimizes a smooth strongly convex lower-level objective {@code g} given its gradient step
   * {@code Φ(w) = w − η∇g(w)}: accelerated gradient (FISTA momentum) with the gradient restart
   * of O'Donoghue and Candès, from {@code w = 0}, until {@code ‖∇g‖₂ ≤ tolerance}.
   *
   * @param map writes {@code Φ(first)} into {@code second}
   */
  static LowerLevelSolution solve(Backend backend, BiConsumer<DVector, DVector> map,
      double step, DVector w, double tolerance, int maxIterations) {
    if (!(tolerance > 0) || maxIterations < 1) {
      throw new IllegalArgumentException("need tolerance > 0 and maxIterations >= 1, got "
          + tolerance + " and " + maxIterations);
    }
    int d = w.length();
    try (Arena scratch = Arena.ofConfined()) {
      DVector y = backend.vector(scratch, d);
      DVector previous = backend.vector(scratch, d);
      DVector phi = backend.vector(scratch, d);
      DVector difference = backend.vector(scratch, d);
      backend.fill(0.0, w);
      double t = 1;
      double gradientNorm = Double.NaN;
      for (int i = 0; i < maxIterations; i++) {
        map.accept(y, phi);
        backend.copy(phi, difference);
        backend.axpy(-1.0, y, difference);                // Φ(y) − y = −η∇g(y)
        gradientNorm = backend.nrm2(difference) / step;
        if (!Double.isFinite(gradientNorm)) {
          throw new ArithmeticException("the lower-level solve diverged at iteration " + i);
        }
        if (gradientNorm <= tolerance) {
          backend.copy(y, w);
          return new LowerLevelSolution(i, gradientNorm, true);
        }
        backend.copy(w, previous);
        backend.copy(phi, w);                             // w ← Φ(y)
        backend.copy(w, y);
        backend.axpy(-1.0, previous, y);                  // y ← w − w_prev
        boolean restart = backend.dot(difference, y) < 0; // ∇g(y)ᵀ(w − w_prev) > 0
        double tNext = (1 + Math.sqrt(1 + 4 * t * t)) / 2;
        double momentum = restart ? 0 : (t - 1) / tNext;
        t = restart ? 1 : tNext;
        backend.axpby(1.0, w, momentum, y);               // y ← w + β(w − w_prev)
      }
      return new LowerLevelSolution(maxIterations, gradientNorm, false);
    }
  }

  /**
   * {@code ‖X‖₂²}, the largest eigenvalue of {@code XᵀX}, by 200 power iterations from a
   * fixed-seed random vector, with 1% added (the estimate approaches the value from below).
   */
  static double squaredSpectralNorm(Backend backend, DMatrix x) {
    try (Arena scratch = Arena.ofConfined()) {
      DVector v = backend.vector(scratch, x.cols());
      DVector xv = backend.vector(scratch, x.rows());
      java.util.SplittableRandom random = new java.util.SplittableRandom(0x5EC7);
      for (int j = 0; j < x.cols(); j++) {
        v.set(j, 1 + random.nextGaussian());
      }
      double estimate = 0;
      for (int i = 0; i < 200; i++) {
        double norm = backend.nrm2(v);
        if (norm == 0) {
          return 0;
        }
        backend.scal(1.0 / norm, v);
        backend.gemv(1.0, x, v, 0.0, xv);
        backend.gemvT(1.0, x, xv, 0.0, v);
        estimate = backend.nrm2(v);
      }
      return estimate * 1.01;
    }
  }

  @Override
  public void close() {
    arena.close();
  }
}
