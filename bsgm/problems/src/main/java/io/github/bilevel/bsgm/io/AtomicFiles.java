package io.github.bilevel.bsgm.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Writes files atomically: into a temporary file beside the target, then one rename. */
public final class AtomicFiles {

  private AtomicFiles() {}

  /** What writes the bytes of a file. */
  @FunctionalInterface
  public interface Writer {
    void write(Path temporary) throws IOException;
  }

  /** Lets {@code writer} fill a temporary file, then moves it onto {@code target}. */
  public static void write(Path target, Writer writer) {
    Path absolute = target.toAbsolutePath();
    Path directory = absolute.getParent();
    Path temporary = null;
    try {
      Files.createDirectories(directory);
      temporary = Files.createTempFile(directory, "." + absolute.getFileName(), ".tmp");
      writer.write(temporary);
      Files.move(temporary, absolute, StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
    } finally {
      if (temporary != null) {
        try {
          Files.deleteIfExists(temporary);
        } catch (IOException ignored) {
          // the move succeeded or the error above is the one to report
        }
      }
    }
  }

  /** Writes {@code text} (UTF-8) to {@code target} atomically. */
  public static void writeString(Path target, String text) {
    write(target, temporary -> Files.writeString(temporary, text, StandardCharsets.UTF_8));
  }
}
