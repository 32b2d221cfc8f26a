package io.github.bilevel.bsgm.data;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Stratified, seeded splits and subsets of a {@link Dataset}: every class keeps its share of the
 * examples (up to rounding: the per-class counts are the largest-remainder apportionment of the
 * requested size, so they add up exactly), and the same seed gives the same examples. Selected
 * examples keep their original order.
 */
public final class Splits {

  private Splits() {}

  /** A training set and a validation set drawn from one data set, disjoint. */
  public record Split(Dataset train, Dataset validation) {}

  /**
   * Splits {@code data} into a validation set of {@code validationSize} examples and a training
   * set of the rest, both stratified by class; the new feature matrices are copies in
   * {@code arena}.
   */
  public static Split stratifiedSplit(Dataset data, int validationSize, long seed, Arena arena) {
    Objects.requireNonNull(data, "data");
    if (validationSize < 0 || validationSize > data.size()) {
      throw new IllegalArgumentException("validation size must lie in [0, " + data.size()
          + "], got " + validationSize);
    }
    boolean[] inValidation = choose(data, validationSize, seed);
    int[] validation = new int[validationSize];
    int[] train = new int[data.size() - validationSize];
    int v = 0;
    int t = 0;
    for (int i = 0; i < data.size(); i++) {
      if (inValidation[i]) {
        validation[v++] = i;
      } else {
        train[t++] = i;
      }
    }
    return new Split(data.select(train, arena), data.select(validation, arena));
  }

  /**
   * Splits {@code data} into stratified, disjoint training and validation sets of the given
   * sizes (their sum at most {@code data.size()}; for quick runs on a subset).
   */
  public static Split stratifiedSplit(Dataset data, int trainSize, int validationSize,
      long seed, Arena arena) {
    Objects.requireNonNull(data, "data");
    if (trainSize < 0 || validationSize < 0
        || (long) trainSize + validationSize > data.size()) {
      throw new IllegalArgumentException("train and validation sizes must be >= 0 with a sum"
          + " of at most " + data.size() + ", got " + trainSize + " + " + validationSize);
    }
    boolean[] chosen = choose(data, trainSize + validationSize, seed);
    int[] pool = indices(chosen);
    // Stratify the pool again, so both parts keep the class shares.
    int[] poolLabels = new int[pool.length];
    for (int r = 0; r < pool.length; r++) {
      poolLabels[r] = data.label(pool[r]);
    }
    boolean[] inValidation = choose(poolLabels, data.classes(), validationSize,
        new SplittableRandom(seed).split());
    int[] validation = new int[validationSize];
    int[] train = new int[trainSize];
    int v = 0;
    int t = 0;
    for (int r = 0; r < pool.length; r++) {
      if (inValidation[r]) {
        validation[v++] = pool[r];
      } else {
        train[t++] = pool[r];
      }
    }
    return new Split(data.select(train, arena), data.select(validation, arena));
  }

  /** A stratified subset of {@code size} examples of {@code data}, copied into {@code arena}. */
  public static Dataset stratifiedSubset(Dataset data, int size, long seed, Arena arena) {
    Objects.requireNonNull(data, "data");
    if (size < 0 || size > data.size()) {
      throw new IllegalArgumentException("subset size must lie in [0, " + data.size()
          + "], got " + size);
    }
    return data.select(indices(choose(data, size, seed)), arena);
  }

  /**
   * How many examples of each class a stratified sample of {@code size} out of classes of sizes
   * {@code counts} takes: {@code size · counts[c] / n} rounded by largest remainders (ties to
   * the smaller class index), never more than {@code counts[c]}.
   */
  public static int[] apportion(int[] counts, int size) {
    long n = 0;
    for (int c : counts) {
      n += c;
    }
    if (size < 0 || size > n) {
      throw new IllegalArgumentException("cannot take " + size + " of " + n + " examples");
    }
    int[] take = new int[counts.length];
    double[] remainder = new double[counts.length];
    long assigned = 0;
    for (int c = 0; c < counts.length; c++) {
      double exact = n == 0 ? 0 : (double) size * counts[c] / n;
      take[c] = (int) Math.floor(exact);
      remainder[c] = exact - take[c];
      assigned += take[c];
    }
    Integer[] order = new Integer[counts.length];
    for (int c = 0; c < order.length; c++) {
      order[c] = c;
    }
    Arrays.sort(order, (a, b) -> Double.compare(remainder[b], remainder[a]));
    for (int r = 0; assigned < size; r = (r + 1) % order.length) {
      int c = order[r];
      if (take[c] < counts[c]) {
        take[c]++;
        assigned++;
      }
    }
    return take;
  }

  private static boolean[] choose(Dataset data, int size, long seed) {
    return choose(data.labels(), data.classes(), size, new SplittableRandom(seed));
  }

  /** Marks a stratified random {@code size} of the examples with the given labels. */
  private static boolean[] choose(int[] labels, int classes, int size, SplittableRandom random) {
    List<List<Integer>> byClass = new ArrayList<>(classes);
    for (int c = 0; c < classes; c++) {
      byClass.add(new ArrayList<>());
    }
    for (int i = 0; i < labels.length; i++) {
      byClass.get(labels[i]).add(i);
    }
    int[] counts = new int[classes];
    for (int c = 0; c < classes; c++) {
      counts[c] = byClass.get(c).size();
    }
    int[] take = apportion(counts, size);
    boolean[] chosen = new boolean[labels.length];
    for (int c = 0; c < classes; c++) {
      List<Integer> members = byClass.get(c);
      // partial Fisher–Yates: the first take[c] positions become a uniform sample
      for (int k = 0; k < take[c]; k++) {
        int j = k + random.nextInt(members.size() - k);
        Integer swap = members.get(k);
        members.set(k, members.get(j));
        members.set(j, swap);
        chosen[members.get(k)] = true;
      }
    }
    return chosen;
  }

  private static int[] indices(boolean[] chosen) {
    int count = 0;
    for (boolean b : chosen) {
      count += b ? 1 : 0;
    }
    int[] out = new int[count];
    int r = 0;
    for (int i = 0; i < chosen.length; i++) {
      if (chosen[i]) {
        out[r++] = i;
      }
    }
    return out;
  }
}
