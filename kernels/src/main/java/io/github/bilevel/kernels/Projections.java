package io.github.bilevel.kernels;

import java.lang.foreign.Arena;
import java.util.Arrays;

/**
 * Euclidean projections onto the convex sets the algorithms constrain their upper-level
 * variables to, in place, on any {@link Backend}: each checks its arguments (with
 * {@link Checks}) and is written once on top of the backend's kernels, so that a faster kernel
 * makes it faster too. The box, L∞ ball and orthant are the {@code clamp} kernel; the Euclidean
 * and Frobenius balls are {@code nrm2} and {@code scal}. The simplex, ball ∩ box and
 * spectral-norm projections are algorithms (a threshold search, a breakpoint search, Jacobi
 * sweeps) rather than loops: they run on the host, on the backend's host side (a device backend
 * names its host backend; the CPU backends are their own).
 *
 * <p>Every method accepts length 0 (and does nothing) and throws
 * {@link IllegalArgumentException} for a bad radius or bound, {@link IllegalStateException} for
 * a buffer whose arena is closed.
 */
public final class Projections {

  /** Sweeps of one-sided Jacobi before giving up (it converges quadratically, in ~10). */
  private static final int MAX_JACOBI_SWEEPS = 80;

  private Projections() {}

  /**
   * Projection onto the Euclidean ball {@code ‖x‖₂ ≤ radius} centred at 0.
   *
   * @param backend the kernels
   * @param x       the point, overwritten by its projection
   * @param radius  the radius, {@code >= 0}
   */
  public static void ball(Backend backend, DVector x, double radius) {
    Checks.checkAlive("x", x);
    Checks.checkRadius(radius);
    if (x.length() == 0) {
      return;
    }
    double norm = backend.nrm2(x);
    if (norm > radius) {
      backend.scal(radius / norm, x);
    }
  }

  /**
   * Projection onto the box {@code lower ≤ x_i ≤ upper} ({@link Backend#clamp(DVector, double,
   * double)}).
   *
   * @param backend the kernels
   * @param x       the point, overwritten by its projection
   * @param lower   the lower bound
   * @param upper   the upper bound, {@code >= lower}
   */
  public static void box(Backend backend, DVector x, double lower, double upper) {
    backend.clamp(x, lower, upper);
  }

  /**
   * Projection onto the box {@code lower_i ≤ x_i ≤ upper_i} ({@link Backend#clamp(DVector,
   * DVector, DVector)}); a bound that is NaN or inverted throws naming its index.
   *
   * @param backend the kernels
   * @param x       the point, overwritten by its projection
   * @param lower   the lower bounds, as long as {@code x}
   * @param upper   the upper bounds, as long as {@code x}
   */
  public static void box(Backend backend, DVector x, DVector lower, DVector upper) {
    backend.clamp(x, lower, upper);
  }

  /**
   * Projection onto the L∞ ball {@code max |x_i| ≤ radius}.
   *
   * @param backend the kernels
   * @param x       the point, overwritten by its projection
   * @param radius  the radius, {@code >= 0}
   */
  public static void linfBall(Backend backend, DVector x, double radius) {
    Checks.checkAlive("x", x);
    Checks.checkRadius(radius);
    backend.clamp(x, -radius, radius);
  }

  /**
   * Projection onto the non-negative orthant {@code x_i ≥ 0}.
   *
   * @param backend the kernels
   * @param x       the point, overwritten by its projection
   */
  public static void nonNegative(Backend backend, DVector x) {
    backend.clamp(x, 0.0, Double.POSITIVE_INFINITY);
  }

