package io.github.bilevel.nativebindings.cuda;

import io.github.bilevel.nativebindings.cuda.CudaException.Api;
import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The backend's kernels compiled by NVRTC and loaded into a device's primary context, once per
 * process and device: {@link #forDevice} compiles {@link KernelCompiler#source()} for the
 * device's architecture (a CUBIN for {@code sm_XY}; if NVRTC does not know that architecture,
 * PTX for {@code compute_XY}, then for {@code compute_75}, which the driver compiles), loads it
 * with {@code cuModuleLoadData} and looks up every kernel of {@link KernelCompiler#KERNELS}.
 * The module stays loaded for the life of the process.
 */
final class CudaModule {

  private static final System.Logger LOG = System.getLogger(CudaModule.class.getName());

  private static final Map<Integer, CudaModule> LOADED = new HashMap<>();

  private final Map<String, MemorySegment> functions;
  private final MemorySegment context;
  private final String arch;

  private CudaModule(Map<String, MemorySegment> functions, MemorySegment context, String arch) {
    this.functions = functions;
    this.context = context;
    this.arch = arch;
  }

  /** The module of {@code device}, compiled and loaded on first use. */
  static synchronized CudaModule forDevice(CudaDevice device) {
    CudaModule m = LOADED.get(device.ordinal());
    if (m == null) {
      m = load(device);
      LOADED.put(device.ordinal(), m);
    }
    return m;
  }

  /** The kernel {@code name} ({@code CUfunction}). */
  MemorySegment function(String name) {
    MemorySegment f = functions.get(name);
    if (f == null) {
      throw new IllegalArgumentException("no kernel " + name + " in " + KernelCompiler.KERNELS);
    }
    return f;
  }

  /** The device's primary context ({@code CUcontext}), retained for the life of the process. */
  MemorySegment context() {
    return context;
  }

  /** The architecture the kernels were compiled for. */
  String arch() {
    return arch;
  }

  private static CudaModule load(CudaDevice device) {
    long start = System.nanoTime();
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment holder = arena.allocate(ValueLayout.ADDRESS);
      MemorySegment intHolder = arena.allocate(ValueLayout.JAVA_INT);
      Api.DRIVER.check("cuInit", CudaDriver.cuInit(0));
      Api.DRIVER.check("cuDeviceGet", CudaDriver.cuDeviceGet(intHolder, device.ordinal()));
      int handle = intHolder.get(ValueLayout.JAVA_INT, 0);
      Api.DRIVER.check("cuDevicePrimaryCtxRetain",
          CudaDriver.cuDevicePrimaryCtxRetain(holder, handle));
      MemorySegment context = holder.get(ValueLayout.ADDRESS, 0);
      Api.DRIVER.check("cuCtxSetCurrent", CudaDriver.cuCtxSetCurrent(context));
      KernelCompiler.Compiled compiled = compileForDevice(device);
      MemorySegment image = arena.allocate(compiled.image().length + 1L);
      MemorySegment.copy(compiled.image(), 0, image, ValueLayout.JAVA_BYTE, 0,
          compiled.image().length);
      Api.DRIVER.check("cuModuleLoadData(" + compiled.arch() + ")",
          CudaDriver.cuModuleLoadData(holder, image));
      MemorySegment module = holder.get(ValueLayout.ADDRESS, 0);
      Map<String, MemorySegment> functions = new HashMap<>();
      for (String name : KernelCompiler.KERNELS) {
        Api.DRIVER.check("cuModuleGetFunction(" + name + ")",
            CudaDriver.cuModuleGetFunction(holder, module, arena.allocateFrom(name)));
        functions.put(name, holder.get(ValueLayout.ADDRESS, 0));
      }
      LOG.log(Level.DEBUG, () -> "CUDA kernels compiled for " + compiled.arch() + " and loaded in "
          + (System.nanoTime() - start) / 1_000_000 + " ms"
          + (compiled.log().isBlank() ? "" : "; NVRTC log: " + compiled.log()));
      return new CudaModule(Map.copyOf(functions), context, compiled.arch());
    }
  }

  private static KernelCompiler.Compiled compileForDevice(CudaDevice device) {
    String cc = "" + device.computeMajor() + device.computeMinor();
    List<String> archs = List.of("sm_" + cc, "compute_" + cc, "compute_75");
    List<String> failures = new ArrayList<>();
    for (String arch : archs) {
      try {
        return KernelCompiler.compile(arch);
      } catch (CudaException e) {
        if (e.status() != Nvrtc.NVRTC_ERROR_INVALID_OPTION) {
          throw e; // a compile error is not a matter of architecture
        }
        failures.add(arch + ": " + e.getMessage());
      }
    }
    throw new IllegalStateException("NVRTC " + KernelCompiler.nvrtcVersion()
        + " compiles for none of " + archs + ": " + failures);
  }
}
