package io.github.bilevel.bsgm;

import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.DMatrix;
import io.github.bilevel.kernels.DVector;
import io.github.bilevel.kernels.Projections;
import java.lang.foreign.Arena;
import java.util.OptionalDouble;
import java.util.SplittableRandom;

/**
 * A separable test problem with exact answers: task {@code i} has the affine map
 * {@code Φ_i(z, λ) = M z + B_i λ + c_i} ({@code M} shared, scaled to {@code ‖M‖₂ = q}) and
 * {@code E_i(z, λ) = ½‖z − y_i‖² + ½ρ‖λ‖²}. So {@code z_i*(λ) = (I − M)⁻¹(B_i λ + c_i)} and
 * {@code ∇f = ρλ + mean_i B_iᵀ (I − M)⁻ᵀ (z_i* − y_i)}, both by dense solves on the heap.
 * {@code Λ = [−bound, bound]^m}. Written with plain loops: an independent reference.
 */
final class LinearSeparableProblem implements SeparableProblem {

  final Backend backend;
  final int tasks;
  final int d;
  final int m;
  final double q;
  final double rho;
  final double bound;
  final double[] mMatrix;     // d × d
  final double[][] bMatrices; // T of d × m
  final double[][] c;         // T of d
  final double[][] y;         // T of d

  /** A random instance; {@code q > 1} makes an expanding map (for the divergence guard). */
  LinearSeparableProblem(Backend backend, int tasks, int d, int m, double q, double rho,
      double bound, long seed) {
    this.backend = backend;
    this.tasks = tasks;
    this.d = d;
    this.m = m;
    this.q = q;
    this.rho = rho;
    this.bound = bound;
    SplittableRandom random = new SplittableRandom(seed);
    double[] raw = random.doubles((long) d * d, -1, 1).toArray();
    double norm = spectralNorm(raw, d);
    mMatrix = new double[d * d];
    for (int i = 0; i < d * d; i++) {
      mMatrix[i] = raw[i] * q / norm;
    }
    bMatrices = new double[tasks][];
    c = new double[tasks][];
    y = new double[tasks][];
    for (int i = 0; i < tasks; i++) {
      bMatrices[i] = random.doubles((long) d * m, -1, 1).toArray();
      c[i] = random.doubles(d, -1, 1).toArray();
      y[i] = random.doubles(d, -2, 2).toArray();
    }
  }

