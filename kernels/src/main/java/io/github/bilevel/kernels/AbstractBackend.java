package io.github.bilevel.kernels;

import static io.github.bilevel.kernels.Checks.checkAlive;
import static io.github.bilevel.kernels.Checks.checkBox;
import static io.github.bilevel.kernels.Checks.checkFinite;
import static io.github.bilevel.kernels.Checks.checkLength;
import static io.github.bilevel.kernels.Checks.checkSameLength;
import static io.github.bilevel.kernels.Checks.checkSameShape;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

/**
 * The argument checks of {@link Backend}, written once (as netlib's {@code AbstractBLAS} does,
 * with the messages of {@link Checks}): each public method checks its arguments, returns early
 * where there is nothing to do, and calls a protected kernel that may assume valid input.
 * Subclasses implement the kernels. The two hooks {@link #hostAlgorithms()} and
 * {@link #simplexKernel} serve {@link Projections}.
 */
public abstract class AbstractBackend implements Backend {

  /** The default fused GEMM, with its per-thread scratch memory in this backend's memory. */
  private final GemmEpilogues composedGemm = new GemmEpilogues(this);

  // Each public op is check-then-dispatch to its kernel, deliberately one method per op: the
  // checks differ per signature, and each error names the op and its operands.

  // ---------------------------------------------------------------- BLAS-1

  @Override
  public final double dot(DVector x, DVector y) {
    checkSameLength("x", x, "y", y);
    return x.length() == 0 ? 0.0 : dotKernel(x, y);
  }

  @Override
  public final double nrm2(DVector x) {
    checkAlive("x", x);
    return x.length() == 0 ? 0.0 : nrm2Kernel(x);
  }

  @Override
  public final double asum(DVector x) {
    checkAlive("x", x);
    return x.length() == 0 ? 0.0 : asumKernel(x);
  }

  @Override
  public final void axpy(double alpha, DVector x, DVector y) {
    checkSameLength("x", x, "y", y);
    if (x.length() > 0 && alpha != 0.0) {
      axpyKernel(alpha, x, y);
    }
  }

  @Override
  public final void axpby(double alpha, DVector x, double beta, DVector y) {
    checkSameLength("x", x, "y", y);
    if (x.length() > 0) {
      axpbyKernel(alpha, x, beta, y);
    }
  }

  @Override
  public final void scal(double alpha, DVector x) {
    checkAlive("x", x);
    if (x.length() > 0 && alpha != 1.0) {
      scalKernel(alpha, x);
    }
  }

  @Override
  public final void copy(DVector x, DVector y) {
    checkSameLength("x", x, "y", y);
    if (x.length() > 0) {
      copyKernel(x, y);
    }
  }

  @Override
  public final void fill(double value, DVector x) {
    checkAlive("x", x);
    if (x.length() > 0) {
      fillKernel(value, x);
    }
  }

  @Override
  public final void rot(DVector x, DVector y, double c, double s) {
    checkSameLength("x", x, "y", y);
    if (x.length() > 0) {
      rotKernel(x, y, c, s);
    }
  }

  @Override
  public final void hadamard(double alpha, DVector a, DVector x, double beta, DVector y) {
    checkSameLength("a", a, "x", x);
    checkSameLength("a", a, "y", y);
    if (a.length() > 0) {
      hadamardKernel(alpha, a, x, beta, y);
    }
  }

  // ---------------------------------------------------------------- KM

  @Override
  public final void kmStep(double eta, DVector phi, DVector x) {
    checkSameLength("phi", phi, "x", x);
    checkFinite("eta", eta);
    if (x.length() > 0) {
      kmStepKernel(eta, phi, x);
    }
  }

  @Override
  public final double kmStepResidual(double eta, DVector phi, DVector x) {
    checkSameLength("phi", phi, "x", x);
    checkFinite("eta", eta);
    return x.length() == 0 ? 0.0 : kmStepResidualKernel(eta, phi, x);
  }

  // ---------------------------------------------------------------- BLAS-2

