package io.github.bilevel.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

/**
 * A row-major view of a {@code rows × cols} matrix of doubles in a {@link MemorySegment}:
 * element {@code (i, j)} lives at element index {@code offset + i * ld + j} (BLAS's
 * {@code CblasRowMajor} with leading dimension {@code lda}).
 *
 * <p>The constructor checks that every element lies inside the segment.
 *
 * @param segment the memory
 * @param offset  index, in elements, of element (0, 0)
 * @param rows    number of rows, {@code >= 0}
 * @param cols    number of columns, {@code >= 0}
 * @param ld      leading dimension: elements between the starts of two rows, {@code >= max(1, cols)}
 */
public record DMatrix(MemorySegment segment, long offset, int rows, int cols, int ld) {

  public DMatrix {
    Objects.requireNonNull(segment, "segment");
    if (rows < 0) {
      throw new IllegalArgumentException("rows must be >= 0, got " + rows);
    }
    if (cols < 0) {
      throw new IllegalArgumentException("cols must be >= 0, got " + cols);
    }
    if (ld < Math.max(1, cols)) {
      throw new IllegalArgumentException("ld must be >= max(1, cols) = " + Math.max(1, cols)
          + ", got " + ld);
    }
    if (offset < 0) {
      throw new IllegalArgumentException("offset must be >= 0, got " + offset);
    }
    long elements = segment.byteSize() / DVector.BYTES;
    if (rows > 0 && cols > 0 && offset + (long) (rows - 1) * ld + cols > elements) {
      throw new IndexOutOfBoundsException("matrix " + rows + "x" + cols + " with ld " + ld
          + " and offset " + offset + " does not fit in a segment of " + elements + " doubles");
    }
  }

  /** A dense view ({@code ld == cols}) at the start of {@code segment}. */
  public static DMatrix of(MemorySegment segment, int rows, int cols) {
    return new DMatrix(segment, 0, rows, cols, Math.max(1, cols));
  }

  /** Number of elements, {@code rows * cols}. */
  public long size() {
    return (long) rows * cols;
  }

  /** Whether rows follow each other without gaps ({@code ld == cols} or a single row). */
  public boolean isDense() {
    return ld == cols || rows <= 1;
  }

  /** Byte offset of element (i, j) in the segment (no bounds check). */
  public long byteOffset(int i, int j) {
    return (offset + (long) i * ld + j) * DVector.BYTES;
  }

  /** Reads element (i, j) (host memory only). */
  public double get(int i, int j) {
    Objects.checkIndex(i, rows);
    Objects.checkIndex(j, cols);
    return segment.get(ValueLayout.JAVA_DOUBLE_UNALIGNED, byteOffset(i, j));
  }

  /** Writes element (i, j) (host memory only). */
  public void set(int i, int j, double value) {
    Objects.checkIndex(i, rows);
    Objects.checkIndex(j, cols);
    segment.set(ValueLayout.JAVA_DOUBLE_UNALIGNED, byteOffset(i, j), value);
  }

  /** Row {@code i} as a contiguous vector view. */
  public DVector row(int i) {
    Objects.checkIndex(i, rows);
    return new DVector(segment, offset + (long) i * ld, cols, 1);
  }

  /**
   * A view of every row, made once: code that visits rows by index in a hot loop (mini-batch
   * steps) keeps this array and allocates no view per visit.
   */
  public DVector[] rowViews() {
    DVector[] views = new DVector[rows];
    for (int i = 0; i < rows; i++) {
      views[i] = row(i);
    }
    return views;
  }

  /** Column {@code j} as a strided vector view (stride {@code ld}). */
  public DVector column(int j) {
    Objects.checkIndex(j, cols);
    return new DVector(segment, offset + j, rows, ld);
  }

  /** The rows {@code from .. from + count - 1} as a matrix view. */
  public DMatrix rowSlice(int from, int count) {
    Objects.checkFromIndexSize(from, count, rows);
    return new DMatrix(segment, offset + (long) from * ld, count, cols, ld);
  }

  /**
   * The whole matrix as one contiguous vector of {@code rows * cols} elements; only for
   * {@linkplain #isDense() dense} matrices.
   *
   * @throws IllegalStateException if the rows have gaps ({@code ld > cols})
   */
  public DVector asVector() {
    if (!isDense()) {
      throw new IllegalStateException(
          "matrix " + rows + "x" + cols + " with ld " + ld + " is not dense: no vector view");
    }
    return new DVector(segment, offset, Math.toIntExact(size()), 1);
  }

  /** Copies the matrix into a new row-major heap array of {@code rows * cols} (host only). */
  public double[] toArray() {
    double[] out = new double[Math.toIntExact(size())];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        out[i * cols + j] = segment.get(ValueLayout.JAVA_DOUBLE_UNALIGNED, byteOffset(i, j));
      }
    }
    return out;
  }

  /** Copies a row-major array of {@code rows * cols} values into this view (host only). */
  public DMatrix copyFrom(double[] values) {
    if (values.length != size()) {
      throw new IllegalArgumentException("values has length " + values.length
          + " but the matrix has " + rows + "x" + cols + " = " + size() + " elements");
    }
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        segment.set(ValueLayout.JAVA_DOUBLE_UNALIGNED, byteOffset(i, j), values[i * cols + j]);
      }
    }
    return this;
  }

  /**
   * Copies {@code source}, a matrix of the same shape (any leading dimension, any memory), into
   * this view row by row (host only); returns this view.
   */
  public DMatrix copyFrom(DMatrix source) {
    if (source.rows != rows || source.cols != cols) {
      throw new IllegalArgumentException("source is " + source.rows + "x" + source.cols
          + " but the matrix is " + rows + "x" + cols);
    }
    long rowBytes = (long) cols * Double.BYTES;
    for (int i = 0; i < rows && rowBytes > 0; i++) {
      MemorySegment.copy(source.segment, source.byteOffset(i, 0), segment, byteOffset(i, 0),
          rowBytes);
    }
    return this;
  }
}