  /** {@code ‖A‖₂} by power iteration on {@code AᵀA} (to full precision for small d). */
  static double spectralNorm(double[] a, int d) {
    double[] x = new double[d];
    java.util.Arrays.fill(x, 1.0);
    x[0] = 1.3;
    double sigma = 0;
    for (int iter = 0; iter < 5000; iter++) {
      double[] ax = DenseSolver.multiply(a, d, d, x);
      double[] atax = DenseSolver.multiplyTransposed(a, d, d, ax);
      double n = Math.sqrt(dot(atax, atax));
      for (int i = 0; i < d; i++) {
        x[i] = atax[i] / n;
      }
      sigma = Math.sqrt(n);
    }
    return sigma;
  }

  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  /** Solves {@code (I − M) x = b} (transposed: {@code (I − M)ᵀ x = b}) by normal equations. */
  double[] solveIMinusM(double[] b, boolean transposed) {
    double[] a = new double[d * d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        double entry = (i == j ? 1 : 0) - (transposed ? mMatrix[j * d + i] : mMatrix[i * d + j]);
        a[i * d + j] = entry;
      }
    }
    double[] normal = new double[d * d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        double s = 0;
        for (int k = 0; k < d; k++) {
          s += a[k * d + i] * a[k * d + j];
        }
        normal[i * d + j] = s;
      }
    }
    return DenseSolver.solveSpd(normal, d, DenseSolver.multiplyTransposed(a, d, d, b));
  }

  double[] exactState(int task, double[] lambda) {
    double[] rhs = DenseSolver.multiply(bMatrices[task], d, m, lambda);
    for (int j = 0; j < d; j++) {
      rhs[j] += c[task][j];
    }
    return solveIMinusM(rhs, false);
  }

  /** The exact gradient of {@code mean_r E_{tasks[r]}(z*(λ), λ)}. */
  double[] exactHypergradient(int[] batch, double[] lambda) {
    double[] out = new double[m];
    for (int j = 0; j < m; j++) {
      out[j] = rho * lambda[j];
    }
    for (int task : batch) {
      double[] z = exactState(task, lambda);
      double[] residual = new double[d];
      for (int j = 0; j < d; j++) {
        residual[j] = z[j] - y[task][j];
      }
      double[] v = solveIMinusM(residual, true);
      double[] term = DenseSolver.multiplyTransposed(bMatrices[task], d, m, v);
      for (int j = 0; j < m; j++) {
        out[j] += term[j] / batch.length;
      }
    }
    return out;
  }

  /** The minimizer of {@code f} over {@code R^m} (f is quadratic): a dense solve. */
  double[] exactMinimizer() {
    // f(λ) = mean ½‖S B_i λ + S c_i − y_i‖² + ½ρ‖λ‖², S = (I − M)⁻¹
    double[] hessian = new double[m * m];
    double[] rhs = new double[m];
    for (int i = 0; i < tasks; i++) {
      double[][] sb = new double[m][];
      for (int j = 0; j < m; j++) {
        double[] column = new double[d];
        for (int r = 0; r < d; r++) {
          column[r] = bMatrices[i][r * m + j];
        }
        sb[j] = solveIMinusM(column, false);
      }
      double[] offset = solveIMinusM(c[i], false);
      for (int r = 0; r < d; r++) {
        offset[r] -= y[i][r];
      }
      for (int a = 0; a < m; a++) {
        for (int b = 0; b < m; b++) {
          hessian[a * m + b] += dot(sb[a], sb[b]) / tasks;
        }
        rhs[a] -= dot(sb[a], offset) / tasks;
      }
    }
    for (int a = 0; a < m; a++) {
      hessian[a * m + a] += rho;
    }
    return DenseSolver.solveSpd(hessian, m, rhs);
  }

  @Override
  public Backend backend() {
    return backend;
  }

  @Override
  public int tasks() {
    return tasks;
  }

  @Override
  public int stateDimension() {
    return d;
  }

  @Override
  public int upperDimension() {
    return m;
  }

  @Override
  public OptionalDouble contractionConstant() {
    return OptionalDouble.of(q);
  }

  @Override
  public void map(DMatrix states, DVector lambda, Batch batch, DMatrix out) {
    double[] l = lambda.toArray();
    for (int r = 0; r < batch.size(); r++) {
      int task = batch.index(r);
      double[] z = states.row(r).toArray();
      double[] mz = DenseSolver.multiply(mMatrix, d, d, z);
      double[] bl = DenseSolver.multiply(bMatrices[task], d, m, l);
      for (int j = 0; j < d; j++) {
        out.set(r, j, mz[j] + bl[j] + c[task][j]);
      }
    }
  }

  /**
   * The linearization keeps copies of {@code λ}, the tasks and the states (on the heap and in
   * its own buffers): the maps are affine, so the products need only the batch.
   */
  @Override
  public SeparableLinearization linearization(Arena arena, int maxTasks) {
    DMatrix heldStates = backend.matrix(arena, maxTasks, d);
    DVector heldLambda = backend.vector(arena, m);
    Batch heldTasks = new Batch(maxTasks);
    return new SeparableLinearization() {
      boolean fixed;
      boolean linearized;

      @Override
      public void fix(DVector lambda, Batch tasks) {
        heldTasks.copyFrom(tasks);
        backend.copy(lambda, heldLambda);
        fixed = true;
        linearized = false;
      }

      @Override
      public void map(DMatrix states, DMatrix out) {
        SeparableLinearization.require(fixed, "fix", LinearSeparableProblem.this);
        LinearSeparableProblem.this.map(states, heldLambda, heldTasks, out);
      }

      @Override
      public void linearize(DMatrix states) {
        SeparableLinearization.require(fixed, "fix", LinearSeparableProblem.this);
        for (int r = 0; r < heldTasks.size(); r++) {
          backend.copy(states.row(r), heldStates.row(r));
        }
        linearized = true;
      }

      @Override
      public void vjpState(DMatrix v, DMatrix out) {
        SeparableLinearization.require(linearized, "linearize", LinearSeparableProblem.this);
        mapVjpState(heldTasks, v, out);
      }

      @Override
      public void vjpLambda(DMatrix v, DVector out) {
        SeparableLinearization.require(linearized, "linearize", LinearSeparableProblem.this);
        mapVjpLambda(heldTasks, v, out);
      }
    };
  }

  private void mapVjpState(Batch batch, DMatrix v, DMatrix out) {
    for (int r = 0; r < batch.size(); r++) {
      double[] mtv = DenseSolver.multiplyTransposed(mMatrix, d, d, v.row(r).toArray());
      out.row(r).copyFrom(mtv);
    }
  }

  private void mapVjpLambda(Batch batch, DMatrix v, DVector out) {
    double[] sum = new double[m];
    for (int r = 0; r < batch.size(); r++) {
      double[] term = DenseSolver.multiplyTransposed(bMatrices[batch.index(r)], d, m,
          v.row(r).toArray());
      for (int j = 0; j < m; j++) {
        sum[j] += term[j] / batch.size();
      }
    }
    out.copyFrom(sum);
  }

  @Override
  public double objective(DMatrix states, DVector lambda, Batch batch) {
    double sum = 0;
    for (int r = 0; r < batch.size(); r++) {
      int task = batch.index(r);
      for (int j = 0; j < d; j++) {
        double e = states.get(r, j) - y[task][j];
        sum += 0.5 * e * e;
      }
    }
    double[] l = lambda.toArray();
    return sum / batch.size() + 0.5 * rho * dot(l, l);
  }

  @Override
  public void objectiveGradientState(DMatrix states, DVector lambda, Batch batch, DMatrix out) {
    for (int r = 0; r < batch.size(); r++) {
      int task = batch.index(r);
      for (int j = 0; j < d; j++) {
        out.set(r, j, states.get(r, j) - y[task][j]);
      }
    }
  }

  @Override
  public void objectiveGradientLambda(DMatrix states, DVector lambda, Batch batch,
      DVector out) {
    for (int j = 0; j < m; j++) {
      out.set(j, rho * lambda.get(j));
    }
  }

  @Override
  public void projectUpper(DVector lambda) {
    Projections.box(backend, lambda, -bound, bound);
  }
}
