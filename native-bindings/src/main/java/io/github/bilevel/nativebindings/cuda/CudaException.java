package io.github.bilevel.nativebindings.cuda;

import io.github.bilevel.nativebindings.Downcalls;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Objects;
import java.util.function.IntFunction;

/**
 * A CUDA, cuBLAS, NVRTC or driver call that returned a status other than success: carries the
 * call's name, the numeric status, and the library's own name and description of it (from
 * {@code cudaGetErrorName}/{@code cudaGetErrorString}, {@code cublasGetStatusName}/
 * {@code cublasGetStatusString}, {@code nvrtcGetErrorString}, {@code cuGetErrorName}/
 * {@code cuGetErrorString}). When the library cannot describe the status (it is not loaded, or
 * its describing function is missing), the message says so instead.
 *
 * <p>An unchecked exception: a failing GPU call is an environment problem (no memory, a lost
 * device, a driver mismatch) or a bug, not something a caller handles locally.
 */
@SuppressWarnings("restricted")
public final class CudaException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** Which library reported the status. */
  public enum Api {
    /** {@code cudaError_t} of the CUDA runtime. */
    RUNTIME("CUDA runtime"),
    /** {@code cublasStatus_t} of cuBLAS. */
    CUBLAS("cuBLAS"),
    /** {@code nvrtcResult} of NVRTC. */
    NVRTC("NVRTC"),
    /** {@code CUresult} of the driver API. */
    DRIVER("CUDA driver");

    private final String label;

    Api(String label) {
      this.label = label;
    }

    /** The library's name, for messages. */
    public String label() {
      return label;
    }
  }

  private final Api api;
  private final String call;
  private final int status;
  private final String description;

  /**
   * An exception for {@code call} returning {@code status}.
   *
   * @param api         which library
   * @param call        the function called (e.g. {@code cudaMallocManaged})
   * @param status      the status it returned
   * @param description the library's name and description of the status
   * @param detail      more context (sizes, a compiler log), or null
   */
  public CudaException(Api api, String call, int status, String description, String detail) {
    super(call + " failed: " + api.label() + " status " + status + " (" + description + ")"
        + (detail == null || detail.isBlank() ? "" : ": " + detail));
    this.api = Objects.requireNonNull(api, "api");
    this.call = Objects.requireNonNull(call, "call");
    this.status = status;
    this.description = Objects.requireNonNull(description, "description");
  }

  /** The library that reported the status. */
  public Api api() {
    return api;
  }

  /** The name of the function that failed. */
  public String call() {
    return call;
  }

  /** The numeric status it returned. */
  public int status() {
    return status;
  }

  /** The library's name and description of the status (or why there is none). */
  public String description() {
    return description;
  }

  // ---------------------------------------------------------------- checks

  /** Throws a {@link CudaException} unless {@code status} is {@code cudaSuccess} (0). */
  public static void checkRuntime(String call, int status) {
    if (status != 0) {
      throw new CudaException(Api.RUNTIME, call, status, describeRuntime(status), null);
    }
  }

  /** Throws a {@link CudaException} unless {@code status} is {@code CUBLAS_STATUS_SUCCESS}. */
  public static void checkCublas(String call, int status) {
    if (status != 0) {
      throw new CudaException(Api.CUBLAS, call, status, describeCublas(status), null);
    }
  }

  /** Throws a {@link CudaException} unless {@code status} is {@code NVRTC_SUCCESS}. */
  public static void checkNvrtc(String call, int status) {
    if (status != 0) {
      throw new CudaException(Api.NVRTC, call, status, describeNvrtc(status), null);
    }
  }

  /** Throws a {@link CudaException} unless {@code status} is {@code CUDA_SUCCESS}. */
  public static void checkDriver(String call, int status) {
    if (status != 0) {
      throw new CudaException(Api.DRIVER, call, status, describeDriver(status), null);
    }
  }

  // ---------------------------------------------------------------- descriptions

  /** {@code cudaGetErrorName(status): cudaGetErrorString(status)}, or why unavailable. */
  public static String describeRuntime(int status) {
    return describe(CudaLibrary.RUNTIME, "cudaGetErrorString", status,
        s -> cString(CudaRuntime.cudaGetErrorName(s)) + ": "
            + cString(CudaRuntime.cudaGetErrorString(s)));
  }

  /** {@code cublasGetStatusName(status): cublasGetStatusString(status)}, or why unavailable. */
  public static String describeCublas(int status) {
    return describe(CudaLibrary.CUBLAS, "cublasGetStatusString", status, s -> {
      String text = cString(Cublas.cublasGetStatusString(s));
      return CudaLibrary.CUBLAS.hasSymbol("cublasGetStatusName")
          ? cString(Cublas.cublasGetStatusName(s)) + ": " + text : text;
    });
  }

  /** {@code nvrtcGetErrorString(status)}, or why unavailable. */
  public static String describeNvrtc(int status) {
    return describe(CudaLibrary.NVRTC, "nvrtcGetErrorString", status,
        s -> cString(Nvrtc.nvrtcGetErrorString(s)));
  }

  /** {@code cuGetErrorName(status): cuGetErrorString(status)}, or why unavailable. */
  public static String describeDriver(int status) {
    return describe(CudaLibrary.DRIVER, "cuGetErrorString", status, s -> {
      try (Arena arena = Arena.ofConfined()) {
        MemorySegment name = arena.allocate(Downcalls.C_POINTER);
        MemorySegment text = arena.allocate(Downcalls.C_POINTER);
        int r1 = CudaDriver.cuGetErrorName(s, name);
        int r2 = CudaDriver.cuGetErrorString(s, text);
        if (r1 != 0 || r2 != 0) {
          return "unknown CUresult (cuGetErrorString returned " + r2 + ")";
        }
        return cString(name.get(Downcalls.C_POINTER, 0)) + ": "
            + cString(text.get(Downcalls.C_POINTER, 0));
      }
    });
  }

  private static String describe(CudaLibrary library, String function, int status,
      IntFunction<String> describe) {
    if (!library.isAvailable()) {
      return "no description: " + library.description() + " is not loaded";
    }
    if (!library.hasSymbol(function)) {
      return "no description: " + library.loadedFrom().orElse("the library") + " has no "
          + function;
    }
    try {
      return describe.apply(status);
    } catch (RuntimeException | LinkageError e) {
      return "no description: " + function + " failed: " + e;
    }
  }

  /** The NUL-terminated string at {@code p}, or {@code "(null)"}. */
  static String cString(MemorySegment p) {
    if (p == null || p.equals(MemorySegment.NULL)) {
      return "(null)";
    }
    return p.reinterpret(Long.MAX_VALUE).getString(0);
  }
}
