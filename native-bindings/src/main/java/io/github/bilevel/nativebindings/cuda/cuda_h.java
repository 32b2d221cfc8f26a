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
 * Bindings to the part of the CUDA driver API ({@code cuda.h}, {@code libcuda.so.1}, installed
 * with the NVIDIA driver, not with the toolkit) the CUDA backend needs to run the kernels NVRTC
 * compiled: module loading and {@code cuLaunchKernel}, in the layout {@code jextract} generates
 * (see the module README). {@code cuDeviceTotalMem} and {@code cuDevicePrimaryCtxRelease} are
 * bound by the {@code _v2} symbols {@code cuda.h} maps them to.
 *
 * <p>The driver API shares the runtime's primary context: the backend retains it with
 * {@code cuDevicePrimaryCtxRetain} and makes it current with {@code cuCtxSetCurrent}, so that
 * modules, streams and memory are common to both APIs. A {@code cudaStream_t} is a
 * {@code CUstream}.
 *
 * <p>The library is found by {@link CudaLibrary#DRIVER}; when it is missing this class still
 * initialises, and the first call of a function throws {@link UnsatisfiedLinkError} naming the
 * reason. {@link CudaException#checkDriver} turns a failed {@code CUresult} into an
 * exception.
 */
@SuppressWarnings({"restricted", "unused"})
public final class cuda_h {

  cuda_h() {
    // Should not be called directly
  }

  static final SymbolLookup SYMBOL_LOOKUP = CudaLibrary.DRIVER.lookup();

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
            + CudaLibrary.DRIVER.unavailableReason().map(r -> " (" + r + ")").orElse("")));
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

  private static final int CUDA_SUCCESS = (int) 0L;

  /** {@snippet lang=c : cudaError_enum.CUDA_SUCCESS = 0 } */
  public static int CUDA_SUCCESS() {
    return CUDA_SUCCESS;
  }

  private static final int CUDA_ERROR_INVALID_VALUE = (int) 1L;

  /** {@snippet lang=c : cudaError_enum.CUDA_ERROR_INVALID_VALUE = 1 } */
  public static int CUDA_ERROR_INVALID_VALUE() {
    return CUDA_ERROR_INVALID_VALUE;
  }

  private static final int CUDA_ERROR_NOT_INITIALIZED = (int) 3L;

  /** {@snippet lang=c : cudaError_enum.CUDA_ERROR_NOT_INITIALIZED = 3 } */
  public static int CUDA_ERROR_NOT_INITIALIZED() {
    return CUDA_ERROR_NOT_INITIALIZED;
  }

  private static final int CUDA_ERROR_NO_DEVICE = (int) 100L;

  /** {@snippet lang=c : cudaError_enum.CUDA_ERROR_NO_DEVICE = 100 } */
  public static int CUDA_ERROR_NO_DEVICE() {
    return CUDA_ERROR_NO_DEVICE;
  }

  private static final int CUDA_ERROR_INVALID_IMAGE = (int) 200L;

  /** {@snippet lang=c : cudaError_enum.CUDA_ERROR_INVALID_IMAGE = 200 } */
  public static int CUDA_ERROR_INVALID_IMAGE() {
    return CUDA_ERROR_INVALID_IMAGE;
  }

  private static final int CUDA_ERROR_NOT_FOUND = (int) 500L;

  /** {@snippet lang=c : cudaError_enum.CUDA_ERROR_NOT_FOUND = 500 } */
  public static int CUDA_ERROR_NOT_FOUND() {
    return CUDA_ERROR_NOT_FOUND;
  }

  private static final class cuInit {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_INT);

    static final MemorySegment ADDR = findOrThrow("cuInit");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * CUresult cuInit(unsigned int Flags)
   * }
   */
  public static FunctionDescriptor cuInit$descriptor() {
    return cuInit.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * CUresult cuInit(unsigned int Flags)
   * }
   */
  public static MethodHandle cuInit$handle() {
    return cuInit.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * CUresult cuInit(unsigned int Flags)
   * }
   */
  public static MemorySegment cuInit$address() {
    return cuInit.ADDR;
  }

  /**
   * {@snippet lang=c :
   * CUresult cuInit(unsigned int Flags)
   * }
   */
  public static int cuInit(int Flags) {
    var mh$ = cuInit.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cuInit", Flags);
      }
      return (int) mh$.invokeExact(Flags);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class cuDriverGetVersion {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);

    static final MemorySegment ADDR = findOrThrow("cuDriverGetVersion");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * CUresult cuDriverGetVersion(int *driverVersion)
   * }
   */
  public static FunctionDescriptor cuDriverGetVersion$descriptor() {
    return cuDriverGetVersion.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * CUresult cuDriverGetVersion(int *driverVersion)
   * }
   */
  public static MethodHandle cuDriverGetVersion$handle() {
    return cuDriverGetVersion.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * CUresult cuDriverGetVersion(int *driverVersion)
   * }
   */
  public static MemorySegment cuDriverGetVersion$address() {
    return cuDriverGetVersion.ADDR;
  }

  /**
   * {@snippet lang=c :
   * CUresult cuDriverGetVersion(int *driverVersion)
   * }
   */
  public static int cuDriverGetVersion(MemorySegment driverVersion) {
    var mh$ = cuDriverGetVersion.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cuDriverGetVersion", driverVersion);
      }
      return (int) mh$.invokeExact(driverVersion);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class cuDeviceGet {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT);

    static final MemorySegment ADDR = findOrThrow("cuDeviceGet");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * CUresult cuDeviceGet(CUdevice *device, int ordinal)
   * }
   */
  public static FunctionDescriptor cuDeviceGet$descriptor() {
    return cuDeviceGet.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * CUresult cuDeviceGet(CUdevice *device, int ordinal)
   * }
   */
  public static MethodHandle cuDeviceGet$handle() {
    return cuDeviceGet.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * CUresult cuDeviceGet(CUdevice *device, int ordinal)
   * }
   */
  public static MemorySegment cuDeviceGet$address() {
    return cuDeviceGet.ADDR;
  }

  /**
   * {@snippet lang=c :
   * CUresult cuDeviceGet(CUdevice *device, int ordinal)
   * }
   */
  public static int cuDeviceGet(MemorySegment device, int ordinal) {
    var mh$ = cuDeviceGet.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cuDeviceGet", device, ordinal);
      }
      return (int) mh$.invokeExact(device, ordinal);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class cuDeviceGetName {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT);

    static final MemorySegment ADDR = findOrThrow("cuDeviceGetName");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * CUresult cuDeviceGetName(char *name, int len, CUdevice dev)
   * }
   */
  public static FunctionDescriptor cuDeviceGetName$descriptor() {
    return cuDeviceGetName.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * CUresult cuDeviceGetName(char *name, int len, CUdevice dev)
   * }
   */
  public static MethodHandle cuDeviceGetName$handle() {
    return cuDeviceGetName.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * CUresult cuDeviceGetName(char *name, int len, CUdevice dev)
   * }
   */
  public static MemorySegment cuDeviceGetName$address() {
    return cuDeviceGetName.ADDR;
  }

  /**
   * {@snippet lang=c :
   * CUresult cuDeviceGetName(char *name, int len, CUdevice dev)
   * }
   */
  public static int cuDeviceGetName(MemorySegment name, int len, int dev) {
    var mh$ = cuDeviceGetName.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cuDeviceGetName", name, len, dev);
      }
      return (int) mh$.invokeExact(name, len, dev);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class cuDeviceTotalMem_v2 {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT);

    static final MemorySegment ADDR = findOrThrow("cuDeviceTotalMem_v2");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * CUresult cuDeviceTotalMem_v2(size_t *bytes, CUdevice dev)
   * }
   */
  public static FunctionDescriptor cuDeviceTotalMem_v2$descriptor() {
    return cuDeviceTotalMem_v2.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * CUresult cuDeviceTotalMem_v2(size_t *bytes, CUdevice dev)
   * }
   */
  public static MethodHandle cuDeviceTotalMem_v2$handle() {
    return cuDeviceTotalMem_v2.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * CUresult cuDeviceTotalMem_v2(size_t *bytes, CUdevice dev)
   * }
   */
  public static MemorySegment cuDeviceTotalMem_v2$address() {
    return cuDeviceTotalMem_v2.ADDR;
  }

  /**
   * {@snippet lang=c :
   * CUresult cuDeviceTotalMem_v2(size_t *bytes, CUdevice dev)
   * }
   */
  public static int cuDeviceTotalMem_v2(MemorySegment bytes, int dev) {
    var mh$ = cuDeviceTotalMem_v2.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cuDeviceTotalMem_v2", bytes, dev);
      }
      return (int) mh$.invokeExact(bytes, dev);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class cuDevicePrimaryCtxRetain {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT);

    static final MemorySegment ADDR = findOrThrow("cuDevicePrimaryCtxRetain");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * CUresult cuDevicePrimaryCtxRetain(CUcontext *pctx, CUdevice dev)
   * }
   */
  public static FunctionDescriptor cuDevicePrimaryCtxRetain$descriptor() {
    return cuDevicePrimaryCtxRetain.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * CUresult cuDevicePrimaryCtxRetain(CUcontext *pctx, CUdevice dev)
   * }
   */
  public static MethodHandle cuDevicePrimaryCtxRetain$handle() {
    return cuDevicePrimaryCtxRetain.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * CUresult cuDevicePrimaryCtxRetain(CUcontext *pctx, CUdevice dev)
   * }
   */
  public static MemorySegment cuDevicePrimaryCtxRetain$address() {
    return cuDevicePrimaryCtxRetain.ADDR;
  }

  /**
   * {@snippet lang=c :
   * CUresult cuDevicePrimaryCtxRetain(CUcontext *pctx, CUdevice dev)
   * }
   */
  public static int cuDevicePrimaryCtxRetain(MemorySegment pctx, int dev) {
    var mh$ = cuDevicePrimaryCtxRetain.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cuDevicePrimaryCtxRetain", pctx, dev);
      }
      return (int) mh$.invokeExact(pctx, dev);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class cuDevicePrimaryCtxRelease_v2 {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_INT);

    static final MemorySegment ADDR = findOrThrow("cuDevicePrimaryCtxRelease_v2");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * CUresult cuDevicePrimaryCtxRelease_v2(CUdevice dev)
   * }
   */
  public static FunctionDescriptor cuDevicePrimaryCtxRelease_v2$descriptor() {
    return cuDevicePrimaryCtxRelease_v2.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * CUresult cuDevicePrimaryCtxRelease_v2(CUdevice dev)
   * }
   */
  public static MethodHandle cuDevicePrimaryCtxRelease_v2$handle() {
    return cuDevicePrimaryCtxRelease_v2.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * CUresult cuDevicePrimaryCtxRelease_v2(CUdevice dev)
   * }
   */
  public static MemorySegment cuDevicePrimaryCtxRelease_v2$address() {
    return cuDevicePrimaryCtxRelease_v2.ADDR;
  }

  /**
   * {@snippet lang=c :
   * CUresult cuDevicePrimaryCtxRelease_v2(CUdevice dev)
   * }
   */
  public static int cuDevicePrimaryCtxRelease_v2(int dev) {
    var mh$ = cuDevicePrimaryCtxRelease_v2.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cuDevicePrimaryCtxRelease_v2", dev);
      }
      return (int) mh$.invokeExact(dev);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class cuCtxSetCurrent {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);

    static final MemorySegment ADDR = findOrThrow("cuCtxSetCurrent");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * CUresult cuCtxSetCurrent(CUcontext ctx)
   * }
   */
  public static FunctionDescriptor cuCtxSetCurrent$descriptor() {
    return cuCtxSetCurrent.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * CUresult cuCtxSetCurrent(CUcontext ctx)
   * }
   */
  public static MethodHandle cuCtxSetCurrent$handle() {
    return cuCtxSetCurrent.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * CUresult cuCtxSetCurrent(CUcontext ctx)
   * }
   */
  public static MemorySegment cuCtxSetCurrent$address() {
    return cuCtxSetCurrent.ADDR;
  }

  /**
   * {@snippet lang=c :
   * CUresult cuCtxSetCurrent(CUcontext ctx)
   * }
   */
  public static int cuCtxSetCurrent(MemorySegment ctx) {
    var mh$ = cuCtxSetCurrent.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cuCtxSetCurrent", ctx);
      }
      return (int) mh$.invokeExact(ctx);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class cuCtxGetCurrent {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);

    static final MemorySegment ADDR = findOrThrow("cuCtxGetCurrent");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * CUresult cuCtxGetCurrent(CUcontext *pctx)
   * }
   */
  public static FunctionDescriptor cuCtxGetCurrent$descriptor() {
    return cuCtxGetCurrent.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * CUresult cuCtxGetCurrent(CUcontext *pctx)
   * }
   */
  public static MethodHandle cuCtxGetCurrent$handle() {
    return cuCtxGetCurrent.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * CUresult cuCtxGetCurrent(CUcontext *pctx)
   * }
   */
  public static MemorySegment cuCtxGetCurrent$address() {
    return cuCtxGetCurrent.ADDR;
  }

  /**
   * {@snippet lang=c :
   * CUresult cuCtxGetCurrent(CUcontext *pctx)
   * }
   */
  public static int cuCtxGetCurrent(MemorySegment pctx) {
    var mh$ = cuCtxGetCurrent.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cuCtxGetCurrent", pctx);
      }
      return (int) mh$.invokeExact(pctx);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class cuModuleLoadData {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);

    static final MemorySegment ADDR = findOrThrow("cuModuleLoadData");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * CUresult cuModuleLoadData(CUmodule *module, const void *image)
   * }
   */
  public static FunctionDescriptor cuModuleLoadData$descriptor() {
    return cuModuleLoadData.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * CUresult cuModuleLoadData(CUmodule *module, const void *image)
   * }
   */
  public static MethodHandle cuModuleLoadData$handle() {
    return cuModuleLoadData.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * CUresult cuModuleLoadData(CUmodule *module, const void *image)
   * }
   */
  public static MemorySegment cuModuleLoadData$address() {
    return cuModuleLoadData.ADDR;
  }

  /**
   * {@snippet lang=c :
   * CUresult cuModuleLoadData(CUmodule *module, const void *image)
   * }
   */
  public static int cuModuleLoadData(MemorySegment module, MemorySegment image) {
    var mh$ = cuModuleLoadData.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cuModuleLoadData", module, image);
      }
      return (int) mh$.invokeExact(module, image);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class cuModuleUnload {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);

    static final MemorySegment ADDR = findOrThrow("cuModuleUnload");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * CUresult cuModuleUnload(CUmodule hmod)
   * }
   */
  public static FunctionDescriptor cuModuleUnload$descriptor() {
    return cuModuleUnload.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * CUresult cuModuleUnload(CUmodule hmod)
   * }
   */
  public static MethodHandle cuModuleUnload$handle() {
    return cuModuleUnload.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * CUresult cuModuleUnload(CUmodule hmod)
   * }
   */
  public static MemorySegment cuModuleUnload$address() {
    return cuModuleUnload.ADDR;
  }

  /**
   * {@snippet lang=c :
   * CUresult cuModuleUnload(CUmodule hmod)
   * }
   */
  public static int cuModuleUnload(MemorySegment hmod) {
    var mh$ = cuModuleUnload.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cuModuleUnload", hmod);
      }
      return (int) mh$.invokeExact(hmod);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class cuModuleGetFunction {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER);

    static final MemorySegment ADDR = findOrThrow("cuModuleGetFunction");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * CUresult cuModuleGetFunction(CUfunction *hfunc, CUmodule hmod, const char *name)
   * }
   */
  public static FunctionDescriptor cuModuleGetFunction$descriptor() {
    return cuModuleGetFunction.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * CUresult cuModuleGetFunction(CUfunction *hfunc, CUmodule hmod, const char *name)
   * }
   */
  public static MethodHandle cuModuleGetFunction$handle() {
    return cuModuleGetFunction.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * CUresult cuModuleGetFunction(CUfunction *hfunc, CUmodule hmod, const char *name)
   * }
   */
  public static MemorySegment cuModuleGetFunction$address() {
    return cuModuleGetFunction.ADDR;
  }

  /**
   * {@snippet lang=c :
   * CUresult cuModuleGetFunction(CUfunction *hfunc, CUmodule hmod, const char *name)
   * }
   */
  public static int cuModuleGetFunction(MemorySegment hfunc, MemorySegment hmod, MemorySegment name) {
    var mh$ = cuModuleGetFunction.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cuModuleGetFunction", hfunc, hmod, name);
      }
      return (int) mh$.invokeExact(hfunc, hmod, name);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class cuLaunchKernel {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT, C_INT, C_INT, C_INT, C_INT, C_INT, C_POINTER, C_POINTER, C_POINTER);

    static final MemorySegment ADDR = findOrThrow("cuLaunchKernel");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * CUresult cuLaunchKernel(CUfunction f, unsigned int gridDimX, unsigned int gridDimY, unsigned
   * int gridDimZ, unsigned int blockDimX, unsigned int blockDimY, unsigned int blockDimZ,
   * unsigned int sharedMemBytes, CUstream hStream, void **kernelParams, void **extra)
   * }
   */
  public static FunctionDescriptor cuLaunchKernel$descriptor() {
    return cuLaunchKernel.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * CUresult cuLaunchKernel(CUfunction f, unsigned int gridDimX, unsigned int gridDimY, unsigned
   * int gridDimZ, unsigned int blockDimX, unsigned int blockDimY, unsigned int blockDimZ,
   * unsigned int sharedMemBytes, CUstream hStream, void **kernelParams, void **extra)
   * }
   */
  public static MethodHandle cuLaunchKernel$handle() {
    return cuLaunchKernel.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * CUresult cuLaunchKernel(CUfunction f, unsigned int gridDimX, unsigned int gridDimY, unsigned
   * int gridDimZ, unsigned int blockDimX, unsigned int blockDimY, unsigned int blockDimZ,
   * unsigned int sharedMemBytes, CUstream hStream, void **kernelParams, void **extra)
   * }
   */
  public static MemorySegment cuLaunchKernel$address() {
    return cuLaunchKernel.ADDR;
  }

  /**
   * {@snippet lang=c :
   * CUresult cuLaunchKernel(CUfunction f, unsigned int gridDimX, unsigned int gridDimY, unsigned
   * int gridDimZ, unsigned int blockDimX, unsigned int blockDimY, unsigned int blockDimZ,
   * unsigned int sharedMemBytes, CUstream hStream, void **kernelParams, void **extra)
   * }
   */
  public static int cuLaunchKernel(MemorySegment f, int gridDimX, int gridDimY, int gridDimZ, int blockDimX, int blockDimY, int blockDimZ, int sharedMemBytes, MemorySegment hStream, MemorySegment kernelParams, MemorySegment extra) {
    var mh$ = cuLaunchKernel.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cuLaunchKernel", f, gridDimX, gridDimY, gridDimZ, blockDimX, blockDimY, blockDimZ, sharedMemBytes, hStream, kernelParams, extra);
      }
      return (int) mh$.invokeExact(f, gridDimX, gridDimY, gridDimZ, blockDimX, blockDimY, blockDimZ, sharedMemBytes, hStream, kernelParams, extra);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class cuGetErrorString {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_INT, C_POINTER);

    static final MemorySegment ADDR = findOrThrow("cuGetErrorString");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * CUresult cuGetErrorString(CUresult error, const char **pStr)
   * }
   */
  public static FunctionDescriptor cuGetErrorString$descriptor() {
    return cuGetErrorString.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * CUresult cuGetErrorString(CUresult error, const char **pStr)
   * }
   */
  public static MethodHandle cuGetErrorString$handle() {
    return cuGetErrorString.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * CUresult cuGetErrorString(CUresult error, const char **pStr)
   * }
   */
  public static MemorySegment cuGetErrorString$address() {
    return cuGetErrorString.ADDR;
  }

  /**
   * {@snippet lang=c :
   * CUresult cuGetErrorString(CUresult error, const char **pStr)
   * }
   */
  public static int cuGetErrorString(int error, MemorySegment pStr) {
    var mh$ = cuGetErrorString.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cuGetErrorString", error, pStr);
      }
      return (int) mh$.invokeExact(error, pStr);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class cuGetErrorName {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_INT, C_POINTER);

    static final MemorySegment ADDR = findOrThrow("cuGetErrorName");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * CUresult cuGetErrorName(CUresult error, const char **pStr)
   * }
   */
  public static FunctionDescriptor cuGetErrorName$descriptor() {
    return cuGetErrorName.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * CUresult cuGetErrorName(CUresult error, const char **pStr)
   * }
   */
  public static MethodHandle cuGetErrorName$handle() {
    return cuGetErrorName.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * CUresult cuGetErrorName(CUresult error, const char **pStr)
   * }
   */
  public static MemorySegment cuGetErrorName$address() {
    return cuGetErrorName.ADDR;
  }

  /**
   * {@snippet lang=c :
   * CUresult cuGetErrorName(CUresult error, const char **pStr)
   * }
   */
  public static int cuGetErrorName(int error, MemorySegment pStr) {
    var mh$ = cuGetErrorName.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cuGetErrorName", error, pStr);
      }
      return (int) mh$.invokeExact(error, pStr);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }
}
