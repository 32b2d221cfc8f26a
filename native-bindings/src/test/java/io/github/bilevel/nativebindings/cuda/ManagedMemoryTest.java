package io.github.bilevel.nativebindings.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The oversubscription rule, without a GPU (the allocation itself is tested in CudaBackendTest). */
class ManagedMemoryTest {

  private static final long GIB = 1L << 30;

  @Test
  void anAllocationThatFitsBesideTheHeadroomIsAllowed() {
    assertTrue(ManagedMemory.oversubscription(GIB, 80 * GIB, 80 * GIB).isEmpty());
    assertTrue(ManagedMemory.oversubscription(
        10 * GIB - ManagedMemory.HEADROOM, 10 * GIB, 80 * GIB).isEmpty());
  }

  @Test
  void anAllocationBeyondTheFreeMemoryIsRefusedWithTheNumbers() {
    Optional<String> problem = ManagedMemory.oversubscription(100 * GIB, 79 * GIB, 80 * GIB);
    assertTrue(problem.isPresent());
    String m = problem.get();
    assertTrue(m.contains("102400.0 MiB") && m.contains("80896.0 MiB free")
        && m.contains("81920.0 MiB") && m.contains("oversubscribe"), m);
  }

  @Test
  void theHeadroomIsKept() {
    assertTrue(ManagedMemory.oversubscription(
        10 * GIB - ManagedMemory.HEADROOM + 1, 10 * GIB, 80 * GIB).isPresent());
    assertTrue(ManagedMemory.oversubscription(1, ManagedMemory.HEADROOM, 80 * GIB).isPresent());
  }
}
