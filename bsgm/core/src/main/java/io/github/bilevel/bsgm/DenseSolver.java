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
}
