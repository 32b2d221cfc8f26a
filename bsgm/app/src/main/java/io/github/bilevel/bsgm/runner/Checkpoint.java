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
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A run's state after an iteration: the run's counters, {@code λ} and the method's
 * {@link AlgorithmState} (named vectors: warm-start stores, momentum; named counters: iteration,
 * step clocks). Written atomically; read back into the same buffers and counters, so a run
 * resumed from it continues bit for bit.
 *
 * <p>Format {@code BSGMCKP2} (big-endian): the magic, the run's counters (iteration, samples,
 * seconds, finished); the number of vectors, each as its name (modified UTF-8), length and
 * doubles, {@code lambda} first; the number of state counters, each as its name and value.
 * Files of the first format ({@code BSGMCKP1}, unnamed buffers, no counters) are refused with a
 * message saying so.
 *
 * @param iteration the iterations done
 * @param samples   the samples used so far
 * @param seconds   the run time so far (evaluations excluded)
 * @param finished  whether the run had reached its budget
 */
public record Checkpoint(int iteration, long samples, double seconds, boolean finished) {

  private static final long MAGIC = 0x4253474D434B5032L; // "BSGMCKP2"
  private static final long MAGIC_VERSION_1 = 0x4253474D434B5031L; // "BSGMCKP1"
  private static final String LAMBDA = "lambda";

  /** Writes the counters, {@code lambda} and {@code state} to {@code file} atomically. */
  public void write(Path file, DVector lambda, AlgorithmState state) {
    List<NamedVector> vectors = vectors(lambda, state);
    List<String> names = state.counterNames();
    long[] counters = state.counters();
    AtomicFiles.write(file, temporary -> {
      try (DataOutputStream out = new DataOutputStream(
          new BufferedOutputStream(Files.newOutputStream(temporary), 1 << 16))) {
        out.writeLong(MAGIC);
        out.writeInt(iteration);
        out.writeLong(samples);
        out.writeDouble(seconds);
        out.writeBoolean(finished);
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
   * through {@link AlgorithmState#restoreCounters}) and returns the run's counters.
   *
   * @throws IllegalArgumentException naming the file when it is not a checkpoint of a run of
   *     this shape (wrong magic, an older format, other vector or counter names, other lengths,
   *     truncated)
   */
  public static Checkpoint read(Path file, DVector lambda, AlgorithmState state) {
    List<NamedVector> vectors = vectors(lambda, state);
    List<String> names = state.counterNames();
    try (DataInputStream in = new DataInputStream(
        new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
      long magic = in.readLong();
      if (magic == MAGIC_VERSION_1) {
        throw new IllegalArgumentException(file + " is a checkpoint of format BSGMCKP1, written"
            + " by an older version of bsgm; this version reads BSGMCKP2 only (named vectors"
            + " and counters): start the run again");
      }
      if (magic != MAGIC) {
        throw new IllegalArgumentException(file + " is not a checkpoint (wrong magic number)");
      }
      int iteration = in.readInt();
      long samples = in.readLong();
      double seconds = in.readDouble();
      boolean finished = in.readBoolean();
      int count = in.readInt();
      if (count != vectors.size()) {
        throw new IllegalArgumentException(file + " holds " + count + " vectors, this run has "
            + vectors.size() + " " + vectorNames(vectors) + ": was it written by another"
            + " algorithm or workload?");
      }
      for (NamedVector v : vectors) {
        String name = in.readUTF();
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
        String name = in.readUTF();
        if (!name.equals(names.get(c))) {
          throw new IllegalArgumentException(file + " holds counter '" + name + "' where this"
              + " run's state has '" + names.get(c) + "' " + names);
        }
        counters[c] = in.readLong();
      }
      state.restoreCounters(counters);
      return new Checkpoint(iteration, samples, seconds, finished);
    } catch (EOFException e) {
      throw new IllegalArgumentException(file + " is truncated", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
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
