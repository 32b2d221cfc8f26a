package io.github.bilevel.bsgm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.Backends;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The blocked separable hypergradient: the pairwise order against its recursive definition, a
 * cluster's grouping (partial sums over aligned runs of blocks, then the partitions' sums) against
 * the one-JVM sum to the last bit, and the blocked estimate against one SID call on the same
 * tasks (equal up to rounding).
 */
class BlockedHypergradientTest {

  private static final int M = 4;
  private final Backend backend = Backends.byName("simd");

  private LinearSeparableProblem problem() {
    return new LinearSeparableProblem(backend, 23, 6, M, 0.6, 0.3, 1e6, 11);
  }

  /** The recursive definition: split at the largest power of two below n. */
  private static double recursive(double[] terms, int lo, int hi) {
    if (hi - lo == 1) {
      return terms[lo];
    }
    int split = Integer.highestOneBit(hi - lo - 1);
    return recursive(terms, lo, lo + split) + recursive(terms, lo + split, hi);
  }

  private static long[] bits(DVector v) {
    long[] out = new long[v.length()];
    for (int i = 0; i < out.length; i++) {
      out[i] = Double.doubleToRawLongBits(v.get(i));
    }
    return out;
  }

  @Test
  void pairwiseReductionIsTheSplitAtTheLargestPowerOfTwo() {
    SplittableRandom random = new SplittableRandom(3);
    try (Arena arena = Arena.ofConfined();
        PairwiseReduction reduction = new PairwiseReduction(backend, 1)) {
      DVector out = backend.vector(arena, 1);
      for (int n = 1; n <= 70; n++) {
        double[] terms = random.doubles(n, -1e3, 1e3).toArray();
        reduction.reset();
        for (double term : terms) {
          reduction.add(new double[] {term});
        }
        reduction.result(out);
        assertEquals(Double.doubleToRawLongBits(recursive(terms, 0, n)),
            Double.doubleToRawLongBits(out.get(0)), "n = " + n);
        assertEquals(n, reduction.terms());
      }
    }
  }

  @Test
  void partitionsOfAlignedRunsGiveTheSameBitsAsOneJvm() {
    LinearSeparableProblem problem = problem();
    SeparableSid.Options options = new SeparableSid.Options(7, 6, 0.8);
    int batch = 29;
    int blockSize = 3;
    int blocks = TaskDraws.blocks(batch, blockSize);
    try (Arena arena = Arena.ofConfined();
        BlockedHypergradient estimator = new BlockedHypergradient(problem, blockSize);
        PairwiseReduction driver = new PairwiseReduction(backend, M)) {
      DVector lambda = backend.vector(arena, M);
      for (int i = 0; i < M; i++) {
        lambda.set(i, 0.1 * (i + 1));
      }
      DVector whole = backend.vector(arena, M);
      long samples = estimator.estimate(lambda, 77L, batch, options, whole);
      assertEquals((long) batch * (7 + 6 + 2), samples);
      DVector part = backend.vector(arena, M);
      DVector combined = backend.vector(arena, M);
      for (int partitions = 1; partitions <= blocks + 1; partitions++) {
        int run = PairwiseReduction.runLength(blocks, partitions);
        driver.reset();
        long counted = 0;
        for (int first = 0; first < blocks; first += run) {
          counted += estimator.partialSum(lambda, 77L, batch, first,
              Math.min(blocks, first + run), options, part);
          driver.add(part);
        }
        driver.result(combined);
        assertEquals(samples, counted);
        assertArrayEquals(bits(whole), bits(combined), "partitions = " + partitions);
      }
    }
  }

  @Test
  void blocksAgreeWithOneSidCallOnTheSameTasks() {
    LinearSeparableProblem problem = problem();
    SeparableSid.Options options = new SeparableSid.Options(40, 40, 1.0);
    int batch = 10;
    int blockSize = 4;
    try (Arena arena = Arena.ofConfined();
        BlockedHypergradient estimator = new BlockedHypergradient(problem, blockSize);
        SeparableSid sid = new SeparableSid(problem, batch)) {
      DVector lambda = backend.vector(arena, M);
      lambda.set(0, 0.5);
      DVector blocked = backend.vector(arena, M);
      estimator.estimate(lambda, 5L, batch, options, blocked);
      // the same tasks in one batch: block after block
      int[] tasks = new int[batch];
      Batch block = new Batch(blockSize);
      for (int b = 0, r = 0; b < TaskDraws.blocks(batch, blockSize); b++) {
        TaskDraws.drawBlock(5L, b, batch, blockSize, problem.tasks(), block);
        for (int i = 0; i < block.size(); i++) {
          tasks[r++] = block.index(i);
        }
      }
      DVector whole = backend.vector(arena, M);
      sid.hypergradient(lambda, new Batch(batch).assign(problem.tasks(), tasks), options, whole);
      for (int i = 0; i < M; i++) {
        assertEquals(whole.get(i), blocked.get(i), 1e-12 * (1 + Math.abs(whole.get(i))));
      }
      // one block of the whole batch is exactly one SID call
      try (BlockedHypergradient single = new BlockedHypergradient(problem, batch)) {
        single.estimate(lambda, 5L, batch, options, blocked);
        TaskDraws.drawBlock(5L, 0, batch, batch, problem.tasks(), block = new Batch(batch));
        sid.hypergradient(lambda, block, options, whole);
        assertArrayEquals(bits(whole), bits(blocked));
      }
    }
  }

  @Test
  void badRunsAndSizesAreNamed() {
    LinearSeparableProblem problem = problem();
    try (Arena arena = Arena.ofConfined();
        BlockedHypergradient estimator = new BlockedHypergradient(problem, 4)) {
      DVector v = backend.vector(arena, M);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> estimator.partialSum(v, 1L, 10, 2, 4, new SeparableSid.Options(1, 1), v));
      assertEquals("blocks [2, 4) are not a run of the 3 blocks of a batch of 10",
          e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> new BlockedHypergradient(problem, 0));
      assertThrows(IllegalArgumentException.class, () -> PairwiseReduction.runLength(0, 2));
    }
  }
}
