package io.github.bilevel.nativebindings.openblas;

import static org.junit.jupiter.api.Assertions.fail;

import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.Buffers;
import io.github.bilevel.kernels.DMatrix;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;

/**
 * Test data: random segments, views into them with offsets, strides and padded leading
 * dimensions, copies, and the comparison of whole segments within error bounds.
 *
 * <p>The bound of each element is {@code 2 (depth + 2) u · magnitude}, where the magnitude is
 * the same operation run by the reference backend on the absolute values of every input and
 * coefficient (the usual a-priori bound of a sum of {@code depth} products, for both
 * implementations), and {@code u = 2⁻⁵³}. Elements outside the views must match exactly.
 */
final class Fixtures {

  static final double U = 0x1p-53;

  /** Sizes every kernel is tested on (and seeded random ones besides). */
  static final int[] SIZES = {0, 1, 3, 7, 8, 9, 63, 64, 65, 1023, 1025};

  private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE;

  private Fixtures() {}

  /** Where a vector lives in its segment. */
  record Layout(long offset, int stride) {
    @Override
    public String toString() {
      return "offset " + offset + " stride " + stride;
    }
  }

  /** Contiguous at 0, contiguous at an offset, strided at an offset. */
  static final Layout[] LAYOUTS = {new Layout(0, 1), new Layout(3, 1), new Layout(5, 3)};

  /** Doubles a view of {@code n} elements with {@code layout} needs, plus a little slack. */
  static long extent(int n, Layout layout) {
    return layout.offset() + (n == 0 ? 0 : (long) (n - 1) * layout.stride() + 1) + 2;
  }

  /** A segment of {@code count} doubles, uniform in [-1, 1). */
  static MemorySegment random(Arena arena, long count, Random random) {
    MemorySegment s = Buffers.allocate(arena, count);
    for (long i = 0; i < count; i++) {
      s.setAtIndex(D, i, 2 * random.nextDouble() - 1);
    }
    return s;
  }

  /** A copy of {@code src} in new memory. */
  static MemorySegment copy(Arena arena, MemorySegment src) {
    MemorySegment s = arena.allocate(src.byteSize(), Buffers.ALIGNMENT);
    s.copyFrom(src);
    return s;
  }

  /** A copy of {@code src} with {@code f} applied to each element. */
  static MemorySegment map(Arena arena, MemorySegment src, DoubleUnaryOperator f) {
    MemorySegment s = copy(arena, src);
    for (long i = 0; i < s.byteSize() / Double.BYTES; i++) {
      s.setAtIndex(D, i, f.applyAsDouble(s.getAtIndex(D, i)));
    }
    return s;
  }

  /** A copy of {@code src} with absolute values. */
  static MemorySegment abs(Arena arena, MemorySegment src) {
    return map(arena, src, Math::abs);
  }

  static DVector vector(MemorySegment s, int n, Layout layout) {
    return new DVector(s, layout.offset(), n, layout.stride());
  }

  /** A view of the same shape on another segment. */
  static DVector on(MemorySegment s, DVector v) {
    return new DVector(s, v.offset(), v.length(), v.stride());
  }

  /** A view of the same shape on another segment. */
  static DMatrix on(MemorySegment s, DMatrix a) {
    return new DMatrix(s, a.offset(), a.rows(), a.cols(), a.ld());
  }

  /** Doubles a {@code rows × cols} matrix at {@code offset} with leading dimension {@code ld}. */
  static long extent(int rows, int cols, long offset, int ld) {
    return offset + (long) Math.max(rows, 1) * ld + 2;
  }

  static double[] toArray(MemorySegment s) {
    return s.toArray(D);
  }

  /**
   * Asserts {@code actual} matches {@code expected} element by element within
   * {@code 2 (depth + 2) u · magnitude}; NaN must meet NaN, an infinity the same infinity.
   */
  static void assertClose(String what, MemorySegment expected, MemorySegment actual,
      MemorySegment magnitude, int depth) {
    double[] e = toArray(expected);
    double[] a = toArray(actual);
    double[] m = toArray(magnitude);
    for (int i = 0; i < e.length; i++) {
      assertClose(what + " [element " + i + " of the segment]", e[i], a[i], m[i], depth);
    }
  }

  /** Scalar version of {@link #assertClose(String, MemorySegment, MemorySegment, MemorySegment, int)}. */
  static void assertClose(String what, double expected, double actual, double magnitude,
      int depth) {
    if (Double.isNaN(expected) || Double.isNaN(actual)) {
      if (Double.isNaN(expected) != Double.isNaN(actual)) {
        fail(what + ": expected " + expected + " but got " + actual);
      }
      return;
    }
    if (Double.isInfinite(expected) || Double.isInfinite(actual)) {
      if (expected != actual) {
        fail(what + ": expected " + expected + " but got " + actual);
      }
      return;
    }
    double bound = 2.0 * (depth + 2) * U * Math.abs(magnitude);
    if (!(Math.abs(expected - actual) <= bound)) {
      fail(what + ": expected " + expected + " but got " + actual + " (difference "
          + Math.abs(expected - actual) + " > bound " + bound + ")");
    }
  }

  /** One operation on views the case builds on the given segments. */
  @FunctionalInterface
  interface Case {
    /**
     * Runs the operation with {@code backend} on views of {@code segments}; with
     * {@code magnitude}, every coefficient is replaced by its absolute value (the inputs already
     * are). Returns the scalar result, or 0 for operations without one.
     */
    double run(Backend backend, MemorySegment[] segments, boolean magnitude);
  }

  /**
   * Runs {@code c} with the reference and with {@code tested} on copies of the same random
   * segments of the given extents, and compares the results and every segment, whole.
   */
  static void compare(String what, Backend reference, Backend tested, long[] extents, long seed,
      int depth, Case c) {
    try (Arena arena = Arena.ofConfined()) {
      Random random = new Random(seed);
      int k = extents.length;
      MemorySegment[] ref = new MemorySegment[k];
      MemorySegment[] got = new MemorySegment[k];
      MemorySegment[] mag = new MemorySegment[k];
      for (int i = 0; i < k; i++) {
        MemorySegment input = random(arena, extents[i], random);
        ref[i] = copy(arena, input);
        got[i] = copy(arena, input);
        mag[i] = abs(arena, input);
      }
      double expected = c.run(reference, ref, false);
      double actual = c.run(tested, got, false);
      double magnitude = c.run(reference, mag, true);
      assertClose(what + ": result", expected, actual, magnitude, depth);
      for (int i = 0; i < k; i++) {
        assertClose(what + ": operand " + i, ref[i], got[i], mag[i], depth);
      }
    }
  }
}
