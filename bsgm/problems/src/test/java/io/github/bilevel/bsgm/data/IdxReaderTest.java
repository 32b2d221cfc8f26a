package io.github.bilevel.bsgm.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The IDX reader on small files written here (raw and gzip), every malformed case, real data. */
class IdxReaderTest {

  @TempDir
  Path dir;

  private static final int N = 7;
  private static final int ROWS = 3;
  private static final int COLS = 2;

  private final SplittableRandom random = new SplittableRandom(20261123L);
  private final byte[] pixels = bytes(N * ROWS * COLS, 256);
  private final byte[] labels = bytes(N, 4);

  private byte[] bytes(int count, int bound) {
    byte[] out = new byte[count];
    for (int i = 0; i < count; i++) {
      out[i] = (byte) random.nextInt(bound);
    }
    return out;
  }

  /** An IDX file: magic, big-endian sizes, data. */
  static byte[] idx(int magic, int[] sizes, byte[] data) {
    ByteBuffer buffer = ByteBuffer.allocate(4 + 4 * sizes.length + data.length);
    buffer.putInt(magic);
    for (int s : sizes) {
      buffer.putInt(s);
    }
    buffer.put(data);
    return buffer.array();
  }

  static byte[] gzip(byte[] raw) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(raw);
    }
    return out.toByteArray();
  }

  private byte[] imageFile() {
    return idx(IdxReader.IMAGES_MAGIC, new int[] {N, ROWS, COLS}, pixels);
  }

  private byte[] labelFile() {
    return idx(IdxReader.LABELS_MAGIC, new int[] {N}, labels);
  }

  private Path write(String name, byte[] content) throws IOException {
    return Files.write(dir.resolve(name), content);
  }

  private void checkContent(Dataset data) {
    assertEquals(N, data.size());
    assertEquals(ROWS * COLS, data.featureCount());
    assertEquals(4, data.classes());
    for (int i = 0; i < N; i++) {
      assertEquals(labels[i] & 0xFF, data.label(i));
      for (int j = 0; j < ROWS * COLS; j++) {
        assertEquals((pixels[i * ROWS * COLS + j] & 0xFF) / 255.0, data.features().get(i, j),
            0.0);
      }
    }
  }

  @Test
  void readsRawFiles() throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      Dataset data = IdxReader.read(write("i", imageFile()), write("l", labelFile()), 4, arena);
      checkContent(data);
    }
  }

  @Test
  void readsGzipFilesByTheirMagicNotTheirName() throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      // gzip content under a plain name, raw content under a .gz name: the bytes decide
      Dataset data = IdxReader.read(write("images", gzip(imageFile())),
          write("labels.gz", labelFile()), 4, arena);
      checkContent(data);
      IdxReader.Images images = IdxReader.readImages(write("i.gz", gzip(imageFile())), arena);
      assertEquals(N, images.count());
      assertEquals(ROWS, images.rows());
      assertEquals(COLS, images.columns());
    }
  }

  @Test
  void pixelsAreScaledToTheUnitInterval() throws IOException {
    byte[] extremes = new byte[ROWS * COLS];
    extremes[0] = (byte) 255;
    extremes[1] = (byte) 128;
    try (Arena arena = Arena.ofConfined()) {
      IdxReader.Images images = IdxReader.readImages(
          write("i", idx(IdxReader.IMAGES_MAGIC, new int[] {1, ROWS, COLS}, extremes)), arena);
      assertEquals(1.0, images.pixels().get(0, 0), 0.0);
      assertEquals(128 / 255.0, images.pixels().get(0, 1), 0.0);
      assertEquals(0.0, images.pixels().get(0, 2), 0.0);
    }
  }

  @Test
  void emptyFilesWithZeroExamplesAreValid() throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      Dataset data = IdxReader.read(
          write("i", idx(IdxReader.IMAGES_MAGIC, new int[] {0, ROWS, COLS}, new byte[0])),
          write("l", idx(IdxReader.LABELS_MAGIC, new int[] {0}, new byte[0])), 3, arena);
      assertEquals(0, data.size());
    }
  }

  private IdxFormatException malformed(byte[] imageContent, byte[] labelContent, int classes)
      throws IOException {
    Path images = write("images-" + random.nextInt(1 << 20), imageContent);
    Path labelPath = write("labels-" + random.nextInt(1 << 20), labelContent);
    try (Arena arena = Arena.ofConfined()) {
      return assertThrows(IdxFormatException.class,
          () -> IdxReader.read(images, labelPath, classes, arena));
    }
  }

  private static void assertMentions(Exception e, String... parts) {
    for (String part : parts) {
      assertTrue(e.getMessage().contains(part), "'" + e.getMessage() + "' lacks '" + part + "'");
    }
  }

  @Test
  void truncatedImageDataIsReportedWithSizes() throws IOException {
    byte[] full = imageFile();
    for (boolean compressed : new boolean[] {false, true}) {
      byte[] cut = Arrays.copyOf(full, full.length - 5);
      IdxFormatException e = malformed(compressed ? gzip(cut) : cut, labelFile(), 4);
      assertMentions(e, e.file().toString(), "truncated", String.valueOf(N * ROWS * COLS),
          String.valueOf(N * ROWS * COLS - 5));
    }
  }

  @Test
  void truncatedHeadersAreReported() throws IOException {
    byte[] full = imageFile();
    for (int length : new int[] {0, 2, 4, 9, 15}) {
      byte[] cut = Arrays.copyOf(full, length);
      IdxFormatException e = malformed(cut, labelFile(), 4);
      assertMentions(e, e.file().toString(), "truncated");
      assertTrue(e.file().getFileName().toString().startsWith("images"));
    }
    IdxFormatException e = malformed(imageFile(), Arrays.copyOf(labelFile(), 6), 4);
    assertMentions(e, "labels", "truncated");
  }

  @Test
  void aCutGzipStreamIsReported() throws IOException {
    byte[] compressed = gzip(imageFile());
    for (int length : new int[] {compressed.length - 4, compressed.length / 2, 12}) {
      IdxFormatException e = malformed(Arrays.copyOf(compressed, length), labelFile(), 4);
      assertMentions(e, e.file().toString());
      assertTrue(e.getMessage().contains("truncated") || e.getMessage().contains("gzip"),
          e.getMessage());
    }
  }

  @Test
  void wrongMagicNumbersAreReported() throws IOException {
    // labels where images belong, images where labels belong, an arbitrary number
    IdxFormatException e = malformed(labelFile(), labelFile(), 4);
    assertMentions(e, "wrong magic number 0x00000801", "0x00000803");
    e = malformed(imageFile(), imageFile(), 4);
    assertMentions(e, "labels", "wrong magic number 0x00000803", "0x00000801");
    e = malformed(idx(0x12345678, new int[] {N, ROWS, COLS}, pixels), labelFile(), 4);
    assertMentions(e, "0x12345678");
    // 32-bit floats (type 0x0D) are not what the reader expects
    e = malformed(idx(0x00000D03, new int[] {N, ROWS, COLS}, pixels), labelFile(), 4);
    assertMentions(e, "0x00000d03");
  }

  @Test
  void trailingDataIsReported() throws IOException {
    byte[] longer = Arrays.copyOf(imageFile(), imageFile().length + 3);
    IdxFormatException e = malformed(longer, labelFile(), 4);
    assertMentions(e, "unexpected data after");
  }

  @Test
  void labelCountMustMatchImageCount() throws IOException {
    byte[] fewer = idx(IdxReader.LABELS_MAGIC, new int[] {N - 1}, Arrays.copyOf(labels, N - 1));
    IdxFormatException e = malformed(imageFile(), fewer, 4);
    assertMentions(e, N + " images", (N - 1) + " labels");
  }

  @Test
  void labelsMustNameAClass() throws IOException {
    byte[] bad = labels.clone();
    bad[5] = 9;
    IdxFormatException e = malformed(imageFile(), idx(IdxReader.LABELS_MAGIC, new int[] {N}, bad),
        4);
    assertMentions(e, "labels", "label 9 of example 5", "[0, 4)");
    assertTrue(e.file().getFileName().toString().startsWith("labels"));
  }

  @Test
  void negativeAndHugeSizesAreReportedWithoutAllocating() throws IOException {
    IdxFormatException e = malformed(idx(IdxReader.IMAGES_MAGIC, new int[] {-3, ROWS, COLS},
        pixels), labelFile(), 4);
    assertMentions(e, "negative");
    // a header that declares 2^31 - 1 images: an error, never an attempt to allocate them
    Path images = write("huge", idx(IdxReader.IMAGES_MAGIC,
        new int[] {Integer.MAX_VALUE, 28, 28}, pixels));
    try (Arena arena = Arena.ofConfined()) {
      e = assertThrows(IdxFormatException.class, () -> IdxReader.readImages(images, arena));
      assertMentions(e, "huge");
      Path small = write("hugeish", idx(IdxReader.IMAGES_MAGIC, new int[] {1 << 20, 28, 28},
          pixels));
      e = assertThrows(IdxFormatException.class, () -> IdxReader.readImages(small, arena));
      assertMentions(e, "truncated");
      // sizes whose product overflows a long, or (with no image) an int: refused, not wrapped
      int max = Integer.MAX_VALUE;
      for (int[] sizes : new int[][] {{max, max, max}, {0, 1 << 16, 1 << 15}, {0, max, 2}}) {
        Path overflow = write("overflow", idx(IdxReader.IMAGES_MAGIC, sizes, pixels));
        e = assertThrows(IdxFormatException.class, () -> IdxReader.readImages(overflow, arena),
            Arrays.toString(sizes));
        assertMentions(e, "overflow", sizes[1] + "x" + sizes[2], "more than this reader");
      }
    }
  }

  @Test
  void aMissingFileIsNamed() throws IOException {
    Path labelPath = write("l", labelFile());
    Path missing = dir.resolve("nothing-here");
    try (Arena arena = Arena.ofConfined()) {
      NoSuchFileException e = assertThrows(NoSuchFileException.class,
          () -> IdxReader.read(missing, labelPath, 4, arena));
      assertTrue(e.getMessage().contains("nothing-here"), e.getMessage());
    }
  }

  @Test
  void fashionMnistLoadsFromADirectoryOfEitherNaming() throws IOException {
    write("train-images-idx3-ubyte.gz", gzip(imageFile()));
    write("train-labels-idx1-ubyte", labelFile());
    write("t10k-images.idx3-ubyte", imageFile());
    write("t10k-labels.idx1-ubyte.gz", gzip(labelFile()));
    assertTrue(FashionMnist.isAvailable(dir));
    try (Arena arena = Arena.ofConfined()) {
      FashionMnist data = FashionMnist.load(dir, arena);
      assertEquals(N, data.train().size());
      assertEquals(10, data.train().classes());
      assertEquals(N, data.test().size());
      assertEquals(labels[3] & 0xFF, data.test().label(3));
    }
  }

  @Test
  void aMissingFashionMnistFileIsNamedWithTheInstallHintForTheDefaultDirectory()
      throws IOException {
    write("train-images-idx3-ubyte.gz", gzip(imageFile()));
    try (Arena arena = Arena.ofConfined()) {
      NoSuchFileException e = assertThrows(NoSuchFileException.class,
          () -> FashionMnist.load(dir, arena));
      assertMentions(e, dir.resolve("train-labels-idx1-ubyte.gz").toString(), "not found");
      assertTrue(!e.getMessage().contains("apt-get"), e.getMessage());
    }
    NoSuchFileException e = assertThrows(NoSuchFileException.class,
        () -> FashionMnist.require(dir, "t10k", "images-idx3", true));
    assertMentions(e, "t10k-images-idx3-ubyte.gz", "dataset-fashion-mnist", "--data DIR");
  }

  @Test
  void realFashionMnistHasTheKnownSizes() throws IOException {
    assumeTrue(FashionMnist.isAvailable(FashionMnist.DEFAULT_DIRECTORY),
        "Fashion-MNIST is not installed in " + FashionMnist.DEFAULT_DIRECTORY
            + " (Debian package dataset-fashion-mnist)");
    try (Arena arena = Arena.ofConfined()) {
      FashionMnist data = FashionMnist.load(arena);
      assertEquals(60000, data.train().size());
      assertEquals(10000, data.test().size());
      assertEquals(28 * 28, data.train().featureCount());
      assertEquals(28 * 28, data.test().featureCount());
      assertEquals(10, data.train().classes());
      int[] trainCounts = new int[10];
      Arrays.fill(trainCounts, 6000);
      assertArrayEquals(trainCounts, data.train().classCounts());
      int[] testCounts = new int[10];
      Arrays.fill(testCounts, 1000);
      assertArrayEquals(testCounts, data.test().classCounts());
      double min = Double.POSITIVE_INFINITY;
      double max = Double.NEGATIVE_INFINITY;
      double[] row = data.train().features().row(0).toArray();
      for (double v : row) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
      assertEquals(0.0, min, 0.0);
      assertEquals(1.0, max, 0.0); // the first image uses the full 0..255 range
      IdxReader.Images images = IdxReader.readImages(
          FashionMnist.DEFAULT_DIRECTORY.resolve("t10k-images-idx3-ubyte.gz"), arena);
      assertEquals(28, images.rows());
      assertEquals(28, images.columns());
    }
  }
}
