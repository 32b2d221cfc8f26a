package io.github.bilevel.bsgm.problems;

import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.DMatrix;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Sums an {@link Evaluation} over chunks of logits: the arg-max class of every row (ties to the
 * smaller index), and with labels the correct count and the cross-entropy. Shared by the
 * classifiers that score their rows chunk by chunk ({@link LinearSoftmax},
 * {@link EquilibriumEvaluation}).
 */
final class EvaluationTally {

  private final Backend backend;
  private final int[] labels;
  private final int[] predicted;
  private final MemorySegment chunkLabels;
  private double lossSum;
  private long correct;

  /**
   * @param chunk     the most rows one chunk has
   * @param labels    the labels of all rows, or null for predictions only
   * @param predicted receives the arg-max class of every row
   */
  EvaluationTally(Backend backend, Arena local, int chunk, int[] labels, int[] predicted) {
    this.backend = backend;
    this.labels = labels;
    this.predicted = predicted;
    this.chunkLabels = backend.labels(local, new int[chunk]);
  }

  /** Scores the logits {@code scores} of rows {@code from .. from + scores.rows() − 1}. */
  void add(DMatrix scores, int from) {
    int rows = scores.rows();
    int classes = scores.cols();
    for (int r = 0; r < rows; r++) {
      int best = 0;
      for (int k = 1; k < classes; k++) {
        if (scores.get(r, k) > scores.get(r, best)) {
          best = k;
        }
      }
      predicted[from + r] = best;
      if (labels != null) {
        chunkLabels.setAtIndex(ValueLayout.JAVA_INT, r, labels[from + r]);
        correct += best == labels[from + r] ? 1 : 0;
      }
    }
    if (labels != null) {
      lossSum += rows * backend.softmaxCrossEntropy(scores, chunkLabels, null);
    }
  }

  /** The mean loss and accuracy over {@code total} rows; NaN without labels or rows. */
  Evaluation result(int total) {
    return total == 0 || labels == null ? new Evaluation(Double.NaN, Double.NaN)
        : new Evaluation(lossSum / total, (double) correct / total);
  }
}
