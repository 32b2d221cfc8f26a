package io.github.bilevel.bsgm.runner;

import java.nio.file.Path;

/**
 * Publishes the files of a run, which the runner writes in a local staging directory, to where
 * the run really lives (a Hadoop file system: {@link RunStore}). The runner calls
 * {@link #publish} right after it writes each file, in an order that keeps the published
 * directory resumable: a metrics log before the checkpoint that counts its rows.
 */
public interface RunMirror extends AutoCloseable {

  /** No mirror: the run directory is the local one. */
  RunMirror NONE = new RunMirror() {
    @Override
    public void publish(Path file) {}

    @Override
    public String location() {
      return null;
    }

    @Override
    public void close() {}
  };

  /**
   * Publishes {@code file}, just written under the staging directory, to the same relative path
   * of the run's location, replacing the file there whole.
   *
   * @throws java.io.UncheckedIOException naming both when it cannot be published
   */
  void publish(Path file);

  /** The run's location (a URI) for messages, or null for {@link #NONE}. */
  String location();

  /** Releases the remote lock; does nothing the second time. */
  @Override
  void close();
}
