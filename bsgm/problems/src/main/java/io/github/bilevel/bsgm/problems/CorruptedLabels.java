package io.github.bilevel.bsgm.problems;

import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A label vector with a chosen fraction of its labels corrupted, remembering which: the
 * training set of {@link HyperCleaning}. Exactly {@code round(rate · n)} examples, chosen
 * uniformly without replacement, get a label drawn uniformly from the {@code k − 1} other
 * classes (a corrupted label is always wrong). The same seed gives the same corruption.
 */
public final class CorruptedLabels {

  private final int[] labels;
  private final boolean[] corrupted;
  private final int count;

  private CorruptedLabels(int[] labels, boolean[] corrupted, int count) {
    this.labels = labels;
    this.corrupted = corrupted;
    this.count = count;
  }

  /**
   * Corrupts {@code round(rate · n)} of {@code labels} (which is not modified).
   *
   * @param labels  clean labels in {@code [0, classes)}
   * @param classes {@code k ≥ 2}
   * @param rate    the fraction to corrupt, in {@code [0, 1]}
   * @param seed    the seed of the draws
   * @throws IllegalArgumentException for a rate outside {@code [0, 1]} (or NaN), fewer than two
   *     classes, or a label outside {@code [0, classes)}
   */
  public static CorruptedLabels corrupt(int[] labels, int classes, double rate, long seed) {
    Inputs.checkClasses(classes);
    if (!(rate >= 0 && rate <= 1)) {
      throw new IllegalArgumentException("the corruption rate must lie in [0, 1], got " + rate);
    }
    int[] noisy = Inputs.checkLabels("labels", labels, -1, classes);
    int n = noisy.length;
    int count = (int) Math.round(rate * n);
    SplittableRandom random = new SplittableRandom(seed);
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    boolean[] corrupted = new boolean[n];
    for (int c = 0; c < count; c++) {                  // partial Fisher–Yates
      int pick = c + random.nextInt(n - c);
      int i = order[pick];
      order[pick] = order[c];
      order[c] = i;
      int other = random.nextInt(classes - 1);         // uniform over the k − 1 wrong classes
      noisy[i] = other >= labels[i] ? other + 1 : other;
      corrupted[i] = true;
    }
    return new CorruptedLabels(noisy, corrupted, count);
  }

  /** The labels after corruption (a copy). */
  public int[] labels() {
    return labels.clone();
  }

  /** Which labels were corrupted (a copy). */
  public boolean[] corrupted() {
    return corrupted.clone();
  }

  /** Whether label {@code i} was corrupted. */
  public boolean isCorrupted(int i) {
    Objects.checkIndex(i, corrupted.length);
    return corrupted[i];
  }

  /** How many labels were corrupted. */
  public int count() {
    return count;
  }

  /** Number of labels. */
  public int size() {
    return labels.length;
  }
}
