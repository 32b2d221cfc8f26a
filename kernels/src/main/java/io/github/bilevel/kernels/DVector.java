package io.github.bilevel.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

/**
 * A view of {@code length} doubles in a {@link MemorySegment}: element {@code i} lives at
 * element index {@code offset + i * stride} of the segment (BLAS's {@code x, incx}).
 *
 * <p>A view owns nothing; the {@link java.lang.foreign.Arena} of its segment does. Views are
 * cheap immutable records: algorithms build them once per workspace and reuse them, so the hot
 * loops allocate nothing. The constructor checks that every element lies inside the segment, so
 * a kernel never reads or writes out of bounds.
 *
 * @param segment the memory (host memory for the CPU backends)
 * @param offset  index, in elements, of element 0
 * @param length  number of elements, {@code >= 0}
 * @param stride  distance, in elements, between consecutive elements, {@code >= 1}
 */
public record DVector(MemorySegment segment, long offset, int length, int stride) {

  /** Bytes per element. */
  public static final long BYTES = Double.BYTES;

  public DVector {
    Objects.requireNonNull(segment, "segment");
    if (length < 0) {
      throw new IllegalArgumentException("length must be >= 0, got " + length);
    }
    if (stride < 1) {
      throw new IllegalArgumentException("stride must be >= 1, got " + stride);
    }
    if (offset < 0) {
      throw new IllegalArgumentException("offset must be >= 0, got " + offset);
    }
    long elements = segment.byteSize() / BYTES;
    if (length > 0 && offset + (long) (length - 1) * stride >= elements) {
      throw new IndexOutOfBoundsException(
          "vector of length " + length + ", offset " + offset + ", stride " + stride
              + " does not fit in a segment of " + elements + " doubles");
    }
  }

  /** A contiguous view of the whole segment. */
  public static DVector of(MemorySegment segment) {
    return new DVector(segment, 0, Math.toIntExact(segment.byteSize() / BYTES), 1);
  }

  /** A contiguous view of {@code length} doubles starting at element {@code offset}. */
  public static DVector of(MemorySegment segment, long offset, int length) {
    return new DVector(segment, offset, length, 1);
  }

  /** Whether consecutive elements are adjacent in memory ({@code stride == 1}). */
  public boolean isContiguous() {
    return stride == 1;
  }

  /** Byte offset of element {@code i} in the segment (no bounds check). */
  public long byteOffset(int i) {
    return (offset + (long) i * stride) * BYTES;
  }

  /** Reads element {@code i} (host memory only). */
  public double get(int i) {
    Objects.checkIndex(i, length);
    return segment.get(ValueLayout.JAVA_DOUBLE_UNALIGNED, byteOffset(i));
  }

  /** Writes element {@code i} (host memory only). */
  public void set(int i, double value) {
    Objects.checkIndex(i, length);
    segment.set(ValueLayout.JAVA_DOUBLE_UNALIGNED, byteOffset(i), value);
  }

  /** The sub-view of elements {@code from .. from + count - 1}. */
  public DVector slice(int from, int count) {
    Objects.checkFromIndexSize(from, count, length);
    return new DVector(segment, offset + (long) from * stride, count, stride);
  }

  /** Copies the elements into a new heap array (host memory only). */
  public double[] toArray() {
    double[] out = new double[length];
    for (int i = 0; i < length; i++) {
      out[i] = segment.get(ValueLayout.JAVA_DOUBLE_UNALIGNED, byteOffset(i));
    }
    return out;
  }

  /** Copies {@code values} into this view (host memory only); lengths must match. */
  public DVector copyFrom(double[] values) {
    if (values.length != length) {
      throw new IllegalArgumentException(
          "values has length " + values.length + " but the vector has length " + length);
    }
    for (int i = 0; i < length; i++) {
      segment.set(ValueLayout.JAVA_DOUBLE_UNALIGNED, byteOffset(i), values[i]);
    }
    return this;
  }
}
