package io.github.bilevel.bsgm.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A {@code .npy} file that cannot be used: missing, unreadable, malformed, truncated, or holding
 * an array of the wrong type or rank. The message names the file and what is wrong with it; the
 * control characters a corrupt header may bring into it are written as escapes ({@code \x00}),
 * so that the message reaches a terminal or a log as text.
 */
public final class NpyException extends IOException {

  private final Path file;

  /** A problem with {@code file}, described by {@code message} (which names the file). */
  public NpyException(Path file, String message) {
    super(printable(message));
    this.file = file;
  }

  /** The same, with the exception that revealed it. */
  public NpyException(Path file, String message, Throwable cause) {
    super(printable(message), cause);
    this.file = file;
  }

  /** {@code message} with each control character (U+0000..1F, U+007F..9F) as {@code \xNN}. */
  static String printable(String message) {
    if (message == null || message.chars().noneMatch(Character::isISOControl)) {
      return message;
    }
    StringBuilder out = new StringBuilder(message.length() + 16);
    for (int i = 0; i < message.length(); i++) {
      char c = message.charAt(i);
      if (!Character.isISOControl(c)) {
        out.append(c);
      } else {
        out.append(String.format("\\x%02x", (int) c));
      }
    }
    return out.toString();
  }

  /** The file concerned. */
  public Path file() {
    return file;
  }
}
