package io.github.bilevel.bench;

import dev.ludovic.netlib.blas.JavaBLAS;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.SimdBackend;
import java.lang.foreign.Arena;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the BLAS benchmarks ({@link Blas1Bench}, {@link Blas2Bench}, {@link Blas3Bench}) share:
 * the JMH settings, the implementation parameter, and either a {@link Backend} with an arena for
 * its buffers or netlib's {@link JavaBLAS} on heap arrays, freed after the trial.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector",
    "--enable-native-access=ALL-UNNAMED", "-Dbilevel.openblas.threads=1",
    "-Dbilevel.threads=1"})
@State(Scope.Benchmark)
public abstract class BlasBench {

  /** Which implementation runs (see {@link Impls}). */
  @Param({"scalar", "simd", "openblas", "cublas", "netlib"})
  public String impl;

  /** The arena of the backend's buffers (null on netlib or before the set-up). */
  Arena arena;
  // Package-private: the tests compare the outputs of the implementations.
  Backend backend;
  /** netlib's Java BLAS, when {@link #impl} is {@code netlib} (then {@link #backend} is null). */
  JavaBLAS netlib;

  /**
   * Picks the implementation of {@link #impl}: a backend with a fresh arena for its buffers
   * (true), or netlib on heap arrays (false).
   */
  final boolean openBackend() {
    backend = Impls.backendOrNull(impl);
    if (backend == null) {
      netlib = Impls.netlib();
      return false;
    }
    arena = Arena.ofShared();
    return true;
  }

  /**
   * Prints the SIMD variant in this fork ({@code simd variant: ...}, which {@code bench/run}
   * collects from the log) when {@code impl} runs SIMD kernels: {@code simd}, and
   * {@code openblas}, which keeps the SIMD kernels that OpenBLAS has no routine for.
   */
  static void printSimdVariant(String impl) {
    if ("simd".equals(impl) || "openblas".equals(impl)) {
      System.out.println("simd variant: " + SimdBackend.simdVariant());
    }
  }

  /** Frees the off-heap buffers. */
  @TearDown(Level.Trial)
  public void tearDown() {
    if (arena != null) {
      arena.close();
      arena = null;
    }
  }
}
