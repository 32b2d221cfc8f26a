package io.github.bilevel.bsgm.data;

import java.io.IOException;
import java.nio.file.Path;

/** A file that is not a well-formed IDX file of the expected kind; the message names the file. */
public final class IdxFormatException extends IOException {

  private static final long serialVersionUID = 1L;

  private final transient Path file;

  /** A problem with {@code file}, described by {@code message}. */
  public IdxFormatException(Path file, String message) {
    this(file, message, null);
  }

  /** A problem with {@code file}, described by {@code message}, caused by {@code cause}. */
  public IdxFormatException(Path file, String message, Throwable cause) {
    super(file + ": " + message, cause);
    this.file = file;
  }

  /** The file at fault. */
  public Path file() {
    return file;
  }
}
