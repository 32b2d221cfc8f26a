package io.github.bilevel.bsgm.runner;

import io.github.bilevel.bsgm.io.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.CRC32C;

/**
 * The metrics of one seed of one algorithm as an append-only log
 * ({@code metrics/ALGORITHM-seedS.csv}): the rows of {@code metrics.csv}, each followed by the
 * CRC32C of its text, appended at every checkpoint and forced to the disk before the checkpoint
 * that records the log's length is written. A checkpoint costs the rows since the last one,
 * whatever the length of the run; a resume truncates the log back to the length its checkpoint
 * recorded (rows of iterations after the checkpoint are computed again).
 *
 * <p>Format (UTF-8 text, docs/run-directory.md): the line {@link #FORMAT_LINE}, the header
 * {@link #HEADER}, then one line per row: {@code metrics.csv}'s cells, a comma and the CRC32C of
 * the text before that comma as eight hexadecimal digits.
 */
public final class MetricsLog implements AutoCloseable {

  /** The first line: what the file is and its format version. */
  public static final String FORMAT_LINE = "# bsgm metrics log, format 1";

  /** The second line: {@code metrics.csv}'s header and the checksum column. */
  public static final String HEADER = Metrics.HEADER + ",crc32c";

  private static final byte[] PREAMBLE =
      (FORMAT_LINE + "\n" + HEADER + "\n").getBytes(StandardCharsets.UTF_8);

  private final Path file;
  private final FileChannel channel;
  private long rows;
  private long bytes;

  private MetricsLog(Path file, FileChannel channel, long rows, long bytes) {
    this.file = file;
    this.channel = channel;
    this.rows = rows;
    this.bytes = bytes;
  }

  /**
   * Creates an empty log at {@code file} (mode {@code 0644} masked by the umask), replacing any
   * file there.
   */
  public static MetricsLog create(Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.deleteIfExists(file);
      AtomicFiles.createReadable(file);
      FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE);
      MetricsLog log = new MetricsLog(file, channel, 0, 0);
      log.write(PREAMBLE);
      return log;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Opens the log at {@code file} for appending after its first {@code bytes} bytes, which hold
   * {@code rows} rows (as a checkpoint recorded them and {@link #read(Path, long)} verified):
   * what follows them is cut off.
   */
  public static MetricsLog reopen(Path file, long rows, long bytes) {
    try {
      FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE);
      if (channel.size() < bytes) {
        channel.close();
        throw new IllegalArgumentException(file + " holds " + Files.size(file) + " bytes, fewer"
            + " than the " + bytes + " its checkpoint recorded");
      }
      channel.truncate(bytes);
      channel.position(bytes);
      return new MetricsLog(file, channel, rows, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open " + file + ": " + e.getMessage(), e);
    }
  }

  /** The file. */
  public Path file() {
    return file;
  }

  /** The rows written so far. */
  public long rows() {
    return rows;
  }

  /** The length of the file so far, in bytes. */
  public long bytes() {
    return bytes;
  }

  /** Appends {@code newRows} (not yet forced to the disk: see {@link #force}). */
  public void append(List<Metrics.Row> newRows) {
    StringBuilder text = new StringBuilder();
    for (Metrics.Row row : newRows) {
      text.append(line(row)).append('\n');
    }
    try {
      write(text.toString().getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to " + file + ": " + e.getMessage(), e);
    }
    rows += newRows.size();
  }

  /** Forces what was appended to the disk (before a checkpoint records the length). */
  public void force() {
    try {
      channel.force(false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot flush " + file + ": " + e.getMessage(), e);
    }
  }

  private void write(byte[] data) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(data);
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
    bytes += data.length;
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close " + file + ": " + e.getMessage(), e);
    }
  }

  /** A row's line: its {@code metrics.csv} text, a comma and the text's CRC32C. */
  static String line(Metrics.Row row) {
    String text = row.toCsv();
    return text + "," + crc(text);
  }

  private static String crc(String text) {
    CRC32C crc = new CRC32C();
    crc.update(text.getBytes(StandardCharsets.UTF_8));
    return String.format(Locale.ROOT, "%08x", crc.getValue());
  }

  /** Writes {@code rows} as a complete log to {@code file} atomically. */
  public static void writeAtomically(Path file, List<Metrics.Row> rows) {
    StringBuilder text = new StringBuilder(FORMAT_LINE).append('\n').append(HEADER).append('\n');
    for (Metrics.Row row : rows) {
      text.append(line(row)).append('\n');
    }
    AtomicFiles.writeString(file, text.toString());
  }

  /**
   * Reads the whole log at {@code file}, verifying every row's checksum.
   *
   * @throws IllegalArgumentException naming the file (and line) when it is not a metrics log of
   *     this format, a row is damaged or the last row is cut short
   */
  public static List<Metrics.Row> read(Path file) {
    try {
      return read(file, Files.size(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads the first {@code bytes} bytes of the log at {@code file} (the length a checkpoint
   * recorded), verifying every row's checksum; what follows them is ignored.
   *
   * @throws IllegalArgumentException naming the file (and line) when it is shorter than
   *     {@code bytes}, is not a metrics log of this format, or a row is damaged
   */
  public static List<Metrics.Row> read(Path file, long bytes) {
    byte[] data;
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      if (size < bytes) {
        throw new IllegalArgumentException(file + " holds " + size + " bytes, fewer than the "
            + bytes + " its checkpoint recorded: rows were lost");
      }
      if (bytes > Integer.MAX_VALUE - 16) {
        throw new IllegalArgumentException(file + ": " + bytes + " bytes of metrics are more"
            + " than this reader takes (2 GiB)");
      }
      ByteBuffer buffer = ByteBuffer.allocate((int) bytes);
      while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
        // until the prefix is read
      }
      data = buffer.array();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(data))
          .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(file + " is damaged (not UTF-8 text)", e);
    }
    String preamble = new String(PREAMBLE, StandardCharsets.UTF_8);
    if (!text.startsWith(preamble)) {
      throw new IllegalArgumentException(file + " is not a metrics log of this version (its"
          + " first lines must be '" + FORMAT_LINE + "' and '" + HEADER + "')");
    }
    if (!text.endsWith("\n")) {
      throw new IllegalArgumentException(file + ": its last row is cut short (no line end)");
    }
    String[] lines = text.substring(preamble.length()).split("\n", -1);
    List<Metrics.Row> rows = new ArrayList<>();
    for (int i = 0; i < lines.length - 1; i++) {
      int lineNumber = i + 3;
      String line = lines[i];
      int comma = line.lastIndexOf(',');
      if (comma < 0 || !line.substring(comma + 1).equals(crc(line.substring(0, comma)))) {
        throw new IllegalArgumentException(file + " line " + lineNumber + " is damaged (its"
            + " CRC32C does not match its contents)");
      }
      rows.add(Metrics.parse(file, lineNumber, line.substring(0, comma)));
    }
    return rows;
  }
}
