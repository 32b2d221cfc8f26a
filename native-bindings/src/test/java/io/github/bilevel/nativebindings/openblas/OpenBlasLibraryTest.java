package io.github.bilevel.nativebindings.openblas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.bilevel.nativebindings.NativeLibraries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library search, through {@link OpenBlasLibrary#resolve} with explicit candidates, so that
 * the error path is testable while the real library stays loaded.
 */
class OpenBlasLibraryTest {

  @TempDir
  Path temp;

  @Test
  void missingLibraryGivesAClearMessage() {
    Path missing = temp.resolve("no-such-dir").resolve("libopenblas.so.0");
    String saved = System.getProperty(OpenBlasLibrary.PATH_PROPERTY);
    System.setProperty(OpenBlasLibrary.PATH_PROPERTY, missing.toString());
    NativeLibraries.Resolution r;
    try {
      r = OpenBlasLibrary.resolve(System.getProperty(OpenBlasLibrary.PATH_PROPERTY), null,
          List.of("libbilevel-no-such-blas.so.9", "libbilevel-no-such-blas-r*.so"),
          List.of(temp, temp.resolve("absent")));
    } finally {
      if (saved == null) {
        System.clearProperty(OpenBlasLibrary.PATH_PROPERTY);
      } else {
        System.setProperty(OpenBlasLibrary.PATH_PROPERTY, saved);
      }
    }
    assertFalse(r.isLoaded());
    String message = r.failure().orElseThrow();
    assertTrue(message.startsWith("OpenBLAS not found"), message);
    assertTrue(message.contains(OpenBlasLibrary.PATH_PROPERTY + " = " + missing + ": no such file"),
        message);
    assertTrue(message.contains("environment variable OPENBLAS_LIB not set"), message);
    assertTrue(message.contains("libbilevel-no-such-blas.so.9"), message);
    assertTrue(message.contains(temp + ": none of the names present"), message);
    assertTrue(message.contains("directories not present: " + temp.resolve("absent")), message);
    assertTrue(message.contains("install it with: apt-get install libopenblas0-pthread"),
        message);
  }

  @Test
  void aLibraryWithoutCblasIsRejected() {
    assumeTrue(System.getProperty("os.name").toLowerCase().contains("linux"),
        "libm.so.6 is a Linux name");
    NativeLibraries.Resolution r = OpenBlasLibrary.resolve(null, null, List.of("libm.so.6"),
        List.of());
    assertFalse(r.isLoaded());
    String message = r.failure().orElseThrow();
    assertTrue(message.contains("libm.so.6: loaded but lacks symbol cblas_ddot"), message);
  }

  @Test
  void aBadConfiguredPathFallsThroughToTheNamesWithAWarning() {
    assumeTrue(OpenBlasLibrary.isAvailable(),
        () -> "OpenBLAS not installed: " + OpenBlasLibrary.unavailableReason().orElse(""));
    Path missing = temp.resolve("libopenblas.so.0");
    NativeLibraries.Resolution r = OpenBlasLibrary.resolve(missing.toString(), null,
        OpenBlasLibrary.DEFAULT_NAMES, OpenBlasLibrary.DEFAULT_DIRECTORIES);
    assertTrue(r.isLoaded(), r.source());
    assertEquals(1, r.warnings().size(), r.warnings().toString());
    assertTrue(r.warnings().get(0).contains(missing + ": no such file"), r.warnings().get(0));
    assertTrue(r.lookup().orElseThrow().find("cblas_dgemm").isPresent());
  }

  @Test
  void wildcardNamesAreFoundInTheDirectories() {
    List<Path> dirs = OpenBlasLibrary.DEFAULT_DIRECTORIES;
    NativeLibraries.Resolution r = OpenBlasLibrary.resolve(null, null,
        List.of("libopenblasp-r0.3.*.so", "libopenblas-r0.3.*.so"), dirs);
    assumeTrue(r.isLoaded(), () -> "no versioned OpenBLAS file in " + dirs + ": "
        + r.failure().orElse(""));
    assertTrue(r.source().contains("libopenblas"), r.source());
    assertTrue(Files.isRegularFile(Path.of(r.source())), r.source());
  }

  @Test
  void theConfiguredFileIsUsedFirst() {
    NativeLibraries.Resolution found = OpenBlasLibrary.resolve(null, null,
        List.of("libopenblasp-r0.3.*.so", "libopenblas-r0.3.*.so", "libopenblaso-r0.3.*.so"),
        OpenBlasLibrary.DEFAULT_DIRECTORIES.stream().filter(Files::isDirectory).toList());
    Optional<Path> file = Optional.of(found.source()).filter(s -> found.isLoaded())
        .map(Path::of).filter(Files::isRegularFile);
    assumeTrue(file.isPresent(), "no OpenBLAS file in the standard directories");
    NativeLibraries.Resolution r = OpenBlasLibrary.resolve(file.get().toString(), null,
        List.of(), List.of());
    assertTrue(r.isLoaded(), r.source());
    assertEquals("system property " + OpenBlasLibrary.PATH_PROPERTY + " = " + file.get(),
        r.source());
    assertTrue(r.warnings().isEmpty());
  }
}
