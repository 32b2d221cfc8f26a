package io.github.bilevel.bench;

import dev.ludovic.netlib.blas.JavaBLAS;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.DMatrix;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * BLAS-2: {@code y ← A x} ({@code gemv}) and {@code y ← Aᵀ x} ({@code gemvT}) with a square
 * row-major {@code n × n} matrix, for each implementation of {@link Impls}. Memory-bound: the
 * table reports GB/s of nominal traffic (see {@code bench/README.md}).
 *
 * <p>netlib is column-major: the row-major {@code A} is its column-major {@code Aᵀ}, so
 * {@code A x} is its {@code dgemv("T", ...)} and {@code Aᵀ x} its {@code dgemv("N", ...)}, on
 * the same memory layout as the other implementations.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector",
    "--enable-native-access=ALL-UNNAMED", "-Dbilevel.openblas.threads=1"})
@State(Scope.Benchmark)
public class Blas2Bench {

  /** Which implementation runs (see {@link Impls}). */
  @Param({"scalar", "simd", "openblas", "cublas", "netlib"})
  public String impl;

  /** Matrix order (rows = columns). */
  @Param({"127", "1024", "4093"})
  public int n;

  private Arena arena;
  // Package-private: the tests compare the outputs of the implementations.
  Backend backend;
  DMatrix a;
  DVector x;
  DVector y;

  private JavaBLAS netlib;
  double[] aa;
  double[] xa;
  double[] ya;

  /** Allocates and fills the buffers once per trial (fixed seeds). */
  @Setup(Level.Trial)
  public void setup() {
    backend = Impls.backendOrNull(impl);
    double[] as = Impls.random(Impls.SEED, Math.multiplyExact(n, n));
    double[] xs = Impls.random(Impls.SEED + 1, n);
    if (backend == null) {
      netlib = Impls.netlib();
      aa = as;
      xa = xs;
      ya = new double[n];
      return;
    }
    arena = Arena.ofShared();
    a = Impls.matrix(backend, arena, n, n);
    x = Impls.vector(backend, arena, n);
    y = Impls.vector(backend, arena, n);
    Impls.copy(as, a.segment());
    Impls.copy(xs, x.segment());
  }

  /** Frees the off-heap buffers. */
  @TearDown(Level.Trial)
  public void tearDown() {
    if (arena != null) {
      arena.close();
      arena = null;
    }
  }

  /** {@code y ← A x} (β = 0): reads n² + n, writes n doubles. */
  @Benchmark
  public void gemv() {
    if (backend != null) {
      backend.gemv(1.0, a, x, 0.0, y);
    } else {
      netlib.dgemv("T", n, n, 1.0, aa, n, xa, 1, 0.0, ya, 1);
    }
  }

  /** {@code y ← Aᵀ x} (β = 0): reads n² + n, writes n doubles. */
  @Benchmark
  public void gemvT() {
    if (backend != null) {
      backend.gemvT(1.0, a, x, 0.0, y);
    } else {
      netlib.dgemv("N", n, n, 1.0, aa, n, xa, 1, 0.0, ya, 1);
    }
  }
}
