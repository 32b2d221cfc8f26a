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
 * <p><b>Threads.</b> {@code gemm}, {@code gemv}, {@code gemvT}, the BLAS-1 kernels, the KM steps
 * and the elementwise kernels run on up to {@link #kernelThreads()} threads (the caller and a
 * lazily created pool of daemon threads owned by this backend), set by the constructor argument
 * or, for {@link #SimdBackend()}, the system property {@value #THREADS_PROPERTY} (default: the
 * available processors). The work is cut into a fixed static partition (for gemm whole row
 * blocks or column panels of C, for gemv whole four-row blocks of A, for gemvᵀ whole column
 * panels, for vectors whole chunks, see {@link SimdParallel}), each computed exactly as the
 * single-threaded code computes it, and reductions add the partial sums of fixed chunks in a
 * fixed order, so results are bit-identical for every thread count. Products below
 * {@value #PARALLEL_MIN_FLOPS_PER_THREAD} floating-point operations per thread, gemv, gemvᵀ and
 * vector kernels below {@value #PARALLEL_MIN_GEMV_ELEMENTS_PER_THREAD} elements (weighted by
 * their cost, see {@link SimdParallel}) per thread, and operands in memory confined to the
 * calling thread, run inline on the caller.
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
   * threshold's FLOPs, for about the same time). The same threshold holds for gemvᵀ and for the
   * vector kernels ({@link SimdParallel}: an element of a memory-bound kernel counts as one, of
   * tanh or sigmoid as 16), whose hand-off to a second thread cost about 10 µs here (a dot of
   * 32768 elements: 16 µs inline, 26 µs forced onto two threads, AMD EPYC with 2 vCPUs).
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

  /** Double lanes of the species of this CPU's variant (see {@link #simdVariant()}). */
  public static int lanes() {
    return SimdSupport.SPECIES.length();
  }

  /**
   * The vector variant of the BLAS-1/2 and elementwise kernels, in words: its width and why
   * (the CPU, or the system property {@code bilevel.simd.variant}: {@code auto},
   * {@code preferred}, {@code 256} or {@code 128}), e.g. {@code 256-bit (auto, CPU
   * AuthenticAMD, preferred 512-bit)}.
   */
  public static String simdVariant() {
    return SimdSupport.VARIANT;
  }

  @Override
  public String name() {
    return "simd";
  }

  // ---------------------------------------------------------------- BLAS-1 and KM

  @Override
  protected double dotKernel(DVector x, DVector y) {
    return SimdParallel.dot(x, y, threads);
  }

  @Override
  protected double nrm2Kernel(DVector x) {
    return SimdParallel.nrm2(x, threads);
  }

  @Override
  protected double asumKernel(DVector x) {
    return SimdParallel.asum(x, threads);
  }

  @Override
  protected void axpyKernel(double alpha, DVector x, DVector y) {
    SimdParallel.axpy(alpha, x, y, threads);
  }

  @Override
  protected void axpbyKernel(double alpha, DVector x, double beta, DVector y) {
    SimdParallel.axpby(alpha, x, beta, y, threads);
  }

  @Override
  protected void scalKernel(double alpha, DVector x) {
    SimdParallel.scal(alpha, x, threads);
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
    SimdParallel.rot(x, y, c, s, threads);
  }

  @Override
  protected void kmStepKernel(double eta, DVector phi, DVector x) {
    SimdParallel.kmStep(eta, phi, x, threads);
  }

  @Override
  protected double kmStepResidualKernel(double eta, DVector phi, DVector x) {
    return SimdParallel.kmStepResidual(eta, phi, x, threads);
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

  /**
   * The fused gemm of {@link SimdGemm} (scale in the packing of op(A), addend, bias,
   * activation and mix in the write-back); the composed default for {@code α = 0} or
   * {@code k = 0}, and for a subclass that replaces {@link #gemmKernel} (the OpenBLAS backend),
   * so that its fused gemm runs on its own gemm.
   */
  @Override
  protected void fusedGemmKernel(boolean transA, boolean transB, double alpha, DMatrix a,
      DMatrix b, double beta, DMatrix c, GemmEpilogue<DMatrix, DVector> epilogue) {
    int k = transA ? a.rows() : a.cols();
    if (k == 0 || alpha == 0.0 || !OWN_GEMM.get(getClass())) {
      super.fusedGemmKernel(transA, transB, alpha, a, b, beta, c, epilogue);
      return;
    }
    SimdGemm.gemm(transA, transB, alpha, a, b, beta, c, epilogue, threads);
  }

  /** Whether a subclass of this backend keeps this class's {@link #gemmKernel}. */
  private static final ClassValue<Boolean> OWN_GEMM = new ClassValue<>() {
    @Override
    protected Boolean computeValue(Class<?> type) {
      for (Class<?> k = type; k != SimdBackend.class; k = k.getSuperclass()) {
        try {
          k.getDeclaredMethod("gemmKernel", boolean.class, boolean.class, double.class,
              DMatrix.class, DMatrix.class, double.class, DMatrix.class);
          return false;
        } catch (NoSuchMethodException e) {
          // not declared here: look at the superclass
        }
      }
      return true;
    }
  };

  // ---------------------------------------------------------------- elementwise, softmax / CE

  @Override
  protected void tanhKernel(DVector x, DVector out) {
    SimdParallel.tanh(x, out, threads);
  }

  @Override
  protected void hadamardKernel(double alpha, DVector a, DVector x, double beta, DVector y) {
    SimdParallel.hadamard(alpha, a, x, beta, y, threads);
  }

  @Override
  protected void tanhBackwardKernel(DVector t, DVector v, DVector out) {
    SimdParallel.tanhBackward(t, v, out, threads);
  }

  @Override
  protected void sigmoidKernel(DVector x, DVector out) {
    SimdParallel.sigmoid(x, out, threads);
  }

  @Override
  protected void sigmoidBackwardKernel(DVector s, DVector v, DVector out) {
    SimdParallel.sigmoidBackward(s, v, out, threads);
  }

  @Override
  protected void reluKernel(DVector x, DVector out) {
    SimdParallel.relu(x, out, threads);
  }

  @Override
  protected void reluBackwardKernel(DVector x, DVector v, DVector out) {
    SimdParallel.reluBackward(x, v, out, threads);
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
