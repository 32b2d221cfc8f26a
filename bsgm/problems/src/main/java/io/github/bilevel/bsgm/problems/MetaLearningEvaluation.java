package io.github.bilevel.bsgm.problems;

import io.github.bilevel.bsgm.Batch;
import io.github.bilevel.bsgm.SeparableProblem.SeparableLinearization;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.DMatrix;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;

/** Meta-test evaluation of a {@link MetaLearning} representation on its whole task pool. */
final class MetaLearningEvaluation {

  private MetaLearningEvaluation() {}

  /**
   * {@link MetaLearning#evaluate}: chunk by chunk of tasks, {@code lowerSteps} head steps
   * through a linearization fixed at {@code (R, chunk)} (the support features evaluated once per
   * chunk), then the query loss and accuracy.
   */
  static MetaLearning.Evaluation evaluate(MetaLearning problem, DVector lambda, int lowerSteps,
      int chunkTasks) {
    if (lowerSteps < 0) {
      throw new IllegalArgumentException("lowerSteps must be >= 0, got " + lowerSteps);
    }
    Backend backend = problem.backend();
    int tasks = problem.tasks();
    try (Arena scratch = Arena.ofConfined()) {
      DMatrix states = backend.matrix(scratch, chunkTasks, problem.stateDimension());
      DMatrix phi = backend.matrix(scratch, chunkTasks, problem.stateDimension());
      SeparableLinearization heads = problem.linearization(scratch, chunkTasks);
      Batch chunk = new Batch(chunkTasks);
      double loss = 0;
      double accuracy = 0;
      double residual = 0;
      for (int start = 0; start < tasks; start += chunkTasks) {
        int count = Math.min(chunkTasks, tasks - start);
        int[] indices = new int[count];
        for (int b = 0; b < count; b++) {
          indices[b] = start + b;
        }
        chunk.assign(tasks, indices);
        DVector z = states.rowSlice(0, count).asVector();
        DVector next = phi.rowSlice(0, count).asVector();
        backend.fill(0.0, z);
        heads.fix(lambda, chunk);
        double last = 0;
        for (int i = 0; i < lowerSteps; i++) {
          heads.map(states, phi);
          last = backend.kmStepResidual(1.0, next, z);
          if (!Double.isFinite(last)) {
            throw new ArithmeticException("the head solver diverged at step " + i);
          }
        }
        residual = Math.max(residual, last);
        loss += count * problem.objective(states, lambda, chunk);
        accuracy += count * problem.queryAccuracy(states, lambda, chunk);
      }
      return new MetaLearning.Evaluation(loss / tasks, accuracy / tasks, residual);
    }
  }
}
