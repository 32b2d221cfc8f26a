package io.github.bilevel.bench;

import io.github.bilevel.kernels.DMatrix;
import io.github.bilevel.kernels.Transpose;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * BLAS-3: {@code C ← A B} with square row-major {@code n × n} matrices, for each implementation
 * of {@link Impls}. Compute-bound: the table reports GFLOP/s ({@code 2n³} flops per op).
 *
 * <p>netlib is column-major: with row-major storage {@code C = A B} is its
 * {@code Cᵀ = Bᵀ Aᵀ}, that is {@code dgemm("N", "N", n, n, n, 1, B, n, A, n, 0, C, n)} on the
 * same arrays.
 */
public class Blas3Bench extends BlasBench {

  /** Matrix order. */
  @Param({"255", "512", "1024"})
  public int n;

  // Package-private: the tests compare the outputs of the implementations.
  DMatrix a;
  DMatrix b;
  DMatrix c;

  double[] aa;
  double[] ba;
  double[] ca;

  /** Allocates and fills the buffers once per trial (fixed seeds). */
  @Setup(Level.Trial)
  public void setup() {
    int size = Math.multiplyExact(n, n);
    double[] as = Impls.random(Impls.SEED, size);
    double[] bs = Impls.random(Impls.SEED + 1, size);
    if (!openBackend()) {
      aa = as;
      ba = bs;
      ca = new double[size];
      return;
    }
    a = Impls.matrix(backend, arena, n, n);
    b = Impls.matrix(backend, arena, n, n);
    c = Impls.matrix(backend, arena, n, n);
    Impls.copy(as, a.segment());
    Impls.copy(bs, b.segment());
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
