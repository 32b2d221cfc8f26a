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
 * The functions of NVRTC, the runtime compiler ({@code nvrtc.h}, {@code libnvrtc}) that this
 * module calls, and only those, bound by hand with {@code java.lang.foreign} (the module README
 * has the {@code jextract} command line that would generate the full bindings of {@code
 * nvrtc.h}): one downcall {@link MethodHandle} per function, resolved when this class
 * initialises, and a typed static wrapper with the C name.
 *
 * <p>When the library is missing this class still initialises; calling a function then throws
 * {@link UnsatisfiedLinkError} naming the reason ({@link Downcalls#downcall}).
 */
@SuppressWarnings("restricted")
public final class Nvrtc {

  private Nvrtc() {}

  private static final SymbolLookup LIBRARY = CudaLibrary.NVRTC.lookup();

  /** C constant {@code NVRTC_ERROR_COMPILATION}. */
  public static final int NVRTC_ERROR_COMPILATION = 6;
  /** C constant {@code NVRTC_ERROR_INVALID_OPTION}. */
  public static final int NVRTC_ERROR_INVALID_OPTION = 5;
  /** C constant {@code NVRTC_SUCCESS}. */
  public static final int NVRTC_SUCCESS = 0;

  private static MethodHandle bind(String symbol, FunctionDescriptor type,
      Linker.Option... options) {
    return Downcalls.downcall(LIBRARY, CudaLibrary.NVRTC::unavailableReason, symbol, type,
        options);
  }

  private static final MethodHandle NVRTC_COMPILE_PROGRAM = bind("nvrtcCompileProgram",
      FunctionDescriptor.of(JAVA_INT, C_POINTER, JAVA_INT, C_POINTER));
  private static final MethodHandle NVRTC_CREATE_PROGRAM = bind("nvrtcCreateProgram",
      FunctionDescriptor.of(JAVA_INT, C_POINTER, C_POINTER, C_POINTER, JAVA_INT, C_POINTER,
          C_POINTER));
  private static final MethodHandle NVRTC_DESTROY_PROGRAM = bind("nvrtcDestroyProgram",
      FunctionDescriptor.of(JAVA_INT, C_POINTER));
  private static final MethodHandle NVRTC_GET_CUBIN = bind("nvrtcGetCUBIN",
      FunctionDescriptor.of(JAVA_INT, C_POINTER, C_POINTER));
  private static final MethodHandle NVRTC_GET_CUBINSIZE = bind("nvrtcGetCUBINSize",
      FunctionDescriptor.of(JAVA_INT, C_POINTER, C_POINTER));
  private static final MethodHandle NVRTC_GET_ERROR_STRING = bind("nvrtcGetErrorString",
      FunctionDescriptor.of(C_POINTER, JAVA_INT));
  private static final MethodHandle NVRTC_GET_PTX = bind("nvrtcGetPTX",
      FunctionDescriptor.of(JAVA_INT, C_POINTER, C_POINTER));
  private static final MethodHandle NVRTC_GET_PTXSIZE = bind("nvrtcGetPTXSize",
      FunctionDescriptor.of(JAVA_INT, C_POINTER, C_POINTER));
  private static final MethodHandle NVRTC_GET_PROGRAM_LOG = bind("nvrtcGetProgramLog",
      FunctionDescriptor.of(JAVA_INT, C_POINTER, C_POINTER));
  private static final MethodHandle NVRTC_GET_PROGRAM_LOG_SIZE = bind("nvrtcGetProgramLogSize",
      FunctionDescriptor.of(JAVA_INT, C_POINTER, C_POINTER));
  private static final MethodHandle NVRTC_VERSION = bind("nvrtcVersion",
      FunctionDescriptor.of(JAVA_INT, C_POINTER, C_POINTER));

  // One wrapper per native function, deliberately alike: invokeExact needs each call site's exact
  // static signature, so the try/invokeExact/rethrow shape cannot be shared through a helper.

  /**
   * {@snippet lang=c :
   * nvrtcResult nvrtcCompileProgram(nvrtcProgram prog, int numOptions, const char *const
   * *options)
   * }
   */
  public static int nvrtcCompileProgram(MemorySegment prog, int numOptions, MemorySegment options) {
    try {
      return (int) NVRTC_COMPILE_PROGRAM.invokeExact(prog, numOptions, options);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }

  /**
   * {@snippet lang=c :
   * nvrtcResult nvrtcCreateProgram(nvrtcProgram *prog, const char *src, const char *name,
   * int numHeaders, const char *const *headers, const char *const *includeNames)
   * }
   */
  public static int nvrtcCreateProgram(MemorySegment prog, MemorySegment src, MemorySegment name,
      int numHeaders, MemorySegment headers, MemorySegment includeNames) {
    try {
      return (int) NVRTC_CREATE_PROGRAM.invokeExact(prog, src, name, numHeaders, headers,
          includeNames);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }

  /** {@code nvrtcResult nvrtcDestroyProgram(nvrtcProgram *prog)}. */
  public static int nvrtcDestroyProgram(MemorySegment prog) {
    try {
      return (int) NVRTC_DESTROY_PROGRAM.invokeExact(prog);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }

  /** {@code nvrtcResult nvrtcGetCUBIN(nvrtcProgram prog, char *cubin)}. */
  public static int nvrtcGetCUBIN(MemorySegment prog, MemorySegment cubin) {
    try {
      return (int) NVRTC_GET_CUBIN.invokeExact(prog, cubin);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }

  /** {@code nvrtcResult nvrtcGetCUBINSize(nvrtcProgram prog, size_t *cubinSizeRet)}. */
  public static int nvrtcGetCUBINSize(MemorySegment prog, MemorySegment cubinSizeRet) {
    try {
      return (int) NVRTC_GET_CUBINSIZE.invokeExact(prog, cubinSizeRet);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }

  /** {@code const char *nvrtcGetErrorString(nvrtcResult result)}. */
  public static MemorySegment nvrtcGetErrorString(int result) {
    try {
      return (MemorySegment) NVRTC_GET_ERROR_STRING.invokeExact(result);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }

  /** {@code nvrtcResult nvrtcGetPTX(nvrtcProgram prog, char *ptx)}. */
  public static int nvrtcGetPTX(MemorySegment prog, MemorySegment ptx) {
    try {
      return (int) NVRTC_GET_PTX.invokeExact(prog, ptx);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }

  /** {@code nvrtcResult nvrtcGetPTXSize(nvrtcProgram prog, size_t *ptxSizeRet)}. */
  public static int nvrtcGetPTXSize(MemorySegment prog, MemorySegment ptxSizeRet) {
    try {
      return (int) NVRTC_GET_PTXSIZE.invokeExact(prog, ptxSizeRet);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }

  /** {@code nvrtcResult nvrtcGetProgramLog(nvrtcProgram prog, char *log)}. */
  public static int nvrtcGetProgramLog(MemorySegment prog, MemorySegment log) {
    try {
      return (int) NVRTC_GET_PROGRAM_LOG.invokeExact(prog, log);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }

  /** {@code nvrtcResult nvrtcGetProgramLogSize(nvrtcProgram prog, size_t *logSizeRet)}. */
  public static int nvrtcGetProgramLogSize(MemorySegment prog, MemorySegment logSizeRet) {
    try {
      return (int) NVRTC_GET_PROGRAM_LOG_SIZE.invokeExact(prog, logSizeRet);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }

  /** {@code nvrtcResult nvrtcVersion(int *major, int *minor)}. */
  public static int nvrtcVersion(MemorySegment major, MemorySegment minor) {
    try {
      return (int) NVRTC_VERSION.invokeExact(major, minor);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }
}
