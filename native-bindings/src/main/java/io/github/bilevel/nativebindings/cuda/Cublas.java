package io.github.bilevel.nativebindings.cuda;

import static io.github.bilevel.nativebindings.Downcalls.C_POINTER;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import io.github.bilevel.nativebindings.Downcalls;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * The functions of cuBLAS ({@code cublas_v2.h}, {@code libcublas}) that this module calls, and
 * only those, bound by hand with {@code java.lang.foreign} (the module README has the {@code
 * jextract} command line that would generate the full bindings of {@code cublas_v2.h}): one
 * downcall {@link MethodHandle} per function, resolved when this class initialises, and a typed
 * static wrapper with the C name.
 *
 * <p>When the library is missing this class still initialises; calling a function then throws
 * {@link UnsatisfiedLinkError} naming the reason ({@link Downcalls#downcall}).
 */
@SuppressWarnings("restricted")
public final class Cublas {

  private Cublas() {}

  private static final SymbolLookup LIBRARY = CudaLibrary.CUBLAS.lookup();

  /** C constant {@code CUBLAS_OP_N}. */
  public static final int CUBLAS_OP_N = 0;
  /** C constant {@code CUBLAS_OP_T}. */
  public static final int CUBLAS_OP_T = 1;
  /** C constant {@code CUBLAS_POINTER_MODE_HOST}. */
  public static final int CUBLAS_POINTER_MODE_HOST = 0;

  private static MethodHandle bind(String symbol, FunctionDescriptor type,
      Linker.Option... options) {
    return Downcalls.downcall(LIBRARY, CudaLibrary.CUBLAS::unavailableReason, symbol, type,
        options);
  }

  private static final MethodHandle CUBLAS_CREATE_V2 = bind("cublasCreate_v2",
      FunctionDescriptor.of(JAVA_INT, C_POINTER));
  private static final MethodHandle CUBLAS_DASUM_V2 = bind("cublasDasum_v2",
      FunctionDescriptor.of(JAVA_INT, C_POINTER, JAVA_INT, C_POINTER, JAVA_INT, C_POINTER));
  private static final MethodHandle CUBLAS_DAXPY_V2 = bind("cublasDaxpy_v2",
      FunctionDescriptor.of(JAVA_INT, C_POINTER, JAVA_INT, C_POINTER, C_POINTER, JAVA_INT,
          C_POINTER, JAVA_INT));
  private static final MethodHandle CUBLAS_DCOPY_V2 = bind("cublasDcopy_v2",
      FunctionDescriptor.of(JAVA_INT, C_POINTER, JAVA_INT, C_POINTER, JAVA_INT, C_POINTER,
          JAVA_INT));
  private static final MethodHandle CUBLAS_DDOT_V2 = bind("cublasDdot_v2",
      FunctionDescriptor.of(JAVA_INT, C_POINTER, JAVA_INT, C_POINTER, JAVA_INT, C_POINTER, JAVA_INT,
          C_POINTER));
  private static final MethodHandle CUBLAS_DESTROY_V2 = bind("cublasDestroy_v2",
      FunctionDescriptor.of(JAVA_INT, C_POINTER));
  private static final MethodHandle CUBLAS_DGEMM_V2 = bind("cublasDgemm_v2",
      FunctionDescriptor.of(JAVA_INT, C_POINTER, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
          C_POINTER, C_POINTER, JAVA_INT, C_POINTER, JAVA_INT, C_POINTER, C_POINTER, JAVA_INT));
  private static final MethodHandle CUBLAS_DGEMV_V2 = bind("cublasDgemv_v2",
      FunctionDescriptor.of(JAVA_INT, C_POINTER, JAVA_INT, JAVA_INT, JAVA_INT, C_POINTER, C_POINTER,
          JAVA_INT, C_POINTER, JAVA_INT, C_POINTER, C_POINTER, JAVA_INT));
  private static final MethodHandle CUBLAS_DGER_V2 = bind("cublasDger_v2",
      FunctionDescriptor.of(JAVA_INT, C_POINTER, JAVA_INT, JAVA_INT, C_POINTER, C_POINTER, JAVA_INT,
          C_POINTER, JAVA_INT, C_POINTER, JAVA_INT));
  private static final MethodHandle CUBLAS_DROT_V2 = bind("cublasDrot_v2",
      FunctionDescriptor.of(JAVA_INT, C_POINTER, JAVA_INT, C_POINTER, JAVA_INT, C_POINTER, JAVA_INT,
          C_POINTER, C_POINTER));
  private static final MethodHandle CUBLAS_DSCAL_V2 = bind("cublasDscal_v2",
      FunctionDescriptor.of(JAVA_INT, C_POINTER, JAVA_INT, C_POINTER, C_POINTER, JAVA_INT));
  private static final MethodHandle CUBLAS_GET_STATUS_NAME = bind("cublasGetStatusName",
      FunctionDescriptor.of(C_POINTER, JAVA_INT));
  private static final MethodHandle CUBLAS_GET_STATUS_STRING = bind("cublasGetStatusString",
      FunctionDescriptor.of(C_POINTER, JAVA_INT));
  private static final MethodHandle CUBLAS_SET_POINTER_MODE_V2 = bind("cublasSetPointerMode_v2",
      FunctionDescriptor.of(JAVA_INT, C_POINTER, JAVA_INT));
  private static final MethodHandle CUBLAS_SET_STREAM_V2 = bind("cublasSetStream_v2",
      FunctionDescriptor.of(JAVA_INT, C_POINTER, C_POINTER));

  // One wrapper per native function, deliberately alike: invokeExact needs each call site's exact
  // static signature, so the try/invokeExact/rethrow shape cannot be shared through a helper.

  /** {@code cublasStatus_t cublasCreate_v2(cublasHandle_t *handle)}. */
  public static int cublasCreate_v2(MemorySegment handle) {
    try {
      return (int) CUBLAS_CREATE_V2.invokeExact(handle);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }

  /**
   * {@snippet lang=c :
   * cublasStatus_t cublasDasum_v2(cublasHandle_t handle, int n, const double *x, int incx,
   * double *result)
   * }
   */
  public static int cublasDasum_v2(MemorySegment handle, int n, MemorySegment x, int incx,
      MemorySegment result) {
    try {
      return (int) CUBLAS_DASUM_V2.invokeExact(handle, n, x, incx, result);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }

  /**
   * {@snippet lang=c :
   * cublasStatus_t cublasDaxpy_v2(cublasHandle_t handle, int n, const double *alpha, const
   * double *x, int incx, double *y, int incy)
   * }
   */
  public static int cublasDaxpy_v2(MemorySegment handle, int n, MemorySegment alpha,
      MemorySegment x, int incx, MemorySegment y, int incy) {
    try {
      return (int) CUBLAS_DAXPY_V2.invokeExact(handle, n, alpha, x, incx, y, incy);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }

  /**
   * {@snippet lang=c :
   * cublasStatus_t cublasDcopy_v2(cublasHandle_t handle, int n, const double *x, int incx,
   * double *y, int incy)
   * }
   */
  public static int cublasDcopy_v2(MemorySegment handle, int n, MemorySegment x, int incx,
      MemorySegment y, int incy) {
    try {
      return (int) CUBLAS_DCOPY_V2.invokeExact(handle, n, x, incx, y, incy);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }

  /**
   * {@snippet lang=c :
   * cublasStatus_t cublasDdot_v2(cublasHandle_t handle, int n, const double *x, int incx,
   * const double *y, int incy, double *result)
   * }
   */
  public static int cublasDdot_v2(MemorySegment handle, int n, MemorySegment x, int incx,
      MemorySegment y, int incy, MemorySegment result) {
    try {
      return (int) CUBLAS_DDOT_V2.invokeExact(handle, n, x, incx, y, incy, result);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }

  /** {@code cublasStatus_t cublasDestroy_v2(cublasHandle_t handle)}. */
  public static int cublasDestroy_v2(MemorySegment handle) {
    try {
      return (int) CUBLAS_DESTROY_V2.invokeExact(handle);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }

  /**
   * {@snippet lang=c :
   * cublasStatus_t cublasDgemm_v2(cublasHandle_t handle, cublasOperation_t transa,
   * cublasOperation_t transb, int m, int n, int k, const double *alpha, const double *A, int
   * lda, const double *B, int ldb, const double *beta, double *C, int ldc)
   * }
   */
  public static int cublasDgemm_v2(MemorySegment handle, int transa, int transb, int m, int n,
      int k, MemorySegment alpha, MemorySegment A, int lda, MemorySegment B, int ldb,
      MemorySegment beta, MemorySegment C, int ldc) {
    try {
      return (int) CUBLAS_DGEMM_V2.invokeExact(handle, transa, transb, m, n, k, alpha, A, lda, B,
          ldb, beta, C, ldc);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }

  /**
   * {@snippet lang=c :
   * cublasStatus_t cublasDgemv_v2(cublasHandle_t handle, cublasOperation_t trans, int m, int
   * n, const double *alpha, const double *A, int lda, const double *x, int incx, const
   * double *beta, double *y, int incy)
   * }
   */
  public static int cublasDgemv_v2(MemorySegment handle, int trans, int m, int n,
      MemorySegment alpha, MemorySegment A, int lda, MemorySegment x, int incx, MemorySegment beta,
      MemorySegment y, int incy) {
    try {
      return (int) CUBLAS_DGEMV_V2.invokeExact(handle, trans, m, n, alpha, A, lda, x, incx, beta, y,
          incy);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }

  /**
   * {@snippet lang=c :
   * cublasStatus_t cublasDger_v2(cublasHandle_t handle, int m, int n, const double *alpha,
   * const double *x, int incx, const double *y, int incy, double *A, int lda)
   * }
   */
  public static int cublasDger_v2(MemorySegment handle, int m, int n, MemorySegment alpha,
      MemorySegment x, int incx, MemorySegment y, int incy, MemorySegment A, int lda) {
    try {
      return (int) CUBLAS_DGER_V2.invokeExact(handle, m, n, alpha, x, incx, y, incy, A, lda);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }

  /**
   * {@snippet lang=c :
   * cublasStatus_t cublasDrot_v2(cublasHandle_t handle, int n, double *x, int incx, double
   * *y, int incy, const double *c, const double *s)
   * }
   */
  public static int cublasDrot_v2(MemorySegment handle, int n, MemorySegment x, int incx,
      MemorySegment y, int incy, MemorySegment c, MemorySegment s) {
    try {
      return (int) CUBLAS_DROT_V2.invokeExact(handle, n, x, incx, y, incy, c, s);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }

  /**
   * {@snippet lang=c :
   * cublasStatus_t cublasDscal_v2(cublasHandle_t handle, int n, const double *alpha, double
   * *x, int incx)
   * }
   */
  public static int cublasDscal_v2(MemorySegment handle, int n, MemorySegment alpha,
      MemorySegment x, int incx) {
    try {
      return (int) CUBLAS_DSCAL_V2.invokeExact(handle, n, alpha, x, incx);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }

  /** {@code const char *cublasGetStatusName(cublasStatus_t status)}. */
  public static MemorySegment cublasGetStatusName(int status) {
    try {
      return (MemorySegment) CUBLAS_GET_STATUS_NAME.invokeExact(status);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }

  /** {@code const char *cublasGetStatusString(cublasStatus_t status)}. */
  public static MemorySegment cublasGetStatusString(int status) {
    try {
      return (MemorySegment) CUBLAS_GET_STATUS_STRING.invokeExact(status);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }

  /**
   * {@snippet lang=c :
   * cublasStatus_t cublasSetPointerMode_v2(cublasHandle_t handle, cublasPointerMode_t mode)
   * }
   */
  public static int cublasSetPointerMode_v2(MemorySegment handle, int mode) {
    try {
      return (int) CUBLAS_SET_POINTER_MODE_V2.invokeExact(handle, mode);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }

  /** {@code cublasStatus_t cublasSetStream_v2(cublasHandle_t handle, cudaStream_t streamId)}. */
  public static int cublasSetStream_v2(MemorySegment handle, MemorySegment streamId) {
    try {
      return (int) CUBLAS_SET_STREAM_V2.invokeExact(handle, streamId);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }
}
