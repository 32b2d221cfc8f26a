package io.github.bilevel.nativebindings.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.kernels.Buffers;
import io.github.bilevel.kernels.DMatrix;
import io.github.bilevel.kernels.DVector;
import io.github.bilevel.kernels.Projections;
import io.github.bilevel.kernels.ScalarBackend;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Behaviour of {@link CudaBackend} beyond the kernels' values: memory kinds and their
 * counters, the host-memory policies, errors (closed arenas, a closed backend, bad bounds, bad
 * labels), extreme values for nrm2. Skipped, with the reason, where there is no GPU.
 */
class CudaBackendTest {

  private CudaBackend cuda;

  @BeforeEach
  void requireGpu() {
    cuda = CudaFixtures.requireGpu();
  }

  @Test
  void managedBuffersAreRecognisedZeroedAndReadableOnTheHost() {
    try (Arena arena = Arena.ofConfined()) {
      DVector v = cuda.vector(arena, 1000);
      assertTrue(CudaBackend.isManaged(v.segment()));
      assertTrue(!CudaBackend.isManaged(Buffers.vector(arena, 3).segment()));
      assertEquals(0.0, cuda.asum(v), 0.0);
      cuda.fill(2.5, v);
      assertEquals(2.5, v.get(999), 0.0); // host read of what the GPU wrote
      v.set(10, -1.0); // host write seen by the GPU
      assertEquals(2.5 * 999 + 1, cuda.asum(v), 0.0);
    }
  }

  @Test
  void managedMemoryIsFreedWithItsArena() {
    int before = ManagedMemory.liveAllocations();
    Arena arena = Arena.ofConfined();
    MemorySegment s = cuda.allocate(arena, 1 << 20);
    MemorySegment sameAddress = MemorySegment.ofAddress(s.address());
    assertTrue(CudaBackend.isManaged(sameAddress));
    assertEquals(before + 1, ManagedMemory.liveAllocations());
    arena.close();
    assertEquals(before, ManagedMemory.liveAllocations());
    assertTrue(!CudaBackend.isManaged(sameAddress));
  }