  @Override
  public final void gemv(double alpha, DMatrix a, DVector x, double beta, DVector y) {
    checkAlive("a", a);
    checkLength("x", x, a.cols(), "columns of a");
    checkLength("y", y, a.rows(), "rows of a");
    if (a.rows() == 0) {
      return;
    }
    if (a.cols() == 0 || alpha == 0.0) {
      scaleOrZero(beta, y);
      return;
    }
    gemvKernel(alpha, a, x, beta, y);
  }

  @Override
  public final void gemvT(double alpha, DMatrix a, DVector x, double beta, DVector y) {
    checkAlive("a", a);
    checkLength("x", x, a.rows(), "rows of a");
    checkLength("y", y, a.cols(), "columns of a");
    if (a.cols() == 0) {
      return;
    }
    if (a.rows() == 0 || alpha == 0.0) {
      scaleOrZero(beta, y);
      return;
    }
    gemvTKernel(alpha, a, x, beta, y);
  }

  private void scaleOrZero(double beta, DVector y) {
    if (beta == 0.0) {
      fillKernel(0.0, y);
    } else if (beta != 1.0) {
      scalKernel(beta, y);
    }
  }

  @Override
  public final void ger(double alpha, DVector x, DVector y, DMatrix a) {
    checkAlive("a", a);
    checkLength("x", x, a.rows(), "rows of a");
    checkLength("y", y, a.cols(), "columns of a");
    if (a.rows() > 0 && a.cols() > 0 && alpha != 0.0) {
      gerKernel(alpha, x, y, a);
    }
  }

  // ---------------------------------------------------------------- BLAS-3

  @Override
  public final void gemm(Transpose transA, Transpose transB, double alpha, DMatrix a, DMatrix b,
      double beta, DMatrix c) {
    int ka = checkGemmShapes(transA, transB, a, b, c);
    int m = c.rows();
    int n = c.cols();
    if (m == 0 || n == 0) {
      return;
    }
    if (ka == 0 || alpha == 0.0) {
      for (int i = 0; i < m; i++) {
        scaleOrZero(beta, c.row(i));
      }
      return;
    }
    gemmKernel(transA == Transpose.YES, transB == Transpose.YES, alpha, a, b, beta, c);
  }

  /** Checks the operands of gemm; returns the inner dimension k. */
  private static int checkGemmShapes(Transpose transA, Transpose transB, DMatrix a, DMatrix b,
      DMatrix c) {
    Objects.requireNonNull(transA, "transA");
    Objects.requireNonNull(transB, "transB");
    checkAlive("a", a);
    checkAlive("b", b);
    checkAlive("c", c);
    int m = transA == Transpose.NO ? a.rows() : a.cols();
    int ka = transA == Transpose.NO ? a.cols() : a.rows();
    int kb = transB == Transpose.NO ? b.rows() : b.cols();
    int n = transB == Transpose.NO ? b.cols() : b.rows();
    if (ka != kb) {
      throw new IllegalArgumentException("inner dimensions differ: op(a) is " + m + "x" + ka
          + " but op(b) is " + kb + "x" + n);
    }
    if (c.rows() != m || c.cols() != n) {
      throw new IllegalArgumentException("c is " + c.rows() + "x" + c.cols() + " but op(a) op(b) is "
          + m + "x" + n);
    }
    return ka;
  }

  @Override
  public final void gemm(Transpose transA, Transpose transB, double alpha, DMatrix a, DMatrix b,
      double beta, DMatrix c, GemmEpilogue<DMatrix, DVector> epilogue) {
    Objects.requireNonNull(epilogue, "epilogue");
    checkGemmShapes(transA, transB, a, b, c);
    checkFinite("alpha", alpha);
    checkFinite("beta", beta);
    GemmEpilogues.check(a, b, c, epilogue);
    if (c.rows() > 0 && c.cols() > 0) {
      fusedGemmKernel(transA == Transpose.YES, transB == Transpose.YES, alpha, a, b, beta, c,
          GemmEpilogues.normalized(epilogue, c));
    }
  }

