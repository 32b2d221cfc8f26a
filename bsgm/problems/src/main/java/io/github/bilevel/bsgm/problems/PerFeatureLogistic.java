package io.github.bilevel.bsgm.problems;

import io.github.bilevel.bsgm.Batch;
import io.github.bilevel.bsgm.BilevelProblem;
import io.github.bilevel.bsgm.LowerObjective;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.DMatrix;
import io.github.bilevel.kernels.DVector;
import io.github.bilevel.kernels.Projections;
import java.lang.foreign.Arena;
import java.util.OptionalDouble;

/**
 * Binary logistic regression with a per-feature L2 penalty, a lower level that is not
 * quadratic: {@code g(w, λ) = (1/n) Σ_i log(1 + exp(−y_i x_iᵀw)) + ½ Σ_j λ_j w_j²} with labels
 * {@code y_i ∈ {−1, +1}}, {@code Φ = w − η ∇_w g}, and the validation log-loss as upper level;
 * {@code Λ = [λ_min, λ_max]^p}. The map step {@code η = 2/(L + μ)} uses
 * {@code L = ‖XᵀX/n‖₂/4 + λ_max} and {@code μ = λ_min}, so {@code Φ} is a contraction on all of
 * {@code Λ} ({@code q = (L − μ)/(L + μ)}).
 *
 * <p>Argmin form ({@link LowerObjective}, docs/mathematics.md §4.8): {@code Φ̂} is a gradient
 * step on the batch's {@code Ĝ = (1/|B|) Σ_B log(1 + exp(−y_i x_iᵀw)) + ½ Σ_j λ_j w_j²},
 * {@code ∇₂Ĝ = ½ w ⊙ w}.
 */
public final class PerFeatureLogistic implements BilevelProblem, LowerObjective, AutoCloseable {

  private final Backend backend;
  private final Arena arena = Arena.ofShared();
  private final int n;
  private final int nv;
  private final int p;
  private final double lambdaMin;
  private final double lambdaMax;
  private final double mapStep;
  private final double q;
  private final double maxRowNormSquared;
  private final DVector[] trainRows;
  private final DVector[] validationRows;
  private final double[] labels;
  private final double[] validationLabels;

  /**
   * A problem on row-major {@code X} ({@code n × p}) with labels in {@code {−1, +1}} and
   * validation data {@code X_v}, {@code y_v}.
   */
  public PerFeatureLogistic(Backend backend, double[] x, double[] y, double[] xv, double[] yv,
      int p, double lambdaMin, double lambdaMax) {
    if (p < 1 || y.length < 1 || x.length != y.length * p || yv.length < 1
        || xv.length != yv.length * p) {
      throw new IllegalArgumentException("X must be n×p with n = |y| >= 1 and X_v n_v×p with"
          + " n_v = |y_v| >= 1; got |X| = " + x.length + ", |y| = " + y.length + ", |X_v| = "
          + xv.length + ", |y_v| = " + yv.length + ", p = " + p);
    }
    PerFeaturePenalty.checkBox(lambdaMin, lambdaMax);
    checkLabels("y", y);
    checkLabels("y_v", yv);
    this.backend = backend;
    this.n = y.length;
    this.nv = yv.length;
    this.p = p;
    this.lambdaMin = lambdaMin;
    this.lambdaMax = lambdaMax;
    DMatrix xm = backend.matrix(arena, n, p, x);
    DMatrix xvm = backend.matrix(arena, nv, p, xv);
    trainRows = xm.rowViews();
    validationRows = xvm.rowViews();
    labels = y.clone();
    validationLabels = yv.clone();
    double lipschitz = PerFeaturePenalty.gramNorm(backend, xm) / 4 + lambdaMax;
    mapStep = 2.0 / (lipschitz + lambdaMin);
    q = (lipschitz - lambdaMin) / (lipschitz + lambdaMin);
    maxRowNormSquared = PerFeaturePenalty.maxRowNormSquared(x, n, p);
  }

