package io.github.bilevel.bsgm.baselines;

import io.github.bilevel.bsgm.Batch;
import io.github.bilevel.bsgm.BilevelProblem;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.DVector;

/**
 * A one-dimensional problem whose map {@code Φ(w) = 2w + 1} is not a contraction (iterates
 * double), for the divergence guards; everything else is zero.
 */
final class ExpandingProblem implements BilevelProblem, AutoCloseable {

  private final Backend backend;

  ExpandingProblem(Backend backend) {
    this.backend = backend;
  }

  @Override
  public Backend backend() {
    return backend;
  }

  @Override
  public int lowerDimension() {
    return 1;
  }

  @Override
  public int upperDimension() {
    return 1;
  }

  @Override
  public int lowerSamples() {
    return 1;
  }

  @Override
  public int upperSamples() {
    return 1;
  }

  @Override
  public void map(DVector w, DVector lambda, Batch xi, DVector out) {
    out.set(0, 2 * w.get(0) + 1);
  }

  /** {@code ∂₁Φ̂ = 2}, {@code ∂₂Φ̂ = 0} at every point. */
  @Override
  public Linearization linearization(java.lang.foreign.Arena arena) {
    return new Linearization() {
      private boolean linearized;

      @Override
      public void linearize(DVector w, DVector lambda, Batch xi) {
        linearized = true;
      }

      @Override
      public void vjpW(DVector v, DVector out) {
        Linearization.requireLinearized(linearized, ExpandingProblem.this);
        out.set(0, 2 * v.get(0));
      }

      @Override
      public void vjpLambda(DVector v, DVector out) {
        Linearization.requireLinearized(linearized, ExpandingProblem.this);
        out.set(0, 0.0);
      }
    };
  }

  @Override
  public double objective(DVector w, DVector lambda, Batch zeta) {
    return 0;
  }

  @Override
  public void objectiveGradientW(DVector w, DVector lambda, Batch zeta, DVector out) {
    out.set(0, 0.0);
  }

  @Override
  public void objectiveGradientLambda(DVector w, DVector lambda, Batch zeta, DVector out) {
    out.set(0, 0.0);
  }

  @Override
  public void projectUpper(DVector lambda) {}

  @Override
  public void close() {}
}
