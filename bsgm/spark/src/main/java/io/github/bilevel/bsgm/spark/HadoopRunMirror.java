package io.github.bilevel.bsgm.spark;

import io.github.bilevel.bsgm.runner.RunMirror;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.SplittableRandom;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FilterFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.StreamCapabilities;

/**
 * Publishes the files of a run from its local staging directory to a directory on a Hadoop file
 * system: each into {@code .NAME.RANDOM.tmp} beside its target, synced where the stream can
 * ({@code hsync}), then renamed over the target. Holds the remote directory's
 * {@link HadoopRunLock} until closed.
 */
final class HadoopRunMirror implements RunMirror {

  private final FileSystem fs;
  private final Path directory;
  private final java.nio.file.Path staging;
  private final HadoopRunLock lock;
  private final SplittableRandom random = new SplittableRandom();
  private boolean closed;

  HadoopRunMirror(FileSystem fs, Path directory, java.nio.file.Path staging,
      HadoopRunLock lock) {
    this.fs = fs;
    this.directory = directory;
    this.staging = staging;
    this.lock = lock;
  }

  @Override
  public void publish(java.nio.file.Path file) {
    java.nio.file.Path relative = staging.relativize(file.toAbsolutePath().normalize());
    if (relative.startsWith("..")) {
      throw new IllegalArgumentException(file + " is not in the staging directory " + staging);
    }
    Path target = new Path(directory, relative.toString().replace('\\', '/'));
    Path temporary = new Path(target.getParent(), "." + target.getName() + "."
        + Long.toHexString(random.nextLong() >>> 1) + ".tmp");
    try {
      try (FSDataOutputStream out = fs.create(temporary, false)) {
        Files.copy(file, out);
        if (out.hasCapability(StreamCapabilities.HSYNC)) {
          out.hsync();
        }
      }
      renameOver(temporary, target);
    } catch (IOException | RuntimeException e) {
      try {
        fs.delete(temporary, false);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      if (e instanceof IOException io) {
        throw new UncheckedIOException("cannot publish " + file + " to " + target + ": "
            + io.getMessage(), io);
      }
      throw (RuntimeException) e;
    }
  }

  /**
   * Renames {@code source} over {@code target}. {@code rename} replaces a file on a local file
   * system; HDFS refuses an existing target there, and takes {@code Rename.OVERWRITE}, which it
   * does atomically (others delete the target first).
   */
  private void renameOver(Path source, Path target) throws IOException {
    if (fs.rename(source, target)) {
      return;
    }
    if (!fs.exists(source)) {
      throw new IOException("rename of " + source + " to " + target + " failed: "
          + source + " has gone");
    }
    new Overwriting(fs).renameOverwriting(source, target);
  }

  /** Reaches {@code FileSystem.rename(source, target, Rename...)}, which is protected. */
  private static final class Overwriting extends FilterFileSystem {
    Overwriting(FileSystem fs) {
      super(fs);
    }

    @SuppressWarnings("deprecation")
    void renameOverwriting(Path source, Path target) throws IOException {
      rename(source, target, org.apache.hadoop.fs.Options.Rename.OVERWRITE);
    }
  }

  @Override
  public String location() {
    return directory.toString();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      lock.close();
    } finally {
      try {
        fs.close();
      } catch (IOException ignored) {
        // the lock is released; a failed close of the client loses nothing
      }
    }
  }
}
