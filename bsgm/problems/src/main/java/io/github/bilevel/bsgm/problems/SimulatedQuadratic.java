package io.github.bilevel.bsgm.problems;

import io.github.bilevel.bsgm.Batch;
import io.github.bilevel.bsgm.BilevelProblem;
import io.github.bilevel.bsgm.DenseSolver;
import io.github.bilevel.bsgm.LowerObjective;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.DMatrix;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;
import java.util.OptionalDouble;
import java.util.SplittableRandom;

/**
 * benchopt's simulated bilevel quadratic (its {@code simulated} dataset, docs/mathematics.md
 * §5.7): finite sums of per-sample quadratics {@code q_i(z, x) = ½zᵀA_i z + ½xᵀB_i x + xᵀC_i z
 * + a_iᵀz + b_iᵀx}, the inner {@code G = mean_i q_i} over the samples of one
 * {@link SimulatedLevel}, the outer {@code F} likewise over the other's. The lower level is the
 * gradient step {@code Φ̂(z, x, ξ) = z − η∇_z Ĝ(z, x, ξ)} ({@code η} the map step, benchopt's
 * inner step then being the single-loop methods' KM step {@code ρ}); {@code Λ = R^{d_out}}.
 *
 * <p>The per-sample matrices are stored densely off-heap and a batch costs one GEMV per sample
 * and matrix; the full batch uses the precomputed means. The Hessians enter only through
 * {@code zᵀA_i z} and {@code xᵀB_i x}, so they are symmetrized when stored (the values are
 * unchanged and the gradients are {@code A_i z}, {@code B_i x}).
 *
 * <p>Exact answers with the means {@code A, C, a} of the inner and {@code A', B', C', a', b'} of
 * the outer: {@code z*(x) = −A⁻¹(a + Cᵀx)} and {@code ∇h(x) = ∇_x F(z*, x) + Cv} with
 * {@code v = −A⁻¹∇_z F(z*, x)}, as benchopt's {@code metrics}.
 */
public final class SimulatedQuadratic implements BilevelProblem, LowerObjective, AutoCloseable {

  private final Backend backend;
  private final Arena arena = Arena.ofShared();
  private final double mapStep;
  private final int dimInner;
  private final int dimOuter;
  private final Stored inner;
  private final Stored outer;
  private final double[] innerHessMean;
  private final double[] innerCrossMean;
  private final double[] innerLinearMean;
  private final double[] outerHess;
  private final double[] outerHessOuter;
  private final double[] outerCross;
  private final double[] outerLinearInner;
  private final double[] outerLinearOuter;
  private final double q;
  private final double sampleLipschitz;
  private final DVector scratchInner;
  private final DVector scratchOuter;

  /**
   * The problem on two levels of matching dimensions.
   *
   * @param mapStep {@code η > 0}; {@code Φ} must be a contraction: {@code 0 < ημ} and
   *     {@code ηL < 2} for the spectrum {@code [μ, L]} of the mean inner Hessian
   * @throws IllegalArgumentException if the dimensions differ, the mean inner Hessian is not
   *     positive definite, or {@code η} makes the map no contraction
   */
  public SimulatedQuadratic(Backend backend, SimulatedLevel innerLevel,
      SimulatedLevel outerLevel, double mapStep) {
    if (innerLevel.dimInner() != outerLevel.dimInner()
        || innerLevel.dimOuter() != outerLevel.dimOuter()) {
      throw new IllegalArgumentException("the inner level has dim_inner = "
          + innerLevel.dimInner() + ", dim_outer = " + innerLevel.dimOuter()
          + " but the outer level " + outerLevel.dimInner() + ", " + outerLevel.dimOuter());
    }
    if (!(mapStep > 0 && Double.isFinite(mapStep))) {
      throw new IllegalArgumentException("map_step must be finite and > 0, got " + mapStep);
    }
    this.backend = backend;
    this.mapStep = mapStep;
    dimInner = innerLevel.dimInner();
    dimOuter = innerLevel.dimOuter();
    innerHessMean = symmetrized(SimulatedLevel.mean(innerLevel.hessInner(),
        innerLevel.samples()), dimInner);
    double[] spectrum = DenseSolver.symmetricEigenvalues(innerHessMean, dimInner);
    double mu = spectrum[0];
    double lipschitz = spectrum[dimInner - 1];
    if (!(mu > 0) || !(mapStep * lipschitz < 2)) {
      throw new IllegalArgumentException("the inner map z − η∇G is no contraction: the mean"
          + " inner Hessian has spectrum [" + mu + ", " + lipschitz + "] and map_step η = "
          + mapStep + "; need the smallest eigenvalue > 0 and η < 2/L = " + 2 / lipschitz);
    }
    q = Math.max(Math.abs(1 - mapStep * mu), Math.abs(1 - mapStep * lipschitz));
    innerCrossMean = SimulatedLevel.mean(innerLevel.cross(), innerLevel.samples());
    innerLinearMean = SimulatedLevel.mean(innerLevel.linearInner(), innerLevel.samples());
    outerHess = symmetrized(SimulatedLevel.mean(outerLevel.hessInner(), outerLevel.samples()),
        dimInner);
    outerHessOuter = symmetrized(SimulatedLevel.mean(outerLevel.hessOuter(),
        outerLevel.samples()), dimOuter);
    outerCross = SimulatedLevel.mean(outerLevel.cross(), outerLevel.samples());
    outerLinearInner = SimulatedLevel.mean(outerLevel.linearInner(), outerLevel.samples());
    outerLinearOuter = SimulatedLevel.mean(outerLevel.linearOuter(), outerLevel.samples());
    inner = new Stored(innerLevel);
    outer = new Stored(outerLevel);
    sampleLipschitz = mapStep * maxFrobenius(innerLevel.hessInner(), innerLevel.samples());
    scratchInner = backend.vector(arena, dimInner);
    scratchOuter = backend.vector(arena, dimOuter);
  }

