package io.github.bilevel.bsgm.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * .npy reading and writing: round trips, files written byte by byte the way numpy writes them
 * (other dtypes, byte orders, Fortran order, format versions), and every kind of bad file.
 */
class NpyTest {

  @TempDir
  Path directory;

  static byte[] npy(String descr, boolean fortran, String shape, byte[] data, int major) {
    return NpyTestFiles.npy(descr, fortran, shape, data, major);
  }

  static byte[] doubles(ByteOrder order, double... values) {
    ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(order);
    for (double v : values) {
      b.putDouble(v);
    }
    return b.array();
  }

  static byte[] floats(float... values) {
    ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      b.putFloat(v);
    }
    return b.array();
  }

  private Path file(String name, byte[] bytes) throws IOException {
    Path path = directory.resolve(name);
    Files.write(path, bytes);
    return path;
  }

  private static void assertMessage(NpyException e, Path file, String... parts) {
    String message = e.getMessage();
    assertTrue(message.contains(file.toString()), "names the file: " + message);
    for (String part : parts) {
      assertTrue(message.contains(part), "contains '" + part + "': " + message);
    }
  }

  @Test
  void writtenArraysReadBackBitForBit() throws IOException {
    SplittableRandom random = new SplittableRandom(1);
    for (int[] shape : new int[][] {{1}, {7}, {0}, {3, 5}, {1, 1}, {13, 2}, {0, 4}}) {
      int count = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
      double[] values = random.doubles(count, -1e3, 1e3).toArray();
      if (count > 2) {
        values[0] = -0.0;
        values[1] = Double.MIN_VALUE;
        values[2] = Double.MAX_VALUE;
      }
      Path path = directory.resolve("a" + Arrays.toString(shape) + ".npy");
      Npy.write(path, values, shape);
      Npy.Array back = Npy.read(path);
      assertArrayEquals(shape, back.shape());
      assertEquals(values.length, back.values().length);
      for (int i = 0; i < values.length; i++) {
        assertEquals(Double.doubleToRawLongBits(values[i]),
            Double.doubleToRawLongBits(back.values()[i]), "index " + i);
      }
      Npy.Header header = Npy.readHeader(path);
      assertEquals("<f8", header.descr());
      assertFalse(header.fortranOrder());
      assertEquals(header.fileSize(), header.dataOffset() + 8L * count);
    }
  }

  @Test
  void writingReplacesAtomicallyAndLeavesNoTemporaryFiles() throws IOException {
    Path path = directory.resolve("sub/dir/h.npy");
    Npy.writeVector(path, new double[] {1, 2, 3});
    Npy.writeMatrix(path, new double[] {4, 5, 6, 7}, 2, 2);
    Npy.Array back = Npy.readMatrix(path);
    assertArrayEquals(new double[] {4, 5, 6, 7}, back.values());
    try (Stream<Path> files = Files.list(path.getParent())) {
      assertEquals(1, files.count(), "only the target remains");
    }
    assertThrows(IllegalArgumentException.class,
        () -> Npy.write(path, new double[] {1, 2, 3}, 2, 2));
    assertThrows(IllegalArgumentException.class,
        () -> Npy.write(path, new double[16], 2, 2, 2, 2));
    assertArrayEquals(new double[] {4, 5, 6, 7}, Npy.readMatrix(path).values(),
        "a rejected write leaves the old file");
  }

  @Test
  void float32IsWidenedAndBigEndianIsRead() throws IOException {
    Path f4 = file("f4.npy", npy("<f4", false, "(2, 2)", floats(1.5f, -2.25f, 0.1f, 3f), 1));
    assertArrayEquals(new double[] {1.5, -2.25, 0.1f, 3}, Npy.readMatrix(f4).values());
    Path be = file("be.npy", npy(">f8", false, "(3,)",
        doubles(ByteOrder.BIG_ENDIAN, 1.0, -2.5, 1e-300), 1));
    assertArrayEquals(new double[] {1.0, -2.5, 1e-300}, Npy.readVector(be));
  }

  @Test
  void fortranOrderIsReturnedInRowMajorOrder() throws IOException {
    // the 2 × 3 matrix [[1, 2, 3], [4, 5, 6]] stored column by column
    Path f8 = file("f.npy", npy("<f8", true, "(2, 3)",
        doubles(ByteOrder.LITTLE_ENDIAN, 1, 4, 2, 5, 3, 6), 1));
    Npy.Array a = Npy.readMatrix(f8);
    assertArrayEquals(new int[] {2, 3}, a.shape());
    assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, a.values());
    Path f4 = file("f4.npy", npy("<f4", true, "(3, 2)", floats(1, 3, 5, 2, 4, 6), 1));
    assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, Npy.readMatrix(f4).values());
  }

  @Test
  void threeDimensionalArraysRoundTripInBothOrders() throws IOException {
    // a (2, 3, 2) stack; element (i, j, k) = 100i + 10j + k
    double[] rowMajor = new double[12];
    double[] columnMajor = new double[12];
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 3; j++) {
        for (int k = 0; k < 2; k++) {
          rowMajor[(i * 3 + j) * 2 + k] = 100 * i + 10 * j + k;
          columnMajor[(k * 3 + j) * 2 + i] = 100 * i + 10 * j + k;
        }
      }
    }
    Path written = directory.resolve("c.npy");
    Npy.write(written, rowMajor, 2, 3, 2);
    Npy.Array back = Npy.read(written, 3);
    assertArrayEquals(new int[] {2, 3, 2}, back.shape());
    assertArrayEquals(rowMajor, back.values());
    Path fortran = file("f3.npy", npy("<f8", true, "(2, 3, 2)",
        doubles(ByteOrder.LITTLE_ENDIAN, columnMajor), 1));
    assertArrayEquals(rowMajor, Npy.read(fortran, 3).values());
    assertMessage(assertThrows(NpyException.class, () -> Npy.read(written, 2)), written,
        "(2, 3, 2)", "rank 3", "2-D");
    Path matrix = file("m.npy", npy("<f8", false, "(2, 2)", new byte[32], 1));
    assertMessage(assertThrows(NpyException.class, () -> Npy.read(matrix, 3)), matrix,
        "(2, 2)", "rank 2", "3-D");
  }

  @Test
  void formatVersions2And3AreRead() throws IOException {
    byte[] data = doubles(ByteOrder.LITTLE_ENDIAN, 1, 2, 3, 4);
    assertArrayEquals(new double[] {1, 2, 3, 4},
        Npy.readMatrix(file("v2.npy", npy("<f8", false, "(2, 2)", data, 2))).values());
    assertArrayEquals(new double[] {1, 2, 3, 4},
        Npy.readMatrix(file("v3.npy", npy("<f8", false, "(2, 2)", data, 3))).values());
  }

  @Test
  void otherDtypesAreRejectedNamingTheDtype() throws IOException {
    String[][] cases = {{"<i8", "int64"}, {"<i4", "int32"}, {"|u1", "uint8"}, {"|b1", "bool"},
        {"<c16", "complex128"}, {"|O", "object"}, {"<f2", "float16"}, {"<U3", "unicode"},
        {"<M8[ns]", "datetime64"}};
    for (String[] c : cases) {
      Path path = file("d" + c[1] + ".npy", npy(c[0], false, "(2,)", new byte[32], 1));
      NpyException e = assertThrows(NpyException.class, () -> Npy.readVector(path));
      assertMessage(e, path, c[1], "expected float64");
    }
  }

  @Test
  void theWrongRankIsRejectedNamingTheShape() throws IOException {
    Path cube = file("cube.npy", npy("<f8", false, "(2, 2, 2)", new byte[64], 1));
    assertMessage(assertThrows(NpyException.class, () -> Npy.readMatrix(cube)), cube,
        "(2, 2, 2)", "rank 3", "2-D");
    assertMessage(assertThrows(NpyException.class, () -> Npy.read(cube)), cube, "rank 3");
    Path vector = file("vector.npy", npy("<f8", false, "(4,)", new byte[32], 1));
    assertMessage(assertThrows(NpyException.class, () -> Npy.readMatrix(vector)), vector,
        "(4,)", "rank 1", "2-D");
    Path matrix = file("matrix.npy", npy("<f8", false, "(2, 2)", new byte[32], 1));
    assertMessage(assertThrows(NpyException.class, () -> Npy.readVector(matrix)), matrix,
        "(2, 2)", "rank 2", "1-D");
    Path scalar = file("scalar.npy", npy("<f8", false, "()", new byte[8], 1));
    assertMessage(assertThrows(NpyException.class, () -> Npy.readVector(scalar)), scalar,
        "rank 0", "scalar");
  }

  @Test
  @Timeout(60) // a guard only: the npy library loops forever on a truncated body
  void truncatedAndOverlongFilesAreRejected() throws IOException {
    byte[] whole = npy("<f8", false, "(2, 3)", doubles(ByteOrder.LITTLE_ENDIAN, 1, 2, 3, 4, 5,
        6), 1);
    Path body = file("body.npy", Arrays.copyOf(whole, whole.length - 5));
    assertMessage(assertThrows(NpyException.class, () -> Npy.readMatrix(body)), body,
        "truncated", "48 bytes", "43");
    Path header = file("header.npy", Arrays.copyOf(whole, 40));
    assertMessage(assertThrows(NpyException.class, () -> Npy.readMatrix(header)), header,
        "truncated");
    Path preamble = file("preamble.npy", Arrays.copyOf(whole, 8));
    assertMessage(assertThrows(NpyException.class, () -> Npy.readMatrix(preamble)), preamble,
        "truncated");
    Path longer = file("longer.npy", Arrays.copyOf(whole, whole.length + 8));
    assertMessage(assertThrows(NpyException.class, () -> Npy.readMatrix(longer)), longer,
        "8 bytes follow");
  }

  @Test
  void missingEmptyAndForeignFilesAreRejected() throws IOException {
    Path missing = directory.resolve("missing.npy");
    assertMessage(assertThrows(NpyException.class, () -> Npy.readVector(missing)), missing,
        "no such file");
    Path empty = file("empty.npy", new byte[0]);
    assertMessage(assertThrows(NpyException.class, () -> Npy.readVector(empty)), empty,
        "not a .npy file", "empty");
    Path text = file("text.npy", "x,y\n1,2\n".repeat(10).getBytes(StandardCharsets.US_ASCII));
    assertMessage(assertThrows(NpyException.class, () -> Npy.readVector(text)), text,
        "not a .npy file");
    assertMessage(assertThrows(NpyException.class, () -> Npy.readVector(directory)), directory,
        "directory");
  }

  @Test
  void malformedHeadersAreRejected() throws IOException {
    byte[] data = new byte[16];
    Path noShape = file("noshape.npy", replace(npy("<f8", false, "(2,)", data, 1), "'shape'",
        "'shope'"));
    assertMessage(assertThrows(NpyException.class, () -> Npy.readVector(noShape)), noShape,
        "malformed", "shape");
    Path negative = file("negative.npy", npy("<f8", false, "(-2,)", data, 1));
    assertMessage(assertThrows(NpyException.class, () -> Npy.readVector(negative)), negative,
        "negative");
    Path words = file("words.npy", npy("<f8", false, "(two,)", data, 1));
    assertMessage(assertThrows(NpyException.class, () -> Npy.readVector(words)), words,
        "not a tuple of integers");
    byte[] version = npy("<f8", false, "(2,)", data, 1);
    version[6] = 4;
    Path v4 = file("v4.npy", version);
    assertMessage(assertThrows(NpyException.class, () -> Npy.readVector(v4)), v4,
        "version 4.0");
  }

  /** Bytes of a corrupt header that a message quotes are escaped, not passed on raw. */
  @Test
  void controlBytesOfACorruptHeaderAreEscapedInTheMessage() throws IOException {
    byte[] data = doubles(ByteOrder.LITTLE_ENDIAN, 1, 2);
    Path nul = file("nul.npy", replace(npy("<f8", false, "(2,)", data, 1), "fortran_order",
        "fortran\u0000order"));
    NpyException e = assertThrows(NpyException.class, () -> Npy.readVector(nul));
    assertMessage(e, nul, "malformed", "fortran\\x00order");
    assertTrue(e.getMessage().chars().noneMatch(Character::isISOControl), e.getMessage());
    Path bell = file("bell.npy", npy("\u0007f8", false, "(2,)", data, 1));
    assertMessage(assertThrows(NpyException.class, () -> Npy.readVector(bell)), bell,
        "dtype '\\x07f8'");
  }

  private static byte[] replace(byte[] bytes, String from, String to) {
    String s = new String(bytes, StandardCharsets.ISO_8859_1).replace(from, to);
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }
}