  // ---------------------------------------------------------------- elementwise

  @Override
  public final void tanh(DVector x, DVector out) {
    checkSameLength("x", x, "out", out);
    if (x.length() > 0) {
      tanhKernel(x, out);
    }
  }

  @Override
  public final void tanhBackward(DVector t, DVector v, DVector out) {
    checkSameLength("t", t, "v", v);
    checkSameLength("t", t, "out", out);
    if (t.length() > 0) {
      tanhBackwardKernel(t, v, out);
    }
  }

  @Override
  public final void sigmoid(DVector x, DVector out) {
    checkSameLength("x", x, "out", out);
    if (x.length() > 0) {
      sigmoidKernel(x, out);
    }
  }

  @Override
  public final void sigmoidBackward(DVector s, DVector v, DVector out) {
    checkSameLength("s", s, "v", v);
    checkSameLength("s", s, "out", out);
    if (s.length() > 0) {
      sigmoidBackwardKernel(s, v, out);
    }
  }

  @Override
  public final void relu(DVector x, DVector out) {
    checkSameLength("x", x, "out", out);
    if (x.length() > 0) {
      reluKernel(x, out);
    }
  }

  @Override
  public final void reluBackward(DVector x, DVector v, DVector out) {
    checkSameLength("x", x, "v", v);
    checkSameLength("x", x, "out", out);
    if (x.length() > 0) {
      reluBackwardKernel(x, v, out);
    }
  }

  // ---------------------------------------------------------------- softmax / CE

  @Override
  public final void softmax(DMatrix logits, DMatrix out) {
    checkSameShape("logits", logits, "out", out);
    if (logits.rows() > 0 && logits.cols() > 0) {
      softmaxKernel(logits, out);
    }
  }

  @Override
  public final double softmaxCrossEntropy(DMatrix logits, MemorySegment labels, DMatrix gradient) {
    checkAlive("logits", logits);
    checkAlive("labels", labels);
    if (labels.byteSize() < (long) logits.rows() * Integer.BYTES) {
      throw new IllegalArgumentException("labels holds " + labels.byteSize() / Integer.BYTES
          + " ints but logits has " + logits.rows() + " rows");
    }
    if (gradient != null) {
      checkSameShape("logits", logits, "gradient", gradient);
    }
    if (logits.rows() == 0) {
      return 0.0;
    }
    if (logits.cols() == 0) {
      throw new IllegalArgumentException("logits has 0 columns: no class for the labels");
    }
    return softmaxCrossEntropyKernel(logits, labels, gradient);
  }