  @Test
  void moreManagedMemoryThanTheGpuHasIsRefusedNotOversubscribed() {
    long total = CudaDevice.current().orElseThrow().totalMemory();
    int before = ManagedMemory.liveAllocations();
    try (Arena arena = Arena.ofConfined()) {
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> cuda.allocate(arena, total / 8 * 2)); // 2 × total bytes, as doubles
      assertTrue(e.getMessage().contains("oversubscribe"), e.getMessage());
    }
    assertEquals(before, ManagedMemory.liveAllocations());
  }

  @Test
  void uploadAndDownloadAreCounted() {
    try (Arena arena = Arena.ofConfined()) {
      long up = cuda.bytesUploaded();
      long down = cuda.bytesDownloaded();
      double[] values = {1, 2, 3, 4, 5};
      DVector v = cuda.vector(arena, values);
      assertEquals(up + 40, cuda.bytesUploaded());
      cuda.scal(2.0, v);
      double[] out = new double[5];
      cuda.download(v, out);
      assertArrayEquals(new double[] {2, 4, 6, 8, 10}, out, 0.0);
      assertEquals(down + 40, cuda.bytesDownloaded());
      DMatrix m = cuda.matrix(arena, 2, 3, 1, 2, 3, 4, 5, 6);
      assertEquals(up + 40 + 48, cuda.bytesUploaded());
      assertEquals(6.0, m.get(1, 2), 0.0);
    }
  }

  @Test
  void managedOperandsAreNotStagedAndHostOperandsAreCounted() {
    try (Arena arena = Arena.ofConfined()) {
      CudaBackend staging = new CudaBackend(CudaBackend.HostMemory.STAGE);
      try {
        DVector x = staging.vector(arena, 1, 2, 3);
        DVector y = staging.vector(arena, 4, 5, 6);
        long before = staging.bytesStaged();
        assertEquals(32.0, staging.dot(x, y), 0.0);
        assertEquals(before, staging.bytesStaged());
        DVector h = Buffers.vector(arena, 1, 1, 1);
        staging.axpy(2.0, x, h); // h read and written back: 2 · 24 bytes
        assertEquals(before + 48, staging.bytesStaged());
        assertArrayEquals(new double[] {3, 5, 7}, h.toArray(), 0.0);
      } finally {
        staging.close();
      }
    }
  }

  @Test
  void theRejectPolicyNamesTheArgument() {
    try (Arena arena = Arena.ofConfined()) {
      CudaBackend reject = new CudaBackend(CudaBackend.HostMemory.REJECT);
      try {
        DVector x = reject.vector(arena, 4);
        DVector host = Buffers.vector(arena, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> reject.copy(x, host));
        assertTrue(e.getMessage().startsWith("y is not memory of a CUDA backend"),
            e.getMessage());
        reject.copy(x, reject.vector(arena, 4)); // managed: fine
      } finally {
        reject.close();
      }
    }
  }

  @Test
  void aClosedArenaIsAnIllegalStateNamingTheArgument() {
    Arena arena = Arena.ofConfined();
    DVector x = cuda.vector(arena, 8);
    DVector y = cuda.vector(Arena.ofAuto(), 8);
    arena.close();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> cuda.dot(y, x));
    assertTrue(e.getMessage().startsWith("y: "), e.getMessage());
  }

  @Test
  void aClosedBackendRefusesWork() {
    CudaBackend b = new CudaBackend(CudaBackend.HostMemory.STAGE);
    DVector x = b.vector(Arena.ofAuto(), 8);
    b.close();
    b.close(); // idempotent
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> b.nrm2(x));
    assertTrue(e.getMessage().contains("closed"), e.getMessage());
  }

  @Test
  void aBadBoxBoundThrowsNamingTheIndexAndLeavesXUnchanged() {
    try (Arena arena = Arena.ofConfined()) {
      int n = 5000;
      DVector x = cuda.vector(arena, n);
      DVector lo = cuda.vector(arena, n);
      DVector hi = cuda.vector(arena, n);
      cuda.fill(3.0, x);
      cuda.fill(-1.0, lo);
      cuda.fill(1.0, hi);
      hi.set(4321, -2.0);
      hi.set(4999, Double.NaN);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> Projections.box(cuda, x, lo, hi));
      assertTrue(e.getMessage().contains("at index 4321"), e.getMessage());
      assertEquals(3.0 * n, cuda.asum(x), 0.0);
    }
  }

  @Test
  void aBadLabelThrowsNamingTheRow() {
    try (Arena arena = Arena.ofConfined()) {
      DMatrix z = cuda.matrix(arena, 3, 4);
      MemorySegment labels = cuda.labels(arena, 0, 3, 4);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> cuda.softmaxCrossEntropy(z, labels, null));
      assertTrue(e.getMessage().contains("labels[2] = 4"), e.getMessage());
    }
  }

  @Test
  void nrm2IsSafeAtTheExtremesOfTheRange() {
    ScalarBackend reference = new ScalarBackend();
    double[][] cases = {
        {Double.MAX_VALUE / 2, Double.MAX_VALUE / 3, 1.0},
        {Double.MIN_VALUE, 3 * Double.MIN_VALUE, 0.0},
        {1e-300, -2e-300, 3e-300},
        {1e300, 1e-300},
        {0.0, 0.0},
        {1.0, Double.POSITIVE_INFINITY, 2.0},
        {1.0, Double.NaN, Double.POSITIVE_INFINITY},
    };
    try (Arena arena = Arena.ofConfined()) {
      for (double[] c : cases) {
        double expected = reference.nrm2(Buffers.vector(arena, c));
        double actual = cuda.nrm2(cuda.vector(arena, c));
        if (Double.isNaN(expected) || Double.isInfinite(expected) || expected == 0) {
          assertEquals(expected, actual, 0.0, java.util.Arrays.toString(c));
        } else {
          assertEquals(expected, actual, 1e-14 * expected, java.util.Arrays.toString(c));
        }
      }
    }
  }

  @Test
  void theDeviceIsDescribed() {
    CudaDevice d = cuda.device();
    assertTrue(d.arch().matches("sm_\\d+"), d.arch());
    assertTrue(d.totalMemory() > 0);
    assertTrue(d.runtimeVersion() >= 11000, d.describe());
  }
}
