package io.github.bilevel.bsgm.data;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Fashion-MNIST (Xiao, Rasul, Vollgraf 2017): 60000 training and 10000 test images of 28×28
 * grey pixels in 10 balanced classes, read from the four IDX files of a directory (by default
 * {@value #DEFAULT_DIRECTORY_NAME}, where Debian's package {@code dataset-fashion-mnist} puts
 * them). Any MNIST-format directory loads the same way.
 *
 * <p>In a directory the files are {@code train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte},
 * {@code t10k-images-idx3-ubyte}, {@code t10k-labels-idx1-ubyte}, each with or without
 * {@code .gz} (the name with {@code .gz} is tried first; the content decides whether it is
 * decompressed), or with a dot before {@code idx} as some MNIST mirrors name them.
 *
 * @param train the training set (60000 examples for Fashion-MNIST)
 * @param test  the test set (10000 examples)
 */
public record FashionMnist(Dataset train, Dataset test) {

  /** Where Debian's {@code dataset-fashion-mnist} installs the files. */
  public static final String DEFAULT_DIRECTORY_NAME = "/usr/share/datasets/fashion-mnist/";

  /** {@link #DEFAULT_DIRECTORY_NAME} as a path. */
  public static final Path DEFAULT_DIRECTORY = Path.of(DEFAULT_DIRECTORY_NAME);

  /** The number of classes. */
  public static final int CLASSES = 10;

  /** The class names, by label. */
  public static final List<String> CLASS_NAMES = List.of("T-shirt/top", "Trouser", "Pullover",
      "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

  public FashionMnist {
    Objects.requireNonNull(train, "train");
    Objects.requireNonNull(test, "test");
  }

  /** Loads both sets from {@link #DEFAULT_DIRECTORY}, features allocated in {@code arena}. */
  public static FashionMnist load(Arena arena) throws IOException {
    return load(DEFAULT_DIRECTORY, arena);
  }

  /** Loads both sets from {@code directory}, features allocated in {@code arena}. */
  public static FashionMnist load(Path directory, Arena arena) throws IOException {
    return new FashionMnist(loadPart(directory, "train", arena), loadPart(directory, "t10k", arena));
  }

  /** Loads the training set ({@code train-*}) of {@code directory}. */
  public static Dataset loadTrain(Path directory, Arena arena) throws IOException {
    return loadPart(directory, "train", arena);
  }

  /** Loads the test set ({@code t10k-*}) of {@code directory}. */
  public static Dataset loadTest(Path directory, Arena arena) throws IOException {
    return loadPart(directory, "t10k", arena);
  }

  /** Whether the four files are present in {@code directory} (for tests that need them). */
  public static boolean isAvailable(Path directory) {
    for (String prefix : List.of("train", "t10k")) {
      for (String kind : List.of("images-idx3", "labels-idx1")) {
        if (find(directory, prefix, kind) == null) {
          return false;
        }
      }
    }
    return true;
  }

  private static Dataset loadPart(Path directory, String prefix, Arena arena) throws IOException {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(arena, "arena");
    boolean isDefault = directory.toAbsolutePath().normalize()
        .equals(DEFAULT_DIRECTORY.toAbsolutePath().normalize());
    Path images = require(directory, prefix, "images-idx3", isDefault);
    Path labels = require(directory, prefix, "labels-idx1", isDefault);
    return IdxReader.read(images, labels, CLASSES, arena);
  }

  /** The candidate names of one file, preferred first. */
  private static List<String> candidates(String prefix, String kind) {
    String dotted = kind.replace("-idx", ".idx");
    return List.of(prefix + "-" + kind + "-ubyte.gz", prefix + "-" + kind + "-ubyte",
        prefix + "-" + dotted + "-ubyte.gz", prefix + "-" + dotted + "-ubyte");
  }

  private static Path find(Path directory, String prefix, String kind) {
    for (String name : candidates(prefix, kind)) {
      Path file = directory.resolve(name);
      if (Files.isRegularFile(file)) {
        return file;
      }
    }
    return null;
  }

  /**
   * The file {@code prefix-kind-ubyte[.gz]} of {@code directory}, or an exception naming it that,
   * for the default directory, says how to install it.
   */
  static Path require(Path directory, String prefix, String kind, boolean isDefault)
      throws NoSuchFileException {
    Path file = find(directory, prefix, kind);
    if (file != null) {
      return file;
    }
    List<String> names = candidates(prefix, kind);
    String reason = "Fashion-MNIST file not found (also looked for " + names.get(1) + ", "
        + names.get(2) + " and " + names.get(3) + " in " + directory + ")";
    if (isDefault) {
      reason += "; install the Debian package dataset-fashion-mnist"
          + " (sudo apt-get install dataset-fashion-mnist) or pass --data DIR";
    }
    throw new NoSuchFileException(directory.resolve(names.get(0)).toString(), null, reason);
  }
}
