package io.github.bilevel.bsgm.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.bilevel.bsgm.io.FuzzCorpus;
import io.github.bilevel.kernels.DMatrix;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Fuzzing the IDX reader ({@link IdxReader#readLabels}, {@link IdxReader#readImages}): whatever
 * the bytes of the file, raw or gzip, each reader either returns what the file holds, checked
 * against a decoding of the bytes written here (magic, big-endian sizes, the data's size
 * exactly, every label and pixel), or throws an {@link IdxFormatException} naming the file in
 * a printable message. Any other throwable, a hang or an out-of-memory error is a finding.
 *
 * <p>Without {@code JAZZER_FUZZ} the target runs on its seed corpus
 * ({@code IdxFuzzTestInputs/readIdx/}: the {@link #seeds} and the inputs fuzzing found) as a
 * plain test; {@code bin/fuzz idx MINUTES} fuzzes it.
 */
class IdxFuzzTest {

  /** One file rewritten for every input: the reader reads paths, and a new file each is slow. */
  private static final Path FILE = FuzzCorpus.scratchFile("idx-fuzz-", ".idx");


  @FuzzTest
  void readIdx(byte[] bytes) throws IOException {
    Files.write(FILE, bytes);
    try {
      checkLabels(bytes, IdxReader.readLabels(FILE));
    } catch (IdxFormatException e) {
      checkRefusal(e);
    }
    try (Arena arena = Arena.ofConfined()) {
      checkImages(bytes, IdxReader.readImages(FILE, arena));
    } catch (IdxFormatException e) {
      checkRefusal(e);
    }
  }

  /** The documented refusal: the file named, in a message without raw control bytes. */
  static void checkRefusal(IdxFormatException e) {
    assertEquals(FILE, e.file(), "the exception's file");
    String message = e.getMessage();
    assertTrue(message != null && message.contains(FILE.toString()),
        "the message names the file: " + message);
    assertTrue(message.chars().noneMatch(Character::isISOControl),
        "the message has no control characters: " + message);
  }

  /** The file's bytes, decompressed here when they start with the gzip magic bytes. */
  private static byte[] content(byte[] bytes) {
    if (bytes.length < 2 || (bytes[0] & 0xff) != 0x1f || (bytes[1] & 0xff) != 0x8b) {
      return bytes;
    }
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new AssertionError("the reader accepted a gzip stream that does not decompress: "
          + e, e);
    }
  }

  private static void checkLabels(byte[] bytes, int[] labels) {
    ByteBuffer raw = ByteBuffer.wrap(content(bytes));
    assertTrue(raw.remaining() >= 8, "a label file has at least 8 bytes");
    assertEquals(IdxReader.LABELS_MAGIC, raw.getInt(), "magic");
    int n = raw.getInt();
    assertEquals(n, labels.length, "labels");
    assertEquals(8L + n, raw.capacity(), "file size for " + n + " labels");
    for (int i = 0; i < n; i++) {
      assertEquals(raw.get() & 0xff, labels[i], "label " + i);
    }
  }

  private static void checkImages(byte[] bytes, IdxReader.Images images) {
    ByteBuffer raw = ByteBuffer.wrap(content(bytes));
    assertTrue(raw.remaining() >= 16, "an image file has at least 16 bytes");
    assertEquals(IdxReader.IMAGES_MAGIC, raw.getInt(), "magic");
    int n = raw.getInt();
    int rows = raw.getInt();
    int columns = raw.getInt();
    assertEquals(n, images.count(), "images");
    assertEquals(rows, images.rows(), "rows");
    assertEquals(columns, images.columns(), "columns");
    long pixels = (long) rows * columns;
    DMatrix matrix = images.pixels();
    assertEquals(n, matrix.rows(), "matrix rows");
    assertEquals(pixels, matrix.cols(), "matrix columns");
    assertEquals(16 + n * pixels, raw.capacity(), "file size for " + n + " images");
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < pixels; j++) {
        double expected = (raw.get() & 0xff) / 255.0;
        if (matrix.get(i, j) != expected) {
          fail("pixel " + j + " of image " + i + " is " + expected + ", the reader gave "
              + matrix.get(i, j));
        }
      }
    }
  }

  /**
   * The seed corpus: label and image files raw and gzip-compressed, zero examples, and the
   * refusals (truncated data or header, trailing data, wrong magic, negative and huge sizes, a
   * cut gzip stream, an empty file).
   */
  static Map<String, byte[]> seeds() {
    byte[] labels = idx(IdxReader.LABELS_MAGIC, new int[] {7}, ramp(7, 3));
    byte[] images = idx(IdxReader.IMAGES_MAGIC, new int[] {5, 3, 2}, ramp(30, 97));
    Map<String, byte[]> seeds = new LinkedHashMap<>();
    seeds.put("labels", labels);
    seeds.put("labels-gzip", gzip(labels));
    seeds.put("images", images);
    seeds.put("images-gzip", gzip(images));
    seeds.put("images-none", idx(IdxReader.IMAGES_MAGIC, new int[] {0, 28, 28}, new byte[0]));
    seeds.put("labels-none", idx(IdxReader.LABELS_MAGIC, new int[] {0}, new byte[0]));
    seeds.put("images-truncated", Arrays.copyOf(images, images.length - 5));
    seeds.put("images-truncated-header", Arrays.copyOf(images, 10));
    seeds.put("labels-trailing", Arrays.copyOf(labels, labels.length + 2));
    seeds.put("labels-wrong-magic", idx(0x00000802, new int[] {2}, new byte[2]));
    seeds.put("images-negative-size", idx(IdxReader.IMAGES_MAGIC, new int[] {-1, 3, 2},
        new byte[6]));
    seeds.put("images-huge-size", idx(IdxReader.IMAGES_MAGIC,
        new int[] {Integer.MAX_VALUE, 28, 28}, new byte[6]));
    byte[] gzipped = gzip(images);
    seeds.put("images-gzip-cut", Arrays.copyOf(gzipped, gzipped.length / 2));
    seeds.put("empty", new byte[0]);
    return seeds;
  }

  /** An IDX file: magic, big-endian sizes, data. */
  private static byte[] idx(int magic, int[] sizes, byte[] data) {
    ByteBuffer buffer = ByteBuffer.allocate(4 + 4 * sizes.length + data.length);
    buffer.putInt(magic);
    for (int s : sizes) {
      buffer.putInt(s);
    }
    return buffer.put(data).array();
  }

  private static byte[] ramp(int count, int step) {
    byte[] out = new byte[count];
    for (int i = 0; i < count; i++) {
      out[i] = (byte) (i * step);
    }
    return out;
  }

  private static byte[] gzip(byte[] raw) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(raw);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** The seeds meet the property, and the valid ones are read (so the corpus reaches the data). */
  @Test
  void seedsAreReadOrRefused() throws IOException {
    for (Map.Entry<String, byte[]> seed : seeds().entrySet()) {
      readIdx(seed.getValue());
      Files.write(FILE, seed.getValue());
      String name = seed.getKey();
      if (name.matches("labels(-gzip|-none)?")) {
        IdxReader.readLabels(FILE);
      } else if (name.matches("images(-gzip|-none)?")) {
        try (Arena arena = Arena.ofConfined()) {
          IdxReader.readImages(FILE, arena);
        }
      } else {
        assertThrows(IdxFormatException.class, () -> IdxReader.readLabels(FILE), name);
        try (Arena arena = Arena.ofConfined()) {
          assertThrows(IdxFormatException.class, () -> IdxReader.readImages(FILE, arena), name);
        }
      }
    }
  }

  /** The checks fail on a result that does not match the file (so the target can fail). */
  @Test
  void checksCatchAWrongResult() throws IOException {
    byte[] labels = seeds().get("labels-gzip");
    Files.write(FILE, labels);
    int[] read = IdxReader.readLabels(FILE);
    int[] changed = read.clone();
    changed[3] ^= 1;
    assertThrows(AssertionError.class, () -> checkLabels(labels, changed));
    assertThrows(AssertionError.class,
        () -> checkLabels(labels, Arrays.copyOf(read, read.length - 1)));
    byte[] images = seeds().get("images");
    Files.write(FILE, images);
    try (Arena arena = Arena.ofConfined()) {
      IdxReader.Images good = IdxReader.readImages(FILE, arena);
      good.pixels().set(4, 1, 0.5);
      assertThrows(AssertionError.class, () -> checkImages(images, good));
    }
    assertThrows(AssertionError.class,
        () -> checkRefusal(new IdxFormatException(Path.of("other"), "truncated")));
  }

  /** Writes the seed corpus (enabled by {@code -Dfuzz.writeSeeds=true}). */
  @Test
  @EnabledIfSystemProperty(named = FuzzCorpus.WRITE_PROPERTY, matches = "true")
  void writeSeeds() {
    FuzzCorpus.write(IdxFuzzTest.class, "readIdx", seeds());
  }
}
