package io.github.bilevel.tests;

import java.util.Arrays;

/**
 * Singular values of a small dense matrix, computed independently of the library's one-sided
 * Jacobi SVD: the eigenvalues of the Gram matrix of the shorter side ({@code AᵀA} or
 * {@code AAᵀ}) by the classical cyclic two-sided Jacobi eigenvalue method. Squaring loses the
 * relative accuracy of singular values far below {@code ‖A‖₂}, so callers compare squares with
 * an absolute tolerance relative to {@code ‖A‖₂²} (the largest one is accurate to a few ulps).
 */
final class SingularValues {

  private SingularValues() {}

  /** Eigenvalues of the Gram matrix of the row-major {@code rows × cols} {@code a}, descending. */
  static double[] squared(double[] a, int rows, int cols) {
    int k = Math.min(rows, cols);
    double[][] gram = new double[k][k];
    boolean rowsGram = rows <= cols; // A Aᵀ (rows × rows) when rows is the shorter side
    for (int i = 0; i < k; i++) {
      for (int j = 0; j <= i; j++) {
        double sum = 0.0;
        if (rowsGram) {
          for (int l = 0; l < cols; l++) {
            sum += a[i * cols + l] * a[j * cols + l];
          }
        } else {
          for (int l = 0; l < rows; l++) {
            sum += a[l * cols + i] * a[l * cols + j];
          }
        }
        gram[i][j] = sum;
        gram[j][i] = sum;
      }
    }
    double[] eigenvalues = symmetricEigenvalues(gram);
    for (int i = 0; i < k; i++) {
      eigenvalues[i] = Math.max(eigenvalues[i], 0.0);
    }
    return eigenvalues;
  }

  /** Singular values of the row-major {@code rows × cols} {@code a}, descending. */
  static double[] of(double[] a, int rows, int cols) {
    double[] s = squared(a, rows, cols);
    for (int i = 0; i < s.length; i++) {
      s[i] = Math.sqrt(s[i]);
    }
    return s;
  }

  /** The largest singular value, {@code ‖A‖₂} (0 for an empty matrix). */
  static double largest(double[] a, int rows, int cols) {
    double[] s = of(a, rows, cols);
    return s.length == 0 ? 0.0 : s[0];
  }

  /** Eigenvalues of the symmetric {@code s} (destroyed), descending, by cyclic Jacobi. */
  static double[] symmetricEigenvalues(double[][] s) {
    int k = s.length;
    for (int sweep = 0; sweep < 100; sweep++) {
      double off = 0.0;
      double total = 0.0;
      for (int i = 0; i < k; i++) {
        for (int j = 0; j < k; j++) {
          total += s[i][j] * s[i][j];
          if (i != j) {
            off += s[i][j] * s[i][j];
          }
        }
      }
      if (off == 0.0 || off <= 1e-36 * total) {
        break;
      }
      for (int p = 0; p < k - 1; p++) {
        for (int q = p + 1; q < k; q++) {
          double apq = s[p][q];
          if (apq == 0.0) {
            continue;
          }
          double theta = (s[q][q] - s[p][p]) / (2.0 * apq);
          double t = theta == 0.0 ? 1.0
              : Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1.0));
          double c = 1.0 / Math.sqrt(t * t + 1.0);
          double sn = t * c;
          for (int r = 0; r < k; r++) { // columns p, q
            double rp = s[r][p];
            double rq = s[r][q];
            s[r][p] = c * rp - sn * rq;
            s[r][q] = sn * rp + c * rq;
          }
          for (int r = 0; r < k; r++) { // rows p, q
            double pr = s[p][r];
            double qr = s[q][r];
            s[p][r] = c * pr - sn * qr;
            s[q][r] = sn * pr + c * qr;
          }
        }
      }
    }
    double[] d = new double[k];
    for (int i = 0; i < k; i++) {
      d[i] = s[i][i];
    }
    Arrays.sort(d);
    for (int i = 0; i < k / 2; i++) {
      double tmp = d[i];
      d[i] = d[k - 1 - i];
      d[k - 1 - i] = tmp;
    }
    return d;
  }
}
