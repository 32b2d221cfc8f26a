package io.github.bilevel.bsgm.runner;

import io.github.bilevel.bsgm.AlgorithmState;
import io.github.bilevel.bsgm.NamedVector;
import io.github.bilevel.bsgm.io.AtomicFiles;
import io.github.bilevel.kernels.DVector;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UTFDataFormatException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;

/**
 * A run's state after an iteration: the run's counters, {@code λ} and the method's
 * {@link AlgorithmState} (named vectors: warm-start stores, momentum; named counters: iteration,
 * step clocks), and how far the seed's metrics log reached when it was written. Written
 * atomically; read back into the same buffers and counters, so a run resumed from it continues
 * bit for bit.
 *
 * <p>Format {@code BSGMCKP3} (big-endian; docs/run-directory.md): the magic, whose last
 * character is the format version; the length of the body ({@code long}); the body: the run's
 * counters (iteration, samples, seconds, finished, metrics rows, metrics bytes), the number of
 * vectors, each as its name (modified UTF-8), length and doubles, {@code lambda} first, the
 * number of state counters, each as its name and value; then the CRC32C of the body
 * ({@code int}). A file whose size does not match its length is truncated, one whose CRC
 * differs is damaged: both are refused, naming the file. Files of the older formats
 * ({@code BSGMCKP1}, {@code BSGMCKP2}: no checksum) are refused with a message saying so.
 *
 * @param iteration    the iterations done
 * @param samples      the samples used so far
 * @param seconds      the run time so far (evaluations excluded)
 * @param finished     whether the run had reached its budget
 * @param metricsRows  the rows of the seed's metrics log when this was written
 *     ({@link MetricsLog}); 0 before the log exists
 * @param metricsBytes the length in bytes of that log then; 0 before the log exists
 */
