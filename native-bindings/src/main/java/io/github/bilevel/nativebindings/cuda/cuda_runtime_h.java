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
 * Bindings to the part of the CUDA runtime API ({@code cuda_runtime_api.h}, {@code libcudart})
 * the CUDA backend needs, in the layout {@code jextract} generates (see the module README for
 * the command line that regenerates them): a constant per C type, a nested holder class per
 * function with its {@code FunctionDescriptor}, address and downcall {@code MethodHandle}
 * (initialised lazily, on the first call), and a static wrapper with the C name.
 *
 * <p>Only ABI-stable entry points are bound: device properties are read one at a time with
 * {@code cudaDeviceGetAttribute} (the layout of {@code struct cudaDeviceProp} changes between
 * CUDA releases). {@code cudaMemPrefetchAsync} is bound with its CUDA 13 signature (a
 * {@link cudaMemLocation} by value), which CUDA 12.2 to 12.9 export as
 * {@code cudaMemPrefetchAsync_v2}; callers choose by {@code cudaRuntimeGetVersion}.
 *
 * <p>The library is found by {@link CudaLibrary#RUNTIME}; when it is missing this class still
 * initialises, and the first call of a function throws {@link UnsatisfiedLinkError} naming the
 * reason. Every function returns a {@code cudaError_t}; {@link CudaException#checkRuntime}
 * turns a failure into an exception.
 */
@SuppressWarnings({"restricted", "unused"})
public final class cuda_runtime_h {

  cuda_runtime_h() {
    // Should not be called directly
  }

  static final SymbolLookup SYMBOL_LOOKUP = CudaLibrary.RUNTIME.lookup();

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
            + CudaLibrary.RUNTIME.unavailableReason().map(r -> " (" + r + ")").orElse("")));
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

  private static final int cudaSuccess = (int) 0L;

  /** {@snippet lang=c : enum cudaError.cudaSuccess = 0 } */
  public static int cudaSuccess() {
    return cudaSuccess;
  }

  private static final int cudaErrorInvalidValue = (int) 1L;

  /** {@snippet lang=c : enum cudaError.cudaErrorInvalidValue = 1 } */
  public static int cudaErrorInvalidValue() {
    return cudaErrorInvalidValue;
  }

  private static final int cudaErrorMemoryAllocation = (int) 2L;

  /** {@snippet lang=c : enum cudaError.cudaErrorMemoryAllocation = 2 } */
  public static int cudaErrorMemoryAllocation() {
    return cudaErrorMemoryAllocation;
  }

  private static final int cudaErrorInsufficientDriver = (int) 35L;

  /** {@snippet lang=c : enum cudaError.cudaErrorInsufficientDriver = 35 } */
  public static int cudaErrorInsufficientDriver() {
    return cudaErrorInsufficientDriver;
  }

  private static final int cudaErrorNoDevice = (int) 100L;

  /** {@snippet lang=c : enum cudaError.cudaErrorNoDevice = 100 } */
  public static int cudaErrorNoDevice() {
    return cudaErrorNoDevice;
  }

  private static final int cudaMemcpyHostToDevice = (int) 1L;

  /** {@snippet lang=c : enum cudaMemcpyKind.cudaMemcpyHostToDevice = 1 } */
  public static int cudaMemcpyHostToDevice() {
    return cudaMemcpyHostToDevice;
  }

  private static final int cudaMemcpyDeviceToHost = (int) 2L;

  /** {@snippet lang=c : enum cudaMemcpyKind.cudaMemcpyDeviceToHost = 2 } */
  public static int cudaMemcpyDeviceToHost() {
    return cudaMemcpyDeviceToHost;
  }

  private static final int cudaMemcpyDefault = (int) 4L;

  /** {@snippet lang=c : enum cudaMemcpyKind.cudaMemcpyDefault = 4 } */
  public static int cudaMemcpyDefault() {
    return cudaMemcpyDefault;
  }

  private static final int cudaMemAttachGlobal = (int) 1L;

  /** {@snippet lang=c : #define cudaMemAttachGlobal 0x01 } */
  public static int cudaMemAttachGlobal() {
    return cudaMemAttachGlobal;
  }

  private static final int cudaStreamNonBlocking = (int) 1L;

  /** {@snippet lang=c : #define cudaStreamNonBlocking 0x01 } */
  public static int cudaStreamNonBlocking() {
    return cudaStreamNonBlocking;
  }

  private static final int cudaCpuDeviceId = (int) -1L;

  /** {@snippet lang=c : #define cudaCpuDeviceId ((int)-1) } */
  public static int cudaCpuDeviceId() {
    return cudaCpuDeviceId;
  }

  private static final int cudaMemLocationTypeDevice = (int) 1L;

  /** {@snippet lang=c : enum cudaMemLocationType.cudaMemLocationTypeDevice = 1 } */
  public static int cudaMemLocationTypeDevice() {
    return cudaMemLocationTypeDevice;
  }

  private static final int cudaMemLocationTypeHost = (int) 2L;

  /** {@snippet lang=c : enum cudaMemLocationType.cudaMemLocationTypeHost = 2 } */
  public static int cudaMemLocationTypeHost() {
    return cudaMemLocationTypeHost;
  }

  private static final int cudaDevAttrMultiProcessorCount = (int) 16L;

  /** {@snippet lang=c : enum cudaDeviceAttr.cudaDevAttrMultiProcessorCount = 16 } */
  public static int cudaDevAttrMultiProcessorCount() {
    return cudaDevAttrMultiProcessorCount;
  }

  private static final int cudaDevAttrComputeCapabilityMajor = (int) 75L;

  /** {@snippet lang=c : enum cudaDeviceAttr.cudaDevAttrComputeCapabilityMajor = 75 } */
  public static int cudaDevAttrComputeCapabilityMajor() {
    return cudaDevAttrComputeCapabilityMajor;
  }

  private static final int cudaDevAttrComputeCapabilityMinor = (int) 76L;

  /** {@snippet lang=c : enum cudaDeviceAttr.cudaDevAttrComputeCapabilityMinor = 76 } */
  public static int cudaDevAttrComputeCapabilityMinor() {
    return cudaDevAttrComputeCapabilityMinor;
  }

  private static final int cudaDevAttrManagedMemory = (int) 83L;

  /** {@snippet lang=c : enum cudaDeviceAttr.cudaDevAttrManagedMemory = 83 } */
  public static int cudaDevAttrManagedMemory() {
    return cudaDevAttrManagedMemory;
  }

  private static final int cudaDevAttrPageableMemoryAccess = (int) 88L;

  /** {@snippet lang=c : enum cudaDeviceAttr.cudaDevAttrPageableMemoryAccess = 88 } */
  public static int cudaDevAttrPageableMemoryAccess() {
    return cudaDevAttrPageableMemoryAccess;
  }

  private static final int cudaDevAttrConcurrentManagedAccess = (int) 89L;

  /** {@snippet lang=c : enum cudaDeviceAttr.cudaDevAttrConcurrentManagedAccess = 89 } */
  public static int cudaDevAttrConcurrentManagedAccess() {
    return cudaDevAttrConcurrentManagedAccess;
  }

  private static final class cudaGetDeviceCount {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);

    static final MemorySegment ADDR = findOrThrow("cudaGetDeviceCount");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * cudaError_t cudaGetDeviceCount(int *count)
   * }
   */
  public static FunctionDescriptor cudaGetDeviceCount$descriptor() {
    return cudaGetDeviceCount.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * cudaError_t cudaGetDeviceCount(int *count)
   * }
   */
  public static MethodHandle cudaGetDeviceCount$handle() {
    return cudaGetDeviceCount.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * cudaError_t cudaGetDeviceCount(int *count)
   * }
   */
  public static MemorySegment cudaGetDeviceCount$address() {
    return cudaGetDeviceCount.ADDR;
  }

  /**
   * {@snippet lang=c :
   * cudaError_t cudaGetDeviceCount(int *count)
   * }
   */
  public static int cudaGetDeviceCount(MemorySegment count) {
    var mh$ = cudaGetDeviceCount.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cudaGetDeviceCount", count);
      }
      return (int) mh$.invokeExact(count);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class cudaDeviceGetAttribute {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT);

    static final MemorySegment ADDR = findOrThrow("cudaDeviceGetAttribute");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * cudaError_t cudaDeviceGetAttribute(int *value, enum cudaDeviceAttr attr, int device)
   * }
   */
  public static FunctionDescriptor cudaDeviceGetAttribute$descriptor() {
    return cudaDeviceGetAttribute.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * cudaError_t cudaDeviceGetAttribute(int *value, enum cudaDeviceAttr attr, int device)
   * }
   */
  public static MethodHandle cudaDeviceGetAttribute$handle() {
    return cudaDeviceGetAttribute.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * cudaError_t cudaDeviceGetAttribute(int *value, enum cudaDeviceAttr attr, int device)
   * }
   */
  public static MemorySegment cudaDeviceGetAttribute$address() {
    return cudaDeviceGetAttribute.ADDR;
  }

  /**
   * {@snippet lang=c :
   * cudaError_t cudaDeviceGetAttribute(int *value, enum cudaDeviceAttr attr, int device)
   * }
   */
  public static int cudaDeviceGetAttribute(MemorySegment value, int attr, int device) {
    var mh$ = cudaDeviceGetAttribute.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cudaDeviceGetAttribute", value, attr, device);
      }
      return (int) mh$.invokeExact(value, attr, device);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class cudaSetDevice {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_INT);

    static final MemorySegment ADDR = findOrThrow("cudaSetDevice");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * cudaError_t cudaSetDevice(int device)
   * }
   */
  public static FunctionDescriptor cudaSetDevice$descriptor() {
    return cudaSetDevice.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * cudaError_t cudaSetDevice(int device)
   * }
   */
  public static MethodHandle cudaSetDevice$handle() {
    return cudaSetDevice.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * cudaError_t cudaSetDevice(int device)
   * }
   */
  public static MemorySegment cudaSetDevice$address() {
    return cudaSetDevice.ADDR;
  }

  /**
   * {@snippet lang=c :
   * cudaError_t cudaSetDevice(int device)
   * }
   */
  public static int cudaSetDevice(int device) {
    var mh$ = cudaSetDevice.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cudaSetDevice", device);
      }
      return (int) mh$.invokeExact(device);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class cudaGetDevice {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);

    static final MemorySegment ADDR = findOrThrow("cudaGetDevice");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * cudaError_t cudaGetDevice(int *device)
   * }
   */
  public static FunctionDescriptor cudaGetDevice$descriptor() {
    return cudaGetDevice.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * cudaError_t cudaGetDevice(int *device)
   * }
   */
  public static MethodHandle cudaGetDevice$handle() {
    return cudaGetDevice.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * cudaError_t cudaGetDevice(int *device)
   * }
   */
  public static MemorySegment cudaGetDevice$address() {
    return cudaGetDevice.ADDR;
  }

  /**
   * {@snippet lang=c :
   * cudaError_t cudaGetDevice(int *device)
   * }
   */
  public static int cudaGetDevice(MemorySegment device) {
    var mh$ = cudaGetDevice.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cudaGetDevice", device);
      }
      return (int) mh$.invokeExact(device);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class cudaRuntimeGetVersion {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);

    static final MemorySegment ADDR = findOrThrow("cudaRuntimeGetVersion");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * cudaError_t cudaRuntimeGetVersion(int *runtimeVersion)
   * }
   */
  public static FunctionDescriptor cudaRuntimeGetVersion$descriptor() {
    return cudaRuntimeGetVersion.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * cudaError_t cudaRuntimeGetVersion(int *runtimeVersion)
   * }
   */
  public static MethodHandle cudaRuntimeGetVersion$handle() {
    return cudaRuntimeGetVersion.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * cudaError_t cudaRuntimeGetVersion(int *runtimeVersion)
   * }
   */
  public static MemorySegment cudaRuntimeGetVersion$address() {
    return cudaRuntimeGetVersion.ADDR;
  }

  /**
   * {@snippet lang=c :
   * cudaError_t cudaRuntimeGetVersion(int *runtimeVersion)
   * }
   */
  public static int cudaRuntimeGetVersion(MemorySegment runtimeVersion) {
    var mh$ = cudaRuntimeGetVersion.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cudaRuntimeGetVersion", runtimeVersion);
      }
      return (int) mh$.invokeExact(runtimeVersion);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class cudaDriverGetVersion {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);

    static final MemorySegment ADDR = findOrThrow("cudaDriverGetVersion");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * cudaError_t cudaDriverGetVersion(int *driverVersion)
   * }
   */
  public static FunctionDescriptor cudaDriverGetVersion$descriptor() {
    return cudaDriverGetVersion.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * cudaError_t cudaDriverGetVersion(int *driverVersion)
   * }
   */
  public static MethodHandle cudaDriverGetVersion$handle() {
    return cudaDriverGetVersion.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * cudaError_t cudaDriverGetVersion(int *driverVersion)
   * }
   */
  public static MemorySegment cudaDriverGetVersion$address() {
    return cudaDriverGetVersion.ADDR;
  }

  /**
   * {@snippet lang=c :
   * cudaError_t cudaDriverGetVersion(int *driverVersion)
   * }
   */
  public static int cudaDriverGetVersion(MemorySegment driverVersion) {
    var mh$ = cudaDriverGetVersion.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cudaDriverGetVersion", driverVersion);
      }
      return (int) mh$.invokeExact(driverVersion);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class cudaMemGetInfo {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);

    static final MemorySegment ADDR = findOrThrow("cudaMemGetInfo");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * cudaError_t cudaMemGetInfo(size_t *free, size_t *total)
   * }
   */
  public static FunctionDescriptor cudaMemGetInfo$descriptor() {
    return cudaMemGetInfo.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * cudaError_t cudaMemGetInfo(size_t *free, size_t *total)
   * }
   */
  public static MethodHandle cudaMemGetInfo$handle() {
    return cudaMemGetInfo.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * cudaError_t cudaMemGetInfo(size_t *free, size_t *total)
   * }
   */
  public static MemorySegment cudaMemGetInfo$address() {
    return cudaMemGetInfo.ADDR;
  }

  /**
   * {@snippet lang=c :
   * cudaError_t cudaMemGetInfo(size_t *free, size_t *total)
   * }
   */
  public static int cudaMemGetInfo(MemorySegment free, MemorySegment total) {
    var mh$ = cudaMemGetInfo.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cudaMemGetInfo", free, total);
      }
      return (int) mh$.invokeExact(free, total);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class cudaMalloc {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_LONG);

    static final MemorySegment ADDR = findOrThrow("cudaMalloc");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * cudaError_t cudaMalloc(void **devPtr, size_t size)
   * }
   */
  public static FunctionDescriptor cudaMalloc$descriptor() {
    return cudaMalloc.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * cudaError_t cudaMalloc(void **devPtr, size_t size)
   * }
   */
  public static MethodHandle cudaMalloc$handle() {
    return cudaMalloc.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * cudaError_t cudaMalloc(void **devPtr, size_t size)
   * }
   */
  public static MemorySegment cudaMalloc$address() {
    return cudaMalloc.ADDR;
  }

  /**
   * {@snippet lang=c :
   * cudaError_t cudaMalloc(void **devPtr, size_t size)
   * }
   */
  public static int cudaMalloc(MemorySegment devPtr, long size) {
    var mh$ = cudaMalloc.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cudaMalloc", devPtr, size);
      }
      return (int) mh$.invokeExact(devPtr, size);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class cudaMallocManaged {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_LONG, C_INT);

    static final MemorySegment ADDR = findOrThrow("cudaMallocManaged");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * cudaError_t cudaMallocManaged(void **devPtr, size_t size, unsigned int flags)
   * }
   */
  public static FunctionDescriptor cudaMallocManaged$descriptor() {
    return cudaMallocManaged.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * cudaError_t cudaMallocManaged(void **devPtr, size_t size, unsigned int flags)
   * }
   */
  public static MethodHandle cudaMallocManaged$handle() {
    return cudaMallocManaged.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * cudaError_t cudaMallocManaged(void **devPtr, size_t size, unsigned int flags)
   * }
   */
  public static MemorySegment cudaMallocManaged$address() {
    return cudaMallocManaged.ADDR;
  }

  /**
   * {@snippet lang=c :
   * cudaError_t cudaMallocManaged(void **devPtr, size_t size, unsigned int flags)
   * }
   */
  public static int cudaMallocManaged(MemorySegment devPtr, long size, int flags) {
    var mh$ = cudaMallocManaged.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cudaMallocManaged", devPtr, size, flags);
      }
      return (int) mh$.invokeExact(devPtr, size, flags);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class cudaFree {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);

    static final MemorySegment ADDR = findOrThrow("cudaFree");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * cudaError_t cudaFree(void *devPtr)
   * }
   */
  public static FunctionDescriptor cudaFree$descriptor() {
    return cudaFree.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * cudaError_t cudaFree(void *devPtr)
   * }
   */
  public static MethodHandle cudaFree$handle() {
    return cudaFree.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * cudaError_t cudaFree(void *devPtr)
   * }
   */
  public static MemorySegment cudaFree$address() {
    return cudaFree.ADDR;
  }

  /**
   * {@snippet lang=c :
   * cudaError_t cudaFree(void *devPtr)
   * }
   */
  public static int cudaFree(MemorySegment devPtr) {
    var mh$ = cudaFree.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cudaFree", devPtr);
      }
      return (int) mh$.invokeExact(devPtr);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class cudaMemcpy {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_LONG, C_INT);

    static final MemorySegment ADDR = findOrThrow("cudaMemcpy");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * cudaError_t cudaMemcpy(void *dst, const void *src, size_t count, enum cudaMemcpyKind kind)
   * }
   */
  public static FunctionDescriptor cudaMemcpy$descriptor() {
    return cudaMemcpy.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * cudaError_t cudaMemcpy(void *dst, const void *src, size_t count, enum cudaMemcpyKind kind)
   * }
   */
  public static MethodHandle cudaMemcpy$handle() {
    return cudaMemcpy.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * cudaError_t cudaMemcpy(void *dst, const void *src, size_t count, enum cudaMemcpyKind kind)
   * }
   */
  public static MemorySegment cudaMemcpy$address() {
    return cudaMemcpy.ADDR;
  }

  /**
   * {@snippet lang=c :
   * cudaError_t cudaMemcpy(void *dst, const void *src, size_t count, enum cudaMemcpyKind kind)
   * }
   */
  public static int cudaMemcpy(MemorySegment dst, MemorySegment src, long count, int kind) {
    var mh$ = cudaMemcpy.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cudaMemcpy", dst, src, count, kind);
      }
      return (int) mh$.invokeExact(dst, src, count, kind);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class cudaMemcpyAsync {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_LONG, C_INT, C_POINTER);

    static final MemorySegment ADDR = findOrThrow("cudaMemcpyAsync");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * cudaError_t cudaMemcpyAsync(void *dst, const void *src, size_t count, enum cudaMemcpyKind
   * kind, cudaStream_t stream)
   * }
   */
  public static FunctionDescriptor cudaMemcpyAsync$descriptor() {
    return cudaMemcpyAsync.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * cudaError_t cudaMemcpyAsync(void *dst, const void *src, size_t count, enum cudaMemcpyKind
   * kind, cudaStream_t stream)
   * }
   */
  public static MethodHandle cudaMemcpyAsync$handle() {
    return cudaMemcpyAsync.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * cudaError_t cudaMemcpyAsync(void *dst, const void *src, size_t count, enum cudaMemcpyKind
   * kind, cudaStream_t stream)
   * }
   */
  public static MemorySegment cudaMemcpyAsync$address() {
    return cudaMemcpyAsync.ADDR;
  }

  /**
   * {@snippet lang=c :
   * cudaError_t cudaMemcpyAsync(void *dst, const void *src, size_t count, enum cudaMemcpyKind
   * kind, cudaStream_t stream)
   * }
   */
  public static int cudaMemcpyAsync(MemorySegment dst, MemorySegment src, long count, int kind, MemorySegment stream) {
    var mh$ = cudaMemcpyAsync.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cudaMemcpyAsync", dst, src, count, kind, stream);
      }
      return (int) mh$.invokeExact(dst, src, count, kind, stream);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class cudaMemset {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_LONG);

    static final MemorySegment ADDR = findOrThrow("cudaMemset");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * cudaError_t cudaMemset(void *devPtr, int value, size_t count)
   * }
   */
  public static FunctionDescriptor cudaMemset$descriptor() {
    return cudaMemset.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * cudaError_t cudaMemset(void *devPtr, int value, size_t count)
   * }
   */
  public static MethodHandle cudaMemset$handle() {
    return cudaMemset.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * cudaError_t cudaMemset(void *devPtr, int value, size_t count)
   * }
   */
  public static MemorySegment cudaMemset$address() {
    return cudaMemset.ADDR;
  }

  /**
   * {@snippet lang=c :
   * cudaError_t cudaMemset(void *devPtr, int value, size_t count)
   * }
   */
  public static int cudaMemset(MemorySegment devPtr, int value, long count) {
    var mh$ = cudaMemset.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cudaMemset", devPtr, value, count);
      }
      return (int) mh$.invokeExact(devPtr, value, count);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class cudaMemsetAsync {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_LONG, C_POINTER);

    static final MemorySegment ADDR = findOrThrow("cudaMemsetAsync");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * cudaError_t cudaMemsetAsync(void *devPtr, int value, size_t count, cudaStream_t stream)
   * }
   */
  public static FunctionDescriptor cudaMemsetAsync$descriptor() {
    return cudaMemsetAsync.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * cudaError_t cudaMemsetAsync(void *devPtr, int value, size_t count, cudaStream_t stream)
   * }
   */
  public static MethodHandle cudaMemsetAsync$handle() {
    return cudaMemsetAsync.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * cudaError_t cudaMemsetAsync(void *devPtr, int value, size_t count, cudaStream_t stream)
   * }
   */
  public static MemorySegment cudaMemsetAsync$address() {
    return cudaMemsetAsync.ADDR;
  }

  /**
   * {@snippet lang=c :
   * cudaError_t cudaMemsetAsync(void *devPtr, int value, size_t count, cudaStream_t stream)
   * }
   */
  public static int cudaMemsetAsync(MemorySegment devPtr, int value, long count, MemorySegment stream) {
    var mh$ = cudaMemsetAsync.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cudaMemsetAsync", devPtr, value, count, stream);
      }
      return (int) mh$.invokeExact(devPtr, value, count, stream);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class cudaMemPrefetchAsync {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_LONG, cudaMemLocation.layout(), C_INT, C_POINTER);

    static final MemorySegment ADDR = findOrThrow("cudaMemPrefetchAsync");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * cudaError_t cudaMemPrefetchAsync(const void *devPtr, size_t count, struct cudaMemLocation
   * location, unsigned int flags, cudaStream_t stream)
   * }
   */
  public static FunctionDescriptor cudaMemPrefetchAsync$descriptor() {
    return cudaMemPrefetchAsync.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * cudaError_t cudaMemPrefetchAsync(const void *devPtr, size_t count, struct cudaMemLocation
   * location, unsigned int flags, cudaStream_t stream)
   * }
   */
  public static MethodHandle cudaMemPrefetchAsync$handle() {
    return cudaMemPrefetchAsync.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * cudaError_t cudaMemPrefetchAsync(const void *devPtr, size_t count, struct cudaMemLocation
   * location, unsigned int flags, cudaStream_t stream)
   * }
   */
  public static MemorySegment cudaMemPrefetchAsync$address() {
    return cudaMemPrefetchAsync.ADDR;
  }

  /**
   * {@snippet lang=c :
   * cudaError_t cudaMemPrefetchAsync(const void *devPtr, size_t count, struct cudaMemLocation
   * location, unsigned int flags, cudaStream_t stream)
   * }
   */
  public static int cudaMemPrefetchAsync(MemorySegment devPtr, long count, MemorySegment location, int flags, MemorySegment stream) {
    var mh$ = cudaMemPrefetchAsync.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cudaMemPrefetchAsync", devPtr, count, location, flags, stream);
      }
      return (int) mh$.invokeExact(devPtr, count, location, flags, stream);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class cudaMemPrefetchAsync_v2 {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_LONG, cudaMemLocation.layout(), C_INT, C_POINTER);

    static final MemorySegment ADDR = findOrThrow("cudaMemPrefetchAsync_v2");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * cudaError_t cudaMemPrefetchAsync_v2(const void *devPtr, size_t count, struct cudaMemLocation
   * location, unsigned int flags, cudaStream_t stream)
   * }
   */
  public static FunctionDescriptor cudaMemPrefetchAsync_v2$descriptor() {
    return cudaMemPrefetchAsync_v2.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * cudaError_t cudaMemPrefetchAsync_v2(const void *devPtr, size_t count, struct cudaMemLocation
   * location, unsigned int flags, cudaStream_t stream)
   * }
   */
  public static MethodHandle cudaMemPrefetchAsync_v2$handle() {
    return cudaMemPrefetchAsync_v2.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * cudaError_t cudaMemPrefetchAsync_v2(const void *devPtr, size_t count, struct cudaMemLocation
   * location, unsigned int flags, cudaStream_t stream)
   * }
   */
  public static MemorySegment cudaMemPrefetchAsync_v2$address() {
    return cudaMemPrefetchAsync_v2.ADDR;
  }

  /**
   * {@snippet lang=c :
   * cudaError_t cudaMemPrefetchAsync_v2(const void *devPtr, size_t count, struct cudaMemLocation
   * location, unsigned int flags, cudaStream_t stream)
   * }
   */
  public static int cudaMemPrefetchAsync_v2(MemorySegment devPtr, long count, MemorySegment location, int flags, MemorySegment stream) {
    var mh$ = cudaMemPrefetchAsync_v2.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cudaMemPrefetchAsync_v2", devPtr, count, location, flags, stream);
      }
      return (int) mh$.invokeExact(devPtr, count, location, flags, stream);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class cudaStreamCreateWithFlags {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT);

    static final MemorySegment ADDR = findOrThrow("cudaStreamCreateWithFlags");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * cudaError_t cudaStreamCreateWithFlags(cudaStream_t *pStream, unsigned int flags)
   * }
   */
  public static FunctionDescriptor cudaStreamCreateWithFlags$descriptor() {
    return cudaStreamCreateWithFlags.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * cudaError_t cudaStreamCreateWithFlags(cudaStream_t *pStream, unsigned int flags)
   * }
   */
  public static MethodHandle cudaStreamCreateWithFlags$handle() {
    return cudaStreamCreateWithFlags.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * cudaError_t cudaStreamCreateWithFlags(cudaStream_t *pStream, unsigned int flags)
   * }
   */
  public static MemorySegment cudaStreamCreateWithFlags$address() {
    return cudaStreamCreateWithFlags.ADDR;
  }

  /**
   * {@snippet lang=c :
   * cudaError_t cudaStreamCreateWithFlags(cudaStream_t *pStream, unsigned int flags)
   * }
   */
  public static int cudaStreamCreateWithFlags(MemorySegment pStream, int flags) {
    var mh$ = cudaStreamCreateWithFlags.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cudaStreamCreateWithFlags", pStream, flags);
      }
      return (int) mh$.invokeExact(pStream, flags);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class cudaStreamDestroy {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);

    static final MemorySegment ADDR = findOrThrow("cudaStreamDestroy");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * cudaError_t cudaStreamDestroy(cudaStream_t stream)
   * }
   */
  public static FunctionDescriptor cudaStreamDestroy$descriptor() {
    return cudaStreamDestroy.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * cudaError_t cudaStreamDestroy(cudaStream_t stream)
   * }
   */
  public static MethodHandle cudaStreamDestroy$handle() {
    return cudaStreamDestroy.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * cudaError_t cudaStreamDestroy(cudaStream_t stream)
   * }
   */
  public static MemorySegment cudaStreamDestroy$address() {
    return cudaStreamDestroy.ADDR;
  }

  /**
   * {@snippet lang=c :
   * cudaError_t cudaStreamDestroy(cudaStream_t stream)
   * }
   */
  public static int cudaStreamDestroy(MemorySegment stream) {
    var mh$ = cudaStreamDestroy.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cudaStreamDestroy", stream);
      }
      return (int) mh$.invokeExact(stream);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class cudaStreamSynchronize {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);

    static final MemorySegment ADDR = findOrThrow("cudaStreamSynchronize");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * cudaError_t cudaStreamSynchronize(cudaStream_t stream)
   * }
   */
  public static FunctionDescriptor cudaStreamSynchronize$descriptor() {
    return cudaStreamSynchronize.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * cudaError_t cudaStreamSynchronize(cudaStream_t stream)
   * }
   */
  public static MethodHandle cudaStreamSynchronize$handle() {
    return cudaStreamSynchronize.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * cudaError_t cudaStreamSynchronize(cudaStream_t stream)
   * }
   */
  public static MemorySegment cudaStreamSynchronize$address() {
    return cudaStreamSynchronize.ADDR;
  }

  /**
   * {@snippet lang=c :
   * cudaError_t cudaStreamSynchronize(cudaStream_t stream)
   * }
   */
  public static int cudaStreamSynchronize(MemorySegment stream) {
    var mh$ = cudaStreamSynchronize.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cudaStreamSynchronize", stream);
      }
      return (int) mh$.invokeExact(stream);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class cudaEventCreate {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);

    static final MemorySegment ADDR = findOrThrow("cudaEventCreate");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * cudaError_t cudaEventCreate(cudaEvent_t *event)
   * }
   */
  public static FunctionDescriptor cudaEventCreate$descriptor() {
    return cudaEventCreate.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * cudaError_t cudaEventCreate(cudaEvent_t *event)
   * }
   */
  public static MethodHandle cudaEventCreate$handle() {
    return cudaEventCreate.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * cudaError_t cudaEventCreate(cudaEvent_t *event)
   * }
   */
  public static MemorySegment cudaEventCreate$address() {
    return cudaEventCreate.ADDR;
  }

  /**
   * {@snippet lang=c :
   * cudaError_t cudaEventCreate(cudaEvent_t *event)
   * }
   */
  public static int cudaEventCreate(MemorySegment event) {
    var mh$ = cudaEventCreate.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cudaEventCreate", event);
      }
      return (int) mh$.invokeExact(event);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class cudaEventRecord {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);

    static final MemorySegment ADDR = findOrThrow("cudaEventRecord");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * cudaError_t cudaEventRecord(cudaEvent_t event, cudaStream_t stream)
   * }
   */
  public static FunctionDescriptor cudaEventRecord$descriptor() {
    return cudaEventRecord.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * cudaError_t cudaEventRecord(cudaEvent_t event, cudaStream_t stream)
   * }
   */
  public static MethodHandle cudaEventRecord$handle() {
    return cudaEventRecord.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * cudaError_t cudaEventRecord(cudaEvent_t event, cudaStream_t stream)
   * }
   */
  public static MemorySegment cudaEventRecord$address() {
    return cudaEventRecord.ADDR;
  }

  /**
   * {@snippet lang=c :
   * cudaError_t cudaEventRecord(cudaEvent_t event, cudaStream_t stream)
   * }
   */
  public static int cudaEventRecord(MemorySegment event, MemorySegment stream) {
    var mh$ = cudaEventRecord.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cudaEventRecord", event, stream);
      }
      return (int) mh$.invokeExact(event, stream);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class cudaEventSynchronize {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);

    static final MemorySegment ADDR = findOrThrow("cudaEventSynchronize");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * cudaError_t cudaEventSynchronize(cudaEvent_t event)
   * }
   */
  public static FunctionDescriptor cudaEventSynchronize$descriptor() {
    return cudaEventSynchronize.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * cudaError_t cudaEventSynchronize(cudaEvent_t event)
   * }
   */
  public static MethodHandle cudaEventSynchronize$handle() {
    return cudaEventSynchronize.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * cudaError_t cudaEventSynchronize(cudaEvent_t event)
   * }
   */
  public static MemorySegment cudaEventSynchronize$address() {
    return cudaEventSynchronize.ADDR;
  }

  /**
   * {@snippet lang=c :
   * cudaError_t cudaEventSynchronize(cudaEvent_t event)
   * }
   */
  public static int cudaEventSynchronize(MemorySegment event) {
    var mh$ = cudaEventSynchronize.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cudaEventSynchronize", event);
      }
      return (int) mh$.invokeExact(event);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class cudaEventElapsedTime {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER);

    static final MemorySegment ADDR = findOrThrow("cudaEventElapsedTime");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * cudaError_t cudaEventElapsedTime(float *ms, cudaEvent_t start, cudaEvent_t end)
   * }
   */
  public static FunctionDescriptor cudaEventElapsedTime$descriptor() {
    return cudaEventElapsedTime.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * cudaError_t cudaEventElapsedTime(float *ms, cudaEvent_t start, cudaEvent_t end)
   * }
   */
  public static MethodHandle cudaEventElapsedTime$handle() {
    return cudaEventElapsedTime.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * cudaError_t cudaEventElapsedTime(float *ms, cudaEvent_t start, cudaEvent_t end)
   * }
   */
  public static MemorySegment cudaEventElapsedTime$address() {
    return cudaEventElapsedTime.ADDR;
  }

  /**
   * {@snippet lang=c :
   * cudaError_t cudaEventElapsedTime(float *ms, cudaEvent_t start, cudaEvent_t end)
   * }
   */
  public static int cudaEventElapsedTime(MemorySegment ms, MemorySegment start, MemorySegment end) {
    var mh$ = cudaEventElapsedTime.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cudaEventElapsedTime", ms, start, end);
      }
      return (int) mh$.invokeExact(ms, start, end);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class cudaEventDestroy {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);

    static final MemorySegment ADDR = findOrThrow("cudaEventDestroy");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * cudaError_t cudaEventDestroy(cudaEvent_t event)
   * }
   */
  public static FunctionDescriptor cudaEventDestroy$descriptor() {
    return cudaEventDestroy.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * cudaError_t cudaEventDestroy(cudaEvent_t event)
   * }
   */
  public static MethodHandle cudaEventDestroy$handle() {
    return cudaEventDestroy.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * cudaError_t cudaEventDestroy(cudaEvent_t event)
   * }
   */
  public static MemorySegment cudaEventDestroy$address() {
    return cudaEventDestroy.ADDR;
  }

  /**
   * {@snippet lang=c :
   * cudaError_t cudaEventDestroy(cudaEvent_t event)
   * }
   */
  public static int cudaEventDestroy(MemorySegment event) {
    var mh$ = cudaEventDestroy.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cudaEventDestroy", event);
      }
      return (int) mh$.invokeExact(event);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class cudaDeviceSynchronize {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT);

    static final MemorySegment ADDR = findOrThrow("cudaDeviceSynchronize");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * cudaError_t cudaDeviceSynchronize(void)
   * }
   */
  public static FunctionDescriptor cudaDeviceSynchronize$descriptor() {
    return cudaDeviceSynchronize.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * cudaError_t cudaDeviceSynchronize(void)
   * }
   */
  public static MethodHandle cudaDeviceSynchronize$handle() {
    return cudaDeviceSynchronize.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * cudaError_t cudaDeviceSynchronize(void)
   * }
   */
  public static MemorySegment cudaDeviceSynchronize$address() {
    return cudaDeviceSynchronize.ADDR;
  }

  /**
   * {@snippet lang=c :
   * cudaError_t cudaDeviceSynchronize(void)
   * }
   */
  public static int cudaDeviceSynchronize() {
    var mh$ = cudaDeviceSynchronize.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cudaDeviceSynchronize");
      }
      return (int) mh$.invokeExact();
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class cudaGetLastError {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT);

    static final MemorySegment ADDR = findOrThrow("cudaGetLastError");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * cudaError_t cudaGetLastError(void)
   * }
   */
  public static FunctionDescriptor cudaGetLastError$descriptor() {
    return cudaGetLastError.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * cudaError_t cudaGetLastError(void)
   * }
   */
  public static MethodHandle cudaGetLastError$handle() {
    return cudaGetLastError.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * cudaError_t cudaGetLastError(void)
   * }
   */
  public static MemorySegment cudaGetLastError$address() {
    return cudaGetLastError.ADDR;
  }

  /**
   * {@snippet lang=c :
   * cudaError_t cudaGetLastError(void)
   * }
   */
  public static int cudaGetLastError() {
    var mh$ = cudaGetLastError.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cudaGetLastError");
      }
      return (int) mh$.invokeExact();
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class cudaGetErrorString {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_POINTER, C_INT);

    static final MemorySegment ADDR = findOrThrow("cudaGetErrorString");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * const char *cudaGetErrorString(cudaError_t error)
   * }
   */
  public static FunctionDescriptor cudaGetErrorString$descriptor() {
    return cudaGetErrorString.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * const char *cudaGetErrorString(cudaError_t error)
   * }
   */
  public static MethodHandle cudaGetErrorString$handle() {
    return cudaGetErrorString.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * const char *cudaGetErrorString(cudaError_t error)
   * }
   */
  public static MemorySegment cudaGetErrorString$address() {
    return cudaGetErrorString.ADDR;
  }

  /**
   * {@snippet lang=c :
   * const char *cudaGetErrorString(cudaError_t error)
   * }
   */
  public static MemorySegment cudaGetErrorString(int error) {
    var mh$ = cudaGetErrorString.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cudaGetErrorString", error);
      }
      return (MemorySegment) mh$.invokeExact(error);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }

  private static final class cudaGetErrorName {
    static final FunctionDescriptor DESC = FunctionDescriptor.of(C_POINTER, C_INT);

    static final MemorySegment ADDR = findOrThrow("cudaGetErrorName");

    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
  }

  /**
   * Function descriptor for:
   * {@snippet lang=c :
   * const char *cudaGetErrorName(cudaError_t error)
   * }
   */
  public static FunctionDescriptor cudaGetErrorName$descriptor() {
    return cudaGetErrorName.DESC;
  }

  /**
   * Downcall method handle for:
   * {@snippet lang=c :
   * const char *cudaGetErrorName(cudaError_t error)
   * }
   */
  public static MethodHandle cudaGetErrorName$handle() {
    return cudaGetErrorName.HANDLE;
  }

  /**
   * Address for:
   * {@snippet lang=c :
   * const char *cudaGetErrorName(cudaError_t error)
   * }
   */
  public static MemorySegment cudaGetErrorName$address() {
    return cudaGetErrorName.ADDR;
  }

  /**
   * {@snippet lang=c :
   * const char *cudaGetErrorName(cudaError_t error)
   * }
   */
  public static MemorySegment cudaGetErrorName(int error) {
    var mh$ = cudaGetErrorName.HANDLE;
    try {
      if (TRACE_DOWNCALLS) {
        traceDowncall("cudaGetErrorName", error);
      }
      return (MemorySegment) mh$.invokeExact(error);
    } catch (Error | RuntimeException ex) {
      throw ex;
    } catch (Throwable ex$) {
      throw new AssertionError("should not reach here", ex$);
    }
  }
}
