package io.github.bilevel.kernels;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.DoubleVector;

/**
 * The Vector API backend: every kernel on contiguous views is a loop over
 * {@link DoubleVector#SPECIES_PREFERRED} registers loaded straight from the
 * {@link MemorySegment}s, in the "vector loop / vector tail / scalar tail" shape: reductions
 * keep four independent accumulators in an unrolled main loop, then one accumulator for the
 * remaining whole vectors, then a scalar loop for the last {@code < lanes()} elements.
 * Strided views (stride &gt; 1) take plain scalar loops.
 *
 * <p>Results agree with {@link ScalarBackend} up to rounding: reductions sum in a different
 * order, updates use fused multiply-add, and the transcendental functions are the Vector API's.
 * {@code nrm2} takes one pass of a plain sum of squares and falls back to a second, scaled pass
 * only when that sum over- or underflows. The simplex projection uses Michelot's fixed-point
 * iteration instead of sorting.
 *
 * <p>The loops live in package-private helpers by concern: {@link SimdBlas1} (BLAS-1 and the
 * KM steps), {@link SimdBlas2} (gemv, gemvᵀ, ger), {@link SimdGemm}, {@link SimdActivations}
 * (elementwise kernels, softmax, cross-entropy) and {@link SimdClamp} (clamp, simplex search),
 * on the memory helpers of {@link SimdSupport}. This class delegates to them.
 *
 * <p><b>Threads.</b> {@code gemm} and {@code gemv} run on up to {@link #kernelThreads()} threads
 * (the caller and a lazily created pool of daemon threads owned by this backend), set by the
 * constructor argument or, for {@link #SimdBackend()}, the system property
 * {@value #THREADS_PROPERTY} (default: the available processors). The output is cut into a fixed
 * static partition (for gemm whole row blocks or column panels of C, for gemv whole four-row
 * blocks of A), each computed exactly as the single-threaded code computes it, so results are
 * bit-identical for every thread count. Products below {@value #PARALLEL_MIN_FLOPS_PER_THREAD}
 * floating-point operations per thread, gemv below {@value #PARALLEL_MIN_GEMV_ELEMENTS_PER_THREAD}
 * elements of A per thread, and operands in memory confined to the calling thread, run inline on
 * the caller.
 *
 * <p>Subclasses (the OpenBLAS backend) may override the BLAS kernels and keep the rest.
 */
public class SimdBackend extends AbstractBackend {

  // The kernel overrides delegate one by one to SimdBlas1/2, SimdGemm, SimdActivations and
  // SimdClamp, deliberately alike (one override per Backend kernel).

  /** System property with the thread count of {@link #SimdBackend()}: an integer {@code >= 1}. */
  public static final String THREADS_PROPERTY = "bilevel.threads";

  /**
   * Smallest work, in floating-point operations ({@code 2mnk} for gemm), that each extra thread
   * must get: about 0.2–0.5 ms of one core's gemm, far above the tens of microseconds a
   * hand-off to a pool thread costs, so small products never pay for the pool.
   */
  public static final long PARALLEL_MIN_FLOPS_PER_THREAD = 1L << 22;

  /**
   * Smallest gemv work, in elements of A ({@code mn}), that each extra thread must get: 2 MiB
   * of A, about 0.1–0.2 ms of one core streaming it at 10–20 GB/s, several times the tens of
   * microseconds a hand-off costs. gemv is bound by memory, not arithmetic, so its threshold is
   * counted in elements read rather than in FLOPs (2<sup>18</sup> elements are 1/8 of the gemm
   * threshold's FLOPs, for about the same time).
   */
  public static final long PARALLEL_MIN_GEMV_ELEMENTS_PER_THREAD = 1L << 18;

  private final KernelThreads threads;

  /**
   * A backend with the thread count of {@value #THREADS_PROPERTY}, or the available processors
   * when it is unset.
   *
   * @throws IllegalArgumentException if {@value #THREADS_PROPERTY} is not an integer {@code >= 1}
   */
  public SimdBackend() {
    this(KernelThreads.fromProperty(THREADS_PROPERTY));
  }

  /**
   * A backend whose kernels use up to {@code threads} threads, the caller included.
   *
   * @throws IllegalArgumentException if {@code threads < 1}
   */
  public SimdBackend(int threads) {
    this(new KernelThreads(threads, PARALLEL_MIN_FLOPS_PER_THREAD,
        PARALLEL_MIN_GEMV_ELEMENTS_PER_THREAD));
  }

  /** A backend on the given threads (tests lower the threshold to split small products). */
  SimdBackend(KernelThreads threads) {
    this.threads = threads;
  }

  /**
   * Threads per kernel call of this backend, the caller included (for the OpenBLAS subclass,
   * those of the kernels it keeps from this class; OpenBLAS has its own count).
   */
  public int kernelThreads() {
    return threads.threads();
  }

