package io.github.bilevel.nativebindings.cuda;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Bindings to the part of cuBLAS ({@code cublas_v2.h}, {@code libcublas}) the CUDA backend
 * needs, in the layout {@code jextract} generates (see the module README). The {@code _v2}
 * symbols are the ones {@code cublas_v2.h} maps the plain names to (scalars by pointer, a
 * handle first); {@code cublasDgemmStridedBatched} and {@code cublasDgeam} have no
 * {@code _v2} suffix. cuBLAS is column-major; the backend passes row-major matrices as their
 * transposes (see {@link CudaBackend}).
 *
 * <p>The library is found by {@link CudaLibrary#CUBLAS}; when it is missing this class still
 * initialises, and the first call of a function throws {@link UnsatisfiedLinkError} naming the
 * reason. Every function but {@code cublasGetStatusString}/{@code cublasGetStatusName} returns
 * a {@code cublasStatus_t}; {@link CudaException#checkCublas} turns a failure into an
 * exception.
 */
@SuppressWarnings({"restricted", "unused"})
public final class cublas_v2_h {

  cublas_v2_h() {
    // Should not be called directly
  }

  static final SymbolLookup SYMBOL_LOOKUP = CudaLibrary.CUBLAS.lookup();

  static final boolean TRACE_DOWNCALLS = Boolean.getBoolean("jextract.trace.downcalls");

  static void traceDowncall(String name, Object... args) {
    String traceArgs = Arrays.stream(args)
        .map(Object::toString)
        .collect(Collectors.joining(", "));
    System.out.printf("%s(%s)\n", name, traceArgs);
  }

  static MemorySegment findOrThrow(String symbol) {
    return SYMBOL_LOOKUP.find(symbol)
        .orElseThrow(() -> new UnsatisfiedLinkError("unresolved symbol: " + symbol
            + CudaLibrary.CUBLAS.unavailableReason().map(r -> " (" + r + ")").orElse("")));
  }

  /** C {@code int} (also the enums and status codes). */
  public static final ValueLayout.OfInt C_INT = ValueLayout.JAVA_INT;

  /** C {@code long} (LP64: 64 bits; also {@code size_t}). */
  public static final ValueLayout.OfLong C_LONG = ValueLayout.JAVA_LONG;

  /** C {@code long long}. */
  public static final ValueLayout.OfLong C_LONG_LONG = ValueLayout.JAVA_LONG;

  /** C {@code float}. */
  public static final ValueLayout.OfFloat C_FLOAT = ValueLayout.JAVA_FLOAT;

  /** C {@code double}. */
  public static final ValueLayout.OfDouble C_DOUBLE = ValueLayout.JAVA_DOUBLE;

  /** C pointer (to bytes of unbounded size, so that a returned {@code char *} can be read). */
  public static final AddressLayout C_POINTER = ValueLayout.ADDRESS
      .withTargetLayout(MemoryLayout.sequenceLayout(java.lang.Long.MAX_VALUE,
          ValueLayout.JAVA_BYTE));

  private static final int CUBLAS_STATUS_SUCCESS = (int) 0L;

  /** {@snippet lang=c : CUBLAS_STATUS_SUCCESS = 0 } */
  public static int CUBLAS_STATUS_SUCCESS() {
    return CUBLAS_STATUS_SUCCESS;
  }

  private static final int CUBLAS_STATUS_NOT_INITIALIZED = (int) 1L;

  /** {@snippet lang=c : CUBLAS_STATUS_NOT_INITIALIZED = 1 } */
  public static int CUBLAS_STATUS_NOT_INITIALIZED() {
    return CUBLAS_STATUS_NOT_INITIALIZED;
  }

  private static final int CUBLAS_STATUS_ALLOC_FAILED = (int) 3L;

  /** {@snippet lang=c : CUBLAS_STATUS_ALLOC_FAILED = 3 } */
  public static int CUBLAS_STATUS_ALLOC_FAILED() {
    return CUBLAS_STATUS_ALLOC_FAILED;
  }

  private static final int CUBLAS_STATUS_INVALID_VALUE = (int) 7L;

  /** {@snippet lang=c : CUBLAS_STATUS_INVALID_VALUE = 7 } */
  public static int CUBLAS_STATUS_INVALID_VALUE() {
    return CUBLAS_STATUS_INVALID_VALUE;
  }

  private static final int CUBLAS_STATUS_EXECUTION_FAILED = (int) 13L;

  /** {@snippet lang=c : CUBLAS_STATUS_EXECUTION_FAILED = 13 } */
  public static int CUBLAS_STATUS_EXECUTION_FAILED() {
    return CUBLAS_STATUS_EXECUTION_FAILED;
  }

  private static final int CUBLAS_OP_N = (int) 0L;

  /** {@snippet lang=c : cublasOperation_t.CUBLAS_OP_N = 0 } */
  public static int CUBLAS_OP_N() {
    return CUBLAS_OP_N;
  }

  private static final int CUBLAS_OP_T = (int) 1L;

  /** {@snippet lang=c : cublasOperation_t.CUBLAS_OP_T = 1 } */
  public static int CUBLAS_OP_T() {
    return CUBLAS_OP_T;
  }

  private static final int CUBLAS_POINTER_MODE_HOST = (int) 0L;

  /** {@snippet lang=c : cublasPointerMode_t.CUBLAS_POINTER_MODE_HOST = 0 } */
  public static int CUBLAS_POINTER_MODE_HOST() {
    return CUBLAS_POINTER_MODE_HOST;
  }

  private static final int CUBLAS_POINTER_MODE_DEVICE = (int) 1L;

  /** {@snippet lang=c : cublasPointerMode_t.CUBLAS_POINTER_MODE_DEVICE = 1 } */
  public static int CUBLAS_POINTER_MODE_DEVICE() {
    return CUBLAS_POINTER_MODE_DEVICE;
  }

  private static final class cublasCreate_v2 {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);

    static final MemorySegment ADDR = findOrThrow("cublasCreate_v2");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * cublasStatus_t cublasCreate_v2(cublasHandle_t *handle)
   * }
   */
  public static FunctionDescriptor cublasCreate_v2$descriptor() {
    return cublasCreate_v2.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * cublasStatus_t cublasCreate_v2(cublasHandle_t *handle)
   * }
   */
  public static MethodHandle cublasCreate_v2$handle() {
    return cublasCreate_v2.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * cublasStatus_t cublasCreate_v2(cublasHandle_t *handle)
   * }
   */
  public static MemorySegment cublasCreate_v2$address() {
    return cublasCreate_v2.ADDR;
  }

  /**
   * {@snippet lang=c :
   * cublasStatus_t cublasCreate_v2(cublasHandle_t *handle)
   * }
   */
  public static int cublasCreate_v2(MemorySegment handle) {
    var mh$ = cublasCreate_v2.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cublasCreate_v2", handle);
      }
      return (int) mh$.invokeExact(handle);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class cublasDestroy_v2 {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);

    static final MemorySegment ADDR = findOrThrow("cublasDestroy_v2");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * cublasStatus_t cublasDestroy_v2(cublasHandle_t handle)
   * }
   */
  public static FunctionDescriptor cublasDestroy_v2$descriptor() {
    return cublasDestroy_v2.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * cublasStatus_t cublasDestroy_v2(cublasHandle_t handle)
   * }
   */
  public static MethodHandle cublasDestroy_v2$handle() {
    return cublasDestroy_v2.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * cublasStatus_t cublasDestroy_v2(cublasHandle_t handle)
   * }
   */
  public static MemorySegment cublasDestroy_v2$address() {
    return cublasDestroy_v2.ADDR;
  }

  /**
   * {@snippet lang=c :
   * cublasStatus_t cublasDestroy_v2(cublasHandle_t handle)
   * }
   */
  public static int cublasDestroy_v2(MemorySegment handle) {
    var mh$ = cublasDestroy_v2.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cublasDestroy_v2", handle);
      }
      return (int) mh$.invokeExact(handle);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class cublasGetVersion_v2 {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);

    static final MemorySegment ADDR = findOrThrow("cublasGetVersion_v2");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * cublasStatus_t cublasGetVersion_v2(cublasHandle_t handle, int *version)
   * }
   */
  public static FunctionDescriptor cublasGetVersion_v2$descriptor() {
    return cublasGetVersion_v2.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * cublasStatus_t cublasGetVersion_v2(cublasHandle_t handle, int *version)
   * }
   */
  public static MethodHandle cublasGetVersion_v2$handle() {
    return cublasGetVersion_v2.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * cublasStatus_t cublasGetVersion_v2(cublasHandle_t handle, int *version)
   * }
   */
  public static MemorySegment cublasGetVersion_v2$address() {
    return cublasGetVersion_v2.ADDR;
  }

  /**
   * {@snippet lang=c :
   * cublasStatus_t cublasGetVersion_v2(cublasHandle_t handle, int *version)
   * }
   */
  public static int cublasGetVersion_v2(MemorySegment handle, MemorySegment version) {
    var mh$ = cublasGetVersion_v2.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cublasGetVersion_v2", handle, version);
      }
      return (int) mh$.invokeExact(handle, version);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class cublasSetStream_v2 {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);

    static final MemorySegment ADDR = findOrThrow("cublasSetStream_v2");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * cublasStatus_t cublasSetStream_v2(cublasHandle_t handle, cudaStream_t streamId)
   * }
   */
  public static FunctionDescriptor cublasSetStream_v2$descriptor() {
    return cublasSetStream_v2.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * cublasStatus_t cublasSetStream_v2(cublasHandle_t handle, cudaStream_t streamId)
   * }
   */
  public static MethodHandle cublasSetStream_v2$handle() {
    return cublasSetStream_v2.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * cublasStatus_t cublasSetStream_v2(cublasHandle_t handle, cudaStream_t streamId)
   * }
   */
  public static MemorySegment cublasSetStream_v2$address() {
    return cublasSetStream_v2.ADDR;
  }

  /**
   * {@snippet lang=c :
   * cublasStatus_t cublasSetStream_v2(cublasHandle_t handle, cudaStream_t streamId)
   * }
   */
  public static int cublasSetStream_v2(MemorySegment handle, MemorySegment streamId) {
    var mh$ = cublasSetStream_v2.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cublasSetStream_v2", handle, streamId);
      }
      return (int) mh$.invokeExact(handle, streamId);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class cublasSetPointerMode_v2 {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT);

    static final MemorySegment ADDR = findOrThrow("cublasSetPointerMode_v2");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * cublasStatus_t cublasSetPointerMode_v2(cublasHandle_t handle, cublasPointerMode_t mode)
   * }
   */
  public static FunctionDescriptor cublasSetPointerMode_v2$descriptor() {
    return cublasSetPointerMode_v2.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * cublasStatus_t cublasSetPointerMode_v2(cublasHandle_t handle, cublasPointerMode_t mode)
   * }
   */
  public static MethodHandle cublasSetPointerMode_v2$handle() {
    return cublasSetPointerMode_v2.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * cublasStatus_t cublasSetPointerMode_v2(cublasHandle_t handle, cublasPointerMode_t mode)
   * }
   */
  public static MemorySegment cublasSetPointerMode_v2$address() {
    return cublasSetPointerMode_v2.ADDR;
  }

  /**
   * {@snippet lang=c :
   * cublasStatus_t cublasSetPointerMode_v2(cublasHandle_t handle, cublasPointerMode_t mode)
   * }
   */
  public static int cublasSetPointerMode_v2(MemorySegment handle, int mode) {
    var mh$ = cublasSetPointerMode_v2.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cublasSetPointerMode_v2", handle, mode);
      }
      return (int) mh$.invokeExact(handle, mode);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class cublasDdot_v2 {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_POINTER, C_INT, C_POINTER, C_INT, C_POINTER);

    static final MemorySegment ADDR = findOrThrow("cublasDdot_v2");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * cublasStatus_t cublasDdot_v2(cublasHandle_t handle, int n, const double *x, int incx, const
   * double *y, int incy, double *result)
   * }
   */
  public static FunctionDescriptor cublasDdot_v2$descriptor() {
    return cublasDdot_v2.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * cublasStatus_t cublasDdot_v2(cublasHandle_t handle, int n, const double *x, int incx, const
   * double *y, int incy, double *result)
   * }
   */
  public static MethodHandle cublasDdot_v2$handle() {
    return cublasDdot_v2.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * cublasStatus_t cublasDdot_v2(cublasHandle_t handle, int n, const double *x, int incx, const
   * double *y, int incy, double *result)
   * }
   */
  public static MemorySegment cublasDdot_v2$address() {
    return cublasDdot_v2.ADDR;
  }

  /**
   * {@snippet lang=c :
   * cublasStatus_t cublasDdot_v2(cublasHandle_t handle, int n, const double *x, int incx, const
   * double *y, int incy, double *result)
   * }
   */
  public static int cublasDdot_v2(MemorySegment handle, int n, MemorySegment x, int incx, MemorySegment y, int incy, MemorySegment result) {
    var mh$ = cublasDdot_v2.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cublasDdot_v2", handle, n, x, incx, y, incy, result);
      }
      return (int) mh$.invokeExact(handle, n, x, incx, y, incy, result);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class cublasDnrm2_v2 {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_POINTER, C_INT, C_POINTER);

    static final MemorySegment ADDR = findOrThrow("cublasDnrm2_v2");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * cublasStatus_t cublasDnrm2_v2(cublasHandle_t handle, int n, const double *x, int incx,
   * double *result)
   * }
   */
  public static FunctionDescriptor cublasDnrm2_v2$descriptor() {
    return cublasDnrm2_v2.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * cublasStatus_t cublasDnrm2_v2(cublasHandle_t handle, int n, const double *x, int incx,
   * double *result)
   * }
   */
  public static MethodHandle cublasDnrm2_v2$handle() {
    return cublasDnrm2_v2.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * cublasStatus_t cublasDnrm2_v2(cublasHandle_t handle, int n, const double *x, int incx,
   * double *result)
   * }
   */
  public static MemorySegment cublasDnrm2_v2$address() {
    return cublasDnrm2_v2.ADDR;
  }

  /**
   * {@snippet lang=c :
   * cublasStatus_t cublasDnrm2_v2(cublasHandle_t handle, int n, const double *x, int incx,
   * double *result)
   * }
   */
  public static int cublasDnrm2_v2(MemorySegment handle, int n, MemorySegment x, int incx, MemorySegment result) {
    var mh$ = cublasDnrm2_v2.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cublasDnrm2_v2", handle, n, x, incx, result);
      }
      return (int) mh$.invokeExact(handle, n, x, incx, result);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class cublasDasum_v2 {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_POINTER, C_INT, C_POINTER);

    static final MemorySegment ADDR = findOrThrow("cublasDasum_v2");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * cublasStatus_t cublasDasum_v2(cublasHandle_t handle, int n, const double *x, int incx,
   * double *result)
   * }
   */
  public static FunctionDescriptor cublasDasum_v2$descriptor() {
    return cublasDasum_v2.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * cublasStatus_t cublasDasum_v2(cublasHandle_t handle, int n, const double *x, int incx,
   * double *result)
   * }
   */
  public static MethodHandle cublasDasum_v2$handle() {
    return cublasDasum_v2.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * cublasStatus_t cublasDasum_v2(cublasHandle_t handle, int n, const double *x, int incx,
   * double *result)
   * }
   */
  public static MemorySegment cublasDasum_v2$address() {
    return cublasDasum_v2.ADDR;
  }

  /**
   * {@snippet lang=c :
   * cublasStatus_t cublasDasum_v2(cublasHandle_t handle, int n, const double *x, int incx,
   * double *result)
   * }
   */
  public static int cublasDasum_v2(MemorySegment handle, int n, MemorySegment x, int incx, MemorySegment result) {
    var mh$ = cublasDasum_v2.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cublasDasum_v2", handle, n, x, incx, result);
      }
      return (int) mh$.invokeExact(handle, n, x, incx, result);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class cublasDaxpy_v2 {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_POINTER, C_POINTER, C_INT, C_POINTER, C_INT);

    static final MemorySegment ADDR = findOrThrow("cublasDaxpy_v2");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * cublasStatus_t cublasDaxpy_v2(cublasHandle_t handle, int n, const double *alpha, const
   * double *x, int incx, double *y, int incy)
   * }
   */
  public static FunctionDescriptor cublasDaxpy_v2$descriptor() {
    return cublasDaxpy_v2.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * cublasStatus_t cublasDaxpy_v2(cublasHandle_t handle, int n, const double *alpha, const
   * double *x, int incx, double *y, int incy)
   * }
   */
  public static MethodHandle cublasDaxpy_v2$handle() {
    return cublasDaxpy_v2.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * cublasStatus_t cublasDaxpy_v2(cublasHandle_t handle, int n, const double *alpha, const
   * double *x, int incx, double *y, int incy)
   * }
   */
  public static MemorySegment cublasDaxpy_v2$address() {
    return cublasDaxpy_v2.ADDR;
  }

  /**
   * {@snippet lang=c :
   * cublasStatus_t cublasDaxpy_v2(cublasHandle_t handle, int n, const double *alpha, const
   * double *x, int incx, double *y, int incy)
   * }
   */
  public static int cublasDaxpy_v2(MemorySegment handle, int n, MemorySegment alpha, MemorySegment x, int incx, MemorySegment y, int incy) {
    var mh$ = cublasDaxpy_v2.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cublasDaxpy_v2", handle, n, alpha, x, incx, y, incy);
      }
      return (int) mh$.invokeExact(handle, n, alpha, x, incx, y, incy);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class cublasDscal_v2 {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_POINTER, C_POINTER, C_INT);

    static final MemorySegment ADDR = findOrThrow("cublasDscal_v2");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * cublasStatus_t cublasDscal_v2(cublasHandle_t handle, int n, const double *alpha, double *x,
   * int incx)
   * }
   */
  public static FunctionDescriptor cublasDscal_v2$descriptor() {
    return cublasDscal_v2.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * cublasStatus_t cublasDscal_v2(cublasHandle_t handle, int n, const double *alpha, double *x,
   * int incx)
   * }
   */
  public static MethodHandle cublasDscal_v2$handle() {
    return cublasDscal_v2.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * cublasStatus_t cublasDscal_v2(cublasHandle_t handle, int n, const double *alpha, double *x,
   * int incx)
   * }
   */
  public static MemorySegment cublasDscal_v2$address() {
    return cublasDscal_v2.ADDR;
  }

  /**
   * {@snippet lang=c :
   * cublasStatus_t cublasDscal_v2(cublasHandle_t handle, int n, const double *alpha, double *x,
   * int incx)
   * }
   */
  public static int cublasDscal_v2(MemorySegment handle, int n, MemorySegment alpha, MemorySegment x, int incx) {
    var mh$ = cublasDscal_v2.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cublasDscal_v2", handle, n, alpha, x, incx);
      }
      return (int) mh$.invokeExact(handle, n, alpha, x, incx);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class cublasDcopy_v2 {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_POINTER, C_INT, C_POINTER, C_INT);

    static final MemorySegment ADDR = findOrThrow("cublasDcopy_v2");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * cublasStatus_t cublasDcopy_v2(cublasHandle_t handle, int n, const double *x, int incx,
   * double *y, int incy)
   * }
   */
  public static FunctionDescriptor cublasDcopy_v2$descriptor() {
    return cublasDcopy_v2.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * cublasStatus_t cublasDcopy_v2(cublasHandle_t handle, int n, const double *x, int incx,
   * double *y, int incy)
   * }
   */
  public static MethodHandle cublasDcopy_v2$handle() {
    return cublasDcopy_v2.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * cublasStatus_t cublasDcopy_v2(cublasHandle_t handle, int n, const double *x, int incx,
   * double *y, int incy)
   * }
   */
  public static MemorySegment cublasDcopy_v2$address() {
    return cublasDcopy_v2.ADDR;
  }

  /**
   * {@snippet lang=c :
   * cublasStatus_t cublasDcopy_v2(cublasHandle_t handle, int n, const double *x, int incx,
   * double *y, int incy)
   * }
   */
  public static int cublasDcopy_v2(MemorySegment handle, int n, MemorySegment x, int incx, MemorySegment y, int incy) {
    var mh$ = cublasDcopy_v2.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cublasDcopy_v2", handle, n, x, incx, y, incy);
      }
      return (int) mh$.invokeExact(handle, n, x, incx, y, incy);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class cublasDrot_v2 {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_POINTER, C_INT, C_POINTER, C_INT, C_POINTER, C_POINTER);

    static final MemorySegment ADDR = findOrThrow("cublasDrot_v2");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * cublasStatus_t cublasDrot_v2(cublasHandle_t handle, int n, double *x, int incx, double *y,
   * int incy, const double *c, const double *s)
   * }
   */
  public static FunctionDescriptor cublasDrot_v2$descriptor() {
    return cublasDrot_v2.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * cublasStatus_t cublasDrot_v2(cublasHandle_t handle, int n, double *x, int incx, double *y,
   * int incy, const double *c, const double *s)
   * }
   */
  public static MethodHandle cublasDrot_v2$handle() {
    return cublasDrot_v2.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * cublasStatus_t cublasDrot_v2(cublasHandle_t handle, int n, double *x, int incx, double *y,
   * int incy, const double *c, const double *s)
   * }
   */
  public static MemorySegment cublasDrot_v2$address() {
    return cublasDrot_v2.ADDR;
  }

  /**
   * {@snippet lang=c :
   * cublasStatus_t cublasDrot_v2(cublasHandle_t handle, int n, double *x, int incx, double *y,
   * int incy, const double *c, const double *s)
   * }
   */
  public static int cublasDrot_v2(MemorySegment handle, int n, MemorySegment x, int incx, MemorySegment y, int incy, MemorySegment c, MemorySegment s) {
    var mh$ = cublasDrot_v2.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cublasDrot_v2", handle, n, x, incx, y, incy, c, s);
      }
      return (int) mh$.invokeExact(handle, n, x, incx, y, incy, c, s);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class cublasDgemv_v2 {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT, C_INT, C_POINTER, C_POINTER, C_INT, C_POINTER, C_INT, C_POINTER, C_POINTER, C_INT);

    static final MemorySegment ADDR = findOrThrow("cublasDgemv_v2");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * cublasStatus_t cublasDgemv_v2(cublasHandle_t handle, cublasOperation_t trans, int m, int n,
   * const double *alpha, const double *A, int lda, const double *x, int incx, const double
   * *beta, double *y, int incy)
   * }
   */
  public static FunctionDescriptor cublasDgemv_v2$descriptor() {
    return cublasDgemv_v2.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * cublasStatus_t cublasDgemv_v2(cublasHandle_t handle, cublasOperation_t trans, int m, int n,
   * const double *alpha, const double *A, int lda, const double *x, int incx, const double
   * *beta, double *y, int incy)
   * }
   */
  public static MethodHandle cublasDgemv_v2$handle() {
    return cublasDgemv_v2.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * cublasStatus_t cublasDgemv_v2(cublasHandle_t handle, cublasOperation_t trans, int m, int n,
   * const double *alpha, const double *A, int lda, const double *x, int incx, const double
   * *beta, double *y, int incy)
   * }
   */
  public static MemorySegment cublasDgemv_v2$address() {
    return cublasDgemv_v2.ADDR;
  }

  /**
   * {@snippet lang=c :
   * cublasStatus_t cublasDgemv_v2(cublasHandle_t handle, cublasOperation_t trans, int m, int n,
   * const double *alpha, const double *A, int lda, const double *x, int incx, const double
   * *beta, double *y, int incy)
   * }
   */
  public static int cublasDgemv_v2(MemorySegment handle, int trans, int m, int n, MemorySegment alpha, MemorySegment A, int lda, MemorySegment x, int incx, MemorySegment beta, MemorySegment y, int incy) {
    var mh$ = cublasDgemv_v2.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cublasDgemv_v2", handle, trans, m, n, alpha, A, lda, x, incx, beta, y, incy);
      }
      return (int) mh$.invokeExact(handle, trans, m, n, alpha, A, lda, x, incx, beta, y, incy);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class cublasDger_v2 {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT, C_POINTER, C_POINTER, C_INT, C_POINTER, C_INT, C_POINTER, C_INT);

    static final MemorySegment ADDR = findOrThrow("cublasDger_v2");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * cublasStatus_t cublasDger_v2(cublasHandle_t handle, int m, int n, const double *alpha, const
   * double *x, int incx, const double *y, int incy, double *A, int lda)
   * }
   */
  public static FunctionDescriptor cublasDger_v2$descriptor() {
    return cublasDger_v2.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * cublasStatus_t cublasDger_v2(cublasHandle_t handle, int m, int n, const double *alpha, const
   * double *x, int incx, const double *y, int incy, double *A, int lda)
   * }
   */
  public static MethodHandle cublasDger_v2$handle() {
    return cublasDger_v2.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * cublasStatus_t cublasDger_v2(cublasHandle_t handle, int m, int n, const double *alpha, const
   * double *x, int incx, const double *y, int incy, double *A, int lda)
   * }
   */
  public static MemorySegment cublasDger_v2$address() {
    return cublasDger_v2.ADDR;
  }

  /**
   * {@snippet lang=c :
   * cublasStatus_t cublasDger_v2(cublasHandle_t handle, int m, int n, const double *alpha, const
   * double *x, int incx, const double *y, int incy, double *A, int lda)
   * }
   */
  public static int cublasDger_v2(MemorySegment handle, int m, int n, MemorySegment alpha, MemorySegment x, int incx, MemorySegment y, int incy, MemorySegment A, int lda) {
    var mh$ = cublasDger_v2.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cublasDger_v2", handle, m, n, alpha, x, incx, y, incy, A, lda);
      }
      return (int) mh$.invokeExact(handle, m, n, alpha, x, incx, y, incy, A, lda);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class cublasDgemm_v2 {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT, C_INT, C_INT, C_INT, C_POINTER, C_POINTER, C_INT, C_POINTER, C_INT, C_POINTER, C_POINTER, C_INT);

    static final MemorySegment ADDR = findOrThrow("cublasDgemm_v2");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * cublasStatus_t cublasDgemm_v2(cublasHandle_t handle, cublasOperation_t transa,
   * cublasOperation_t transb, int m, int n, int k, const double *alpha, const double *A, int
   * lda, const double *B, int ldb, const double *beta, double *C, int ldc)
   * }
   */
  public static FunctionDescriptor cublasDgemm_v2$descriptor() {
    return cublasDgemm_v2.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * cublasStatus_t cublasDgemm_v2(cublasHandle_t handle, cublasOperation_t transa,
   * cublasOperation_t transb, int m, int n, int k, const double *alpha, const double *A, int
   * lda, const double *B, int ldb, const double *beta, double *C, int ldc)
   * }
   */
  public static MethodHandle cublasDgemm_v2$handle() {
    return cublasDgemm_v2.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * cublasStatus_t cublasDgemm_v2(cublasHandle_t handle, cublasOperation_t transa,
   * cublasOperation_t transb, int m, int n, int k, const double *alpha, const double *A, int
   * lda, const double *B, int ldb, const double *beta, double *C, int ldc)
   * }
   */
  public static MemorySegment cublasDgemm_v2$address() {
    return cublasDgemm_v2.ADDR;
  }

  /**
   * {@snippet lang=c :
   * cublasStatus_t cublasDgemm_v2(cublasHandle_t handle, cublasOperation_t transa,
   * cublasOperation_t transb, int m, int n, int k, const double *alpha, const double *A, int
   * lda, const double *B, int ldb, const double *beta, double *C, int ldc)
   * }
   */
  public static int cublasDgemm_v2(MemorySegment handle, int transa, int transb, int m, int n, int k, MemorySegment alpha, MemorySegment A, int lda, MemorySegment B, int ldb, MemorySegment beta, MemorySegment C, int ldc) {
    var mh$ = cublasDgemm_v2.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cublasDgemm_v2", handle, transa, transb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
      }
      return (int) mh$.invokeExact(handle, transa, transb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class cublasDgemmStridedBatched {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT, C_INT, C_INT, C_INT, C_POINTER, C_POINTER, C_INT, C_LONG_LONG, C_POINTER, C_INT, C_LONG_LONG, C_POINTER, C_POINTER, C_INT, C_LONG_LONG, C_INT);

    static final MemorySegment ADDR = findOrThrow("cublasDgemmStridedBatched");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * cublasStatus_t cublasDgemmStridedBatched(cublasHandle_t handle, cublasOperation_t transa,
   * cublasOperation_t transb, int m, int n, int k, const double *alpha, const double *A, int
   * lda, long long strideA, const double *B, int ldb, long long strideB, const double *beta,
   * double *C, int ldc, long long strideC, int batchCount)
   * }
   */
  public static FunctionDescriptor cublasDgemmStridedBatched$descriptor() {
    return cublasDgemmStridedBatched.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * cublasStatus_t cublasDgemmStridedBatched(cublasHandle_t handle, cublasOperation_t transa,
   * cublasOperation_t transb, int m, int n, int k, const double *alpha, const double *A, int
   * lda, long long strideA, const double *B, int ldb, long long strideB, const double *beta,
   * double *C, int ldc, long long strideC, int batchCount)
   * }
   */
  public static MethodHandle cublasDgemmStridedBatched$handle() {
    return cublasDgemmStridedBatched.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * cublasStatus_t cublasDgemmStridedBatched(cublasHandle_t handle, cublasOperation_t transa,
   * cublasOperation_t transb, int m, int n, int k, const double *alpha, const double *A, int
   * lda, long long strideA, const double *B, int ldb, long long strideB, const double *beta,
   * double *C, int ldc, long long strideC, int batchCount)
   * }
   */
  public static MemorySegment cublasDgemmStridedBatched$address() {
    return cublasDgemmStridedBatched.ADDR;
  }

  /**
   * {@snippet lang=c :
   * cublasStatus_t cublasDgemmStridedBatched(cublasHandle_t handle, cublasOperation_t transa,
   * cublasOperation_t transb, int m, int n, int k, const double *alpha, const double *A, int
   * lda, long long strideA, const double *B, int ldb, long long strideB, const double *beta,
   * double *C, int ldc, long long strideC, int batchCount)
   * }
   */
  public static int cublasDgemmStridedBatched(MemorySegment handle, int transa, int transb, int m, int n, int k, MemorySegment alpha, MemorySegment A, int lda, long strideA, MemorySegment B, int ldb, long strideB, MemorySegment beta, MemorySegment C, int ldc, long strideC, int batchCount) {
    var mh$ = cublasDgemmStridedBatched.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cublasDgemmStridedBatched", handle, transa, transb, m, n, k, alpha, A, lda, strideA, B, ldb, strideB, beta, C, ldc, strideC, batchCount);
      }
      return (int) mh$.invokeExact(handle, transa, transb, m, n, k, alpha, A, lda, strideA, B, ldb, strideB, beta, C, ldc, strideC, batchCount);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class cublasDgeam {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT, C_INT, C_INT, C_POINTER, C_POINTER, C_INT, C_POINTER, C_POINTER, C_INT, C_POINTER, C_INT);

    static final MemorySegment ADDR = findOrThrow("cublasDgeam");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * cublasStatus_t cublasDgeam(cublasHandle_t handle, cublasOperation_t transa,
   * cublasOperation_t transb, int m, int n, const double *alpha, const double *A, int lda, const
   * double *beta, const double *B, int ldb, double *C, int ldc)
   * }
   */
  public static FunctionDescriptor cublasDgeam$descriptor() {
    return cublasDgeam.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * cublasStatus_t cublasDgeam(cublasHandle_t handle, cublasOperation_t transa,
   * cublasOperation_t transb, int m, int n, const double *alpha, const double *A, int lda, const
   * double *beta, const double *B, int ldb, double *C, int ldc)
   * }
   */
  public static MethodHandle cublasDgeam$handle() {
    return cublasDgeam.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * cublasStatus_t cublasDgeam(cublasHandle_t handle, cublasOperation_t transa,
   * cublasOperation_t transb, int m, int n, const double *alpha, const double *A, int lda, const
   * double *beta, const double *B, int ldb, double *C, int ldc)
   * }
   */
  public static MemorySegment cublasDgeam$address() {
    return cublasDgeam.ADDR;
  }

  /**
   * {@snippet lang=c :
   * cublasStatus_t cublasDgeam(cublasHandle_t handle, cublasOperation_t transa,
   * cublasOperation_t transb, int m, int n, const double *alpha, const double *A, int lda, const
   * double *beta, const double *B, int ldb, double *C, int ldc)
   * }
   */
  public static int cublasDgeam(MemorySegment handle, int transa, int transb, int m, int n, MemorySegment alpha, MemorySegment A, int lda, MemorySegment beta, MemorySegment B, int ldb, MemorySegment C, int ldc) {
    var mh$ = cublasDgeam.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cublasDgeam", handle, transa, transb, m, n, alpha, A, lda, beta, B, ldb, C, ldc);
      }
      return (int) mh$.invokeExact(handle, transa, transb, m, n, alpha, A, lda, beta, B, ldb, C, ldc);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class cublasGetStatusString {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_POINTER, C_INT);

    static final MemorySegment ADDR = findOrThrow("cublasGetStatusString");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * const char *cublasGetStatusString(cublasStatus_t status)
   * }
   */
  public static FunctionDescriptor cublasGetStatusString$descriptor() {
    return cublasGetStatusString.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * const char *cublasGetStatusString(cublasStatus_t status)
   * }
   */
  public static MethodHandle cublasGetStatusString$handle() {
    return cublasGetStatusString.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * const char *cublasGetStatusString(cublasStatus_t status)
   * }
   */
  public static MemorySegment cublasGetStatusString$address() {
    return cublasGetStatusString.ADDR;
  }

  /**
   * {@snippet lang=c :
   * const char *cublasGetStatusString(cublasStatus_t status)
   * }
   */
  public static MemorySegment cublasGetStatusString(int status) {
    var mh$ = cublasGetStatusString.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cublasGetStatusString", status);
      }
      return (MemorySegment) mh$.invokeExact(status);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class cublasGetStatusName {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_POINTER, C_INT);

    static final MemorySegment ADDR = findOrThrow("cublasGetStatusName");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * const char *cublasGetStatusName(cublasStatus_t status)
   * }
   */
  public static FunctionDescriptor cublasGetStatusName$descriptor() {
    return cublasGetStatusName.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * const char *cublasGetStatusName(cublasStatus_t status)
   * }
   */
  public static MethodHandle cublasGetStatusName$handle() {
    return cublasGetStatusName.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * const char *cublasGetStatusName(cublasStatus_t status)
   * }
   */
  public static MemorySegment cublasGetStatusName$address() {
    return cublasGetStatusName.ADDR;
  }

  /**
   * {@snippet lang=c :
   * const char *cublasGetStatusName(cublasStatus_t status)
   * }
   */
  public static MemorySegment cublasGetStatusName(int status) {
    var mh$ = cublasGetStatusName.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cublasGetStatusName", status);
      }
      return (MemorySegment) mh$.invokeExact(status);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }
}
