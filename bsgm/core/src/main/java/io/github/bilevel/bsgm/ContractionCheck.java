package io.github.bilevel.bsgm;

import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;
import java.util.SplittableRandom;

/**
 * A one-off check, before a run, that the lower-level map is a contraction: power iteration on
 * the full-batch {@code ∂₁Φ(w, λ)ᵀ} (through the problem's VJP) estimates its spectral radius,
 * a lower bound of the contraction constant {@code q}. An estimate {@code ≥ 1} proves the map is
 * not a contraction at {@code (w, λ)}, and is reported as an error rather than left to produce
 * a silent wrong answer.
 */
public final class ContractionCheck {

  private ContractionCheck() {}

  /**
   * The power-iteration estimate of the spectral radius of {@code ∂₁Φ(w, λ)}.
   *
   * @param iterations power iterations, {@code >= 1}
   * @param seed       seed of the random start vector
   */
  public static double estimate(BilevelProblem problem, DVector w, DVector lambda,
      int iterations, long seed) {
    if (iterations < 1) {
      throw new IllegalArgumentException("iterations must be >= 1, got " + iterations);
    }
    Backend backend = problem.backend();
    int d = problem.lowerDimension();
    Batch all = new Batch(problem.lowerSamples()).all(problem.lowerSamples());
    try (Arena arena = Arena.ofConfined()) {
      DVector v = backend.vector(arena, d);
      DVector next = backend.vector(arena, d);
      BilevelProblem.Linearization linearization = problem.linearization(arena);
      linearization.linearize(w, lambda, all);
      SplittableRandom random = new SplittableRandom(seed);
      for (int i = 0; i < d; i++) {
        v.set(i, random.nextGaussian());
      }
      double estimate = 0;
      for (int i = 0; i < iterations; i++) {
        double norm = backend.nrm2(v);
        if (norm == 0) {
          return 0; // v fell in the kernel: the map is constant along it
        }
        backend.scal(1 / norm, v);
        linearization.vjpW(v, next);
        estimate = backend.nrm2(next);
        backend.copy(next, v);
      }
      return estimate;
    }
  }

  /**
   * Throws unless the estimate is below 1.
   *
   * @return the estimate
   * @throws IllegalStateException naming the estimate when it is {@code >= 1} or not finite
   */
  public static double requireContraction(BilevelProblem problem, DVector w, DVector lambda,
      int iterations, long seed) {
    double q = estimate(problem, w, lambda, iterations, seed);
    if (!(q < 1)) {
      throw new IllegalStateException("the lower-level map is not a contraction: power iteration"
          + " on ∂₁Φᵀ estimates its spectral radius at " + q + " >= 1 (reduce the map's step,"
          + " or add regularization)");
    }
    return q;
  }
}
