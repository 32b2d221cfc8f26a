package io.github.bilevel.bsgm.problems;

import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.DMatrix;
import io.github.bilevel.kernels.DVector;
import io.github.bilevel.kernels.Jacobi;
import io.github.bilevel.kernels.Transpose;
import java.lang.foreign.Arena;

/**
 * Projection of a square {@code d × d} matrix onto the spectral-norm ball {@code ‖A‖₂ ≤ ρ}
 * ({@code A = U Σ Vᵀ ↦ U min(Σ, ρ) Vᵀ}) for a sequence of matrices that change little between
 * calls, as the iterates of a projected gradient method do. It resolves only the top of the
 * spectrum, and starts from the right singular vectors of the previous call.
 *
 * <p>One-sided (Hestenes) Jacobi on the rows of {@code Y = Vᵀ Aᵀ} (row {@code i} is
 * {@code (A v_i)ᵀ}), {@code V} orthogonal. The Gram matrix {@code S = Y Yᵀ = Vᵀ AᵀA V} (one
 * GEMM) marks a row <em>active</em> when its Gershgorin disc reaches {@code ρ²}:
 * {@code S_ii + Σ_{j≠i} |S_ij| ≥ ρ²(1 − 10⁻⁶)}. Only pairs with an active row are rotated, to the
 * criterion of {@link Jacobi#rotate} (the rotation shared with the spectral-ball projection of
 * {@code Projections}), {@code |y_iᵀy_j| ≤ ε‖y_i‖‖y_j‖}; {@code S} is recomputed after a sweep
 * without rotation. A sweep that starts from a fresh {@code S} and rotates nothing ends the
 * solve: then every active row is orthogonal to every other row, and every
 * inactive row's disc lies below {@code ρ²}, so the inactive block of {@code S} has no
 * eigenvalue above {@code ρ²} (Gershgorin). The singular values above {@code ρ} are therefore
 * exactly the norms {@code σ_i > ρ} of active rows, and
 * {@code P(A) = A − Σ_{σ_i > ρ} (1 − ρ/σ_i) (A v_i) v_iᵀ}, exact up to a few ulps as the
 * backend's full SVD. After four sweeps every row becomes active (a full Jacobi SVD, quadratic
 * convergence), so that a slow restricted phase cannot stall and the next call starts from a
 * basis that diagonalises the whole spectrum. When few singular values are near {@code ρ} (the
 * usual case once a
 * trajectory reaches the boundary), a call costs a few {@code d³} GEMMs and a few sweeps over
 * {@code O(d)} pairs instead of a dozen sweeps over all {@code d²/2} pairs.
 *
 * <p>A matrix inside the ball is returned unchanged (only clipped directions are corrected;
 * singular values within {@code 16ε} of {@code ρ}, relative, count as on the boundary).
 * {@code V} is re-orthonormalised by a Newton–Schulz step at the start of every call that follows
 * a rotation, so rounding does not accumulate over many calls. Workspaces are allocated once.
 * Not thread-safe.
 */
final class SpectralBallProjector implements AutoCloseable {

  private static final int MAX_SWEEPS = 100;
  private static final double EPS = 0x1p-52;
  private static final double DISC_MARGIN = 1e-6;
  private static final int RESTRICTED_SWEEPS = 30;

  private final Backend backend;
  private final Arena arena = Arena.ofShared();
  private final int d;
  private final DMatrix vt;        // rows: the right singular vectors v_iᵀ
  private final DMatrix y;         // Y = Vᵀ Aᵀ, row i = (A v_i)ᵀ
  private final DMatrix gram;      // S = Y Yᵀ; also scratch for the Newton–Schulz step
  private final DMatrix scratch;
  private final DVector[] vtRows;
  private final DVector[] yRows;
  private final DVector[] gramRows;
  private final double[] norms;
  private final boolean[] active;
  private long sweeps;
  private long rotations;
  private int lastClipped;
  /** No rotation since V was last made orthonormal (the Newton–Schulz step can be skipped). */
  private boolean orthonormal;

  SpectralBallProjector(Backend backend, int d) {
    this.backend = backend;
    this.d = d;
    vt = backend.matrix(arena, d, d);
    y = backend.matrix(arena, d, d);
    gram = backend.matrix(arena, d, d);
    scratch = backend.matrix(arena, d, d);
    vtRows = vt.rowViews();
    yRows = y.rowViews();
    gramRows = gram.rowViews();
    norms = new double[d];
    active = new boolean[d];
    reset();
  }

  /** Forgets the previous singular vectors ({@code V = I}). */
  void reset() {
    backend.fill(0.0, vt.asVector());
    for (int i = 0; i < d; i++) {
      vt.set(i, i, 1.0);
    }
    orthonormal = true;
  }

  /** How many singular values the last call clipped. */
  int lastClipped() {
    return lastClipped;
  }

  /** Jacobi sweeps done so far (for tests and measurements). */
  long sweeps() {
    return sweeps;
  }

