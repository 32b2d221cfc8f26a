package io.github.bilevel.bsgm.problems;

import io.github.bilevel.bsgm.Batch;
import io.github.bilevel.bsgm.BilevelProblem;
import io.github.bilevel.bsgm.DenseSolver;
import io.github.bilevel.bsgm.LowerObjective;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.DMatrix;
import io.github.bilevel.kernels.DVector;
import io.github.bilevel.kernels.Projections;
import java.lang.foreign.Arena;
import java.util.OptionalDouble;

/**
 * benchopt's regularization selection (its {@code ijcnn1} and {@code covtype} datasets,
 * docs/mathematics.md §5.7): binary logistic regression with one L2 weight per feature in
 * benchopt's exponential parametrization, {@code G(w, λ) = (1/n) Σ_i log(1 + exp(−y_i x_iᵀw))
 * + ½ Σ_j e^{λ_j} w_j²}, the validation log-loss {@code F(w) = (1/n_v) Σ log(1 + exp(−y x_vᵀw))}
 * as upper level, labels {@code y ∈ {−1, +1}}. The lower level is the gradient step
 * {@code Φ̂ = w − η∇_w Ĝ} with {@code η = 1/L}, {@code L = ‖XᵀX/n‖₂/4 + e^{λ_max}}, so it
 * contracts on {@code Λ = [λ_min, λ_max]^p} with {@code q = 1 − e^{λ_min}/L}.
 *
 * <p>The exact answers come from Newton's method on the full lower level ({@code p × p}
 * systems, {@code p} small for these data sets) and one dense solve:
 * {@code ∇f(λ)_j = −e^{λ_j} w*_j v_j} with {@code v = (∇²_ww G)⁻¹ ∇F(w*)}.
 */
