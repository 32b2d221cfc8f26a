package io.github.bilevel.nativebindings.openblas;

import static io.github.bilevel.nativebindings.Downcalls.C_POINTER;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import io.github.bilevel.nativebindings.Downcalls;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * The functions of OpenBLAS ({@code cblas.h} and {@code openblas_config.h}) that this module
 * calls, and only those, bound by hand with {@code java.lang.foreign} (the module README has the
 * {@code jextract} command line that would generate the full bindings of {@code cblas.h}): one
 * downcall {@link MethodHandle} per function, resolved when this class initialises, and a typed
 * static wrapper with the C name.
 *
 * <p>Each BLAS-1 and BLAS-2 function also has a {@code _critical} wrapper, a downcall made with
 * {@link Linker.Option#critical(boolean) Linker.Option.critical(false)}: it stays in the Java
 * thread state, skipping the transition to native and back (and the safepoint poll on return), a
 * measurable part of a call on a few dozen elements. A safepoint (a garbage collection, say)
 * cannot start until such a call returns, so the backend uses them only for small calls. {@code
 * false}: the kernels work on off-heap segments. {@code dgemm} is long-running and
 * multithreaded, so it has no critical variant.
 *
 * <p>When the library is missing this class still initialises; calling a function then throws
 * {@link UnsatisfiedLinkError} naming the reason ({@link Downcalls#downcall}).
 */
@SuppressWarnings("restricted")
public final class Cblas {

  private Cblas() {}

  private static final SymbolLookup LIBRARY = OpenBlasLibrary.lookup();

  private static final Linker.Option CRITICAL = Linker.Option.critical(false);

  /** C constant {@code CblasNoTrans}. */
  public static final int CblasNoTrans = 111;
  /** C constant {@code CblasRowMajor}. */
  public static final int CblasRowMajor = 101;
  /** C constant {@code CblasTrans}. */
  public static final int CblasTrans = 112;

  private static MethodHandle bind(String symbol, FunctionDescriptor type,
      Linker.Option... options) {
    return Downcalls.downcall(LIBRARY, OpenBlasLibrary::unavailableReason, symbol, type,
        options);
  }

  private static final FunctionDescriptor CBLAS_DASUM_TYPE = FunctionDescriptor.of(JAVA_DOUBLE,
          JAVA_INT, C_POINTER, JAVA_INT);
  private static final MethodHandle CBLAS_DASUM = bind("cblas_dasum", CBLAS_DASUM_TYPE);
  private static final MethodHandle CBLAS_DASUM_CRITICAL = bind("cblas_dasum", CBLAS_DASUM_TYPE,
      CRITICAL);
  private static final FunctionDescriptor CBLAS_DAXPBY_TYPE = FunctionDescriptor.ofVoid(JAVA_INT,
          JAVA_DOUBLE, C_POINTER, JAVA_INT, JAVA_DOUBLE, C_POINTER, JAVA_INT);
  private static final MethodHandle CBLAS_DAXPBY = bind("cblas_daxpby", CBLAS_DAXPBY_TYPE);
  private static final MethodHandle CBLAS_DAXPBY_CRITICAL = bind("cblas_daxpby", CBLAS_DAXPBY_TYPE,
      CRITICAL);
  private static final FunctionDescriptor CBLAS_DAXPY_TYPE = FunctionDescriptor.ofVoid(JAVA_INT,
          JAVA_DOUBLE, C_POINTER, JAVA_INT, C_POINTER, JAVA_INT);
  private static final MethodHandle CBLAS_DAXPY = bind("cblas_daxpy", CBLAS_DAXPY_TYPE);
  private static final MethodHandle CBLAS_DAXPY_CRITICAL = bind("cblas_daxpy", CBLAS_DAXPY_TYPE,
      CRITICAL);
  private static final FunctionDescriptor CBLAS_DCOPY_TYPE = FunctionDescriptor.ofVoid(JAVA_INT,
          C_POINTER, JAVA_INT, C_POINTER, JAVA_INT);
  private static final MethodHandle CBLAS_DCOPY = bind("cblas_dcopy", CBLAS_DCOPY_TYPE);
  private static final MethodHandle CBLAS_DCOPY_CRITICAL = bind("cblas_dcopy", CBLAS_DCOPY_TYPE,
      CRITICAL);
  private static final FunctionDescriptor CBLAS_DDOT_TYPE = FunctionDescriptor.of(JAVA_DOUBLE,
          JAVA_INT, C_POINTER, JAVA_INT, C_POINTER, JAVA_INT);
  private static final MethodHandle CBLAS_DDOT = bind("cblas_ddot", CBLAS_DDOT_TYPE);
  private static final MethodHandle CBLAS_DDOT_CRITICAL = bind("cblas_ddot", CBLAS_DDOT_TYPE,
      CRITICAL);
  private static final MethodHandle CBLAS_DGEMM = bind("cblas_dgemm",
      FunctionDescriptor.ofVoid(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
          JAVA_DOUBLE, C_POINTER, JAVA_INT, C_POINTER, JAVA_INT, JAVA_DOUBLE, C_POINTER, JAVA_INT));
  private static final FunctionDescriptor CBLAS_DGEMV_TYPE = FunctionDescriptor.ofVoid(JAVA_INT,
          JAVA_INT, JAVA_INT, JAVA_INT, JAVA_DOUBLE, C_POINTER, JAVA_INT, C_POINTER, JAVA_INT,
          JAVA_DOUBLE, C_POINTER, JAVA_INT);
  private static final MethodHandle CBLAS_DGEMV = bind("cblas_dgemv", CBLAS_DGEMV_TYPE);
  private static final MethodHandle CBLAS_DGEMV_CRITICAL = bind("cblas_dgemv", CBLAS_DGEMV_TYPE,
      CRITICAL);
  private static final FunctionDescriptor CBLAS_DGER_TYPE = FunctionDescriptor.ofVoid(JAVA_INT,
          JAVA_INT, JAVA_INT, JAVA_DOUBLE, C_POINTER, JAVA_INT, C_POINTER, JAVA_INT, C_POINTER,
          JAVA_INT);
  private static final MethodHandle CBLAS_DGER = bind("cblas_dger", CBLAS_DGER_TYPE);
  private static final MethodHandle CBLAS_DGER_CRITICAL = bind("cblas_dger", CBLAS_DGER_TYPE,
      CRITICAL);
  private static final FunctionDescriptor CBLAS_DNRM2_TYPE = FunctionDescriptor.of(JAVA_DOUBLE,
          JAVA_INT, C_POINTER, JAVA_INT);
  private static final MethodHandle CBLAS_DNRM2 = bind("cblas_dnrm2", CBLAS_DNRM2_TYPE);
  private static final MethodHandle CBLAS_DNRM2_CRITICAL = bind("cblas_dnrm2", CBLAS_DNRM2_TYPE,
      CRITICAL);
  private static final FunctionDescriptor CBLAS_DROT_TYPE = FunctionDescriptor.ofVoid(JAVA_INT,
          C_POINTER, JAVA_INT, C_POINTER, JAVA_INT, JAVA_DOUBLE, JAVA_DOUBLE);
  private static final MethodHandle CBLAS_DROT = bind("cblas_drot", CBLAS_DROT_TYPE);
  private static final MethodHandle CBLAS_DROT_CRITICAL = bind("cblas_drot", CBLAS_DROT_TYPE,
      CRITICAL);
  private static final FunctionDescriptor CBLAS_DSCAL_TYPE = FunctionDescriptor.ofVoid(JAVA_INT,
          JAVA_DOUBLE, C_POINTER, JAVA_INT);
  private static final MethodHandle CBLAS_DSCAL = bind("cblas_dscal", CBLAS_DSCAL_TYPE);
  private static final MethodHandle CBLAS_DSCAL_CRITICAL = bind("cblas_dscal", CBLAS_DSCAL_TYPE,
      CRITICAL);
  private static final MethodHandle OPENBLAS_GET_CONFIG = bind("openblas_get_config",
      FunctionDescriptor.of(C_POINTER));
  private static final MethodHandle OPENBLAS_GET_NUM_THREADS = bind("openblas_get_num_threads",
      FunctionDescriptor.of(JAVA_INT));
  private static final MethodHandle OPENBLAS_SET_NUM_THREADS = bind("openblas_set_num_threads",
      FunctionDescriptor.ofVoid(JAVA_INT));

  // One wrapper per native function, deliberately alike: invokeExact needs each call site's exact
  // static signature, so the try/invokeExact/rethrow shape cannot be shared through a helper.

  /** {@code double cblas_dasum(const blasint n, const double *x, const blasint incx)}. */
  public static double cblas_dasum(int n, MemorySegment x, int incx) {
    try {
      return (double) CBLAS_DASUM.invokeExact(n, x, incx);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }

  /** {@link #cblas_dasum}, as a critical downcall. */
  public static double cblas_dasum_critical(int n, MemorySegment x, int incx) {
    try {
      return (double) CBLAS_DASUM_CRITICAL.invokeExact(n, x, incx);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }

  /**
   * {@snippet lang=c :
   * void cblas_daxpby(const blasint n, const double alpha, const double *x, const blasint
   * incx, const double beta, double *y, const blasint incy)
   * }
   */
  public static void cblas_daxpby(int n, double alpha, MemorySegment x, int incx, double beta,
      MemorySegment y, int incy) {
    try {
      CBLAS_DAXPBY.invokeExact(n, alpha, x, incx, beta, y, incy);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }

  /** {@link #cblas_daxpby}, as a critical downcall. */
  public static void cblas_daxpby_critical(int n, double alpha, MemorySegment x, int incx,
      double beta, MemorySegment y, int incy) {
    try {
      CBLAS_DAXPBY_CRITICAL.invokeExact(n, alpha, x, incx, beta, y, incy);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }

  /**
   * {@snippet lang=c :
   * void cblas_daxpy(const blasint n, const double alpha, const double *x, const blasint
   * incx, double *y, const blasint incy)
   * }
   */
  public static void cblas_daxpy(int n, double alpha, MemorySegment x, int incx, MemorySegment y,
      int incy) {
    try {
      CBLAS_DAXPY.invokeExact(n, alpha, x, incx, y, incy);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }

  /** {@link #cblas_daxpy}, as a critical downcall. */
  public static void cblas_daxpy_critical(int n, double alpha, MemorySegment x, int incx,
      MemorySegment y, int incy) {
    try {
      CBLAS_DAXPY_CRITICAL.invokeExact(n, alpha, x, incx, y, incy);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }

  /**
   * {@snippet lang=c :
   * void cblas_dcopy(const blasint n, const double *x, const blasint incx, double *y, const
   * blasint incy)
   * }
   */
  public static void cblas_dcopy(int n, MemorySegment x, int incx, MemorySegment y, int incy) {
    try {
      CBLAS_DCOPY.invokeExact(n, x, incx, y, incy);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }

  /** {@link #cblas_dcopy}, as a critical downcall. */
  public static void cblas_dcopy_critical(int n, MemorySegment x, int incx, MemorySegment y,
      int incy) {
    try {
      CBLAS_DCOPY_CRITICAL.invokeExact(n, x, incx, y, incy);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }

  /**
   * {@snippet lang=c :
   * double cblas_ddot(const blasint n, const double *x, const blasint incx, const double *y,
   * const blasint incy)
   * }
   */
  public static double cblas_ddot(int n, MemorySegment x, int incx, MemorySegment y, int incy) {
    try {
      return (double) CBLAS_DDOT.invokeExact(n, x, incx, y, incy);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }

  /** {@link #cblas_ddot}, as a critical downcall. */
  public static double cblas_ddot_critical(int n, MemorySegment x, int incx, MemorySegment y,
      int incy) {
    try {
      return (double) CBLAS_DDOT_CRITICAL.invokeExact(n, x, incx, y, incy);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }

  /**
   * {@snippet lang=c :
   * void cblas_dgemm(const enum CBLAS_ORDER Order, const enum CBLAS_TRANSPOSE TransA, const
   * enum CBLAS_TRANSPOSE TransB, const blasint M, const blasint N, const blasint K, const
   * double alpha, const double *A, const blasint lda, const double *B, const blasint ldb,
   * const double beta, double *C, const blasint ldc)
   * }
   */
  public static void cblas_dgemm(int Order, int TransA, int TransB, int M, int N, int K,
      double alpha, MemorySegment A, int lda, MemorySegment B, int ldb, double beta,
      MemorySegment C, int ldc) {
    try {
      CBLAS_DGEMM.invokeExact(Order, TransA, TransB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }

  /**
   * {@snippet lang=c :
   * void cblas_dgemv(const enum CBLAS_ORDER order, const enum CBLAS_TRANSPOSE trans, const
   * blasint m, const blasint n, const double alpha, const double *a, const blasint lda,
   * const double *x, const blasint incx, const double beta, double *y, const blasint incy)
   * }
   */
  public static void cblas_dgemv(int order, int trans, int m, int n, double alpha, MemorySegment a,
      int lda, MemorySegment x, int incx, double beta, MemorySegment y, int incy) {
    try {
      CBLAS_DGEMV.invokeExact(order, trans, m, n, alpha, a, lda, x, incx, beta, y, incy);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }

  /** {@link #cblas_dgemv}, as a critical downcall. */
  public static void cblas_dgemv_critical(int order, int trans, int m, int n, double alpha,
      MemorySegment a, int lda, MemorySegment x, int incx, double beta, MemorySegment y, int incy) {
    try {
      CBLAS_DGEMV_CRITICAL.invokeExact(order, trans, m, n, alpha, a, lda, x, incx, beta, y, incy);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }

  /**
   * {@snippet lang=c :
   * void cblas_dger(const enum CBLAS_ORDER order, const blasint M, const blasint N, const
   * double alpha, const double *X, const blasint incX, const double *Y, const blasint incY,
   * double *A, const blasint lda)
   * }
   */
  public static void cblas_dger(int order, int M, int N, double alpha, MemorySegment X, int incX,
      MemorySegment Y, int incY, MemorySegment A, int lda) {
    try {
      CBLAS_DGER.invokeExact(order, M, N, alpha, X, incX, Y, incY, A, lda);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }

  /** {@link #cblas_dger}, as a critical downcall. */
  public static void cblas_dger_critical(int order, int M, int N, double alpha, MemorySegment X,
      int incX, MemorySegment Y, int incY, MemorySegment A, int lda) {
    try {
      CBLAS_DGER_CRITICAL.invokeExact(order, M, N, alpha, X, incX, Y, incY, A, lda);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }

  /** {@code double cblas_dnrm2(const blasint N, const double *X, const blasint incX)}. */
  public static double cblas_dnrm2(int N, MemorySegment X, int incX) {
    try {
      return (double) CBLAS_DNRM2.invokeExact(N, X, incX);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }

  /** {@link #cblas_dnrm2}, as a critical downcall. */
  public static double cblas_dnrm2_critical(int N, MemorySegment X, int incX) {
    try {
      return (double) CBLAS_DNRM2_CRITICAL.invokeExact(N, X, incX);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }

  /**
   * {@snippet lang=c :
   * void cblas_drot(const blasint N, double *X, const blasint incX, double *Y, const blasint
   * incY, const double c, const double s)
   * }
   */
  public static void cblas_drot(int N, MemorySegment X, int incX, MemorySegment Y, int incY,
      double c, double s) {
    try {
      CBLAS_DROT.invokeExact(N, X, incX, Y, incY, c, s);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }

  /** {@link #cblas_drot}, as a critical downcall. */
  public static void cblas_drot_critical(int N, MemorySegment X, int incX, MemorySegment Y,
      int incY, double c, double s) {
    try {
      CBLAS_DROT_CRITICAL.invokeExact(N, X, incX, Y, incY, c, s);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }

  /**
   * {@snippet lang=c :
   * void cblas_dscal(const blasint N, const double alpha, double *X, const blasint incX)
   * }
   */
  public static void cblas_dscal(int N, double alpha, MemorySegment X, int incX) {
    try {
      CBLAS_DSCAL.invokeExact(N, alpha, X, incX);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }

  /** {@link #cblas_dscal}, as a critical downcall. */
  public static void cblas_dscal_critical(int N, double alpha, MemorySegment X, int incX) {
    try {
      CBLAS_DSCAL_CRITICAL.invokeExact(N, alpha, X, incX);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }

  /** {@code char * openblas_get_config(void)}. */
  public static MemorySegment openblas_get_config() {
    try {
      return (MemorySegment) OPENBLAS_GET_CONFIG.invokeExact();
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }

  /** {@code int openblas_get_num_threads(void)}. */
  public static int openblas_get_num_threads() {
    try {
      return (int) OPENBLAS_GET_NUM_THREADS.invokeExact();
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }

  /** {@code void openblas_set_num_threads(int num_threads)}. */
  public static void openblas_set_num_threads(int num_threads) {
    try {
      OPENBLAS_SET_NUM_THREADS.invokeExact(num_threads);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }
}
