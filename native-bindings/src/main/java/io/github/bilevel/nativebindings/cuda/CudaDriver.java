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
 * The functions of the CUDA driver API ({@code cuda.h}, {@code libcuda}) that this module calls,
 * and only those, bound by hand with {@code java.lang.foreign} (the module README has the {@code
 * jextract} command line that would generate the full bindings of {@code cuda.h}): one downcall
 * {@link MethodHandle} per function, resolved when this class initialises, and a typed static
 * wrapper with the C name.
 *
 * <p>When the library is missing this class still initialises; calling a function then throws
 * {@link UnsatisfiedLinkError} naming the reason ({@link Downcalls#downcall}).
 */
@SuppressWarnings("restricted")
public final class CudaDriver {

  private CudaDriver() {}

  private static final SymbolLookup LIBRARY = CudaLibrary.DRIVER.lookup();
  private static MethodHandle bind(String symbol, FunctionDescriptor type,
      Linker.Option... options) {
    return Downcalls.downcall(LIBRARY, CudaLibrary.DRIVER::unavailableReason, symbol, type,
        options);
  }

  private static final MethodHandle CU_CTX_SET_CURRENT = bind("cuCtxSetCurrent",
      FunctionDescriptor.of(JAVA_INT, C_POINTER));
  private static final MethodHandle CU_DEVICE_GET = bind("cuDeviceGet",
      FunctionDescriptor.of(JAVA_INT, C_POINTER, JAVA_INT));
  private static final MethodHandle CU_DEVICE_GET_NAME = bind("cuDeviceGetName",
      FunctionDescriptor.of(JAVA_INT, C_POINTER, JAVA_INT, JAVA_INT));
  private static final MethodHandle CU_DEVICE_PRIMARY_CTX_RETAIN = bind("cuDevicePrimaryCtxRetain",
      FunctionDescriptor.of(JAVA_INT, C_POINTER, JAVA_INT));
  private static final MethodHandle CU_DEVICE_TOTAL_MEM_V2 = bind("cuDeviceTotalMem_v2",
      FunctionDescriptor.of(JAVA_INT, C_POINTER, JAVA_INT));
  private static final MethodHandle CU_GET_ERROR_NAME = bind("cuGetErrorName",
      FunctionDescriptor.of(JAVA_INT, JAVA_INT, C_POINTER));
  private static final MethodHandle CU_GET_ERROR_STRING = bind("cuGetErrorString",
      FunctionDescriptor.of(JAVA_INT, JAVA_INT, C_POINTER));
  private static final MethodHandle CU_INIT = bind("cuInit",
      FunctionDescriptor.of(JAVA_INT, JAVA_INT));
  private static final MethodHandle CU_LAUNCH_KERNEL = bind("cuLaunchKernel",
      FunctionDescriptor.of(JAVA_INT, C_POINTER, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
          JAVA_INT, JAVA_INT, C_POINTER, C_POINTER, C_POINTER));
  private static final MethodHandle CU_MODULE_GET_FUNCTION = bind("cuModuleGetFunction",
      FunctionDescriptor.of(JAVA_INT, C_POINTER, C_POINTER, C_POINTER));
  private static final MethodHandle CU_MODULE_LOAD_DATA = bind("cuModuleLoadData",
      FunctionDescriptor.of(JAVA_INT, C_POINTER, C_POINTER));

  // One wrapper per native function, deliberately alike: invokeExact needs each call site's exact
  // static signature, so the try/invokeExact/rethrow shape cannot be shared through a helper.

  /** {@code CUresult cuCtxSetCurrent(CUcontext ctx)}. */
  public static int cuCtxSetCurrent(MemorySegment ctx) {
    try {
      return (int) CU_CTX_SET_CURRENT.invokeExact(ctx);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }

  /** {@code CUresult cuDeviceGet(CUdevice *device, int ordinal)}. */
  public static int cuDeviceGet(MemorySegment device, int ordinal) {
    try {
      return (int) CU_DEVICE_GET.invokeExact(device, ordinal);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }

  /** {@code CUresult cuDeviceGetName(char *name, int len, CUdevice dev)}. */
  public static int cuDeviceGetName(MemorySegment name, int len, int dev) {
    try {
      return (int) CU_DEVICE_GET_NAME.invokeExact(name, len, dev);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }

  /** {@code CUresult cuDevicePrimaryCtxRetain(CUcontext *pctx, CUdevice dev)}. */
  public static int cuDevicePrimaryCtxRetain(MemorySegment pctx, int dev) {
    try {
      return (int) CU_DEVICE_PRIMARY_CTX_RETAIN.invokeExact(pctx, dev);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }

  /** {@code CUresult cuDeviceTotalMem_v2(size_t *bytes, CUdevice dev)}. */
  public static int cuDeviceTotalMem_v2(MemorySegment bytes, int dev) {
    try {
      return (int) CU_DEVICE_TOTAL_MEM_V2.invokeExact(bytes, dev);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }

  /** {@code CUresult cuGetErrorName(CUresult error, const char **pStr)}. */
  public static int cuGetErrorName(int error, MemorySegment pStr) {
    try {
      return (int) CU_GET_ERROR_NAME.invokeExact(error, pStr);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }

  /** {@code CUresult cuGetErrorString(CUresult error, const char **pStr)}. */
  public static int cuGetErrorString(int error, MemorySegment pStr) {
    try {
      return (int) CU_GET_ERROR_STRING.invokeExact(error, pStr);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }

  /** {@code CUresult cuInit(unsigned int Flags)}. */
  public static int cuInit(int Flags) {
    try {
      return (int) CU_INIT.invokeExact(Flags);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }

  /**
   * {@snippet lang=c :
   * CUresult cuLaunchKernel(CUfunction f, unsigned int gridDimX, unsigned int gridDimY,
   * unsigned int gridDimZ, unsigned int blockDimX, unsigned int blockDimY, unsigned int
   * blockDimZ, unsigned int sharedMemBytes, CUstream hStream, void **kernelParams, void
   * **extra)
   * }
   */
  public static int cuLaunchKernel(MemorySegment f, int gridDimX, int gridDimY, int gridDimZ,
      int blockDimX, int blockDimY, int blockDimZ, int sharedMemBytes, MemorySegment hStream,
      MemorySegment kernelParams, MemorySegment extra) {
    try {
      return (int) CU_LAUNCH_KERNEL.invokeExact(f, gridDimX, gridDimY, gridDimZ, blockDimX,
          blockDimY, blockDimZ, sharedMemBytes, hStream, kernelParams, extra);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }

  /** {@code CUresult cuModuleGetFunction(CUfunction *hfunc, CUmodule hmod, const char *name)}. */
  public static int cuModuleGetFunction(MemorySegment hfunc, MemorySegment hmod,
      MemorySegment name) {
    try {
      return (int) CU_MODULE_GET_FUNCTION.invokeExact(hfunc, hmod, name);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }

  /** {@code CUresult cuModuleLoadData(CUmodule *module, const void *image)}. */
  public static int cuModuleLoadData(MemorySegment module, MemorySegment image) {
    try {
      return (int) CU_MODULE_LOAD_DATA.invokeExact(module, image);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }
}
