package io.github.bilevel.bsgm.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.bsgm.io.Npy;
import io.github.bilevel.bsgm.io.NpyException;
import io.github.bilevel.bsgm.io.NpyTestFiles;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * User data in {@code .npy} files: a directory written here loads with the written shapes,
 * values and labels; {@link Datasets#load} picks the format; bad files are named with the
 * problem (row, column, index, value).
 */
class NpyDataTest {

  private static final int N_TRAIN = 12;
  private static final int N_TEST = 7;
  private static final int P = 3;

  private static double[] features(int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    double[] x = new double[n * P];
    for (int i = 0; i < x.length; i++) {
      x[i] = random.nextGaussian();
    }
    return x;
  }

  /** Labels 0..3 cyclically for training, 0..2 for test: 4 classes inferred. */
  private static double[] labels(int n, int classes) {
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      y[i] = i % classes;
    }
    return y;
  }

  private static void write(Path dir) throws IOException {
    Npy.writeMatrix(dir.resolve("train-x.npy"), features(N_TRAIN, 1), N_TRAIN, P);
    Npy.writeVector(dir.resolve("train-y.npy"), labels(N_TRAIN, 4));
    Npy.writeMatrix(dir.resolve("test-x.npy"), features(N_TEST, 2), N_TEST, P);
    Npy.writeVector(dir.resolve("test-y.npy"), labels(N_TEST, 3));
  }

  @Test
  void aDirectoryLoadsWithItsShapesValuesAndLabels(@TempDir Path dir) throws IOException {
    write(dir);
    try (Arena arena = Arena.ofConfined()) {
      TrainTest data = Datasets.load(dir, arena);
      assertEquals(N_TRAIN, data.train().size());
      assertEquals(P, data.train().featureCount());
      assertEquals(N_TEST, data.test().size());
      assertEquals(P, data.test().featureCount());
      assertEquals(4, data.train().classes());
      assertEquals(4, data.test().classes());
      assertArrayEquals(features(N_TRAIN, 1), data.train().features().toArray());
      assertArrayEquals(features(N_TEST, 2), data.test().features().toArray());
      int[] expected = new int[N_TRAIN];
      for (int i = 0; i < N_TRAIN; i++) {
        expected[i] = i % 4;
      }
      assertArrayEquals(expected, data.train().labels());
      assertEquals(2, data.test().label(5));
      assertEquals(5, NpyData.load(dir, 5, arena).train().classes());
    }
  }

  @Test
  void float32LabelsAreAccepted(@TempDir Path dir) throws IOException {
    write(dir);
    ByteBuffer bytes = ByteBuffer.allocate(4 * N_TEST).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < N_TEST; i++) {
      bytes.putFloat(i % 2);
    }
    Files.write(dir.resolve("test-y.npy"),
        NpyTestFiles.npy("<f4", "(" + N_TEST + ",)", bytes.array()));
    try (Arena arena = Arena.ofConfined()) {
      assertEquals(1, NpyData.load(dir, arena).test().label(3));
    }
  }

  @Test
  void withoutTrainXTheIdxLoaderIsUsedWithItsMessage(@TempDir Path dir) {
    try (Arena arena = Arena.ofConfined()) {
      NoSuchFileException e = assertThrows(NoSuchFileException.class,
          () -> Datasets.load(dir, arena));
      assertTrue(e.getMessage().contains("train-images-idx3-ubyte"), e.getMessage());
      assertEquals("Fashion-MNIST", Datasets.describe(dir));
    }
  }

  private static String failure(Path dir) {
    try (Arena arena = Arena.ofConfined()) {
      return assertThrows(NpyException.class, () -> Datasets.load(dir, arena)).getMessage();
    }
  }

  private static void assertMentions(String message, String... parts) {
    for (String part : parts) {
      assertTrue(message.contains(part), "'" + part + "' missing in: " + message);
    }
  }

  @Test
  void aLabelThatIsNotAnIntegerIsNamed(@TempDir Path dir) throws IOException {
    write(dir);
    double[] y = labels(N_TRAIN, 4);
    y[5] = 2.5;
    Npy.writeVector(dir.resolve("train-y.npy"), y);
    assertMentions(failure(dir), "train-y.npy", "index 5", "2.5");
    y[5] = -1;
    Npy.writeVector(dir.resolve("train-y.npy"), y);
    assertMentions(failure(dir), "train-y.npy", "index 5", "-1.0");
    y[5] = Double.NaN;
    Npy.writeVector(dir.resolve("train-y.npy"), y);
    assertMentions(failure(dir), "train-y.npy", "index 5", "NaN");
  }

  @Test
  void aLabelOutsideTheGivenClassesIsNamed(@TempDir Path dir) throws IOException {
    write(dir);
    try (Arena arena = Arena.ofConfined()) {
      String m = assertThrows(NpyException.class, () -> NpyData.load(dir, 3, arena))
          .getMessage();
      assertMentions(m, "train-y.npy", "index 3", "[0, 3)");
    }
  }

  @Test
  void integerLabelsAreRejectedWithTheirDtype(@TempDir Path dir) throws IOException {
    write(dir);
    ByteBuffer bytes = ByteBuffer.allocate(8 * N_TRAIN).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < N_TRAIN; i++) {
      bytes.putLong(i % 4);
    }
    Files.write(dir.resolve("train-y.npy"),
        NpyTestFiles.npy("<i8", "(" + N_TRAIN + ",)", bytes.array()));
    assertMentions(failure(dir), "train-y.npy", "int64");
  }

  @Test
  void aLabelCountOtherThanTheRowsIsNamed(@TempDir Path dir) throws IOException {
    write(dir);
    Npy.writeVector(dir.resolve("test-y.npy"), labels(N_TEST + 1, 3));
    assertMentions(failure(dir), "test-y.npy", (N_TEST + 1) + " labels", "test-x.npy",
        N_TEST + " rows");
  }

  @Test
  void aNonFiniteFeatureIsNamedByRowAndColumn(@TempDir Path dir) throws IOException {
    write(dir);
    double[] x = features(N_TEST, 2);
    x[4 * P + 2] = Double.NaN;
    Npy.writeMatrix(dir.resolve("test-x.npy"), x, N_TEST, P);
    assertMentions(failure(dir), "test-x.npy", "row 4, column 2", "NaN");
    x[4 * P + 2] = Double.NEGATIVE_INFINITY;
    Npy.writeMatrix(dir.resolve("test-x.npy"), x, N_TEST, P);
    assertMentions(failure(dir), "test-x.npy", "row 4, column 2", "-Infinity");
  }

  @Test
  void wrongRanksAndShapesAreNamed(@TempDir Path dir) throws IOException {
    write(dir);
    Npy.writeVector(dir.resolve("train-x.npy"), features(N_TRAIN, 1));
    assertMentions(failure(dir), "train-x.npy", "(" + N_TRAIN * P + ",)", "rank 1");
    write(dir);
    Npy.writeMatrix(dir.resolve("train-y.npy"), labels(N_TRAIN, 4), N_TRAIN, 1);
    assertMentions(failure(dir), "train-y.npy", "(" + N_TRAIN + ", 1)");
    write(dir);
    Npy.writeMatrix(dir.resolve("test-x.npy"), features(N_TEST, 2), P, N_TEST); // 7 columns
    assertMentions(failure(dir), "test-x.npy", "train-x.npy", "features");
    write(dir);
    Npy.writeMatrix(dir.resolve("train-x.npy"), new double[0], 0, P);
    Npy.writeVector(dir.resolve("train-y.npy"), new double[0]);
    assertMentions(failure(dir), "train-x.npy", "(0, 3)");
  }

  @Test
  void aMissingFileIsNamed(@TempDir Path dir) throws IOException {
    write(dir);
    Files.delete(dir.resolve("test-y.npy"));
    assertMentions(failure(dir), "test-y.npy", "no such file");
    assertEquals("the .npy data", Datasets.describe(dir));
  }
}
