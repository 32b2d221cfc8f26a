package io.github.bilevel.nativebindings.openblas;

import io.github.bilevel.kernels.Backends;
import io.github.bilevel.kernels.DMatrix;
import io.github.bilevel.kernels.DVector;
import io.github.bilevel.kernels.SimdBackend;
import java.lang.System.Logger.Level;
import java.lang.foreign.MemorySegment;
import java.util.Optional;

/**
 * The {@link SimdBackend} with its BLAS kernels (dot, nrm2, asum, axpy, axpby, scal, copy, rot,
 * gemv, gemvᵀ, ger, gemm) replaced by OpenBLAS calls through {@link Cblas}; everything else
 * (the KM step, activations, softmax, clamp) is inherited. Matrices are passed row-major
 * ({@code CblasRowMajor}) with their leading dimension, vectors with their stride as
 * {@code incx}.
 *
 * <p>Semantics are those of the {@link io.github.bilevel.kernels.Backend} contract, also where
 * OpenBLAS takes shortcuts: with {@code β = 0} the output of {@code gemv}/{@code gemm}/
 * {@code axpby} is not read (NaN there does not propagate), and {@code scal}/{@code axpby} with
 * {@code α = 0} multiply (so {@code 0 · NaN = NaN}, which OpenBLAS's zero shortcut would not
 * give) by running the inherited kernel. Views on heap segments (which a native call cannot
 * take) also run the inherited kernels.
 *
 * <p>Threads: OpenBLAS's own default unless the system property
 * {@value OpenBlasLibrary#THREADS_PROPERTY} is set when this class is first loaded, or
 * {@link #setThreads(int)} is called. The library is found by {@link OpenBlasLibrary}.
 */
public class OpenBlasBackend extends SimdBackend {

  /**
   * Largest amount of work (elements touched: {@code n} for BLAS-1, {@code m·n} for BLAS-2) for
   * which the {@code $critical} downcalls are used. Such a call returns within a few
   * microseconds, where the skipped thread-state transition is a visible share of the time;
   * above it the transition is noise and a long critical call would hold up safepoints (garbage
   * collection) for every thread, so the plain downcall is used.
   */
  static final int CRITICAL_MAX_WORK = 1 << 14;

  private static final System.Logger LOG = System.getLogger(OpenBlasBackend.class.getName());

  private static final int ROW_MAJOR = Cblas.CblasRowMajor;
  private static final int NO_TRANS = Cblas.CblasNoTrans;
  private static final int TRANS = Cblas.CblasTrans;

  private static final Optional<String> UNAVAILABLE = computeUnavailableReason();

  /** Whether the loaded library exports {@code cblas_daxpby} (an OpenBLAS extension). */
  private static final boolean HAS_AXPBY = OpenBlasLibrary.hasSymbol("cblas_daxpby");

  static {
    if (UNAVAILABLE.isEmpty()) {
      applyThreadsProperty();
      LOG.log(Level.DEBUG, () -> "OpenBLAS from " + OpenBlasLibrary.loadedFrom().orElse("?")
          + ": " + config() + ", " + threads() + " thread(s)");
    }
  }

  /**
   * Creates the backend.
   *
   * @throws IllegalStateException when OpenBLAS (or the Vector API the inherited kernels use)
   *     is not available here; the message says why and how to install it
   */
  public OpenBlasBackend() {
    requireAvailable();
    super();
  }

  /**
   * Creates the backend with OpenBLAS on {@code threads} threads ({@link #setThreads}, for every
   * caller in this JVM) and the inherited SIMD kernels on as many.
   *
   * @throws IllegalArgumentException if {@code threads < 1}
   * @throws IllegalStateException    when OpenBLAS or the Vector API is not available here
   */
  public OpenBlasBackend(int threads) {
    requireAvailable();
    super(threads);
    setThreads(threads);
  }

  private static Optional<String> computeUnavailableReason() {
    Optional<String> library = OpenBlasLibrary.unavailableReason();
    if (library.isPresent()) {
      return library;
    }
    return Backends.vectorApiUnavailableReason()
        .map(r -> "the OpenBLAS backend builds on the SIMD backend, which cannot run: " + r);
  }

  private static void applyThreadsProperty() {
    String value = System.getProperty(OpenBlasLibrary.THREADS_PROPERTY);
    if (value != null && !value.isBlank() && !applyThreads(value)) {
      LOG.log(Level.WARNING, "ignoring -D" + OpenBlasLibrary.THREADS_PROPERTY + "=" + value
          + ": not a positive integer; OpenBLAS keeps its default");
    }
  }

