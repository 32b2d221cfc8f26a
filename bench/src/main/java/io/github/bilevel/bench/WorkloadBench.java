package io.github.bilevel.bench;

import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.DVector;
import io.github.bilevel.kernels.SimdBackend;
import java.lang.foreign.Arena;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the workload benchmarks ({@link EquilibriumBench}, {@link MetaBench},
 * {@link PoisoningBench}) share: the JMH settings, the {@code impl} and {@code threads}
 * parameters, an arena for the benchmark's own buffers, the images, and the per-op nudge of
 * {@code λ} that keeps one op from reusing another's forward results.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector",
    "--enable-native-access=ALL-UNNAMED", "-Dbilevel.openblas.threads=1",
    "-Dbilevel.threads=1"})
@State(Scope.Benchmark)
public abstract class WorkloadBench {

  /** The size of the per-op nudge of {@code λ₀}. */
  static final double NUDGE = 1e-9;

  /** Backend of the kernels (see {@link Impls}; {@code netlib} is no backend). */
  @Param({"simd", "openblas", "scalar"})
  public String impl;

  /**
   * Threads of the SIMD backend's kernels ({@code SimdBackend(threads)}). The fork pins every
   * default to one thread ({@code -Dbilevel.threads=1}, one OpenBLAS thread), so the other
   * implementations run on one thread and refuse other counts instead of faking them.
   */
  @Param({"1", "2"})
  public int threads;

  /** The benchmark's own buffers (freed by the subclass's tear-down). */
  Arena arena;
  /** Fashion-MNIST when installed (see {@link BenchImages}); tests set false for speed. */
  boolean allowFashionMnist = true;
  /** Where the images came from ({@link BenchImages#source()}). */
  String dataSource;
  /** The images of the set-up, as the problem was given them (for {@link PeerReference}). */
  BenchImages data;
  private int ops;

  /**
   * The backend of {@link #impl} with a fresh arena.
   *
   * @throws Impls.Skipped if it cannot run here, or {@code threads > 1} for a backend other
   *     than simd
   * @throws IllegalArgumentException for a thread count below 1
   */
  final Backend openBackend() {
    if (threads < 1) {
      throw new IllegalArgumentException("threads = " + threads + ": must be >= 1");
    }
    if (threads > 1 && !impl.equals("simd")) {
      throw new Impls.Skipped(impl, "threads = " + threads + ": only the simd backend takes a"
          + " thread count here");
    }
    Backend backend = impl.equals("simd") ? new SimdBackend(threads) : Impls.backendOrNull(impl);
    if (backend == null) {
      throw new Impls.Skipped(impl, "netlib is a BLAS, not a Backend: no hypergradient");
    }
    arena = Arena.ofShared();
    ops = 0;
    return backend;
  }

  /** Loads the first {@code n} images and records (and prints) where they came from. */
  final BenchImages images(int n) {
    BenchImages images = BenchImages.first(n, arena, allowFashionMnist);
    dataSource = images.source();
    data = images;
    System.out.println(getClass().getSimpleName() + ": " + n + " images from " + dataSource);
    return images;
  }

  /**
   * Moves {@code λ₀} by {@code +NUDGE} on even ops and back on odd ones, so that consecutive
   * ops never see the same {@code λ} and nothing computed from it can be reused.
   */
  final void nudge(DVector lambda) {
    double step = (ops++ & 1) == 0 ? NUDGE : -NUDGE;
    lambda.set(0, lambda.get(0) + step);
  }

  /**
   * Checks the set-up's hypergradient.
   *
   * @throws IllegalStateException if an entry is not finite
   */
  static void checkFinite(String what, DVector hypergradient) {
    for (int i = 0; i < hypergradient.length(); i++) {
      if (!Double.isFinite(hypergradient.get(i))) {
        throw new IllegalStateException(what + ": the set-up's hypergradient has entry " + i
            + " = " + hypergradient.get(i));
      }
    }
  }

  /** Frees the arena. */
  final void closeArena() {
    if (arena != null) {
      arena.close();
      arena = null;
    }
  }
}
