package io.github.bilevel.nativebindings.cuda;

import io.github.bilevel.nativebindings.Downcalls;
import io.github.bilevel.nativebindings.cuda.CudaException.Api;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Compiles the CUDA C source of the backend's own kernels ({@value #SOURCE_RESOURCE}, a
 * resource of this package) with NVRTC. Needs {@code libnvrtc} but no GPU and no driver, so
 * the source can be checked on any machine that has the library.
 *
 * <p>Options: {@code --gpu-architecture=ARCH} and {@code --fmad=false} (no fused multiply-add
 * contraction: {@code a * b + c} is rounded twice, as Java rounds it). A real architecture
 * ({@code sm_90}) gives a CUBIN, loaded by the driver as is; a virtual one
 * ({@code compute_90}) gives PTX, compiled by the driver when loaded.
 */
public final class KernelCompiler {

  /** The resource, relative to this class, holding the CUDA C source. */
  public static final String SOURCE_RESOURCE = "kernels.cu";

  /** Every kernel ({@code extern "C" __global__}) of the source the backend launches. */
  public static final List<String> KERNELS = List.of(
      "fill", "scale", "axpby", "km_step", "km_step_residual", "max_abs", "sum_squares_scaled",
      "tanh_forward", "tanh_backward", "sigmoid_forward", "sigmoid_backward", "relu_forward",
      "relu_backward", "softmax_rows", "softmax_cross_entropy_rows", "clamp", "check_box",
      "clamp_vector", "hadamard");

  private KernelCompiler() {}

  /**
   * A compiled program.
   *
   * @param image the CUBIN or the NUL-terminated PTX, ready for {@code cuModuleLoadData}
   * @param arch  the architecture it was compiled for
   * @param cubin whether {@code image} is a CUBIN (else PTX)
   * @param log   NVRTC's log (warnings), possibly empty
   */
  public record Compiled(byte[] image, String arch, boolean cubin, String log) {

    /** Canonical constructor; checks the arguments. */
    public Compiled {
      Objects.requireNonNull(image, "image");
      Objects.requireNonNull(arch, "arch");
      Objects.requireNonNull(log, "log");
    }

    /** The PTX text (without its terminating NUL); only for a PTX image. */
    public String ptx() {
      if (cubin) {
        throw new IllegalStateException("the image is a CUBIN for " + arch + ", not PTX");
      }
      int end = image.length;
      while (end > 0 && image[end - 1] == 0) {
        end--;
      }
      return new String(image, 0, end, StandardCharsets.US_ASCII);
    }
  }

  /** The CUDA C source of the kernels. */
  public static String source() {
    try (InputStream in = KernelCompiler.class.getResourceAsStream(SOURCE_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("resource " + SOURCE_RESOURCE + " missing next to "
            + KernelCompiler.class.getName() + " (a broken jar?)");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + SOURCE_RESOURCE, e);
    }
  }

  /** The NVRTC version as {@code major.minor}. */
  public static String nvrtcVersion() {
    requireNvrtc();
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment major = arena.allocate(ValueLayout.JAVA_INT);
      MemorySegment minor = arena.allocate(ValueLayout.JAVA_INT);
      Api.NVRTC.check("nvrtcVersion", Nvrtc.nvrtcVersion(major, minor));
      return major.get(ValueLayout.JAVA_INT, 0) + "." + minor.get(ValueLayout.JAVA_INT, 0);
    }
  }

  /** Compiles the {@linkplain #source() kernel source} for {@code arch}. */
  public static Compiled compile(String arch) {
    return compile(source(), SOURCE_RESOURCE, arch);
  }

  /**
   * Compiles {@code source} for {@code arch} ({@code sm_XY}: CUBIN, {@code compute_XY}: PTX).
   *
   * @throws IllegalStateException if NVRTC is not available (the message says what was tried)
   * @throws CudaException         if compilation fails; for a compile error the message holds
   *                               NVRTC's log
   */
  public static Compiled compile(String source, String name, String arch) {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(arch, "arch");
    if (!arch.matches("(sm|compute)_[0-9]+[a-z]?")) {
      throw new IllegalArgumentException(
          "arch must look like sm_90 or compute_90, got '" + arch + "'");
    }
    requireNvrtc();
    boolean cubin = arch.startsWith("sm_");
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment programHolder = arena.allocate(Downcalls.C_POINTER);
      Api.NVRTC.check("nvrtcCreateProgram", Nvrtc.nvrtcCreateProgram(programHolder,
          arena.allocateFrom(source), arena.allocateFrom(name), 0, MemorySegment.NULL,
          MemorySegment.NULL));
      MemorySegment program = programHolder.get(Downcalls.C_POINTER, 0);
      try {
        List<String> options = new ArrayList<>(List.of("--gpu-architecture=" + arch, "--fmad=false"));
        MemorySegment optionArray = arena.allocate(Downcalls.C_POINTER, options.size());
        for (int i = 0; i < options.size(); i++) {
          optionArray.setAtIndex(Downcalls.C_POINTER, i, arena.allocateFrom(options.get(i)));
        }
        int status = Nvrtc.nvrtcCompileProgram(program, options.size(), optionArray);
        String log = log(arena, program);
        if (status != Nvrtc.NVRTC_SUCCESS) {
          throw new CudaException(CudaException.Api.NVRTC, "nvrtcCompileProgram", status,
              Api.NVRTC.describe(status), "compiling " + name + " for " + arch
                  + " with " + options + (log.isBlank() ? "" : "; NVRTC's log:\n" + log));
        }
        MemorySegment size = arena.allocate(ValueLayout.JAVA_LONG);
        byte[] image;
        if (cubin) {
          Api.NVRTC.check("nvrtcGetCUBINSize", Nvrtc.nvrtcGetCUBINSize(program, size));
          MemorySegment out = arena.allocate(size.get(ValueLayout.JAVA_LONG, 0));
          Api.NVRTC.check("nvrtcGetCUBIN", Nvrtc.nvrtcGetCUBIN(program, out));
          image = out.toArray(ValueLayout.JAVA_BYTE);
        } else {
          Api.NVRTC.check("nvrtcGetPTXSize", Nvrtc.nvrtcGetPTXSize(program, size));
          MemorySegment out = arena.allocate(size.get(ValueLayout.JAVA_LONG, 0));
          Api.NVRTC.check("nvrtcGetPTX", Nvrtc.nvrtcGetPTX(program, out));
          image = out.toArray(ValueLayout.JAVA_BYTE);
        }
        return new Compiled(image, arch, cubin, log);
      } finally {
        Nvrtc.nvrtcDestroyProgram(programHolder);
      }
    }
  }

  private static String log(Arena arena, MemorySegment program) {
    MemorySegment size = arena.allocate(ValueLayout.JAVA_LONG);
    if (Nvrtc.nvrtcGetProgramLogSize(program, size) != 0) {
      return "";
    }
    long n = size.get(ValueLayout.JAVA_LONG, 0);
    if (n <= 1) {
      return "";
    }
    MemorySegment text = arena.allocate(n);
    if (Nvrtc.nvrtcGetProgramLog(program, text) != 0) {
      return "";
    }
    return text.getString(0).strip();
  }

  private static void requireNvrtc() {
    CudaLibrary.NVRTC.unavailableReason().ifPresent(r -> {
      throw new IllegalStateException("NVRTC unavailable: " + r);
    });
  }
}
