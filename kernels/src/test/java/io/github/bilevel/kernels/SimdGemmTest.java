package io.github.bilevel.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link SimdGemm} against the plain-loop {@link ScalarBackend#gemm}. */
class SimdGemmTest {

  /** The scalar backend with only gemm replaced by the blocked SIMD gemm. */
  private static final class BlockedGemmBackend extends ScalarBackend {
    @Override
    protected void gemmKernel(boolean transA, boolean transB, double alpha, DMatrix a, DMatrix b,
        double beta, DMatrix c) {
      SimdGemm.gemm(transA, transB, alpha, a, b, beta, c);
    }
  }

  private static final Backend BLOCKED = new BlockedGemmBackend();
  private static final Backend REFERENCE = new ScalarBackend();
  private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE_UNALIGNED;

  /** One gemm problem: shapes of op(A) (m × k) and op(B) (k × n), layout and scalars. */
  private record Case(int m, int n, int k, boolean transA, boolean transB, double alpha,
      double beta, int pad, long offset, boolean heap) {

    @Override
    public String toString() {
      return m + "x" + n + "x" + k + (transA ? " Aᵀ" : " A") + (transB ? " Bᵀ" : " B") + " α="
          + alpha + " β=" + beta + " pad=" + pad + " offset=" + offset + (heap ? " heap" : "");
    }
  }

  /**
   * A {@code rows × cols} view with leading dimension {@code cols + pad} starting at element
   * {@code offset}; the view holds random values in [-1, 1), everything around it holds
   * {@code fill}.
   */
  private static DMatrix view(Arena arena, boolean heap, int rows, int cols, int pad, long offset,
      double fill, Random random) {
    int ld = Math.max(1, cols + pad);
    long size = offset + (long) rows * ld + pad + 3;
    MemorySegment segment = heap ? MemorySegment.ofArray(new double[Math.toIntExact(size)])
        : Buffers.allocate(arena, size);
    for (long i = 0; i < size; i++) {
      segment.setAtIndex(ValueLayout.JAVA_DOUBLE, i, fill);
    }
    DMatrix matrix = new DMatrix(segment, offset, rows, cols, ld);
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        matrix.set(i, j, 2.0 * random.nextDouble() - 1.0);
      }
    }
    return matrix;
  }

  private static double maxAbs(DMatrix x) {
    double max = 0.0;
    for (int i = 0; i < x.rows(); i++) {
      for (int j = 0; j < x.cols(); j++) {
        max = Math.max(max, Math.abs(x.get(i, j)));
      }
    }
    return max;
  }

  /** Runs one case through both backends and compares all of C's segment. */
  private static void check(Case cs, long seed) {
    Random random = new Random(seed);
    try (Arena arena = Arena.ofConfined()) {
      // A and B are surrounded by NaN: reading outside the view poisons the result.
      DMatrix a = cs.transA()
          ? view(arena, cs.heap(), cs.k(), cs.m(), cs.pad(), cs.offset(), Double.NaN, random)
          : view(arena, cs.heap(), cs.m(), cs.k(), cs.pad(), cs.offset(), Double.NaN, random);
      DMatrix b = cs.transB()
          ? view(arena, cs.heap(), cs.n(), cs.k(), cs.pad(), cs.offset() + 1, Double.NaN, random)
          : view(arena, cs.heap(), cs.k(), cs.n(), cs.pad(), cs.offset() + 1, Double.NaN, random);
      // C is surrounded by a sentinel that must survive; with β = 0 C itself holds NaN.
      double sentinel = 12345.0;
      DMatrix c = view(arena, cs.heap(), cs.m(), cs.n(), cs.pad(), cs.offset() + 2, sentinel,
          random);
      if (cs.beta() == 0.0) {
        for (int i = 0; i < cs.m(); i++) {
          for (int j = 0; j < cs.n(); j++) {
            c.set(i, j, Double.NaN);
          }
        }
      }
      MemorySegment expectedSegment = arena.allocate(c.segment().byteSize(), 8);
      expectedSegment.copyFrom(c.segment());
      DMatrix expected = new DMatrix(expectedSegment, c.offset(), c.rows(), c.cols(), c.ld());
      double maxC = cs.beta() == 0.0 ? 0.0 : maxAbs(c);

      Transpose ta = cs.transA() ? Transpose.YES : Transpose.NO;
      Transpose tb = cs.transB() ? Transpose.YES : Transpose.NO;
      REFERENCE.gemm(ta, tb, cs.alpha(), a, b, cs.beta(), expected);
      BLOCKED.gemm(ta, tb, cs.alpha(), a, b, cs.beta(), c);

      double tolerance = 1e-12 * (Math.abs(cs.alpha()) * Math.max(1, cs.k()) * maxAbs(a)
          * maxAbs(b) + Math.abs(cs.beta()) * maxC) + Double.MIN_NORMAL;
      long elements = c.segment().byteSize() / Double.BYTES;
      long firstC = c.offset();
      for (long e = 0; e < elements; e++) {
        double want = expectedSegment.getAtIndex(ValueLayout.JAVA_DOUBLE, e);
        double got = c.segment().getAtIndex(ValueLayout.JAVA_DOUBLE, e);
        long rel = e - firstC;
        boolean inside = rel >= 0 && rel / c.ld() < c.rows() && rel % c.ld() < c.cols();
        if (!inside) {
          if (got != sentinel) {
            fail(cs + ": element " + e + " outside C changed to " + got);
          }
        } else if (!(Math.abs(got - want) <= tolerance)) {
          fail(cs + ": C(" + rel / c.ld() + ", " + rel % c.ld() + ") = " + got + ", expected "
              + want + " (tolerance " + tolerance + ")");
        }
      }
    }
  }

  private static final int[][] SHAPES = {
      {1, 1, 1}, {3, 5, 7}, {7, 9, 8}, {8, 8, 8}, {9, 7, 9}, {8, 24, 1}, {16, 48, 17},
      {63, 65, 64}, {64, 64, 64}, {65, 63, 65}, {127, 129, 131}, {300, 257, 301},
      {1, 1025, 9}, {1025, 3, 7}, {5, 7, 1023}, {2, 3100, 5}, {400, 30, 520},
  };

  private static final boolean[] BOOLS = {false, true};

  static Stream<Arguments> shapesAndTransposes() {
    List<Arguments> out = new ArrayList<>();
    for (int[] s : SHAPES) {
      for (boolean ta : BOOLS) {
        for (boolean tb : BOOLS) {
          out.add(Arguments.of(s[0], s[1], s[2], ta, tb));
        }
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0}x{1}x{2} transA={3} transB={4}")
  @MethodSource("shapesAndTransposes")
  void denseBetaOne(int m, int n, int k, boolean ta, boolean tb) {
    check(new Case(m, n, k, ta, tb, 1.0, 1.0, 0, 0, false), 11L * m + 7L * n + k);
  }

  @ParameterizedTest(name = "{0}x{1}x{2} transA={3} transB={4}")
  @MethodSource("shapesAndTransposes")
  void betaZeroIgnoresNaNInC(int m, int n, int k, boolean ta, boolean tb) {
    check(new Case(m, n, k, ta, tb, -0.75, 0.0, 0, 0, false), 13L * m + 5L * n + k);
  }

  @ParameterizedTest(name = "{0}x{1}x{2} transA={3} transB={4}")
  @MethodSource("shapesAndTransposes")
  void stridedViewsWithOffsets(int m, int n, int k, boolean ta, boolean tb) {
    check(new Case(m, n, k, ta, tb, 2.5, -0.5, 5, 3, false), 17L * m + 3L * n + k);
  }

  @ParameterizedTest(name = "{0}x{1}x{2} transA={3} transB={4}")
  @MethodSource("shapesAndTransposes")
  void heapSegments(int m, int n, int k, boolean ta, boolean tb) {
    check(new Case(m, n, k, ta, tb, 1.5, 0.25, 1, 1, true), 19L * m + 2L * n + k);
  }

  @Test
  void emptyShapesThroughTheBackend() {
    int[][] shapes = {{0, 3, 4}, {3, 0, 4}, {3, 4, 0}, {0, 0, 0}};
    for (int[] s : shapes) {
      for (boolean ta : BOOLS) {
        for (boolean tb : BOOLS) {
          check(new Case(s[0], s[1], s[2], ta, tb, 1.0, 0.5, 0, 0, false), 1);
          check(new Case(s[0], s[1], s[2], ta, tb, 1.0, 0.0, 2, 1, false), 2);
        }
      }
    }
  }

  /**
   * Seeded random shapes, transposes, scalars and layouts, in an order that alternates large
   * and small calls so that reused packing buffers carry stale values into later calls.
   */
  @Test
  void seededRandomCases() {
    Random random = new Random(20240611L);
    int[] sizes = {1, 3, 7, 8, 9, 15, 16, 17, 23, 24, 25, 63, 64, 65, 191, 193, 257};
    double[] scalars = {1.0, -1.0, 0.5, 3.0, -2.25};
    for (int t = 0; t < 60; t++) {
      int m = random.nextBoolean() ? sizes[random.nextInt(sizes.length)] : 1 + random.nextInt(300);
      int n = random.nextBoolean() ? sizes[random.nextInt(sizes.length)] : 1 + random.nextInt(300);
      int k = random.nextBoolean() ? sizes[random.nextInt(sizes.length)] : 1 + random.nextInt(600);
      double alpha = scalars[random.nextInt(scalars.length)];
      double beta = random.nextInt(3) == 0 ? 0.0 : scalars[random.nextInt(scalars.length)];
      check(new Case(m, n, k, random.nextBoolean(), random.nextBoolean(), alpha, beta,
          random.nextInt(4), random.nextInt(5), random.nextInt(4) == 0), random.nextLong());
    }
  }

  /** Packing buffers are per thread: concurrent calls of different shapes stay correct. */
  @Test
  void concurrentCallsDoNotShareBuffers() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int size = 40 + 37 * t;
        boolean ta = (t & 1) != 0;
        boolean tb = (t & 2) != 0;
        long seed = t;
        futures.add(pool.submit(() -> check(
            new Case(size, size + 3, size + 11, ta, tb, 1.0, 0.5, 2, 1, false), seed)));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
  }

  /** A hand-checked product, independent of the scalar backend. */
  @Test
  void smallClosedForm() {
    try (Arena arena = Arena.ofConfined()) {
      DMatrix a = Buffers.matrix(arena, 2, 3, 1, 2, 3, 4, 5, 6);
      DMatrix b = Buffers.matrix(arena, 3, 2, 7, 8, 9, 10, 11, 12);
      DMatrix c = Buffers.matrix(arena, 2, 2, 1, 1, 1, 1);
      BLOCKED.gemm(Transpose.NO, Transpose.NO, 2.0, a, b, -1.0, c);
      // A B = [[58, 64], [139, 154]]
      assertEquals(115.0, c.get(0, 0));
      assertEquals(127.0, c.get(0, 1));
      assertEquals(277.0, c.get(1, 0));
      assertEquals(307.0, c.get(1, 1));
      assertTrue(c.segment().get(D, 0) == 115.0);
    }
  }
}