  /** Plane rotations done so far (for tests and measurements). */
  long rotations() {
    return rotations;
  }

  /**
   * {@code a ← P(a)}, the projection onto {@code ‖a‖₂ ≤ radius}; {@code a} is {@code d × d}.
   *
   * @return whether a singular value was clipped ({@code a} changed)
   * @throws IllegalArgumentException if {@code a} has a NaN or infinite entry
   * @throws ArithmeticException if the sweeps do not converge
   */
  boolean project(DMatrix a, double radius) {
    if (a.rows() != d || a.cols() != d) {
      throw new IllegalArgumentException("a is " + a.rows() + "x" + a.cols() + " but the"
          + " projector works on " + d + "x" + d);
    }
    lastClipped = 0;
    if (!orthonormal) {
      orthonormalize();
      orthonormal = true;
    }
    backend.gemm(Transpose.NO, Transpose.YES, 1.0, vt, a, 0.0, y);
    double frobenius = backend.nrm2(y.asVector());
    if (!Double.isFinite(frobenius)) {
      throw new IllegalArgumentException("a contains NaN or infinite elements: no projection");
    }
    if (frobenius <= radius) {
      return false; // ‖A‖₂ ≤ ‖A‖_F
    }
    double threshold = radius * radius * (1 - DISC_MARGIN);
    double negligible = Jacobi.negligible(d, frobenius);
    // The Gram matrix (a GEMM) is computed at the start and again after each sweep that
    // rotated nothing, to confirm the active set on the current state; a sweep that starts from
    // a fresh Gram and rotates nothing ends the solve (the certificate above then holds).
    java.util.Arrays.fill(active, false);
    boolean converged = false;
    boolean rotatedLast = true;
    for (int sweep = 0; sweep < MAX_SWEEPS && !converged; sweep++) {
      sweeps++;
      boolean fresh = sweep == 0 || !rotatedLast;
      if (sweep == RESTRICTED_SWEEPS) {
        // Restricted sweeps converge linearly, slowly when the inactive block is far from
        // diagonal: resolve the whole spectrum now (quadratic convergence), which also leaves
        // a diagonal basis for the next calls to start from.
        java.util.Arrays.fill(active, true);
      }
      if (fresh) {
        markActive(threshold);
      }
      for (int i = 0; i < d; i++) {
        norms[i] = backend.dot(yRows[i], yRows[i]);
      }
      boolean rotated = false;
      for (int i = 0; i < d - 1; i++) {
        for (int j = i + 1; j < d; j++) {
          if ((active[i] || active[j])
              && Jacobi.rotate(backend, yRows, vtRows, norms, i, j, negligible)) {
            rotated = true;
            orthonormal = false;
            rotations++;
          }
        }
      }
      converged = fresh && !rotated;
      rotatedLast = rotated;
    }
    if (!converged) {
      reset();
      throw new ArithmeticException("spectral projection: Jacobi SVD did not converge in "
          + MAX_SWEEPS + " sweeps");
    }
    // A ← A − Σ_{σ_i > ρ} (1 − ρ/σ_i) y_i v_iᵀ  (y_i = A v_i = σ_i u_i); values within a few
    // ulps of ρ count as on the boundary, so that a projected matrix is a fixed point
    double clipAbove = radius * (1 + 16 * EPS);
    for (int i = 0; i < d; i++) {
      double sigma = backend.nrm2(yRows[i]);
      if (sigma > clipAbove) {
        backend.scal(1.0 - radius / sigma, yRows[i]);
        lastClipped++;
      } else {
        backend.fill(0.0, yRows[i]);
      }
    }
    if (lastClipped > 0) {
      backend.gemm(Transpose.YES, Transpose.NO, -1.0, y, vt, 1.0, a);
    }
    return lastClipped > 0;
  }

  /**
   * Marks the rows of Y whose Gershgorin disc of {@code Y Yᵀ} reaches {@code threshold}. Rows
   * stay marked for the rest of the call, so the active set only grows (at most {@code d}
   * times) and the restricted sweeps cannot cycle.
   */
  private void markActive(double threshold) {
    backend.gemm(Transpose.NO, Transpose.YES, 1.0, y, y, 0.0, gram);
    for (int i = 0; i < d; i++) {
      double reach = backend.asum(gramRows[i]) - Math.abs(gram.get(i, i)) + gram.get(i, i);
      active[i] |= reach >= threshold;
    }
  }

  /** One Newton–Schulz step {@code Vᵀ ← (3I − VᵀV) Vᵀ / 2} towards the nearest orthogonal. */
  private void orthonormalize() {
    backend.gemm(Transpose.NO, Transpose.YES, -0.5, vt, vt, 0.0, gram);
    for (int i = 0; i < d; i++) {
      gram.set(i, i, gram.get(i, i) + 1.5);
    }
    backend.gemm(Transpose.NO, Transpose.NO, 1.0, gram, vt, 0.0, scratch);
    backend.copy(scratch.asVector(), vt.asVector());
  }

  @Override
  public void close() {
    arena.close();
  }
}
