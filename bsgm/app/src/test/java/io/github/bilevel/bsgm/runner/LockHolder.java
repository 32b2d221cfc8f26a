package io.github.bilevel.bsgm.runner;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A second process for {@link RunDirectoryTest}: locks the run directory given as its argument,
 * says {@code locked} on stdout and holds the lock until its stdin closes or it is killed.
 */
public final class LockHolder {

  private LockHolder() {}

  public static void main(String[] args) throws IOException {
    try (RunLock lock = RunLock.acquire(Path.of(args[0]), System.err)) {
      System.out.println("locked " + ProcessHandle.current().pid());
      System.out.flush();
      while (System.in.read() >= 0) {
        // hold the lock until stdin ends
      }
    }
  }
}
