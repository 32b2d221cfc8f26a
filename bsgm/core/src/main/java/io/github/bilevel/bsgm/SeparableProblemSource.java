package io.github.bilevel.bsgm;

import io.github.bilevel.kernels.Backend;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;

/**
 * How to build a {@link SeparableProblem} on any JVM: its settings and where its data is, but
 * no data. A cluster ships the source to its executors, each of which reads the data itself and
 * builds the same problem (the same numbers, bit for bit) as the driver. Implementations are
 * value-like (records): equal sources build equal problems, so an executor keeps one problem
 * per source.
 */
public interface SeparableProblemSource extends Serializable {

  /** Where the data is: a local path, or a Hadoop file system URI on a cluster. */
  String data();

  /**
   * Builds the problem on {@code backend} from the data in the local directory
   * {@code directory} (the data, or a local copy of it).
   *
   * @throws IOException naming the missing or bad file
   */
  Opened open(Backend backend, Path directory) throws IOException;

  /** A built problem and what it holds (data, workspace), freed together. */
  interface Opened extends AutoCloseable {

    /** The problem. */
    SeparableProblem problem();

    /** Frees the problem and its data. */
    @Override
    void close();
  }
}
