package io.github.bilevel.kernels;

import static io.github.bilevel.kernels.Checks.checkDisjoint;
import static io.github.bilevel.kernels.Checks.checkLength;
import static io.github.bilevel.kernels.Checks.checkSameShape;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The checks of a {@link GemmEpilogue} against the operands of its GEMM, and the default fused
 * GEMM of {@link AbstractBackend}: the epilogue composed of the backend's unfused kernels, with
 * per-thread scratch memory (the scaled operand, a column of ones for the bias) allocated in the
 * backend's own memory once and reused.
 */
final class GemmEpilogues {

  private static final String INPUT = "the output must not share memory with an input";
  private static final String MIX = "the mix target must not share memory with another operand";

  private final Backend backend;
  private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

  GemmEpilogues(Backend backend) {
    this.backend = backend;
  }

  /** Per-thread scratch memory, grown on demand (freed with the thread's last reference). */
  private final class Scratch {
    private final Arena arena = Arena.ofAuto();
    private MemorySegment scaled = MemorySegment.NULL;
    private DVector ones = new DVector(MemorySegment.NULL, 0, 0, 1);

    /** A dense {@code rows × cols} matrix of scratch memory (contents undefined). */
    DMatrix scaled(int rows, int cols) {
      long size = (long) rows * cols;
      if (scaled.byteSize() < size * DVector.BYTES) {
        scaled = backend.allocate(arena, size);
      }
      return DMatrix.of(scaled, rows, cols);
    }

    /** {@code n} ones. */
    DVector ones(int n) {
      if (ones.length() < n) {
        ones = backend.vector(arena, n);
        backend.fill(1.0, ones);
      }
      return ones.slice(0, n);
    }
  }

  // ---------------------------------------------------------------- checks

  /**
   * Checks the epilogue's operands against {@code a} and {@code c} (shapes, live memory) and
   * the overlaps that {@link Backend#gemm(Transpose, Transpose, double, DMatrix, DMatrix, double,
   * DMatrix, GemmEpilogue)} forbids.
   */
  static void check(DMatrix a, DMatrix b, DMatrix c, GemmEpilogue<DMatrix, DVector> e) {
    DMatrix scale = e.scale();
    DMatrix addend = e.addend();
    DVector bias = e.bias();
    DMatrix mix = e.mixTarget();
    if (scale != null) {
      checkSameShape("scale", scale, "a", a);
    }
    if (addend != null) {
      checkSameShape("addend", addend, "c", c);
      if (!sameView(addend, c)) {
        checkDisjoint("addend", addend, "c", c, "the addend must be c itself or disjoint from c");
      }
    }
    if (bias != null) {
      checkLength("bias", bias, c.cols(), "columns of c");
    }
    checkDisjoint("c", c, "a", a, INPUT);
    checkDisjoint("c", c, "b", b, INPUT);
    if (scale != null) {
      checkDisjoint("c", c, "scale", scale, INPUT);
    }
    if (bias != null) {
      checkDisjoint("bias", bias, "c", c, INPUT);
    }
    if (mix != null) {
      checkSameShape("mixTarget", mix, "c", c);
      checkDisjoint("mixTarget", mix, "a", a, MIX);
      checkDisjoint("mixTarget", mix, "b", b, MIX);
      checkDisjoint("mixTarget", mix, "c", c, MIX);
      if (scale != null) {
        checkDisjoint("mixTarget", mix, "scale", scale, MIX);
      }
      if (addend != null) {
        checkDisjoint("mixTarget", mix, "addend", addend, MIX);
      }
      if (bias != null) {
        checkDisjoint("bias", bias, "mixTarget", mix, MIX);
      }
    }
  }

  /** The epilogue with an addend that is {@code c} itself replaced by null. */
  static GemmEpilogue<DMatrix, DVector> normalized(GemmEpilogue<DMatrix, DVector> e, DMatrix c) {
    return e.addend() != null && sameView(e.addend(), c) ? e.withAddend(null) : e;
  }

  /** Whether {@code x} and {@code y} are the same elements of the same memory. */
  static boolean sameView(DMatrix x, DMatrix y) {
    if (x.equals(y)) {
      return true;
    }
    if (x.rows() != y.rows() || x.cols() != y.cols() || x.size() == 0
        || (x.ld() != y.ld() && x.rows() > 1) || !Checks.overlaps(x, y)) {
      return false;
    }
    // they overlap: the same memory, where addresses (offsets into an array) compare
    return x.segment().address() + x.byteOffset(0, 0) == y.segment().address() + y.byteOffset(0, 0);
  }

  // ---------------------------------------------------------------- the composed default

  /** The default fused GEMM (see {@link AbstractBackend#fusedGemmKernel}). */
  void run(boolean transA, boolean transB, double alpha, DMatrix a, DMatrix b, double beta,
      DMatrix c, GemmEpilogue<DMatrix, DVector> e) {
    int k = transA ? a.rows() : a.cols();
    DMatrix operand = a;
    if (e.scale() != null && k > 0 && alpha != 0.0) {
      operand = scratch.get().scaled(a.rows(), a.cols());
      DMatrix s = e.scale();
      if (s.isDense() && a.isDense()) {
        backend.hadamard(1.0, s.asVector(), a.asVector(), 0.0, operand.asVector());
      } else {
        for (int i = 0; i < a.rows(); i++) {
          backend.hadamard(1.0, s.row(i), a.row(i), 0.0, operand.row(i));
        }
      }
    }
    if (e.addend() != null && beta != 0.0) {
      forRows(e.addend(), c, (y, x) -> backend.copy(y, x));
    }
    backend.gemm(Transpose.of(transA), Transpose.of(transB), alpha, operand, b, beta, c);
    if (e.bias() != null) {
      backend.ger(1.0, scratch.get().ones(c.rows()), e.bias(), c);
    }
    switch (e.activation()) {
      case IDENTITY -> { }
      case TANH -> forRows(c, c, backend::tanh);
      case SIGMOID -> forRows(c, c, backend::sigmoid);
      case RELU -> forRows(c, c, backend::relu);
    }
    if (e.mixTarget() != null) {
      double eta = e.mixRate();
      forRows(c, e.mixTarget(), (phi, x) -> backend.kmStep(eta, phi, x));
    }
  }

  /** An operation on two vectors of the same length. */
  private interface RowOp {
    void apply(DVector from, DVector to);
  }

  /** {@code op} on the whole of two dense matrices at once, else row by row. */
  private static void forRows(DMatrix from, DMatrix to, RowOp op) {
    if (from.isDense() && to.isDense()) {
      op.apply(from.asVector(), to.asVector());
    } else {
      for (int i = 0; i < from.rows(); i++) {
        op.apply(from.row(i), to.row(i));
      }
    }
  }
}
