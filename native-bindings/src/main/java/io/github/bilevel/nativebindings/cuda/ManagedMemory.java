package io.github.bilevel.nativebindings.cuda;

import io.github.bilevel.nativebindings.cuda.CudaException.Api;
import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * CUDA managed memory ({@code cudaMallocManaged}, attached globally) as {@link MemorySegment}s
 * owned by a caller's {@link Arena}: closing the arena frees the memory ({@code cudaFree}).
 * Managed memory has one address for host and device; the driver migrates pages to whichever
 * side touches them, so Java code may read and write these segments like any other, and a
 * kernel may be handed their address. Every live allocation is recorded, so that the backend
 * can tell its own memory from host memory by address ({@link #contains}).
 */
@SuppressWarnings("restricted")
final class ManagedMemory {

  private static final System.Logger LOG = System.getLogger(ManagedMemory.class.getName());

  /** Start address → end address (exclusive) of every live allocation. */
  private static final ConcurrentSkipListMap<Long, Long> LIVE = new ConcurrentSkipListMap<>();

  private ManagedMemory() {}

  /**
   * Allocates {@code bytes} (at least 1) of managed memory owned by {@code arena}, not
   * initialised; the caller zeroes or fills it.
   *
   * @throws CudaException when {@code cudaMallocManaged} fails (out of memory, ...)
   */
  static MemorySegment allocate(Arena arena, long bytes) {
    Objects.requireNonNull(arena, "arena");
    long size = Math.max(1, bytes);
    MemorySegment pointer;
    try (Arena local = Arena.ofConfined()) {
      MemorySegment free = local.allocate(ValueLayout.JAVA_LONG);
      MemorySegment total = local.allocate(ValueLayout.JAVA_LONG);
      int info = CudaRuntime.cudaMemGetInfo(free, total);
      if (info == 0) {
        Optional<String> problem = oversubscription(size, free.get(ValueLayout.JAVA_LONG, 0),
            total.get(ValueLayout.JAVA_LONG, 0));
        if (problem.isPresent()) {
          throw new IllegalStateException(problem.get());
        }
      }
      MemorySegment holder = local.allocate(ValueLayout.ADDRESS);
      int status = CudaRuntime.cudaMallocManaged(holder, size,
          CudaRuntime.cudaMemAttachGlobal);
      if (status != 0) {
        throw new CudaException(CudaException.Api.RUNTIME, "cudaMallocManaged", status,
            Api.RUNTIME.describe(status), "allocating " + size + " bytes");
      }
      pointer = holder.get(ValueLayout.ADDRESS, 0);
    }
    long start = pointer.address();
    LIVE.put(start, start + size);
    try {
      return pointer.reinterpret(size, arena, ManagedMemory::free);
    } catch (RuntimeException e) {
      // The arena is closed or not ours to use: give the memory back.
      free(pointer);
      throw e;
    }
  }

  /** GPU memory kept free beside the backend's allocations (cuBLAS workspaces, kernels). */
  static final long HEADROOM = 256L << 20;

  /**
   * Why {@code bytes} of managed memory must not be allocated with {@code free} of
   * {@code total} bytes of GPU memory free, or empty if they may. Managed memory can be asked
   * for beyond what the GPU has (it would then page between host and device), but doing so can
   * hang the device, so the backend refuses instead.
   */
  static Optional<String> oversubscription(long bytes, long free, long total) {
    if (bytes <= free - HEADROOM) {
      return Optional.empty();
    }
    return Optional.of(String.format(Locale.ROOT, "CUDA backend: allocating %.1f MiB of managed "
        + "memory would leave less than %d MiB of the GPU's memory free (%.1f MiB free of "
        + "%.1f MiB); the backend does not oversubscribe GPU memory (that can hang the "
        + "device): use a smaller problem or batch, or a CPU backend (--backend simd)",
        bytes / 1048576.0, HEADROOM >> 20, free / 1048576.0, total / 1048576.0));
  }

  /** Frees an allocation (the arena's cleanup action); logs, never throws. */
  private static void free(MemorySegment pointer) {
    LIVE.remove(pointer.address());
    int status = CudaRuntime.cudaFree(pointer);
    if (status != 0) {
      LOG.log(Level.WARNING, "cudaFree(0x" + Long.toHexString(pointer.address())
          + ") failed: status " + status + " (" + Api.RUNTIME.describe(status) + ")");
    }
  }

  /** Whether {@code [address, address + bytes)} lies inside one live managed allocation. */
  static boolean contains(long address, long bytes) {
    Map.Entry<Long, Long> e = LIVE.floorEntry(address);
    return e != null && address + bytes <= e.getValue();
  }

  /** Whether the whole of {@code segment} is live managed memory. */
  static boolean contains(MemorySegment segment) {
    return segment.isNative() && contains(segment.address(), segment.byteSize());
  }

  /** Number of live allocations (for tests and logs). */
  static int liveAllocations() {
    return LIVE.size();
  }
}
