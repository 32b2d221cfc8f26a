package io.github.bilevel.bsgm.data;

import io.github.bilevel.kernels.Buffers;
import io.github.bilevel.kernels.DMatrix;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Objects;

/**
 * A labelled classification data set: {@code n} examples of {@code p} features, as an off-heap
 * row-major {@code n × p} matrix (owned by the caller's {@link Arena}), and {@code n} integer
 * labels in {@code [0, classes)}.
 *
 * <p>The features are a view: they live as long as the arena that holds them. The labels are a
 * private heap copy, never shared.
 */
public final class Dataset {

  private final DMatrix features;
  private final int[] labels;
  private final int classes;

  /**
   * A data set over {@code features} (not copied) with a copy of {@code labels}.
   *
   * @throws IllegalArgumentException if the sizes disagree, {@code classes < 1}, or a label lies
   *     outside {@code [0, classes)} (naming the row)
   */
  public Dataset(DMatrix features, int[] labels, int classes) {
    Objects.requireNonNull(features, "features");
    Objects.requireNonNull(labels, "labels");
    if (classes < 1) {
      throw new IllegalArgumentException("a data set needs >= 1 class, got " + classes);
    }
    if (features.rows() != labels.length) {
      throw new IllegalArgumentException("the feature matrix has " + features.rows()
          + " rows but there are " + labels.length + " labels");
    }
    checkLabels(labels, classes);
    this.features = features;
    this.labels = labels.clone();
    this.classes = classes;
  }

  /** {@code n}, the number of examples. */
  public int size() {
    return labels.length;
  }

  /** {@code p}, the number of features per example. */
  public int featureCount() {
    return features.cols();
  }

  /** The number of classes; labels lie in {@code [0, classes)}. */
  public int classes() {
    return classes;
  }

  /** The {@code n × p} feature matrix (a view, not a copy). */
  public DMatrix features() {
    return features;
  }

  /** A copy of the labels. */
  public int[] labels() {
    return labels.clone();
  }

  /** The label of example {@code i}. */
  public int label(int i) {
    Objects.checkIndex(i, labels.length);
    return labels[i];
  }

  /** How many examples each class has ({@code classes} counts). */
  public int[] classCounts() {
    int[] counts = new int[classes];
    for (int y : labels) {
      counts[y]++;
    }
    return counts;
  }

  /** The labels as a segment of 32-bit integers in {@code arena} (for the kernels). */
  public MemorySegment labelSegment(Arena arena) {
    return Buffers.labels(arena, labels);
  }

  /**
   * The examples {@code indices} (in that order, repeats allowed), copied into a new dense
   * matrix in {@code arena}.
   */
  public Dataset select(int[] indices, Arena arena) {
    Objects.requireNonNull(indices, "indices");
    int p = featureCount();
    DMatrix out = Buffers.matrix(arena, indices.length, p);
    int[] selected = new int[indices.length];
    for (int r = 0; r < indices.length; r++) {
      int i = indices[r];
      if (i < 0 || i >= size()) {
        throw new IllegalArgumentException("index " + i + " at position " + r
            + " is outside [0, " + size() + ")");
      }
      MemorySegment.copy(features.segment(), features.byteOffset(i, 0), out.segment(),
          out.byteOffset(r, 0), (long) p * Double.BYTES);
      selected[r] = labels[i];
    }
    return new Dataset(out, selected, classes);
  }

  @Override
  public String toString() {
    return "Dataset[n = " + size() + ", p = " + featureCount() + ", classes = " + classes
        + ", counts = " + Arrays.toString(classCounts()) + "]";
  }

  /**
   * Throws unless every label is a class index in {@code [0, classes)}, naming the first that
   * is not and its example.
   */
  public static void checkLabels(int[] labels, int classes) {
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0 || labels[i] >= classes) {
        throw new IllegalArgumentException("label " + labels[i] + " of example " + i
            + " is not a class index in [0, " + classes + ")");
      }
    }
  }
}
