package io.github.bilevel.bsgm.runner;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ServiceLoader;
import java.util.regex.Pattern;

/** Tells run locations that are URIs from local paths, and finds the {@link RunStore} of one. */
public final class RunStores {

  // a scheme of two or more characters then ":/" (one letter is a Windows drive, C:\...; a
  // name such as run:1 is a local path)
  private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]+:/.*");

  private RunStores() {}

  /**
   * Whether {@code location} is a hierarchical URI with a scheme ({@code hdfs://...},
   * {@code file:/...}), which a {@link RunStore} holds, rather than a local path.
   */
  public static boolean isUri(String location) {
    return SCHEME.matcher(location).matches();
  }

  /**
   * The location as a URI.
   *
   * @throws IllegalArgumentException naming it when it is not a valid URI
   */
  public static URI uri(String location) {
    try {
      return new URI(location);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(location + " is not a valid URI: " + e.getMessage(), e);
    }
  }

  /**
   * The store that holds runs at {@code location}.
   *
   * @throws IllegalArgumentException when none on the class path does: without bsgm-spark,
   *     saying that the spark module is needed
   */
  public static RunStore forLocation(String location) {
    URI uri = uri(location);
    boolean any = false;
    for (RunStore store : ServiceLoader.load(RunStore.class)) {
      any = true;
      if (store.handles(uri)) {
        return store;
      }
    }
    if (!any) {
      throw new IllegalArgumentException(location + " is a file-system URI: run directories on"
          + " Hadoop file systems (hdfs://, s3a://, abfs://, file:/...) need the bsgm-spark"
          + " module on the class path (bin/bsgm puts it there when --out or --resume is a URI,"
          + " or with --spark; the cluster jar holds it); or give a local path");
    }
    throw new IllegalArgumentException("no file system on the class path handles " + location
        + " (scheme " + uri.getScheme() + ")");
  }
}
