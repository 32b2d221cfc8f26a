package io.github.bilevel.kernels;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

/**
 * Allocation of host buffers: 64-byte-aligned (one cache line, one AVX-512 register),
 * zero-filled, owned by the caller's {@link Arena}.
 */
public final class Buffers {

  /** Alignment, in bytes, of every buffer allocated here. */
  public static final long ALIGNMENT = 64;

  private Buffers() {}

  /** A zero-filled, 64-byte-aligned segment of {@code count} doubles. */
  public static MemorySegment allocate(Arena arena, long count) {
    Objects.requireNonNull(arena, "arena");
    if (count < 0) {
      throw new IllegalArgumentException("count must be >= 0, got " + count);
    }
    return arena.allocate(Math.max(1, count) * DVector.BYTES, ALIGNMENT);
  }

  /** A zero vector of length {@code n}. */
  public static DVector vector(Arena arena, int n) {
    if (n < 0) {
      throw new IllegalArgumentException("n must be >= 0, got " + n);
    }
    return new DVector(allocate(arena, n), 0, n, 1);
  }

  /** A vector holding a copy of {@code values}. */
  public static DVector vector(Arena arena, double... values) {
    return vector(arena, values.length).copyFrom(values);
  }

  /** A dense ({@code ld == cols}) zero matrix. */
  public static DMatrix matrix(Arena arena, int rows, int cols) {
    if (rows < 0 || cols < 0) {
      throw new IllegalArgumentException("rows and cols must be >= 0, got " + rows + "x" + cols);
    }
    return new DMatrix(allocate(arena, (long) rows * cols), 0, rows, cols, Math.max(1, cols));
  }

  /** A dense matrix holding a copy of the row-major {@code values} ({@code rows * cols}). */
  public static DMatrix matrix(Arena arena, int rows, int cols, double... values) {
    return matrix(arena, rows, cols).copyFrom(values);
  }

  /** A segment of {@code labels.length} 32-bit integers holding a copy of {@code labels}. */
  public static MemorySegment labels(Arena arena, int... labels) {
    MemorySegment segment = arena.allocate(Math.max(1, labels.length) * (long) Integer.BYTES,
        ALIGNMENT);
    MemorySegment.copy(labels, 0, segment, ValueLayout.JAVA_INT, 0, labels.length);
    return segment;
  }
}
