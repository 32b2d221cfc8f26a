package io.github.bilevel.nativebindings.cuda;

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
 * The search for the CUDA libraries, through {@link CudaLibrary#resolve} with explicit
 * candidates, so that the error paths are testable whether or not the real libraries are here
 * (no GPU needed).
 */
class CudaLibraryTest {

  @TempDir
  Path temp;

  @Test
  void aMissingLibraryListsEveryNameAndDirectoryTried() {
    Path bogus = temp.resolve("no-such-dir");
    NativeLibraries.Resolution r = CudaLibrary.RUNTIME.resolve(bogus.toString(), null,
        List.of("libcudart-bilevel-no-such.so.99", "libcudart-bilevel-no-such.so.98"),
        List.of(temp, temp.resolve("absent")));
    assertFalse(r.isLoaded());
    String message = r.failure().orElseThrow();
    assertTrue(message.startsWith("the CUDA runtime not found"), message);
    assertTrue(message.contains("system property " + CudaLibrary.PATH_PROPERTY + ": " + bogus
        + ": no such directory"), message);
    assertTrue(message.contains("environment variable CUDA_LIB_PATH not set"), message);
    assertTrue(message.contains("libcudart-bilevel-no-such.so.99: "), message);
    assertTrue(message.contains("libcudart-bilevel-no-such.so.98: "), message);
    assertTrue(message.contains(temp + ": none of the names present"), message);
    assertTrue(message.contains("directories not present: " + temp.resolve("absent")), message);
    assertTrue(message.contains("point -D" + CudaLibrary.PATH_PROPERTY + " or CUDA_LIB_PATH"),
        message);
  }

  @Test
  void everyLibraryHasVersionedNamesNewestFirstAndAHint() {
    assertEquals("libcudart.so.13", CudaLibrary.RUNTIME.names().get(0));
    assertEquals("libcudart.so.12", CudaLibrary.RUNTIME.names().get(1));
    assertEquals(List.of("libcublas.so.13", "libcublas.so.12"),
        CudaLibrary.CUBLAS.names().subList(0, 2));
    assertEquals(List.of("libnvrtc.so.13", "libnvrtc.so.12"),
        CudaLibrary.NVRTC.names().subList(0, 2));
    assertEquals("libcuda.so.1", CudaLibrary.DRIVER.names().get(0));
    String driver = CudaLibrary.DRIVER.resolve(null, null, List.of("libcuda-bilevel-none.so.1"),
        List.of()).failure().orElseThrow();
    assertTrue(driver.contains("comes with the NVIDIA driver"), driver);
  }

  @Test
  void aLibraryWithoutTheRequiredSymbolsIsRejected() {
    assumeTrue(System.getProperty("os.name").toLowerCase().contains("linux"),
        "libm.so.6 is a Linux name");
    for (CudaLibrary library : CudaLibrary.values()) {
      NativeLibraries.Resolution r = library.resolve(null, null, List.of("libm.so.6"), List.of());
      assertFalse(r.isLoaded(), library.name());
      String message = r.failure().orElseThrow();
      assertTrue(message.contains("libm.so.6: loaded but lacks symbol "
          + library.requiredSymbols().get(0)), message);
    }
  }

  @Test
  void aFileOfAnotherLibraryInTheConfiguredDirectoryIsRejectedAndTheSearchGoesOn() throws Exception {
    assumeTrue(Files.exists(Path.of("/lib/x86_64-linux-gnu/libm.so.6")), "no libm.so.6 file");
    Files.copy(Path.of("/lib/x86_64-linux-gnu/libm.so.6"), temp.resolve("libcudart.so.13"));
    NativeLibraries.Resolution r = CudaLibrary.RUNTIME.resolve(temp.toString(), null,
        List.of("libcudart.so.13"), List.of());
    if (r.isLoaded()) {
      // The real runtime, found by name through the system search path, with a warning.
      assertTrue(r.warnings().stream().anyMatch(w -> w.contains("lacks symbol")), r.warnings()
          .toString());
    } else {
      assertTrue(r.source().contains(temp.resolve("libcudart.so.13")
          + ": loaded but lacks symbol cudaGetDeviceCount"), r.source());
    }
  }

  @Test
  void theConfiguredDirectoryIsUsedFirst() {
    Optional<Path> dir = CudaLibrary.defaultDirectories().stream()
        .filter(d -> Files.exists(d.resolve("libcudart.so.13"))
            || Files.exists(d.resolve("libcudart.so.12")))
        .findFirst();
    assumeTrue(dir.isPresent(), "no libcudart.so.13 or .12 file in "
        + CudaLibrary.defaultDirectories());
    NativeLibraries.Resolution r = CudaLibrary.RUNTIME.resolve(dir.get().toString(), null,
        CudaLibrary.RUNTIME.names(), List.of());
    assertTrue(r.isLoaded(), r.source());
    assertTrue(r.source().startsWith(dir.get().toString()), r.source());
    assertTrue(r.warnings().isEmpty(), r.warnings().toString());
    assertTrue(r.lookup().orElseThrow().find("cudaGetErrorString").isPresent());
  }

  @Test
  void aBogusConfiguredDirectoryFallsThroughWithAWarning() {
    assumeTrue(CudaLibrary.RUNTIME.isAvailable(),
        () -> "no CUDA runtime here: " + CudaLibrary.RUNTIME.unavailableReason().orElse(""));
    Path bogus = temp.resolve("bogus");
    NativeLibraries.Resolution r = CudaLibrary.RUNTIME.resolve(bogus.toString(), null,
        CudaLibrary.RUNTIME.names(), CudaLibrary.defaultDirectories());
    assertTrue(r.isLoaded(), r.source());
    assertEquals(1, r.warnings().size(), r.warnings().toString());
    assertTrue(r.warnings().get(0).contains(bogus + ": no such directory"), r.warnings().get(0));
  }

  @Test
  void aConfiguredDirectoryWithoutTheLibraryIsNoWarning() {
    assumeTrue(CudaLibrary.RUNTIME.isAvailable(),
        () -> "no CUDA runtime here: " + CudaLibrary.RUNTIME.unavailableReason().orElse(""));
    // temp exists but holds no libcudart: a path list naming other libraries' directories
    NativeLibraries.Resolution r = CudaLibrary.RUNTIME.resolve(temp.toString(), null,
        CudaLibrary.RUNTIME.names(), CudaLibrary.defaultDirectories());
    assertTrue(r.isLoaded(), r.source());
    assertTrue(r.warnings().isEmpty(), r.warnings().toString());
  }

  @Test
  void pathListsAreSplitOnThePathSeparator() {
    String sep = java.io.File.pathSeparator;
    assertEquals(List.of("/a", "/b c", "/d"),
        CudaLibrary.splitPathList("/a" + sep + "/b c" + sep + sep + " /d "));
    assertEquals(List.of(), CudaLibrary.splitPathList(null));
    assertEquals(List.of(), CudaLibrary.splitPathList("  "));
  }

  @Test
  void defaultDirectoriesExistAndTheReasonOfAMissingLibraryIsStable() {
    for (Path d : CudaLibrary.defaultDirectories()) {
      assertTrue(Files.isDirectory(d), d.toString());
    }
    for (CudaLibrary library : CudaLibrary.values()) {
      assertEquals(library.isAvailable(), library.unavailableReason().isEmpty());
      assertEquals(library.isAvailable(), library.loadedFrom().isPresent());
      library.unavailableReason().ifPresent(reason -> {
        assertTrue(reason.contains(library.names().get(0)), reason);
        assertTrue(reason.contains(CudaLibrary.PATH_PROPERTY), reason);
      });
    }
  }
}