  /**
   * A generated instance, as benchopt's {@code simulated} dataset makes it: the inner level from
   * {@code (L_inner_inner, L_outer_inner, L_cross_inner)}, the outer from
   * {@code (L_inner_outer, L_outer_outer, L_cross_outer)}, both with {@code μ_inner}, drawn
   * again (up to 20 times) until the Hessian of {@code h} at the means is positive definite
   * (smallest eigenvalue {@code >= 1e-12}).
   *
   * @param lipschitz {@code L_inner_inner, L_inner_outer, L_outer_inner, L_outer_outer,
   *     L_cross_inner, L_cross_outer}, in benchopt's order
   * @throws IllegalStateException if no draw of the 20 has a positive definite Hessian
   */
  public static SimulatedQuadratic generate(Backend backend, int samplesInner, int samplesOuter,
      int dimInner, int dimOuter, double mu, double[] lipschitz, long randomState,
      double mapStep) {
    if (lipschitz.length != 6) {
      throw new IllegalArgumentException("need the six L_* constants, got " + lipschitz.length);
    }
    SplittableRandom root = new SplittableRandom(randomState);
    double smallest = Double.NaN;
    for (int trial = 0; trial < 20; trial++) {
      SplittableRandom innerRandom = root.split();
      SplittableRandom outerRandom = root.split();
      SimulatedLevel innerLevel = SimulatedLevel.generate(samplesInner, dimInner, dimOuter,
          lipschitz[0], lipschitz[2], lipschitz[4], mu, innerRandom);
      SimulatedLevel outerLevel = SimulatedLevel.generate(samplesOuter, dimInner, dimOuter,
          lipschitz[1], lipschitz[3], lipschitz[5], mu, outerRandom);
      smallest = valueHessianMinEigenvalue(innerLevel, outerLevel);
      if (smallest >= 1e-12) {
        return new SimulatedQuadratic(backend, innerLevel, outerLevel, mapStep);
      }
    }
    throw new IllegalStateException("could not generate a simulated instance with a positive"
        + " definite Hessian of h in 20 draws (last smallest eigenvalue " + smallest
        + "); change random_state or the L_* and mu_inner options");
  }

