package io.github.bilevel.bench;

import dev.ludovic.netlib.blas.JavaBLAS;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.Backends;
import io.github.bilevel.kernels.Buffers;
import io.github.bilevel.kernels.DMatrix;
import io.github.bilevel.kernels.DVector;
import io.github.bilevel.nativebindings.cuda.CudaBackend;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * The implementations the benchmarks compare (the values of their {@code impl} parameter), how
 * to get each one, and a small command-line probe that says which of them can run here.
 *
 * <ul>
 *   <li>{@code scalar}, {@code simd}, {@code openblas}: the {@link Backend}s of that name, created
 *       through {@link Backends#byName(String)} (OpenBLAS registers itself by service loading, so
 *       this module needs no compile-time link to it), on off-heap buffers;
 *   <li>{@code cublas}: the CUDA backend ({@code Backends.byName("cuda")}: cuBLAS and the
 *       NVRTC-compiled kernels) on CUDA managed memory allocated by the backend
 *       ({@link #vector}, {@link #matrix}, {@link #allocate}), so that no operand is staged.
 *       Every call of that backend synchronizes its stream before it returns, so the measured
 *       time includes the GPU's work;
 *   <li>{@code netlib}: dev.ludovic.netlib's pure-Java BLAS ({@code VectorBLAS}, the Vector API
 *       peer of our SIMD backend) on heap {@code double[]} arrays.
 * </ul>
 *
 * <p>A benchmark whose implementation cannot run here (OpenBLAS missing, an operation netlib
 * does not have) fails in its {@code @Setup} with a {@link Skipped} exception; JMH reports the
 * failure and goes on with the next benchmark, and the results table shows {@code n/a}.
 */
public final class Impls {

  /** Every implementation, in the order the tables show them. */
  public static final List<String> ALL = List.of("scalar", "simd", "openblas", "cublas", "netlib");

  /** Simple name of the netlib class the {@code netlib} implementation must be. */
  public static final String NETLIB_EXPECTED = "VectorBLAS";

  /** Seed of every random buffer of the benchmarks. */
  public static final long SEED = 20240607L;

  private Impls() {}

  /** Thrown from a benchmark's {@code @Setup} when its implementation cannot run here. */
  public static final class Skipped extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String reason;

    /** A skip of {@code impl}, with the reason shown in JMH's output. */
    public Skipped(String impl, String reason) {
      super("SKIPPED impl '" + impl + "': " + reason);
      this.reason = reason;
    }

    /** Why the benchmark was skipped. */
    public String reason() {
      return reason;
    }
  }

  /**
   * The backend named {@code impl}, or {@code null} for {@code netlib} (which is no backend).
   *
   * @throws Skipped if the backend cannot run here
   * @throws IllegalArgumentException for a name that is no implementation
   */
  public static Backend backendOrNull(String impl) {
    switch (impl) {
      case "scalar", "simd", "openblas" -> {
        try {
          return Backends.byName(impl);
        } catch (IllegalArgumentException | IllegalStateException e) {
          throw new Skipped(impl, e.getMessage());
        }
      }
      case "cublas" -> {
        try {
          return Backends.byName(CudaBackend.NAME);
        } catch (IllegalArgumentException | IllegalStateException e) {
          throw new Skipped(impl, e.getMessage());
        }
      }
      case "netlib" -> {
        return null;
      }
      default -> throw new IllegalArgumentException(
          "unknown impl '" + impl + "'; known: " + ALL);
    }
  }

  /**
   * dev.ludovic.netlib's Java BLAS, checked to be {@value #NETLIB_EXPECTED} (its Vector API
   * implementation; the slower fallbacks would make the comparison meaningless).
   *
   * @throws Skipped if the instance is another class (e.g. the Vector API module is missing)
   */
  public static JavaBLAS netlib() {
    JavaBLAS blas = JavaBLAS.getInstance();
    if (!blas.getClass().getSimpleName().equals(NETLIB_EXPECTED)) {
      throw new Skipped("netlib", "its Java BLAS is " + blas.getClass().getName() + ", not "
          + NETLIB_EXPECTED + " (is --add-modules jdk.incubator.vector set?)");
    }
    return blas;
  }

  /** Why {@code impl} cannot run here, or empty when it can (for every op it has). */
  public static Optional<String> unavailableReason(String impl) {
    try {
      if (impl.equals("netlib")) {
        netlib();
      } else {
        backendOrNull(impl);
      }
      return Optional.empty();
    } catch (Skipped e) {
      return Optional.of(e.reason());
    } catch (RuntimeException | LinkageError e) {
      return Optional.of(e.toString());
    }
  }

  /** Fully qualified class name of netlib's Java BLAS instance here. */
  public static String netlibClassName() {
    try {
      return JavaBLAS.getInstance().getClass().getName();
    } catch (RuntimeException | LinkageError e) {
      return "unavailable (" + e + ")";
    }
  }

  /** Each implementation with its reason to be unavailable, or empty, in {@link #ALL} order. */
  public static Map<String, Optional<String>> availability() {
    Map<String, Optional<String>> out = new LinkedHashMap<>();
    for (String impl : ALL) {
      out.put(impl, unavailableReason(impl));
    }
    return out;
  }

  /**
   * {@code count} zero doubles where {@code backend} works best: the CUDA backend's managed
   * memory for {@code cublas}, a 64-byte-aligned host buffer ({@link Buffers}) otherwise.
   */
  public static MemorySegment allocate(Backend backend, Arena arena, long count) {
    return backend instanceof CudaBackend cuda ? cuda.allocate(arena, count)
        : Buffers.allocate(arena, count);
  }

  /** A zero vector of length {@code n} where {@code backend} works best. */
  public static DVector vector(Backend backend, Arena arena, int n) {
    return backend instanceof CudaBackend cuda ? cuda.vector(arena, n) : Buffers.vector(arena, n);
  }

  /** A dense zero {@code rows × cols} matrix where {@code backend} works best. */
  public static DMatrix matrix(Backend backend, Arena arena, int rows, int cols) {
    return backend instanceof CudaBackend cuda ? cuda.matrix(arena, rows, cols)
        : Buffers.matrix(arena, rows, cols);
  }

  /** {@code n} uniform values in {@code [-1, 1)} from a generator seeded with {@code seed}. */
  public static double[] random(long seed, int n) {
    SplittableRandom random = new SplittableRandom(seed);
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = 2 * random.nextDouble() - 1;
    }
    return out;
  }

  /** Copies {@code values} to the start of {@code segment}. */
  public static void copy(double[] values, MemorySegment segment) {
    MemorySegment.copy(values, 0, segment, ValueLayout.JAVA_DOUBLE, 0, values.length);
  }

  /**
   * Probe: prints each implementation with its availability and netlib's class. With
   * {@code --available}, prints only the comma-separated names of those that can run here (for
   * the run script's {@code -p impl=...}).
   *
   * @param args {@code --available} or nothing
   */
  public static void main(String[] args) {
    Map<String, Optional<String>> availability = availability();
    if (args.length > 0 && args[0].equals("--available")) {
      List<String> names = new ArrayList<>();
      availability.forEach((impl, reason) -> {
        if (reason.isEmpty()) {
          names.add(impl);
        }
      });
      System.out.println(String.join(",", names));
      return;
    }
    availability.forEach((impl, reason) -> System.out.println(
        impl + ": " + reason.map(r -> "unavailable: " + r).orElse("available")));
    System.out.println("netlib class: " + netlibClassName());
  }
}