  /**
   * Sets the thread count from a property value; returns false (and changes nothing) unless it
   * is a positive integer.
   */
  static boolean applyThreads(String value) {
    int threads;
    try {
      threads = Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      return false;
    }
    if (threads < 1) {
      return false;
    }
    setThreads(threads);
    return true;
  }

  private static void requireAvailable() {
    if (UNAVAILABLE.isPresent()) {
      throw new IllegalStateException("OpenBLAS backend unavailable: " + UNAVAILABLE.get());
    }
  }

  /** Why this backend cannot run here (library not found, ...), or empty when it can. */
  public static Optional<String> unavailableReason() {
    return UNAVAILABLE;
  }

  /**
   * Sets the number of threads OpenBLAS uses (for every caller in this JVM).
   *
   * @param threads at least 1
   * @throws IllegalArgumentException if {@code threads < 1}
   * @throws IllegalStateException    if OpenBLAS is not available
   */
  public static void setThreads(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("OpenBLAS threads must be >= 1, got " + threads);
    }
    requireAvailable();
    Cblas.openblas_set_num_threads(threads);
  }

  /**
   * The number of threads OpenBLAS uses.
   *
   * @throws IllegalStateException if OpenBLAS is not available
   */
  public static int threads() {
    requireAvailable();
    return Cblas.openblas_get_num_threads();
  }

  /**
   * OpenBLAS's build description ({@code openblas_get_config()}: version, target, threading),
   * for logs and benchmark records.
   *
   * @throws IllegalStateException if OpenBLAS is not available
   */
  public static String config() {
    requireAvailable();
    return Cblas.openblas_get_config().getString(0);
  }

  @Override
  public String name() {
    return "openblas";
  }

  // ---------------------------------------------------------------- helpers

  private static boolean offHeap(DVector v) {
    return v.segment().isNative();
  }

  private static boolean offHeap(DMatrix a) {
    return a.segment().isNative();
  }

  /** The address of element 0 (the BLAS {@code x} pointer). */
  private static MemorySegment at(DVector v) {
    return v.segment().asSlice(v.byteOffset(0));
  }

  /** The address of element (0, 0) (the BLAS {@code A} pointer). */
  private static MemorySegment at(DMatrix a) {
    return a.segment().asSlice(a.byteOffset(0, 0));
  }

  private static boolean small(long work) {
    return work <= CRITICAL_MAX_WORK;
  }

  // ---------------------------------------------------------------- BLAS-1

  // Each kernel: fall back for on-heap operands, then the critical or plain downcall by size;
  // alike on purpose, as each calls its own exact-signature binding (see Cblas).
  @Override
  protected double dotKernel(DVector x, DVector y) {
    if (!offHeap(x) || !offHeap(y)) {
      return super.dotKernel(x, y);
    }
    int n = x.length();
    return small(n)
        ? Cblas.cblas_ddot_critical(n, at(x), x.stride(), at(y), y.stride())
        : Cblas.cblas_ddot(n, at(x), x.stride(), at(y), y.stride());
  }

  @Override
  protected double nrm2Kernel(DVector x) {
    if (!offHeap(x)) {
      return super.nrm2Kernel(x);
    }
    int n = x.length();
    return small(n)
        ? Cblas.cblas_dnrm2_critical(n, at(x), x.stride())
        : Cblas.cblas_dnrm2(n, at(x), x.stride());
  }

  @Override
  protected double asumKernel(DVector x) {
    if (!offHeap(x)) {
      return super.asumKernel(x);
    }
    int n = x.length();
    return small(n)
        ? Cblas.cblas_dasum_critical(n, at(x), x.stride())
        : Cblas.cblas_dasum(n, at(x), x.stride());
  }

  @Override
  protected void axpyKernel(double alpha, DVector x, DVector y) {
    if (!offHeap(x) || !offHeap(y)) {
      super.axpyKernel(alpha, x, y);
      return;
    }
    int n = x.length();
    if (small(n)) {
      Cblas.cblas_daxpy_critical(n, alpha, at(x), x.stride(), at(y), y.stride());
    } else {
      Cblas.cblas_daxpy(n, alpha, at(x), x.stride(), at(y), y.stride());
    }
  }

  @Override
  protected void axpbyKernel(double alpha, DVector x, double beta, DVector y) {
    // α = 0: OpenBLAS skips x (no 0 · NaN); the contract multiplies, so the inherited kernel runs.
    if (!HAS_AXPBY || alpha == 0.0 || !offHeap(x) || !offHeap(y)) {
      super.axpbyKernel(alpha, x, beta, y);
      return;
    }
    int n = x.length();
    if (small(n)) {
      Cblas.cblas_daxpby_critical(n, alpha, at(x), x.stride(), beta, at(y), y.stride());
    } else {
      Cblas.cblas_daxpby(n, alpha, at(x), x.stride(), beta, at(y), y.stride());
    }
  }

  @Override
  protected void scalKernel(double alpha, DVector x) {
    // α = 0: OpenBLAS (before 0.3.27) writes zeros without reading x; the contract multiplies.
    if (alpha == 0.0 || !offHeap(x)) {
      super.scalKernel(alpha, x);
      return;
    }
    int n = x.length();
    if (small(n)) {
      Cblas.cblas_dscal_critical(n, alpha, at(x), x.stride());
    } else {
      Cblas.cblas_dscal(n, alpha, at(x), x.stride());
    }
  }

  @Override
  protected void copyKernel(DVector x, DVector y) {
    if (!offHeap(x) || !offHeap(y)) {
      super.copyKernel(x, y);
      return;
    }
    int n = x.length();
    if (small(n)) {
      Cblas.cblas_dcopy_critical(n, at(x), x.stride(), at(y), y.stride());
    } else {
      Cblas.cblas_dcopy(n, at(x), x.stride(), at(y), y.stride());
    }
  }

  @Override
  protected void rotKernel(DVector x, DVector y, double c, double s) {
    if (!offHeap(x) || !offHeap(y)) {
      super.rotKernel(x, y, c, s);
      return;
    }
    int n = x.length();
    if (small(n)) {
      Cblas.cblas_drot_critical(n, at(x), x.stride(), at(y), y.stride(), c, s);
    } else {
      Cblas.cblas_drot(n, at(x), x.stride(), at(y), y.stride(), c, s);
    }
  }

  // ---------------------------------------------------------------- BLAS-2

  @Override
  protected void gemvKernel(double alpha, DMatrix a, DVector x, double beta, DVector y) {
    if (!offHeap(a) || !offHeap(x) || !offHeap(y)) {
      super.gemvKernel(alpha, a, x, beta, y);
      return;
    }
    gemv(NO_TRANS, alpha, a, x, beta, y);
  }

  @Override
  protected void gemvTKernel(double alpha, DMatrix a, DVector x, double beta, DVector y) {
    if (!offHeap(a) || !offHeap(x) || !offHeap(y)) {
      super.gemvTKernel(alpha, a, x, beta, y);
      return;
    }
    gemv(TRANS, alpha, a, x, beta, y);
  }

  private void gemv(int trans, double alpha, DMatrix a, DVector x, double beta, DVector y) {
    if (beta == 0.0) {
      // OpenBLAS scales y by β through dscal; whether dscal by 0 reads y (0 · NaN) changed
      // between releases, so y is zeroed here first (O(m) next to the O(mn) product).
      fillKernel(0.0, y);
    }
    int m = a.rows();
    int n = a.cols();
    if (small((long) m * n)) {
      Cblas.cblas_dgemv_critical(ROW_MAJOR, trans, m, n, alpha, at(a), a.ld(), at(x),
          x.stride(), beta, at(y), y.stride());
    } else {
      Cblas.cblas_dgemv(ROW_MAJOR, trans, m, n, alpha, at(a), a.ld(), at(x), x.stride(), beta,
          at(y), y.stride());
    }
  }

  @Override
  protected void gerKernel(double alpha, DVector x, DVector y, DMatrix a) {
    if (!offHeap(a) || !offHeap(x) || !offHeap(y)) {
      super.gerKernel(alpha, x, y, a);
      return;
    }
    int m = a.rows();
    int n = a.cols();
    if (small((long) m * n)) {
      Cblas.cblas_dger_critical(ROW_MAJOR, m, n, alpha, at(x), x.stride(), at(y), y.stride(),
          at(a), a.ld());
    } else {
      Cblas.cblas_dger(ROW_MAJOR, m, n, alpha, at(x), x.stride(), at(y), y.stride(), at(a),
          a.ld());
    }
  }

  // ---------------------------------------------------------------- BLAS-3

  @Override
  protected void gemmKernel(boolean transA, boolean transB, double alpha, DMatrix a, DMatrix b,
      double beta, DMatrix c) {
    if (!offHeap(a) || !offHeap(b) || !offHeap(c)) {
      super.gemmKernel(transA, transB, alpha, a, b, beta, c);
      return;
    }
    int m = c.rows();
    int n = c.cols();
    int k = transA ? a.rows() : a.cols();
    // With β = 0 OpenBLAS's dgemm_beta writes zeros into C without reading it.
    Cblas.cblas_dgemm(ROW_MAJOR, transA ? TRANS : NO_TRANS, transB ? TRANS : NO_TRANS, m, n, k,
        alpha, at(a), a.ld(), at(b), b.ld(), beta, at(c), c.ld());
  }
}
