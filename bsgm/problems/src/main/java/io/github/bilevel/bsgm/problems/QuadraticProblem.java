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
 * A quadratic bilevel problem with exact answers:
 * {@code Φ(w, λ) = w − η(Hw + Bλ + c)}, {@code E(w, λ) = ½wᵀPw + pᵀw + ½λᵀRλ + rᵀλ}, with
 * {@code H} symmetric, spectrum in {@code [μ, L]}, so {@code Φ} is a contraction with
 * {@code q = max(|1 − ημ|, |1 − ηL|)}; {@code Λ = R^m}.
 *
 * <p>Stochastic version: {@code N} samples add zero-mean noise, {@code Φ̂(w, λ, ξ) = Φ(w, λ) +
 * σ e_ξ} and {@code ∇₁Ê(w, λ, ζ) = ∇₁E(w, λ) + σ e'_ζ}, where the noise vectors are centred
 * over the samples, so the means are exactly {@code Φ} and {@code ∇₁E}.
 *
 * <p>Exact answers: {@code w*(λ) = −H⁻¹(Bλ + c)} and
 * {@code ∇f(λ) = Rλ + r − BᵀH⁻¹(Pw* + p)} (the map step {@code η} cancels).
 *
 * <p>Argmin form ({@link LowerObjective}, docs/mathematics.md §4.8): {@code Φ} is a gradient
 * step on {@code G(w, λ) = ½wᵀHw + wᵀ(Bλ + c)}; a batch's map noise {@code σ ē_ξ} makes
 * {@code Ĝ = G − σ ē_ξᵀw / η}, so that {@code ∇₁Ĝ = (w − Φ̂)/η} holds batch by batch.
 */
public final class QuadraticProblem implements BilevelProblem, LowerObjective, AutoCloseable {

  private final Backend backend;
  private final Arena arena = Arena.ofShared();
  private final int d;
  private final int m;
  private final int samples;
  private final double mapStep;
  private final double q;
  private final double lipschitz;
  private final double noise;
  private final double[] hArray;
  private final double[] bArray;
  private final double[] pArray;
  private final double[] cArray;
  private final double[] pVectorArray;
  private final double[] rDiagonal;
  private final double[] rArray;
  private final DMatrix h;
  private final DMatrix b;
  private final DMatrix p;
  private final DMatrix rMatrix;
  private final DVector c;
  private final DVector pVector;
  private final DVector r;
  // Row views of the noise vectors, made once so that noisy steps allocate nothing.
  private final DVector[] mapNoise;
  private final DVector[] gradientNoise;
  private final DVector scratch;
  private final DVector lowerScratch;

  /**
   * A random instance.
   *
   * @param d        lower-level dimension
   * @param m        upper-level dimension
   * @param mu       smallest eigenvalue of {@code H}, {@code > 0}
   * @param lipschitz largest eigenvalue of {@code H}, {@code >= mu}
   * @param samples  number of samples {@code N} (1: deterministic)
   * @param noise    {@code σ}, the noise scale (0: deterministic)
   * @param seed     the random seed of the instance
   */
  public QuadraticProblem(Backend backend, int d, int m, double mu, double lipschitz,
      int samples, double noise, long seed) {
    if (d < 1 || m < 1 || samples < 1) {
      throw new IllegalArgumentException("d, m and samples must be >= 1, got " + d + ", " + m
          + ", " + samples);
    }
    if (!(mu > 0 && lipschitz >= mu && Double.isFinite(lipschitz))) {
      throw new IllegalArgumentException(
          "need 0 < mu <= L < ∞, got mu = " + mu + ", L = " + lipschitz);
    }
    if (!(noise >= 0 && Double.isFinite(noise))) {
      throw new IllegalArgumentException("noise must be finite and >= 0, got " + noise);
    }
    this.backend = backend;
    this.d = d;
    this.m = m;
    this.samples = samples;
    this.noise = noise;
    this.lipschitz = lipschitz;
    this.mapStep = 2.0 / (mu + lipschitz);
    this.q = Math.max(Math.abs(1 - mapStep * mu), Math.abs(1 - mapStep * lipschitz));
    SplittableRandom random = new SplittableRandom(seed);
    double[] spectrum = new double[d];
    for (int i = 0; i < d; i++) {
      spectrum[i] = d == 1 ? mu : mu + (lipschitz - mu) * (i == 0 ? 0 : i == d - 1 ? 1
          : random.nextDouble());
    }
    hArray = symmetricWithSpectrum(spectrum, random);
    bArray = gaussian(random, d * m, 1.0 / Math.sqrt(d));
    double[] g = gaussian(random, d * d, 1.0 / Math.sqrt(d));
    pArray = new double[d * d]; // P = GᵀG / 1, positive semi-definite
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        double sum = 0;
        for (int k = 0; k < d; k++) {
          sum += g[k * d + i] * g[k * d + j];
        }
        pArray[i * d + j] = sum;
      }
    }
    cArray = gaussian(random, d, 1.0);
    pVectorArray = gaussian(random, d, 1.0);
    rDiagonal = new double[m];
    for (int i = 0; i < m; i++) {
      rDiagonal[i] = 0.1 + random.nextDouble();
    }
    rArray = gaussian(random, m, 1.0);
    double[] rDense = new double[m * m];
    for (int i = 0; i < m; i++) {
      rDense[i * m + i] = rDiagonal[i];
    }
    h = backend.matrix(arena, d, d, hArray);
    b = backend.matrix(arena, d, m, bArray);
    p = backend.matrix(arena, d, d, pArray);
    rMatrix = backend.matrix(arena, m, m, rDense);
    c = backend.vector(arena, cArray);
    pVector = backend.vector(arena, pVectorArray);
    r = backend.vector(arena, rArray);
    mapNoise = backend.matrix(arena, samples, d, centred(random, samples, d, noise)).rowViews();
    gradientNoise = backend.matrix(arena, samples, d, centred(random, samples, d, noise))
        .rowViews();
    scratch = backend.vector(arena, d);
    lowerScratch = backend.vector(arena, d);
  }

  private static double[] gaussian(SplittableRandom random, int n, double scale) {
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = scale * random.nextGaussian();
    }
    return out;
  }

  /**
   * {@code rows} noise vectors of scale {@code sigma}, centred: their mean is zero up to
   * rounding.
   */
  private static double[] centred(SplittableRandom random, int rows, int cols, double sigma) {
    double[] out = gaussian(random, rows * cols, sigma);
    if (rows > 1) {
      for (int j = 0; j < cols; j++) {
        double mean = 0;
        for (int i = 0; i < rows; i++) {
          mean += out[i * cols + j];
        }
        mean /= rows;
        for (int i = 0; i < rows; i++) {
          out[i * cols + j] -= mean;
        }
      }
    } else {
      java.util.Arrays.fill(out, 0.0);
    }
    return out;
  }

  /** {@code Q diag(spectrum) Qᵀ} with {@code Q} a random orthogonal matrix (Gram–Schmidt). */
  private static double[] symmetricWithSpectrum(double[] spectrum, SplittableRandom random) {
    int n = spectrum.length;
    double[] qm = gaussian(random, n * n, 1.0); // columns orthonormalised below
    for (int j = 0; j < n; j++) {
      for (int pass = 0; pass < 2; pass++) {
        for (int k = 0; k < j; k++) {
          double dot = 0;
          for (int i = 0; i < n; i++) {
            dot += qm[i * n + j] * qm[i * n + k];
          }
          for (int i = 0; i < n; i++) {
            qm[i * n + j] -= dot * qm[i * n + k];
          }
        }
      }
      double norm = 0;
      for (int i = 0; i < n; i++) {
        norm += qm[i * n + j] * qm[i * n + j];
      }
      norm = Math.sqrt(norm);
      for (int i = 0; i < n; i++) {
        qm[i * n + j] /= norm;
      }
    }
    double[] out = new double[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double sum = 0;
        for (int k = 0; k < n; k++) {
          sum += qm[i * n + k] * spectrum[k] * qm[j * n + k];
        }
        out[i * n + j] = sum;
      }
    }
    return out;
  }

  @Override
  public Backend backend() {
    return backend;
  }

  @Override
  public int lowerDimension() {
    return d;
  }

  @Override
  public int upperDimension() {
    return m;
  }

  @Override
  public int lowerSamples() {
    return samples;
  }

  @Override
  public int upperSamples() {
    return samples;
  }

  /** The map's own gradient step {@code η = 2/(μ + L)}. */
  @Override
  public double mapStep() {
    return mapStep;
  }

  @Override
  public OptionalDouble contractionConstant() {
    return OptionalDouble.of(q);
  }

  /**
   * {@code ηL}: the noise is additive, so every sample's residual {@code I − Φ̂} has the linear
   * part {@code ηH}, of norm {@code ηL = 2L/(μ + L) < 2}.
   */
  @Override
  public OptionalDouble sampleResidualLipschitz() {
    return OptionalDouble.of(mapStep * lipschitz);
  }

  @Override
  public void map(DVector w, DVector lambda, Batch xi, DVector out) {
    backend.gemv(-mapStep, h, w, 0.0, out);
    backend.gemv(-mapStep, b, lambda, 1.0, out);
    backend.axpy(-mapStep, c, out);
    backend.axpy(1.0, w, out);
    addNoise(mapNoise, xi, out);
  }

  private void addNoise(DVector[] noiseRows, Batch batch, DVector out) {
    if (noise == 0.0 || samples == 1) {
      return;
    }
    double weight = 1.0 / batch.size();
    for (int k = 0; k < batch.size(); k++) {
      backend.axpy(weight, noiseRows[batch.index(k)], out);
    }
  }

  /** The map is affine: {@code ∂₁Φ̂ = I − ηH}, {@code ∂₂Φ̂ = −ηB} at every point. */
  @Override
  public Linearization linearization(Arena arena) {
    return new Linearization() {
      private boolean linearized;

      @Override
      public void linearize(DVector w, DVector lambda, Batch xi) {
        linearized = true;
      }

      @Override
      public void vjpW(DVector v, DVector out) {
        Linearization.requireLinearized(linearized, QuadraticProblem.this);
        backend.gemvT(-mapStep, h, v, 0.0, out);
        backend.axpy(1.0, v, out);
      }

      @Override
      public void vjpLambda(DVector v, DVector out) {
        Linearization.requireLinearized(linearized, QuadraticProblem.this);
        backend.gemvT(-mapStep, b, v, 0.0, out);
      }
    };
  }

  @Override
  public double objective(DVector w, DVector lambda, Batch zeta) {
    backend.gemv(0.5, p, w, 0.0, scratch);
    backend.axpy(1.0, pVector, scratch);
    double value = backend.dot(scratch, w);
    for (int i = 0; i < m; i++) {
      double li = lambda.get(i);
      value += 0.5 * rDiagonal[i] * li * li + rArray[i] * li;
    }
    return value;
  }

  @Override
  public void objectiveGradientW(DVector w, DVector lambda, Batch zeta, DVector out) {
    backend.copy(pVector, out);
    backend.gemv(1.0, p, w, 1.0, out);
    addNoise(gradientNoise, zeta, out);
  }

  @Override
  public void objectiveGradientLambda(DVector w, DVector lambda, Batch zeta, DVector out) {
    backend.copy(r, out);
    backend.gemv(1.0, rMatrix, lambda, 1.0, out);
  }

  /** {@code Ĝ(w, λ, ξ) = wᵀ(½Hw + Bλ + c − σ ē_ξ / η)}. */
  @Override
  public double lowerObjective(DVector w, DVector lambda, Batch xi) {
    backend.gemv(0.5, h, w, 0.0, lowerScratch);
    backend.gemv(1.0, b, lambda, 1.0, lowerScratch);
    backend.axpy(1.0, c, lowerScratch);
    if (noise != 0.0 && samples != 1) {
      // the map noise σ ē_ξ enters Φ̂ = w − η∇₁Ĝ as −η times a gradient: Ĝ gets −σ ē_ξᵀw / η
      double weight = -1.0 / (xi.size() * mapStep);
      for (int k = 0; k < xi.size(); k++) {
        backend.axpy(weight, mapNoise[xi.index(k)], lowerScratch);
      }
    }
    return backend.dot(lowerScratch, w);
  }

  /** {@code ∇₂Ĝ(w, λ, ξ) = Bᵀw} (the noise does not depend on {@code λ}). */
  @Override
  public void lowerObjectiveGradientLambda(DVector w, DVector lambda, Batch xi, DVector out) {
    backend.gemvT(1.0, b, w, 0.0, out);
  }

  @Override
  public void projectUpper(DVector lambda) {
    // Λ = R^m
  }

  /** The exact lower-level solution {@code w*(λ) = −H⁻¹(Bλ + c)}. */
  public double[] exactLowerSolution(double[] lambda) {
    double[] rhs = DenseSolver.multiply(bArray, d, m, lambda);
    for (int i = 0; i < d; i++) {
      rhs[i] = -(rhs[i] + cArray[i]);
    }
    return DenseSolver.solveSpd(hArray, d, rhs);
  }

  /** The exact hypergradient {@code ∇f(λ) = Rλ + r − BᵀH⁻¹(Pw* + p)}. */
  public double[] exactHypergradient(double[] lambda) {
    double[] wStar = exactLowerSolution(lambda);
    double[] gradW = DenseSolver.multiply(pArray, d, d, wStar);
    for (int i = 0; i < d; i++) {
      gradW[i] += pVectorArray[i];
    }
    double[] solved = DenseSolver.solveSpd(hArray, d, gradW);
    double[] out = DenseSolver.multiplyTransposed(bArray, d, m, solved);
    for (int i = 0; i < m; i++) {
      out[i] = rDiagonal[i] * lambda[i] + rArray[i] - out[i];
    }
    return out;
  }

  /** {@code ‖P‖_F}, an upper bound of the Lipschitz constant of {@code ∇₁E} in {@code w}. */
  public double gradientLipschitzBound() {
    return frobenius(pArray);
  }

  /** {@code η‖B‖_F}, an upper bound of {@code ‖∂₂Φ‖}. */
  public double mapLambdaJacobianBound() {
    return mapStep * frobenius(bArray);
  }

  private static double frobenius(double[] a) {
    double sum = 0;
    for (double x : a) {
      sum += x * x;
    }
    return Math.sqrt(sum);
  }

  /** Frees the problem's buffers. */
  @Override
  public void close() {
    arena.close();
  }
}
