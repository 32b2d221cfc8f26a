package io.github.bilevel.bsgm.problems;

import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.DMatrix;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The workspaces of one side (support or query) of a {@link MetaLearning} problem for a chunk
 * of tasks: the gathered rows {@code X}, labels, features {@code F = X R}, logits and their
 * gradients, with views of the first {@code c} tasks' rows for every {@code c}.
 */
final class MetaLearningPart {
  final int rowsPerTask;
  final DVector[] xRows;
  final MemorySegment labels;
  final DMatrix[] x;
  final DMatrix[] features;
  final DMatrix[] logits;
  final DMatrix[] gradient;
  final DMatrix[] probabilities;
  final DMatrix[] rowGradient;

  MetaLearningPart(Backend backend, Arena arena, int chunkTasks, int rowsPerTask, int p, int r, int n) {
    this.rowsPerTask = rowsPerTask;
    int rows = chunkTasks * rowsPerTask;
    DMatrix xWork = backend.matrix(arena, rows, p);
    xRows = xWork.rowViews();
    labels = Inputs.ints(backend, arena, rows);
    x = byTasks(xWork, chunkTasks, rowsPerTask);
    features = byTasks(backend.matrix(arena, rows, r), chunkTasks, rowsPerTask);
    logits = byTasks(backend.matrix(arena, rows, n), chunkTasks, rowsPerTask);
    gradient = byTasks(backend.matrix(arena, rows, n), chunkTasks, rowsPerTask);
    probabilities = byTasks(backend.matrix(arena, rows, n), chunkTasks, rowsPerTask);
    rowGradient = byTasks(backend.matrix(arena, rows, r), chunkTasks, rowsPerTask);
  }

  private static DMatrix[] byTasks(DMatrix work, int chunkTasks, int rowsPerTask) {
    DMatrix[] views = new DMatrix[chunkTasks + 1];
    for (int c = 0; c <= chunkTasks; c++) {
      views[c] = work.rowSlice(0, c * rowsPerTask);
    }
    return views;
  }
}
