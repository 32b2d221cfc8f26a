package io.github.bilevel.bsgm.data;

import io.github.bilevel.bsgm.io.Npy;
import io.github.bilevel.bsgm.io.NpyException;
import io.github.bilevel.kernels.Buffers;
import io.github.bilevel.kernels.DMatrix;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A classification data set in NumPy files: a directory holding {@value #TRAIN_FEATURES} (an
 * {@code n × p} float64 or float32 matrix), {@value #TRAIN_LABELS} ({@code n} labels),
 * {@value #TEST_FEATURES} and {@value #TEST_LABELS} (the same for the test set, with the same
 * {@code p}).
 *
 * <p>The labels are float64 or float32 arrays (what {@link Npy} reads; integer arrays are
 * rejected with a message saying how to convert them) whose values are exact integers in
 * {@code [0, classes)}; the number of classes is the largest label of both sets plus one unless
 * given. Features must be finite. Every problem is an {@link NpyException} naming the file and,
 * for a bad value, its row (and column) and the value.
 */
public final class NpyData {

  /** The training features' file name. */
  public static final String TRAIN_FEATURES = "train-x.npy";
  /** The training labels' file name. */
  public static final String TRAIN_LABELS = "train-y.npy";
  /** The test features' file name. */
  public static final String TEST_FEATURES = "test-x.npy";
  /** The test labels' file name. */
  public static final String TEST_LABELS = "test-y.npy";
  /** The most classes inferred from the labels (a larger label is taken for a mistake). */
  public static final int MAX_CLASSES = 1 << 16;

  private NpyData() {}

  /** Whether {@code directory} holds {@value #TRAIN_FEATURES} (and so is read by this class). */
  public static boolean isNpyDirectory(Path directory) {
    return Files.isRegularFile(directory.resolve(TRAIN_FEATURES));
  }

  /**
   * Loads both sets from {@code directory}, features in {@code arena}, with as many classes as
   * the largest label of either set plus one.
   */
  public static TrainTest load(Path directory, Arena arena) throws NpyException {
    return load(directory, 0, arena);
  }

  /**
   * Loads both sets from {@code directory}, features in {@code arena}.
   *
   * @param classes the number of classes, or 0 for the largest label plus one
   * @throws NpyException naming the file: missing or unreadable, a wrong dtype or rank, labels
   *     that are not integers in {@code [0, classes)} (naming index and value), a label count
   *     other than the number of rows, a non-finite feature (naming row and column), or test
   *     features with another number of columns than the training features
   */
  public static TrainTest load(Path directory, int classes, Arena arena) throws NpyException {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(arena, "arena");
    if (classes < 0) {
      throw new IllegalArgumentException("classes must be >= 1, or 0 to infer them, got "
          + classes);
    }
    Path trainX = directory.resolve(TRAIN_FEATURES);
    Path trainY = directory.resolve(TRAIN_LABELS);
    Path testX = directory.resolve(TEST_FEATURES);
    Path testY = directory.resolve(TEST_LABELS);
    Npy.Array trainFeatures = readFeatures(trainX);
    int[] trainLabels = readLabels(trainY, trainFeatures, classes);
    Npy.Array testFeatures = readFeatures(testX);
    if (testFeatures.cols() != trainFeatures.cols()) {
      throw new NpyException(testX, testX + " has " + testFeatures.cols()
          + " features (columns, shape " + testFeatures.shapeText() + ") but " + trainX
          + " has " + trainFeatures.cols() + " (shape " + trainFeatures.shapeText() + ")");
    }
    int[] testLabels = readLabels(testY, testFeatures, classes);
    int k = classes;
    if (k == 0) {
      for (int y : trainLabels) {
        k = Math.max(k, y + 1);
      }
      for (int y : testLabels) {
        k = Math.max(k, y + 1);
      }
    }
    return new TrainTest(dataset(trainFeatures, trainLabels, k, arena),
        dataset(testFeatures, testLabels, k, arena));
  }

  /** A 2-D matrix with at least one row and column, all values finite. */
  private static Npy.Array readFeatures(Path file) throws NpyException {
    Npy.Array a = Npy.readMatrix(file);
    if (a.rows() == 0 || a.cols() == 0) {
      throw new NpyException(file, file + " has shape " + a.shapeText()
          + "; a feature matrix needs at least one row (example) and one column (feature)");
    }
    double[] v = a.values();
    int p = a.cols();
    for (int i = 0; i < v.length; i++) {
      if (!Double.isFinite(v[i])) {
        throw new NpyException(file, file + " has a non-finite feature " + v[i] + " at row "
            + i / p + ", column " + i % p + "; features must be finite");
      }
    }
    return a;
  }

  /** As many integer labels as {@code features} has rows, each in {@code [0, classes)}. */
  private static int[] readLabels(Path file, Npy.Array features, int classes)
      throws NpyException {
    Npy.Array a = Npy.read(file, 1);
    if (a.rows() != features.rows()) {
      throw new NpyException(file, file + " holds " + a.rows() + " labels but "
          + features.file() + " has " + features.rows() + " rows (shape "
          + features.shapeText() + "); they must agree");
    }
    int limit = classes == 0 ? MAX_CLASSES : classes;
    double[] v = a.values();
    int[] labels = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      double y = v[i];
      if (!(y >= 0 && y < limit && y == Math.rint(y))) {
        String range = classes == 0 ? "[0, " + MAX_CLASSES + ") (classes are counted from 0)"
            : "[0, " + classes + ")";
        throw new NpyException(file, file + " has label " + y + " at index " + i
            + "; labels must be integers in " + range);
      }
      labels[i] = (int) y;
    }
    return labels;
  }

  private static Dataset dataset(Npy.Array features, int[] labels, int classes, Arena arena) {
    DMatrix x = Buffers.matrix(arena, features.rows(), features.cols())
        .copyFrom(features.values());
    return new Dataset(x, labels, classes);
  }
}
