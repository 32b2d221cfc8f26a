package io.github.bilevel.kernels;

/**
 * The step of one-sided (Hestenes) Jacobi SVD, shared by every Jacobi solver of the project
 * (the spectral-norm ball of {@link Projections} and warm-started projectors built on it): a
 * plane rotation that makes two rows {@code w_i, w_j} of a working matrix {@code W} orthogonal,
 * applied to the same rows of an accumulated orthogonal factor {@code V}, on a {@link Backend}'s
 * {@code dot} and {@code rot} kernels. When the rows of {@code W} are orthogonal, their norms
 * are the singular values of the matrix {@code W} started from.
 */
public final class Jacobi {

  /** The unit roundoff used by the orthogonality test: {@code 2⁻⁵²}. */
  public static final double EPSILON = 0x1p-52;

  private Jacobi() {}

  /**
   * The squared row norm below which a row of a {@code k}-row working matrix of Frobenius norm
   * {@code frobenius} is rounding noise, {@code (4 k ε ‖W‖_F)²}: such rows (of a rank-deficient
   * matrix) may lie in the span of the others, where no rotation makes them orthogonal, so
   * they are left alone, changing the result by at most a few ulps of {@code ‖W‖}.
   *
   * @param k         rows of the working matrix
   * @param frobenius its Frobenius norm
   * @return the threshold on squared row norms
   */
  public static double negligible(int k, double frobenius) {
    return Math.pow(4.0 * k * EPSILON * frobenius, 2);
  }

  /**
   * Makes rows {@code i} and {@code j} of {@code w} orthogonal by a plane rotation, applied to
   * rows {@code i, j} of {@code v} too, unless they already are to working precision
   * ({@code |w_iᵀw_j| ≤ ε ‖w_i‖ ‖w_j‖}) or one of them is negligible. The rotation
   * {@code (w_i, w_j) ← (c w_i − s w_j, s w_i + c w_j)} takes the smaller root
   * {@code t = sign(ζ) / (|ζ| + √(1 + ζ²))}, {@code ζ = (‖w_j‖² − ‖w_i‖²) / (2 w_iᵀw_j)}
   * (Rutishauser), and {@code squaredNorms[i], squaredNorms[j]} are updated in closed form.
   *
   * @param backend      the kernels ({@code dot} and {@code rot})
   * @param w            the rows of the working matrix
   * @param v            the rows of the accumulated factor (rotated alongside)
   * @param squaredNorms {@code ‖w_r‖²} for every row, read and updated
   * @param i            first row
   * @param j            second row
   * @param negligible   squared norm at or below which a row is left alone
   *                     ({@link #negligible})
   * @return whether a rotation was applied
   */
  public static boolean rotate(Backend backend, DVector[] w, DVector[] v, double[] squaredNorms,
      int i, int j, double negligible) {
    double alpha = squaredNorms[i];
    double beta = squaredNorms[j];
    if (alpha <= negligible || beta <= negligible) {
      return false;
    }
    double gamma = backend.dot(w[i], w[j]);
    if (Math.abs(gamma) <= EPSILON * Math.sqrt(alpha * beta)) {
      return false;
    }
    double zeta = (beta - alpha) / (2.0 * gamma);
    double t = zeta == 0.0 ? 1.0
        : Math.signum(zeta) / (Math.abs(zeta) + Math.sqrt(1.0 + zeta * zeta));
    double c = 1.0 / Math.sqrt(1.0 + t * t);
    double s = c * t;
    backend.rot(w[i], w[j], c, -s);
    backend.rot(v[i], v[j], c, -s);
    squaredNorms[i] = alpha - t * gamma;
    squaredNorms[j] = beta + t * gamma;
    return true;
  }
}
