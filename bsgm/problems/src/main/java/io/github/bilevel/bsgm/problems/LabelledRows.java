package io.github.bilevel.bsgm.problems;

import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.DMatrix;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A labelled data set held by a problem: the rows (a private dense copy), their labels (on the
 * heap, and as 32-bit integers off-heap for the softmax cross-entropy kernel), both off-heap
 * copies in the backend's memory, and the views of its consecutive chunks of {@code chunkRows}
 * rows, made once, which a full-batch pass uses without copying.
 */
final class LabelledRows {

  final DMatrix data;
  final DVector[] rows;
  final int[] labels;
  final MemorySegment labelSegment;
  final DMatrix[] chunks;
  final MemorySegment[] labelChunks;

  LabelledRows(Backend backend, Arena arena, String name, DMatrix source, int[] labels, int cols, int classes,
      int chunkRows) {
    this.labels = Inputs.checkLabels(name + " labels", labels, -1, classes);
    this.data = Inputs.copyFinite(backend, arena, name, source, labels.length, cols);
    this.rows = data.rowViews();
    labelSegment = Inputs.ints(backend, arena, labels.length);
    MemorySegment.copy(labels, 0, labelSegment, ValueLayout.JAVA_INT, 0, labels.length);
    int count = (labels.length + chunkRows - 1) / chunkRows;
    chunks = new DMatrix[count];
    labelChunks = new MemorySegment[count];
    for (int c = 0; c < count; c++) {
      int from = c * chunkRows;
      int size = Math.min(chunkRows, labels.length - from);
      chunks[c] = data.rowSlice(from, size);
      labelChunks[c] = labelSegment.asSlice((long) from * Integer.BYTES,
          (long) size * Integer.BYTES);
    }
  }

  /** Number of rows. */
  int size() {
    return labels.length;
  }

  /** Number of features (columns). */
  int features() {
    return data.cols();
  }
}
