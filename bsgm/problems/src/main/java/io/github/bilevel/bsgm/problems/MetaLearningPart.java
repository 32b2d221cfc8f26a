package io.github.bilevel.bsgm.problems;

import io.github.bilevel.bsgm.Batch;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.DMatrix;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The workspaces of one side (support or query) of a {@link MetaLearning} problem for a chunk
 * of tasks: the gathered rows {@code X}, labels, features {@code F = X R}, logits and their
 * gradients, with views of the first {@code c} tasks' rows for every {@code c}.
 */
final class MetaLearningPart {
  /** Tasks this workspace holds at once. */
  final int tasks;
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
    this.tasks = chunkTasks;
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

  /**
   * Most support rows a linearization keeps gathered with their features (8192 rows of
   * {@code p} doubles: 51 MB at {@code p = 784}); larger batches are processed in chunks.
   */
  static final int LINEARIZATION_ROWS = 8192;

  /**
   * Tasks of a linearization's workspace: the whole batch of {@code maxTasks}, so that rows are
   * gathered and features evaluated once per {@code (λ, B)}, up to {@link #LINEARIZATION_ROWS}
   * rows (and at least the problem's chunk).
   */
  static int linearizationCapacity(int maxTasks, int chunkTasks, int rowsPerTask) {
    return Math.min(maxTasks, Math.max(chunkTasks, LINEARIZATION_ROWS / rowsPerTask));
  }

  private static DMatrix[] byTasks(DMatrix work, int chunkTasks, int rowsPerTask) {
    DMatrix[] views = new DMatrix[chunkTasks + 1];
    for (int c = 0; c <= chunkTasks; c++) {
      views[c] = work.rowSlice(0, c * rowsPerTask);
    }
    return views;
  }

  /** {@code dst ← rows firstRow .. firstRow + rows − 1} of {@code m} (rows without gaps). */
  static void read(DMatrix m, int firstRow, int rows, double[] dst) {
    MemorySegment.copy(m.segment(), ValueLayout.JAVA_DOUBLE_UNALIGNED, m.byteOffset(firstRow, 0),
        dst, 0, rows * m.cols());
  }

  /** Rows {@code firstRow ..} of {@code m} ← {@code src} (rows without gaps). */
  static void write(double[] src, DMatrix m, int firstRow, int rows) {
    MemorySegment.copy(src, 0, m.segment(), ValueLayout.JAVA_DOUBLE_UNALIGNED,
        m.byteOffset(firstRow, 0), rows * m.cols());
  }

  /** Gathers the rows of the chunk's tasks into this workspace; returns the chunk's task count. */
  int gather(Backend backend, FewShotTasks tasks, DVector[] exampleRows, boolean isSupport,
      Batch batch, int start, int chunkTasks) {
    int count = Math.min(chunkTasks, batch.size() - start);
    for (int b = 0; b < count; b++) {
      int task = batch.index(start + b);
      if (task >= tasks.tasks()) {
        throw new IllegalArgumentException("task index " + task + " is outside [0, "
            + tasks.tasks() + ")");
      }
      for (int j = 0; j < rowsPerTask; j++) {
        int row = b * rowsPerTask + j;
        int example = isSupport ? tasks.supportIndex(task, j) : tasks.queryIndex(task, j);
        int label = isSupport ? tasks.supportLabel(task, j) : tasks.queryLabel(task, j);
        backend.copy(exampleRows[example], xRows[row]);
        Inputs.setInt(labels, row, label);
      }
    }
    return count;
  }
}
