package io.github.bilevel.bsgm.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * Writes files atomically: into a temporary file beside the target ({@code .NAME.RANDOM.tmp}),
 * forced to the disk, then one rename. Files are created with mode {@code 0644} masked by the
 * process's umask (readable by others under the usual umask {@code 022}), not the {@code 0600}
 * of {@link Files#createTempFile}.
 */
public final class AtomicFiles {

  /** Mode {@code rw-r--r--}: the kernel masks it with the umask when the file is created. */
  private static final FileAttribute<?> READABLE_BY_OTHERS =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--"));

  private static final String TEMPORARY_SUFFIX = ".tmp";

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
      temporary = createTemporary(directory, absolute.getFileName().toString());
      writer.write(temporary);
      // the bytes reach the disk before the rename makes them the target's
      try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
        channel.force(true);
      }
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

  /**
   * Creates the new, empty file {@code file} with mode {@code 0644} masked by the umask (on a
   * POSIX file system; elsewhere with the file system's default).
   *
   * @throws FileAlreadyExistsException if it exists
   */
  public static void createReadable(Path file) throws IOException {
    try {
      Files.createFile(file, READABLE_BY_OTHERS);
    } catch (UnsupportedOperationException notPosix) {
      Files.createFile(file);
    }
  }

  private static Path createTemporary(Path directory, String name) throws IOException {
    while (true) {
      Path temporary = directory.resolve("." + name + "."
          + Long.toUnsignedString(ThreadLocalRandom.current().nextLong()) + TEMPORARY_SUFFIX);
      try {
        createReadable(temporary);
        return temporary;
      } catch (FileAlreadyExistsException taken) {
        // another writer drew the same name: draw again
      }
    }
  }

  /**
   * Whether {@code fileName} is the name of a temporary file of {@link #write}
   * ({@code .NAME…tmp}), as a write that was killed leaves behind.
   */
  public static boolean isTemporary(String fileName) {
    return fileName.length() > 1 + TEMPORARY_SUFFIX.length() && fileName.startsWith(".")
        && fileName.endsWith(TEMPORARY_SUFFIX);
  }

  /**
   * Deletes the temporary files that killed writes left in {@code directory} and its
   * subdirectories ({@link #isTemporary}); returns them. Call it only where no other process
   * writes (under the directory's lock).
   */
  public static List<Path> removeLeftovers(Path directory) {
    List<Path> removed = new ArrayList<>();
    if (!Files.isDirectory(directory)) {
      return removed;
    }
    try (Stream<Path> files = Files.walk(directory)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        if (isTemporary(file.getFileName().toString()) && Files.isRegularFile(file)
            && Files.deleteIfExists(file)) {
          removed.add(file);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clean up " + directory + ": " + e.getMessage(), e);
    }
    return removed;
  }
}
