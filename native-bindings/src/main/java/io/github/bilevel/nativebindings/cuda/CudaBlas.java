package io.github.bilevel.nativebindings.cuda;

import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.DMatrix;
import io.github.bilevel.kernels.DVector;
import io.github.bilevel.nativebindings.cuda.CudaException.Api;
import java.lang.foreign.ValueLayout;

/**
 * The BLAS kernels of {@link CudaBackend} (dot, nrm2, asum, axpy, axpby, scal, copy, fill, rot,
 * the KM steps, gemv, gemvᵀ, ger, gemm): cuBLAS calls, with the kernels of {@code kernels.cu}
 * where cuBLAS lacks one or bends the {@code Backend} contract.
 */
abstract class CudaBlas extends CudaMemory {

  CudaBlas(CudaBackend.HostMemory hostMemory) {
    super(hostMemory);
  }

  // Each kernel is its own begin / operands / launch / end(ok) wrapper, deliberately alike: the
  // operands and arguments differ per call, and the bracket stays inline (no capturing lambda).

  // ---------------------------------------------------------------- BLAS-1

  @Override
  protected synchronized double dotKernel(DVector x, DVector y) {
    begin((long) x.length() + y.length());
    boolean ok = false;
    try {
      Operand ox = vector(0, "x", x, true, false);
      Operand oy = vector(1, "y", y, true, false);
      Api.CUBLAS.check("cublasDdot_v2", Cublas.cublasDdot_v2(cublas, x.length(),
          at(ox), ox.increment, at(oy), oy.increment, result));
      ok = true;
    } finally {
      end(ok);
    }
    return result.get(ValueLayout.JAVA_DOUBLE, 0);
  }

  @Override
  protected synchronized double nrm2Kernel(DVector x) {
    begin(x.length());
    boolean ok = false;
    double norm;
    try {
      Operand ox = vector(0, "x", x, true, false);
      // Our own reduction on both paths (not cublasDnrm2): the same summation order with and
      // without the power-of-two rescaling, so ‖2^k x‖ = 2^k ‖x‖ exactly across the threshold.
      double ssq = sumSquaresScaled(ox, x.length(), 1.0);
      if (ssq >= SUM_SQUARES_TINY && ssq < Double.POSITIVE_INFINITY) {
        norm = Math.sqrt(ssq);
      } else if (Double.isNaN(ssq)) {
        norm = Double.NaN;
      } else {
        norm = scaledNorm(ox, x.length());
      }
      ok = true;
    } finally {
      end(ok);
    }
    return norm;
  }

  /**
   * {@code ‖x‖₂} as {@code 2^e · sqrt(Σ (x_i / 2^e)²)}, {@code 2^e} the power of two at
   * {@code max |x_i|}: no overflow or harmful underflow, and the division is exact.
   */
  private double scaledNorm(Operand ox, int n) {
    int blocks = blocks(n);
    arg(0, (long) n);
    arg(1, ox);
    arg(3, partials.address());
    launch(MAX_ABS, blocks);
    synchronize();
    double max = 0.0;
    for (int i = 0; i < blocks; i++) {
      double m = partials.getAtIndex(ValueLayout.JAVA_DOUBLE, i);
      if (Double.isNaN(m)) {
        return Double.NaN;
      }
      max = Math.max(max, m);
    }
    if (max == 0.0 || Double.isInfinite(max)) {
      return max;
    }
    double scale = Math.scalb(1.0, Math.getExponent(max));
    return Math.sqrt(sumSquaresScaled(ox, n, scale)) * scale;
  }

  /** {@code Σ (x_i / scale)²}, summed in a fixed order (blocks, then the partials on the host). */
  private double sumSquaresScaled(Operand ox, int n, double scale) {
    int blocks = blocks(n);
    arg(0, (long) n);
    arg(1, ox);
    arg(3, scale);
    arg(4, partials.address());
    launch(SUM_SQUARES_SCALED, blocks);
    synchronize();
    return sumPartials(blocks);
  }

