package io.github.bilevel.bsgm.runner;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.Backends;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runner's publications through a {@link RunMirror}: a copy of the run directory kept up to
 * date file by file is resumable after every checkpoint's publication (a metrics log before the
 * checkpoint that counts its rows), and at the end equals the staging directory.
 */
class RunMirrorTest {

  private final Backend backend = Backends.byName("simd");
  private final PrintStream quiet = new PrintStream(new ByteArrayOutputStream());

  /** Copies each published file into {@code remote}; verifies it at each checkpoint. */
  private final class CopyingMirror implements RunMirror {
    final Path staging;
    final Path remote;
    final List<String> published = new ArrayList<>();
    int verified;
    boolean closed;

    CopyingMirror(Path staging, Path remote) {
      this.staging = staging;
      this.remote = remote;
    }

    @Override
    public void publish(Path file) {
      String relative = staging.relativize(file).toString();
      published.add(relative);
      try {
        Path target = remote.resolve(relative);
        Files.createDirectories(target.getParent());
        Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      if (relative.startsWith("checkpoints")) {
        // the remote copy as a resume would find it now
        RunSettings settings = ExperimentRunner.settingsOf(remote);
        try (RunDirectory files = RunDirectory.open(remote, quiet)) {
          files.verify(settings);
        }
        verified++;
      }
    }

    @Override
    public String location() {
      return remote.toString();
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  private static List<String> files(Path run) throws IOException {
    try (Stream<Path> walk = Files.walk(run)) {
      return walk.filter(Files::isRegularFile).map(p -> run.relativize(p).toString())
          .filter(name -> !name.equals(RunLock.FILE_NAME)).sorted().toList();
    }
  }

  @Test
  void theMirroredCopyIsResumableAtEveryCheckpointAndWholeAtTheEnd(@TempDir Path dir)
      throws IOException {
    Path staging = dir.resolve("staging");
    CopyingMirror mirror = new CopyingMirror(staging, dir.resolve("remote"));
    RunSettings settings = ExperimentRunnerTest.settings("bsgm", 3000);
    ExperimentRunner.start(QuadraticWorkload.FACTORY, settings, backend, staging, mirror, quiet)
        .progress(RunProgress.SILENT).run();
    assertTrue(mirror.closed);
    assertEquals("run.json", mirror.published.get(0));
    // two seeds, each with its first checkpoint and at least two later ones
    assertTrue(mirror.verified >= 6, "checkpoints published: " + mirror.verified);
    for (int i = 0; i < mirror.published.size(); i++) {
      String name = mirror.published.get(i);
      if (name.startsWith("checkpoints") && i > 0
          && mirror.published.subList(0, i).stream().anyMatch(n -> n.equals(name))) {
        String log = "metrics/" + Path.of(name).getFileName().toString()
            .replace(".ckpt", ".csv");
        assertEquals(log, mirror.published.get(i - 1), "the log just before " + name);
      }
    }
    assertEquals(files(staging), files(dir.resolve("remote")));
    for (String name : files(staging)) {
      assertArrayEquals(Files.readAllBytes(staging.resolve(name)),
          Files.readAllBytes(dir.resolve("remote").resolve(name)), name);
    }
  }
}