  /**
   * The smallest eigenvalue of {@code ∇²h = JᵀA'J + B' + sym(C'J)} with {@code J = −A⁻¹Cᵀ}
   * (benchopt's {@code get_hessian_min_eigval}).
   */
  static double valueHessianMinEigenvalue(SimulatedLevel innerLevel, SimulatedLevel outerLevel) {
    int din = innerLevel.dimInner();
    int dout = innerLevel.dimOuter();
    double[] a = symmetrized(SimulatedLevel.mean(innerLevel.hessInner(), innerLevel.samples()),
        din);
    double[] c = SimulatedLevel.mean(innerLevel.cross(), innerLevel.samples());
    double[] ao = SimulatedLevel.mean(outerLevel.hessInner(), outerLevel.samples());
    double[] bo = SimulatedLevel.mean(outerLevel.hessOuter(), outerLevel.samples());
    double[] co = SimulatedLevel.mean(outerLevel.cross(), outerLevel.samples());
    double[] jacobian = new double[din * dout]; // J = −A⁻¹Cᵀ, d_in × d_out
    double[] column = new double[din];
    for (int k = 0; k < dout; k++) {
      for (int i = 0; i < din; i++) {
        column[i] = -c[k * din + i];
      }
      double[] solved = DenseSolver.solveSpd(a, din, column);
      for (int i = 0; i < din; i++) {
        jacobian[i * dout + k] = solved[i];
      }
    }
    double[] hessian = new double[dout * dout];
    for (int r = 0; r < dout; r++) {
      for (int s = 0; s < dout; s++) {
        double sum = bo[r * dout + s];
        for (int i = 0; i < din; i++) {
          double aj = 0;
          for (int k = 0; k < din; k++) {
            aj += ao[i * din + k] * jacobian[k * dout + s];
          }
          sum += jacobian[i * dout + r] * aj;
          sum += 0.5 * (co[r * din + i] * jacobian[i * dout + s]
              + co[s * din + i] * jacobian[i * dout + r]);
        }
        hessian[r * dout + s] = sum;
      }
    }
    return DenseSolver.symmetricEigenvalues(symmetrized(hessian, dout), dout)[0];
  }