  /** Reads label {@code row}, checking that it names a class in {@code [0, classes)}. */
  protected static int label(MemorySegment labels, int row, int classes) {
    int y = labels.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, row);
    if (y < 0 || y >= classes) {
      throw new IllegalArgumentException(
          "labels[" + row + "] = " + y + " is not a class index in [0, " + classes + ")");
    }
    return y;
  }

  // ---------------------------------------------------------------- clamp

  @Override
  public final void clamp(DVector x, double lower, double upper) {
    checkAlive("x", x);
    checkBox(lower, upper);
    if (x.length() > 0) {
      clampKernel(x, lower, upper);
    }
  }

  @Override
  public final void clamp(DVector x, DVector lower, DVector upper) {
    checkSameLength("x", x, "lower", lower);
    checkSameLength("x", x, "upper", upper);
    if (x.length() > 0) {
      clampKernel(x, lower, upper);
    }
  }

  // ---------------------------------------------------------------- host algorithms

  /**
   * The backend that runs the host-side algorithms of {@link Projections} (simplex, ball ∩ box,
   * spectral-norm ball) for this one: this backend itself, unless a device backend names a
   * host backend working on its (host-readable) memory.
   */
  protected Backend hostAlgorithms() {
    return this;
  }

  /**
   * The simplex projection's threshold search and shrink, {@code x_i ← max(x_i − τ, 0)} with
   * {@code Σ max(x_i − τ, 0) = radius}, on a vector of length {@code >= 1} and a checked
   * radius; throws {@link IllegalArgumentException} if {@code x} contains NaN. The default
   * sorts (Duchi et al. 2008); a backend may override it with a vectorised search.
   */
  protected void simplexKernel(DVector x, double radius) {
    Projections.simplexBySorting(x, radius);
  }

  // ---------------------------------------------------------------- kernels

  protected abstract double dotKernel(DVector x, DVector y);

  protected abstract double nrm2Kernel(DVector x);

  protected abstract double asumKernel(DVector x);

  protected abstract void axpyKernel(double alpha, DVector x, DVector y);

  protected abstract void axpbyKernel(double alpha, DVector x, double beta, DVector y);

  protected abstract void scalKernel(double alpha, DVector x);

  protected abstract void copyKernel(DVector x, DVector y);

  protected abstract void fillKernel(double value, DVector x);

  protected abstract void rotKernel(DVector x, DVector y, double c, double s);

  protected abstract void hadamardKernel(double alpha, DVector a, DVector x, double beta,
      DVector y);

  protected abstract void kmStepKernel(double eta, DVector phi, DVector x);

  protected abstract double kmStepResidualKernel(double eta, DVector phi, DVector x);

  protected abstract void gemvKernel(double alpha, DMatrix a, DVector x, double beta, DVector y);

  protected abstract void gemvTKernel(double alpha, DMatrix a, DVector x, double beta, DVector y);

  protected abstract void gerKernel(double alpha, DVector x, DVector y, DMatrix a);

  /** {@code C ← α op(A) op(B) + β C}; dimensions checked, all of m, n, k positive, α ≠ 0. */
  protected abstract void gemmKernel(boolean transA, boolean transB, double alpha, DMatrix a,
      DMatrix b, double beta, DMatrix c);

  /**
   * {@code C ← act(α op(S ⊙ A) op(B) + β Y + 1 biasᵀ)}, then the mix into {@code X}; operands
   * checked, m and n positive (k may be 0 and α may be 0: then A, B and S are not read), and
   * the addend null when it is C itself. The default composes the unfused kernels
   * (hadamard into a per-thread scratch matrix for S, copy of Y into C, gemm, ger with a column
   * of ones for the bias, the elementwise activation, kmStep), so every backend has it; a
   * backend overrides it with a fused kernel.
   */
  protected void fusedGemmKernel(boolean transA, boolean transB, double alpha, DMatrix a,
      DMatrix b, double beta, DMatrix c, GemmEpilogue<DMatrix, DVector> epilogue) {
    composedGemm.run(transA, transB, alpha, a, b, beta, c, epilogue);
  }

  protected abstract void tanhKernel(DVector x, DVector out);

  protected abstract void tanhBackwardKernel(DVector t, DVector v, DVector out);

  protected abstract void sigmoidKernel(DVector x, DVector out);

  protected abstract void sigmoidBackwardKernel(DVector s, DVector v, DVector out);

  protected abstract void reluKernel(DVector x, DVector out);

  protected abstract void reluBackwardKernel(DVector x, DVector v, DVector out);

  protected abstract void softmaxKernel(DMatrix logits, DMatrix out);

  /** Labels are checked with {@link #label}; {@code gradient} may be null. */
  protected abstract double softmaxCrossEntropyKernel(DMatrix logits, MemorySegment labels,
      DMatrix gradient);

  /** {@code x_i ← min(max(x_i, lower), upper)}; bounds checked, {@code lower <= upper}. */
  protected abstract void clampKernel(DVector x, double lower, double upper);

  /**
   * {@code x_i ← min(max(x_i, lower_i), upper_i)}; throws {@link Checks#badBox} naming the index
   * where {@code lower_i > upper_i} or a bound is NaN.
   */
  protected abstract void clampKernel(DVector x, DVector lower, DVector upper);
}
