package io.github.bilevel.bsgm;

/**
 * Small dense linear algebra on row-major heap arrays, for exact answers (reference solutions
 * and hypergradients of test problems), not for hot paths.
 */
public final class DenseSolver {

  private DenseSolver() {}

  /**
   * Solves {@code A x = b} for a symmetric positive-definite {@code n × n} {@code A} by Cholesky.
   *
   * @throws ArithmeticException if {@code A} is not (numerically) positive definite
   */
  public static double[] solveSpd(double[] a, int n, double[] b) {
    if (a.length != n * n || b.length != n) {
      throw new IllegalArgumentException("a must be n×n and b of length n = " + n);
    }
    double[] l = new double[n * n];
    for (int j = 0; j < n; j++) {
      double diagonal = a[j * n + j];
      for (int k = 0; k < j; k++) {
        diagonal -= l[j * n + k] * l[j * n + k];
      }
      if (!(diagonal > 0)) {
        throw new ArithmeticException("matrix is not positive definite (pivot " + j + " = "
            + diagonal + ")");
      }
      double ljj = Math.sqrt(diagonal);
      l[j * n + j] = ljj;
      for (int i = j + 1; i < n; i++) {
        double sum = a[i * n + j];
        for (int k = 0; k < j; k++) {
          sum -= l[i * n + k] * l[j * n + k];
        }
        l[i * n + j] = sum / ljj;
      }
    }
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      double sum = b[i];
      for (int k = 0; k < i; k++) {
        sum -= l[i * n + k] * y[k];
      }
      y[i] = sum / l[i * n + i];
    }
    double[] x = new double[n];
    for (int i = n - 1; i >= 0; i--) {
      double sum = y[i];
      for (int k = i + 1; k < n; k++) {
        sum -= l[k * n + i] * x[k];
      }
      x[i] = sum / l[i * n + i];
    }
    return x;
  }

  /** {@code A x} for a row-major {@code rows × cols} {@code A}. */
  public static double[] multiply(double[] a, int rows, int cols, double[] x) {
    double[] y = new double[rows];
    for (int i = 0; i < rows; i++) {
      double sum = 0;
      for (int j = 0; j < cols; j++) {
        sum += a[i * cols + j] * x[j];
      }
      y[i] = sum;
    }
    return y;
  }

  /** {@code Aᵀ x} for a row-major {@code rows × cols} {@code A}. */
  public static double[] multiplyTransposed(double[] a, int rows, int cols, double[] x) {
    double[] y = new double[cols];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        y[j] += a[i * cols + j] * x[i];
      }
    }
    return y;
  }

  /**
   * The eigenvalues of a symmetric {@code n × n} matrix, ascending, by cyclic Jacobi rotations
   * (until the off-diagonal mass is below {@code 1e−30} of the total, at most 100 sweeps).
   */
  public static double[] symmetricEigenvalues(double[] matrix, int n) {
    if (matrix.length != n * n) {
      throw new IllegalArgumentException("the matrix must be n×n for n = " + n + ", got "
          + matrix.length + " values");
    }
    double[] a = matrix.clone();
    for (int sweep = 0; sweep < 100; sweep++) {
      double off = 0;
      double total = 0;
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          total += a[i * n + j] * a[i * n + j];
          if (i != j) {
            off += a[i * n + j] * a[i * n + j];
          }
        }
      }
      if (off <= 1e-30 * total) {
        break;
      }
      for (int p = 0; p < n - 1; p++) {
        for (int q = p + 1; q < n; q++) {
          double apq = a[p * n + q];
          if (apq == 0) {
            continue;
          }
          double theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
          double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
          if (theta == 0) {
            t = 1;
          }
          double c = 1 / Math.sqrt(t * t + 1);
          double s = t * c;
          for (int k = 0; k < n; k++) { // columns p, q
            double akp = a[k * n + p];
            double akq = a[k * n + q];
            a[k * n + p] = c * akp - s * akq;
            a[k * n + q] = s * akp + c * akq;
          }
          for (int k = 0; k < n; k++) { // rows p, q
            double apk = a[p * n + k];
            double aqk = a[q * n + k];
            a[p * n + k] = c * apk - s * aqk;
            a[q * n + k] = s * apk + c * aqk;
          }
        }
      }
    }
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = a[i * n + i];
    }
    java.util.Arrays.sort(out);
    return out;
  }
}
