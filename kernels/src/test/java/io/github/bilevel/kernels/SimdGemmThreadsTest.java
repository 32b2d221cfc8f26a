package io.github.bilevel.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The multithreaded gemm of {@link SimdBackend}: bit-identical to one thread for every thread
 * count, equal to {@link ScalarBackend} within rounding, and the thread count validated.
 */
class SimdGemmThreadsTest {

  private static final Backend REFERENCE = new ScalarBackend();

  /** Odd shapes m × n × k: row cuts (m ≥ n), column-panel cuts (n > m), and ragged edges. */
  private static final int[][] SHAPES = {
      {9, 7, 5}, {17, 3, 11}, {33, 35, 1}, {5, 61, 13}, {3, 97, 7}, {67, 29, 131},
      {101, 13, 29}, {13, 101, 29}, {97, 99, 101}, {129, 131, 3}, {255, 37, 517}, {31, 301, 63},
  };

  static Stream<Arguments> shapesAndTransposes() {
    List<Arguments> out = new ArrayList<>();
    for (int[] s : SHAPES) {
      for (boolean ta : new boolean[] {false, true}) {
        for (boolean tb : new boolean[] {false, true}) {
          out.add(Arguments.of(s[0], s[1], s[2], ta, tb));
        }
      }
    }
    return out.stream();
  }