  /**
   * Projection onto the simplex {@code {y ≥ 0, Σ y_i = radius}}: {@code x_i ← max(x_i − τ, 0)}
   * with {@code τ} solving {@code Σ max(x_i − τ, 0) = radius}. The threshold search is the
   * host backend's (sorting in the scalar reference, Michelot's vectorised iteration in the SIMD
   * backend).
   *
   * @param backend the kernels
   * @param x       the point, overwritten by its projection; NaN elements are rejected
   * @param radius  the simplex's sum, finite and {@code > 0}
   */
  public static void simplex(Backend backend, DVector x, double radius) {
    Checks.checkAlive("x", x);
    if (!(radius > 0) || Double.isInfinite(radius)) {
      throw new IllegalArgumentException("simplex radius must be finite and > 0, got " + radius);
    }
    if (x.length() == 0) {
      return;
    }
    if (host(backend) instanceof AbstractBackend kernels) {
      kernels.simplexKernel(x, radius);
    } else {
      simplexBySorting(x, radius);
    }
  }

  /**
   * Exact projection onto the intersection of the Euclidean ball {@code ‖x‖₂ ≤ radius} (centred
   * at 0) and the box {@code [lower, upper]}, which must contain the centre
   * ({@code lower_i ≤ 0 ≤ upper_i}). The projection is {@code clip(τ x, lower, upper)} for the
   * largest {@code τ ∈ (0, 1]} that lands in the ball, found exactly from the breakpoints.
   *
   * <p>By the KKT conditions the answer is {@code y(τ) = clip(τ x, lower, upper)} with
   * {@code τ = 1/(1 + θ)}, {@code θ ≥ 0} the ball's multiplier, and {@code F(τ) = ‖y(τ)‖²} is
   * non-decreasing. Between consecutive breakpoints {@code b_i = bound_i / x_i} (where
   * coordinate i hits its bound) {@code F} is {@code τ² S + C}; the breakpoints are bisected
   * (quickselect-style, expected O(n log n)) down to the piece holding {@code F = r²}, then
   * solved in closed form.
   *
   * @param backend the kernels
   * @param x       the point, overwritten by its projection
   * @param radius  the ball's radius, {@code >= 0}
   * @param lower   the box's lower bounds ({@code <= 0}), as long as {@code x}
   * @param upper   the box's upper bounds ({@code >= 0}), as long as {@code x}
   */
  public static void ballBox(Backend backend, DVector x, double radius, DVector lower,
      DVector upper) {
    Checks.checkSameLength("x", x, "lower", lower);
    Checks.checkSameLength("x", x, "upper", upper);
    Checks.checkRadius(radius);
    int n = x.length();
    if (n == 0) {
      return;
    }
    Backend host = host(backend);
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
      host.clamp(x, lower, upper);
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

  /**
   * Projection onto the Frobenius-norm ball {@code ‖A‖_F ≤ radius}.
   *
   * @param backend the kernels
   * @param a       the matrix, overwritten by its projection
   * @param radius  the radius, {@code >= 0}
   */
  public static void frobeniusBall(Backend backend, DMatrix a, double radius) {
    Checks.checkAlive("a", a);
    Checks.checkRadius(radius);
    if (a.size() == 0) {
      return;
    }
    double norm = frobeniusNorm(backend, a);
    if (norm > radius) {
      double scale = radius / norm;
      for (int i = 0; i < a.rows(); i++) {
        backend.scal(scale, a.row(i));
      }
    }
  }

  /**
   * Projection onto the spectral-norm ball {@code ‖A‖₂ ≤ radius}: singular values above
   * {@code radius} are clipped to it ({@code A = U Σ Vᵀ ↦ U min(Σ, radius) Vᵀ}), by a one-sided
   * Jacobi SVD ({@link Jacobi}) accurate to a few ulps relative to {@code ‖A‖}.
   *
   * <p>The {@code k = min(m, n)} rows of {@code W = A} (or {@code Aᵀ}) are made orthogonal by
   * plane rotations {@code G}; their norms are then the singular values. Rows whose norm
   * exceeds the radius are scaled down to it, and {@code A ← Gᵀ W} (transposed back when
   * needed).
   *
   * @param backend the kernels
   * @param a       the matrix, overwritten by its projection; NaN or infinite elements are
   *                rejected
   * @param radius  the radius, {@code >= 0}
   * @throws ArithmeticException if the sweeps do not converge
   */
  public static void spectralBall(Backend backend, DMatrix a, double radius) {
    Checks.checkAlive("a", a);
    Checks.checkRadius(radius);
    if (a.size() == 0) {
      return;
    }
    Backend host = host(backend);
    double frobenius = frobeniusNorm(host, a);
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
      DVector[] wRows = w.rowViews();
      DVector[] gRows = g.rowViews();
      for (int i = 0; i < k; i++) {
        host.copy(transposed ? a.column(i) : a.row(i), wRows[i]);
        g.set(i, i, 1.0);
      }
      double[] norms = new double[k];
      double negligible = Jacobi.negligible(k, frobenius);
      boolean converged = false;
      for (int sweep = 0; sweep < MAX_JACOBI_SWEEPS && !converged; sweep++) {
        converged = true;
        for (int i = 0; i < k; i++) {
          norms[i] = host.dot(wRows[i], wRows[i]);
        }
        for (int i = 0; i < k - 1; i++) {
          for (int j = i + 1; j < k; j++) {
            if (Jacobi.rotate(host, wRows, gRows, norms, i, j, negligible)) {
              converged = false;
            }
          }
        }
      }
      if (!converged) {
        throw new ArithmeticException("spectral projection: Jacobi SVD did not converge in "
            + MAX_JACOBI_SWEEPS + " sweeps (is the matrix finite?)");
      }
      for (int i = 0; i < k; i++) {
        double sigma = host.nrm2(wRows[i]);
        if (sigma > radius) {
          host.scal(radius / sigma, wRows[i]);
        }
      }
      if (transposed) {
        host.gemm(Transpose.YES, Transpose.NO, 1.0, w, g, 0.0, a); // A = Wᵀ G (W is n×m)
      } else {
        host.gemm(Transpose.YES, Transpose.NO, 1.0, g, w, 0.0, a); // A = Gᵀ W
      }
    }
  }

