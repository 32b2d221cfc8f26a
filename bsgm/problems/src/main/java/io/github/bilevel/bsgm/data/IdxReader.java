package io.github.bilevel.bsgm.data;

import io.github.bilevel.kernels.Buffers;
import io.github.bilevel.kernels.DMatrix;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads MNIST-format IDX files (the format of MNIST and Fashion-MNIST), gzip-compressed or raw:
 * a file starting with the gzip magic bytes {@code 1f 8b} is decompressed, any other is read as
 * it is.
 *
 * <p>An IDX file is a 4-byte magic number {@code 00 00 08 D} (unsigned bytes, {@code D}
 * dimensions), {@code D} big-endian 32-bit sizes, then the data in row-major order. Images are
 * {@code D = 3} ({@code n × rows × columns}, magic {@code 0x00000803}), labels {@code D = 1}
 * ({@code n}, magic {@code 0x00000801}).
 *
 * <p>Every problem is an {@link IdxFormatException} naming the file: a wrong magic number, a
 * truncated file (the message gives the expected and found sizes), data after the declared end,
 * a label count different from the image count, a label outside {@code [0, classes)}. A missing
 * file is a {@link NoSuchFileException}.
 */
public final class IdxReader {

  /** Magic number of an IDX file of unsigned bytes with 3 dimensions (images). */
  public static final int IMAGES_MAGIC = 0x00000803;

  /** Magic number of an IDX file of unsigned bytes with 1 dimension (labels). */
  public static final int LABELS_MAGIC = 0x00000801;

  /** The largest data section read (bytes): the limit of one Java array. */
  private static final long MAX_DATA_BYTES = Integer.MAX_VALUE - 8;

  private IdxReader() {}

  /**
   * Images read from an IDX file: {@code count} images of {@code rows × columns} pixels, one
   * image per row of {@code pixels} (row-major pixels scaled from {@code 0..255} to
   * {@code [0, 1]}).
   */
  public record Images(DMatrix pixels, int count, int rows, int columns) {}

  /**
   * Reads an image file and its label file into a data set whose features are the pixels
   * scaled to {@code [0, 1]} (allocated in {@code arena}).
   *
   * @param classes the number of classes; every label must lie in {@code [0, classes)}
   * @throws IdxFormatException for a malformed file, a label count different from the image
   *     count, or a label {@code >= classes}
   */
  public static Dataset read(Path images, Path labels, int classes, Arena arena)
      throws IOException {
    if (classes < 1) {
      throw new IllegalArgumentException("classes must be >= 1, got " + classes);
    }
    int[] y = readLabels(labels);
    for (int i = 0; i < y.length; i++) {
      if (y[i] >= classes) {
        throw new IdxFormatException(labels, "label " + y[i] + " of example " + i
            + " is not a class index in [0, " + classes + ")");
      }
    }
    // Read the (small) labels first, so a mismatch is found before the images are allocated.
    Header header = readHeader(images, IMAGES_MAGIC, 3);
    if (header.sizes[0] != y.length) {
      throw new IdxFormatException(images, "it holds " + header.sizes[0] + " images but "
          + labels + " holds " + y.length + " labels");
    }
    Images x = readImages(images, arena);
    return new Dataset(x.pixels(), y, classes);
  }

  /**
   * Reads an image file (magic {@code 0x00000803}) into an {@code n × (rows·columns)} matrix in
   * {@code arena}, pixels scaled to {@code [0, 1]}.
   */
  public static Images readImages(Path file, Arena arena) throws IOException {
    Objects.requireNonNull(arena, "arena");
    byte[] data;
    int[] sizes;
    try (InputStream in = open(file)) {
      sizes = readHeader(file, in, IMAGES_MAGIC, 3);
      long pixels = (long) sizes[1] * sizes[2];
      if (sizes[1] < 1 || sizes[2] < 1) {
        throw new IdxFormatException(file, "declares images of " + sizes[1] + "x" + sizes[2]
            + " pixels");
      }
      // Bounded here so that count × pixels cannot overflow a long (found by fuzzing).
      if (pixels > MAX_DATA_BYTES) {
        throw new IdxFormatException(file, "declares images of " + sizes[1] + "x" + sizes[2]
            + " = " + pixels + " pixels, more than this reader supports (" + MAX_DATA_BYTES
            + ")");
      }
      data = readData(file, in, (long) sizes[0] * pixels,
          sizes[0] + " images of " + sizes[1] + "x" + sizes[2] + " pixels");
    }
    int n = sizes[0];
    int p = sizes[1] * sizes[2];
    DMatrix matrix = Buffers.matrix(arena, n, p);
    MemorySegment segment = matrix.segment();
    for (int i = 0; i < data.length; i++) {
      segment.setAtIndex(ValueLayout.JAVA_DOUBLE, i, (data[i] & 0xFF) / 255.0);
    }
    return new Images(matrix, n, sizes[1], sizes[2]);
  }

