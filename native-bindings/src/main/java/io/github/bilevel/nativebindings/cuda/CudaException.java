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

  /** Which library reported the status, and how to check and describe its statuses. */
  public enum Api {
    /** {@code cudaError_t} of the CUDA runtime. */
    RUNTIME("CUDA runtime", CudaLibrary.RUNTIME, "cudaGetErrorString",
        s -> cString(CudaRuntime.cudaGetErrorName(s)) + ": "
            + cString(CudaRuntime.cudaGetErrorString(s))),
    /** {@code cublasStatus_t} of cuBLAS. */
    CUBLAS("cuBLAS", CudaLibrary.CUBLAS, "cublasGetStatusString", s -> {
      String text = cString(Cublas.cublasGetStatusString(s));
      return CudaLibrary.CUBLAS.hasSymbol("cublasGetStatusName")
          ? cString(Cublas.cublasGetStatusName(s)) + ": " + text : text;
    }),
    /** {@code nvrtcResult} of NVRTC. */
    NVRTC("NVRTC", CudaLibrary.NVRTC, "nvrtcGetErrorString",
        s -> cString(Nvrtc.nvrtcGetErrorString(s))),
    /** {@code CUresult} of the driver API. */
    DRIVER("CUDA driver", CudaLibrary.DRIVER, "cuGetErrorString", CudaException::describeDriver);

    private final String label;
    private final CudaLibrary library;
    private final String describer;
    private final IntFunction<String> describe;

    Api(String label, CudaLibrary library, String describer, IntFunction<String> describe) {
      this.label = label;
      this.library = library;
      this.describer = describer;
      this.describe = describe;
    }

    /** The library's name, for messages. */
    public String label() {
      return label;
    }

    /** Throws a {@link CudaException} for {@code call} unless {@code status} is success (0). */
    public void check(String call, int status) {
      if (status != 0) {
        throw new CudaException(this, call, status, describe(status), null);
      }
    }

    /**
     * The library's name and description of {@code status} ({@code cudaGetErrorName:
     * cudaGetErrorString}, {@code cublasGetStatusName: cublasGetStatusString},
     * {@code nvrtcGetErrorString}, {@code cuGetErrorName: cuGetErrorString}), or why unavailable.
     */
    public String describe(int status) {
      if (!library.isAvailable()) {
        return "no description: " + library.description() + " is not loaded";
      }
      if (!library.hasSymbol(describer)) {
        return "no description: " + library.loadedFrom().orElse("the library") + " has no "
            + describer;
      }
      try {
        return describe.apply(status);
      } catch (RuntimeException | LinkageError e) {
        return "no description: " + describer + " failed: " + e;
      }
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

  /** {@code cuGetErrorName(status): cuGetErrorString(status)}, or why unavailable. */
  private static String describeDriver(int s) {
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
  }

  /** The NUL-terminated string at {@code p}, or {@code "(null)"}. */
  static String cString(MemorySegment p) {
    if (p == null || p.equals(MemorySegment.NULL)) {
      return "(null)";
    }
    return p.reinterpret(Long.MAX_VALUE).getString(0);
  }
}