public final class RegularizationSelection implements BilevelProblem, LowerObjective,
    AutoCloseable {

  private final Backend backend;
  private final Arena arena = Arena.ofShared();
  private final int n;
  private final int nv;
  private final int p;
  private final double lambdaMin;
  private final double lambdaMax;
  private final double mapStep;
  private final double q;
  private final double sampleLipschitz;
  private final double[] x;
  private final double[] xv;
  private final double[] labels;
  private final double[] validationLabels;
  private final DVector[] trainRows;
  private final DVector[] validationRows;

  /**
   * A problem on row-major {@code X} ({@code n × p}) and {@code X_v} ({@code n_v × p}) with
   * labels in {@code {−1, +1}} (see {@link #signedLabels}).
   *
   * @param lambdaMin the lower end of the box of each {@code λ_j} (log of the penalty weight)
   * @param lambdaMax the upper end
   */
  public RegularizationSelection(Backend backend, double[] x, double[] y, double[] xv,
      double[] yv, int p, double lambdaMin, double lambdaMax) {
    if (p < 1 || y.length < 1 || x.length != (long) y.length * p || yv.length < 1
        || xv.length != (long) yv.length * p) {
      throw new IllegalArgumentException("X must be n×p with n = |y| >= 1 and X_v n_v×p with"
          + " n_v = |y_v| >= 1; got |X| = " + x.length + ", |y| = " + y.length + ", |X_v| = "
          + xv.length + ", |y_v| = " + yv.length + ", p = " + p);
    }
    if (!(Double.isFinite(lambdaMin) && Double.isFinite(lambdaMax) && lambdaMin <= lambdaMax)) {
      throw new IllegalArgumentException("need finite reg_min <= reg_max, got [" + lambdaMin
          + ", " + lambdaMax + "]");
    }
    checkFinite("X", x);
    checkFinite("X_v", xv);
    this.backend = backend;
    this.n = y.length;
    this.nv = yv.length;
    this.p = p;
    this.lambdaMin = lambdaMin;
    this.lambdaMax = lambdaMax;
    this.x = x.clone();
    this.xv = xv.clone();
    this.labels = signedLabels("y", y);
    this.validationLabels = signedLabels("y_v", yv);
    DMatrix xm = backend.matrix(arena, n, p, x);
    trainRows = xm.rowViews();
    validationRows = backend.matrix(arena, nv, p, xv).rowViews();
    double lipschitz = PerFeaturePenalty.gramNorm(backend, xm) / 4 + Math.exp(lambdaMax);
    mapStep = 1 / lipschitz;
    q = 1 - Math.exp(lambdaMin) / lipschitz;
    sampleLipschitz = mapStep * (PerFeaturePenalty.maxRowNormSquared(x, n, p) / 4
        + Math.exp(lambdaMax));
  }

  private static void checkFinite(String name, double[] values) {
    for (int i = 0; i < values.length; i++) {
      if (!Double.isFinite(values[i])) {
        throw new IllegalArgumentException(name + " holds " + values[i] + " at flat index " + i);
      }
    }
  }

  /**
   * Binary labels as {@code ±1}: labels in {@code {−1, +1}} are kept, labels in {@code {0, 1}}
   * (all of them) read as {@code 0 → −1}, {@code 1 → +1}.
   *
   * @throws IllegalArgumentException naming the first label that is neither
   */
  public static double[] signedLabels(String name, double[] labels) {
    boolean zeroOne = true;
    boolean signed = true;
    for (double label : labels) {
      zeroOne &= label == 0.0 || label == 1.0;
      signed &= label == -1.0 || label == 1.0;
    }
    if (!zeroOne && !signed) {
      for (int i = 0; i < labels.length; i++) {
        double label = labels[i];
        if (label != 0.0 && label != 1.0 && label != -1.0) {
          throw new IllegalArgumentException(name + "[" + i + "] = " + label
              + ": binary labels must be all in {-1, 1} or all in {0, 1}");
        }
      }
      throw new IllegalArgumentException(name + " mixes the labels 0 and -1: binary labels must"
          + " be all in {-1, 1} or all in {0, 1}");
    }
    double[] out = new double[labels.length];
    for (int i = 0; i < labels.length; i++) {
      out[i] = signed ? labels[i] : 2 * labels[i] - 1;
    }
    return out;
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

  @Override
  public double mapStep() {
    return mapStep;
  }

  /** {@code 1 − e^{λ_min}/L}. */
  @Override
  public OptionalDouble contractionConstant() {
    return OptionalDouble.of(q);
  }

  /** {@code η(max_i ‖x_i‖²/4 + e^{λ_max})}, as for {@link PerFeatureLogistic}. */
  @Override
  public OptionalDouble sampleResidualLipschitz() {
    return OptionalDouble.of(sampleLipschitz);
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
    for (int j = 0; j < p; j++) {
      out.set(j, out.get(j) + w.get(j) * (1 - mapStep * Math.exp(lambda.get(j))));
    }
  }

  /**
   * {@code ∂₁Φ̂ = I − η(mean σ_i(1 − σ_i) x_i x_iᵀ + diag e^λ)} (symmetric) and
   * {@code ∂₂Φ̂ = −η diag(e^λ ⊙ w)}; the linearization keeps {@code σ_i} of the batch's rows,
   * the batch, {@code w} and {@code λ}.
   */
  @Override
  public Linearization linearization(Arena workspace) {
    DVector heldW = backend.vector(workspace, p);
    DVector heldLambda = backend.vector(workspace, p);
    return new Linearization() {
      private Batch held = new Batch(0);
      private double[] curvature = new double[0];
      private boolean linearized;

      @Override
      public void linearize(DVector w, DVector lambda, Batch xi) {
        held = Batch.withRoomFor(held, xi).copyFrom(xi);
        if (curvature.length < xi.size()) {
          curvature = new double[xi.capacity()];
        }
        for (int k = 0; k < xi.size(); k++) {
          int i = xi.index(k);
          double s = Logistic.sigmoid(labels[i] * backend.dot(trainRows[i], w));
          curvature[k] = s * (1 - s);
        }
        backend.copy(w, heldW);
        backend.copy(lambda, heldLambda);
        linearized = true;
      }

      @Override
      public void vjpW(DVector v, DVector out) {
        Linearization.requireLinearized(linearized, RegularizationSelection.this);
        backend.fill(0.0, out);
        double weight = -mapStep / held.size();
        for (int k = 0; k < held.size(); k++) {
          int i = held.index(k);
          backend.axpy(weight * curvature[k] * backend.dot(trainRows[i], v), trainRows[i], out);
        }
        for (int j = 0; j < p; j++) {
          out.set(j, out.get(j) + v.get(j) * (1 - mapStep * Math.exp(heldLambda.get(j))));
        }
      }

      @Override
      public void vjpLambda(DVector v, DVector out) {
        Linearization.requireLinearized(linearized, RegularizationSelection.this);
        for (int j = 0; j < p; j++) {
          out.set(j, -mapStep * Math.exp(heldLambda.get(j)) * heldW.get(j) * v.get(j));
        }
      }
    };
  }

  @Override
  public double lowerObjective(DVector w, DVector lambda, Batch xi) {
    double sum = 0;
    for (int k = 0; k < xi.size(); k++) {
      int i = xi.index(k);
      sum += Logistic.loss(labels[i] * backend.dot(trainRows[i], w));
    }
    double penalty = 0;
    for (int j = 0; j < p; j++) {
      penalty += Math.exp(lambda.get(j)) * w.get(j) * w.get(j);
    }
    return sum / xi.size() + 0.5 * penalty;
  }

  /** {@code ∇₂G = ½ e^λ ⊙ w²} (the loss does not depend on {@code λ}). */
  @Override
  public void lowerObjectiveGradientLambda(DVector w, DVector lambda, Batch xi, DVector out) {
    for (int j = 0; j < p; j++) {
      out.set(j, 0.5 * Math.exp(lambda.get(j)) * w.get(j) * w.get(j));
    }
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

  /** The box {@code [λ_min, λ_max]} of each {@code λ_j}. */
  public double lambdaMin() {
    return lambdaMin;
  }

  /** The upper end of the box. */
  public double lambdaMax() {
    return lambdaMax;
  }

  /**
   * {@code w*(λ)} by damped Newton steps on the full lower level from {@code w = 0}, until the
   * gradient's norm is below {@code 1e-12 · max(1, ‖∇G(0)‖)} or 100 steps.
   */
  public double[] exactLowerSolution(double[] lambda) {
    double[] w = new double[p];
    double[] gradient = new double[p];
    double[] hessian = new double[p * p];
    double first = -1;
    for (int step = 0; step < 100; step++) {
      newtonSystem(lambda, w, gradient, hessian);
      double norm = Math.sqrt(dot(gradient, gradient));
      if (first < 0) {
        first = Math.max(1, norm);
      }
      if (norm <= 1e-12 * first) {
        break;
      }
      double[] direction = DenseSolver.solveSpd(hessian, p, gradient);
      double value = lowerValue(lambda, w);
      double t = 1;
      double[] trial = new double[p];
      for (int halving = 0; halving < 30; halving++, t /= 2) {
        for (int j = 0; j < p; j++) {
          trial[j] = w[j] - t * direction[j];
        }
        if (lowerValue(lambda, trial) <= value) {
          break;
        }
      }
      w = trial;
    }
    return w;
  }

  private double lowerValue(double[] lambda, double[] w) {
    double sum = 0;
    for (int i = 0; i < n; i++) {
      sum += Logistic.loss(labels[i] * rowDot(x, i, w));
    }
    double penalty = 0;
    for (int j = 0; j < p; j++) {
      penalty += Math.exp(lambda[j]) * w[j] * w[j];
    }
    return sum / n + 0.5 * penalty;
  }

  /** {@code ∇_w G} and {@code ∇²_ww G} of the full lower level at {@code w}. */
  private void newtonSystem(double[] lambda, double[] w, double[] gradient, double[] hessian) {
    java.util.Arrays.fill(gradient, 0);
    java.util.Arrays.fill(hessian, 0);
    for (int i = 0; i < n; i++) {
      double z = labels[i] * rowDot(x, i, w);
      double g = -labels[i] * Logistic.sigmoid(-z) / n;
      double s = Logistic.sigmoid(z);
      double c = s * (1 - s) / n;
      int base = i * p;
      for (int a = 0; a < p; a++) {
        double xa = x[base + a];
        gradient[a] += g * xa;
        if (xa != 0) {
          for (int b = 0; b <= a; b++) {
            hessian[a * p + b] += c * xa * x[base + b];
          }
        }
      }
    }
    for (int a = 0; a < p; a++) {
      for (int b = 0; b < a; b++) {
        hessian[b * p + a] = hessian[a * p + b];
      }
      double penalty = Math.exp(lambda[a]);
      gradient[a] += penalty * w[a];
      hessian[a * p + a] += penalty;
    }
  }

  private double rowDot(double[] matrix, int row, double[] w) {
    double sum = 0;
    int base = row * p;
    for (int j = 0; j < p; j++) {
      sum += matrix[base + j] * w[j];
    }
    return sum;
  }

  private static double dot(double[] a, double[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += a[i] * b[i];
    }
    return sum;
  }

  /**
   * {@code ∇f(λ)_j = −e^{λ_j} w*_j v_j}, {@code v = (∇²_ww G(w*))⁻¹ ∇F(w*)}, with
   * {@code w* = } {@link #exactLowerSolution}.
   */
  public double[] exactHypergradient(double[] lambda) {
    double[] w = exactLowerSolution(lambda);
    double[] gradient = new double[p];
    double[] hessian = new double[p * p];
    newtonSystem(lambda, w, gradient, hessian);
    double[] outerGradient = new double[p];
    for (int i = 0; i < nv; i++) {
      double z = validationLabels[i] * rowDot(xv, i, w);
      double g = -validationLabels[i] * Logistic.sigmoid(-z) / nv;
      for (int j = 0; j < p; j++) {
        outerGradient[j] += g * xv[i * p + j];
      }
    }
    double[] v = DenseSolver.solveSpd(hessian, p, outerGradient);
    double[] out = new double[p];
    for (int j = 0; j < p; j++) {
      out[j] = -Math.exp(lambda[j]) * w[j] * v[j];
    }
    return out;
  }

  /** {@code F(w)}, the mean validation log-loss. */
  public double validationLoss(double[] w) {
    double sum = 0;
    for (int i = 0; i < nv; i++) {
      sum += Logistic.loss(validationLabels[i] * rowDot(xv, i, w));
    }
    return sum / nv;
  }

  /** The fraction of training ({@code validation = false}) or validation rows classified right. */
  public double accuracy(double[] w, boolean validation) {
    double[] matrix = validation ? xv : x;
    double[] y = validation ? validationLabels : labels;
    int right = 0;
    for (int i = 0; i < y.length; i++) {
      if (y[i] * rowDot(matrix, i, w) > 0) {
        right++;
      }
    }
    return (double) right / y.length;
  }

  /** Frees the problem's buffers. */
  @Override
  public void close() {
    arena.close();
  }
}
