package io.github.bilevel.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The multithreaded gemv of {@link SimdBackend}: bit-identical to one thread for every thread
 * count, on contiguous and strided/offset views, equal to {@link ScalarBackend} within the
 * tolerance of {@link SimdBackendTest}, and sensitive to a cut that is not on a four-row block.
 */
class SimdGemvThreadsTest {

  private static final Backend REFERENCE = new ScalarBackend();

  /** A {@code rows × cols} matrix at offset 2 with leading dimension {@code cols + 3}. */
  private static DMatrix matrix(Arena arena, int rows, int cols, Random random) {
    DMatrix a = new DMatrix(Buffers.allocate(arena, 2 + (long) rows * (cols + 3) + 1), 2, rows,
        cols, cols + 3);
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        a.set(i, j, 2.0 * random.nextDouble() - 1.0);
      }
    }
    return a;
  }

  /** A view of {@code values} at {@code offset} with {@code stride}; the gaps hold NaN. */
  private static DVector vector(Arena arena, double[] values, int offset, int stride) {
    long size = offset + (long) (values.length - 1) * stride + 1 + 3;
    MemorySegment s = Buffers.allocate(arena, size);
    for (long i = 0; i < size; i++) {
      s.setAtIndex(ValueLayout.JAVA_DOUBLE, i, Double.NaN);
    }
    return new DVector(s, offset, values.length, stride).copyFrom(values);
  }

  private static double[] uniform(Random random, int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = 2.0 * random.nextDouble() - 1.0;
    }
    return v;
  }

  /**
   * y of {@code αAx + βy} for threads 1 .. 4 (threshold 0: cut into as many parts as there are
   * four-row blocks, up to the thread count), with x and y contiguous, at an offset, or strided;
   * each bitwise equal to one thread, and the one-thread result equal to the scalar backend
   * within {@code 1e-15 (n + 2)} relative (or absolute, below 1), the gemv tolerance of
   * {@link SimdBackendTest}. The whole segment of y is compared, so a write into a gap shows.
   */
  @ParameterizedTest(name = "{0}x{1}")
  @CsvSource({"1000, 20", "127, 127", "1500, 700", "5, 3", "9, 1", "1, 9", "13, 257", "66, 65"})
  void everyThreadCountGivesTheSameBits(int m, int n) {
    int[][] layouts = {{0, 1}, {5, 1}, {2, 3}};
    for (double beta : new double[] {0.0, -0.7}) {
      for (int[] lx : layouts) {
        for (int[] ly : layouts) {
          Random random = new Random(31L * m + n);
          try (Arena arena = Arena.ofShared()) {
            DMatrix a = matrix(arena, m, n, random);
            double[] xv = uniform(random, n);
            double[] y0 = uniform(random, m);
            DVector x = vector(arena, xv, lx[0], lx[1]);
            String where = m + "x" + n + ", beta " + beta + ", x " + Arrays.toString(lx)
                + ", y " + Arrays.toString(ly);
            DVector expected = vector(arena, y0, ly[0], ly[1]);
            REFERENCE.gemv(1.25, a, x, beta, expected);
            double[] one = null;
            for (int threads = 1; threads <= 4; threads++) {
              Backend simd = new SimdBackend(new KernelThreads(threads, 0));
              DVector y = vector(arena, y0, ly[0], ly[1]);
              simd.gemv(1.25, a, x, beta, y);
              double[] got = y.segment().toArray(ValueLayout.JAVA_DOUBLE);
              if (one == null) {
                one = got;
              } else if (!Arrays.equals(one, got)) {
                fail(threads + " threads differ from 1 thread: " + where);
              }
            }
            double[] want = expected.segment().toArray(ValueLayout.JAVA_DOUBLE);
            double tol = 1e-15 * (n + 2);
            for (int e = 0; e < want.length; e++) {
              boolean bothNaN = Double.isNaN(want[e]) && Double.isNaN(one[e]);
              if (!bothNaN && !(Math.abs(one[e] - want[e]) <= tol * Math.max(1.0,
                  Math.abs(want[e])))) {
                fail("y[" + e + "] = " + one[e] + ", expected " + want[e] + ": " + where);
              }
            }
          }
        }
      }
    }
  }

  /**
   * The check above can fail: rows cut one row past a four-row block boundary are summed in
   * another order (a block row by the four-row kernel, a leftover row by {@code dot}), and the
   * bits change, while the same rows cut on a block boundary keep them.
   */
  @Test
  void aCutOffTheFourRowBlocksChangesTheBits() {
    int m = 1500;
    int n = 700;
    try (Arena arena = Arena.ofShared()) {
      Random random = new Random(11);
      DMatrix a = matrix(arena, m, n, random);
      DVector x = vector(arena, uniform(random, n), 0, 1);
      DVector whole = Buffers.vector(arena, m);
      SimdBlas2.gemvRows(1.25, a, x, 0.0, whole, 0, m);
      int cut = 4 * 187;
      DVector aligned = Buffers.vector(arena, m);
      SimdBlas2.gemvRows(1.25, a, x, 0.0, aligned, 0, cut);
      SimdBlas2.gemvRows(1.25, a, x, 0.0, aligned, cut, m);
      assertTrue(Arrays.equals(whole.toArray(), aligned.toArray()));
      DVector shifted = Buffers.vector(arena, m);
      SimdBlas2.gemvRows(1.25, a, x, 0.0, shifted, 0, cut + 1);
      SimdBlas2.gemvRows(1.25, a, x, 0.0, shifted, cut + 1, m);
      assertFalse(Arrays.equals(whole.toArray(), shifted.toArray()),
          "a cut off the four-row blocks must change some row's bits");
    }
  }

  /**
   * Through the public constructor: 1500 × 700 is above four times the gemv threshold, so it is
   * split four ways, bit-identical to one thread; 127 × 127 is below it and runs inline.
   */
  @Test
  void largeGemvOnFourThreadsEqualsOneThreadBitwise() {
    KernelThreads four = new KernelThreads(4, SimdBackend.PARALLEL_MIN_FLOPS_PER_THREAD,
        SimdBackend.PARALLEL_MIN_GEMV_ELEMENTS_PER_THREAD);
    try (Arena arena = Arena.ofShared()) {
      Random random = new Random(5);
      DMatrix a = matrix(arena, 1500, 700, random);
      DVector x = vector(arena, uniform(random, 700), 0, 1);
      assertEquals(4, four.parts(1500.0 * 700, four.minElementsPerPart(), 375, a.segment(),
          x.segment()), "the gemv must be large enough to be split");
      assertEquals(1, four.parts(127.0 * 127, four.minElementsPerPart(), 32, a.segment()));
      DVector y1 = Buffers.vector(arena, 1500);
      DVector y4 = Buffers.vector(arena, 1500);
      new SimdBackend(1).gemv(-1.0, a, x, 0.0, y1);
      new SimdBackend(4).gemv(-1.0, a, x, 0.0, y4);
      assertTrue(Arrays.equals(y1.toArray(), y4.toArray()));
    }
  }
}
