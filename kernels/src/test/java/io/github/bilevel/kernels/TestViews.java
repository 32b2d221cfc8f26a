package io.github.bilevel.kernels;

import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * Test helpers: views with offsets, strides and gaps filled with NaN (so a kernel that reads a
 * gap produces NaN and one that writes a gap changes it), and tolerant comparisons of whole
 * segments between two backends.
 */
final class TestViews {

  private TestViews() {}

  /** Sizes that straddle the vector length and the four-register unrolling, plus seeded ones. */
  static final int[] FIXED_SIZES = {0, 1, 3, 7, 8, 9, 63, 64, 65, 1023, 1025};

  /** The fixed sizes and five seeded random sizes in [2, 3000). */
  static IntStream sizes() {
    Random random = new Random(20240611L);
    return IntStream.concat(IntStream.of(FIXED_SIZES),
        IntStream.generate(() -> 2 + random.nextInt(2998)).limit(5));
  }

  /** Where a view's elements lie in its segment. */
  record Layout(long offset, int stride) {
    @Override
    public String toString() {
      return "offset " + offset + ", stride " + stride;
    }
  }

  /** Contiguous at 0, contiguous at an odd offset, strided at an offset. */
  static final Layout[] LAYOUTS = {new Layout(0, 1), new Layout(5, 1), new Layout(2, 3)};

  /** A view of {@code values} in a fresh segment whose other elements are NaN. */
  static DVector vector(Arena arena, double[] values, Layout layout) {
    int n = values.length;
    long size = layout.offset() + (n == 0 ? 0 : (long) (n - 1) * layout.stride() + 1) + 3;
    MemorySegment segment = Buffers.allocate(arena, size);
    for (long i = 0; i < size; i++) {
      segment.setAtIndex(ValueLayout.JAVA_DOUBLE, i, Double.NaN);
    }
    return new DVector(segment, layout.offset(), n, layout.stride()).copyFrom(values);
  }

  /** A {@code rows × cols} view with leading dimension {@code cols + 3} and offset 2; gaps NaN. */
  static DMatrix matrix(Arena arena, int rows, int cols, double[] values) {
    int ld = cols + 3;
    long size = 2 + (long) rows * ld + 1;
    MemorySegment segment = Buffers.allocate(arena, size);
    for (long i = 0; i < size; i++) {
      segment.setAtIndex(ValueLayout.JAVA_DOUBLE, i, Double.NaN);
    }
    return new DMatrix(segment, 2, rows, cols, ld).copyFrom(values);
  }

  static double[] uniform(Random random, int n, double lo, double hi) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = lo + (hi - lo) * random.nextDouble();
    }
    return v;
  }

  static double[] contents(MemorySegment segment) {
    return segment.toArray(ValueLayout.JAVA_DOUBLE);
  }

  /** How far two doubles may differ. */
  @FunctionalInterface
  interface Tolerance {
    double of(double expected);
  }

  /** Relative tolerance with a floor, for values of order 1 that may cancel to 0. */
  static Tolerance relativeOrAbsolute(double tol) {
    return e -> tol * Math.max(1.0, Math.abs(e));
  }

  /** Strictly relative tolerance (with a floor far below any normal result). */
  static Tolerance relative(double tol) {
    return e -> tol * Math.abs(e) + 0x1p-1000;
  }

  /** Whether {@code actual} is within the tolerance of {@code expected} (NaN matches NaN). */
  static boolean close(double expected, double actual, Tolerance tolerance) {
    if (Double.isNaN(expected) || Double.isNaN(actual)) {
      return Double.isNaN(expected) && Double.isNaN(actual);
    }
    if (expected == actual) {
      return true; // infinities, exact zeros
    }
    return Math.abs(expected - actual) <= tolerance.of(expected);
  }

  static void assertClose(double expected, double actual, Tolerance tolerance, String what) {
    if (!close(expected, actual, tolerance)) {
      fail(what + ": expected " + expected + " but got " + actual + " (difference "
          + Math.abs(expected - actual) + ", tolerance " + tolerance.of(expected) + ")");
    }
  }

  /** Compares every element of two segments, gaps included. */
  static void assertSegmentsClose(MemorySegment expected, MemorySegment actual,
      Tolerance tolerance, String what) {
    double[] e = contents(expected);
    double[] a = contents(actual);
    if (e.length != a.length) {
      fail(what + ": segments of different sizes " + e.length + " and " + a.length);
    }
    for (int i = 0; i < e.length; i++) {
      if (!close(e[i], a[i], tolerance)) {
        fail(what + ": element " + i + " of the segment: expected " + e[i] + " but got " + a[i]
            + " (difference " + Math.abs(e[i] - a[i]) + ")");
      }
    }
  }
}
