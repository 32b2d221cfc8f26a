package io.github.bilevel.bsgm.spark;

import java.io.IOException;
import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * The local disk under the scheme {@code otherfs:}, a Hadoop file system other than
 * {@code LocalFileSystem} (configured as {@code fs.otherfs.impl}), so that the tests show the
 * run store is not tied to the local one. Like HDFS, its {@code rename} does not replace an
 * existing file (it returns false), so the mirror's overwriting rename is exercised.
 */
public final class OtherSchemeFileSystem extends RawLocalFileSystem {

  /** The scheme. */
  public static final String SCHEME = "otherfs";
  private static final URI NAME = URI.create(SCHEME + ":///");

  /** The renames over an existing file refused so far (in all instances). */
  static final AtomicInteger renamesRefused = new AtomicInteger();

  @Override
  public URI getUri() {
    return NAME;
  }

  @Override
  public String getScheme() {
    return SCHEME;
  }

  @Override
  public boolean rename(Path source, Path target) throws IOException {
    if (exists(target) && isFile(target)) {
      renamesRefused.incrementAndGet();
      return false;
    }
    return super.rename(source, target);
  }
}
