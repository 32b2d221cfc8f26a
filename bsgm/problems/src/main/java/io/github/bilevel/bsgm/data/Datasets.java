package io.github.bilevel.bsgm.data;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The one place the workloads read a data directory: NumPy files ({@link NpyData}) where the
 * directory holds {@value NpyData#TRAIN_FEATURES}, MNIST-format IDX files
 * ({@link FashionMnist}) otherwise.
 */
public final class Datasets {

  private Datasets() {}

  /**
   * The training and test sets of {@code directory}, features in {@code arena}: from
   * {@code .npy} files if it holds {@value NpyData#TRAIN_FEATURES}, else from IDX files.
   *
   * @throws IOException naming the missing or bad file (for the default Fashion-MNIST
   *     directory, saying which package installs it)
   */
  public static TrainTest load(Path directory, Arena arena) throws IOException {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(arena, "arena");
    if (NpyData.isNpyDirectory(directory)) {
      return NpyData.load(directory, arena);
    }
    return new TrainTest(FashionMnist.loadTrain(directory, arena),
        FashionMnist.loadTest(directory, arena));
  }

  /** What {@link #load} reads in {@code directory}, for messages. */
  public static String describe(Path directory) {
    return NpyData.isNpyDirectory(directory) ? "the .npy data" : "Fashion-MNIST";
  }
}