  private static void checkLabels(String name, double[] labels) {
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] != 1.0 && labels[i] != -1.0) {
        throw new IllegalArgumentException(name + "[" + i + "] = " + labels[i]
            + ": binary labels must be -1 or +1");
      }
    }
  }

  @Override
  public Backend backend() {
    return backend;
  }

  @Override
  public int lowerDimension() {
    return p;
  }

  @Override
  public int upperDimension() {
    return p;
  }

  @Override
  public int lowerSamples() {
    return n;
  }

  @Override
  public int upperSamples() {
    return nv;
  }

  /** The map's gradient step {@code η}. */
  @Override
  public double mapStep() {
    return mapStep;
  }

  /** {@code Ĝ = (1/|B|) Σ_B log(1 + exp(−y_i x_iᵀw)) + ½ Σ_j λ_j w_j²}. */
  @Override
  public double lowerObjective(DVector w, DVector lambda, Batch xi) {
    double sum = 0;
    for (int k = 0; k < xi.size(); k++) {
      int i = xi.index(k);
      sum += Logistic.loss(labels[i] * backend.dot(trainRows[i], w));
    }
    return sum / xi.size() + PerFeaturePenalty.penaltyValue(lambda, w);
  }

  /** {@code ∇₂Ĝ = ½ w ⊙ w} (the loss does not depend on {@code λ}). */
  @Override
  public void lowerObjectiveGradientLambda(DVector w, DVector lambda, Batch xi, DVector out) {
    PerFeaturePenalty.penaltyGradientLambda(backend, w, out);
  }

  @Override
  public OptionalDouble contractionConstant() {
    return OptionalDouble.of(q);
  }

  /**
   * {@code η(max_i ‖x_i‖²/4 + λ_max)}: one row's residual Jacobian
   * {@code η(σ(1 − σ) x xᵀ + diag λ)} with {@code σ(1 − σ) ≤ 1/4}.
   */
  @Override
  public OptionalDouble sampleResidualLipschitz() {
    return OptionalDouble.of(mapStep * (maxRowNormSquared / 4 + lambdaMax));
  }

  /** {@code out ← scale · (1/|B|) Σ_B −y_i σ(−y_i x_iᵀw) x_i}, the loss gradient. */
  private void lossGradient(DVector[] rows, double[] y, DVector w, Batch batch, double scale,
      DVector out) {
    backend.fill(0.0, out);
    double weight = scale / batch.size();
    for (int k = 0; k < batch.size(); k++) {
      int i = batch.index(k);
      double z = y[i] * backend.dot(rows[i], w);
      backend.axpy(-weight * y[i] * Logistic.sigmoid(-z), rows[i], out);
    }
  }

  @Override
  public void map(DVector w, DVector lambda, Batch xi, DVector out) {
    lossGradient(trainRows, labels, w, xi, -mapStep, out);
    PerFeaturePenalty.addIdentityMinusPenalty(backend, mapStep, lambda, w, out);
  }

  /**
   * The linearization evaluates {@code σ(z_i)} of every row of the batch once, and keeps
   * copies of {@code w}, {@code λ} and the batch.
   */
  @Override
  public Linearization linearization(Arena arena) {
    return PerFeaturePenalty.linearization(backend, arena, p, mapStep, this,
        new PerFeaturePenalty.DataCurvature() {
          private double[] sigmoids = new double[0];

          @Override
          public void linearize(DVector w, Batch xi) {
            if (sigmoids.length < xi.size()) {
              sigmoids = new double[xi.capacity()];
            }
            for (int k = 0; k < xi.size(); k++) {
              int i = xi.index(k);
              sigmoids[k] = Logistic.sigmoid(labels[i] * backend.dot(trainRows[i], w));
            }
          }

          @Override
          public void vjp(Batch xi, DVector v, DVector out) {
            // ∂₁Φ = I − η((1/|B|) Σ σ(z_i)(1 − σ(z_i)) x_i x_iᵀ + diag λ), symmetric
            backend.fill(0.0, out);
            double weight = -mapStep / xi.size();
            for (int k = 0; k < xi.size(); k++) {
              int i = xi.index(k);
              double s = sigmoids[k];
              backend.axpy(weight * s * (1 - s) * backend.dot(trainRows[i], v), trainRows[i], out);
            }
          }
        });
  }

  @Override
  public double objective(DVector w, DVector lambda, Batch zeta) {
    double sum = 0;
    for (int k = 0; k < zeta.size(); k++) {
      int i = zeta.index(k);
      sum += Logistic.loss(validationLabels[i] * backend.dot(validationRows[i], w));
    }
    return sum / zeta.size();
  }

  @Override
  public void objectiveGradientW(DVector w, DVector lambda, Batch zeta, DVector out) {
    lossGradient(validationRows, validationLabels, w, zeta, 1.0, out);
  }

  @Override
  public void objectiveGradientLambda(DVector w, DVector lambda, Batch zeta, DVector out) {
    backend.fill(0.0, out);
  }

  @Override
  public void projectUpper(DVector lambda) {
    Projections.box(backend, lambda, lambdaMin, lambdaMax);
  }

  /** Frees the problem's buffers. */
  @Override
  public void close() {
    arena.close();
  }
}
