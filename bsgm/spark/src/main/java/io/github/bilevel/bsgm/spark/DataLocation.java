package io.github.bilevel.bsgm.spark;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;

/**
 * Where an executor reads a problem's data: a local path as it is, and any other Hadoop file
 * system URI ({@code hdfs://}, {@code s3a://}, ...) copied once per executor JVM into a local
 * temporary directory, since the readers ({@link io.github.bilevel.bsgm.data.Datasets}) read
 * local files.
 */
public final class DataLocation {

  private static final Map<String, Path> COPIES = new ConcurrentHashMap<>();

  private DataLocation() {}

  /**
   * The local directory holding {@code data}.
   *
   * @throws IOException if it is not a readable directory, or the copy fails (naming both)
   */
  public static Path localDirectory(String data) throws IOException {
    URI uri = uri(data);
    if (uri == null || uri.getScheme() == null || uri.getScheme().equals("file")) {
      Path local = uri == null || uri.getScheme() == null ? Path.of(data) : Path.of(uri);
      if (!Files.isDirectory(local) || !Files.isReadable(local)) {
        throw new IOException(local.toAbsolutePath() + " is not a readable directory on "
            + host());
      }
      return local;
    }
    try {
      return COPIES.computeIfAbsent(data, key -> copy(uri));
    } catch (IllegalStateException e) {
      throw new IOException(e.getMessage(), e.getCause());
    }
  }

  private static Path copy(URI uri) {
    try {
      Path local = Files.createTempDirectory("bsgm-data-");
      FileSystem fs = FileSystem.get(uri, new Configuration());
      fs.copyToLocalFile(false, new org.apache.hadoop.fs.Path(uri),
          new org.apache.hadoop.fs.Path(local.toUri()), true);
      // copyToLocalFile puts the directory itself under the target
      String name = new org.apache.hadoop.fs.Path(uri).getName();
      Path inner = local.resolve(name);
      return Files.isDirectory(inner) ? inner : local;
    } catch (IOException e) {
      throw new IllegalStateException("cannot copy " + uri + " to " + host() + ": "
          + e.getMessage(), e);
    }
  }

  private static URI uri(String data) {
    try {
      URI uri = new URI(data);
      // a one-letter scheme is a Windows drive, not a file system
      return uri.getScheme() != null && uri.getScheme().length() == 1 ? null : uri;
    } catch (URISyntaxException e) {
      return null;
    }
  }

  private static String host() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "this executor";
    }
  }
}
