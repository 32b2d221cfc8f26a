package io.github.bilevel.nativebindings.openblas;

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
 * Bindings to the subset of OpenBLAS's {@code cblas.h} the backend needs, in the layout
 * {@code jextract} generates (see the module README for the command line that regenerates
 * them): a constant per C type, a nested holder class per function with its
 * {@code FunctionDescriptor}, address and downcall {@code MethodHandle} (initialised lazily, on
 * the first call), and a static wrapper with the C name. {@code blasint} is the 32-bit
 * {@code int} of the usual (non-ILP64) builds.
 *
 * <p>One addition to what {@code jextract} writes: each BLAS-1 and BLAS-2 function also has a
 * {@code $critical} wrapper, a downcall made with {@link Linker.Option#critical(boolean)
 * Linker.Option.critical(false)}. A critical downcall stays in the Java thread state: it skips
 * the transition to native and back (and the safepoint poll on return), which is a measurable
 * part of a call on a few dozen elements. The price is that a safepoint (a garbage collection,
 * say) cannot start until the call returns, so the backend uses these only for calls whose
 * work is small enough to return within microseconds, and the plain handle above that size.
 * {@code false}: the kernels work on off-heap segments, heap access is not needed. BLAS-3
 * ({@code dgemm}) is long-running and multithreaded, so it has no critical variant.
 *
 * <p>The library is found by {@link OpenBlasLibrary}; when it is missing this class still
 * initialises, and the first call of a function throws {@link UnsatisfiedLinkError} naming the
 * reason. Callers check {@link OpenBlasLibrary#isAvailable()} first.
 */
@SuppressWarnings({"restricted", "unused"})
public final class cblas_h {

  cblas_h() {
    // Should not be called directly
  }

  static final SymbolLookup SYMBOL_LOOKUP = OpenBlasLibrary.lookup();

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
            + OpenBlasLibrary.unavailableReason().map(r -> " (" + r + ")").orElse("")));
  }

  /** C {@code int} (also {@code blasint} and the CBLAS enums). */
  public static final ValueLayout.OfInt C_INT = ValueLayout.JAVA_INT;

  /** C {@code double}. */
  public static final ValueLayout.OfDouble C_DOUBLE = ValueLayout.JAVA_DOUBLE;

  /** C pointer (to bytes of unbounded size, so that a returned {@code char *} can be read). */
  public static final AddressLayout C_POINTER = ValueLayout.ADDRESS
      .withTargetLayout(MemoryLayout.sequenceLayout(java.lang.Long.MAX_VALUE,
          ValueLayout.JAVA_BYTE));

  private static final int CblasRowMajor = (int) 101L;

  /** {@snippet lang=c : enum CBLAS_ORDER.CblasRowMajor = 101 } */
  public static int CblasRowMajor() {
    return CblasRowMajor;
  }

  private static final int CblasColMajor = (int) 102L;

  /** {@snippet lang=c : enum CBLAS_ORDER.CblasColMajor = 102 } */
  public static int CblasColMajor() {
    return CblasColMajor;
  }

  private static final int CblasNoTrans = (int) 111L;

  /** {@snippet lang=c : enum CBLAS_TRANSPOSE.CblasNoTrans = 111 } */
  public static int CblasNoTrans() {
    return CblasNoTrans;
  }

  private static final int CblasTrans = (int) 112L;

  /** {@snippet lang=c : enum CBLAS_TRANSPOSE.CblasTrans = 112 } */
  public static int CblasTrans() {
    return CblasTrans;
  }

  private static final class cblas_ddot {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(
        C_DOUBLE,
        C_INT,
        C_POINTER,
        C_INT,
        C_POINTER,
        C_INT);

    static final MemorySegment ADDR = findOrThrow("cblas_ddot");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);

    static final MethodHandle HANDLE_CRITICAL =
        Linker.nativeLinker().downcallHandle(ADDR, DESC, Linker.Option.critical(false));
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * double cblas_ddot(OPENBLAS_CONST blasint n, OPENBLAS_CONST double *x, OPENBLAS_CONST
   * blasint incx, OPENBLAS_CONST double *y, OPENBLAS_CONST blasint incy)
   * }
   */
  public static FunctionDescriptor cblas_ddot$descriptor() {
    return cblas_ddot.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * double cblas_ddot(OPENBLAS_CONST blasint n, OPENBLAS_CONST double *x, OPENBLAS_CONST
   * blasint incx, OPENBLAS_CONST double *y, OPENBLAS_CONST blasint incy)
   * }
   */
  public static MethodHandle cblas_ddot$handle() {
    return cblas_ddot.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * double cblas_ddot(OPENBLAS_CONST blasint n, OPENBLAS_CONST double *x, OPENBLAS_CONST
   * blasint incx, OPENBLAS_CONST double *y, OPENBLAS_CONST blasint incy)
   * }
   */
  public static MemorySegment cblas_ddot$address() {
    return cblas_ddot.ADDR;
  }

  /**
   * {@snippet lang=c :
   * double cblas_ddot(OPENBLAS_CONST blasint n, OPENBLAS_CONST double *x, OPENBLAS_CONST
   * blasint incx, OPENBLAS_CONST double *y, OPENBLAS_CONST blasint incy)
   * }
   */
  public static double cblas_ddot(int n, MemorySegment x, int incx, MemorySegment y, int incy) {
    var mh$ = cblas_ddot.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cblas_ddot", n, x, incx, y, incy);
      }
      return (double) mh$.invokeExact(n, x, incx, y, incy);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  /**
   * As {@link #cblas_ddot}, through a {@linkplain Linker.Option#critical(boolean) critical}
   * downcall: no thread-state transition, native segments only. For calls that return within
   * microseconds (see the class comment).
   */
  public static double cblas_ddot$critical(int n, MemorySegment x, int incx, MemorySegment y,
      int incy) {
    var mh$ = cblas_ddot.HANDLE_CRITICAL;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cblas_ddot", n, x, incx, y, incy);
      }
      return (double) mh$.invokeExact(n, x, incx, y, incy);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class cblas_dnrm2 {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_DOUBLE, C_INT, C_POINTER, C_INT);

    static final MemorySegment ADDR = findOrThrow("cblas_dnrm2");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);

    static final MethodHandle HANDLE_CRITICAL =
        Linker.nativeLinker().downcallHandle(ADDR, DESC, Linker.Option.critical(false));
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * double cblas_dnrm2(OPENBLAS_CONST blasint N, OPENBLAS_CONST double *X, OPENBLAS_CONST
   * blasint incX)
   * }
   */
  public static FunctionDescriptor cblas_dnrm2$descriptor() {
    return cblas_dnrm2.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * double cblas_dnrm2(OPENBLAS_CONST blasint N, OPENBLAS_CONST double *X, OPENBLAS_CONST
   * blasint incX)
   * }
   */
  public static MethodHandle cblas_dnrm2$handle() {
    return cblas_dnrm2.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * double cblas_dnrm2(OPENBLAS_CONST blasint N, OPENBLAS_CONST double *X, OPENBLAS_CONST
   * blasint incX)
   * }
   */
  public static MemorySegment cblas_dnrm2$address() {
    return cblas_dnrm2.ADDR;
  }

  /**
   * {@snippet lang=c :
   * double cblas_dnrm2(OPENBLAS_CONST blasint N, OPENBLAS_CONST double *X, OPENBLAS_CONST
   * blasint incX)
   * }
   */
  public static double cblas_dnrm2(int N, MemorySegment X, int incX) {
    var mh$ = cblas_dnrm2.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cblas_dnrm2", N, X, incX);
      }
      return (double) mh$.invokeExact(N, X, incX);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  /**
   * As {@link #cblas_dnrm2}, through a {@linkplain Linker.Option#critical(boolean) critical}
   * downcall: no thread-state transition, native segments only. For calls that return within
   * microseconds (see the class comment).
   */
  public static double cblas_dnrm2$critical(int N, MemorySegment X, int incX) {
    var mh$ = cblas_dnrm2.HANDLE_CRITICAL;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cblas_dnrm2", N, X, incX);
      }
      return (double) mh$.invokeExact(N, X, incX);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class cblas_dasum {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_DOUBLE, C_INT, C_POINTER, C_INT);

    static final MemorySegment ADDR = findOrThrow("cblas_dasum");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);

    static final MethodHandle HANDLE_CRITICAL =
        Linker.nativeLinker().downcallHandle(ADDR, DESC, Linker.Option.critical(false));
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * double cblas_dasum(OPENBLAS_CONST blasint n, OPENBLAS_CONST double *x, OPENBLAS_CONST
   * blasint incx)
   * }
   */
  public static FunctionDescriptor cblas_dasum$descriptor() {
    return cblas_dasum.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * double cblas_dasum(OPENBLAS_CONST blasint n, OPENBLAS_CONST double *x, OPENBLAS_CONST
   * blasint incx)
   * }
   */
  public static MethodHandle cblas_dasum$handle() {
    return cblas_dasum.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * double cblas_dasum(OPENBLAS_CONST blasint n, OPENBLAS_CONST double *x, OPENBLAS_CONST
   * blasint incx)
   * }
   */
  public static MemorySegment cblas_dasum$address() {
    return cblas_dasum.ADDR;
  }

  /**
   * {@snippet lang=c :
   * double cblas_dasum(OPENBLAS_CONST blasint n, OPENBLAS_CONST double *x, OPENBLAS_CONST
   * blasint incx)
   * }
   */
  public static double cblas_dasum(int n, MemorySegment x, int incx) {
    var mh$ = cblas_dasum.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cblas_dasum", n, x, incx);
      }
      return (double) mh$.invokeExact(n, x, incx);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  /**
   * As {@link #cblas_dasum}, through a {@linkplain Linker.Option#critical(boolean) critical}
   * downcall: no thread-state transition, native segments only. For calls that return within
   * microseconds (see the class comment).
   */
  public static double cblas_dasum$critical(int n, MemorySegment x, int incx) {
    var mh$ = cblas_dasum.HANDLE_CRITICAL;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cblas_dasum", n, x, incx);
      }
      return (double) mh$.invokeExact(n, x, incx);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class cblas_daxpy {
    static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(
        C_INT,
        C_DOUBLE,
        C_POINTER,
        C_INT,
        C_POINTER,
        C_INT);

    static final MemorySegment ADDR = findOrThrow("cblas_daxpy");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);

    static final MethodHandle HANDLE_CRITICAL =
        Linker.nativeLinker().downcallHandle(ADDR, DESC, Linker.Option.critical(false));
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * void cblas_daxpy(OPENBLAS_CONST blasint n, OPENBLAS_CONST double alpha, OPENBLAS_CONST
   * double *x, OPENBLAS_CONST blasint incx, double *y, OPENBLAS_CONST blasint incy)
   * }
   */
  public static FunctionDescriptor cblas_daxpy$descriptor() {
    return cblas_daxpy.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * void cblas_daxpy(OPENBLAS_CONST blasint n, OPENBLAS_CONST double alpha, OPENBLAS_CONST
   * double *x, OPENBLAS_CONST blasint incx, double *y, OPENBLAS_CONST blasint incy)
   * }
   */
  public static MethodHandle cblas_daxpy$handle() {
    return cblas_daxpy.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * void cblas_daxpy(OPENBLAS_CONST blasint n, OPENBLAS_CONST double alpha, OPENBLAS_CONST
   * double *x, OPENBLAS_CONST blasint incx, double *y, OPENBLAS_CONST blasint incy)
   * }
   */
  public static MemorySegment cblas_daxpy$address() {
    return cblas_daxpy.ADDR;
  }

  /**
   * {@snippet lang=c :
   * void cblas_daxpy(OPENBLAS_CONST blasint n, OPENBLAS_CONST double alpha, OPENBLAS_CONST
   * double *x, OPENBLAS_CONST blasint incx, double *y, OPENBLAS_CONST blasint incy)
   * }
   */
  public static void cblas_daxpy(int n, double alpha, MemorySegment x, int incx, MemorySegment y,
      int incy) {
    var mh$ = cblas_daxpy.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cblas_daxpy", n, alpha, x, incx, y, incy);
      }
      mh$.invokeExact(n, alpha, x, incx, y, incy);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  /**
   * As {@link #cblas_daxpy}, through a {@linkplain Linker.Option#critical(boolean) critical}
   * downcall: no thread-state transition, native segments only. For calls that return within
   * microseconds (see the class comment).
   */
  public static void cblas_daxpy$critical(int n, double alpha, MemorySegment x, int incx,
      MemorySegment y, int incy) {
    var mh$ = cblas_daxpy.HANDLE_CRITICAL;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cblas_daxpy", n, alpha, x, incx, y, incy);
      }
      mh$.invokeExact(n, alpha, x, incx, y, incy);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class cblas_daxpby {
    static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(
        C_INT,
        C_DOUBLE,
        C_POINTER,
        C_INT,
        C_DOUBLE,
        C_POINTER,
        C_INT);

    static final MemorySegment ADDR = findOrThrow("cblas_daxpby");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);

    static final MethodHandle HANDLE_CRITICAL =
        Linker.nativeLinker().downcallHandle(ADDR, DESC, Linker.Option.critical(false));
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * void cblas_daxpby(OPENBLAS_CONST blasint n, OPENBLAS_CONST double alpha, OPENBLAS_CONST
   * double *x, OPENBLAS_CONST blasint incx, OPENBLAS_CONST double beta, double *y,
   * OPENBLAS_CONST blasint incy)
   * }
   */
  public static FunctionDescriptor cblas_daxpby$descriptor() {
    return cblas_daxpby.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * void cblas_daxpby(OPENBLAS_CONST blasint n, OPENBLAS_CONST double alpha, OPENBLAS_CONST
   * double *x, OPENBLAS_CONST blasint incx, OPENBLAS_CONST double beta, double *y,
   * OPENBLAS_CONST blasint incy)
   * }
   */
  public static MethodHandle cblas_daxpby$handle() {
    return cblas_daxpby.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * void cblas_daxpby(OPENBLAS_CONST blasint n, OPENBLAS_CONST double alpha, OPENBLAS_CONST
   * double *x, OPENBLAS_CONST blasint incx, OPENBLAS_CONST double beta, double *y,
   * OPENBLAS_CONST blasint incy)
   * }
   */
  public static MemorySegment cblas_daxpby$address() {
    return cblas_daxpby.ADDR;
  }

  /**
   * {@snippet lang=c :
   * void cblas_daxpby(OPENBLAS_CONST blasint n, OPENBLAS_CONST double alpha, OPENBLAS_CONST
   * double *x, OPENBLAS_CONST blasint incx, OPENBLAS_CONST double beta, double *y,
   * OPENBLAS_CONST blasint incy)
   * }
   */
  public static void cblas_daxpby(int n, double alpha, MemorySegment x, int incx, double beta,
      MemorySegment y, int incy) {
    var mh$ = cblas_daxpby.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cblas_daxpby", n, alpha, x, incx, beta, y, incy);
      }
      mh$.invokeExact(n, alpha, x, incx, beta, y, incy);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  /**
   * As {@link #cblas_daxpby}, through a {@linkplain Linker.Option#critical(boolean) critical}
   * downcall: no thread-state transition, native segments only. For calls that return within
   * microseconds (see the class comment).
   */
  public static void cblas_daxpby$critical(int n, double alpha, MemorySegment x, int incx,
      double beta, MemorySegment y, int incy) {
    var mh$ = cblas_daxpby.HANDLE_CRITICAL;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cblas_daxpby", n, alpha, x, incx, beta, y, incy);
      }
      mh$.invokeExact(n, alpha, x, incx, beta, y, incy);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class cblas_dscal {
    static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(
        C_INT,
        C_DOUBLE,
        C_POINTER,
        C_INT);

    static final MemorySegment ADDR = findOrThrow("cblas_dscal");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);

    static final MethodHandle HANDLE_CRITICAL =
        Linker.nativeLinker().downcallHandle(ADDR, DESC, Linker.Option.critical(false));
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * void cblas_dscal(OPENBLAS_CONST blasint N, OPENBLAS_CONST double alpha, double *X,
   * OPENBLAS_CONST blasint incX)
   * }
   */
  public static FunctionDescriptor cblas_dscal$descriptor() {
    return cblas_dscal.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * void cblas_dscal(OPENBLAS_CONST blasint N, OPENBLAS_CONST double alpha, double *X,
   * OPENBLAS_CONST blasint incX)
   * }
   */
  public static MethodHandle cblas_dscal$handle() {
    return cblas_dscal.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * void cblas_dscal(OPENBLAS_CONST blasint N, OPENBLAS_CONST double alpha, double *X,
   * OPENBLAS_CONST blasint incX)
   * }
   */
  public static MemorySegment cblas_dscal$address() {
    return cblas_dscal.ADDR;
  }

  /**
   * {@snippet lang=c :
   * void cblas_dscal(OPENBLAS_CONST blasint N, OPENBLAS_CONST double alpha, double *X,
   * OPENBLAS_CONST blasint incX)
   * }
   */
  public static void cblas_dscal(int N, double alpha, MemorySegment X, int incX) {
    var mh$ = cblas_dscal.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cblas_dscal", N, alpha, X, incX);
      }
      mh$.invokeExact(N, alpha, X, incX);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  /**
   * As {@link #cblas_dscal}, through a {@linkplain Linker.Option#critical(boolean) critical}
   * downcall: no thread-state transition, native segments only. For calls that return within
   * microseconds (see the class comment).
   */
  public static void cblas_dscal$critical(int N, double alpha, MemorySegment X, int incX) {
    var mh$ = cblas_dscal.HANDLE_CRITICAL;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cblas_dscal", N, alpha, X, incX);
      }
      mh$.invokeExact(N, alpha, X, incX);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class cblas_dcopy {
    static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(
        C_INT,
        C_POINTER,
        C_INT,
        C_POINTER,
        C_INT);

    static final MemorySegment ADDR = findOrThrow("cblas_dcopy");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);

    static final MethodHandle HANDLE_CRITICAL =
        Linker.nativeLinker().downcallHandle(ADDR, DESC, Linker.Option.critical(false));
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * void cblas_dcopy(OPENBLAS_CONST blasint n, OPENBLAS_CONST double *x, OPENBLAS_CONST
   * blasint incx, double *y, OPENBLAS_CONST blasint incy)
   * }
   */
  public static FunctionDescriptor cblas_dcopy$descriptor() {
    return cblas_dcopy.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * void cblas_dcopy(OPENBLAS_CONST blasint n, OPENBLAS_CONST double *x, OPENBLAS_CONST
   * blasint incx, double *y, OPENBLAS_CONST blasint incy)
   * }
   */
  public static MethodHandle cblas_dcopy$handle() {
    return cblas_dcopy.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * void cblas_dcopy(OPENBLAS_CONST blasint n, OPENBLAS_CONST double *x, OPENBLAS_CONST
   * blasint incx, double *y, OPENBLAS_CONST blasint incy)
   * }
   */
  public static MemorySegment cblas_dcopy$address() {
    return cblas_dcopy.ADDR;
  }

  /**
   * {@snippet lang=c :
   * void cblas_dcopy(OPENBLAS_CONST blasint n, OPENBLAS_CONST double *x, OPENBLAS_CONST
   * blasint incx, double *y, OPENBLAS_CONST blasint incy)
   * }
   */
  public static void cblas_dcopy(int n, MemorySegment x, int incx, MemorySegment y, int incy) {
    var mh$ = cblas_dcopy.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cblas_dcopy", n, x, incx, y, incy);
      }
      mh$.invokeExact(n, x, incx, y, incy);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  /**
   * As {@link #cblas_dcopy}, through a {@linkplain Linker.Option#critical(boolean) critical}
   * downcall: no thread-state transition, native segments only. For calls that return within
   * microseconds (see the class comment).
   */
  public static void cblas_dcopy$critical(int n, MemorySegment x, int incx, MemorySegment y,
      int incy) {
    var mh$ = cblas_dcopy.HANDLE_CRITICAL;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cblas_dcopy", n, x, incx, y, incy);
      }
      mh$.invokeExact(n, x, incx, y, incy);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class cblas_drot {
    static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(
        C_INT,
        C_POINTER,
        C_INT,
        C_POINTER,
        C_INT,
        C_DOUBLE,
        C_DOUBLE);

    static final MemorySegment ADDR = findOrThrow("cblas_drot");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);

    static final MethodHandle HANDLE_CRITICAL =
        Linker.nativeLinker().downcallHandle(ADDR, DESC, Linker.Option.critical(false));
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * void cblas_drot(OPENBLAS_CONST blasint N, double *X, OPENBLAS_CONST blasint incX,
   * double *Y, OPENBLAS_CONST blasint incY, OPENBLAS_CONST double c, OPENBLAS_CONST double
   * s)
   * }
   */
  public static FunctionDescriptor cblas_drot$descriptor() {
    return cblas_drot.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * void cblas_drot(OPENBLAS_CONST blasint N, double *X, OPENBLAS_CONST blasint incX,
   * double *Y, OPENBLAS_CONST blasint incY, OPENBLAS_CONST double c, OPENBLAS_CONST double
   * s)
   * }
   */
  public static MethodHandle cblas_drot$handle() {
    return cblas_drot.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * void cblas_drot(OPENBLAS_CONST blasint N, double *X, OPENBLAS_CONST blasint incX,
   * double *Y, OPENBLAS_CONST blasint incY, OPENBLAS_CONST double c, OPENBLAS_CONST double
   * s)
   * }
   */
  public static MemorySegment cblas_drot$address() {
    return cblas_drot.ADDR;
  }

  /**
   * {@snippet lang=c :
   * void cblas_drot(OPENBLAS_CONST blasint N, double *X, OPENBLAS_CONST blasint incX,
   * double *Y, OPENBLAS_CONST blasint incY, OPENBLAS_CONST double c, OPENBLAS_CONST double
   * s)
   * }
   */
  public static void cblas_drot(int N, MemorySegment X, int incX, MemorySegment Y, int incY,
      double c, double s) {
    var mh$ = cblas_drot.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cblas_drot", N, X, incX, Y, incY, c, s);
      }
      mh$.invokeExact(N, X, incX, Y, incY, c, s);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  /**
   * As {@link #cblas_drot}, through a {@linkplain Linker.Option#critical(boolean) critical}
   * downcall: no thread-state transition, native segments only. For calls that return within
   * microseconds (see the class comment).
   */
  public static void cblas_drot$critical(int N, MemorySegment X, int incX, MemorySegment Y,
      int incY, double c, double s) {
    var mh$ = cblas_drot.HANDLE_CRITICAL;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cblas_drot", N, X, incX, Y, incY, c, s);
      }
      mh$.invokeExact(N, X, incX, Y, incY, c, s);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class cblas_dgemv {
    static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(
        C_INT,
        C_INT,
        C_INT,
        C_INT,
        C_DOUBLE,
        C_POINTER,
        C_INT,
        C_POINTER,
        C_INT,
        C_DOUBLE,
        C_POINTER,
        C_INT);

    static final MemorySegment ADDR = findOrThrow("cblas_dgemv");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);

    static final MethodHandle HANDLE_CRITICAL =
        Linker.nativeLinker().downcallHandle(ADDR, DESC, Linker.Option.critical(false));
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * void cblas_dgemv(OPENBLAS_CONST enum CBLAS_ORDER order, OPENBLAS_CONST enum
   * CBLAS_TRANSPOSE trans, OPENBLAS_CONST blasint m, OPENBLAS_CONST blasint n,
   * OPENBLAS_CONST double alpha, OPENBLAS_CONST double *a, OPENBLAS_CONST blasint lda,
   * OPENBLAS_CONST double *x, OPENBLAS_CONST blasint incx, OPENBLAS_CONST double beta,
   * double *y, OPENBLAS_CONST blasint incy)
   * }
   */
  public static FunctionDescriptor cblas_dgemv$descriptor() {
    return cblas_dgemv.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * void cblas_dgemv(OPENBLAS_CONST enum CBLAS_ORDER order, OPENBLAS_CONST enum
   * CBLAS_TRANSPOSE trans, OPENBLAS_CONST blasint m, OPENBLAS_CONST blasint n,
   * OPENBLAS_CONST double alpha, OPENBLAS_CONST double *a, OPENBLAS_CONST blasint lda,
   * OPENBLAS_CONST double *x, OPENBLAS_CONST blasint incx, OPENBLAS_CONST double beta,
   * double *y, OPENBLAS_CONST blasint incy)
   * }
   */
  public static MethodHandle cblas_dgemv$handle() {
    return cblas_dgemv.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * void cblas_dgemv(OPENBLAS_CONST enum CBLAS_ORDER order, OPENBLAS_CONST enum
   * CBLAS_TRANSPOSE trans, OPENBLAS_CONST blasint m, OPENBLAS_CONST blasint n,
   * OPENBLAS_CONST double alpha, OPENBLAS_CONST double *a, OPENBLAS_CONST blasint lda,
   * OPENBLAS_CONST double *x, OPENBLAS_CONST blasint incx, OPENBLAS_CONST double beta,
   * double *y, OPENBLAS_CONST blasint incy)
   * }
   */
  public static MemorySegment cblas_dgemv$address() {
    return cblas_dgemv.ADDR;
  }

  /**
   * {@snippet lang=c :
   * void cblas_dgemv(OPENBLAS_CONST enum CBLAS_ORDER order, OPENBLAS_CONST enum
   * CBLAS_TRANSPOSE trans, OPENBLAS_CONST blasint m, OPENBLAS_CONST blasint n,
   * OPENBLAS_CONST double alpha, OPENBLAS_CONST double *a, OPENBLAS_CONST blasint lda,
   * OPENBLAS_CONST double *x, OPENBLAS_CONST blasint incx, OPENBLAS_CONST double beta,
   * double *y, OPENBLAS_CONST blasint incy)
   * }
   */
  public static void cblas_dgemv(int order, int trans, int m, int n, double alpha, MemorySegment a,
      int lda, MemorySegment x, int incx, double beta, MemorySegment y, int incy) {
    var mh$ = cblas_dgemv.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cblas_dgemv", order, trans, m, n, alpha, a, lda, x, incx, beta, y, incy);
      }
      mh$.invokeExact(order, trans, m, n, alpha, a, lda, x, incx, beta, y, incy);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  /**
   * As {@link #cblas_dgemv}, through a {@linkplain Linker.Option#critical(boolean) critical}
   * downcall: no thread-state transition, native segments only. For calls that return within
   * microseconds (see the class comment).
   */
  public static void cblas_dgemv$critical(int order, int trans, int m, int n, double alpha,
      MemorySegment a, int lda, MemorySegment x, int incx, double beta, MemorySegment y, int incy) {
    var mh$ = cblas_dgemv.HANDLE_CRITICAL;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cblas_dgemv", order, trans, m, n, alpha, a, lda, x, incx, beta, y, incy);
      }
      mh$.invokeExact(order, trans, m, n, alpha, a, lda, x, incx, beta, y, incy);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class cblas_dger {
    static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(
        C_INT,
        C_INT,
        C_INT,
        C_DOUBLE,
        C_POINTER,
        C_INT,
        C_POINTER,
        C_INT,
        C_POINTER,
        C_INT);

    static final MemorySegment ADDR = findOrThrow("cblas_dger");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);

    static final MethodHandle HANDLE_CRITICAL =
        Linker.nativeLinker().downcallHandle(ADDR, DESC, Linker.Option.critical(false));
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * void cblas_dger(OPENBLAS_CONST enum CBLAS_ORDER order, OPENBLAS_CONST blasint M,
   * OPENBLAS_CONST blasint N, OPENBLAS_CONST double alpha, OPENBLAS_CONST double *X,
   * OPENBLAS_CONST blasint incX, OPENBLAS_CONST double *Y, OPENBLAS_CONST blasint incY,
   * double *A, OPENBLAS_CONST blasint lda)
   * }
   */
  public static FunctionDescriptor cblas_dger$descriptor() {
    return cblas_dger.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * void cblas_dger(OPENBLAS_CONST enum CBLAS_ORDER order, OPENBLAS_CONST blasint M,
   * OPENBLAS_CONST blasint N, OPENBLAS_CONST double alpha, OPENBLAS_CONST double *X,
   * OPENBLAS_CONST blasint incX, OPENBLAS_CONST double *Y, OPENBLAS_CONST blasint incY,
   * double *A, OPENBLAS_CONST blasint lda)
   * }
   */
  public static MethodHandle cblas_dger$handle() {
    return cblas_dger.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * void cblas_dger(OPENBLAS_CONST enum CBLAS_ORDER order, OPENBLAS_CONST blasint M,
   * OPENBLAS_CONST blasint N, OPENBLAS_CONST double alpha, OPENBLAS_CONST double *X,
   * OPENBLAS_CONST blasint incX, OPENBLAS_CONST double *Y, OPENBLAS_CONST blasint incY,
   * double *A, OPENBLAS_CONST blasint lda)
   * }
   */
  public static MemorySegment cblas_dger$address() {
    return cblas_dger.ADDR;
  }

  /**
   * {@snippet lang=c :
   * void cblas_dger(OPENBLAS_CONST enum CBLAS_ORDER order, OPENBLAS_CONST blasint M,
   * OPENBLAS_CONST blasint N, OPENBLAS_CONST double alpha, OPENBLAS_CONST double *X,
   * OPENBLAS_CONST blasint incX, OPENBLAS_CONST double *Y, OPENBLAS_CONST blasint incY,
   * double *A, OPENBLAS_CONST blasint lda)
   * }
   */
  public static void cblas_dger(int order, int M, int N, double alpha, MemorySegment X, int incX,
      MemorySegment Y, int incY, MemorySegment A, int lda) {
    var mh$ = cblas_dger.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cblas_dger", order, M, N, alpha, X, incX, Y, incY, A, lda);
      }
      mh$.invokeExact(order, M, N, alpha, X, incX, Y, incY, A, lda);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  /**
   * As {@link #cblas_dger}, through a {@linkplain Linker.Option#critical(boolean) critical}
   * downcall: no thread-state transition, native segments only. For calls that return within
   * microseconds (see the class comment).
   */
  public static void cblas_dger$critical(int order, int M, int N, double alpha, MemorySegment X,
      int incX, MemorySegment Y, int incY, MemorySegment A, int lda) {
    var mh$ = cblas_dger.HANDLE_CRITICAL;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cblas_dger", order, M, N, alpha, X, incX, Y, incY, A, lda);
      }
      mh$.invokeExact(order, M, N, alpha, X, incX, Y, incY, A, lda);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class cblas_dgemm {
    static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(
        C_INT,
        C_INT,
        C_INT,
        C_INT,
        C_INT,
        C_INT,
        C_DOUBLE,
        C_POINTER,
        C_INT,
        C_POINTER,
        C_INT,
        C_DOUBLE,
        C_POINTER,
        C_INT);

    static final MemorySegment ADDR = findOrThrow("cblas_dgemm");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * void cblas_dgemm(OPENBLAS_CONST enum CBLAS_ORDER Order, OPENBLAS_CONST enum
   * CBLAS_TRANSPOSE TransA, OPENBLAS_CONST enum CBLAS_TRANSPOSE TransB, OPENBLAS_CONST
   * blasint M, OPENBLAS_CONST blasint N, OPENBLAS_CONST blasint K, OPENBLAS_CONST double
   * alpha, OPENBLAS_CONST double *A, OPENBLAS_CONST blasint lda, OPENBLAS_CONST double *B,
   * OPENBLAS_CONST blasint ldb, OPENBLAS_CONST double beta, double *C, OPENBLAS_CONST
   * blasint ldc)
   * }
   */
  public static FunctionDescriptor cblas_dgemm$descriptor() {
    return cblas_dgemm.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * void cblas_dgemm(OPENBLAS_CONST enum CBLAS_ORDER Order, OPENBLAS_CONST enum
   * CBLAS_TRANSPOSE TransA, OPENBLAS_CONST enum CBLAS_TRANSPOSE TransB, OPENBLAS_CONST
   * blasint M, OPENBLAS_CONST blasint N, OPENBLAS_CONST blasint K, OPENBLAS_CONST double
   * alpha, OPENBLAS_CONST double *A, OPENBLAS_CONST blasint lda, OPENBLAS_CONST double *B,
   * OPENBLAS_CONST blasint ldb, OPENBLAS_CONST double beta, double *C, OPENBLAS_CONST
   * blasint ldc)
   * }
   */
  public static MethodHandle cblas_dgemm$handle() {
    return cblas_dgemm.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * void cblas_dgemm(OPENBLAS_CONST enum CBLAS_ORDER Order, OPENBLAS_CONST enum
   * CBLAS_TRANSPOSE TransA, OPENBLAS_CONST enum CBLAS_TRANSPOSE TransB, OPENBLAS_CONST
   * blasint M, OPENBLAS_CONST blasint N, OPENBLAS_CONST blasint K, OPENBLAS_CONST double
   * alpha, OPENBLAS_CONST double *A, OPENBLAS_CONST blasint lda, OPENBLAS_CONST double *B,
   * OPENBLAS_CONST blasint ldb, OPENBLAS_CONST double beta, double *C, OPENBLAS_CONST
   * blasint ldc)
   * }
   */
  public static MemorySegment cblas_dgemm$address() {
    return cblas_dgemm.ADDR;
  }

  /**
   * {@snippet lang=c :
   * void cblas_dgemm(OPENBLAS_CONST enum CBLAS_ORDER Order, OPENBLAS_CONST enum
   * CBLAS_TRANSPOSE TransA, OPENBLAS_CONST enum CBLAS_TRANSPOSE TransB, OPENBLAS_CONST
   * blasint M, OPENBLAS_CONST blasint N, OPENBLAS_CONST blasint K, OPENBLAS_CONST double
   * alpha, OPENBLAS_CONST double *A, OPENBLAS_CONST blasint lda, OPENBLAS_CONST double *B,
   * OPENBLAS_CONST blasint ldb, OPENBLAS_CONST double beta, double *C, OPENBLAS_CONST
   * blasint ldc)
   * }
   */
  public static void cblas_dgemm(int Order, int TransA, int TransB, int M, int N, int K,
      double alpha, MemorySegment A, int lda, MemorySegment B, int ldb, double beta,
      MemorySegment C, int ldc) {
    var mh$ = cblas_dgemm.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cblas_dgemm", Order, TransA, TransB, M, N, K, alpha,
            A, lda, B, ldb, beta, C, ldc);
      }
      mh$.invokeExact(Order, TransA, TransB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class openblas_set_num_threads {
    static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(C_INT);

    static final MemorySegment ADDR = findOrThrow("openblas_set_num_threads");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * void openblas_set_num_threads(int num_threads)
   * }
   */
  public static FunctionDescriptor openblas_set_num_threads$descriptor() {
    return openblas_set_num_threads.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * void openblas_set_num_threads(int num_threads)
   * }
   */
  public static MethodHandle openblas_set_num_threads$handle() {
    return openblas_set_num_threads.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * void openblas_set_num_threads(int num_threads)
   * }
   */
  public static MemorySegment openblas_set_num_threads$address() {
    return openblas_set_num_threads.ADDR;
  }

  /**
   * {@snippet lang=c :
   * void openblas_set_num_threads(int num_threads)
   * }
   */
  public static void openblas_set_num_threads(int num_threads) {
    var mh$ = openblas_set_num_threads.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("openblas_set_num_threads", num_threads);
      }
      mh$.invokeExact(num_threads);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class openblas_get_num_threads {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT);

    static final MemorySegment ADDR = findOrThrow("openblas_get_num_threads");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * int openblas_get_num_threads(void)
   * }
   */
  public static FunctionDescriptor openblas_get_num_threads$descriptor() {
    return openblas_get_num_threads.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * int openblas_get_num_threads(void)
   * }
   */
  public static MethodHandle openblas_get_num_threads$handle() {
    return openblas_get_num_threads.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * int openblas_get_num_threads(void)
   * }
   */
  public static MemorySegment openblas_get_num_threads$address() {
    return openblas_get_num_threads.ADDR;
  }

  /**
   * {@snippet lang=c :
   * int openblas_get_num_threads(void)
   * }
   */
  public static int openblas_get_num_threads() {
    var mh$ = openblas_get_num_threads.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("openblas_get_num_threads");
      }
      return (int) mh$.invokeExact();
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class openblas_get_config {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_POINTER);

    static final MemorySegment ADDR = findOrThrow("openblas_get_config");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * char * openblas_get_config(void)
   * }
   */
  public static FunctionDescriptor openblas_get_config$descriptor() {
    return openblas_get_config.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * char * openblas_get_config(void)
   * }
   */
  public static MethodHandle openblas_get_config$handle() {
    return openblas_get_config.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * char * openblas_get_config(void)
   * }
   */
  public static MemorySegment openblas_get_config$address() {
    return openblas_get_config.ADDR;
  }

  /**
   * {@snippet lang=c :
   * char * openblas_get_config(void)
   * }
   */
  public static MemorySegment openblas_get_config() {
    var mh$ = openblas_get_config.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("openblas_get_config");
      }
      return (MemorySegment) mh$.invokeExact();
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }
}
