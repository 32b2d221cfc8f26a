package io.github.bilevel.bsgm.baselines;

import io.github.bilevel.bsgm.Vjp;
import io.github.bilevel.bsgm.Batch;
import io.github.bilevel.bsgm.Bsgm;
import io.github.bilevel.bsgm.DenseSolver;
import io.github.bilevel.bsgm.problems.QuadraticProblem;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.Buffers;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;

/**
 * Exact facts about a {@link QuadraticProblem} instance, computed independently of the solvers
 * under test (dense solves on heap arrays, the problem's own oracles on single samples):
 *
 * <ul>
 *   <li>{@code ∇f} is affine, {@code ∇f(λ) = A λ + ∇f(0)}; {@code A} (the Hessian of {@code f},
 *       symmetric positive definite) is read off column by column from the exact hypergradient;
 *       {@code λ* = −A⁻¹∇f(0)} by a Cholesky solve; {@code μ_f, L_f} are its extreme eigenvalues
 *       (Jacobi rotations);
 *   <li>the noise is additive: {@code Φ̂(w, λ, ξ) = Φ(w, λ) + e_ξ}, {@code ∇₁Ê(w, λ, ζ) = ∇₁E + e'_ζ};
 *       the vectors are recovered as single-sample oracle values minus full-batch values.
 * </ul>
 */
final class QuadraticFacts {

  final QuadraticProblem problem;
  final int d;
  final int m;
  final int samples;
  final double q;
  final double[][] hessian;
  final double[] lambdaStar;
  final double muF;
  final double lipschitzF;
  /** {@code (1/N) Σ ‖e_ξ‖²}: the residual's noise second moment per sample. */
  final double mapNoise;
  private final double[][] gradientNoiseRows;
  private final Arena arena = Arena.ofConfined();

