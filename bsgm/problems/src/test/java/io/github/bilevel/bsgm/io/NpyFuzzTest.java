package io.github.bilevel.bsgm.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Fuzzing the {@code .npy} reader ({@link Npy#read}): whatever the bytes of the file, the reader
 * either returns the array the file holds, checked against a decoding of the bytes written here
 * (header length, dtype, byte order, Fortran order, shape against the file size), or throws an
 * {@link NpyException} naming the file in a printable message. Any other throwable, a hang or
 * an out-of-memory error is a finding.
 *
 * <p>Without {@code JAZZER_FUZZ} the target runs on its seed corpus
 * ({@code NpyFuzzTestInputs/readNpy/}: the {@link #seeds} and the inputs fuzzing found) as a
 * plain test; {@code bin/fuzz npy MINUTES} fuzzes it.
 */
class NpyFuzzTest {

  /** One file rewritten for every input: the reader reads paths, and a new file each is slow. */
  private static final Path FILE = FuzzCorpus.scratchFile("npy-fuzz-", ".npy");


  @FuzzTest
  void readNpy(byte[] bytes) throws IOException {
    Files.write(FILE, bytes);
    Npy.Array array;
    try {
      array = Npy.read(FILE);
    } catch (NpyException e) {
      checkRefusal(e);
      return;
    }
    checkArray(bytes, array);
    // The rank-specific readers agree: the same array for its rank, a refusal for the other.
    int rank = array.rank();
    Npy.Array again = Npy.read(FILE, rank);
    assertArrayEquals(array.shape(), again.shape());
    assertArrayEquals(array.values(), again.values());
    checkRefusal(assertThrows(NpyException.class, () -> Npy.read(FILE, 3 - rank)));
  }

  /** The documented refusal: the file named, in a message without raw control bytes. */
  static void checkRefusal(NpyException e) {
    assertEquals(FILE, e.file(), "the exception's file");
    String message = e.getMessage();
    assertTrue(message != null && message.contains(FILE.toString()),
        "the message names the file: " + message);
    assertTrue(message.chars().noneMatch(Character::isISOControl),
        "the message has no control characters: " + message);
  }

  /** The array against the file's bytes, decoded here. */
  private static void checkArray(byte[] bytes, Npy.Array array) throws NpyException {
    assertEquals(FILE, array.file());
    int rank = array.rank();
    assertTrue(rank == 1 || rank == 2, "rank " + rank);
    long count = 1;
    for (int d : array.shape()) {
      assertTrue(d >= 0, "dimension " + d);
      count *= d;
    }
    assertEquals(count, array.values().length, "values for shape " + array.shapeText());

    // The preamble: magic, version, little-endian header length (2 bytes in 1.0, 4 after).
    assertArrayEquals(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'},
        Arrays.copyOf(bytes, 6));
    int major = bytes[6] & 0xff;
    int preamble = major == 1 ? 10 : 12;
    long headerLength = major == 1
        ? (bytes[8] & 0xff) | (bytes[9] & 0xff) << 8
        : ByteBuffer.wrap(bytes, 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xffffffffL;
    long dataOffset = preamble + headerLength;
    Npy.Header header = Npy.readHeader(FILE);
    assertEquals(dataOffset, header.dataOffset(), "data offset");
    assertArrayEquals(Arrays.stream(array.shape()).asLongStream().toArray(), header.shape());
    String text = new String(bytes, preamble, (int) headerLength,
        major >= 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    assertTrue(text.contains(header.descr()), "descr '" + header.descr() + "' in " + text);

    String descr = header.descr();
    assertTrue(descr.matches("[<>|=]?f[48]"), "a float dtype: " + descr);
    int itemSize = descr.endsWith("8") ? 8 : 4;
    assertEquals(bytes.length, dataOffset + count * itemSize, "file size");
    ByteOrder order = descr.startsWith(">") ? ByteOrder.BIG_ENDIAN
        : descr.startsWith("=") ? ByteOrder.nativeOrder() : ByteOrder.LITTLE_ENDIAN;
    ByteBuffer data = ByteBuffer.wrap(bytes, (int) dataOffset, (int) (count * itemSize))
        .slice().order(order);
    int rows = array.rows();
    int cols = array.cols();
    double[] values = array.values();
    for (int i = 0; i < count; i++) {
      double value = itemSize == 8 ? data.getDouble() : data.getFloat();
      // Element i in file order: row-major, or column-major when Fortran-ordered.
      int at = header.fortranOrder() && rank == 2 ? (i % rows) * cols + i / rows : i;
      if (Double.compare(value, values[at]) != 0) {
        fail("element " + i + " of the file is " + value + ", the reader gave " + values[at]
            + " at " + at);
      }
    }
  }

  /**
   * The seed corpus: numpy's layouts of float64 and float32 arrays (versions 1.0, 2.0, 3.0,
   * both byte orders, Fortran order, empty arrays) and the refusals (other dtypes and ranks,
   * truncated, trailing bytes, a malformed header, not a .npy file).
   */
  static Map<String, byte[]> seeds() {
    Map<String, byte[]> seeds = new LinkedHashMap<>();
    seeds.put("f8-vector", NpyTestFiles.npy("<f8", "(5,)", doubles(ByteOrder.LITTLE_ENDIAN, 5)));
    seeds.put("f8-matrix", NpyTestFiles.npy("<f8", "(3, 4)",
        doubles(ByteOrder.LITTLE_ENDIAN, 12)));
    seeds.put("f4-matrix", NpyTestFiles.npy("<f4", "(2, 3)", floats(6)));
    seeds.put("f8-big-endian", NpyTestFiles.npy(">f8", "(3,)", doubles(ByteOrder.BIG_ENDIAN, 3)));
    seeds.put("f8-fortran", NpyTestFiles.npy("<f8", true, "(2, 3)",
        doubles(ByteOrder.LITTLE_ENDIAN, 6), 1));
    seeds.put("f8-version2", NpyTestFiles.npy("<f8", false, "(2, 2)",
        doubles(ByteOrder.LITTLE_ENDIAN, 4), 2));
    seeds.put("f8-version3", NpyTestFiles.npy("<f8", false, "(4,)",
        doubles(ByteOrder.LITTLE_ENDIAN, 4), 3));
    seeds.put("f8-empty", NpyTestFiles.npy("<f8", "(0,)", new byte[0]));
    seeds.put("f8-empty-rows", NpyTestFiles.npy("<f8", "(0, 5)", new byte[0]));
    seeds.put("i8-vector", NpyTestFiles.npy("<i8", "(2,)", doubles(ByteOrder.LITTLE_ENDIAN, 2)));
    seeds.put("f8-scalar", NpyTestFiles.npy("<f8", "()", doubles(ByteOrder.LITTLE_ENDIAN, 1)));
    seeds.put("f8-rank3", NpyTestFiles.npy("<f8", "(2, 1, 2)",
        doubles(ByteOrder.LITTLE_ENDIAN, 4)));
    seeds.put("f8-truncated", NpyTestFiles.npy("<f8", "(4,)", doubles(ByteOrder.LITTLE_ENDIAN, 3)));
    seeds.put("f8-trailing", NpyTestFiles.npy("<f8", "(2,)", doubles(ByteOrder.LITTLE_ENDIAN, 3)));
    byte[] noShape = NpyTestFiles.npy("<f8", "(2,)", doubles(ByteOrder.LITTLE_ENDIAN, 2));
    int at = new String(noShape, StandardCharsets.ISO_8859_1).indexOf("'shape'");
    noShape[at + 1] = 'S';
    seeds.put("header-without-shape", noShape);
    seeds.put("not-npy", "x,y\n1,2\n".getBytes(StandardCharsets.US_ASCII));
    return seeds;
  }

  private static byte[] doubles(ByteOrder order, int count) {
    ByteBuffer b = ByteBuffer.allocate(8 * count).order(order);
    for (int i = 0; i < count; i++) {
      b.putDouble(i == 1 ? -0.0 : i == 2 ? Double.NaN : 1.5 * i - 2);
    }
    return b.array();
  }

  private static byte[] floats(int count) {
    ByteBuffer b = ByteBuffer.allocate(4 * count).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < count; i++) {
      b.putFloat(0.25f * i - 1);
    }
    return b.array();
  }

  /** The seeds meet the property, and the valid ones are read (so the corpus reaches decoding). */
  @Test
  void seedsAreReadOrRefused() throws IOException {
    for (Map.Entry<String, byte[]> seed : seeds().entrySet()) {
      readNpy(seed.getValue());
      boolean valid = seed.getKey().startsWith("f") && !seed.getKey().matches(
          "f8-(scalar|rank3|truncated|trailing)");
      Files.write(FILE, seed.getValue());
      if (valid) {
        Npy.read(FILE);
      } else {
        assertThrows(NpyException.class, () -> Npy.read(FILE), seed.getKey());
      }
    }
  }

  /** The checks fail on an array that does not match its file (so the target can fail). */
  @Test
  void checksCatchAWrongArray() throws IOException {
    byte[] bytes = seeds().get("f8-fortran");
    Files.write(FILE, bytes);
    Npy.Array read = Npy.read(FILE);
    double[] swapped = read.values().clone();
    double first = swapped[0];
    swapped[0] = swapped[1];
    swapped[1] = first;
    assertThrows(AssertionError.class,
        () -> checkArray(bytes, new Npy.Array(FILE, read.shape(), swapped)));
    assertThrows(AssertionError.class,
        () -> checkArray(bytes, new Npy.Array(FILE, new int[] {3, 2}, read.values())));
    assertThrows(AssertionError.class,
        () -> checkRefusal(new NpyException(FILE, "a message without the file's name")));
    assertFalse(Arrays.equals(read.values(), swapped));
  }

  /** Writes the seed corpus (enabled by {@code -Dfuzz.writeSeeds=true}). */
  @Test
  @EnabledIfSystemProperty(named = FuzzCorpus.WRITE_PROPERTY, matches = "true")
  void writeSeeds() {
    FuzzCorpus.write(NpyFuzzTest.class, "readNpy", seeds());
  }
}
