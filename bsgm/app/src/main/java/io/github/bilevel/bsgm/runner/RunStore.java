package io.github.bilevel.bsgm.runner;

import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;

/**
 * Run directories on a file system other than the local one, given by a URI
 * ({@code hdfs://namenode/runs/run1}, {@code s3a://bucket/run1}, ...). The runner keeps working in
 * a local staging directory; a store locks the remote directory and returns the
 * {@link RunMirror} that publishes each file there. Implementations are found with
 * {@link java.util.ServiceLoader} ({@link RunStores}); bsgm-spark provides the one on Hadoop's
 * {@code FileSystem} API. Layout and guarantees: docs/run-directory.md.
 */
public interface RunStore {

  /** Whether this store can hold runs at {@code location} (by its scheme). */
  boolean handles(URI location);

  /**
   * Locks {@code location} for a new run, removes leftover temporary files there, and returns
   * the mirror into it from {@code staging}.
   *
   * @param log where taking over a stale lock and removed leftovers are reported
   * @throws IllegalStateException naming the holder when another run holds the location
   * @throws IllegalArgumentException if the location already holds a run
   */
  RunMirror create(URI location, Path staging, PrintStream log);

  /**
   * Locks {@code location}, which holds a run, removes leftover temporary files there, copies
   * the run's files into {@code staging} (empty), and returns the mirror into it. The runner
   * then verifies the copy as it verifies a local run directory.
   *
   * @throws IllegalStateException naming the holder when another run holds the location
   * @throws IllegalArgumentException if the location holds no run
   */
  RunMirror open(URI location, Path staging, PrintStream log);
}
