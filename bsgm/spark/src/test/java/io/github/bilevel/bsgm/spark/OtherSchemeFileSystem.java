package io.github.bilevel.bsgm.spark;

import java.net.URI;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * The local disk under the scheme {@code otherfs:}, a Hadoop file system other than
 * {@code LocalFileSystem} (configured as {@code fs.otherfs.impl}), so that the tests show the
 * run store is not tied to the local one.
 */
public final class OtherSchemeFileSystem extends RawLocalFileSystem {

  /** The scheme. */
  public static final String SCHEME = "otherfs";
  private static final URI NAME = URI.create(SCHEME + ":///");

  @Override
  public URI getUri() {
    return NAME;
  }

  @Override
  public String getScheme() {
    return SCHEME;
  }
}
