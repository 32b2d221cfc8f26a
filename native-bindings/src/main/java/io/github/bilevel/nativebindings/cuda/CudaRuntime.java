package io.github.bilevel.nativebindings.cuda;

import static io.github.bilevel.nativebindings.Downcalls.C_POINTER;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.github.bilevel.nativebindings.Downcalls;
import java.lang.foreign.ValueLayout;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * The functions of the CUDA runtime ({@code cuda_runtime_api.h}, {@code libcudart}) that this
 * module calls, and only those, bound by hand with {@code java.lang.foreign} (the module README
 * has the {@code jextract} command line that would generate the full bindings of {@code
 * cuda_runtime.h}): one downcall {@link MethodHandle} per function, resolved when this class
 * initialises, and a typed static wrapper with the C name.
 *
 * <p>When the library is missing this class still initialises; calling a function then throws
 * {@link UnsatisfiedLinkError} naming the reason ({@link Downcalls#downcall}).
 */
@SuppressWarnings("restricted")
public final class CudaRuntime {

  private CudaRuntime() {}

  private static final SymbolLookup LIBRARY = CudaLibrary.RUNTIME.lookup();

  /** C constant {@code cudaDevAttrComputeCapabilityMajor}. */
  public static final int cudaDevAttrComputeCapabilityMajor = 75;
  /** C constant {@code cudaDevAttrComputeCapabilityMinor}. */
  public static final int cudaDevAttrComputeCapabilityMinor = 76;
  /** C constant {@code cudaDevAttrConcurrentManagedAccess}. */
  public static final int cudaDevAttrConcurrentManagedAccess = 89;
  /** C constant {@code cudaDevAttrManagedMemory}. */
  public static final int cudaDevAttrManagedMemory = 83;
  /** C constant {@code cudaDevAttrMultiProcessorCount}. */
  public static final int cudaDevAttrMultiProcessorCount = 16;
  /** C constant {@code cudaDevAttrPageableMemoryAccess}. */
  public static final int cudaDevAttrPageableMemoryAccess = 88;
  /** C constant {@code cudaErrorInsufficientDriver}. */
  public static final int cudaErrorInsufficientDriver = 35;
  /** C constant {@code cudaMemAttachGlobal}. */
  public static final int cudaMemAttachGlobal = 1;
  /** C constant {@code cudaMemLocationTypeDevice}. */
  public static final int cudaMemLocationTypeDevice = 1;
  /** C constant {@code cudaMemLocationTypeHost}. */
  public static final int cudaMemLocationTypeHost = 2;
  /** C constant {@code cudaStreamNonBlocking}. */
  public static final int cudaStreamNonBlocking = 1;

  /** {@code struct cudaMemLocation { enum cudaMemLocationType type; int id; }}, passed by value. */
  public static final GroupLayout MEM_LOCATION = MemoryLayout.structLayout(
      JAVA_INT.withName("type"), JAVA_INT.withName("id")).withName("cudaMemLocation");

  private static MethodHandle bind(String symbol, FunctionDescriptor type,
      Linker.Option... options) {
    return Downcalls.downcall(LIBRARY, CudaLibrary.RUNTIME::unavailableReason, symbol, type,
        options);
  }

  private static final MethodHandle CUDA_DEVICE_GET_ATTRIBUTE = bind("cudaDeviceGetAttribute",
      FunctionDescriptor.of(JAVA_INT, C_POINTER, JAVA_INT, JAVA_INT));
  private static final MethodHandle CUDA_DRIVER_GET_VERSION = bind("cudaDriverGetVersion",
      FunctionDescriptor.of(JAVA_INT, C_POINTER));
  private static final MethodHandle CUDA_FREE = bind("cudaFree",
      FunctionDescriptor.of(JAVA_INT, C_POINTER));
  private static final MethodHandle CUDA_GET_DEVICE_COUNT = bind("cudaGetDeviceCount",
      FunctionDescriptor.of(JAVA_INT, C_POINTER));
  private static final MethodHandle CUDA_GET_ERROR_NAME = bind("cudaGetErrorName",
      FunctionDescriptor.of(C_POINTER, JAVA_INT));
  private static final MethodHandle CUDA_GET_ERROR_STRING = bind("cudaGetErrorString",
      FunctionDescriptor.of(C_POINTER, JAVA_INT));
  private static final MethodHandle CUDA_MALLOC_MANAGED = bind("cudaMallocManaged",
      FunctionDescriptor.of(JAVA_INT, C_POINTER, JAVA_LONG, JAVA_INT));
  private static final MethodHandle CUDA_MEM_GET_INFO = bind("cudaMemGetInfo",
      FunctionDescriptor.of(JAVA_INT, C_POINTER, C_POINTER));
  private static final MethodHandle CUDA_MEM_PREFETCH_ASYNC = bind("cudaMemPrefetchAsync",
      FunctionDescriptor.of(JAVA_INT, C_POINTER, JAVA_LONG, MEM_LOCATION, JAVA_INT, C_POINTER));
  private static final MethodHandle CUDA_MEM_PREFETCH_ASYNC_V2 = bind("cudaMemPrefetchAsync_v2",
      FunctionDescriptor.of(JAVA_INT, C_POINTER, JAVA_LONG, MEM_LOCATION, JAVA_INT, C_POINTER));
  private static final MethodHandle CUDA_MEMSET_ASYNC = bind("cudaMemsetAsync",
      FunctionDescriptor.of(JAVA_INT, C_POINTER, JAVA_INT, JAVA_LONG, C_POINTER));
  private static final MethodHandle CUDA_RUNTIME_GET_VERSION = bind("cudaRuntimeGetVersion",
      FunctionDescriptor.of(JAVA_INT, C_POINTER));
  private static final MethodHandle CUDA_SET_DEVICE = bind("cudaSetDevice",
      FunctionDescriptor.of(JAVA_INT, JAVA_INT));
  private static final MethodHandle CUDA_STREAM_CREATE_WITH_FLAGS =
      bind("cudaStreamCreateWithFlags",
      FunctionDescriptor.of(JAVA_INT, C_POINTER, JAVA_INT));
  private static final MethodHandle CUDA_STREAM_DESTROY = bind("cudaStreamDestroy",
      FunctionDescriptor.of(JAVA_INT, C_POINTER));
  private static final MethodHandle CUDA_STREAM_SYNCHRONIZE = bind("cudaStreamSynchronize",
      FunctionDescriptor.of(JAVA_INT, C_POINTER));

  // One wrapper per native function, deliberately alike: invokeExact needs each call site's exact
  // static signature, so the try/invokeExact/rethrow shape cannot be shared through a helper.

  /**
   * {@snippet lang=c :
   * cudaError_t cudaDeviceGetAttribute(int *value, enum cudaDeviceAttr attr, int device)
   * }
   */
  public static int cudaDeviceGetAttribute(MemorySegment value, int attr, int device) {
    try {
      return (int) CUDA_DEVICE_GET_ATTRIBUTE.invokeExact(value, attr, device);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }

  /** {@code cudaError_t cudaDriverGetVersion(int *driverVersion)}. */
  public static int cudaDriverGetVersion(MemorySegment driverVersion) {
    try {
      return (int) CUDA_DRIVER_GET_VERSION.invokeExact(driverVersion);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }

  /** {@code cudaError_t cudaFree(void *devPtr)}. */
  public static int cudaFree(MemorySegment devPtr) {
    try {
      return (int) CUDA_FREE.invokeExact(devPtr);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }

  /** {@code cudaError_t cudaGetDeviceCount(int *count)}. */
  public static int cudaGetDeviceCount(MemorySegment count) {
    try {
      return (int) CUDA_GET_DEVICE_COUNT.invokeExact(count);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }

  /** {@code const char *cudaGetErrorName(cudaError_t error)}. */
  public static MemorySegment cudaGetErrorName(int error) {
    try {
      return (MemorySegment) CUDA_GET_ERROR_NAME.invokeExact(error);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }

  /** {@code const char *cudaGetErrorString(cudaError_t error)}. */
  public static MemorySegment cudaGetErrorString(int error) {
    try {
      return (MemorySegment) CUDA_GET_ERROR_STRING.invokeExact(error);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }

  /** {@code cudaError_t cudaMallocManaged(void **devPtr, size_t size, unsigned int flags)}. */
  public static int cudaMallocManaged(MemorySegment devPtr, long size, int flags) {
    try {
      return (int) CUDA_MALLOC_MANAGED.invokeExact(devPtr, size, flags);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }

  /** {@code cudaError_t cudaMemGetInfo(size_t *free, size_t *total)}. */
  public static int cudaMemGetInfo(MemorySegment free, MemorySegment total) {
    try {
      return (int) CUDA_MEM_GET_INFO.invokeExact(free, total);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }

  /**
   * {@snippet lang=c :
   * cudaError_t cudaMemPrefetchAsync(const void *devPtr, size_t count, struct
   * cudaMemLocation location, unsigned int flags, cudaStream_t stream)
   * }
   */
  public static int cudaMemPrefetchAsync(MemorySegment devPtr, long count, MemorySegment location,
      int flags, MemorySegment stream) {
    try {
      return (int) CUDA_MEM_PREFETCH_ASYNC.invokeExact(devPtr, count, location, flags, stream);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }

  /**
   * {@snippet lang=c :
   * cudaError_t cudaMemPrefetchAsync_v2(const void *devPtr, size_t count, struct
   * cudaMemLocation location, unsigned int flags, cudaStream_t stream)
   * }
   */
  public static int cudaMemPrefetchAsync_v2(MemorySegment devPtr, long count,
      MemorySegment location, int flags, MemorySegment stream) {
    try {
      return (int) CUDA_MEM_PREFETCH_ASYNC_V2.invokeExact(devPtr, count, location, flags, stream);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }

  /**
   * {@snippet lang=c :
   * cudaError_t cudaMemsetAsync(void *devPtr, int value, size_t count, cudaStream_t stream)
   * }
   */
  public static int cudaMemsetAsync(MemorySegment devPtr, int value, long count,
      MemorySegment stream) {
    try {
      return (int) CUDA_MEMSET_ASYNC.invokeExact(devPtr, value, count, stream);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }

  /** {@code cudaError_t cudaRuntimeGetVersion(int *runtimeVersion)}. */
  public static int cudaRuntimeGetVersion(MemorySegment runtimeVersion) {
    try {
      return (int) CUDA_RUNTIME_GET_VERSION.invokeExact(runtimeVersion);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }

  /** {@code cudaError_t cudaSetDevice(int device)}. */
  public static int cudaSetDevice(int device) {
    try {
      return (int) CUDA_SET_DEVICE.invokeExact(device);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }

  /** {@code cudaError_t cudaStreamCreateWithFlags(cudaStream_t *pStream, unsigned int flags)}. */
  public static int cudaStreamCreateWithFlags(MemorySegment pStream, int flags) {
    try {
      return (int) CUDA_STREAM_CREATE_WITH_FLAGS.invokeExact(pStream, flags);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }

  /** {@code cudaError_t cudaStreamDestroy(cudaStream_t stream)}. */
  public static int cudaStreamDestroy(MemorySegment stream) {
    try {
      return (int) CUDA_STREAM_DESTROY.invokeExact(stream);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }

  /** {@code cudaError_t cudaStreamSynchronize(cudaStream_t stream)}. */
  public static int cudaStreamSynchronize(MemorySegment stream) {
    try {
      return (int) CUDA_STREAM_SYNCHRONIZE.invokeExact(stream);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }
}
