package io.github.bilevel.bsgm.problems;

import io.github.bilevel.bsgm.data.Dataset;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.DMatrix;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;
import java.util.Objects;

/**
 * Prediction and evaluation of an {@link EquilibriumModel} on any examples: fixed-point steps
 * from {@code z = 0} in chunks of rows, with a workspace allocated per call.
 */
final class EquilibriumEvaluation {

  private final Backend backend;
  private final EquilibriumModel.Layout layout;
  private final EquilibriumKernels kernels;
  private final int p;
  private final int d;
  private final int classes;
  private final int maxBatch;

  EquilibriumEvaluation(Backend backend, EquilibriumModel.Layout layout, int maxBatch) {
    this.backend = backend;
    this.layout = layout;
    this.kernels = new EquilibriumKernels(backend, layout);
    this.p = layout.inputDimension();
    this.d = layout.stateDimension();
    this.classes = layout.classes();
    this.maxBatch = maxBatch;
  }

  /**
   * Runs {@code forwardSteps} fixed-point steps on every row of {@code x}, writes the arg-max
   * classes into {@code predicted}, and with labels {@code y} (null for none) returns the mean
   * cross-entropy and the accuracy.
   */
  Evaluation run(DVector lambda, DMatrix x, int[] y, int forwardSteps, int[] predicted) {
    layout.stateWeights(lambda); // checks λ
    Objects.requireNonNull(x, "x");
    if (x.cols() != p) {
      throw new IllegalArgumentException("x has " + x.cols() + " columns but the model takes "
          + p + " input features");
    }
    if (forwardSteps < 1) {
      throw new IllegalArgumentException("forwardSteps must be >= 1, got " + forwardSteps);
    }
    if (y != null) {
      Dataset.checkLabels(y, classes);
    }
    EquilibriumKernels.Blocks blocks = new EquilibriumKernels.Blocks();
    kernels.fill(blocks, lambda);
    int chunk = Math.min(maxBatch, Math.max(1, x.rows()));
    try (Arena local = Arena.ofConfined()) {
      DMatrix input = backend.matrix(local, chunk, d);
      DMatrix z = backend.matrix(local, chunk, d);
      DMatrix next = backend.matrix(local, chunk, d);
      DMatrix scores = backend.matrix(local, chunk, classes);
      DVector one = backend.vector(local, chunk);
      EvaluationTally tally = new EvaluationTally(backend, local, chunk, y, predicted);
      backend.fill(1.0, one);
      for (int from = 0; from < x.rows(); from += chunk) {
        int rows = Math.min(chunk, x.rows() - from);
        DMatrix xr = x.rowSlice(from, rows);
        DMatrix u = input.rowSlice(0, rows);
        DMatrix zr = z.rowSlice(0, rows);
        DMatrix nr = next.rowSlice(0, rows);
        DMatrix sr = scores.rowSlice(0, rows);
        DVector or = one.slice(0, rows);
        kernels.inputPart(xr, blocks, or, u);
        kernels.tanh(u, zr); // the first step from z = 0
        for (int step = 1; step < forwardSteps; step++) {
          kernels.forward(zr, blocks.a, u, nr);
          DMatrix swap = zr;
          zr = nr;
          nr = swap;
        }
        kernels.logits(zr, blocks, sr, or);
        tally.add(sr, from);
      }
      return tally.result(x.rows());
    }
  }

}