  /** Reads a label file (magic {@code 0x00000801}): one label {@code 0..255} per example. */
  public static int[] readLabels(Path file) throws IOException {
    byte[] data;
    try (InputStream in = open(file)) {
      int[] sizes = readHeader(file, in, LABELS_MAGIC, 1);
      data = readData(file, in, sizes[0], sizes[0] + " labels");
    }
    int[] labels = new int[data.length];
    for (int i = 0; i < data.length; i++) {
      labels[i] = data[i] & 0xFF;
    }
    return labels;
  }

  // ---------------------------------------------------------------- format

  private record Header(int[] sizes) {}

  private static Header readHeader(Path file, int magic, int dimensions) throws IOException {
    try (InputStream in = open(file)) {
      return new Header(readHeader(file, in, magic, dimensions));
    }
  }

  /** Opens {@code file}, decompressing it if it starts with the gzip magic bytes. */
  private static InputStream open(Path file) throws IOException {
    Objects.requireNonNull(file, "file");
    if (!Files.exists(file)) {
      throw new NoSuchFileException(file.toString(), null, "no such IDX file");
    }
    BufferedInputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    in.mark(2);
    int b0 = in.read();
    int b1 = in.read();
    in.reset();
    if (b0 == 0x1f && b1 == 0x8b) {
      try {
        return new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16);
      } catch (ZipException | java.io.EOFException e) {
        in.close();
        throw new IdxFormatException(file, "not a valid gzip file: " + e.getMessage(), e);
      }
    }
    return in;
  }

  private static int[] readHeader(Path file, InputStream in, int magic, int dimensions)
      throws IOException {
    byte[] head = readSome(file, in, 4);
    if (head.length < 4) {
      throw new IdxFormatException(file, "truncated: " + head.length
          + " bytes, too short for the 4-byte IDX magic number");
    }
    int found = bigEndian(head, 0);
    if (found != magic) {
      throw new IdxFormatException(file, String.format("wrong magic number 0x%08x: expected"
          + " 0x%08x (an IDX file of unsigned bytes with %d dimension%s, %s)", found, magic,
          dimensions, dimensions == 1 ? "" : "s", dimensions == 1 ? "labels" : "images"));
    }
    byte[] sizeBytes = readSome(file, in, 4 * dimensions);
    if (sizeBytes.length < 4 * dimensions) {
      throw new IdxFormatException(file, "truncated: the header declares " + dimensions
          + " dimension sizes (" + 4 * dimensions + " bytes) but only " + sizeBytes.length
          + " bytes follow the magic number");
    }
    int[] sizes = new int[dimensions];
    for (int i = 0; i < dimensions; i++) {
      sizes[i] = bigEndian(sizeBytes, 4 * i);
      if (sizes[i] < 0) {
        throw new IdxFormatException(file, "dimension " + i + " has a negative size "
            + sizes[i] + " (not an IDX file, or corrupt)");
      }
    }
    return sizes;
  }

  /** Reads exactly {@code expected} data bytes, then checks that nothing follows. */
  private static byte[] readData(Path file, InputStream in, long expected, String what)
      throws IOException {
    if (expected > MAX_DATA_BYTES) {
      throw new IdxFormatException(file, "declares " + what + " (" + expected
          + " bytes), more than this reader supports (" + MAX_DATA_BYTES + ")");
    }
    byte[] data = readSome(file, in, (int) expected);
    if (data.length < expected) {
      throw new IdxFormatException(file, "truncated: the header declares " + what + " ("
          + expected + " bytes of data) but the data ends after " + data.length + " bytes");
    }
    int extra = readSome(file, in, 1).length;
    if (extra > 0) {
      throw new IdxFormatException(file, "unexpected data after the " + what
          + " the header declares (" + expected + " bytes of data)");
    }
    return data;
  }

  /** Up to {@code count} bytes (fewer only at the end of the data); wraps gzip errors. */
  private static byte[] readSome(Path file, InputStream in, int count) throws IOException {
    try {
      return in.readNBytes(count);
    } catch (java.io.EOFException e) {
      throw new IdxFormatException(file, "truncated gzip data: " + e.getMessage(), e);
    } catch (ZipException e) {
      throw new IdxFormatException(file, "corrupt gzip data: " + e.getMessage(), e);
    }
  }

  private static int bigEndian(byte[] bytes, int at) {
    return (bytes[at] & 0xFF) << 24 | (bytes[at + 1] & 0xFF) << 16 | (bytes[at + 2] & 0xFF) << 8
        | (bytes[at + 3] & 0xFF);
  }
}
