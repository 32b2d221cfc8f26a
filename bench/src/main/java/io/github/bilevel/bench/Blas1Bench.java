package io.github.bilevel.bench;

import io.github.bilevel.kernels.DVector;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * BLAS-1 kernels on contiguous vectors of length {@code n}: {@code dot}, {@code axpy}, the
 * Krasnoselskii–Mann step {@code kmStep} and {@code nrm2}, for each implementation of
 * {@link Impls}. Memory-bound: the table reports GB/s of nominal traffic (see
 * {@code bench/README.md}).
 */
public class Blas1Bench extends BlasBench {

  /** Vector length (odd on purpose: vector tails are part of the cost). */
  @Param({"1000", "100003", "4000037"})
  public int n;

  /** Step size of the Krasnoselskii–Mann step (a convex combination: no drift). */
  private static final double ETA = 0.3;

  // Package-private: the tests compare the outputs of the implementations.
  DVector x;
  DVector y;
  DVector phi;

  /** OpenBLAS runs the KM step as {@code cblas_daxpby}, its own kernel for it. */
  private boolean openblasAxpby;

  double[] xa;
  double[] ya;
  double[] phia;

  /** Sign-alternating {@code axpy} coefficient, so that {@code y} stays bounded. */
  private double alpha = 1e-3;

  /** Allocates and fills the buffers once per trial (fixed seeds). */
  @Setup(Level.Trial)
  public void setup() {
    BlasBench.printSimdVariant(impl);
    openblasAxpby = "openblas".equals(impl);
    double[] xs = Impls.random(Impls.SEED, n);
    double[] ys = Impls.random(Impls.SEED + 1, n);
    double[] phis = Impls.random(Impls.SEED + 2, n);
    if (!openBackend()) {
      xa = xs;
      ya = ys;
      phia = phis;
      return;
    }
    x = Impls.vector(backend, arena, n);
    y = Impls.vector(backend, arena, n);
    phi = Impls.vector(backend, arena, n);
    Impls.copy(xs, x.segment());
    Impls.copy(ys, y.segment());
    Impls.copy(phis, phi.segment());
  }

  /** {@code xᵀy}: reads 2n doubles. */
  @Benchmark
  public double dot() {
    if (backend != null) {
      return backend.dot(x, y);
    }
    return netlib.ddot(n, xa, 1, ya, 1);
  }

  /** {@code y ← αx + y}: reads 2n, writes n doubles. */
  @Benchmark
  public void axpy() {
    double a = alpha;
    alpha = -a;
    if (backend != null) {
      backend.axpy(a, x, y);
    } else {
      netlib.daxpy(n, a, xa, 1, ya, 1);
    }
  }

  /**
   * {@code x ← (1 − η)x + ηφ}: reads 2n, writes n doubles; netlib, which has no such kernel, does
   * it as a BLAS user would, {@code dscal} then {@code daxpy} (two passes); OpenBLAS, whose
   * backend inherits the SIMD KM step, runs its own one-pass {@code cblas_daxpby}.
   */
  @Benchmark
  public void kmStep() {
    if (openblasAxpby) {
      backend.axpby(ETA, phi, 1 - ETA, x);
    } else if (backend != null) {
      backend.kmStep(ETA, phi, x);
    } else {
      netlib.dscal(n, 1 - ETA, xa, 1);
      netlib.daxpy(n, ETA, phia, 1, xa, 1);
    }
  }

  /** {@code ‖x‖₂}: reads n doubles. */
  @Benchmark
  public double nrm2() {
    if (backend != null) {
      return backend.nrm2(x);
    }
    return netlib.dnrm2(n, xa, 1);
  }
}
