package io.github.bilevel.bsgm.runner;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The exclusive lock of a run directory: {@link FileChannel#tryLock} on its file {@code .lock},
 * which holds the holder's process id and start time. A run or resume holds it from before it
 * writes or deletes anything in the directory until it ends, so a second one on the same
 * directory (another process, or another runner in this JVM) fails at once with a message naming
 * the holder. The operating system drops the lock of a process that dies; the file then still
 * names the dead process, and the next run says that it takes over a stale lock.
 *
 * <p>The file is emptied on release, not deleted: deleting it would let two processes lock two
 * different files of the same name.
 */
public final class RunLock implements AutoCloseable {

  /** The lock file's name in the run directory. */
  public static final String FILE_NAME = ".lock";

  /**
   * The locks this JVM holds, by directory. POSIX drops all of a process's locks on a file when
   * any of its descriptors of that file is closed, so this JVM must not even open a lock file it
   * holds: it checks here first.
   */
  private static final Map<Path, RunLock> HELD = new HashMap<>();

  private final Path directory;
  private final FileChannel channel;
  private final FileLock lock;
  private final String holder;
  private boolean released;

  private RunLock(Path directory, FileChannel channel, FileLock lock, String holder) {
    this.directory = directory;
    this.channel = channel;
    this.lock = lock;
    this.holder = holder;
  }

  /**
   * Locks {@code directory} (creating it if needed) for this process, or fails.
   *
   * @param log where taking over a stale lock is reported
   * @throws IllegalStateException naming the holder's process id when another process, or
   *     another runner in this JVM, holds the lock
   */
  public static RunLock acquire(Path directory, PrintStream log) {
    Path real;
    try {
      Files.createDirectories(directory);
      real = directory.toRealPath();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + directory + ": " + e.getMessage(), e);
    }
    Path file = real.resolve(FILE_NAME);
    synchronized (HELD) {
      RunLock mine = HELD.get(real);
      if (mine != null) {
        throw inUse(directory, file, mine.holder, " (this process)");
      }
      FileChannel channel = open(file);
      try {
        FileLock lock;
        try {
          lock = channel.tryLock();
        } catch (OverlappingFileLockException lockedInThisJvm) {
          lock = null;
        }
        if (lock == null) {
          throw inUse(directory, file, contents(channel), "");
        }
        String previous = contents(channel);
        String holder = "pid=" + ProcessHandle.current().pid() + "\nstarted=" + Instant.now()
            + "\n";
        channel.truncate(0);
        channel.write(ByteBuffer.wrap(holder.getBytes(StandardCharsets.UTF_8)), 0);
        channel.force(true);
        reportStale(directory, previous, log);
        RunLock acquired = new RunLock(real, channel, lock, holder);
        HELD.put(real, acquired);
        return acquired;
      } catch (IOException | RuntimeException e) {
        try {
          channel.close();
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
        if (e instanceof IOException io) {
          throw new UncheckedIOException("cannot lock " + file + ": " + io.getMessage(), io);
        }
        throw (RuntimeException) e;
      }
    }
  }

  private static FileChannel open(Path file) {
    Set<OpenOption> options = Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    try {
      try {
        return FileChannel.open(file, options,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")));
      } catch (UnsupportedOperationException notPosix) {
        return FileChannel.open(file, options);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open " + file + ": " + e.getMessage(), e);
    }
  }

  private static String contents(FileChannel channel) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(channel.size(), 4096));
    while (buffer.hasRemaining() && channel.read(buffer, buffer.position()) >= 0) {
      // until the (small) file is read
    }
    return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
  }

  /** The value of {@code key=} in a lock file's text, if there. */
  private static Optional<String> field(String contents, String key) {
    for (String line : contents.split("\n")) {
      if (line.startsWith(key + "=")) {
        return Optional.of(line.substring(key.length() + 1).trim());
      }
    }
    return Optional.empty();
  }

  private static IllegalStateException inUse(Path directory, Path file, String contents,
      String whose) {
    Optional<String> pid = field(contents, "pid");
    String holder = pid.map(p -> "process " + p + whose
        + field(contents, "started").map(s -> ", running since " + s).orElse(""))
        .orElse("another process (it has not written its process id yet)");
    return new IllegalStateException(directory + " is in use by " + holder + " (lock " + file
        + "): wait for it to end, or choose another --out");
  }

  private static void reportStale(Path directory, String previous, PrintStream log) {
    Optional<String> pid = field(previous, "pid");
    if (pid.isEmpty()) {
      return;
    }
    boolean alive;
    try {
      alive = ProcessHandle.of(Long.parseLong(pid.get())).map(ProcessHandle::isAlive)
          .orElse(false);
    } catch (NumberFormatException e) {
      alive = false;
    }
    log.println(directory + ": taking over the stale lock of process " + pid.get()
        + field(previous, "started").map(s -> " (started " + s + ")").orElse("")
        + (alive ? ", which no longer holds it" : ", which is no longer running"));
  }

  /** The locked directory (its real path). */
  public Path directory() {
    return directory;
  }

  /** Empties the lock file and releases the lock; does nothing the second time. */
  @Override
  public void close() {
    synchronized (HELD) {
      if (released) {
        return;
      }
      released = true;
      try {
        channel.truncate(0);
        lock.release();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot release the lock of " + directory + ": "
            + e.getMessage(), e);
      } finally {
        try {
          channel.close();
        } catch (IOException ignored) {
          // the lock is released with the descriptor
        }
        // forgotten only once the descriptor is closed (see HELD)
        HELD.remove(directory);
      }
    }
  }
}
