package io.github.bilevel.bsgm.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jetbrains.bio.npy.NpyArray;
import org.jetbrains.bio.npy.NpyFile;

/**
 * Reading and writing NumPy {@code .npy} files of 1-D, 2-D and 3-D float64 arrays, on top of
 * {@code org.jetbrains.bio:npy}.
 *
 * <p>Reading checks the file before the library sees it, because the library does not: it loops
 * forever on a truncated body, fails with an index error on trailing bytes and with parse errors
 * on object arrays or 0-d arrays. Here the header is parsed first (format versions 1.0, 2.0 and
 * 3.0), then the dtype (float64, or float32 which is widened; anything else is an error naming
 * the dtype), the rank, and the file size against the size the header promises. Only then does
 * the library decode a C-ordered version 1.0/2.0 file; Fortran-ordered arrays (which
 * {@code np.save} writes for a transposed array) and version 3.0 files, which the library
 * rejects, are decoded here and returned in row-major order like any other. Every problem is an
 * {@link NpyException} whose message names the file.
 *
 * <p>Writing is atomic: the library writes a little-endian C-ordered float64 array into a
 * temporary file in the target's directory, which is then moved onto the target in one rename,
 * so a reader never sees a half-written file.
 */
public final class Npy {

  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  /** Headers larger than this are taken for corruption (numpy's own are a few hundred bytes). */
  private static final long MAX_HEADER_BYTES = 1 << 20;
  private static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;
  private static final Pattern DESCR = Pattern.compile("['\"]descr['\"]\\s*:\\s*'([^']*)'");
  private static final Pattern FORTRAN =
      Pattern.compile("['\"]fortran_order['\"]\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("['\"]shape['\"]\\s*:\\s*\\(([^)]*)\\)");
  private static final Pattern DTYPE = Pattern.compile("([<>|=]?)([a-zA-Z])(\\d*)(.*)");

  private Npy() {}

  /**
   * A float64 array read from a file: its shape and its values in row-major (C) order. The
   * arrays are the caller's; they are not copied.
   *
   * @param file   where it was read from
   * @param shape  its dimensions (one to three)
   * @param values its values, row-major
   */
  public record Array(Path file, int[] shape, double[] values) {

    public Array {
      Objects.requireNonNull(file, "file");
      Objects.requireNonNull(shape, "shape");
      Objects.requireNonNull(values, "values");
    }

    /** The number of dimensions. */
    public int rank() {
      return shape.length;
    }

    /** The first dimension (the length of a 1-D array). */
    public int rows() {
      return shape[0];
    }

    /** The second dimension of a 2-D array; 1 for a 1-D array. */
    public int cols() {
      return shape.length >= 2 ? shape[1] : 1;
    }

    /** The shape written the way numpy prints it, e.g. {@code (200, 5)} or {@code (5,)}. */
    public String shapeText() {
      return Npy.shapeText(Arrays.stream(shape).asLongStream().toArray());
    }
  }

  /**
   * What the header of a {@code .npy} file says.
   *
   * @param descr        the dtype descriptor, e.g. {@code <f8} ({@code "<structured>"} for a
   *                     record dtype)
   * @param fortranOrder whether the data is in column-major order
   * @param shape        the dimensions
   * @param major        the format's major version (1, 2 or 3)
   * @param dataOffset   where the data starts in the file
   * @param fileSize     the file's size in bytes
   */
  public record Header(String descr, boolean fortranOrder, long[] shape, int major,
      long dataOffset, long fileSize) {

    /** The dtype's numpy name, e.g. {@code float64}, {@code int32}, {@code complex128}. */
    public String dtypeName() {
      return Npy.dtypeName(descr);
    }

    /** The shape written the way numpy prints it. */
    public String shapeText() {
      return Npy.shapeText(shape);
    }
  }

  /** Reads a 1-D or 2-D float64 (or float32, widened) array. */
  public static Array read(Path file) throws NpyException {
    return read(file, 0);
  }

  /** Reads a 1-D float64 (or float32) array: its values. */
  public static double[] readVector(Path file) throws NpyException {
    return read(file, 1).values();
  }

  /** Reads a 2-D float64 (or float32) array, in row-major order. */
  public static Array readMatrix(Path file) throws NpyException {
    return read(file, 2);
  }

  /**
   * Reads a float64 (or float32, widened) array of the given rank.
   *
   * @param rank 1, 2 or 3; 0 accepts 1 or 2
   * @throws NpyException naming the file and what is wrong: missing or unreadable, not a
   *     {@code .npy} file, a malformed or truncated header, a dtype other than float64/float32
   *     (naming it), a rank other than the one wanted (naming the shape), a body shorter or
   *     longer than the header says
   */
  public static Array read(Path file, int rank) throws NpyException {
    Objects.requireNonNull(file, "file");
    if (rank < 0 || rank > 3) {
      throw new IllegalArgumentException("rank must be 1, 2, 3, or 0 for 1 or 2, got " + rank);
    }
    Header header = readHeader(file);
    int itemSize = checkDtype(file, header);
    checkRank(file, header, rank);
    long count = elementCount(file, header);
    long expected = count * itemSize;
    long available = header.fileSize() - header.dataOffset();
    if (available < expected) {
      throw new NpyException(file, file + " is truncated: its header promises a "
          + header.dtypeName() + " array of shape " + header.shapeText() + ", " + expected
          + " bytes of data, but only " + available + " bytes follow the header");
    }
    if (available > expected) {
      throw new NpyException(file, file + " is corrupt: " + (available - expected)
          + " bytes follow the " + expected + " bytes of data its header describes ("
          + header.dtypeName() + ", shape " + header.shapeText() + ")");
    }
    int[] shape = Arrays.stream(header.shape()).mapToInt(d -> (int) d).toArray();
    double[] values;
    if (header.fortranOrder() || header.major() >= 3) {
      values = decode(file, header, (int) count, itemSize);
      if (header.fortranOrder() && shape.length >= 2) {
        values = toRowMajor(values, shape);
      }
    } else {
      values = decodeWithLibrary(file, header, (int) count);
    }
    return new Array(file, shape, values);
  }

  /**
   * Reads and checks the header of a {@code .npy} file, without its data.
   *
   * @throws NpyException if the file is missing, unreadable, not a {@code .npy} file, or its
   *     header is truncated or malformed
   */
  public static Header readHeader(Path file) throws NpyException {
    if (Files.isDirectory(file)) {
      throw new NpyException(file, "cannot read " + file + ": it is a directory");
    }
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      ByteBuffer start = ByteBuffer.allocate((int) Math.min(size, 12))
          .order(ByteOrder.LITTLE_ENDIAN);
      readFully(channel, start, 0);
      for (int i = 0; i < MAGIC.length; i++) {
        if (i >= size || start.get(i) != MAGIC[i]) {
          throw new NpyException(file, file + " is not a .npy file: "
              + (size == 0 ? "it is empty"
                  : size < MAGIC.length ? "it has only " + size + " bytes"
                  : "it does not start with the .npy magic string \\x93NUMPY"));
        }
      }
      if (size < 10) {
        throw new NpyException(file, file + " is truncated: only " + size
            + " bytes, not even a complete .npy preamble");
      }
      int major = start.get(6) & 0xff;
      int minor = start.get(7) & 0xff;
      long headerLength;
      long headerStart;
      if (major == 1 && minor == 0) {
        headerLength = start.getShort(8) & 0xffff;
        headerStart = 10;
      } else if ((major == 2 || major == 3) && minor == 0) {
        if (size < 12) {
          throw new NpyException(file, file + " is truncated: only " + size
              + " bytes, not even a complete .npy preamble");
        }
        headerLength = start.getInt(8) & 0xffffffffL;
        headerStart = 12;
      } else {
        throw new NpyException(file, file + " has .npy format version " + major + "." + minor
            + ", which is not supported (1.0, 2.0 and 3.0 are)");
      }
      if (headerLength > MAX_HEADER_BYTES) {
        throw new NpyException(file, file + " is corrupt: its header claims " + headerLength
            + " bytes");
      }
      if (headerStart + headerLength > size) {
        throw new NpyException(file, file + " is truncated: its header should be "
            + headerLength + " bytes but the file ends " + (size - headerStart)
            + " bytes into it");
      }
      ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
      readFully(channel, headerBytes, headerStart);
      String text = new String(headerBytes.array(),
          major >= 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1).strip();
      return parseHeader(file, text, major, headerStart + headerLength, size);
    } catch (NpyException e) {
      throw e;
    } catch (NoSuchFileException e) {
      throw new NpyException(file, "cannot read " + file + ": no such file", e);
    } catch (AccessDeniedException e) {
      throw new NpyException(file, "cannot read " + file + ": permission denied", e);
    } catch (IOException e) {
      throw new NpyException(file, "cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static Header parseHeader(Path file, String text, int major, long dataOffset,
      long fileSize) throws NpyException {
    if (!text.startsWith("{") || !text.endsWith("}")) {
      throw corruptHeader(file, "it is not a Python dict literal", text);
    }
    String descr;
    Matcher m = DESCR.matcher(text);
    if (m.find()) {
      descr = m.group(1);
    } else if (text.contains("descr")) {
      descr = "<structured>";
    } else {
      throw corruptHeader(file, "it has no 'descr' key", text);
    }
    m = FORTRAN.matcher(text);
    if (!m.find()) {
      throw corruptHeader(file, "it has no 'fortran_order': True/False", text);
    }
    boolean fortran = m.group(1).equals("True");
    m = SHAPE.matcher(text);
    if (!m.find()) {
      throw corruptHeader(file, "it has no 'shape' tuple", text);
    }
    String[] parts = m.group(1).split(",");
    long[] shape = new long[parts.length];
    int rank = 0;
    for (String part : parts) {
      String s = part.strip();
      if (s.endsWith("L")) {
        s = s.substring(0, s.length() - 1); // Python 2 longs
      }
      if (s.isEmpty()) {
        continue;
      }
      try {
        shape[rank] = Long.parseLong(s);
      } catch (NumberFormatException e) {
        throw corruptHeader(file, "its shape (" + m.group(1) + ") is not a tuple of integers",
            text);
      }
      if (shape[rank] < 0) {
        throw corruptHeader(file, "its shape (" + m.group(1) + ") has a negative dimension",
            text);
      }
      rank++;
    }
    return new Header(descr, fortran, Arrays.copyOf(shape, rank), major, dataOffset, fileSize);
  }

  private static NpyException corruptHeader(Path file, String what, String text) {
    String shown = text.length() > 120 ? text.substring(0, 120) + "..." : text;
    return new NpyException(file, file + " has a malformed .npy header: " + what + " (header: "
        + shown + ")");
  }

  /** The item size of a float64 or float32 dtype; anything else is an error naming it. */
  private static int checkDtype(Path file, Header header) throws NpyException {
    Matcher m = DTYPE.matcher(header.descr());
    if (m.matches() && m.group(2).equals("f") && m.group(4).isEmpty()
        && (m.group(3).equals("8") || m.group(3).equals("4"))) {
      return Integer.parseInt(m.group(3));
    }
    throw new NpyException(file, file + " holds " + header.dtypeName() + " values (dtype '"
        + header.descr() + "'); expected float64 (float32 is accepted and widened): convert"
        + " it, e.g. with numpy's a.astype('float64')");
  }

  private static void checkRank(Path file, Header header, int rank) throws NpyException {
    int actual = header.shape().length;
    boolean ok = rank == 0 ? actual == 1 || actual == 2 : actual == rank;
    if (!ok) {
      String expected = rank == 0 ? "a 1-D or 2-D array" : rank == 1
          ? "a 1-D array (a vector, rank 1)" : rank == 2 ? "a 2-D array (a matrix, rank 2)"
          : "a 3-D array (a stack of matrices, rank 3)";
      throw new NpyException(file, file + " has shape " + header.shapeText() + " (rank "
          + actual + (actual == 0 ? ", a scalar" : "") + "); expected " + expected);
    }
  }

  private static long elementCount(Path file, Header header) throws NpyException {
    long count = 1;
    for (long d : header.shape()) {
      if (d != 0 && count > MAX_ELEMENTS / d) {
        throw new NpyException(file, file + " has shape " + header.shapeText()
            + ": more than " + MAX_ELEMENTS + " elements, too many for one Java array");
      }
      count *= d;
    }
    if (count > MAX_ELEMENTS) {
      throw new NpyException(file, file + " has shape " + header.shapeText()
          + ": more than " + MAX_ELEMENTS + " elements, too many for one Java array");
    }
    return count;
  }

  private static double[] decodeWithLibrary(Path file, Header header, int count)
      throws NpyException {
    NpyArray array;
    try {
      array = NpyFile.read(file, Integer.MAX_VALUE);
    } catch (Exception e) { // Kotlin: checked exceptions are undeclared
      throw new NpyException(file, "cannot decode " + file + " (" + header.dtypeName()
          + ", shape " + header.shapeText() + "): " + e, e);
    }
    Object data = array.getData();
    long[] shape = Arrays.stream(array.getShape()).asLongStream().toArray();
    int length = data instanceof double[] d ? d.length : data instanceof float[] f ? f.length
        : -1;
    if (length != count || !Arrays.equals(shape, header.shape())) {
      throw new NpyException(file, "cannot decode " + file + ": the npy library read "
          + (data == null ? "nothing" : data.getClass().getSimpleName() + " of length "
          + length) + " and shape " + shapeText(shape) + " where the header says "
          + header.dtypeName() + " " + header.shapeText());
    }
    if (data instanceof float[] f) {
      double[] widened = new double[f.length];
      for (int i = 0; i < f.length; i++) {
        widened[i] = f[i];
      }
      return widened;
    }
    return (double[]) data;
  }

  /** Reads the data in file order (Fortran-ordered or version 3.0 files). */
  private static double[] decode(Path file, Header header, int count, int itemSize)
      throws NpyException {
    ByteOrder order = header.descr().startsWith(">") ? ByteOrder.BIG_ENDIAN
        : header.descr().startsWith("=") ? ByteOrder.nativeOrder() : ByteOrder.LITTLE_ENDIAN;
    double[] values = new double[count];
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer chunk = ByteBuffer.allocate(1 << 16).order(order);
      long position = header.dataOffset();
      int done = 0;
      while (done < count) {
        int items = Math.min(count - done, chunk.capacity() / itemSize);
        chunk.clear().limit(items * itemSize);
        readFully(channel, chunk, position);
        position += (long) items * itemSize;
        chunk.flip();
        for (int i = 0; i < items; i++) {
          values[done++] = itemSize == 8 ? chunk.getDouble() : chunk.getFloat();
        }
      }
    } catch (IOException e) {
      throw new NpyException(file, "cannot read " + file + ": " + e.getMessage(), e);
    }
    return values;
  }

  /** Column-major (Fortran) values of an array of rank 2 or 3 in row-major (C) order. */
  private static double[] toRowMajor(double[] columnMajor, int[] shape) {
    double[] rowMajor = new double[columnMajor.length];
    int rows = shape[0];
    int cols = shape[1];
    int depth = shape.length == 3 ? shape[2] : 1;
    for (int k = 0; k < depth; k++) {
      for (int j = 0; j < cols; j++) {
        for (int i = 0; i < rows; i++) {
          rowMajor[(i * cols + j) * depth + k] = columnMajor[(k * cols + j) * rows + i];
        }
      }
    }
    return rowMajor;
  }

  private static void readFully(FileChannel channel, ByteBuffer buffer, long position)
      throws IOException {
    long at = position;
    while (buffer.hasRemaining()) {
      int n = channel.read(buffer, at);
      if (n < 0) {
        throw new IOException("unexpected end of file at byte " + at);
      }
      at += n;
    }
  }

  /** Writes a 1-D float64 array atomically. */
  public static void writeVector(Path file, double[] values) throws IOException {
    write(file, values, values.length);
  }

  /** Writes a 2-D row-major {@code rows × cols} float64 array atomically. */
  public static void writeMatrix(Path file, double[] values, int rows, int cols)
      throws IOException {
    write(file, values, rows, cols);
  }

  /**
   * Writes a 1-D, 2-D or 3-D float64 array (values in row-major order) as a little-endian,
   * C-ordered {@code .npy} file: into a temporary file in the same directory, then moved onto
   * {@code file} atomically (the directory is created if needed).
   *
   * @throws IllegalArgumentException if the shape is not of rank 1 to 3 or does not match the
   *     values
   * @throws IOException naming the file if it cannot be written
   */
  public static void write(Path file, double[] values, int... shape) throws IOException {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(values, "values");
    if (shape.length < 1 || shape.length > 3) {
      throw new IllegalArgumentException("only 1-D, 2-D and 3-D arrays are written, got shape "
          + Arrays.toString(shape));
    }
    long count = 1;
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
      }
      count *= d;
    }
    if (count != values.length) {
      throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + count
          + " values, got " + values.length);
    }
    int[] dims = shape.clone();
    try {
      AtomicFiles.write(file, temporary -> {
        try {
          NpyFile.write(temporary, values, dims, ByteOrder.LITTLE_ENDIAN);
        } catch (Exception e) { // Kotlin: checked exceptions are undeclared
          throw e instanceof IOException io ? io
              : new IOException("the npy library failed: " + e, e);
        }
      });
    } catch (UncheckedIOException e) {
      throw new IOException(e.getMessage(), e.getCause());
    }
  }

  /** numpy's name of a dtype descriptor such as {@code <i8} ({@code int64}). */
  static String dtypeName(String descr) {
    if (descr.equals("<structured>")) {
      return "a structured (record) dtype's";
    }
    Matcher m = DTYPE.matcher(descr);
    if (!m.matches()) {
      return "'" + descr + "'";
    }
    String kind = m.group(2);
    String digits = m.group(3);
    int bytes = digits.isEmpty() ? 0 : Integer.parseInt(digits);
    return switch (kind) {
      case "f" -> "float" + bytes * 8;
      case "i" -> "int" + bytes * 8;
      case "u" -> "uint" + bytes * 8;
      case "c" -> "complex" + bytes * 8;
      case "b" -> bytes == 1 ? "bool" : "'" + descr + "'";
      case "O" -> "object (Python object)";
      case "U" -> "unicode string";
      case "S", "a" -> "byte string";
      case "V" -> "void (raw bytes)";
      case "M" -> "datetime64";
      case "m" -> "timedelta64";
      default -> "'" + descr + "'";
    };
  }

  static String shapeText(long[] shape) {
    if (shape.length == 1) {
      return "(" + shape[0] + ",)";
    }
    StringBuilder s = new StringBuilder("(");
    for (int i = 0; i < shape.length; i++) {
      s.append(i == 0 ? "" : ", ").append(shape[i]);
    }
    return s.append(')').toString();
  }
}
