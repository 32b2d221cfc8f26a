package io.github.bilevel.bsgm;

import io.github.bilevel.kernels.Buffers;
import io.github.bilevel.kernels.DMatrix;
import io.github.bilevel.kernels.DVector;
import io.github.bilevel.kernels.ScalarBackend;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The scalar backend, except that it records the memory it hands out and that its BLAS-1/2/3 and
 * softmax kernels throw when an operand lies outside it: a run on it shows that every buffer
 * passed to a backend op was allocated through the backend (as a device backend needs, which
 * otherwise copies host operands around each call). Results are the scalar backend's.
 * Thread-safe (the rate experiments allocate from several threads).
 */
public final class BackendMemoryBackend extends ScalarBackend {

  // start address -> end address (exclusive) of every segment handed out
  private final ConcurrentSkipListMap<Long, Long> handedOut = new ConcurrentSkipListMap<>();

  private <T> T record(MemorySegment s, T result) {
    handedOut.put(s.address(), s.address() + s.byteSize());
    return result;
  }

  /** Number of segments handed out so far. */
  public int allocations() {
    return handedOut.size();
  }

  /** Whether {@code s} lies inside memory this backend handed out. */
  public boolean owns(MemorySegment s) {
    Map.Entry<Long, Long> e = handedOut.floorEntry(s.address());
    return e != null && s.address() + s.byteSize() <= e.getValue();
  }

  private void check(String name, MemorySegment s) {
    if (!owns(s)) {
      throw new IllegalStateException(name + " is host memory, not allocated through the backend");
    }
  }

  private void check(String name, DVector v) {
    check(name, v.segment());
  }

  private void check(String name, DMatrix a) {
    check(name, a.segment());
  }

  @Override
  public MemorySegment allocate(Arena arena, long count) {
    MemorySegment s = super.allocate(arena, count);
    return record(s, s);
  }

  @Override
  public DVector vector(Arena arena, int n) {
    DVector v = super.vector(arena, n);
    return record(v.segment(), v);
  }

  @Override
  public DVector vector(Arena arena, double... values) {
    DVector v = super.vector(arena, values);
    return record(v.segment(), v);
  }

  @Override
  public DMatrix matrix(Arena arena, int rows, int cols) {
    DMatrix a = super.matrix(arena, rows, cols);
    return record(a.segment(), a);
  }

  @Override
  public DMatrix matrix(Arena arena, int rows, int cols, double... values) {
    DMatrix a = super.matrix(arena, rows, cols, values);
    return record(a.segment(), a);
  }

  @Override
  public MemorySegment labels(Arena arena, int... labels) {
    MemorySegment s = Buffers.labels(arena, labels);
    return record(s, s);
  }

  @Override
  protected double dotKernel(DVector x, DVector y) {
    check("dot x", x);
    check("dot y", y);
    return super.dotKernel(x, y);
  }

  @Override
  protected double nrm2Kernel(DVector x) {
    check("nrm2 x", x);
    return super.nrm2Kernel(x);
  }

  @Override
  protected void axpyKernel(double alpha, DVector x, DVector y) {
    check("axpy x", x);
    check("axpy y", y);
    super.axpyKernel(alpha, x, y);
  }

  @Override
  protected void axpbyKernel(double alpha, DVector x, double beta, DVector y) {
    check("axpby x", x);
    check("axpby y", y);
    super.axpbyKernel(alpha, x, beta, y);
  }

  @Override
  protected void scalKernel(double alpha, DVector x) {
    check("scal x", x);
    super.scalKernel(alpha, x);
  }

  @Override
  protected void copyKernel(DVector x, DVector y) {
    check("copy x", x);
    check("copy y", y);
    super.copyKernel(x, y);
  }

  @Override
  protected void fillKernel(double value, DVector x) {
    check("fill x", x);
    super.fillKernel(value, x);
  }

  @Override
  protected void kmStepKernel(double eta, DVector phi, DVector x) {
    check("kmStep phi", phi);
    check("kmStep x", x);
    super.kmStepKernel(eta, phi, x);
  }

  @Override
  protected double kmStepResidualKernel(double eta, DVector phi, DVector x) {
    check("kmStepResidual phi", phi);
    check("kmStepResidual x", x);
    return super.kmStepResidualKernel(eta, phi, x);
  }

  @Override
  protected void gemvKernel(double alpha, DMatrix a, DVector x, double beta, DVector y) {
    check("gemv A", a);
    check("gemv x", x);
    check("gemv y", y);
    super.gemvKernel(alpha, a, x, beta, y);
  }

  @Override
  protected void gemvTKernel(double alpha, DMatrix a, DVector x, double beta, DVector y) {
    check("gemvT A", a);
    check("gemvT x", x);
    check("gemvT y", y);
    super.gemvTKernel(alpha, a, x, beta, y);
  }

  @Override
  protected void gemmKernel(boolean transA, boolean transB, double alpha, DMatrix a, DMatrix b,
      double beta, DMatrix c) {
    check("gemm A", a);
    check("gemm B", b);
    check("gemm C", c);
    super.gemmKernel(transA, transB, alpha, a, b, beta, c);
  }

  @Override
  protected double softmaxCrossEntropyKernel(DMatrix logits, MemorySegment labels,
      DMatrix gradient) {
    check("softmaxCrossEntropy logits", logits);
    check("softmaxCrossEntropy labels", labels);
    if (gradient != null) {
      check("softmaxCrossEntropy gradient", gradient);
    }
    return super.softmaxCrossEntropyKernel(logits, labels, gradient);
  }
}
