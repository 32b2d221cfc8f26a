package io.github.bilevel.bsgm.spark;

import io.github.bilevel.bsgm.io.AtomicFiles;
import io.github.bilevel.bsgm.runner.RunMirror;
import io.github.bilevel.bsgm.runner.RunStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Run directories on Hadoop file systems ({@code hdfs://}, {@code s3a://}, {@code abfs://},
 * {@code file:/...}: any scheme with a Hadoop {@code FileSystem}), through the
 * {@code FileSystem} API. The configuration is Hadoop's (core-site.xml on the class path) with
 * the system properties {@code spark.hadoop.KEY} as {@code KEY}, as Spark passes them. A
 * checksummed file system ({@code file:}) is used raw: the run's files carry their own CRC32C.
 */
public final class HadoopRunStore implements RunStore {

  private static final String SPARK_HADOOP = "spark.hadoop.";

  /** Found by {@link java.util.ServiceLoader}. */
  public HadoopRunStore() {}

  @Override
  public boolean handles(URI location) {
    return location.getScheme() != null && location.getScheme().length() > 1;
  }

  @Override
  public RunMirror create(URI location, java.nio.file.Path staging, PrintStream log) {
    FileSystem fs = fileSystem(location);
    Path directory = new Path(location);
    HadoopRunLock lock = null;
    try {
      lock = HadoopRunLock.acquire(fs, directory, log);
      Path runFile = new Path(directory, "run.json");
      if (fs.exists(runFile)) {
        throw new IllegalArgumentException(location + " already holds a run (" + runFile
            + "): continue it with --resume " + location + ", or choose another --out");
      }
      for (String earlier : List.of("checkpoints", "metrics")) {
        if (holdsFiles(fs, new Path(directory, earlier))) {
          throw new IllegalArgumentException(location + " holds " + earlier + "/ of an earlier"
              + " run but no run.json: choose another --out, or delete " + location
              + " first");
        }
      }
      removeLeftovers(fs, directory, log);
      return new HadoopRunMirror(fs, directory, staging, lock);
    } catch (IOException | RuntimeException e) {
      throw closing(fs, lock, location, e);
    }
  }

  @Override
  public RunMirror open(URI location, java.nio.file.Path staging, PrintStream log) {
    FileSystem fs = fileSystem(location);
    Path directory = new Path(location);
    HadoopRunLock lock = null;
    try {
      if (!fs.isFile(new Path(directory, "run.json"))) {
        throw new IllegalArgumentException(location + " holds no run to resume (no run.json)");
      }
      lock = HadoopRunLock.acquire(fs, directory, log);
      removeLeftovers(fs, directory, log);
      copy(fs, directory, staging);
      return new HadoopRunMirror(fs, directory, staging, lock);
    } catch (IOException | RuntimeException e) {
      throw closing(fs, lock, location, e);
    }
  }

  /** The file system of {@code location}, a new instance the mirror closes. */
  static FileSystem fileSystem(URI location) {
    Configuration conf = new Configuration();
    for (Map.Entry<Object, Object> p : System.getProperties().entrySet()) {
      String key = p.getKey().toString();
      if (key.startsWith(SPARK_HADOOP)) {
        conf.set(key.substring(SPARK_HADOOP.length()), p.getValue().toString());
      }
    }
    try {
      FileSystem fs = FileSystem.newInstance(location, conf);
      return fs instanceof ChecksumFileSystem checksummed ? checksummed.getRawFileSystem() : fs;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot reach " + location + ": " + e.getMessage(), e);
    }
  }

  private static RuntimeException closing(FileSystem fs, HadoopRunLock lock, URI location,
      Exception e) {
    RuntimeException failure = e instanceof IOException io
        ? new UncheckedIOException(location + ": " + io.getMessage(), io)
        : (RuntimeException) e;
    try {
      if (lock != null) {
        lock.close();
      }
      fs.close();
    } catch (IOException | RuntimeException suppressed) {
      failure.addSuppressed(suppressed);
    }
    return failure;
  }

  /** Whether {@code directory} holds a file that is not a leftover temporary one. */
  private static boolean holdsFiles(FileSystem fs, Path directory) throws IOException {
    if (!fs.isDirectory(directory)) {
      return false;
    }
    for (FileStatus status : fs.listStatus(directory)) {
      if (!AtomicFiles.isTemporary(status.getPath().getName())) {
        return true;
      }
    }
    return false;
  }

  /** Deletes the temporary files of stopped publications (under the lock), saying which. */
  private static void removeLeftovers(FileSystem fs, Path directory, PrintStream log)
      throws IOException {
    for (Path file : files(fs, directory)) {
      if (AtomicFiles.isTemporary(file.getName()) && fs.delete(file, false)) {
        log.println("removed " + file + ", left by a write that was stopped");
      }
    }
  }

  /**
   * The files under {@code directory}, at any depth ({@code listStatus}, which asks for no
   * owners and permissions, unlike {@code listFiles}).
   */
  private static List<Path> files(FileSystem fs, Path directory) throws IOException {
    List<Path> files = new ArrayList<>();
    for (FileStatus status : fs.listStatus(directory)) {
      if (status.isDirectory()) {
        files.addAll(files(fs, status.getPath()));
      } else {
        files.add(status.getPath());
      }
    }
    return files;
  }

  /** Copies the run's files (not the lock) from {@code directory} into {@code staging}. */
  private static void copy(FileSystem fs, Path directory, java.nio.file.Path staging)
      throws IOException {
    String base = fs.getFileStatus(directory).getPath().toUri().getPath();
    String prefix = base.endsWith("/") ? base : base + "/";
    for (Path file : files(fs, directory)) {
      String path = file.toUri().getPath();
      if (!path.startsWith(prefix)) {
        continue;
      }
      String relative = path.substring(prefix.length());
      if (relative.equals(HadoopRunLock.FILE_NAME)) {
        continue;
      }
      java.nio.file.Path local = staging.resolve(relative).normalize();
      if (!local.startsWith(staging)) {
        continue;
      }
      Files.createDirectories(local.getParent());
      try (InputStream in = fs.open(file)) {
        Files.copy(in, local);
      }
    }
  }
}
