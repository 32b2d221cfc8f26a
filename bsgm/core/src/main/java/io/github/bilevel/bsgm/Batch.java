package io.github.bilevel.bsgm;

import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A mini-batch of sample indices ({@code ξ} or {@code ζ} draws), reused across draws so the
 * solvers' loops allocate nothing. Indices are drawn uniformly with replacement from a seeded
 * generator, so the same seed gives the same batches.
 */
public final class Batch {

  private final int[] indices;
  private int size;
  private boolean all;

  /** An empty batch able to hold {@code capacity} indices. */
  public Batch(int capacity) {
    if (capacity < 0) {
      throw new IllegalArgumentException("batch capacity must be >= 0, got " + capacity);
    }
    indices = new int[capacity];
  }

  /** How many indices the batch holds now. */
  public int size() {
    return size;
  }

  /** The most indices it can hold. */
  public int capacity() {
    return indices.length;
  }

  /** Index number {@code k} of the batch. */
  public int index(int k) {
    Objects.checkIndex(k, size);
    return indices[k];
  }

  /**
   * Replaces the batch by {@code count} independent uniform draws from {@code [0, population)}.
   *
   * @return this batch
   */
  public Batch draw(SplittableRandom random, int count, int population) {
    checkCount(count, population);
    for (int k = 0; k < count; k++) {
      indices[k] = random.nextInt(population);
    }
    size = count;
    all = false;
    return this;
  }

  /**
   * Replaces the batch by the given indices of a population of {@code population} samples.
   *
   * @return this batch
   */
  public Batch assign(int population, int... values) {
    checkCount(values.length, population);
    for (int k = 0; k < values.length; k++) {
      if (values[k] < 0 || values[k] >= population) {
        throw new IllegalArgumentException("index " + values[k] + " at position " + k
            + " is outside [0, " + population + ")");
      }
      indices[k] = values[k];
    }
    size = values.length;
    all = false;
    return this;
  }

  /** Replaces the batch by every index {@code 0 .. population - 1} (the deterministic case). */
  public Batch all(int population) {
    checkCount(population, population);
    for (int k = 0; k < population; k++) {
      indices[k] = k;
    }
    size = population;
    all = true;
    return this;
  }

  /**
   * Replaces this batch by a copy of {@code source} (indices and the full-batch mark), for a
   * holder that must keep a batch the caller may redraw.
   *
   * @throws IllegalArgumentException if {@code source} holds more indices than this capacity
   */
  public Batch copyFrom(Batch source) {
    if (source.size > indices.length) {
      throw new IllegalArgumentException("a batch of " + source.size
          + " indices does not fit a capacity of " + indices.length);
    }
    System.arraycopy(source.indices, 0, indices, 0, source.size);
    size = source.size;
    all = source.all;
    return this;
  }

  /**
   * {@code held} if it can hold a copy of {@code source}, otherwise a new batch that can (the
   * one allocation of a holder that meets a larger batch than before).
   */
  public static Batch withRoomFor(Batch held, Batch source) {
    return held != null && held.capacity() >= source.size() ? held : new Batch(source.size());
  }

  /** Whether the batch is every sample in order (set by {@link #all}): the full-batch case. */
  public boolean isAll() {
    return all;
  }

  private void checkCount(int count, int population) {
    if (population < 1) {
      throw new IllegalArgumentException("sample population must be >= 1, got " + population);
    }
    if (count < 1 || count > indices.length) {
      throw new IllegalArgumentException(
          "batch size must be in [1, " + indices.length + "], got " + count);
    }
  }

  /**
   * Fills {@code permutation} with a uniformly random permutation of {@code 0 .. length − 1}
   * (Fisher–Yates, drawing {@code length − 1} integers from {@code random}), for sampling
   * without replacement in epochs.
   */
  public static void shuffle(int[] permutation, SplittableRandom random) {
    for (int i = 0; i < permutation.length; i++) {
      permutation[i] = i;
    }
    for (int i = permutation.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int swap = permutation[i];
      permutation[i] = permutation[j];
      permutation[j] = swap;
    }
  }
}
