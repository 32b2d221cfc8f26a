package io.github.bilevel.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The argument checks of the fused GEMM (shapes, overlaps, the mix rate, finite scalars, live
 * memory), each with its message, on every backend; the overlaps it allows; and
 * {@link Checks#overlaps} against a brute-force comparison of element addresses.
 */
class FusedGemmChecksTest {

  private static void assertRejected(Class<? extends Throwable> type, String message,
      Executable call) {
    Throwable e = assertThrows(type, call);
    assertTrue(e.getMessage() != null && e.getMessage().contains(message),
        "message \"" + e.getMessage() + "\" does not contain \"" + message + "\"");
  }

  private static GemmEpilogue<DMatrix, DVector> tanh() {
    return GemmEpilogue.of(Activation.TANH);
  }

  @Test
  void badShapesScalarsAndOverlapsAreRejectedWithTheirNames() {
    for (Map.Entry<String, Backend> entry : FusedGemmTest.BACKENDS.entrySet()) {
      Backend be = entry.getValue();
      try (Arena arena = Arena.ofConfined()) {
        DMatrix a = be.matrix(arena, 3, 4);
        DMatrix b = be.matrix(arena, 4, 2);
        DMatrix c = be.matrix(arena, 3, 2);
        DMatrix x = be.matrix(arena, 3, 2);
        DMatrix big = be.matrix(arena, 6, 4);
        Transpose no = Transpose.NO;
        assertRejected(NullPointerException.class, "epilogue",
            () -> be.gemm(no, no, 1, a, b, 0, c, null));
        assertRejected(IllegalArgumentException.class, "inner dimensions differ",
            () -> be.gemm(no, Transpose.YES, 1, a, b, 0, c, tanh()));
        assertRejected(IllegalArgumentException.class, "scale is 4x3 but a is 3x4",
            () -> be.gemm(no, no, 1, a, b, 0, c, tanh().withScale(be.matrix(arena, 4, 3))));
        assertRejected(IllegalArgumentException.class, "addend is 2x3 but c is 3x2",
            () -> be.gemm(no, no, 1, a, b, 1, c, tanh().withAddend(be.matrix(arena, 2, 3))));
        assertRejected(IllegalArgumentException.class,
            "bias has length 3 but must have 2 (columns of c)",
            () -> be.gemm(no, no, 1, a, b, 1, c, tanh().withBias(be.vector(arena, 3))));
        assertRejected(IllegalArgumentException.class, "mixTarget is 3x3 but c is 3x2",
            () -> be.gemm(no, no, 1, a, b, 1, c, tanh().withMix(0.5, be.matrix(arena, 3, 3))));
        assertRejected(IllegalArgumentException.class, "alpha must be finite, got NaN",
            () -> be.gemm(no, no, Double.NaN, a, b, 1, c, tanh()));
        assertRejected(IllegalArgumentException.class, "beta must be finite, got Infinity",
            () -> be.gemm(no, no, 1, a, b, Double.POSITIVE_INFINITY, c, tanh()));
        // C written while A, S or the bias are still read
        String input = "the output must not share memory with an input";
        DMatrix aInBig = big.rowSlice(0, 3);
        DMatrix cInBig = new DMatrix(big.segment(), 2, 3, 2, 4);
        assertRejected(IllegalArgumentException.class, "c overlaps a: " + input,
            () -> be.gemm(no, no, 1, aInBig, b, 0, cInBig, tanh()));
        assertRejected(IllegalArgumentException.class, "c overlaps b: " + input,
            () -> be.gemm(no, no, 1, a, new DMatrix(big.segment(), 8, 4, 2, 4), 0,
                new DMatrix(big.segment(), 9, 3, 2, 4), tanh()));
        DMatrix sInBig = big.rowSlice(3, 3);
        DMatrix cBelow = new DMatrix(big.segment(), 13, 3, 2, 4);
        assertRejected(IllegalArgumentException.class, "c overlaps scale: " + input,
            () -> be.gemm(no, no, 1, a, b, 0, cBelow, tanh().withScale(sInBig)));
        assertRejected(IllegalArgumentException.class, "bias overlaps c: " + input,
            () -> be.gemm(no, no, 1, a, b, 0, c, tanh().withBias(c.row(1))));
        // Y partly over C: an element of C could be written before it is read as Y
        DMatrix shifted = new DMatrix(big.segment(), 4, 3, 2, 4);
        DMatrix cTop = new DMatrix(big.segment(), 0, 3, 2, 4);
        assertRejected(IllegalArgumentException.class,
            "addend overlaps c: the addend must be c itself or disjoint from c",
            () -> be.gemm(no, no, 1, a, b, 1, cTop, tanh().withAddend(shifted)));
        // X over any other operand
        String mix = "the mix target must not share memory with another operand";
        assertRejected(IllegalArgumentException.class, "mixTarget overlaps c: " + mix,
            () -> be.gemm(no, no, 1, a, b, 0, c, tanh().withMix(0.5, c)));
        assertRejected(IllegalArgumentException.class, "mixTarget overlaps a: " + mix,
            () -> be.gemm(no, no, 1, aInBig, b, 0, c,
                tanh().withMix(0.5, new DMatrix(big.segment(), 8, 3, 2, 4))));
        assertRejected(IllegalArgumentException.class, "mixTarget overlaps b: " + mix,
            () -> be.gemm(no, no, 1, a, new DMatrix(big.segment(), 0, 4, 2, 4), 0, c,
                tanh().withMix(0.5, new DMatrix(big.segment(), 1, 3, 2, 4))));
        assertRejected(IllegalArgumentException.class, "mixTarget overlaps scale: " + mix,
            () -> be.gemm(no, no, 1, a, b, 0, c,
                tanh().withScale(aInBig).withMix(0.5, new DMatrix(big.segment(), 2, 3, 2, 4))));
        DMatrix y = be.matrix(arena, 3, 2);
        assertRejected(IllegalArgumentException.class, "mixTarget overlaps addend: " + mix,
            () -> be.gemm(no, no, 1, a, b, 1, c, tanh().withAddend(y).withMix(0.5, y)));
        assertRejected(IllegalArgumentException.class, "bias overlaps mixTarget: " + mix,
            () -> be.gemm(no, no, 1, a, b, 1, c, tanh().withBias(x.row(2)).withMix(0.5, x)));
      }
      // memory of a closed arena
      Arena closed = Arena.ofConfined();
      DMatrix dead = be.matrix(closed, 3, 4);
      closed.close();
      try (Arena arena = Arena.ofConfined()) {
        DMatrix a = be.matrix(arena, 3, 4);
        DMatrix b = be.matrix(arena, 4, 2);
        DMatrix c = be.matrix(arena, 3, 2);
        assertRejected(IllegalStateException.class, "scale: the arena that owns this buffer",
            () -> be.gemm(Transpose.NO, Transpose.NO, 1, a, b, 0, c, tanh().withScale(dead)));
      }
    }
  }

  @Test
  void theEpilogueChecksItsActivationAndMixRate() {
    try (Arena arena = Arena.ofConfined()) {
      DMatrix x = Buffers.matrix(arena, 2, 2);
      GemmEpilogue<DMatrix, DVector> e = GemmEpilogue.none();
      for (double eta : new double[] {0.0, -0.1, 1.5, Double.NaN, Double.POSITIVE_INFINITY}) {
        assertRejected(IllegalArgumentException.class, "the mix rate eta must be in (0, 1], got "
            + eta, () -> e.withMix(eta, x));
      }
      assertRejected(IllegalArgumentException.class,
          "the mix rate eta = 0.5 is given without a mix target", () -> e.withMix(0.5, null));
      assertRejected(NullPointerException.class, "activation", () -> e.withActivation(null));
      assertEquals(1.0, e.withMix(1.0, x).mixRate());
      assertFalse(e.hasPointwiseStage());
      assertFalse(e.withScale(x).withAddend(x).hasPointwiseStage());
      assertTrue(e.withMix(0.5, x).hasPointwiseStage());
      assertTrue(e.withActivation(Activation.RELU).hasPointwiseStage());
      assertTrue(e.withBias(x.row(0)).hasPointwiseStage());
      assertEquals(e, e.withMix(0.5, x).withMix(0.0, null));
    }
  }

  /** Inputs may share memory: S = A (so op(A ⊙ A)), Y = A, the bias a row of B. */
  @Test
  void inputsMayOverlapOneAnother() {
    for (Map.Entry<String, Backend> entry : FusedGemmTest.BACKENDS.entrySet()) {
      Backend be = entry.getValue();
      try (Arena arena = Arena.ofShared()) {
        Random random = new Random(3);
        int m = 11;
        int k = 13;
        double[] av = FusedGemmTest.uniform(random, m * k, -1, 1);
        double[] bv = FusedGemmTest.uniform(random, k * k, -1, 1);
        DMatrix a = be.matrix(arena, m, k).copyFrom(av);
        DMatrix b = be.matrix(arena, k, k).copyFrom(bv);
        DMatrix shared = be.matrix(arena, m, k);
        be.gemm(Transpose.NO, Transpose.NO, 0.5, a, b, 2.0, shared,
            GemmEpilogue.<DMatrix, DVector>of(Activation.SIGMOID).withScale(a).withAddend(a)
                .withBias(b.row(3)));
        // the same with separate copies of every input
        DMatrix s = be.matrix(arena, m, k).copyFrom(av);
        DMatrix y = be.matrix(arena, m, k).copyFrom(av);
        DVector bias = be.vector(arena, b.row(3).toArray());
        DMatrix separate = be.matrix(arena, m, k);
        be.gemm(Transpose.NO, Transpose.NO, 0.5, be.matrix(arena, m, k).copyFrom(av),
            be.matrix(arena, k, k).copyFrom(bv), 2.0, separate,
            GemmEpilogue.<DMatrix, DVector>of(Activation.SIGMOID).withScale(s).withAddend(y)
                .withBias(bias));
        assertArrayEquals(separate.toArray(), shared.toArray(), entry.getKey());
      }
    }
  }

  // ---------------------------------------------------------------- Checks.overlaps

  private static Set<Long> elements(DMatrix m) {
    Set<Long> out = new HashSet<>();
    for (int i = 0; i < m.rows(); i++) {
      for (int j = 0; j < m.cols(); j++) {
        out.add(m.segment().address() + m.byteOffset(i, j));
      }
    }
    return out;
  }

  /** Random views of one segment (same and different leading dimensions) against addresses. */
  @Test
  void overlapsIsExactForEqualLeadingDimensionsAndSafeOtherwise() {
    Random random = new Random(17);
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment segment = Buffers.allocate(arena, 400);
      for (int t = 0; t < 20000; t++) {
        DMatrix p = randomView(segment, random);
        DMatrix q = randomView(segment, random);
        Set<Long> shared = elements(p);
        shared.retainAll(elements(q));
        boolean truth = !shared.isEmpty();
        boolean answer = Checks.overlaps(p, q);
        assertEquals(answer, Checks.overlaps(q, p), "symmetric");
        boolean exact = p.ld() == q.ld() || p.size() == 0 || q.size() == 0
            || (p.rows() == 1 && p.cols() <= q.ld()) || (q.rows() == 1 && q.cols() <= p.ld());
        if (exact) {
          assertEquals(truth, answer, p + " and " + q);
        } else if (truth) {
          assertTrue(answer, p + " and " + q);
        }
      }
      // different memory never overlaps; the same array does
      double[] array = new double[20];
      DMatrix left = new DMatrix(MemorySegment.ofArray(array), 0, 2, 3, 5);
      assertTrue(Checks.overlaps(left, new DMatrix(MemorySegment.ofArray(array), 4, 2, 3, 5)));
      assertFalse(Checks.overlaps(left, new DMatrix(MemorySegment.ofArray(array), 3, 2, 2, 5)));
      assertFalse(Checks.overlaps(left, new DMatrix(MemorySegment.ofArray(new double[20]), 0, 2,
          3, 5)));
      assertFalse(Checks.overlaps(left, DMatrix.of(segment, 2, 3)));
    }
  }

  private static DMatrix randomView(MemorySegment segment, Random random) {
    int ld = 1 + random.nextInt(random.nextBoolean() ? 4 : 12);
    int cols = random.nextInt(ld + 1);
    int rows = random.nextInt(random.nextInt(4) == 0 ? 2 : 10);
    long offset = random.nextInt(120);
    if (random.nextInt(3) == 0) {
      ld = 6;
      cols = Math.min(cols, 6);
    }
    return new DMatrix(segment, offset, rows, cols, Math.max(ld, Math.max(1, cols)));
  }
}
