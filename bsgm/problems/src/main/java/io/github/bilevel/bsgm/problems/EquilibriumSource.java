package io.github.bilevel.bsgm.problems;

import io.github.bilevel.bsgm.SeparableProblemSource;
import io.github.bilevel.bsgm.data.Dataset;
import io.github.bilevel.bsgm.data.Datasets;
import io.github.bilevel.bsgm.data.Splits;
import io.github.bilevel.bsgm.data.TrainTest;
import io.github.bilevel.kernels.Backend;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Path;

/**
 * The equilibrium model of {@code bin/bsgm run equilibrium} as a {@link SeparableProblemSource}:
 * a seeded stratified split of the training images into {@code nTrain} training and
 * {@code nValidation} validation examples, and {@link EquilibriumModel} on the training part.
 * The runner (one JVM) and a cluster's executors build it with the same code.
 *
 * @param data        the data directory (IDX or {@code .npy}, {@link Datasets}), or a URI a
 *                    cluster copies from
 * @param nTrain      training examples
 * @param nValidation validation examples
 * @param d           the state dimension
 * @param maxBatch    the model's largest batch
 */
public record EquilibriumSource(String data, int nTrain, int nValidation, int d, int maxBatch)
    implements SeparableProblemSource {

  private static final long SPLIT_SEED = 1L;

  /**
   * The example sets.
   *
   * @param train      the training examples (the lower-level tasks)
   * @param validation the validation examples
   * @param test       the test set
   */
  public record Sets(Dataset train, Dataset validation, Dataset test) {}

  /** The data of {@code directory} split into training, validation and test sets. */
  public Sets sets(Path directory, Arena arena) throws IOException {
    TrainTest loaded = Datasets.load(directory, arena);
    Splits.Split split = Splits.stratifiedSplit(loaded.train(), nTrain, nValidation, SPLIT_SEED,
        arena);
    return new Sets(split.train(), split.validation(), loaded.test());
  }

  /** The model on the training examples {@code train} of {@link #sets}. */
  public EquilibriumModel problem(Backend backend, Dataset train) {
    return new EquilibriumModel(backend, train, d, maxBatch);
  }

  @Override
  public Opened open(Backend backend, Path directory) throws IOException {
    Arena arena = Arena.ofShared();
    try {
      EquilibriumModel model = problem(backend, sets(directory, arena).train());
      return new Opened() {
        @Override
        public EquilibriumModel problem() {
          return model;
        }

        @Override
        public void close() {
          model.close();
          arena.close();
        }
      };
    } catch (IOException | RuntimeException e) {
      arena.close();
      throw e;
    }
  }
}
