package io.github.bilevel.bsgm.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Atomic writes: files readable by others under the usual umask (Files.createTempFile's 0600 is
 * the reference that they differ from), nothing left beside the target, and the temporary files
 * that killed writes leave removed.
 */
class AtomicFilesTest {

  @Test
  void filesAreReadableByOthersUnderTheUmask(@TempDir Path temp) throws IOException {
    assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"),
        "not a POSIX file system");
    Path probe = Files.createFile(temp.resolve("probe"));
    assumeTrue(Files.getPosixFilePermissions(probe).contains(PosixFilePermission.OTHERS_READ),
        "the umask keeps files from others");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
        Files.createTempFile(temp, "x", ".tmp"))), "what createTempFile makes");
    Path text = temp.resolve("out/summary.json");
    AtomicFiles.writeString(text, "{}");
    Path npy = temp.resolve("out/x.npy");
    Npy.write(npy, new double[] {1, 2, 3}, 3);
    for (Path file : List.of(text, npy)) {
      Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
      assertTrue(mode.containsAll(Set.of(PosixFilePermission.OWNER_READ,
          PosixFilePermission.OWNER_WRITE, PosixFilePermission.GROUP_READ,
          PosixFilePermission.OTHERS_READ)), file + ": " + mode);
      assertFalse(mode.contains(PosixFilePermission.GROUP_WRITE)
          || mode.contains(PosixFilePermission.OTHERS_WRITE), file + ": " + mode);
    }
    assertEquals("{}", Files.readString(text));
    try (Stream<Path> files = Files.list(temp.resolve("out"))) {
      assertEquals(2, files.count(), "no temporary file is left");
    }
  }

  @Test
  void leftoversOfKilledWritesAreRemovedAndNothingElse(@TempDir Path temp) throws IOException {
    Path keep = Files.writeString(temp.resolve("metrics.csv"), "a");
    Path hidden = Files.writeString(temp.resolve(".lock"), "pid=1");
    Path userTmp = Files.writeString(temp.resolve("notes.tmp"), "mine");
    Files.createDirectories(temp.resolve("checkpoints"));
    Path leftover = Files.writeString(temp.resolve(".metrics.csv.123.tmp"), "half");
    Path older = Files.writeString(temp.resolve("checkpoints/.a.ckpt8812.tmp"), "half");
    assertEquals(Set.of(leftover, older), Set.copyOf(AtomicFiles.removeLeftovers(temp)));
    assertTrue(Files.exists(keep) && Files.exists(hidden) && Files.exists(userTmp));
    assertFalse(Files.exists(leftover) || Files.exists(older));
    assertTrue(AtomicFiles.removeLeftovers(temp.resolve("absent")).isEmpty());
  }
}
