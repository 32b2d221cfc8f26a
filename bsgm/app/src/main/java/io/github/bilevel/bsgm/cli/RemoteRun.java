package io.github.bilevel.bsgm.cli;

import io.github.bilevel.bsgm.runner.RunMirror;
import io.github.bilevel.bsgm.runner.RunStores;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * {@code bsgm run --out URI} or {@code --resume URI}: the run's location on a Hadoop file system
 * and the local staging directory the runner works in (a fresh temporary one, deleted at the
 * end, or {@code --staging DIR}, kept).
 */
final class RemoteRun {

  private final String location;
  private final Path staging;
  private final boolean fresh;

  private RemoteRun(String location, Path staging, boolean fresh) {
    this.location = location;
    this.staging = staging;
    this.fresh = fresh;
  }

  /**
   * The run at {@code location} staged in {@code stagingOption}, which must be empty or absent,
   * or (null) in a fresh temporary directory. Finds the run store first, so that a URI without
   * bsgm-spark fails before anything is created.
   */
  static RemoteRun of(String location, Path stagingOption) {
    RunStores.forLocation(location);
    try {
      if (stagingOption == null) {
        return new RemoteRun(location, Files.createTempDirectory("bsgm-staging-")
            .toAbsolutePath(), true);
      }
      Path staging = stagingOption.toAbsolutePath().normalize();
      if (Files.isDirectory(staging)) {
        try (Stream<Path> entries = Files.list(staging)) {
          if (entries.findAny().isPresent()) {
            throw new IllegalArgumentException("--staging " + stagingOption + " is not empty:"
                + " give an empty or new directory (the run's files are copied or written there"
                + " before they are published to " + location + ")");
          }
        }
      }
      return new RemoteRun(location, staging, false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the staging directory for " + location
          + ": " + e.getMessage(), e);
    }
  }

  /** The local directory the runner works in. */
  Path staging() {
    return staging;
  }

  /** The run's location, as given. */
  String location() {
    return location;
  }

  /** Locks the location for a new run and returns the mirror into it. */
  RunMirror create(PrintStream log) {
    return RunStores.forLocation(location).create(RunStores.uri(location), staging, log);
  }

  /** Locks the location, copies its run into the staging directory and returns the mirror. */
  RunMirror open(PrintStream log) {
    return RunStores.forLocation(location).open(RunStores.uri(location), staging, log);
  }

  /**
   * Runs {@code action}, naming the location instead of the staging directory in the message of
   * a refusal (a damaged file, a missing checkpoint): the files to delete are the remote ones.
   */
  <T> T naming(Supplier<T> action) {
    try {
      return action.get();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(remote(e.getMessage()), e);
    } catch (IllegalStateException e) {
      throw new IllegalStateException(remote(e.getMessage()), e);
    }
  }

  private String remote(String message) {
    String base = location.endsWith("/") ? location.substring(0, location.length() - 1)
        : location;
    return message == null ? null : message.replace(staging.toString(), base);
  }

  /** Deletes a fresh staging directory (the run's files are all published). */
  void cleanUp() {
    if (!fresh) {
      return;
    }
    try (Stream<Path> walk = Files.walk(staging)) {
      for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // a leftover temporary directory is harmless: the run's files are at the location
    }
  }
}
