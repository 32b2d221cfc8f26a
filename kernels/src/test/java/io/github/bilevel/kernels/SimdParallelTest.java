package io.github.bilevel.kernels;

import static io.github.bilevel.kernels.TestViews.LAYOUTS;
import static io.github.bilevel.kernels.TestViews.assertClose;
import static io.github.bilevel.kernels.TestViews.assertSegmentsClose;
import static io.github.bilevel.kernels.TestViews.relative;
import static io.github.bilevel.kernels.TestViews.relativeOrAbsolute;
import static io.github.bilevel.kernels.TestViews.uniform;
import static io.github.bilevel.kernels.TestViews.vector;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.bilevel.kernels.TestViews.Layout;
import io.github.bilevel.kernels.TestViews.Tolerance;
import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The threaded BLAS-1, elementwise and gemvᵀ kernels of {@link SimdBackend}
 * ({@link SimdParallel}, {@link SimdBlas2#gemvT}): on 1, 2, 3 and 4 threads with no threshold
 * (cut into as many parts as there are chunks, up to the thread count) every output is bitwise
 * the one-thread output, over lengths of several chunks with a tail, contiguous, at an offset
 * and strided; and the one-thread output agrees with {@link ScalarBackend} within the
 * tolerances of {@link SimdBackendTest}.
 */
class SimdParallelTest {

  private static final Backend SCALAR = new ScalarBackend();

  /** Backends on 1 .. 4 threads that split whatever they can. */
  private static final Backend[] THREADS = {
      new SimdBackend(new KernelThreads(1, 0)), new SimdBackend(new KernelThreads(2, 0)),
      new SimdBackend(new KernelThreads(3, 0)), new SimdBackend(new KernelThreads(4, 0))};

  /** An operation on three vectors (any may be written) returning a scalar (or 0). */
  @FunctionalInterface
  private interface Op {
    double apply(Backend backend, DVector a, DVector b, DVector c);
  }

  /**
   * Runs {@code op} on fresh copies of a, b, c under each thread count and the scalar backend:
   * the segments and the returned value must be bitwise equal across thread counts, and within
   * {@code tolerance} of the scalar backend.
   */
  private static void check(String what, int n, Op op, Tolerance tolerance, double lo,
      double hi) {
    check(what, n, op, tolerance, tolerance, lo, hi);
  }

  /** {@link #check} with one tolerance for the returned value, another for the segments. */
  private static void check(String what, int n, Op op, Tolerance tolerance,
      Tolerance segmentTolerance, double lo, double hi) {
    Random random = new Random(7L * n + what.hashCode());
    double[] a = uniform(random, n, lo, hi);
    double[] b = uniform(random, n, lo, hi);
    double[] c = uniform(random, n, lo, hi);
    for (Layout layout : LAYOUTS) {
      String where = what + " (n = " + n + ", " + layout + ")";
      try (Arena arena = Arena.ofShared()) {
        DVector ea = vector(arena, a, layout);
        DVector eb = vector(arena, b, layout);
        DVector ec = vector(arena, c, layout);
        double expected = op.apply(SCALAR, ea, eb, ec);
        double[][] one = null;
        double oneValue = 0.0;
        for (int t = 0; t < THREADS.length; t++) {
          DVector va = vector(arena, a, layout);
          DVector vb = vector(arena, b, layout);
          DVector vc = vector(arena, c, layout);
          double value = op.apply(THREADS[t], va, vb, vc);
          double[][] got = {va.segment().toArray(ValueLayout.JAVA_DOUBLE),
              vb.segment().toArray(ValueLayout.JAVA_DOUBLE),
              vc.segment().toArray(ValueLayout.JAVA_DOUBLE)};
          if (one == null) {
            one = got;
            oneValue = value;
            assertClose(expected, value, tolerance, where + ", value");
            assertSegmentsClose(ea.segment(), va.segment(), segmentTolerance, where + ", a");
            assertSegmentsClose(eb.segment(), vb.segment(), segmentTolerance, where + ", b");
            assertSegmentsClose(ec.segment(), vc.segment(), segmentTolerance, where + ", c");
          } else if (!Arrays.deepEquals(one, got)
              || Double.doubleToRawLongBits(oneValue) != Double.doubleToRawLongBits(value)) {
            fail(where + ": " + (t + 1) + " threads differ from 1 thread");
          }
        }
      }
    }
  }

  /** Several chunks and a tail; one chunk and one element; exactly two chunks. */
  @ParameterizedTest(name = "n = {0}")
  @ValueSource(ints = {3 * SimdParallel.CHUNK + 17, SimdParallel.CHUNK + 1,
      2 * SimdParallel.CHUNK})
  void blas1OnEveryThreadCountGivesTheSameBits(int n) {
    Tolerance sum = relative(1e-13);
    Tolerance update = relativeOrAbsolute(1e-15);
    check("dot", n, (k, a, b, c) -> k.dot(a, b), relativeOrAbsolute(1e-13), -1, 1);
    check("asum", n, (k, a, b, c) -> k.asum(a), sum, -1, 1);
    for (double scale : new double[] {1.0, 1e300, 1e-300}) {
      check("nrm2 x " + scale, n, (k, a, b, c) -> {
        k.scal(scale, a); // exact for SIMD and scalar alike: the same product per element
        return k.nrm2(a);
      }, relative(1e-13), -1, 1);
    }
    check("axpy", n, (k, a, b, c) -> {
      k.axpy(-0.75, a, b);
      return 0;
    }, update, -1, 1);
    check("axpby", n, (k, a, b, c) -> {
      k.axpby(1.5, a, -0.25, b);
      return 0;
    }, update, -1, 1);
    check("scal", n, (k, a, b, c) -> {
      k.scal(-3.0, a);
      return 0;
    }, update, -1, 1);
    check("rot", n, (k, a, b, c) -> {
      k.rot(a, b, 0.6, 0.8);
      return 0;
    }, update, -1, 1);
    check("kmStep", n, (k, a, b, c) -> {
      k.kmStep(0.3, a, b);
      return 0;
    }, update, -1, 1);
    check("kmStepResidual", n, (k, a, b, c) -> k.kmStepResidual(0.3, a, b), sum, update, -1,
        1);
    check("hadamard", n, (k, a, b, c) -> {
      k.hadamard(1.5, a, b, -0.25, c);
      return 0;
    }, update, -1, 1);
  }

  /** The elementwise activations, cut in units of {@code CHUNK / 16} for tanh and sigmoid. */
  @ParameterizedTest(name = "n = {0}")
  @ValueSource(ints = {5 * SimdParallel.CHUNK / 16 + 3, 2 * SimdParallel.CHUNK + 5})
  void activationsOnEveryThreadCountGiveTheSameBits(int n) {
    Tolerance transcendental = relative(1e-14);
    Tolerance product = relativeOrAbsolute(1e-15);
    check("tanh", n, (k, a, b, c) -> {
      k.tanh(a, c);
      return 0;
    }, transcendental, -20, 20);
    check("sigmoid", n, (k, a, b, c) -> {
      k.sigmoid(a, c);
      return 0;
    }, transcendental, -40, 40);
    check("tanhBackward", n, (k, a, b, c) -> {
      k.tanhBackward(a, b, c);
      return 0;
    }, product, -1, 1);
    check("sigmoidBackward", n, (k, a, b, c) -> {
      k.sigmoidBackward(a, b, c);
      return 0;
    }, product, 0, 1);
    check("relu", n, (k, a, b, c) -> {
      k.relu(a, c);
      return 0;
    }, relative(0), -1, 1);
    check("reluBackward", n, (k, a, b, c) -> {
      k.reluBackward(a, b, c);
      return 0;
    }, relative(0), -1, 1);
  }

  /**
   * gemvᵀ cut into column panels: wide (row updates), narrow (panels in registers) and odd
   * shapes, β = 0 and β ≠ 0, x and y contiguous and strided.
   */
  @ParameterizedTest(name = "{0}x{1}")
  @CsvSource({"300, 700", "1000, 20", "50, 257", "7, 64",
      "33, 65"})
  void gemvTOnEveryThreadCountGivesTheSameBits(int m, int n) {
    Random random = new Random(31L * m + n);
    double[] values = uniform(random, m * n, -1, 1);
    double[] xv = uniform(random, m, -1, 1);
    double[] y0 = uniform(random, n, -1, 1);
    for (double beta : new double[] {0.0, -0.7}) {
      for (Layout lx : new Layout[] {LAYOUTS[0], LAYOUTS[2]}) {
        for (Layout ly : LAYOUTS) {
          String where = m + "x" + n + ", beta " + beta + ", x " + lx + ", y " + ly;
          try (Arena arena = Arena.ofShared()) {
            DMatrix a = TestViews.matrix(arena, m, n, values);
            DVector x = vector(arena, xv, lx);
            DVector expected = vector(arena, y0, ly);
            SCALAR.gemvT(1.25, a, x, beta, expected);
            double[] one = null;
            for (int t = 0; t < THREADS.length; t++) {
              DVector y = vector(arena, y0, ly);
              THREADS[t].gemvT(1.25, a, x, beta, y);
              double[] got = y.segment().toArray(ValueLayout.JAVA_DOUBLE);
              if (one == null) {
                one = got;
                assertSegmentsClose(expected.segment(), y.segment(),
                    relativeOrAbsolute(1e-15 * (m + 2)), where);
              } else if (!Arrays.equals(one, got)) {
                fail((t + 1) + " threads differ from 1 thread: " + where);
              }
            }
          }
        }
      }
    }
  }

  /**
   * The check above can fail: the partial sums of the chunks, added in chunk order, are not the
   * bits of one pass of the kernel over the whole vector (which a reduction split by thread
   * count would give on one thread), while a vector of one chunk is summed by the kernel alone.
   */
  @Test
  void theChunkTreeDecidesTheBits() {
    int n = 3 * SimdParallel.CHUNK + 17;
    Random random = new Random(3);
    try (Arena arena = Arena.ofShared()) {
      DVector x = Buffers.vector(arena, uniform(random, n, -1, 1));
      DVector y = Buffers.vector(arena, uniform(random, n, -1, 1));
      double chunked = THREADS[0].dot(x, y);
      assertNotEquals(Double.doubleToRawLongBits(SimdBlas1.dotKernel(x, y)),
          Double.doubleToRawLongBits(chunked), "one pass over all chunks must round otherwise");
      double sum = 0.0;
      for (int c = 0; c * SimdParallel.CHUNK < n; c++) {
        int from = c * SimdParallel.CHUNK;
        int count = Math.min(SimdParallel.CHUNK, n - from);
        sum += SimdBlas1.dotKernel(x.slice(from, count), y.slice(from, count));
      }
      assertEquals(Double.doubleToRawLongBits(sum), Double.doubleToRawLongBits(chunked));
      DVector one = x.slice(0, SimdParallel.CHUNK);
      assertEquals(SimdBlas1.dotKernel(one, one), THREADS[3].dot(one, one));
    }
  }

  /**
   * Through the public constructor: a dot of 2<sup>20</sup> elements is above four times the
   * streaming threshold and is split four ways, bit-identical to one thread; one of 10000
   * elements is one chunk and runs inline; a tanh of 2<sup>16</sup> elements splits.
   */
  @Test
  void largeVectorsOnFourThreadsEqualOneThreadBitwise() {
    KernelThreads four = new KernelThreads(4, SimdBackend.PARALLEL_MIN_FLOPS_PER_THREAD,
        SimdBackend.PARALLEL_MIN_GEMV_ELEMENTS_PER_THREAD);
    int n = 1 << 20;
    Random random = new Random(5);
    try (Arena arena = Arena.ofShared()) {
      DVector x = Buffers.vector(arena, uniform(random, n, -1, 1));
      DVector y = Buffers.vector(arena, uniform(random, n, -1, 1));
      assertEquals(4, four.parts((double) n * SimdParallel.STREAM_WEIGHT,
          four.minElementsPerPart(), n / SimdParallel.CHUNK, x.segment(), y.segment()));
      assertEquals(4, four.parts((double) (1 << 16) * SimdParallel.TRANSCENDENTAL_WEIGHT,
          four.minElementsPerPart(), 64, x.segment()));
      assertEquals(1, four.parts(10000.0, four.minElementsPerPart(), 1, x.segment()));
      Backend one = new SimdBackend(1);
      Backend many = new SimdBackend(4);
      assertEquals(Double.doubleToRawLongBits(one.dot(x, y)),
          Double.doubleToRawLongBits(many.dot(x, y)));
      DVector t1 = Buffers.vector(arena, n);
      DVector t4 = Buffers.vector(arena, n);
      one.tanh(x, t1);
      many.tanh(x, t4);
      assertTrue(Arrays.equals(t1.toArray(), t4.toArray()));
    }
  }
}
