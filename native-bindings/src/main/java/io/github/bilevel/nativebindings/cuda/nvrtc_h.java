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
 * Bindings to NVRTC ({@code nvrtc.h}, {@code libnvrtc}), the CUDA C++ runtime compiler, in the
 * layout {@code jextract} generates (see the module README). NVRTC needs no GPU and no driver:
 * it compiles CUDA C source to PTX or (for a real architecture, {@code sm_XY}) to a CUBIN.
 *
 * <p>The library is found by {@link CudaLibrary#NVRTC}; when it is missing this class still
 * initialises, and the first call of a function throws {@link UnsatisfiedLinkError} naming the
 * reason. {@link CudaException#checkNvrtc} turns a failed {@code nvrtcResult} into an
 * exception.
 */
@SuppressWarnings({"restricted", "unused"})
public final class nvrtc_h {

  nvrtc_h() {
    // Should not be called directly
  }

  static final SymbolLookup SYMBOL_LOOKUP = CudaLibrary.NVRTC.lookup();

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
            + CudaLibrary.NVRTC.unavailableReason().map(r -> " (" + r + ")").orElse("")));
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

  private static final int NVRTC_SUCCESS = (int) 0L;

  /** {@snippet lang=c : nvrtcResult.NVRTC_SUCCESS = 0 } */
  public static int NVRTC_SUCCESS() {
    return NVRTC_SUCCESS;
  }

  private static final int NVRTC_ERROR_INVALID_INPUT = (int) 3L;

  /** {@snippet lang=c : nvrtcResult.NVRTC_ERROR_INVALID_INPUT = 3 } */
  public static int NVRTC_ERROR_INVALID_INPUT() {
    return NVRTC_ERROR_INVALID_INPUT;
  }

  private static final int NVRTC_ERROR_INVALID_OPTION = (int) 5L;

  /** {@snippet lang=c : nvrtcResult.NVRTC_ERROR_INVALID_OPTION = 5 } */
  public static int NVRTC_ERROR_INVALID_OPTION() {
    return NVRTC_ERROR_INVALID_OPTION;
  }

  private static final int NVRTC_ERROR_COMPILATION = (int) 6L;

  /** {@snippet lang=c : nvrtcResult.NVRTC_ERROR_COMPILATION = 6 } */
  public static int NVRTC_ERROR_COMPILATION() {
    return NVRTC_ERROR_COMPILATION;
  }

  private static final class nvrtcVersion {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);

    static final MemorySegment ADDR = findOrThrow("nvrtcVersion");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * nvrtcResult nvrtcVersion(int *major, int *minor)
   * }
   */
  public static FunctionDescriptor nvrtcVersion$descriptor() {
    return nvrtcVersion.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * nvrtcResult nvrtcVersion(int *major, int *minor)
   * }
   */
  public static MethodHandle nvrtcVersion$handle() {
    return nvrtcVersion.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * nvrtcResult nvrtcVersion(int *major, int *minor)
   * }
   */
  public static MemorySegment nvrtcVersion$address() {
    return nvrtcVersion.ADDR;
  }

  /**
   * {@snippet lang=c :
   * nvrtcResult nvrtcVersion(int *major, int *minor)
   * }
   */
  public static int nvrtcVersion(MemorySegment major, MemorySegment minor) {
    var mh$ = nvrtcVersion.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("nvrtcVersion", major, minor);
      }
      return (int) mh$.invokeExact(major, minor);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class nvrtcCreateProgram {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER, C_INT, C_POINTER, C_POINTER);

    static final MemorySegment ADDR = findOrThrow("nvrtcCreateProgram");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * nvrtcResult nvrtcCreateProgram(nvrtcProgram *prog, const char *src, const char *name, int
   * numHeaders, const char *const *headers, const char *const *includeNames)
   * }
   */
  public static FunctionDescriptor nvrtcCreateProgram$descriptor() {
    return nvrtcCreateProgram.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * nvrtcResult nvrtcCreateProgram(nvrtcProgram *prog, const char *src, const char *name, int
   * numHeaders, const char *const *headers, const char *const *includeNames)
   * }
   */
  public static MethodHandle nvrtcCreateProgram$handle() {
    return nvrtcCreateProgram.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * nvrtcResult nvrtcCreateProgram(nvrtcProgram *prog, const char *src, const char *name, int
   * numHeaders, const char *const *headers, const char *const *includeNames)
   * }
   */
  public static MemorySegment nvrtcCreateProgram$address() {
    return nvrtcCreateProgram.ADDR;
  }

  /**
   * {@snippet lang=c :
   * nvrtcResult nvrtcCreateProgram(nvrtcProgram *prog, const char *src, const char *name, int
   * numHeaders, const char *const *headers, const char *const *includeNames)
   * }
   */
  public static int nvrtcCreateProgram(MemorySegment prog, MemorySegment src, MemorySegment name, int numHeaders, MemorySegment headers, MemorySegment includeNames) {
    var mh$ = nvrtcCreateProgram.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("nvrtcCreateProgram", prog, src, name, numHeaders, headers, includeNames);
      }
      return (int) mh$.invokeExact(prog, src, name, numHeaders, headers, includeNames);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class nvrtcCompileProgram {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_POINTER);

    static final MemorySegment ADDR = findOrThrow("nvrtcCompileProgram");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * nvrtcResult nvrtcCompileProgram(nvrtcProgram prog, int numOptions, const char *const
   * *options)
   * }
   */
  public static FunctionDescriptor nvrtcCompileProgram$descriptor() {
    return nvrtcCompileProgram.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * nvrtcResult nvrtcCompileProgram(nvrtcProgram prog, int numOptions, const char *const
   * *options)
   * }
   */
  public static MethodHandle nvrtcCompileProgram$handle() {
    return nvrtcCompileProgram.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * nvrtcResult nvrtcCompileProgram(nvrtcProgram prog, int numOptions, const char *const
   * *options)
   * }
   */
  public static MemorySegment nvrtcCompileProgram$address() {
    return nvrtcCompileProgram.ADDR;
  }

  /**
   * {@snippet lang=c :
   * nvrtcResult nvrtcCompileProgram(nvrtcProgram prog, int numOptions, const char *const
   * *options)
   * }
   */
  public static int nvrtcCompileProgram(MemorySegment prog, int numOptions, MemorySegment options) {
    var mh$ = nvrtcCompileProgram.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("nvrtcCompileProgram", prog, numOptions, options);
      }
      return (int) mh$.invokeExact(prog, numOptions, options);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class nvrtcGetPTXSize {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);

    static final MemorySegment ADDR = findOrThrow("nvrtcGetPTXSize");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * nvrtcResult nvrtcGetPTXSize(nvrtcProgram prog, size_t *ptxSizeRet)
   * }
   */
  public static FunctionDescriptor nvrtcGetPTXSize$descriptor() {
    return nvrtcGetPTXSize.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * nvrtcResult nvrtcGetPTXSize(nvrtcProgram prog, size_t *ptxSizeRet)
   * }
   */
  public static MethodHandle nvrtcGetPTXSize$handle() {
    return nvrtcGetPTXSize.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * nvrtcResult nvrtcGetPTXSize(nvrtcProgram prog, size_t *ptxSizeRet)
   * }
   */
  public static MemorySegment nvrtcGetPTXSize$address() {
    return nvrtcGetPTXSize.ADDR;
  }

  /**
   * {@snippet lang=c :
   * nvrtcResult nvrtcGetPTXSize(nvrtcProgram prog, size_t *ptxSizeRet)
   * }
   */
  public static int nvrtcGetPTXSize(MemorySegment prog, MemorySegment ptxSizeRet) {
    var mh$ = nvrtcGetPTXSize.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("nvrtcGetPTXSize", prog, ptxSizeRet);
      }
      return (int) mh$.invokeExact(prog, ptxSizeRet);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class nvrtcGetPTX {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);

    static final MemorySegment ADDR = findOrThrow("nvrtcGetPTX");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * nvrtcResult nvrtcGetPTX(nvrtcProgram prog, char *ptx)
   * }
   */
  public static FunctionDescriptor nvrtcGetPTX$descriptor() {
    return nvrtcGetPTX.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * nvrtcResult nvrtcGetPTX(nvrtcProgram prog, char *ptx)
   * }
   */
  public static MethodHandle nvrtcGetPTX$handle() {
    return nvrtcGetPTX.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * nvrtcResult nvrtcGetPTX(nvrtcProgram prog, char *ptx)
   * }
   */
  public static MemorySegment nvrtcGetPTX$address() {
    return nvrtcGetPTX.ADDR;
  }

  /**
   * {@snippet lang=c :
   * nvrtcResult nvrtcGetPTX(nvrtcProgram prog, char *ptx)
   * }
   */
  public static int nvrtcGetPTX(MemorySegment prog, MemorySegment ptx) {
    var mh$ = nvrtcGetPTX.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("nvrtcGetPTX", prog, ptx);
      }
      return (int) mh$.invokeExact(prog, ptx);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class nvrtcGetCUBINSize {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);

    static final MemorySegment ADDR = findOrThrow("nvrtcGetCUBINSize");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * nvrtcResult nvrtcGetCUBINSize(nvrtcProgram prog, size_t *cubinSizeRet)
   * }
   */
  public static FunctionDescriptor nvrtcGetCUBINSize$descriptor() {
    return nvrtcGetCUBINSize.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * nvrtcResult nvrtcGetCUBINSize(nvrtcProgram prog, size_t *cubinSizeRet)
   * }
   */
  public static MethodHandle nvrtcGetCUBINSize$handle() {
    return nvrtcGetCUBINSize.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * nvrtcResult nvrtcGetCUBINSize(nvrtcProgram prog, size_t *cubinSizeRet)
   * }
   */
  public static MemorySegment nvrtcGetCUBINSize$address() {
    return nvrtcGetCUBINSize.ADDR;
  }

  /**
   * {@snippet lang=c :
   * nvrtcResult nvrtcGetCUBINSize(nvrtcProgram prog, size_t *cubinSizeRet)
   * }
   */
  public static int nvrtcGetCUBINSize(MemorySegment prog, MemorySegment cubinSizeRet) {
    var mh$ = nvrtcGetCUBINSize.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("nvrtcGetCUBINSize", prog, cubinSizeRet);
      }
      return (int) mh$.invokeExact(prog, cubinSizeRet);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class nvrtcGetCUBIN {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);

    static final MemorySegment ADDR = findOrThrow("nvrtcGetCUBIN");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * nvrtcResult nvrtcGetCUBIN(nvrtcProgram prog, char *cubin)
   * }
   */
  public static FunctionDescriptor nvrtcGetCUBIN$descriptor() {
    return nvrtcGetCUBIN.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * nvrtcResult nvrtcGetCUBIN(nvrtcProgram prog, char *cubin)
   * }
   */
  public static MethodHandle nvrtcGetCUBIN$handle() {
    return nvrtcGetCUBIN.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * nvrtcResult nvrtcGetCUBIN(nvrtcProgram prog, char *cubin)
   * }
   */
  public static MemorySegment nvrtcGetCUBIN$address() {
    return nvrtcGetCUBIN.ADDR;
  }

  /**
   * {@snippet lang=c :
   * nvrtcResult nvrtcGetCUBIN(nvrtcProgram prog, char *cubin)
   * }
   */
  public static int nvrtcGetCUBIN(MemorySegment prog, MemorySegment cubin) {
    var mh$ = nvrtcGetCUBIN.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("nvrtcGetCUBIN", prog, cubin);
      }
      return (int) mh$.invokeExact(prog, cubin);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class nvrtcGetProgramLogSize {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);

    static final MemorySegment ADDR = findOrThrow("nvrtcGetProgramLogSize");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * nvrtcResult nvrtcGetProgramLogSize(nvrtcProgram prog, size_t *logSizeRet)
   * }
   */
  public static FunctionDescriptor nvrtcGetProgramLogSize$descriptor() {
    return nvrtcGetProgramLogSize.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * nvrtcResult nvrtcGetProgramLogSize(nvrtcProgram prog, size_t *logSizeRet)
   * }
   */
  public static MethodHandle nvrtcGetProgramLogSize$handle() {
    return nvrtcGetProgramLogSize.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * nvrtcResult nvrtcGetProgramLogSize(nvrtcProgram prog, size_t *logSizeRet)
   * }
   */
  public static MemorySegment nvrtcGetProgramLogSize$address() {
    return nvrtcGetProgramLogSize.ADDR;
  }

  /**
   * {@snippet lang=c :
   * nvrtcResult nvrtcGetProgramLogSize(nvrtcProgram prog, size_t *logSizeRet)
   * }
   */
  public static int nvrtcGetProgramLogSize(MemorySegment prog, MemorySegment logSizeRet) {
    var mh$ = nvrtcGetProgramLogSize.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("nvrtcGetProgramLogSize", prog, logSizeRet);
      }
      return (int) mh$.invokeExact(prog, logSizeRet);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class nvrtcGetProgramLog {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);

    static final MemorySegment ADDR = findOrThrow("nvrtcGetProgramLog");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * nvrtcResult nvrtcGetProgramLog(nvrtcProgram prog, char *log)
   * }
   */
  public static FunctionDescriptor nvrtcGetProgramLog$descriptor() {
    return nvrtcGetProgramLog.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * nvrtcResult nvrtcGetProgramLog(nvrtcProgram prog, char *log)
   * }
   */
  public static MethodHandle nvrtcGetProgramLog$handle() {
    return nvrtcGetProgramLog.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * nvrtcResult nvrtcGetProgramLog(nvrtcProgram prog, char *log)
   * }
   */
  public static MemorySegment nvrtcGetProgramLog$address() {
    return nvrtcGetProgramLog.ADDR;
  }

  /**
   * {@snippet lang=c :
   * nvrtcResult nvrtcGetProgramLog(nvrtcProgram prog, char *log)
   * }
   */
  public static int nvrtcGetProgramLog(MemorySegment prog, MemorySegment log) {
    var mh$ = nvrtcGetProgramLog.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("nvrtcGetProgramLog", prog, log);
      }
      return (int) mh$.invokeExact(prog, log);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class nvrtcDestroyProgram {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);

    static final MemorySegment ADDR = findOrThrow("nvrtcDestroyProgram");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * nvrtcResult nvrtcDestroyProgram(nvrtcProgram *prog)
   * }
   */
  public static FunctionDescriptor nvrtcDestroyProgram$descriptor() {
    return nvrtcDestroyProgram.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * nvrtcResult nvrtcDestroyProgram(nvrtcProgram *prog)
   * }
   */
  public static MethodHandle nvrtcDestroyProgram$handle() {
    return nvrtcDestroyProgram.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * nvrtcResult nvrtcDestroyProgram(nvrtcProgram *prog)
   * }
   */
  public static MemorySegment nvrtcDestroyProgram$address() {
    return nvrtcDestroyProgram.ADDR;
  }

  /**
   * {@snippet lang=c :
   * nvrtcResult nvrtcDestroyProgram(nvrtcProgram *prog)
   * }
   */
  public static int nvrtcDestroyProgram(MemorySegment prog) {
    var mh$ = nvrtcDestroyProgram.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("nvrtcDestroyProgram", prog);
      }
      return (int) mh$.invokeExact(prog);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class nvrtcGetErrorString {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_POINTER, C_INT);

    static final MemorySegment ADDR = findOrThrow("nvrtcGetErrorString");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * const char *nvrtcGetErrorString(nvrtcResult result)
   * }
   */
  public static FunctionDescriptor nvrtcGetErrorString$descriptor() {
    return nvrtcGetErrorString.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * const char *nvrtcGetErrorString(nvrtcResult result)
   * }
   */
  public static MethodHandle nvrtcGetErrorString$handle() {
    return nvrtcGetErrorString.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * const char *nvrtcGetErrorString(nvrtcResult result)
   * }
   */
  public static MemorySegment nvrtcGetErrorString$address() {
    return nvrtcGetErrorString.ADDR;
  }

  /**
   * {@snippet lang=c :
   * const char *nvrtcGetErrorString(nvrtcResult result)
   * }
   */
  public static MemorySegment nvrtcGetErrorString(int result) {
    var mh$ = nvrtcGetErrorString.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("nvrtcGetErrorString", result);
      }
      return (MemorySegment) mh$.invokeExact(result);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }
}