  /** {@code ‖A‖_F}, overflow-safe, from the row norms. */
  private static double frobeniusNorm(Backend backend, DMatrix a) {
    if (a.isDense()) {
      return backend.nrm2(a.asVector());
    }
    double scale = 0.0;
    double ssq = 1.0;
    for (int i = 0; i < a.rows(); i++) {
      double r = backend.nrm2(a.row(i));
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

  private static double ballBoxSquaredNorm(DVector x, DVector lower, DVector upper, double tau) {
    double sum = 0.0;
    for (int i = 0; i < x.length(); i++) {
      double y = Math.min(Math.max(tau * x.get(i), lower.get(i)), upper.get(i));
      sum += y * y;
    }
    return sum;
  }

  /** The backend that runs the host algorithms for {@code backend}. */
  private static Backend host(Backend backend) {
    return backend instanceof AbstractBackend kernels ? kernels.hostAlgorithms() : backend;
  }

  /**
   * Sort-based simplex projection (Duchi, Shalev-Shwartz, Singer, Chandra 2008), on a vector of
   * length {@code >= 1} and a valid radius: the reference threshold search.
   */
  static void simplexBySorting(DVector x, double radius) {
    int n = x.length();
    double[] sorted = x.toArray();
    for (double v : sorted) {
      if (Double.isNaN(v)) {
        throw new IllegalArgumentException("x contains NaN: no simplex projection");
      }
    }
    Arrays.sort(sorted);
    double cumulative = 0.0;
    double theta = 0.0;
    for (int j = 1; j <= n; j++) {
      double u = sorted[n - j];
      cumulative += u;
      double candidate = (cumulative - radius) / j;
      if (u - candidate > 0) {
        theta = candidate;
      }
    }
    for (int i = 0; i < n; i++) {
      x.set(i, Math.max(x.get(i) - theta, 0.0));
    }
  }
}