  private static double[] symmetrized(double[] matrix, int n) {
    double[] out = new double[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        out[i * n + j] = 0.5 * (matrix[i * n + j] + matrix[j * n + i]);
      }
    }
    return out;
  }

  private static double maxFrobenius(double[] blocks, int samples) {
    int block = blocks.length / samples;
    double max = 0;
    for (int s = 0; s < samples; s++) {
      double sum = 0;
      for (int k = 0; k < block; k++) {
        sum += blocks[s * block + k] * blocks[s * block + k];
      }
      max = Math.max(max, Math.sqrt(sum));
    }
    return max;
  }

  /** One level off-heap: per-sample views of its five arrays, and their means. */
  private final class Stored {
    final int samples;
    final DMatrix[] hessInner;
    final DMatrix[] hessOuter;
    final DMatrix[] cross;
    final DVector[] linearInner;
    final DVector[] linearOuter;
    // the means, used for the full batch
    final DMatrix meanHessInner;
    final DMatrix meanHessOuter;
    final DMatrix meanCross;
    final DVector meanLinearInner;
    final DVector meanLinearOuter;

    Stored(SimulatedLevel level) {
      samples = level.samples();
      int n = samples;
      hessInner = blocks(symmetrizedStack(level.hessInner(), n, dimInner), n, dimInner);
      hessOuter = blocks(symmetrizedStack(level.hessOuter(), n, dimOuter), n, dimOuter);
      cross = blocks(backend.matrix(arena, n * dimOuter, dimInner, level.cross()), n, dimOuter);
      linearInner = backend.matrix(arena, n, dimInner, level.linearInner()).rowViews();
      linearOuter = backend.matrix(arena, n, dimOuter, level.linearOuter()).rowViews();
      meanHessInner = backend.matrix(arena, dimInner, dimInner, symmetrized(
          SimulatedLevel.mean(level.hessInner(), n), dimInner));
      meanHessOuter = backend.matrix(arena, dimOuter, dimOuter, symmetrized(
          SimulatedLevel.mean(level.hessOuter(), n), dimOuter));
      meanCross = backend.matrix(arena, dimOuter, dimInner, SimulatedLevel.mean(level.cross(),
          n));
      meanLinearInner = backend.vector(arena, SimulatedLevel.mean(level.linearInner(), n));
      meanLinearOuter = backend.vector(arena, SimulatedLevel.mean(level.linearOuter(), n));
    }

    /** The {@code n} blocks {@code ½(M_s + M_sᵀ)} stacked off-heap, written in place. */
    private DMatrix symmetrizedStack(double[] values, int n, int d) {
      DMatrix out = backend.matrix(arena, n * d, d);
      for (int s = 0; s < n; s++) {
        int base = s * d * d;
        for (int i = 0; i < d; i++) {
          for (int j = 0; j < d; j++) {
            out.set(s * d + i, j, 0.5 * (values[base + i * d + j] + values[base + j * d + i]));
          }
        }
      }
      return out;
    }

    private static DMatrix[] blocks(DMatrix stacked, int n, int rows) {
      DMatrix[] out = new DMatrix[n];
      for (int s = 0; s < n; s++) {
        out[s] = stacked.rowSlice(s * rows, rows);
      }
      return out;
    }

    private boolean full(Batch batch) {
      return batch.isAll() && batch.size() == samples;
    }

    /** {@code out ← mean_B (h·A_i z + c·C_iᵀx + a_i)}, the {@code z}-gradient for h = c = 1. */
    void zPart(double h, double c, DVector z, DVector x, Batch batch, DVector out) {
      if (full(batch)) {
        backend.copy(meanLinearInner, out);
        backend.gemv(h, meanHessInner, z, 1.0, out);
        backend.gemvT(c, meanCross, x, 1.0, out);
        return;
      }
      backend.fill(0.0, out);
      double weight = 1.0 / batch.size();
      for (int k = 0; k < batch.size(); k++) {
        int i = batch.index(k);
        backend.gemv(weight * h, hessInner[i], z, 1.0, out);
        backend.gemvT(weight * c, cross[i], x, 1.0, out);
        backend.axpy(weight, linearInner[i], out);
      }
    }

    /** {@code out ← mean_B (h·B_i x + c·C_i z + b_i)}, the {@code x}-gradient for h = c = 1. */
    void xPart(double h, double c, DVector z, DVector x, Batch batch, DVector out) {
      if (full(batch)) {
        backend.copy(meanLinearOuter, out);
        backend.gemv(h, meanHessOuter, x, 1.0, out);
        backend.gemv(c, meanCross, z, 1.0, out);
        return;
      }
      backend.fill(0.0, out);
      double weight = 1.0 / batch.size();
      for (int k = 0; k < batch.size(); k++) {
        int i = batch.index(k);
        backend.gemv(weight * h, hessOuter[i], x, 1.0, out);
        backend.gemv(weight * c, cross[i], z, 1.0, out);
        backend.axpy(weight, linearOuter[i], out);
      }
    }

    /** {@code mean_B q_i(z, x) = zᵀ·mean(½A_i z + C_iᵀx + a_i) + xᵀ·mean(½B_i x + b_i)}. */
    double value(DVector z, DVector x, Batch batch) {
      zPart(0.5, 1.0, z, x, batch, scratchInner);
      xPart(0.5, 0.0, z, x, batch, scratchOuter);
      return backend.dot(z, scratchInner) + backend.dot(x, scratchOuter);
    }

    /** {@code out ← α·mean_B A_i v} ({@code transposeCross}: {@code α·mean_B C_i v}). */
    void multiply(boolean crossTimes, double alpha, Batch batch, DVector v, DVector out) {
      if (full(batch)) {
        backend.gemv(alpha, crossTimes ? meanCross : meanHessInner, v, 0.0, out);
        return;
      }
      backend.fill(0.0, out);
      double weight = alpha / batch.size();
      for (int k = 0; k < batch.size(); k++) {
        int i = batch.index(k);
        backend.gemv(weight, crossTimes ? cross[i] : hessInner[i], v, 1.0, out);
      }
    }
  }

  @Override
  public Backend backend() {
    return backend;
  }

  @Override
  public int lowerDimension() {
    return dimInner;
  }

  @Override
  public int upperDimension() {
    return dimOuter;
  }

  @Override
  public int lowerSamples() {
    return inner.samples;
  }

  @Override
  public int upperSamples() {
    return outer.samples;
  }

  @Override
  public double mapStep() {
    return mapStep;
  }

  /** {@code max(|1 − ημ|, |1 − ηL|)} for the spectrum {@code [μ, L]} of the mean inner Hessian. */
  @Override
  public OptionalDouble contractionConstant() {
    return OptionalDouble.of(q);
  }

  /** {@code η max_i ‖A_i‖_F}: one sample's residual {@code I − ∂₁Φ̂} is {@code ηA_i}. */
  @Override
  public OptionalDouble sampleResidualLipschitz() {
    return OptionalDouble.of(sampleLipschitz);
  }

  @Override
  public void map(DVector w, DVector lambda, Batch xi, DVector out) {
    inner.zPart(1.0, 1.0, w, lambda, xi, out);
    backend.scal(-mapStep, out);
    backend.axpy(1.0, w, out);
  }

  /** The map is affine: {@code ∂₁Φ̂ = I − η mean A_i}, {@code ∂₂Φ̂ = −η mean C_iᵀ}. */
  @Override
  public Linearization linearization(Arena workspace) {
    return new Linearization() {
      private Batch held = new Batch(0);
      private boolean linearized;

      @Override
      public void linearize(DVector w, DVector lambda, Batch xi) {
        held = Batch.withRoomFor(held, xi).copyFrom(xi);
        linearized = true;
      }

      @Override
      public void vjpW(DVector v, DVector out) {
        Linearization.requireLinearized(linearized, SimulatedQuadratic.this);
        inner.multiply(false, -mapStep, held, v, out);
        backend.axpy(1.0, v, out);
      }

      @Override
      public void vjpLambda(DVector v, DVector out) {
        Linearization.requireLinearized(linearized, SimulatedQuadratic.this);
        inner.multiply(true, -mapStep, held, v, out);
      }
    };
  }

  @Override
  public double lowerObjective(DVector w, DVector lambda, Batch xi) {
    return inner.value(w, lambda, xi);
  }

  @Override
  public void lowerObjectiveGradientLambda(DVector w, DVector lambda, Batch xi, DVector out) {
    inner.xPart(1.0, 1.0, w, lambda, xi, out);
  }

  @Override
  public double objective(DVector w, DVector lambda, Batch zeta) {
    return outer.value(w, lambda, zeta);
  }

  @Override
  public void objectiveGradientW(DVector w, DVector lambda, Batch zeta, DVector out) {
    outer.zPart(1.0, 1.0, w, lambda, zeta, out);
  }

  @Override
  public void objectiveGradientLambda(DVector w, DVector lambda, Batch zeta, DVector out) {
    outer.xPart(1.0, 1.0, w, lambda, zeta, out);
  }

  @Override
  public void projectUpper(DVector lambda) {
    // Λ = R^{d_out}
  }

  /** The exact lower-level solution {@code z*(x) = −A⁻¹(a + Cᵀx)} with the full-batch means. */
  public double[] exactLowerSolution(double[] x) {
    double[] rhs = DenseSolver.multiplyTransposed(innerCrossMean, dimOuter, dimInner, x);
    for (int i = 0; i < dimInner; i++) {
      rhs[i] = -(rhs[i] + innerLinearMean[i]);
    }
    return DenseSolver.solveSpd(innerHessMean, dimInner, rhs);
  }

  /** The exact hypergradient {@code ∇h(x) = ∇_x F(z*, x) − C A⁻¹ ∇_z F(z*, x)}. */
  public double[] exactHypergradient(double[] x) {
    double[] z = exactLowerSolution(x);
    double[] gradZ = DenseSolver.multiply(outerHess, dimInner, dimInner, z);
    double[] crossX = DenseSolver.multiplyTransposed(outerCross, dimOuter, dimInner, x);
    for (int i = 0; i < dimInner; i++) {
      gradZ[i] += crossX[i] + outerLinearInner[i];
    }
    double[] v = DenseSolver.solveSpd(innerHessMean, dimInner, gradZ); // −v of benchopt
    double[] out = DenseSolver.multiply(outerHessOuter, dimOuter, dimOuter, x);
    double[] crossZ = DenseSolver.multiply(outerCross, dimOuter, dimInner, z);
    double[] correction = DenseSolver.multiply(innerCrossMean, dimOuter, dimInner, v);
    for (int i = 0; i < dimOuter; i++) {
      out[i] += crossZ[i] + outerLinearOuter[i] - correction[i];
    }
    return out;
  }

  /** {@code h(x) = F(z*(x), x)}, the full-batch mean of the outer level at the exact solution. */
  public double exactValue(double[] x) {
    double[] z = exactLowerSolution(x);
    double value = 0;
    double[] az = DenseSolver.multiply(outerHess, dimInner, dimInner, z);
    double[] bx = DenseSolver.multiply(outerHessOuter, dimOuter, dimOuter, x);
    double[] cz = DenseSolver.multiply(outerCross, dimOuter, dimInner, z);
    for (int i = 0; i < dimInner; i++) {
      value += z[i] * (0.5 * az[i] + outerLinearInner[i]);
    }
    for (int i = 0; i < dimOuter; i++) {
      value += x[i] * (0.5 * bx[i] + cz[i] + outerLinearOuter[i]);
    }
    return value;
  }

  /** Frees the problem's buffers. */
  @Override
  public void close() {
    arena.close();
  }
}
