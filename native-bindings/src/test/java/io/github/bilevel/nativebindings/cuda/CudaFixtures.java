package io.github.bilevel.nativebindings.cuda;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.Buffers;
import io.github.bilevel.kernels.DMatrix;
import io.github.bilevel.kernels.DVector;
import io.github.bilevel.kernels.ScalarBackend;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

/**
 * Test data for the CUDA backend: the same seeded random segments given to
 * {@link ScalarBackend} (host memory) and to {@link CudaBackend} in each {@link Memory} kind;
 * results and whole segments compared within {@code max(1e-12, 2 (depth + 2) u) · magnitude},
 * where the magnitude is the reference run on absolute values (a write outside a view, or a
 * result off by more than 1e-12 relative, fails). Elements outside the views must match.
 */
final class CudaFixtures {

  static final double U = 0x1p-53;

  /** Sizes for the vector kernels; 300007 > THREADS · MAX_BLOCKS exercises the grid stride. */
  static final int[] SIZES = {0, 1, 3, 7, 8, 9, 63, 64, 65, 255, 256, 257, 1023, 1025, 300007};

  private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE;

  static final Backend REFERENCE = new ScalarBackend();

  private static CudaBackend cuda;
  private static CudaBackend staging;

  private CudaFixtures() {}

  /** Skips (visibly) without a usable GPU; else the shared backends. */
  static CudaBackend requireGpu() {
    assumeTrue(CudaBackend.unavailableReason().isEmpty(),
        () -> "GPU tests skipped: " + CudaBackend.unavailableReason().orElse(""));
    synchronized (CudaFixtures.class) {
      if (cuda == null) {
        cuda = new CudaBackend();
        staging = new CudaBackend(CudaBackend.HostMemory.STAGE);
      }
    }
    return cuda;
  }

  /** Where the tested backend's operands live. */
  enum Memory {
    /** Managed memory allocated by the backend: passed to the GPU as is. */
    MANAGED,
    /** Native host memory, given to the default backend (DIRECT on HMM systems, else staged). */
    HOST,
    /** Native host memory, given to a backend with the STAGE policy. */
    HOST_STAGED,
    /** Heap memory ({@code MemorySegment.ofArray}), always staged. */
    HEAP
  }

  /** Where a vector lives in its segment. */
  record Layout(long offset, int stride) {
    @Override
    public String toString() {
      return "offset " + offset + " stride " + stride;
    }
  }

  static final Layout[] LAYOUTS = {new Layout(0, 1), new Layout(3, 1), new Layout(5, 3)};

  static long extent(int n, Layout layout) {
    return layout.offset() + (n == 0 ? 0 : (long) (n - 1) * layout.stride() + 1) + 2;
  }

  static long extent(int rows, int cols, int pad) {
    return pad + (long) Math.max(rows, 1) * Math.max(1, cols + pad) + 2;
  }

  static DVector vector(MemorySegment s, int n, Layout layout) {
    return new DVector(s, layout.offset(), n, layout.stride());
  }

  static DMatrix matrix(MemorySegment s, int rows, int cols, int pad) {
    return new DMatrix(s, pad, rows, cols, Math.max(1, cols + pad));
  }

  /** One operation on views the case builds on the given segments. */
  @FunctionalInterface
  interface Case {
    double run(Backend backend, MemorySegment[] segments, boolean magnitude);
  }

  /** A segment of the given kind holding a copy of {@code values}. */
  static MemorySegment segment(Arena arena, Memory memory, double[] values) {
    MemorySegment s = switch (memory) {
      case MANAGED -> cuda.allocate(arena, values.length);
      case HOST, HOST_STAGED -> Buffers.allocate(arena, values.length);
      case HEAP -> MemorySegment.ofArray(new double[Math.max(1, values.length)]);
    };
    MemorySegment.copy(values, 0, s, D, 0, values.length);
    return s;
  }

  static Backend backend(Memory memory) {
    return memory == Memory.HOST_STAGED || memory == Memory.HEAP ? staging : cuda;
  }

  /**
   * Runs {@code c} with the reference on host copies and with the CUDA backend on copies in
   * {@code memory}, of the same random segments; compares the results and every segment.
   */
  static void compare(String what, Memory memory, long[] extents, long seed, int depth, Case c) {
    requireGpu();
    try (Arena arena = Arena.ofShared()) {
      SplittableRandom random = new SplittableRandom(seed);
      int k = extents.length;
      MemorySegment[] ref = new MemorySegment[k];
      MemorySegment[] got = new MemorySegment[k];
      MemorySegment[] mag = new MemorySegment[k];
      for (int i = 0; i < k; i++) {
        double[] input = new double[(int) extents[i]];
        for (int j = 0; j < input.length; j++) {
          input[j] = 2 * random.nextDouble() - 1;
        }
        ref[i] = segment(arena, Memory.HOST, input);
        got[i] = segment(arena, memory, input);
        double[] abs = input.clone();
        for (int j = 0; j < abs.length; j++) {
          abs[j] = Math.abs(abs[j]);
        }
        mag[i] = segment(arena, Memory.HOST, abs);
      }
      double expected = c.run(REFERENCE, ref, false);
      double actual = c.run(backend(memory), got, false);
      double magnitude = c.run(REFERENCE, mag, true);
      String label = what + " [" + memory + "]";
      assertClose(label + ": result", expected, actual, magnitude, depth);
      for (int i = 0; i < k; i++) {
        double[] e = ref[i].asSlice(0, 8 * extents[i]).toArray(D);
        double[] a = got[i].asSlice(0, 8 * extents[i]).toArray(D);
        double[] m = mag[i].asSlice(0, 8 * extents[i]).toArray(D);
        for (int j = 0; j < e.length; j++) {
          assertClose(label + ": operand " + i + " element " + j, e[j], a[j], m[j], depth);
        }
      }
    }
  }

  static void assertClose(String what, double expected, double actual, double magnitude,
      int depth) {
    if (Double.isNaN(expected) || Double.isNaN(actual)) {
      if (Double.isNaN(expected) != Double.isNaN(actual)) {
        fail(what + ": expected " + expected + " but got " + actual);
      }
      return;
    }
    if (Double.isInfinite(expected) || Double.isInfinite(actual)) {
      if (expected != actual) {
        fail(what + ": expected " + expected + " but got " + actual);
      }
      return;
    }
    double bound = Math.max(1e-12, 2.0 * (depth + 2) * U) * Math.abs(magnitude);
    if (!(Math.abs(expected - actual) <= bound)) {
      fail(what + ": expected " + expected + " but got " + actual + " (difference "
          + Math.abs(expected - actual) + " > bound " + bound + ")");
    }
  }
}
