package io.github.bilevel.nativebindings.cuda;

import io.github.bilevel.nativebindings.cuda.CudaException.Api;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The GPU the CUDA backend runs on, found once per process: the device of ordinal
 * {@value #DEVICE_PROPERTY} (default 0), with what the backend needs to know about it. The
 * probe never throws: when no usable device is here, {@link #unavailableReason()} says why
 * (a library not found, with every name and directory tried; the driver older than the
 * runtime; 0 devices; a device without concurrent managed memory).
 *
 * <p>Properties are read one attribute at a time ({@code cudaDeviceGetAttribute}) and the name
 * with the driver's {@code cuDeviceGetName}: the layout of {@code struct cudaDeviceProp}
 * changes between CUDA releases, these calls do not.
 *
 * @param ordinal               the device's ordinal
 * @param name                  its name ({@code NVIDIA H100 80GB HBM3}, ...)
 * @param computeMajor          compute capability, major
 * @param computeMinor          compute capability, minor
 * @param multiprocessors       number of streaming multiprocessors
 * @param totalMemory           device memory, bytes
 * @param pageableMemoryAccess  whether the device can read the host's pageable memory
 *                              (HMM/ATS), so that host buffers can be passed as they are
 * @param runtimeVersion        {@code cudaRuntimeGetVersion} (e.g. 13000)
 * @param driverVersion         {@code cudaDriverGetVersion}
 */
public record CudaDevice(int ordinal, String name, int computeMajor, int computeMinor,
    int multiprocessors, long totalMemory, boolean pageableMemoryAccess, int runtimeVersion,
    int driverVersion) {

  /** System property: ordinal of the device to use (default 0). */
  public static final String DEVICE_PROPERTY = "bilevel.cuda.device";

  private static volatile Probe probe;

  /** The probe's outcome: a device, or the reason there is none. */
  private record Probe(Optional<CudaDevice> device, String reason) {}

  /** The architecture NVRTC compiles for: {@code sm_XY}. */
  public String arch() {
    return "sm_" + computeMajor + computeMinor;
  }

  /** One line for logs and benchmark records. */
  public String describe() {
    return name + " (device " + ordinal + ", compute capability " + computeMajor + "."
        + computeMinor + ", " + multiprocessors + " SMs, " + (totalMemory >> 20) + " MiB; CUDA "
        + version(runtimeVersion) + " runtime, driver for CUDA " + version(driverVersion)
        + (pageableMemoryAccess ? "; pageable host memory accessible" : "") + ")";
  }

  private static String version(int v) {
    return (v / 1000) + "." + (v % 1000) / 10;
  }

  /** The device, or empty when none can be used here (see {@link #unavailableReason()}). */
  public static Optional<CudaDevice> current() {
    return probe().device();
  }

  /** Why no device can be used here, or empty when one can. */
  public static Optional<String> unavailableReason() {
    Probe p = probe();
    return p.device().isPresent() ? Optional.empty() : Optional.of(p.reason());
  }

  private static Probe probe() {
    Probe p = probe;
    if (p == null) {
      synchronized (CudaDevice.class) {
        p = probe;
        if (p == null) {
          try {
            p = doProbe();
          } catch (RuntimeException | LinkageError e) {
            p = new Probe(Optional.empty(), "probing the CUDA device failed: " + e);
          }
          probe = p;
        }
      }
    }
    return p;
  }

  private static Probe doProbe() {
    Optional<String> runtime = CudaLibrary.RUNTIME.unavailableReason();
    if (runtime.isPresent()) {
      return new Probe(Optional.empty(), runtime.get());
    }
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment value = arena.allocate(ValueLayout.JAVA_INT);
      int status = CudaRuntime.cudaGetDeviceCount(value);
      if (status != 0) {
        String extra = status == CudaRuntime.cudaErrorInsufficientDriver
            ? "; no NVIDIA driver (libcuda.so.1), or one older than "
                + CudaLibrary.RUNTIME.loadedFrom().orElse("the runtime")
                + " needs: is there a GPU? (with an old driver, point -D"
                + CudaLibrary.PATH_PROPERTY + " at the libraries of an older CUDA)"
            : "";
        return new Probe(Optional.empty(), "cudaGetDeviceCount failed: status " + status + " ("
            + Api.RUNTIME.describe(status) + ")" + extra);
      }
      int count = value.get(ValueLayout.JAVA_INT, 0);
      if (count == 0) {
        return new Probe(Optional.empty(), "0 CUDA devices (cudaGetDeviceCount)");
      }
      int ordinal = ordinal(count);
      if (ordinal < 0) {
        return new Probe(Optional.empty(), "-D" + DEVICE_PROPERTY + "="
            + System.getProperty(DEVICE_PROPERTY) + " is not a device ordinal in [0, " + count
            + ")");
      }
      int major = attribute(value, CudaRuntime.cudaDevAttrComputeCapabilityMajor, ordinal);
      int minor = attribute(value, CudaRuntime.cudaDevAttrComputeCapabilityMinor, ordinal);
      int sms = attribute(value, CudaRuntime.cudaDevAttrMultiProcessorCount, ordinal);
      int managed = attribute(value, CudaRuntime.cudaDevAttrManagedMemory, ordinal);
      int concurrent = attribute(value, CudaRuntime.cudaDevAttrConcurrentManagedAccess,
          ordinal);
      int pageable = attribute(value, CudaRuntime.cudaDevAttrPageableMemoryAccess, ordinal);
      if (managed == 0 || concurrent == 0) {
        return new Probe(Optional.empty(), "device " + ordinal + " lacks "
            + (managed == 0 ? "managed memory" : "concurrent managed access (host and device "
                + "touching managed memory at once; needs Linux and compute capability >= 6.0)")
            + ", which the CUDA backend's buffers rely on");
      }
      Api.RUNTIME.check("cudaRuntimeGetVersion", CudaRuntime.cudaRuntimeGetVersion(value));
      int runtimeVersion = value.get(ValueLayout.JAVA_INT, 0);
      Api.RUNTIME.check("cudaDriverGetVersion", CudaRuntime.cudaDriverGetVersion(value));
      int driverVersion = value.get(ValueLayout.JAVA_INT, 0);
      List<String> missing = new ArrayList<>();
      for (CudaLibrary library : List.of(CudaLibrary.CUBLAS, CudaLibrary.NVRTC,
          CudaLibrary.DRIVER)) {
        library.unavailableReason().ifPresent(missing::add);
      }
      if (!missing.isEmpty()) {
        return new Probe(Optional.empty(), String.join("; ", missing));
      }
      Api.DRIVER.check("cuInit", CudaDriver.cuInit(0));
      Api.DRIVER.check("cuDeviceGet", CudaDriver.cuDeviceGet(value, ordinal));
      int handle = value.get(ValueLayout.JAVA_INT, 0);
      MemorySegment nameBuffer = arena.allocate(256);
      Api.DRIVER.check("cuDeviceGetName", CudaDriver.cuDeviceGetName(nameBuffer, 256, handle));
      MemorySegment bytes = arena.allocate(ValueLayout.JAVA_LONG);
      Api.DRIVER.check("cuDeviceTotalMem", CudaDriver.cuDeviceTotalMem_v2(bytes, handle));
      CudaDevice device = new CudaDevice(ordinal, nameBuffer.getString(0), major, minor, sms,
          bytes.get(ValueLayout.JAVA_LONG, 0), pageable != 0, runtimeVersion, driverVersion);
      return new Probe(Optional.of(device), "");
    }
  }

  private static int ordinal(int count) {
    String p = System.getProperty(DEVICE_PROPERTY);
    if (p == null || p.isBlank()) {
      return 0;
    }
    try {
      int ordinal = Integer.parseInt(p.trim());
      return ordinal >= 0 && ordinal < count ? ordinal : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static int attribute(MemorySegment value, int attribute, int ordinal) {
    Api.RUNTIME.check("cudaDeviceGetAttribute(" + attribute + ")",
        CudaRuntime.cudaDeviceGetAttribute(value, attribute, ordinal));
    return value.get(ValueLayout.JAVA_INT, 0);
  }
}
