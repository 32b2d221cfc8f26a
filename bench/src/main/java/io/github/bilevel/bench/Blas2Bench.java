package io.github.bilevel.bench;

import io.github.bilevel.kernels.DMatrix;
import io.github.bilevel.kernels.DVector;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * BLAS-2: {@code y ← A x} ({@code gemv}) and {@code y ← Aᵀ x} ({@code gemvT}) with a square
 * row-major {@code n × n} matrix, for each implementation of {@link Impls}. Memory-bound: the
 * table reports GB/s of nominal traffic (see {@code bench/README.md}).
 *
 * <p>netlib is column-major: the row-major {@code A} is its column-major {@code Aᵀ}, so
 * {@code A x} is its {@code dgemv("T", ...)} and {@code Aᵀ x} its {@code dgemv("N", ...)}, on
 * the same memory layout as the other implementations.
 */
public class Blas2Bench extends BlasBench {

  /** Matrix rows (and columns, unless {@link #cols} is set). */
  @Param({"127", "1024", "4093"})
  public int n;

  /** Matrix columns; 0: square ({@code n}). Narrow matrices: e.g. {@code -p n=1000 -p cols=20}. */
  @Param({"0"})
  public int cols;

  // Package-private: the tests compare the outputs of the implementations.
  DMatrix a;
  DVector x;
  DVector y;

  double[] aa;
  double[] xa;
  double[] ya;

  /** Allocates and fills the buffers once per trial (fixed seeds). */
  @Setup(Level.Trial)
  public void setup() {
    BlasBench.printSimdVariant(impl);
    int c = columns();
    int longest = Math.max(n, c);
    double[] as = Impls.random(Impls.SEED, Math.multiplyExact(n, c));
    double[] xs = Impls.random(Impls.SEED + 1, longest);
    if (!openBackend()) {
      aa = as;
      xa = xs;
      ya = new double[longest];
      return;
    }
    a = Impls.matrix(backend, arena, n, c);
    // x and y are long enough for either product; each benchmark uses views of the right length
    x = Impls.vector(backend, arena, longest);
    y = Impls.vector(backend, arena, longest);
    Impls.copy(as, a.segment());
    Impls.copy(xs, x.segment());
  }

  int columns() {
    return cols == 0 ? n : cols;
  }

  /** {@code y ← A x} (β = 0): reads n·cols + cols, writes n doubles. */
  @Benchmark
  public void gemv() {
    int c = columns();
    if (backend != null) {
      backend.gemv(1.0, a, x.slice(0, c), 0.0, y.slice(0, n));
    } else {
      netlib.dgemv("T", c, n, 1.0, aa, c, xa, 1, 0.0, ya, 1);
    }
  }

  /** {@code y ← Aᵀ x} (β = 0): reads n·cols + n, writes cols doubles. */
  @Benchmark
  public void gemvT() {
    int c = columns();
    if (backend != null) {
      backend.gemvT(1.0, a, x.slice(0, n), 0.0, y.slice(0, c));
    } else {
      netlib.dgemv("N", c, n, 1.0, aa, c, xa, 1, 0.0, ya, 1);
    }
  }
}
