package io.github.bilevel.bsgm.runner;

import io.github.bilevel.bsgm.data.Dataset;
import io.github.bilevel.bsgm.data.Datasets;
import io.github.bilevel.bsgm.data.Splits;
import io.github.bilevel.bsgm.data.TrainTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.nio.file.Path;

/**
 * The labelled images of the classification workloads: a pool to draw training and validation
 * sets from, and a test set. Read from the {@code data} option's directory ({@code .npy} files or
 * Fashion-MNIST's IDX files, see {@link Datasets#load}); tests give small synthetic sets.
 *
 * @param pool the examples that training and validation sets are drawn from
 * @param test the test examples
 */
record ClassificationData(Dataset pool, Dataset test) {

  /** A source of the data, read when an instance is made. */
  @FunctionalInterface
  interface Source {
    /**
     * The data with {@code poolSize} pool and {@code testSize} test examples at most needed,
     * stratified subsets drawn with {@code seed}, copied into {@code arena}.
     */
    ClassificationData load(int poolSize, int testSize, long seed, Arena arena);
  }

  /**
   * The data in {@code directory} ({@code .npy} or Fashion-MNIST's IDX files): stratified
   * subsets of {@code poolSize} training and {@code testSize} test images (the full sets are read into a scratch arena and freed).
   */
  static Source fashionMnist(String workload, Path directory) {
    return (poolSize, testSize, seed, arena) -> {
      try (Arena scratch = Arena.ofConfined()) {
        TrainTest data = Datasets.load(directory, scratch);
        Dataset train = data.train();
        Dataset test = data.test();
        check(workload, "training", poolSize, train.size());
        check(workload, "test", testSize, test.size());
        return new ClassificationData(Splits.stratifiedSubset(train, poolSize, seed, arena),
            Splits.stratifiedSubset(test, testSize, seed + 1, arena));
      } catch (IOException e) {
        throw new UncheckedIOException(workload + ": cannot read "
            + Datasets.describe(directory) + " from " + directory + ": " + e.getMessage(), e);
      }
    };
  }

  /** Stratified subsets of in-memory sets (for tests). */
  static Source of(String workload, Dataset pool, Dataset test) {
    return (poolSize, testSize, seed, arena) -> {
      check(workload, "training", poolSize, pool.size());
      check(workload, "test", testSize, test.size());
      return new ClassificationData(Splits.stratifiedSubset(pool, poolSize, seed, arena),
          Splits.stratifiedSubset(test, testSize, seed + 1, arena));
    };
  }

  private static void check(String workload, String part, int wanted, int available) {
    if (wanted > available) {
      throw new IllegalArgumentException(workload + " needs " + wanted + " " + part
          + " examples but the data has " + available + ": lower the sizes (n_train, n_val, "
          + "n_poison, n_test)");
    }
  }
}
