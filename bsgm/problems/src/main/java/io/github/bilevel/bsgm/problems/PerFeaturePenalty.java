package io.github.bilevel.bsgm.problems;

import io.github.bilevel.bsgm.Batch;
import io.github.bilevel.bsgm.BilevelProblem;
import io.github.bilevel.bsgm.BilevelProblem.Linearization;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.DMatrix;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;

/**
 * The parts shared by the problems whose lower level is a gradient step on a data loss plus a
 * per-feature L2 penalty {@code ½ Σ_j λ_j w_j²}, {@code Λ = [λ_min, λ_max]^p}:
 * {@code Φ(w, λ) = w − η(∇loss(w) + λ ⊙ w)}.
 */
final class PerFeaturePenalty {

  private PerFeaturePenalty() {}

  /** Throws unless {@code 0 < lambdaMin <= lambdaMax < ∞}. */
  static void checkBox(double lambdaMin, double lambdaMax) {
    if (!(lambdaMin > 0 && lambdaMax >= lambdaMin && Double.isFinite(lambdaMax))) {
      throw new IllegalArgumentException("need 0 < lambdaMin <= lambdaMax < ∞, got ["
          + lambdaMin + ", " + lambdaMax + "]");
    }
  }

  /**
   * {@code ‖XᵀX/n‖₂} by power iteration, 1% added (an upper estimate).
   *
   * @throws IllegalArgumentException if {@code X} has non-finite values
   */
  static double gramNorm(Backend backend, DMatrix x) {
    try (Arena arena = Arena.ofConfined()) {
      DVector v = backend.vector(arena, x.cols());
      DVector xv = backend.vector(arena, x.rows());
      backend.fill(1.0, v);
      double estimate = 0;
      for (int i = 0; i < 200; i++) {
        backend.scal(1.0 / backend.nrm2(v), v);
        backend.gemv(1.0, x, v, 0.0, xv);
        backend.gemvT(1.0 / x.rows(), x, xv, 0.0, v);
        estimate = backend.nrm2(v);
      }
      if (!Double.isFinite(estimate)) {
        throw new IllegalArgumentException("X has non-finite values");
      }
      return estimate * 1.01;
    }
  }

  /** {@code max_i ‖x_i‖²} over the rows of a row-major {@code rows × cols} matrix. */
  static double maxRowNormSquared(double[] x, int rows, int cols) {
    double max = 0;
    for (int i = 0; i < rows; i++) {
      double sum = 0;
      for (int j = 0; j < cols; j++) {
        double v = x[i * cols + j];
        sum += v * v;
      }
      max = Math.max(max, sum);
    }
    return max;
  }

  /**
   * {@code out ← out + x − η λ ⊙ x}: the identity and penalty parts of {@code Φ} or
   * {@code ∂₁Φᵀ}, as backend kernels (no host loop: on a GPU the vectors stay on the device).
   */
  static void addIdentityMinusPenalty(Backend backend, double mapStep, DVector lambda, DVector x,
      DVector out) {
    backend.axpy(1.0, x, out);
    backend.hadamard(-mapStep, lambda, x, 1.0, out);
  }

  /** {@code ½ Σ_j λ_j w_j²}, the penalty's value (the argmin form, docs/mathematics.md §4.8). */
  static double penaltyValue(DVector lambda, DVector w) {
    double sum = 0;
    for (int j = 0; j < w.length(); j++) {
      double wj = w.get(j);
      sum += lambda.get(j) * wj * wj;
    }
    return 0.5 * sum;
  }

  /** {@code out ← ½ w ⊙ w}, the penalty's gradient in {@code λ}. */
  static void penaltyGradientLambda(Backend backend, DVector w, DVector out) {
    backend.hadamard(0.5, w, w, 0.0, out);
  }

  /** {@code out ← ∂₂Φᵀ v = −η w ⊙ v}. */
  static void vjpLambda(Backend backend, double mapStep, DVector w, DVector v, DVector out) {
    backend.hadamard(-mapStep, w, v, 0.0, out);
  }

  /** The data part of {@code ∂₁Φᵀ v} at a held point, the one part that differs by loss. */
  interface DataCurvature {

    /** Evaluates at {@code (w, ξ)} what the products reuse; called after the copies are held. */
    default void linearize(DVector w, Batch xi) {}

    /** {@code out ← −η ∇²loss_B(w) v}, overwriting {@code out}. */
    void vjp(Batch xi, DVector v, DVector out);
  }

  /**
   * The linearization of {@code Φ(w, λ) = w − η(∇loss(w) + λ ⊙ w)}: it keeps copies of
   * {@code w}, {@code λ} and the batch; {@code ∂₁Φᵀ v} is the data curvature plus
   * {@code v − η λ ⊙ v}, and {@code ∂₂Φᵀ v = −η w ⊙ v}.
   */
  static Linearization linearization(Backend backend, Arena arena, int p, double mapStep,
      BilevelProblem problem, DataCurvature curvature) {
    DVector heldW = backend.vector(arena, p);
    DVector heldLambda = backend.vector(arena, p);
    return new Linearization() {
      private Batch heldBatch;

      @Override
      public void linearize(DVector w, DVector lambda, Batch xi) {
        backend.copy(w, heldW);
        backend.copy(lambda, heldLambda);
        heldBatch = Batch.withRoomFor(heldBatch, xi).copyFrom(xi);
        curvature.linearize(heldW, heldBatch);
      }

      @Override
      public void vjpW(DVector v, DVector out) {
        Linearization.requireLinearized(heldBatch != null, problem);
        curvature.vjp(heldBatch, v, out);
        addIdentityMinusPenalty(backend, mapStep, heldLambda, v, out);
      }

      @Override
      public void vjpLambda(DVector v, DVector out) {
        Linearization.requireLinearized(heldBatch != null, problem);
        PerFeaturePenalty.vjpLambda(backend, mapStep, heldW, v, out); // ∂₂Φ = −η diag(w)
      }
    };
  }
}