  QuadraticFacts(QuadraticProblem problem) {
    this.problem = problem;
    this.d = problem.lowerDimension();
    this.m = problem.upperDimension();
    this.samples = problem.lowerSamples();
    this.q = problem.contractionConstant().orElseThrow();
    double[] g0 = problem.exactHypergradient(new double[m]);
    hessian = new double[m][m];
    for (int j = 0; j < m; j++) {
      double[] e = new double[m];
      e[j] = 1.0;
      double[] gj = problem.exactHypergradient(e);
      for (int i = 0; i < m; i++) {
        hessian[i][j] = gj[i] - g0[i];
      }
    }
    // symmetrise the rounding away (A is symmetric in exact arithmetic)
    double[] flat = new double[m * m];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < m; j++) {
        flat[i * m + j] = 0.5 * (hessian[i][j] + hessian[j][i]);
      }
    }
    double[] rhs = new double[m];
    for (int i = 0; i < m; i++) {
      rhs[i] = -g0[i];
    }
    lambdaStar = DenseSolver.solveSpd(flat, m, rhs);
    double[] eigen = symmetricEigenvalues(flat, m);
    double min = Double.POSITIVE_INFINITY;
    double max = 0;
    for (double x : eigen) {
      min = Math.min(min, x);
      max = Math.max(max, x);
    }
    muF = min;
    lipschitzF = max;

    Backend backend = problem.backend();
    DVector w = Buffers.vector(arena, d);
    DVector lambda = Buffers.vector(arena, m);
    DVector mean = Buffers.vector(arena, d);
    DVector one = Buffers.vector(arena, d);
    Batch all = new Batch(samples).all(samples);
    Batch single = new Batch(1);
    double sum = 0;
    problem.map(w, lambda, all, mean);
    for (int i = 0; i < samples; i++) {
      problem.map(w, lambda, single.assign(samples, i), one);
      backend.axpy(-1.0, mean, one);
      sum += backend.dot(one, one);
    }
    mapNoise = sum / samples;
    gradientNoiseRows = new double[samples][];
    problem.objectiveGradientW(w, lambda, all, mean);
    for (int i = 0; i < samples; i++) {
      problem.objectiveGradientW(w, lambda, single.assign(samples, i), one);
      backend.axpy(-1.0, mean, one);
      gradientNoiseRows[i] = one.toArray();
    }
  }

  /** The exact hypergradient as the solvers' callback. */
  Bsgm.ExactHypergradient exact() {
    return (lambda, out) -> out.copyFrom(problem.exactHypergradient(lambda.toArray()));
  }

  /** {@code ‖∇f(λ)‖²}. */
  double gradientNormSquared(double[] lambda) {
    double[] g = problem.exactHypergradient(lambda);
    double sum = 0;
    for (double x : g) {
      sum += x * x;
    }
    return sum;
  }

  /** {@code ‖λ − λ*‖}. */
  double distanceToStationary(double[] lambda) {
    double sum = 0;
    for (int i = 0; i < m; i++) {
      sum += (lambda[i] - lambdaStar[i]) * (lambda[i] - lambdaStar[i]);
    }
    return Math.sqrt(sum);
  }

  /** {@code E‖R(w, λ; B) − R(w, λ)‖²} for a batch of {@code b} draws with replacement. */
  double residualVariance(int b) {
    return mapNoise / b;
  }

  /**
   * {@code M = ∂₂Φᵀ S_Q}, {@code S_Q = Σ_{j<Q} (∂₁Φᵀ)^j}: the map from {@code ∇₁E} to the
   * hypergradient's {@code ∂₂Φᵀ v} part after {@code Q} Neumann terms (exact oracles, which are
   * noise-free for the Jacobians of this problem).
   */
  double[] applyM(double[] x, int terms) {
    Backend backend = problem.backend();
    Batch all = new Batch(samples).all(samples);
    DVector w = Buffers.vector(arena, d);
    DVector lambda = Buffers.vector(arena, m);
    DVector g = Buffers.vector(arena, x);
    DVector v = Buffers.vector(arena, d);
    DVector next = Buffers.vector(arena, d);
    for (int j = 0; j < terms; j++) {
      Vjp.w(problem, w, lambda, all, v, next);
      backend.axpy(1.0, g, next);
      backend.copy(next, v);
    }
    DVector out = Buffers.vector(arena, m);
    Vjp.lambda(problem, w, lambda, all, v, out);
    return out.toArray();
  }

  /**
   * {@code E‖∇̂f(λ, w; B') − E∇̂f‖²} for {@code J} draws of {@code ζ} and {@code Q} Neumann
   * terms: only {@code ĝ₁} is noisy here, so it is {@code (1/J)(1/N) Σ ‖M e'_ζ‖²}.
   */
  double hypergradientVariance(int batch, int terms) {
    double sum = 0;
    for (double[] row : gradientNoiseRows) {
      double[] mx = applyM(row, terms);
      for (double x : mx) {
        sum += x * x;
      }
    }
    return sum / samples / batch;
  }

  /**
   * {@code (1/N) Σ_ξ ‖M P (I − ∂₁Φ)⁻¹ e_ξ‖²}: the second moment, per sample, of the
   * hypergradient error caused by a lower-level iterate that sits where the noisy residual
   * vanishes, {@code w − w* = −(I − ∂₁Φ)⁻¹ e} ({@code ∂₁Φ} is symmetric here, so the VJP serves;
   * the inverse is a 400-term Neumann series, exact to rounding for {@code q <= 0.9}).
   */
  double lowerNoiseTransfer(int terms) {
    Backend backend = problem.backend();
    Batch all = new Batch(samples).all(samples);
    DVector lambda = Buffers.vector(arena, m);
    DVector zero = Buffers.vector(arena, d);
    DVector base = Buffers.vector(arena, d);
    DVector e = Buffers.vector(arena, d);
    DVector x = Buffers.vector(arena, d);
    DVector next = Buffers.vector(arena, d);
    DVector px = Buffers.vector(arena, d);
    DVector mean = Buffers.vector(arena, d);
    Batch single = new Batch(1);
    problem.objectiveGradientW(zero, lambda, all, base);
    problem.map(zero, lambda, all, mean);
    double sum = 0;
    for (int i = 0; i < samples; i++) {
      problem.map(zero, lambda, single.assign(samples, i), e);
      backend.axpy(-1.0, mean, e);
      backend.fill(0.0, x);
      for (int j = 0; j < 400; j++) {
        Vjp.w(problem, zero, lambda, all, x, next);
        backend.axpy(1.0, e, next);
        backend.copy(next, x);
      }
      problem.objectiveGradientW(x, lambda, all, px);
      backend.axpy(-1.0, base, px);
      for (double value : applyM(px.toArray(), terms)) {
        sum += value * value;
      }
    }
    return sum / samples;
  }

  /**
   * An upper bound of {@code ‖M P‖} ({@code P = ∂(∇₁E)/∂w}): how much the hypergradient
   * estimate moves per unit of lower-level error (the Frobenius norm of the {@code m × d} matrix).
   */
  double hypergradientLowerLipschitz(int terms) {
    Batch all = new Batch(samples).all(samples);
    DVector lambda = Buffers.vector(arena, m);
    DVector w = Buffers.vector(arena, d);
    DVector base = Buffers.vector(arena, d);
    DVector col = Buffers.vector(arena, d);
    problem.objectiveGradientW(w, lambda, all, base);
    double sum = 0;
    for (int j = 0; j < d; j++) {
      problem.backend().fill(0.0, w);
      w.set(j, 1.0);
      problem.objectiveGradientW(w, lambda, all, col);
      problem.backend().axpy(-1.0, base, col);
      for (double x : applyM(col.toArray(), terms)) {
        sum += x * x;
      }
    }
    return Math.sqrt(sum);
  }

  /** Eigenvalues of a small symmetric matrix, ascending ({@link DenseSolver}). */
  static double[] symmetricEigenvalues(double[] matrix, int n) {
    return DenseSolver.symmetricEigenvalues(matrix, n);
  }

  void close() {
    arena.close();
  }
}
