package io.github.bilevel.bench;

import io.github.bilevel.bsgm.Batch;
import io.github.bilevel.bsgm.BilevelProblem;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/**
 * A {@link BilevelProblem} that delegates every call and records the sample indices of the
 * batches it is given, in call order: the mini-batches of each map evaluation ({@code ξ_i} of the
 * lower-level solver), of each upper-level gradient ({@code ζ}) and of each linearization
 * ({@code ξ'_i} of the linear system, then {@code ξ''} of the final product). {@link PeerReference}
 * exports them so that a peer can evaluate the same mini-batch SID estimate as {@code Sid}.
 */
final class RecordingProblem implements BilevelProblem {

  private final BilevelProblem problem;
  /** The batch of every {@link #map} call. */
  final List<int[]> mapBatches = new ArrayList<>();
  /** The batch of every {@link #objectiveGradientW} call. */
  final List<int[]> upperBatches = new ArrayList<>();
  /** The batch of every {@code linearize} call of every linearization made here. */
  final List<int[]> linearizeBatches = new ArrayList<>();

  RecordingProblem(BilevelProblem problem) {
    this.problem = problem;
  }

  private static int[] indices(Batch batch) {
    int[] out = new int[batch.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = batch.index(i);
    }
    return out;
  }

  @Override
  public Backend backend() {
    return problem.backend();
  }

  @Override
  public int lowerDimension() {
    return problem.lowerDimension();
  }

  @Override
  public int upperDimension() {
    return problem.upperDimension();
  }

  @Override
  public int lowerSamples() {
    return problem.lowerSamples();
  }

  @Override
  public int upperSamples() {
    return problem.upperSamples();
  }

  @Override
  public void map(DVector w, DVector lambda, Batch xi, DVector out) {
    mapBatches.add(indices(xi));
    problem.map(w, lambda, xi, out);
  }

  @Override
  public Linearization linearization(Arena arena) {
    Linearization inner = problem.linearization(arena);
    return new Linearization() {
      @Override
      public void linearize(DVector w, DVector lambda, Batch xi) {
        linearizeBatches.add(indices(xi));
        inner.linearize(w, lambda, xi);
      }

      @Override
      public void vjpW(DVector v, DVector out) {
        inner.vjpW(v, out);
      }

      @Override
      public void vjpLambda(DVector v, DVector out) {
        inner.vjpLambda(v, out);
      }
    };
  }

  @Override
  public double objective(DVector w, DVector lambda, Batch zeta) {
    return problem.objective(w, lambda, zeta);
  }

  @Override
  public void objectiveGradientW(DVector w, DVector lambda, Batch zeta, DVector out) {
    upperBatches.add(indices(zeta));
    problem.objectiveGradientW(w, lambda, zeta, out);
  }

  @Override
  public void objectiveGradientLambda(DVector w, DVector lambda, Batch zeta, DVector out) {
    problem.objectiveGradientLambda(w, lambda, zeta, out);
  }

  @Override
  public void projectUpper(DVector lambda) {
    problem.projectUpper(lambda);
  }

  @Override
  public OptionalDouble contractionConstant() {
    return problem.contractionConstant();
  }

  @Override
  public OptionalDouble sampleResidualLipschitz() {
    return problem.sampleResidualLipschitz();
  }
}
