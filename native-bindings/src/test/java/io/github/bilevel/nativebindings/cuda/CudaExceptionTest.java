package io.github.bilevel.nativebindings.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.nativebindings.cuda.CudaException.Api;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Status codes become exceptions carrying the call, the number and the library's own words
 * for it (through the library's error-string function where the library is here, with fake
 * statuses; a message saying why there is no description where it is not). No GPU needed.
 */
class CudaExceptionTest {

  @Test
  void successIsNoException() {
    Api.RUNTIME.check("cudaMalloc", 0);
    Api.CUBLAS.check("cublasDgemm_v2", 0);
    Api.NVRTC.check("nvrtcCompileProgram", 0);
    Api.DRIVER.check("cuLaunchKernel", 0);
  }

  @Test
  void runtimeStatusIsDescribedByCudaGetErrorString() {
    CudaException e = assertThrows(CudaException.class,
        () -> Api.RUNTIME.check("cudaMallocManaged", 2));
    assertSame(CudaException.Api.RUNTIME, e.api());
    assertEquals("cudaMallocManaged", e.call());
    assertEquals(2, e.status());
    assertTrue(e.getMessage().startsWith("cudaMallocManaged failed: CUDA runtime status 2 ("),
        e.getMessage());
    if (CudaLibrary.RUNTIME.isAvailable()) {
      assertTrue(e.description().startsWith("cudaErrorMemoryAllocation: "), e.description());
      assertTrue(e.description().toLowerCase(Locale.ROOT).contains("memory"), e.description());
    } else {
      assertTrue(e.description().contains("the CUDA runtime is not loaded"), e.description());
    }
  }

  @Test
  void cublasStatusIsDescribedByCublasGetStatusString() {
    CudaException e = assertThrows(CudaException.class,
        () -> Api.CUBLAS.check("cublasDgemv_v2", 7));
    assertSame(CudaException.Api.CUBLAS, e.api());
    assertEquals(7, e.status());
    assertTrue(e.getMessage().startsWith("cublasDgemv_v2 failed: cuBLAS status 7 ("),
        e.getMessage());
    if (CudaLibrary.CUBLAS.isAvailable()) {
      assertTrue(e.description().toLowerCase(Locale.ROOT).contains("invalid"), e.description());
      assertTrue(!e.description().startsWith("no description"), e.description());
    } else {
      assertTrue(e.description().contains("cuBLAS is not loaded"), e.description());
    }
  }

  @Test
  void nvrtcStatusIsDescribedByNvrtcGetErrorString() {
    CudaException e = assertThrows(CudaException.class,
        () -> Api.NVRTC.check("nvrtcCompileProgram", 6));
    assertSame(CudaException.Api.NVRTC, e.api());
    if (CudaLibrary.NVRTC.isAvailable()) {
      assertEquals("NVRTC_ERROR_COMPILATION", e.description());
    } else {
      assertTrue(e.description().contains("NVRTC is not loaded"), e.description());
    }
  }

  @Test
  void driverStatusIsDescribedByCuGetErrorString() {
    CudaException e = assertThrows(CudaException.class,
        () -> Api.DRIVER.check("cuModuleLoadData", 200));
    assertSame(CudaException.Api.DRIVER, e.api());
    assertTrue(e.getMessage().startsWith("cuModuleLoadData failed: CUDA driver status 200 ("),
        e.getMessage());
    if (CudaLibrary.DRIVER.isAvailable()) {
      assertTrue(e.description().startsWith("CUDA_ERROR_INVALID_IMAGE: "), e.description());
    } else {
      assertTrue(e.description().contains("the CUDA driver API is not loaded"), e.description());
    }
  }

  @Test
  void anUnknownStatusStillGivesAMessageNamingTheCall() {
    CudaException e = assertThrows(CudaException.class,
        () -> Api.RUNTIME.check("cudaFree", 987654));
    assertTrue(e.getMessage().contains("cudaFree failed"), e.getMessage());
    assertTrue(e.getMessage().contains("987654"), e.getMessage());
  }

  @Test
  void detailIsAppended() {
    CudaException e = new CudaException(CudaException.Api.NVRTC, "nvrtcCompileProgram", 6,
        "NVRTC_ERROR_COMPILATION", "line 3: error");
    assertEquals("nvrtcCompileProgram failed: NVRTC status 6 (NVRTC_ERROR_COMPILATION): "
        + "line 3: error", e.getMessage());
  }
}
