package io.github.bilevel.bsgm.problems;

import io.github.bilevel.bsgm.Batch;
import io.github.bilevel.bsgm.SeparableProblem.SeparableLinearization;
import io.github.bilevel.kernels.Checks;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.DMatrix;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;

/**
 * The linearization of a {@link MetaLearning} problem. {@link #fix} copies {@code R} and the
 * batch and, when the batch fits one chunk of tasks, gathers the support rows and evaluates the
 * features {@code F_S = X_S R} (the GEMM) once into its own workspace, which {@link #map} and
 * the products then reuse; {@link #linearize} copies the heads. The per-task softmax of the
 * support logits (small loops) is evaluated in each call. A batch of several chunks gathers
 * each chunk in each call.
 */
final class MetaLearningLinearization implements SeparableLinearization {

  private final MetaLearning problem;
  private final Backend backend;
  private final MetaLearningPart part;
  private final DVector lambda;
  private final DMatrix states;
  private final Batch tasks;
  private final int maxTasks;
  private boolean fixed;
  private boolean reuse;
  private boolean linearized;

  MetaLearningLinearization(MetaLearning problem, Arena arena, int maxTasks) {
    if (maxTasks < 1) {
      throw new IllegalArgumentException("maxTasks must be >= 1, got " + maxTasks);
    }
    this.problem = problem;
    this.backend = problem.backend();
    this.maxTasks = maxTasks;
    part = problem.supportPart(arena, maxTasks);
    lambda = backend.vector(arena, problem.upperDimension());
    states = backend.matrix(arena, maxTasks, problem.stateDimension());
    tasks = new Batch(maxTasks);
  }

  @Override
  public void fix(DVector lambda, Batch batch) {
    fixed = false;
    linearized = false;
    if (batch.size() > maxTasks) {
      throw new IllegalArgumentException("a batch of " + batch.size() + " tasks does not fit"
          + " this linearization (1 to " + maxTasks + " tasks)");
    }
    Checks.checkLength("lambda", lambda, problem.upperDimension());
    backend.copy(lambda, this.lambda);
    tasks.copyFrom(batch);
    reuse = problem.prepareSupport(part, this.lambda, tasks);
    fixed = true;
  }

  @Override
  public void map(DMatrix z, DMatrix out) {
    SeparableLinearization.require(fixed, "fix(λ, tasks)", problem);
    problem.map(part, reuse, z, lambda, tasks, out);
  }

  @Override
  public void linearize(DMatrix z) {
    SeparableLinearization.require(fixed, "fix(λ, tasks)", problem);
    if (z.cols() != states.cols() || z.rows() < tasks.size()) {
      throw new IllegalArgumentException("states must have " + states.cols() + " columns and"
          + " at least |B| = " + tasks.size() + " rows, got " + z.rows() + "x" + z.cols());
    }
    for (int r = 0; r < tasks.size(); r++) {
      backend.copy(z.row(r), states.row(r));
    }
    linearized = true;
  }

  @Override
  public void vjpState(DMatrix v, DMatrix out) {
    SeparableLinearization.require(linearized, "linearize(states)", problem);
    problem.vjpState(part, reuse, states, lambda, tasks, v, out);
  }

  @Override
  public void vjpLambda(DMatrix v, DVector out) {
    SeparableLinearization.require(linearized, "linearize(states)", problem);
    problem.vjpLambda(part, reuse, states, lambda, tasks, v, out);
  }
}