  @Override
  protected synchronized double asumKernel(DVector x) {
    begin(x.length());
    boolean ok = false;
    try {
      Operand ox = vector(0, "x", x, true, false);
      Api.CUBLAS.check("cublasDasum_v2", Cublas.cublasDasum_v2(cublas, x.length(),
          at(ox), ox.increment, result));
      ok = true;
    } finally {
      end(ok);
    }
    return result.get(ValueLayout.JAVA_DOUBLE, 0);
  }

  @Override
  protected synchronized void axpyKernel(double a, DVector x, DVector y) {
    begin((long) x.length() + y.length());
    boolean ok = false;
    try {
      Operand ox = vector(0, "x", x, true, false);
      Operand oy = vector(1, "y", y, true, true);
      Api.CUBLAS.check("cublasDaxpy_v2", Cublas.cublasDaxpy_v2(cublas, x.length(),
          alpha(a), at(ox), ox.increment, at(oy), oy.increment));
      ok = true;
    } finally {
      end(ok);
    }
  }

  @Override
  protected synchronized void axpbyKernel(double a, DVector x, double b, DVector y) {
    begin((long) x.length() + y.length());
    boolean ok = false;
    try {
      Operand ox = vector(0, "x", x, true, false);
      Operand oy = vector(1, "y", y, b != 0.0, true);
      arg(0, (long) x.length());
      arg(1, a);
      arg(2, ox);
      arg(4, b);
      arg(5, oy);
      launch(AXPBY, blocks(x.length()));
      ok = true;
    } finally {
      end(ok);
    }
  }

  @Override
  protected synchronized void scalKernel(double a, DVector x) {
    begin(x.length());
    boolean ok = false;
    try {
      Operand ox = vector(0, "x", x, true, true);
      if (a == 0.0) {
        // The contract multiplies (0 · NaN = NaN); cuBLAS may write zeros.
        arg(0, (long) x.length());
        arg(1, a);
        arg(2, ox);
        launch(SCALE, blocks(x.length()));
      } else {
        Api.CUBLAS.check("cublasDscal_v2", Cublas.cublasDscal_v2(cublas,
            x.length(), alpha(a), at(ox), ox.increment));
      }
      ok = true;
    } finally {
      end(ok);
    }
  }

  @Override
  protected synchronized void copyKernel(DVector x, DVector y) {
    begin((long) x.length() + y.length());
    boolean ok = false;
    try {
      Operand ox = vector(0, "x", x, true, false);
      Operand oy = vector(1, "y", y, false, true);
      Api.CUBLAS.check("cublasDcopy_v2", Cublas.cublasDcopy_v2(cublas, x.length(),
          at(ox), ox.increment, at(oy), oy.increment));
      ok = true;
    } finally {
      end(ok);
    }
  }

  @Override
  protected synchronized void fillKernel(double value, DVector x) {
    begin(x.length());
    boolean ok = false;
    try {
      Operand ox = vector(0, "x", x, false, true);
      arg(0, (long) x.length());
      arg(1, value);
      arg(2, ox);
      launch(FILL, blocks(x.length()));
      ok = true;
    } finally {
      end(ok);
    }
  }

  @Override
  protected synchronized void rotKernel(DVector x, DVector y, double c, double s) {
    begin((long) x.length() + y.length());
    boolean ok = false;
    try {
      Operand ox = vector(0, "x", x, true, true);
      Operand oy = vector(1, "y", y, true, true);
      Api.CUBLAS.check("cublasDrot_v2", Cublas.cublasDrot_v2(cublas, x.length(),
          at(ox), ox.increment, at(oy), oy.increment, alpha(c), beta(s)));
      ok = true;
    } finally {
      end(ok);
    }
  }

  // ---------------------------------------------------------------- KM

  @Override
  protected synchronized void kmStepKernel(double eta, DVector phi, DVector x) {
    begin((long) phi.length() + x.length());
    boolean ok = false;
    try {
      Operand op = vector(0, "phi", phi, true, false);
      Operand ox = vector(1, "x", x, true, true);
      arg(0, (long) x.length());
      arg(1, eta);
      arg(2, op);
      arg(4, ox);
      launch(KM_STEP, blocks(x.length()));
      ok = true;
    } finally {
      end(ok);
    }
  }

