package io.github.bilevel.bench;

import dev.ludovic.netlib.blas.JavaBLAS;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.DMatrix;
import io.github.bilevel.kernels.Transpose;
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
 * BLAS-3: {@code C ← A B} with square row-major {@code n × n} matrices, for each implementation
 * of {@link Impls}. Compute-bound: the table reports GFLOP/s ({@code 2n³} flops per op).
 *
 * <p>netlib is column-major: with row-major storage {@code C = A B} is its
 * {@code Cᵀ = Bᵀ Aᵀ}, that is {@code dgemm("N", "N", n, n, n, 1, B, n, A, n, 0, C, n)} on the
 * same arrays.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector",
    "--enable-native-access=ALL-UNNAMED", "-Dbilevel.openblas.threads=1"})
@State(Scope.Benchmark)
public class Blas3Bench {

  /** Which implementation runs (see {@link Impls}). */
  @Param({"scalar", "simd", "openblas", "cublas", "netlib"})
  public String impl;

  /** Matrix order. */
  @Param({"255", "512", "1024"})
  public int n;

  private Arena arena;
  // Package-private: the tests compare the outputs of the implementations.
  Backend backend;
  DMatrix a;
  DMatrix b;
  DMatrix c;

  private JavaBLAS netlib;
  double[] aa;
  double[] ba;
  double[] ca;

  /** Allocates and fills the buffers once per trial (fixed seeds). */
  @Setup(Level.Trial)
  public void setup() {
    backend = Impls.backendOrNull(impl);
    int size = Math.multiplyExact(n, n);
    double[] as = Impls.random(Impls.SEED, size);
    double[] bs = Impls.random(Impls.SEED + 1, size);
    if (backend == null) {
      netlib = Impls.netlib();
      aa = as;
      ba = bs;
      ca = new double[size];
      return;
    }
    arena = Arena.ofShared();
    a = Impls.matrix(backend, arena, n, n);
    b = Impls.matrix(backend, arena, n, n);
    c = Impls.matrix(backend, arena, n, n);
    Impls.copy(as, a.segment());
    Impls.copy(bs, b.segment());
  }

  /** Frees the off-heap buffers. */
  @TearDown(Level.Trial)
  public void tearDown() {
    if (arena != null) {
      arena.close();
      arena = null;
    }
  }

  /** {@code C ← A B} (α = 1, β = 0): 2n³ flops. */
  @Benchmark
  public void gemm() {
    if (backend != null) {
      backend.gemm(Transpose.NO, Transpose.NO, 1.0, a, b, 0.0, c);
    } else {
      netlib.dgemm("N", "N", n, n, n, 1.0, ba, n, aa, n, 0.0, ca, n);
    }
  }
}
