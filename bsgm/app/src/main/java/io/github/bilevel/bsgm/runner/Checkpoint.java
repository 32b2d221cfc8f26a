package io.github.bilevel.bsgm.runner;

import io.github.bilevel.bsgm.io.AtomicFiles;
import io.github.bilevel.kernels.DVector;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A run's state after an iteration: the counters, {@code λ} and the method's state buffers
 * (warm-start stores, momentum). Written atomically; read back into the same buffers, so a run
 * resumed from it continues bit for bit.
 *
 * <p>Format: the magic {@code BSGMCKP1}, the counters, then each buffer as its length and its
 * doubles (big-endian).
 *
 * @param iteration the iterations done
 * @param samples   the samples used so far
 * @param seconds   the run time so far (evaluations excluded)
 * @param finished  whether the run had reached its budget
 */
public record Checkpoint(int iteration, long samples, double seconds, boolean finished) {

  private static final long MAGIC = 0x4253474D434B5031L; // "BSGMCKP1"

  /** Writes the counters, {@code lambda} and {@code state} to {@code file} atomically. */
  public void write(Path file, DVector lambda, List<DVector> state) {
    AtomicFiles.write(file, temporary -> {
      try (DataOutputStream out = new DataOutputStream(
          new BufferedOutputStream(Files.newOutputStream(temporary), 1 << 16))) {
        out.writeLong(MAGIC);
        out.writeInt(iteration);
        out.writeLong(samples);
        out.writeDouble(seconds);
        out.writeBoolean(finished);
        out.writeInt(1 + state.size());
        writeVector(out, lambda);
        for (DVector v : state) {
          writeVector(out, v);
        }
      }
    });
  }

  private static void writeVector(DataOutputStream out, DVector v) throws IOException {
    out.writeInt(v.length());
    for (int i = 0; i < v.length(); i++) {
      out.writeDouble(v.get(i));
    }
  }

  /**
   * Reads {@code file} into {@code lambda} and {@code state} and returns the counters.
   *
   * @throws IllegalArgumentException naming the file when it is not a checkpoint of a run of
   *     this shape (wrong magic, number or lengths of buffers, truncated)
   */
  public static Checkpoint read(Path file, DVector lambda, List<DVector> state) {
    try (DataInputStream in = new DataInputStream(
        new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
      if (in.readLong() != MAGIC) {
        throw new IllegalArgumentException(file + " is not a checkpoint (wrong magic number)");
      }
      int iteration = in.readInt();
      long samples = in.readLong();
      double seconds = in.readDouble();
      boolean finished = in.readBoolean();
      int buffers = in.readInt();
      if (buffers != 1 + state.size()) {
        throw new IllegalArgumentException(file + " holds " + buffers + " buffers, this run has "
            + (1 + state.size()) + ": was it written by another algorithm or workload?");
      }
      readVector(file, in, lambda, "lambda");
      for (int b = 0; b < state.size(); b++) {
        readVector(file, in, state.get(b), "state buffer " + b);
      }
      return new Checkpoint(iteration, samples, seconds, finished);
    } catch (EOFException e) {
      throw new IllegalArgumentException(file + " is truncated", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
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