public record Checkpoint(int iteration, long samples, double seconds, boolean finished,
    long metricsRows, long metricsBytes) {

  /** The first seven bytes of every format's magic; the eighth is the format version. */
  private static final String MAGIC_PREFIX = "BSGMCKP";
  private static final char VERSION = '3';
  private static final long MAGIC = 0x4253474D434B5033L; // "BSGMCKP3"
  private static final int HEADER_BYTES = 16; // magic, body length
  private static final int TRAILER_BYTES = 4; // CRC32C
  /** The run's counters at the start of the body: iteration to metrics bytes. */
  private static final int COUNTER_BYTES = 4 + 8 + 8 + 1 + 8 + 8;
  private static final String LAMBDA = "lambda";

  /** Checks the counters. */
  public Checkpoint {
    if (iteration < 0 || samples < 0 || metricsRows < 0 || metricsBytes < 0) {
      throw new IllegalArgumentException("negative counter in checkpoint: iteration " + iteration
          + ", samples " + samples + ", metrics rows " + metricsRows + ", metrics bytes "
          + metricsBytes);
    }
  }

  /** A checkpoint written before the seed's metrics log exists. */
  public Checkpoint(int iteration, long samples, double seconds, boolean finished) {
    this(iteration, samples, seconds, finished, 0, 0);
  }

  /** Writes the counters, {@code lambda} and {@code state} to {@code file} atomically. */
  public void write(Path file, DVector lambda, AlgorithmState state) {
    List<NamedVector> vectors = vectors(lambda, state);
    List<String> names = state.counterNames();
    long[] counters = state.counters();
    AtomicFiles.write(file, temporary -> {
      CRC32C crc = new CRC32C();
      try (OutputStream raw = new BufferedOutputStream(Files.newOutputStream(temporary),
          1 << 16)) {
        DataOutputStream header = new DataOutputStream(raw);
        header.writeLong(MAGIC);
        header.writeLong(0); // the body's length, filled in below
        DataOutputStream out = new DataOutputStream(new CheckedOutputStream(raw, crc));
        out.writeInt(iteration);
        out.writeLong(samples);
        out.writeDouble(seconds);
        out.writeBoolean(finished);
        out.writeLong(metricsRows);
        out.writeLong(metricsBytes);
        out.writeInt(vectors.size());
        for (NamedVector v : vectors) {
          out.writeUTF(v.name());
          writeVector(out, v.vector());
        }
        out.writeInt(names.size());
        for (int c = 0; c < names.size(); c++) {
          out.writeUTF(names.get(c));
          out.writeLong(counters[c]);
        }
        out.flush();
        header.writeInt((int) crc.getValue());
      }
      try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
        ByteBuffer length = ByteBuffer.allocate(Long.BYTES)
            .putLong(channel.size() - HEADER_BYTES - TRAILER_BYTES).flip();
        channel.write(length, Long.BYTES);
      }
    });
  }

  private static List<NamedVector> vectors(DVector lambda, AlgorithmState state) {
    List<NamedVector> vectors = new ArrayList<>();
    vectors.add(new NamedVector(LAMBDA, lambda));
    vectors.addAll(state.vectors());
    return vectors;
  }

  private static void writeVector(DataOutputStream out, DVector v) throws IOException {
    out.writeInt(v.length());
    for (int i = 0; i < v.length(); i++) {
      out.writeDouble(v.get(i));
    }
  }

  /**
   * Reads {@code file} into {@code lambda} and {@code state} (its vectors in place, its counters
   * through {@link AlgorithmState#restoreCounters}) and returns the run's counters. The checksum
   * is verified before anything is read into the buffers.
   *
   * @throws IllegalArgumentException naming the file when it is not a checkpoint of a run of
   *     this shape (wrong magic, an older format, truncated, damaged, other vector or counter
   *     names, other lengths)
   */
  public static Checkpoint read(Path file, DVector lambda, AlgorithmState state) {
    List<NamedVector> vectors = vectors(lambda, state);
    List<String> names = state.counterNames();
    verify(file);
    try (DataInputStream in = body(file)) {
      Checkpoint at = readCounters(file, in);
      int count = in.readInt();
      if (count != vectors.size()) {
        throw new IllegalArgumentException(file + " holds " + count + " vectors, this run has "
            + vectors.size() + " " + vectorNames(vectors) + ": was it written by another"
            + " algorithm or workload?");
      }
      for (NamedVector v : vectors) {
        String name = readName(file, in);
        if (!name.equals(v.name())) {
          throw new IllegalArgumentException(file + " holds vector '" + name + "' where this"
              + " run has '" + v.name() + "' " + vectorNames(vectors) + ": was it written by"
              + " another algorithm?");
        }
        readVector(file, in, v.vector(), name);
      }
      int counterCount = in.readInt();
      if (counterCount != names.size()) {
        throw new IllegalArgumentException(file + " holds " + counterCount + " counters, this"
            + " run's state has " + names + ": was it written by another algorithm?");
      }
      long[] counters = new long[counterCount];
      for (int c = 0; c < counterCount; c++) {
        String name = readName(file, in);
        if (!name.equals(names.get(c))) {
          throw new IllegalArgumentException(file + " holds counter '" + name + "' where this"
              + " run's state has '" + names.get(c) + "' " + names);
        }
        counters[c] = in.readLong();
      }
      // what is left of the stream is the CRC32C: more is a body longer than its contents
      if (in.readNBytes(TRAILER_BYTES + 1).length != TRAILER_BYTES) {
        throw new IllegalArgumentException(file + " is damaged: its body does not end where"
            + " its counters do");
      }
      try {
        state.restoreCounters(counters);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
      }
      return at;
    } catch (EOFException e) {
      throw new IllegalArgumentException(file + " is damaged: its body ends before its"
          + " contents do", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads the run's counters of {@code file} after verifying its format, length and checksum,
   * without reading its vectors (what a resume checks before it starts).
   *
   * @throws IllegalArgumentException naming the file when it is not a checkpoint of this format,
   *     is truncated or is damaged
   */
  public static Checkpoint readCounters(Path file) {
    // the body's stream goes on into the trailer: a body shorter than the counters is damaged
    if (verify(file) < COUNTER_BYTES) {
      throw new IllegalArgumentException(file + " is damaged: its body is shorter than the"
          + " run's counters");
    }
    try (DataInputStream in = body(file)) {
      return readCounters(file, in);
    } catch (EOFException e) {
      throw new IllegalArgumentException(file + " is damaged: its body ends before its"
          + " counters do", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static Checkpoint readCounters(Path file, DataInputStream in) throws IOException {
    int iteration = in.readInt();
    long samples = in.readLong();
    double seconds = in.readDouble();
    boolean finished = in.readBoolean();
    long metricsRows = in.readLong();
    long metricsBytes = in.readLong();
    try {
      return new Checkpoint(iteration, samples, seconds, finished, metricsRows, metricsBytes);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  /** A vector's or counter's name; bytes that are not modified UTF-8 are a damaged file. */
  private static String readName(Path file, DataInputStream in) throws IOException {
    try {
      return in.readUTF();
    } catch (UTFDataFormatException e) {
      throw new IllegalArgumentException(file + " is damaged: a vector or counter name is not"
          + " modified UTF-8 (" + e.getMessage() + ")", e);
    }
  }

  /** The body of a verified file, as a stream. */
  private static DataInputStream body(Path file) throws IOException {
    InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    in.skipNBytes(HEADER_BYTES);
    return new DataInputStream(in);
  }

  /**
   * Checks the magic, that the file's size is what its header announces and the body's CRC32C,
   * reading the file once; returns the body's length.
   */
  private static long verify(Path file) {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
      while (header.hasRemaining() && channel.read(header) >= 0) {
        // until the header is read or the file ends
      }
      if (header.position() >= Long.BYTES) {
        checkMagic(file, header.getLong(0));
      }
      if (header.hasRemaining()) {
        throw new IllegalArgumentException(file + " is truncated (" + size + " bytes, not even"
            + " a header)");
      }
      long length = header.getLong(Long.BYTES);
      long expected = HEADER_BYTES + length + TRAILER_BYTES;
      if (length < 0 || size != expected) {
        throw new IllegalArgumentException(file + (length >= 0 && size < expected
            ? " is truncated (" + size + " bytes, its header announces " + expected + ")"
            : " is damaged (" + size + " bytes, its header announces a body of " + length
                + " bytes)"));
      }
      CRC32C crc = new CRC32C();
      ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
      long left = length;
      while (left > 0) {
        buffer.clear().limit((int) Math.min(buffer.capacity(), left));
        int read = channel.read(buffer);
        if (read < 0) {
          throw new IllegalArgumentException(file + " is truncated");
        }
        buffer.flip();
        crc.update(buffer);
        left -= read;
      }
      ByteBuffer trailer = ByteBuffer.allocate(TRAILER_BYTES);
      while (trailer.hasRemaining() && channel.read(trailer) >= 0) {
        // until the trailer is read
      }
      int stored = trailer.getInt(0);
      if (stored != (int) crc.getValue()) {
        throw new IllegalArgumentException(String.format(Locale.ROOT, "%s is damaged: its"
            + " CRC32C is %08x, its contents give %08x", file, stored, (int) crc.getValue()));
      }
      return length;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static void checkMagic(Path file, long magic) {
    if (magic == MAGIC) {
      return;
    }
    byte[] bytes = ByteBuffer.allocate(Long.BYTES).putLong(magic).array();
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    if (text.startsWith(MAGIC_PREFIX) && text.charAt(7) >= '1' && text.charAt(7) < VERSION) {
      throw new IllegalArgumentException(file + " is a checkpoint of format " + text
          + ", written by an older version of bsgm; this version reads " + MAGIC_PREFIX + VERSION
          + " only (named vectors and counters, checksummed): start the run again");
    }
    if (text.startsWith(MAGIC_PREFIX) && Character.isDigit(text.charAt(7))) {
      throw new IllegalArgumentException(file + " is a checkpoint of format " + text
          + ", written by a newer version of bsgm; this version reads " + MAGIC_PREFIX + VERSION);
    }
    throw new IllegalArgumentException(file + " is not a checkpoint (wrong magic number)");
  }

  private static List<String> vectorNames(List<NamedVector> vectors) {
    return vectors.stream().map(NamedVector::name).toList();
  }

  private static void readVector(Path file, DataInputStream in, DVector v, String name)
      throws IOException {
    int length = in.readInt();
    if (length != v.length()) {
      throw new IllegalArgumentException(file + ": " + name + " has length " + length
          + ", this run's has " + v.length());
    }
    for (int i = 0; i < length; i++) {
      v.set(i, in.readDouble());
    }
  }
}
