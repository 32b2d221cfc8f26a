package io.github.bilevel.bsgm.spark;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The lock of a run directory on a Hadoop file system: the file {@code .lock}, created with
 * {@code FileSystem.create(path, overwrite = false)} (exclusive on HDFS) and holding the
 * holder's host, process id and start time. A second run is refused naming them. A lock left by
 * a dead process of this host is taken over, as the local {@code RunLock} does; one from another
 * host is refused: no liveness check across hosts is possible, so its file must be deleted by
 * hand once its run is known to be dead. The file is deleted on release.
 */
final class HadoopRunLock implements AutoCloseable {

  /** The lock file's name in the run directory (the local lock's). */
  static final String FILE_NAME = ".lock";

  private final FileSystem fs;
  private final Path file;
  private final String location;
  private boolean released;

  private HadoopRunLock(FileSystem fs, Path file, String location) {
    this.fs = fs;
    this.file = file;
    this.location = location;
  }

  /**
   * Locks {@code directory} (creating it if needed) for this process, or fails.
   *
   * @param log where taking over a stale lock is reported
   * @throws IllegalStateException naming the holder's host and process id when another run
   *     holds the lock
   */
  static HadoopRunLock acquire(FileSystem fs, Path directory, PrintStream log) {
    Path file = new Path(directory, FILE_NAME);
    String location = directory.toString();
    try {
      fs.mkdirs(directory);
      if (tryCreate(fs, file)) {
        return new HadoopRunLock(fs, file, location);
      }
      String previous = contents(fs, file);
      Optional<String> host = field(previous, "host");
      Optional<String> pid = field(previous, "pid");
      boolean here = host.isEmpty() || host.get().equals(hostName());
      if (pid.isPresent() && !here) {
        throw new IllegalStateException(location + " is in use by " + holder(previous)
            + " (lock " + file + "): wait for it to end, or choose another --out; a run on"
            + " another host cannot be checked for liveness on this file system, so if that run"
            + " is known to be dead, delete " + file + " and try again");
      }
      if (pid.isPresent() && alive(pid.get())) {
        throw new IllegalStateException(location + " is in use by " + holder(previous)
            + " (lock " + file + "): wait for it to end, or choose another --out");
      }
      // a dead process of this host, or a lock file left empty: take it over
      fs.delete(file, false);
      if (!tryCreate(fs, file)) {
        throw new IllegalStateException(location + " is in use by "
            + holder(contents(fs, file)) + " (lock " + file + "), which took it over at the"
            + " same time: wait for it to end, or choose another --out");
      }
      if (pid.isPresent()) {
        log.println(location + ": taking over the stale lock of " + holder(previous)
            + ", which is no longer running");
      }
      return new HadoopRunLock(fs, file, location);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot lock " + file + ": " + e.getMessage(), e);
    }
  }

  /** Creates the lock file holding this process, unless it exists. */
  private static boolean tryCreate(FileSystem fs, Path file) throws IOException {
    String holder = "host=" + hostName() + "\npid=" + ProcessHandle.current().pid()
        + "\nstarted=" + Instant.now() + "\n";
    try (OutputStream out = fs.create(file, false)) {
      out.write(holder.getBytes(StandardCharsets.UTF_8));
    } catch (FileAlreadyExistsException | java.nio.file.FileAlreadyExistsException e) {
      return false;
    }
    return true;
  }

  private static String contents(FileSystem fs, Path file) throws IOException {
    try (FSDataInputStream in = fs.open(file)) {
      return read(in);
    } catch (java.io.FileNotFoundException gone) {
      return "";
    }
  }

  private static String read(InputStream in) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    byte[] buffer = new byte[4096];
    for (int n; bytes.size() < 4096 && (n = in.read(buffer)) >= 0; ) {
      bytes.write(buffer, 0, n);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  /** The value of {@code key=} in a lock file's text, if there. */
  private static Optional<String> field(String contents, String key) {
    for (String line : contents.split("\n")) {
      if (line.startsWith(key + "=")) {
        return Optional.of(line.substring(key.length() + 1).trim());
      }
    }
    return Optional.empty();
  }

  private static String holder(String contents) {
    return field(contents, "pid").map(p -> "process " + p
        + field(contents, "host").map(h -> " on host " + h).orElse("")
        + field(contents, "started").map(s -> ", running since " + s).orElse(""))
        .orElse("another process (it has not written its process id yet)");
  }

  private static boolean alive(String pid) {
    try {
      return ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false);
    } catch (NumberFormatException e) {
      return false;
    }
  }

  static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }

  /** Deletes the lock file; does nothing the second time. */
  @Override
  public void close() {
    if (released) {
      return;
    }
    released = true;
    try {
      fs.delete(file, false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot release the lock of " + location + " (delete "
          + file + "): " + e.getMessage(), e);
    }
  }
}
