package io.github.bilevel.kernels;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

/**
 * The argument checks of {@link Backend}, written once (as netlib's {@code AbstractBLAS} does):
 * each public method checks its arguments, returns early where there is nothing to do, and
 * calls a protected kernel that may assume valid input. Subclasses implement the kernels.
 *
 * <p>The projections that are compositions of kernels (ball, L∞ ball, orthant, Frobenius ball)
 * and the two that are algorithms rather than loops (ball ∩ box, spectral-norm ball) are written
 * here once on top of the kernels, so a faster kernel makes them faster too.
 */
public abstract class AbstractBackend implements Backend {

  // ---------------------------------------------------------------- checks

  /** Throws unless {@code v}'s memory is still alive, naming the argument. */
  protected static void checkAlive(String name, DVector v) {
    Objects.requireNonNull(v, name);
    if (!v.segment().scope().isAlive()) {
      throw new IllegalStateException(name + ": the arena that owns this buffer is closed");
    }
  }

  /** Throws unless {@code m}'s memory is still alive, naming the argument. */
  protected static void checkAlive(String name, DMatrix m) {
    Objects.requireNonNull(m, name);
    if (!m.segment().scope().isAlive()) {
      throw new IllegalStateException(name + ": the arena that owns this buffer is closed");
    }
  }

  protected static void checkSameLength(String nameX, DVector x, String nameY, DVector y) {
    checkAlive(nameX, x);
    checkAlive(nameY, y);
    if (x.length() != y.length()) {
      throw new IllegalArgumentException(nameX + " has length " + x.length() + " but " + nameY
          + " has length " + y.length());
    }
  }

  protected static void checkLength(String name, DVector v, int expected, String why) {
    checkAlive(name, v);
    if (v.length() != expected) {
      throw new IllegalArgumentException(
          name + " has length " + v.length() + " but must have " + expected + " (" + why + ")");
    }
  }

  protected static void checkRadius(double radius) {
    if (!(radius >= 0)) {
      throw new IllegalArgumentException("radius must be >= 0 (and not NaN), got " + radius);
    }
  }

