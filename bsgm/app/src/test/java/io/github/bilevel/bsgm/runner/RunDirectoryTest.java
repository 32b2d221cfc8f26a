package io.github.bilevel.bsgm.runner;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.Backends;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the runner keeps in its directory: one process at a time (a second run or resume is
 * refused naming the holder's process id), checksummed checkpoints, metrics logs and
 * {@code run.json} that a resume verifies (a damaged or missing file is refused, naming it),
 * rows after a checkpoint cut off, leftover temporary files removed, and files readable by
 * others. The reference for every resumed run is the same run uninterrupted.
 */
class RunDirectoryTest {

  private static final long PID = ProcessHandle.current().pid();

  private final Backend backend = Backends.byName("simd");
  private final PrintStream quiet = new PrintStream(new ByteArrayOutputStream());

  private static RunSettings mrbo() {
    return ExperimentRunnerTest.settings("mrbo", 20_000);
  }

  /** MRBO on seeds 7 and 8, stopped by a crash after iteration 47 of seed 8. */
  private Path crashed(Path temp) {
    Path run = temp.resolve("run");
    assertThrows(IllegalStateException.class, () -> ExperimentRunner.start(
        ExperimentRunnerTest.failingAfter(47), mrbo(), backend, run, quiet).run());
    return run;
  }

  private List<Metrics.Row> uninterrupted(Path temp) {
    return ExperimentRunner.start(QuadraticWorkload.FACTORY, mrbo(), backend,
        temp.resolve("whole"), quiet).run();
  }

  private ExperimentRunner resume(Path run, PrintStream log) {
    return ExperimentRunner.resume(QuadraticWorkload.FACTORY, backend, run, log);
  }

  private static void assertSameRows(List<Metrics.Row> expected, List<Metrics.Row> actual) {
    assertEquals(expected.size(), actual.size());
    for (int i = 0; i < expected.size(); i++) {
      Metrics.Row a = expected.get(i);
      Metrics.Row b = actual.get(i);
      assertEquals(a.algorithm() + a.seed() + "/" + a.iteration() + "/" + a.samples(),
          b.algorithm() + b.seed() + "/" + b.iteration() + "/" + b.samples(), "row " + i);
      assertArrayEquals(a.values(), b.values(), 0.0, "row " + i);
    }
  }

  private String refusal(Path run) {
    return assertThrows(IllegalArgumentException.class, () -> resume(run, quiet).run())
        .getMessage();
  }

  @Test
  void aSecondRunOnTheSameDirectoryIsRefusedNamingTheHolderAndTheFirstIsIntact(
      @TempDir Path temp) throws IOException, InterruptedException {
    Path run = temp.resolve("run");
    RunSettings bsgm = ExperimentRunnerTest.settings("bsgm", 2_000);
    ExperimentRunner first = ExperimentRunner.start(QuadraticWorkload.FACTORY, bsgm, backend,
        run, quiet);
    AtomicReference<Throwable> second = new AtomicReference<>();
    Thread other = new Thread(() -> {
      try {
        ExperimentRunner.start(QuadraticWorkload.FACTORY, mrbo(), backend, run, quiet).run();
      } catch (Throwable e) {
        second.set(e);
      }
    });
    other.start();
    other.join();
    IllegalStateException refused = assertInstanceOf(IllegalStateException.class, second.get());
    assertTrue(refused.getMessage().contains("in use by process " + PID)
        && refused.getMessage().contains("--out"), refused.getMessage());
    IllegalStateException resumed = assertThrows(IllegalStateException.class,
        () -> resume(run, quiet));
    assertTrue(resumed.getMessage().contains("process " + PID), resumed.getMessage());

    List<Metrics.Row> rows = first.run();
    assertSameRows(ExperimentRunner.start(QuadraticWorkload.FACTORY, bsgm, backend,
        temp.resolve("alone"), quiet).run(), rows);
    assertSameRows(rows, Metrics.read(run.resolve("metrics.csv")));
    assertEquals(List.of("bsgm"), ExperimentRunner.settingsOf(run).algorithms());
    // without its run.json, the directory is still refused: its checkpoints are an earlier run's
    Path runFile = run.resolve("run.json");
    byte[] settingsFile = Files.readAllBytes(runFile);
    Files.delete(runFile);
    IllegalArgumentException earlier = assertThrows(IllegalArgumentException.class,
        () -> ExperimentRunner.start(QuadraticWorkload.FACTORY, mrbo(), backend, run, quiet));
    assertTrue(earlier.getMessage().contains("checkpoints/ of an earlier run"),
        earlier.getMessage());
    Files.write(runFile, settingsFile);
    // released at the end of the run: a resume may take it (and finds nothing left to do)
    assertSameRows(rows, resume(run, quiet).run());
  }

  @Test
  @Timeout(120)
  void anotherProcessHoldingTheDirectoryIsNamedAndItsStaleLockIsTakenOver(@TempDir Path temp)
      throws IOException, InterruptedException {
    Path run = temp.resolve("run");
    Process holder = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), LockHolder.class.getName(), run.toString())
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(),
          StandardCharsets.UTF_8));
      assertEquals("locked " + holder.pid(), out.readLine());
      IllegalStateException refused = assertThrows(IllegalStateException.class,
          () -> ExperimentRunner.start(QuadraticWorkload.FACTORY, mrbo(), backend, run, quiet));
      assertTrue(refused.getMessage().contains("in use by process " + holder.pid()),
          refused.getMessage());
      assertFalse(Files.exists(run.resolve("run.json")), "nothing is written");
    } finally {
      holder.destroyForcibly(); // as kill -9: the lock file still names the process
      assertTrue(holder.waitFor(60, TimeUnit.SECONDS));
    }
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    ExperimentRunner.start(QuadraticWorkload.FACTORY, ExperimentRunnerTest.settings("bsgm",
        2_000), backend, run, new PrintStream(log, true, StandardCharsets.UTF_8)).run();
    String said = log.toString(StandardCharsets.UTF_8);
    assertTrue(said.contains("taking over the stale lock of process " + holder.pid())
        && said.contains("no longer running"), said);
  }

  @Test
  void aFlippedByteInACheckpointIsRefusedNamingTheFile(@TempDir Path temp) throws IOException {
    Path run = crashed(temp);
    Path file = run.resolve("checkpoints/mrbo-seed8.ckpt");
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 0x01;
    Files.write(file, bytes);
    String message = refusal(run);
    assertTrue(message.contains("mrbo-seed8.ckpt") && message.contains("damaged")
        && message.contains("CRC32C") && message.contains("--out"), message);
  }

  @Test
  void aDeletedMetricsLogIsRefusedAndADeletedMetricsCsvLosesNothing(@TempDir Path temp)
      throws IOException {
    Path run = crashed(temp);
    Path log = run.resolve("metrics/mrbo-seed7.csv");
    byte[] kept = Files.readAllBytes(log);
    Files.delete(log);
    String message = refusal(run);
    assertTrue(message.contains("mrbo-seed7.csv is missing")
        && message.contains("up to iteration"), message);

    Files.write(log, kept);
    Files.delete(run.resolve("metrics.csv"));
    List<Metrics.Row> resumed = resume(run, quiet).run();
    List<Metrics.Row> whole = uninterrupted(temp);
    assertSameRows(whole, resumed);
    assertSameRows(whole, Metrics.read(run.resolve("metrics.csv")));
  }

  @Test
  void aDeletedCheckpointOfAStartedSeedIsRefusedNamingIt(@TempDir Path temp)
      throws IOException {
    Path run = crashed(temp);
    for (String seed : List.of("seed7", "seed8")) {
      Path checkpoint = run.resolve("checkpoints/mrbo-" + seed + ".ckpt");
      byte[] kept = Files.readAllBytes(checkpoint);
      Files.delete(checkpoint);
      String message = refusal(run);
      assertTrue(message.contains("mrbo-" + seed + ".ckpt is missing")
          && message.contains("has started") && message.contains("mrbo-" + seed + ".csv"),
          message);
      Files.write(checkpoint, kept);
    }
  }

  @Test
  void aDamagedMetricsRowIsRefusedNamingTheLine(@TempDir Path temp) throws IOException {
    Path run = crashed(temp);
    Path log = run.resolve("metrics/mrbo-seed7.csv");
    List<String> lines = Files.readAllLines(log);
    String line = lines.get(4);
    int digit = line.indexOf(",7,") + 3; // the first digit of the iteration
    lines.set(4, line.substring(0, digit) + (char) ('0' + (line.charAt(digit) - '0' + 1) % 10)
        + line.substring(digit + 1));
    Files.write(log, lines);
    String message = refusal(run);
    assertTrue(message.contains("mrbo-seed7.csv line 5 is damaged"), message);
  }

  @Test
  void rowsAfterTheCheckpointAreCutAndLeftoverTemporaryFilesRemoved(@TempDir Path temp)
      throws IOException {
    Path run = crashed(temp);
    // a row appended before a kill, with no checkpoint after it, and two killed writes
    Files.writeString(run.resolve("metrics/mrbo-seed8.csv"), "mrbo,8,45,1234,0.5",
        StandardOpenOption.APPEND);
    Path leftover = run.resolve(".metrics.csv.8213.tmp");
    Path leftoverCheckpoint = run.resolve("checkpoints/.mrbo-seed8.ckpt123.tmp");
    Files.writeString(leftover, "algorithm,seed");
    Files.writeString(leftoverCheckpoint, "BSGM");
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    List<Metrics.Row> resumed = resume(run, new PrintStream(log, true, StandardCharsets.UTF_8))
        .run();
    assertFalse(Files.exists(leftover) || Files.exists(leftoverCheckpoint));
    String said = log.toString(StandardCharsets.UTF_8);
    assertTrue(said.contains("removed " + leftover) && said.contains("left by a write"), said);
    assertSameRows(uninterrupted(temp), resumed);
    assertEquals(resumed.stream().filter(r -> r.seed() == 8).toList().size(),
        MetricsLog.read(run.resolve("metrics/mrbo-seed8.csv")).size());
  }

  @Test
  void anEditedRunJsonIsRefusedAndAnIntactOneReadsBack(@TempDir Path temp) throws IOException {
    Path run = temp.resolve("run");
    RunSettings settings = ExperimentRunnerTest.settings("bsgm", 2_000);
    ExperimentRunner.start(QuadraticWorkload.FACTORY, settings, backend, run, quiet).run();
    assertEquals(settings, ExperimentRunner.settingsOf(run));
    Path runFile = run.resolve("run.json");
    String text = Files.readString(runFile);
    assertTrue(text.contains("\"format_version\": 2") && text.contains("\"crc32c\""), text);
    Files.writeString(runFile, text.replace("2000", "3000"));
    IllegalArgumentException edited = assertThrows(IllegalArgumentException.class,
        () -> ExperimentRunner.settingsOf(run));
    assertTrue(edited.getMessage().contains("run.json is damaged or was edited"),
        edited.getMessage());
  }

  @Test
  void theOutputsAreReadableByOthers(@TempDir Path temp) throws IOException {
    assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"),
        "not a POSIX file system");
    Path probe = Files.createFile(temp.resolve("probe"));
    assumeTrue(Files.getPosixFilePermissions(probe).contains(PosixFilePermission.OTHERS_READ),
        "the umask keeps files from others");
    Path run = temp.resolve("run");
    ExperimentRunner.start(QuadraticWorkload.FACTORY, ExperimentRunnerTest.settings("bsgm",
        2_000), backend, run, quiet).run();
    List<Path> files;
    try (Stream<Path> walk = Files.walk(run)) {
      files = walk.filter(Files::isRegularFile).toList();
    }
    assertTrue(files.size() >= 8, files.toString());
    for (Path file : files) {
      Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
      assertTrue(mode.containsAll(Set.of(PosixFilePermission.OWNER_READ,
          PosixFilePermission.OWNER_WRITE, PosixFilePermission.GROUP_READ,
          PosixFilePermission.OTHERS_READ)), file + ": " + mode);
      assertFalse(mode.contains(PosixFilePermission.GROUP_WRITE)
          || mode.contains(PosixFilePermission.OTHERS_WRITE), file + ": " + mode);
    }
  }
}