  @Override
  protected synchronized double kmStepResidualKernel(double eta, DVector phi, DVector x) {
    begin((long) phi.length() + x.length());
    boolean ok = false;
    int blocks = blocks(x.length());
    try {
      Operand op = vector(0, "phi", phi, true, false);
      Operand ox = vector(1, "x", x, true, true);
      arg(0, (long) x.length());
      arg(1, eta);
      arg(2, op);
      arg(4, ox);
      arg(6, partials.address());
      launch(KM_STEP_RESIDUAL, blocks);
      ok = true;
    } finally {
      end(ok);
    }
    return Math.sqrt(sumPartials(blocks));
  }

  // ---------------------------------------------------------------- BLAS-2

  @Override
  protected synchronized void gemvKernel(double a, DMatrix m, DVector x, double b, DVector y) {
    gemv(Cublas.CUBLAS_OP_T, a, m, x, b, y);
  }

  @Override
  protected synchronized void gemvTKernel(double a, DMatrix m, DVector x, double b, DVector y) {
    gemv(Cublas.CUBLAS_OP_N, a, m, x, b, y);
  }

  /** The row-major {@code m} is the column-major {@code mᵀ} ({@code cols × rows}, same ld). */
  private void gemv(int op, double a, DMatrix m, DVector x, double b, DVector y) {
    begin(m.size() + x.length() + y.length());
    boolean ok = false;
    try {
      Operand om = matrix(0, "a", m, true, false);
      Operand ox = vector(1, "x", x, true, false);
      Operand oy = vector(2, "y", y, b != 0.0, true);
      Api.CUBLAS.check("cublasDgemv_v2", Cublas.cublasDgemv_v2(cublas, op,
          m.cols(), m.rows(), alpha(a), at(om), om.increment, at(ox), ox.increment, beta(b),
          at(oy), oy.increment));
      ok = true;
    } finally {
      end(ok);
    }
  }

  @Override
  protected synchronized void gerKernel(double a, DVector x, DVector y, DMatrix m) {
    begin(m.size() + x.length() + y.length());
    boolean ok = false;
    try {
      Operand ox = vector(0, "x", x, true, false);
      Operand oy = vector(1, "y", y, true, false);
      Operand om = matrix(2, "a", m, true, true);
      // Aᵀ ← Aᵀ + α y xᵀ on the column-major cols × rows matrix.
      Api.CUBLAS.check("cublasDger_v2", Cublas.cublasDger_v2(cublas, m.cols(),
          m.rows(), alpha(a), at(oy), oy.increment, at(ox), ox.increment, at(om),
          om.increment));
      ok = true;
    } finally {
      end(ok);
    }
  }

  // ---------------------------------------------------------------- BLAS-3

  @Override
  protected synchronized void gemmKernel(boolean transA, boolean transB, double a, DMatrix ma,
      DMatrix mb, double b, DMatrix mc) {
    int m = mc.rows();
    int n = mc.cols();
    int k = transA ? ma.rows() : ma.cols();
    begin(ma.size() + mb.size() + mc.size());
    boolean ok = false;
    try {
      Operand oa = matrix(0, "a", ma, true, false);
      Operand ob = matrix(1, "b", mb, true, false);
      Operand oc = matrix(2, "c", mc, b != 0.0, true);
      // Cᵀ ← α op(B)ᵀ op(A)ᵀ + β Cᵀ, all column-major views of the row-major storage.
      Api.CUBLAS.check("cublasDgemm_v2", Cublas.cublasDgemm_v2(cublas,
          transB ? Cublas.CUBLAS_OP_T : Cublas.CUBLAS_OP_N,
          transA ? Cublas.CUBLAS_OP_T : Cublas.CUBLAS_OP_N,
          n, m, k, alpha(a), at(ob), ob.increment, at(oa), oa.increment, beta(b), at(oc),
          oc.increment));
      ok = true;
    } finally {
      end(ok);
    }
  }
}