  protected static void checkFinite(String name, double value) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException(name + " must be finite, got " + value);
    }
  }

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
    checkAlive("logits", logits);
    checkAlive("out", out);
    if (logits.rows() != out.rows() || logits.cols() != out.cols()) {
      throw new IllegalArgumentException("logits is " + logits.rows() + "x" + logits.cols()
          + " but out is " + out.rows() + "x" + out.cols());
    }
    if (logits.rows() > 0 && logits.cols() > 0) {
      softmaxKernel(logits, out);
    }
  }

  @Override
  public final double softmaxCrossEntropy(DMatrix logits, MemorySegment labels, DMatrix gradient) {
    checkAlive("logits", logits);
    Objects.requireNonNull(labels, "labels");
    if (!labels.scope().isAlive()) {
      throw new IllegalStateException("labels: the arena that owns this buffer is closed");
    }
    if (labels.byteSize() < (long) logits.rows() * Integer.BYTES) {
      throw new IllegalArgumentException("labels holds " + labels.byteSize() / Integer.BYTES
          + " ints but logits has " + logits.rows() + " rows");
    }
    if (gradient != null) {
      checkAlive("gradient", gradient);
      if (gradient.rows() != logits.rows() || gradient.cols() != logits.cols()) {
        throw new IllegalArgumentException("logits is " + logits.rows() + "x" + logits.cols()
            + " but gradient is " + gradient.rows() + "x" + gradient.cols());
      }
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

  // ---------------------------------------------------------------- projections

  @Override
  public final void projectBall(DVector x, double radius) {
    checkAlive("x", x);
    checkRadius(radius);
    if (x.length() == 0) {
      return;
    }
    double norm = nrm2Kernel(x);
    if (norm > radius) {
      scalKernel(radius / norm, x);
    }
  }

  @Override
  public final void projectBox(DVector x, double lower, double upper) {
    checkAlive("x", x);
    if (!(lower <= upper)) {
      throw new IllegalArgumentException(
          "box bounds must satisfy lower <= upper (and not NaN), got [" + lower + ", " + upper + "]");
    }
    if (x.length() > 0) {
      projectBoxKernel(x, lower, upper);
    }
  }

  @Override
  public final void projectBox(DVector x, DVector lower, DVector upper) {
    checkSameLength("x", x, "lower", lower);
    checkSameLength("x", x, "upper", upper);
    if (x.length() > 0) {
      projectBoxKernel(x, lower, upper);
    }
  }

  @Override
  public final void projectLinfBall(DVector x, double radius) {
    checkAlive("x", x);
    checkRadius(radius);
    if (x.length() > 0) {
      projectBoxKernel(x, -radius, radius);
    }
  }

  @Override
  public final void projectNonNegative(DVector x) {
    checkAlive("x", x);
    if (x.length() > 0) {
      projectBoxKernel(x, 0.0, Double.POSITIVE_INFINITY);
    }
  }

  @Override
  public final void projectSimplex(DVector x, double radius) {
    checkAlive("x", x);
    if (!(radius > 0) || Double.isInfinite(radius)) {
      throw new IllegalArgumentException("simplex radius must be finite and > 0, got " + radius);
    }
    if (x.length() > 0) {
      projectSimplexKernel(x, radius);
    }
  }

  @Override
  public final void projectBallBox(DVector x, double radius, DVector lower, DVector upper) {
    checkSameLength("x", x, "lower", lower);
    checkSameLength("x", x, "upper", upper);
    checkRadius(radius);
    if (x.length() > 0) {
      projectBallBoxKernel(x, radius, lower, upper);
    }
  }

  @Override
  public final void projectFrobeniusBall(DMatrix a, double radius) {
    checkAlive("a", a);
    checkRadius(radius);
    if (a.size() == 0) {
      return;
    }
    double norm = frobeniusNorm(a);
    if (norm > radius) {
      double scale = radius / norm;
      for (int i = 0; i < a.rows(); i++) {
        scalKernel(scale, a.row(i));
      }
    }
  }

  @Override
  public final void projectSpectralBall(DMatrix a, double radius) {
    checkAlive("a", a);
    checkRadius(radius);
    if (a.size() == 0) {
      return;
    }
    projectSpectralBallKernel(a, radius);
  }

  /** {@code ‖A‖_F}, overflow-safe, from the row norms. */
  protected double frobeniusNorm(DMatrix a) {
    if (a.isDense()) {
      return nrm2Kernel(a.asVector());
    }
    double scale = 0.0;
    double ssq = 1.0;
    for (int i = 0; i < a.rows(); i++) {
      double r = nrm2Kernel(a.row(i));
      if (r != 0.0) {
        if (scale < r) {
          ssq = 1.0 + ssq * (scale / r) * (scale / r);
          scale = r;
        } else {
          ssq += (r / scale) * (r / scale);
        }
      }
    }
    return scale * Math.sqrt(ssq);
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
  protected abstract void projectBoxKernel(DVector x, double lower, double upper);

  /**
   * {@code x_i ← min(max(x_i, lower_i), upper_i)}; throws {@link IllegalArgumentException}
   * naming the index where {@code lower_i > upper_i} or a bound is NaN.
   */
  protected abstract void projectBoxKernel(DVector x, DVector lower, DVector upper);

  protected abstract void projectSimplexKernel(DVector x, double radius);

  /** Throws for a box element that is NaN or does not satisfy {@code lower <= upper}. */
  protected static IllegalArgumentException badBox(int i, double lower, double upper) {
    return new IllegalArgumentException("box bounds at index " + i
        + " must satisfy lower <= upper (and not NaN), got [" + lower + ", " + upper + "]");
  }

  // ---------------------------------------------------------------- ball ∩ box

  /**
   * Exact projection onto {ball of radius r at 0} ∩ [lower, upper] (box containing 0).
   *
   * <p>By the KKT conditions the answer is {@code y(τ) = clip(τ x, lower, upper)} with
   * {@code τ = 1/(1 + θ) ∈ (0, 1]}, {@code θ ≥ 0} the ball's multiplier, and
   * {@code F(τ) = ‖y(τ)‖²} is non-decreasing. Between consecutive breakpoints
   * {@code b_i = bound_i / x_i} (where coordinate i hits its bound) {@code F} is
   * {@code τ² S + C}; the breakpoints are bisected (quickselect-style, expected
   * O(n log n)) down to the piece holding {@code F = r²}, then solved in closed form.
   */
  protected void projectBallBoxKernel(DVector x, double radius, DVector lower, DVector upper) {
    int n = x.length();
    for (int i = 0; i < n; i++) {
      double lo = lower.get(i);
      double hi = upper.get(i);
      if (!(lo <= 0.0 && 0.0 <= hi)) {
        throw new IllegalArgumentException("the box must contain the ball's centre 0: at index "
            + i + " it is [" + lo + ", " + hi + "]");
      }
    }
    double r2 = radius * radius;
    if (ballBoxSquaredNorm(x, lower, upper, 1.0) <= r2) {
      projectBoxKernel(x, lower, upper);
      return;
    }
    double[] breakpoints = new double[n];
    int count = 0;
    for (int i = 0; i < n; i++) {
      double xi = x.get(i);
      double b = xi > 0 ? upper.get(i) / xi : xi < 0 ? lower.get(i) / xi : Double.NaN;
      if (b > 0.0 && b < 1.0) {
        breakpoints[count++] = b;
      }
    }
    double tauLow = 0.0;
    double tauHigh = 1.0;
    int from = 0;
    int to = count;
    while (from < to) {
      double pivot = breakpoints[from + (to - from) / 2];
      // partition [from, to) into < pivot | == pivot | > pivot
      int lt = from;
      int gt = to;
      int i = from;
      while (i < gt) {
        double b = breakpoints[i];
        if (b < pivot) {
          breakpoints[i++] = breakpoints[lt];
          breakpoints[lt++] = b;
        } else if (b > pivot) {
          breakpoints[i] = breakpoints[--gt];
          breakpoints[gt] = b;
        } else {
          i++;
        }
      }
      if (ballBoxSquaredNorm(x, lower, upper, pivot) > r2) {
        tauHigh = pivot;
        to = lt;
      } else {
        tauLow = pivot;
        from = gt;
      }
    }
    // No breakpoint lies strictly inside (tauLow, tauHigh): F(τ) = τ² S + C there.
    double mid = 0.5 * (tauLow + tauHigh);
    double free = 0.0;
    double clipped = 0.0;
    for (int i = 0; i < n; i++) {
      double xi = x.get(i);
      double t = mid * xi;
      double lo = lower.get(i);
      double hi = upper.get(i);
      if (t >= hi) {
        clipped += hi * hi;
      } else if (t <= lo) {
        clipped += lo * lo;
      } else {
        free += xi * xi;
      }
    }
    double tau = free > 0 ? Math.sqrt(Math.max(0.0, r2 - clipped) / free) : tauLow;
    tau = Math.min(Math.max(tau, tauLow), tauHigh);
    for (int i = 0; i < n; i++) {
      x.set(i, Math.min(Math.max(tau * x.get(i), lower.get(i)), upper.get(i)));
    }
  }

  private static double ballBoxSquaredNorm(DVector x, DVector lower, DVector upper, double tau) {
    double sum = 0.0;
    for (int i = 0; i < x.length(); i++) {
      double y = Math.min(Math.max(tau * x.get(i), lower.get(i)), upper.get(i));
      sum += y * y;
    }
    return sum;
  }

  // ---------------------------------------------------------------- spectral-norm ball

  /** Sweeps of one-sided Jacobi before giving up (it converges quadratically, in ~10). */
  private static final int MAX_JACOBI_SWEEPS = 80;

  /**
   * Spectral-norm ball by one-sided (Hestenes) Jacobi SVD on the {@code k = min(m, n)} rows of
   * {@code W = A} (or {@code Aᵀ}): plane rotations {@code G} make the rows of {@code G W}
   * orthogonal; their norms are the singular values. Rows whose norm exceeds the radius are
   * scaled down to it, and {@code A ← Gᵀ W} (transposed back when needed). Rotations and row
   * products use this backend's {@code rot} and {@code dot} kernels.
   */
  protected void projectSpectralBallKernel(DMatrix a, double radius) {
    double frobenius = frobeniusNorm(a);
    if (!Double.isFinite(frobenius)) {
      throw new IllegalArgumentException("a contains NaN or infinite elements: no projection");
    }
    if (frobenius <= radius) {
      return; // ‖A‖₂ ≤ ‖A‖_F
    }
    boolean transposed = a.rows() > a.cols();
    int k = Math.min(a.rows(), a.cols());
    int p = Math.max(a.rows(), a.cols());
    try (Arena arena = Arena.ofConfined()) {
      DMatrix w = Buffers.matrix(arena, k, p);
      DMatrix g = Buffers.matrix(arena, k, k);
      for (int i = 0; i < k; i++) {
        copyKernel(transposed ? a.column(i) : a.row(i), w.row(i));
        g.set(i, i, 1.0);
      }
      double[] norms = new double[k];
      final double eps = 0x1p-52;
      // Rows this small are rounding noise of a rank-deficient A (they may lie in the span of
      // the others, where no rotation can make them orthogonal): treat them as zero. Leaving
      // them unrotated changes the result by at most their norm, a few ulps of ‖A‖.
      final double negligible = Math.pow(4.0 * k * eps * frobenius, 2);
      boolean converged = false;
      for (int sweep = 0; sweep < MAX_JACOBI_SWEEPS && !converged; sweep++) {
        converged = true;
        for (int i = 0; i < k; i++) {
          norms[i] = dotKernel(w.row(i), w.row(i));
        }
        for (int i = 0; i < k - 1; i++) {
          DVector wi = w.row(i);
          for (int j = i + 1; j < k; j++) {
            double alpha = norms[i];
            double beta = norms[j];
            if (alpha <= negligible || beta <= negligible) {
              continue;
            }
            DVector wj = w.row(j);
            double gamma = dotKernel(wi, wj);
            if (Math.abs(gamma) <= eps * Math.sqrt(alpha * beta)) {
              continue;
            }
            converged = false;
            double zeta = (beta - alpha) / (2.0 * gamma);
            double t = Math.signum(zeta) / (Math.abs(zeta) + Math.sqrt(1.0 + zeta * zeta));
            if (zeta == 0.0) {
              t = 1.0;
            }
            double c = 1.0 / Math.sqrt(1.0 + t * t);
            double s = c * t;
            // rows i, j ← (c w_i − s w_j, s w_i + c w_j)
            rotKernel(wi, wj, c, -s);
            rotKernel(g.row(i), g.row(j), c, -s);
            norms[i] = alpha - t * gamma;
            norms[j] = beta + t * gamma;
          }
        }
      }
      if (!converged) {
        throw new ArithmeticException("spectral projection: Jacobi SVD did not converge in "
            + MAX_JACOBI_SWEEPS + " sweeps (is the matrix finite?)");
      }
      for (int i = 0; i < k; i++) {
        double sigma = nrm2Kernel(w.row(i));
        if (sigma > radius) {
          scalKernel(radius / sigma, w.row(i));
        }
      }
      if (transposed) {
        gemmKernel(true, false, 1.0, w, g, 0.0, a); // A = Wᵀ G  (n ≤ m case: W is n×m)
      } else {
        gemmKernel(true, false, 1.0, g, w, 0.0, a); // A = Gᵀ W
      }
    }
  }
}
