package io.github.bilevel.bsgm.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A {@code .npy} file that cannot be used: missing, unreadable, malformed, truncated, or holding
 * an array of the wrong type or rank. The message names the file and what is wrong with it.
 */
public final class NpyException extends IOException {

  private final Path file;

  /** A problem with {@code file}, described by {@code message} (which names the file). */
  public NpyException(Path file, String message) {
    super(message);
    this.file = file;
  }

  /** The same, with the exception that revealed it. */
  public NpyException(Path file, String message, Throwable cause) {
    super(message, cause);
    this.file = file;
  }

  /** The file concerned. */
  public Path file() {
    return file;
  }
}
