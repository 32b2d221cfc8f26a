package io.github.bilevel.nativebindings.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CUDA C source of the backend's kernels compiles, with NVRTC through the bindings (needs
 * {@code libnvrtc}, no GPU), and every kernel the backend launches is in it. Where NVRTC is
 * absent the NVRTC tests are skipped with the reason; the nvcc check runs where the CUDA
 * toolkit's {@code nvcc} is.
 */
class KernelCompilerTest {

  @TempDir
  Path temp;

  private static void requireNvrtc() {
    assumeTrue(CudaLibrary.NVRTC.isAvailable(),
        () -> "NVRTC not here: " + CudaLibrary.NVRTC.unavailableReason().orElse(""));
  }

  /** The kernel entry points of a PTX text. */
  private static Set<String> entries(String ptx) {
    Set<String> out = new TreeSet<>();
    Matcher m = Pattern.compile("\\.entry\\s+(\\w+)\\s*\\(").matcher(ptx);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  @Test
  void theSourceIsAResourceWithEveryKernel() {
    String source = KernelCompiler.source();
    for (String k : KernelCompiler.KERNELS) {
      assertTrue(source.contains("extern \"C\" __global__ void " + k + "("), k);
    }
    assertFalse(source.contains("#include"), "NVRTC compiles it without headers");
  }

  @Test
  void ptxHasExactlyTheKernelsTheBackendLaunches() {
    requireNvrtc();
    KernelCompiler.Compiled c = KernelCompiler.compile("compute_80");
    assertFalse(c.cubin());
    String ptx = c.ptx();
    assertTrue(ptx.contains(".target sm_80"), ptx.substring(0, Math.min(400, ptx.length())));
    assertEquals(new TreeSet<>(KernelCompiler.KERNELS), entries(ptx));
    // --fmad=false: no fused multiply-add in the KM step (rounded as Java rounds it).
    int start = ptx.indexOf(".entry km_step(");
    int end = ptx.indexOf(".entry", start + 1);
    String kmStep = ptx.substring(start, end < 0 ? ptx.length() : end);
    assertFalse(kmStep.contains("fma.rn.f64"), kmStep);
  }

  @Test
  void cubinForARealArchitectureIsAnElfImage() {
    requireNvrtc();
    for (String arch : List.of("sm_80", "sm_90")) {
      KernelCompiler.Compiled c = KernelCompiler.compile(arch);
      assertTrue(c.cubin());
      assertArrayEquals(new byte[] {0x7f, 'E', 'L', 'F'}, Arrays.copyOf(c.image(), 4), arch);
      assertThrows(IllegalStateException.class, c::ptx);
    }
  }

  @Test
  void aCompileErrorCarriesNvrtcsLog() {
    requireNvrtc();
    CudaException e = assertThrows(CudaException.class, () -> KernelCompiler.compile(
        "extern \"C\" __global__ void broken(double* x) {\n  x[0] = not_declared;\n}\n",
        "broken.cu", "compute_80"));
    assertEquals(Nvrtc.NVRTC_ERROR_COMPILATION, e.status());
    assertTrue(e.getMessage().contains("not_declared"), e.getMessage());
    assertTrue(e.getMessage().contains("broken.cu"), e.getMessage());
  }

  @Test
  void anArchitectureNvrtcDoesNotKnowIsAnInvalidOption() {
    requireNvrtc();
    // The backend falls back from sm_XY to compute_XY on exactly this status.
    CudaException e = assertThrows(CudaException.class,
        () -> KernelCompiler.compile("sm_9999"));
    assertEquals(Nvrtc.NVRTC_ERROR_INVALID_OPTION, e.status());
    assertThrows(IllegalArgumentException.class, () -> KernelCompiler.compile("sm90"));
  }

  @Test
  void nvrtcReportsItsVersion() {
    requireNvrtc();
    assertTrue(KernelCompiler.nvrtcVersion().matches("\\d+\\.\\d+"),
        KernelCompiler.nvrtcVersion());
  }

  /** The same source compiles with the toolkit's nvcc (CUDA 13 here), for sm_90. */
  @Test
  void theSourceCompilesWithNvcc() throws Exception {
    Path nvcc = findNvcc();
    assumeTrue(nvcc != null, "no nvcc on PATH or in /usr/local/cuda/bin");
    Path source = temp.resolve("kernels.cu");
    Files.writeString(source, KernelCompiler.source());
    Path cubin = temp.resolve("kernels.cubin");
    List<String> command = new ArrayList<>(List.of(nvcc.toString(), "-cubin", "-arch=sm_90",
        "--fmad=false", "-o", cubin.toString(), source.toString()));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), "nvcc did not finish");
    assertEquals(0, p.exitValue(), "nvcc failed: " + output);
    assertTrue(Files.size(cubin) > 0);
  }

  private static Path findNvcc() {
    List<Path> candidates = new ArrayList<>();
    String path = System.getenv("PATH");
    if (path != null) {
      for (String d : path.split(java.io.File.pathSeparator)) {
        candidates.add(Path.of(d, "nvcc"));
      }
    }
    candidates.add(Path.of("/usr/local/cuda/bin/nvcc"));
    return candidates.stream().filter(Files::isExecutable).findFirst().orElse(null);
  }

  @BeforeEach
  void sourceIsReadable() {
    assertTrue(KernelCompiler.source().length() > 1000);
  }
}