  /** A {@code rows × cols} matrix with leading dimension {@code cols + pad}, values in [-1, 1). */
  private static DMatrix random(Arena arena, int rows, int cols, int pad, Random random) {
    DMatrix x = new DMatrix(Buffers.allocate(arena, (long) rows * (cols + pad) + 1), 1, rows,
        cols, cols + pad);
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        x.set(i, j, 2.0 * random.nextDouble() - 1.0);
      }
    }
    return x;
  }

  private static double maxAbs(double[] values) {
    double max = 0.0;
    for (double v : values) {
      max = Math.max(max, Math.abs(v));
    }
    return max;
  }

  /**
   * C of {@code α op(A) op(B) + β C} for threads 1 .. 4 (threshold 0: every product is cut into
   * as many parts as it has row blocks or column panels), each bitwise equal to one thread; the
   * one-thread result equals the scalar backend within the tolerance of {@link SimdGemmTest}.
   */
  @ParameterizedTest(name = "{0}x{1}x{2} transA={3} transB={4}")
  @MethodSource("shapesAndTransposes")
  void everyThreadCountGivesTheSameBits(int m, int n, int k, boolean ta, boolean tb) {
    // β = -0.7 is no power of two: βC rounds, so a vector (fused) and a scalar write-back of the
    // same element differ, and a cut that moved a column between them would show.
    for (double beta : new double[] {0.0, -0.7}) {
      long seed = 31L * m + 17L * n + k + (ta ? 1000 : 0) + (tb ? 2000 : 0);
      Random random = new Random(seed);
      try (Arena arena = Arena.ofShared()) {
        DMatrix a = ta ? random(arena, k, m, 3, random) : random(arena, m, k, 3, random);
        DMatrix b = tb ? random(arena, n, k, 2, random) : random(arena, k, n, 2, random);
        double[] c0 = random(arena, m, n, 1, random).toArray();
        Transpose tA = ta ? Transpose.YES : Transpose.NO;
        Transpose tB = tb ? Transpose.YES : Transpose.NO;
        double alpha = 1.25;

        DMatrix expected = Buffers.matrix(arena, m, n).copyFrom(c0);
        REFERENCE.gemm(tA, tB, alpha, a, b, beta, expected);
        double[] one = null;
        for (int threads = 1; threads <= 4; threads++) {
          Backend simd = new SimdBackend(new KernelThreads(threads, 0));
          DMatrix c = new DMatrix(Buffers.allocate(arena, (long) m * (n + 5)), 0, m, n, n + 5)
              .copyFrom(c0);
          simd.gemm(tA, tB, alpha, a, b, beta, c);
          double[] got = c.toArray();
          if (one == null) {
            one = got;
          } else if (!Arrays.equals(one, got)) {
            fail(threads + " threads differ from 1 thread (beta " + beta + ")");
          }
        }
        double tolerance = 1e-12 * (alpha * k * maxAbs(a.toArray()) * maxAbs(b.toArray())
            + Math.abs(beta) * maxAbs(c0)) + Double.MIN_NORMAL;
        double[] want = expected.toArray();
        for (int e = 0; e < want.length; e++) {
          if (!(Math.abs(one[e] - want[e]) <= tolerance)) {
            fail("C(" + e / n + ", " + e % n + ") = " + one[e] + ", expected " + want[e]);
          }
        }
      }
    }
  }

  /** Through the public constructor: a product above the threshold, split 4 ways. */
  @Test
  void largeProductOnFourThreadsEqualsOneThreadBitwise() {
    int m = 203;
    int n = 197;
    int k = 211;
    KernelThreads four = new KernelThreads(4, SimdBackend.PARALLEL_MIN_FLOPS_PER_THREAD);
    try (Arena arena = Arena.ofShared()) {
      Random random = new Random(5);
      DMatrix a = random(arena, m, k, 0, random);
      DMatrix b = random(arena, n, k, 0, random);
      assertEquals(4, four.parts(2.0 * m * n * k, 100, a.segment(), b.segment()),
          "the product must be large enough to be split");
      DMatrix c1 = Buffers.matrix(arena, m, n);
      DMatrix c4 = Buffers.matrix(arena, m, n);
      new SimdBackend(1).gemm(Transpose.NO, Transpose.YES, -1.0, a, b, 0.0, c1);
      new SimdBackend(4).gemm(Transpose.NO, Transpose.YES, -1.0, a, b, 0.0, c4);
      assertTrue(Arrays.equals(c1.toArray(), c4.toArray()));
    }
  }

  /** Small products, and memory confined to the caller, run inline. */
  @Test
  void smallOrConfinedProductsRunInline() {
    KernelThreads four = new KernelThreads(4, SimdBackend.PARALLEL_MIN_FLOPS_PER_THREAD);
    try (Arena shared = Arena.ofShared(); Arena confined = Arena.ofConfined()) {
      var s = Buffers.allocate(shared, 8);
      var c = Buffers.allocate(confined, 8);
      assertEquals(1, four.parts(2.0 * 100 * 100 * 100, 100, s));
      assertEquals(2, four.parts(2.0 * SimdBackend.PARALLEL_MIN_FLOPS_PER_THREAD, 100, s));
      assertEquals(1, four.parts(1e12, 100, s, c));
      assertEquals(3, four.parts(1e12, 3, s));
    }
  }

  @Test
  void aFailingPartIsRethrownAfterEveryPartEnds() {
    KernelThreads three = new KernelThreads(3, 0);
    AtomicInteger done = new AtomicInteger();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> three.run(3, p -> {
      if (p == 2) {
        throw new IllegalStateException("part 2");
      }
      done.incrementAndGet();
    }));
    assertEquals("part 2", e.getMessage());
    assertEquals(2, done.get());
  }

  @Test
  void constructorRejectsThreadCountsBelowOne() {
    for (int threads : new int[] {0, -1, Integer.MIN_VALUE}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> new SimdBackend(threads));
      assertTrue(e.getMessage().contains("threads must be >= 1"), e.getMessage());
      assertTrue(e.getMessage().contains(String.valueOf(threads)), e.getMessage());
    }
    assertEquals(3, new SimdBackend(3).kernelThreads());
  }

  @Test
  void propertyRejectsThreadCountsBelowOneAndNonIntegers() {
    String saved = System.getProperty(SimdBackend.THREADS_PROPERTY);
    try {
      for (String value : new String[] {"0", "-2", "two", "1.5"}) {
        System.setProperty(SimdBackend.THREADS_PROPERTY, value);
        IllegalArgumentException e =
            assertThrows(IllegalArgumentException.class, SimdBackend::new, value);
        assertTrue(e.getMessage().contains("-Dbilevel.threads must be"), e.getMessage());
        assertTrue(e.getMessage().contains(value), e.getMessage());
      }
      System.setProperty(SimdBackend.THREADS_PROPERTY, " 3 ");
      assertEquals(3, new SimdBackend().kernelThreads());
      System.clearProperty(SimdBackend.THREADS_PROPERTY);
      assertEquals(Runtime.getRuntime().availableProcessors(), new SimdBackend().kernelThreads());
    } finally {
      if (saved == null) {
        System.clearProperty(SimdBackend.THREADS_PROPERTY);
      } else {
        System.setProperty(SimdBackend.THREADS_PROPERTY, saved);
      }
    }
  }
}
