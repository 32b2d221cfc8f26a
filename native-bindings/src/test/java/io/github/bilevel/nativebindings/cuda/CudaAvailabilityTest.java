package io.github.bilevel.nativebindings.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.BackendFactory;
import io.github.bilevel.kernels.Backends;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The factory's availability and what {@code Backends.byName("cuda")} says where there is no
 * GPU (the usual case for CI); where there is one, that it creates the backend. No GPU needed.
 */
class CudaAvailabilityTest {

  private static BackendFactory factory() {
    return Backends.factories().stream().filter(f -> f.name().equals("cuda")).findFirst()
        .orElseThrow(() -> new AssertionError("no 'cuda' factory among "
            + Backends.describe(Backends.factories())));
  }

  @Test
  void theFactoryIsFoundByServiceLoadingAndAutoPicksItExactlyWhereAGpuIs() {
    BackendFactory f = factory();
    assertTrue(f instanceof CudaBackendFactory);
    int simd = Backends.factories().stream().filter(g -> g.name().equals("simd")).findFirst()
        .orElseThrow().priority();
    assertTrue(f.priority() > simd, "cuda must rank above simd");
    assertEquals(f.unavailableReason(), CudaBackend.unavailableReason());
    String auto = Backends.byName("auto").name();
    if (f.unavailableReason().isPresent()) {
      assertNotEquals("cuda", auto);
    } else {
      assertEquals("cuda", auto);
    }
  }

  @Test
  void withoutAGpuByNameSaysWhy() {
    Optional<String> reason = CudaBackend.unavailableReason();
    assumeTrue(reason.isPresent(), "a GPU is here: the backend is available");
    String r = reason.get();
    assertFalse(r.isBlank());
    // Either a library is missing (the message lists the names tried) or the runtime found no
    // device or no driver.
    assertTrue(r.contains("not found: looked for") || r.contains("cudaGetDeviceCount")
        || r.contains("0 CUDA devices"), r);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Backends.byName("cuda"));
    assertTrue(e.getMessage().startsWith("backend 'cuda' cannot run here: "), e.getMessage());
    assertTrue(e.getMessage().contains(r), e.getMessage());
    IllegalStateException s = assertThrows(IllegalStateException.class, CudaBackend::new);
    assertTrue(s.getMessage().contains(r), s.getMessage());
    assertTrue(Backends.describe(Backends.factories()).contains("cuda (unavailable: "));
    assertTrue(CudaDevice.current().isEmpty());
  }

  @Test
  void withTheRuntimeButNoDriverTheReasonNamesTheDriver() {
    assumeTrue(CudaLibrary.RUNTIME.isAvailable() && !CudaLibrary.DRIVER.isAvailable(),
        "needs libcudart without libcuda.so.1 (a machine with the toolkit and no GPU)");
    String r = CudaBackend.unavailableReason().orElseThrow();
    assertTrue(r.contains("cudaGetDeviceCount failed: status"), r);
    assertTrue(r.contains("libcuda.so.1"), r);
  }

  @Test
  void withAGpuByNameCreatesTheBackend() {
    assumeTrue(CudaBackend.unavailableReason().isEmpty(),
        () -> "GPU test skipped: " + CudaBackend.unavailableReason().orElse(""));
    Backend b = Backends.byName("cuda");
    assertEquals("cuda", b.name());
    assertTrue(b instanceof CudaBackend);
    assertTrue(CudaDevice.current().orElseThrow().describe().contains("compute capability"));
    ((CudaBackend) b).close();
  }

  @Test
  void hostMemoryPolicies() {
    assertEquals(CudaBackend.HostMemory.STAGE, CudaBackend.hostMemoryPolicy("stage"));
    assertEquals(CudaBackend.HostMemory.DIRECT, CudaBackend.hostMemoryPolicy(" Direct "));
    assertEquals(CudaBackend.HostMemory.REJECT, CudaBackend.hostMemoryPolicy("reject"));
    boolean pageable = CudaDevice.current().map(CudaDevice::pageableMemoryAccess).orElse(false);
    assertEquals(pageable ? CudaBackend.HostMemory.DIRECT : CudaBackend.HostMemory.STAGE,
        CudaBackend.hostMemoryPolicy(null));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> CudaBackend.hostMemoryPolicy("sometimes"));
    assertTrue(e.getMessage().contains(CudaBackend.HOST_MEMORY_PROPERTY), e.getMessage());
  }

  @Test
  void launchGridsCoverTheWorkUpToTheCap() {
    assertEquals(1, CudaBackend.blocks(0));
    assertEquals(1, CudaBackend.blocks(1));
    assertEquals(1, CudaBackend.blocks(CudaBackend.THREADS));
    assertEquals(2, CudaBackend.blocks(CudaBackend.THREADS + 1));
    assertEquals(CudaBackend.MAX_BLOCKS, CudaBackend.blocks(Long.MAX_VALUE / 2));
  }
}
