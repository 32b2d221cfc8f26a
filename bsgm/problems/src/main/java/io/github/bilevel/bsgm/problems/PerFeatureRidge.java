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
 * Per-feature ridge regression, hyperparameter optimization with an exact answer
 * (docs/mathematics.md §5): {@code g(w, λ) = (1/2n)‖Xw − y‖² + ½ Σ_j λ_j w_j²},
 * {@code Φ(w, λ) = w − η ∇_w g}, {@code E(w) = (1/2n_v)‖X_v w − y_v‖²}, {@code Λ} a box
 * {@code [λ_min, λ_max]^p} with {@code λ_min > 0}. Samples {@code ξ} are rows of {@code X},
 * samples {@code ζ} rows of {@code X_v}; a full batch uses gemv on the whole matrix.
 *
 * <p>The map step {@code η} (the gradient step inside {@code Φ}, not the KM step of the
 * solvers) defaults to {@code 2/(L + μ)} with {@code L = ‖XᵀX/n‖₂ + λ_max} (power iteration)
 * and {@code μ = λ_min}, valid for every {@code λ ∈ Λ}, so {@code Φ} is a
 * {@code q}-contraction with {@code q = max(|1 − ημ|, |1 − ηL|)} on all of {@code Λ}; any
 * {@code η ∈ (0, 2/L)} may be given instead. One row's map is usually not a contraction even
 * then: see {@link #sampleResidualLipschitz()}.
 *
 * <p>Argmin form ({@link LowerObjective}, docs/mathematics.md §4.8): {@code Φ̂} is a gradient
 * step on the batch's {@code Ĝ = (1/2|B|)‖X_B w − y_B‖² + ½ Σ_j λ_j w_j²},
 * {@code ∇₂Ĝ = ½ w ⊙ w}.
 */
public final class PerFeatureRidge implements BilevelProblem, LowerObjective, AutoCloseable {

  private final Backend backend;
  private final Arena arena = Arena.ofShared();
  private final int n;
  private final int nv;
  private final int p;
  private final double lambdaMin;
  private final double lambdaMax;
  private final double mapStep;
  private final double lipschitz;
  private final double q;
  private final double maxRowNormSquared;
  private final double[] xArray;
  private final double[] yArray;
  private final double[] xvArray;
  private final double[] yvArray;
  private final DMatrix x;
  private final DVector y;
  private final DMatrix xv;
  private final DVector yv;
  private final DVector trainResidual;
  private final DVector validationResidual;
  // Row views made once, so that mini-batch steps allocate nothing.
  private final DVector[] trainRows;
  private final DVector[] validationRows;
  // XᵀX/n, made on the first exact answer and kept (p² values).
  private double[] gram;

  /**
   * A problem on row-major training data {@code X} ({@code n × p}), {@code y}, and
   * validation data {@code X_v} ({@code n_v × p}), {@code y_v}.
   */
  public PerFeatureRidge(Backend backend, double[] x, double[] y, double[] xv, double[] yv,
      int p, double lambdaMin, double lambdaMax) {
    this(backend, x, y, xv, yv, p, lambdaMin, lambdaMax, Double.NaN);
  }

  /**
   * The same problem with the map step {@code η} given.
   *
   * @param mapStep the gradient step inside {@code Φ}; {@code NaN} for the default
   *     {@code 2/(L + μ)}
   * @throws IllegalArgumentException if {@code mapStep} makes {@code Φ} not a contraction on
   *     {@code Λ} ({@code q >= 1}, i.e. {@code mapStep ∉ (0, 2/L)}), naming the bound
   */
  public PerFeatureRidge(Backend backend, double[] x, double[] y, double[] xv, double[] yv,
      int p, double lambdaMin, double lambdaMax, double mapStep) {
    if (p < 1) {
      throw new IllegalArgumentException("p (features) must be >= 1, got " + p);
    }
    if (y.length < 1 || x.length != y.length * p) {
      throw new IllegalArgumentException("X has " + x.length + " values but y has " + y.length
          + " rows of " + p + " features (" + (long) y.length * p + " values expected)");
    }
    if (yv.length < 1 || xv.length != yv.length * p) {
      throw new IllegalArgumentException("X_v has " + xv.length + " values but y_v has "
          + yv.length + " rows of " + p + " features");
    }
    PerFeaturePenalty.checkBox(lambdaMin, lambdaMax);
    checkFinite("X", x);
    checkFinite("y", y);
    checkFinite("X_v", xv);
    checkFinite("y_v", yv);
    this.backend = backend;
    this.n = y.length;
    this.nv = yv.length;
    this.p = p;
    this.lambdaMin = lambdaMin;
    this.lambdaMax = lambdaMax;
    this.xArray = x.clone();
    this.yArray = y.clone();
    this.xvArray = xv.clone();
    this.yvArray = yv.clone();
    this.x = backend.matrix(arena, n, p, x);
    this.y = backend.vector(arena, y);
    this.xv = backend.matrix(arena, nv, p, xv);
    this.yv = backend.vector(arena, yv);
    trainResidual = backend.vector(arena, n);
    validationResidual = backend.vector(arena, nv);
    trainRows = this.x.rowViews();
    validationRows = this.xv.rowViews();
    this.lipschitz = PerFeaturePenalty.gramNorm(backend, this.x) + lambdaMax;
    this.maxRowNormSquared = PerFeaturePenalty.maxRowNormSquared(xArray, n, p);
    double step = Double.isNaN(mapStep) ? 2.0 / (lipschitz + lambdaMin) : mapStep;
    double contraction = Math.max(Math.abs(1 - step * lambdaMin), Math.abs(1 - step * lipschitz));
    if (!(step > 0 && contraction < 1) || Double.isInfinite(step)) {
      arena.close();
      throw new IllegalArgumentException("map step " + step + " makes Φ not a contraction on Λ"
          + " (q = max(|1 − ημ|, |1 − ηL|) = " + contraction + " >= 1, with μ = λ_min = "
          + lambdaMin + " and L = ‖XᵀX/n‖₂ + λ_max = " + lipschitz + "): it must lie in"
          + " (0, 2/L) = (0, " + 2.0 / lipschitz + "); the default 2/(L + μ) = "
          + 2.0 / (lipschitz + lambdaMin) + " minimizes q");
    }
    this.mapStep = step;
    this.q = contraction;
  }

  private static void checkFinite(String name, double[] values) {
    for (int i = 0; i < values.length; i++) {
      if (!Double.isFinite(values[i])) {
        throw new IllegalArgumentException(name + " has a non-finite value at index " + i
            + ": " + values[i]);
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

  /**
   * {@code L = ‖XᵀX/n‖₂ + λ_max} (an upper estimate), the smoothness constant of {@code g} on
   * {@code Λ}.
   */
  public double lipschitz() {
    return lipschitz;
  }

  /** {@code 2/L}: map steps below it make {@code Φ} a contraction on {@code Λ}. */
  public double mapStepLimit() {
    return 2.0 / lipschitz;
  }

  @Override
  public OptionalDouble contractionConstant() {
    return OptionalDouble.of(q);
  }

  /**
   * {@code η(max_i ‖x_i‖² + λ_max)}: one row's residual {@code I − Φ̂} has the symmetric
   * Jacobian {@code η(x xᵀ + diag λ)}.
   */
  @Override
  public OptionalDouble sampleResidualLipschitz() {
    return OptionalDouble.of(mapStep * (maxRowNormSquared + lambdaMax));
  }

  /** {@code out ← (1/|B|) X_Bᵀ(X_B w − y_B)} (the data part of {@code ∇_w g}). */
  private void dataGradient(DMatrix data, DVector[] rows, DVector targets, DVector residual,
      DVector w, Batch batch, double scale, DVector out) {
    if (batch.isAll()) {
      backend.copy(targets, residual);
      backend.gemv(1.0, data, w, -1.0, residual);            // X w − y
      backend.gemvT(scale / data.rows(), data, residual, 0.0, out);
      return;
    }
    backend.fill(0.0, out);
    double weight = scale / batch.size();
    for (int k = 0; k < batch.size(); k++) {
      int row = batch.index(k);
      DVector xi = rows[row];
      double r = backend.dot(xi, w) - targets.get(row);
      backend.axpy(weight * r, xi, out);
    }
  }

  @Override
  public void map(DVector w, DVector lambda, Batch xi, DVector out) {
    // −η X_Bᵀ(X_B w − y_B)/|B|
    dataGradient(x, trainRows, y, trainResidual, w, xi, -mapStep, out);
    PerFeaturePenalty.addIdentityMinusPenalty(backend, mapStep, lambda, w, out);
  }

  /**
   * The map is affine in {@code w} for a fixed batch: the linearization keeps copies of
   * {@code w} (for {@code ∂₂Φ = −η diag w}), {@code λ} and the batch.
   */
  @Override
  public Linearization linearization(Arena arena) {
    DVector residual = backend.vector(arena, n);
    return PerFeaturePenalty.linearization(backend, arena, p, mapStep, this, (xi, v, out) -> {
      // ∂₁Φ = I − η(X_BᵀX_B/|B| + diag λ), symmetric
      if (xi.isAll()) {
        backend.gemv(1.0, x, v, 0.0, residual);
        backend.gemvT(-mapStep / n, x, residual, 0.0, out);
      } else {
        backend.fill(0.0, out);
        double weight = -mapStep / xi.size();
        for (int k = 0; k < xi.size(); k++) {
          DVector row = trainRows[xi.index(k)];
          backend.axpy(weight * backend.dot(row, v), row, out);
        }
      }
    });
  }

  /** {@code Ĝ = (1/2|B|) Σ_B (x_iᵀw − y_i)² + ½ Σ_j λ_j w_j²}. */
  @Override
  public double lowerObjective(DVector w, DVector lambda, Batch xi) {
    double sum = 0;
    for (int k = 0; k < xi.size(); k++) {
      int row = xi.index(k);
      double r = backend.dot(trainRows[row], w) - y.get(row);
      sum += r * r;
    }
    return sum / (2.0 * xi.size()) + PerFeaturePenalty.penaltyValue(lambda, w);
  }

  /** {@code ∇₂Ĝ = ½ w ⊙ w} (the data term does not depend on {@code λ}). */
  @Override
  public void lowerObjectiveGradientLambda(DVector w, DVector lambda, Batch xi, DVector out) {
    PerFeaturePenalty.penaltyGradientLambda(backend, w, out);
  }

  @Override
  public double objective(DVector w, DVector lambda, Batch zeta) {
    double sum = 0;
    for (int k = 0; k < zeta.size(); k++) {
      int row = zeta.index(k);
      double r = backend.dot(validationRows[row], w) - yv.get(row);
      sum += r * r;
    }
    return sum / (2.0 * zeta.size());
  }

  @Override
  public void objectiveGradientW(DVector w, DVector lambda, Batch zeta, DVector out) {
    dataGradient(xv, validationRows, yv, validationResidual, w, zeta, 1.0, out);
  }

  @Override
  public void objectiveGradientLambda(DVector w, DVector lambda, Batch zeta, DVector out) {
    backend.fill(0.0, out); // E does not depend on λ
  }

  @Override
  public void projectUpper(DVector lambda) {
    Projections.box(backend, lambda, lambdaMin, lambdaMax);
  }

  /** {@code XᵀX/n + diag λ}, row-major. */
  private double[] system(double[] lambda) {
    if (lambda.length != p) {
      throw new IllegalArgumentException("λ must have p = " + p + " values, got "
          + lambda.length);
    }
    if (gram == null) {
      double[] g = new double[p * p];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < p; j++) {
          double xij = xArray[i * p + j];
          for (int k = 0; k < p; k++) {
            g[j * p + k] += xij * xArray[i * p + k] / n;
          }
        }
      }
      gram = g;
    }
    double[] a = gram.clone();
    for (int j = 0; j < p; j++) {
      a[j * p + j] += lambda[j];
    }
    return a;
  }

  /** The exact lower-level solution {@code w* = (XᵀX/n + diag λ)⁻¹ Xᵀy/n}. */
  public double[] exactLowerSolution(double[] lambda) {
    double[] rhs = DenseSolver.multiplyTransposed(xArray, n, p, yArray);
    for (int j = 0; j < p; j++) {
      rhs[j] /= n;
    }
    return DenseSolver.solveSpd(system(lambda), p, rhs);
  }

  /** The exact hypergradient {@code −w* ⊙ (XᵀX/n + diag λ)⁻¹ X_vᵀ(X_v w* − y_v)/n_v}. */
  public double[] exactHypergradient(double[] lambda) {
    double[] wStar = exactLowerSolution(lambda);
    double[] residual = DenseSolver.multiply(xvArray, nv, p, wStar);
    for (int i = 0; i < nv; i++) {
      residual[i] = (residual[i] - yvArray[i]) / nv;
    }
    double[] g = DenseSolver.multiplyTransposed(xvArray, nv, p, residual);
    double[] solved = DenseSolver.solveSpd(system(lambda), p, g);
    for (int j = 0; j < p; j++) {
      solved[j] = -wStar[j] * solved[j];
    }
    return solved;
  }

  /** Frees the problem's buffers. */
  @Override
  public void close() {
    arena.close();
  }
}