  /** Double lanes of the preferred species. */
  public static int lanes() {
    return SimdSupport.SPECIES.length();
  }

  @Override
  public String name() {
    return "simd";
  }

  // ---------------------------------------------------------------- BLAS-1 and KM

  @Override
  protected double dotKernel(DVector x, DVector y) {
    return SimdBlas1.dotKernel(x, y);
  }

  @Override
  protected double nrm2Kernel(DVector x) {
    return SimdBlas1.nrm2Kernel(x);
  }

  @Override
  protected double asumKernel(DVector x) {
    return SimdBlas1.asumKernel(x);
  }

  @Override
  protected void axpyKernel(double alpha, DVector x, DVector y) {
    SimdBlas1.axpyKernel(alpha, x, y);
  }

  @Override
  protected void axpbyKernel(double alpha, DVector x, double beta, DVector y) {
    SimdBlas1.axpbyKernel(alpha, x, beta, y);
  }

  @Override
  protected void scalKernel(double alpha, DVector x) {
    SimdBlas1.scalKernel(alpha, x);
  }

  @Override
  protected void copyKernel(DVector x, DVector y) {
    SimdBlas1.copyKernel(x, y);
  }

  @Override
  protected void fillKernel(double value, DVector x) {
    SimdBlas1.fillKernel(value, x);
  }

  @Override
  protected void rotKernel(DVector x, DVector y, double c, double s) {
    SimdBlas1.rotKernel(x, y, c, s);
  }

  @Override
  protected void kmStepKernel(double eta, DVector phi, DVector x) {
    SimdBlas1.kmStepKernel(eta, phi, x);
  }

  @Override
  protected double kmStepResidualKernel(double eta, DVector phi, DVector x) {
    return SimdBlas1.kmStepResidualKernel(eta, phi, x);
  }

  // ---------------------------------------------------------------- BLAS-2

  @Override
  protected void gemvKernel(double alpha, DMatrix a, DVector x, double beta, DVector y) {
    SimdBlas2.gemv(alpha, a, x, beta, y, threads);
  }

  @Override
  protected void gemvTKernel(double alpha, DMatrix a, DVector x, double beta, DVector y) {
    SimdBlas2.gemvT(alpha, a, x, beta, y, threads);
  }

  @Override
  protected void gerKernel(double alpha, DVector x, DVector y, DMatrix a) {
    SimdBlas2.gerKernel(alpha, x, y, a);
  }

  // ---------------------------------------------------------------- BLAS-3

  @Override
  protected void gemmKernel(boolean transA, boolean transB, double alpha, DMatrix a, DMatrix b,
      double beta, DMatrix c) {
    SimdGemm.gemm(transA, transB, alpha, a, b, beta, c, threads);
  }

  // ---------------------------------------------------------------- elementwise, softmax / CE

  @Override
  protected void tanhKernel(DVector x, DVector out) {
    SimdActivations.tanhKernel(x, out);
  }

  @Override
  protected void hadamardKernel(double alpha, DVector a, DVector x, double beta, DVector y) {
    SimdActivations.hadamardKernel(alpha, a, x, beta, y);
  }

  @Override
  protected void tanhBackwardKernel(DVector t, DVector v, DVector out) {
    SimdActivations.tanhBackwardKernel(t, v, out);
  }

  @Override
  protected void sigmoidKernel(DVector x, DVector out) {
    SimdActivations.sigmoidKernel(x, out);
  }

  @Override
  protected void sigmoidBackwardKernel(DVector s, DVector v, DVector out) {
    SimdActivations.sigmoidBackwardKernel(s, v, out);
  }

  @Override
  protected void reluKernel(DVector x, DVector out) {
    SimdActivations.reluKernel(x, out);
  }

  @Override
  protected void reluBackwardKernel(DVector x, DVector v, DVector out) {
    SimdActivations.reluBackwardKernel(x, v, out);
  }

  @Override
  protected void softmaxKernel(DMatrix logits, DMatrix out) {
    SimdActivations.softmaxKernel(logits, out);
  }

  @Override
  protected double softmaxCrossEntropyKernel(DMatrix logits, MemorySegment labels,
      DMatrix gradient) {
    return SimdActivations.softmaxCrossEntropyKernel(logits, labels, gradient);
  }

  // ---------------------------------------------------------------- clamp and simplex

  @Override
  protected void clampKernel(DVector x, double lower, double upper) {
    SimdClamp.clampKernel(x, lower, upper);
  }

  @Override
  protected void clampKernel(DVector x, DVector lower, DVector upper) {
    SimdClamp.clampKernel(x, lower, upper);
  }

  @Override
  protected void simplexKernel(DVector x, double radius) {
    SimdClamp.simplexKernel(x, radius);
  }
}
