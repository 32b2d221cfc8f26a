package io.github.bilevel.bsgm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.kernels.BackendFactory;
import io.github.bilevel.kernels.Backends;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command writes through its command line's writers: run with {@link StringWriter}s, its
 * output arrives there and nothing reaches the process's {@code System.out} or
 * {@code System.err}. Also the one {@code --backend} option and its {@code auto} choice.
 */
class CommandOutputTest {

  @TempDir
  Path dir;

  private PrintStream savedOut;
  private PrintStream savedErr;
  private final ByteArrayOutputStream systemOut = new ByteArrayOutputStream();
  private final ByteArrayOutputStream systemErr = new ByteArrayOutputStream();

  private record Result(int status, String out, String err) {}

  @BeforeEach
  void captureStandardStreams() {
    savedOut = System.out;
    savedErr = System.err;
    System.setOut(new PrintStream(systemOut, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(systemErr, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restoreStandardStreams() {
    System.setOut(savedOut);
    System.setErr(savedErr);
  }

  /** Runs {@code args} on string writers and checks that the standard streams got nothing. */
  private Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = Main.run(new PrintWriter(out), new PrintWriter(err), args);
    System.out.flush();
    System.err.flush();
    String leakedOut = systemOut.toString(StandardCharsets.UTF_8);
    String leakedErr = systemErr.toString(StandardCharsets.UTF_8);
    assertEquals("", leakedOut, String.join(" ", args) + " wrote to System.out");
    assertEquals("", leakedErr, String.join(" ", args) + " wrote to System.err");
    return new Result(status, out.toString(), err.toString());
  }

  @Test
  void backendsListsEveryBackendOnTheWriter() {
    Result r = run("backends");
    assertEquals(0, r.status(), r.err());
    for (BackendFactory f : Backends.factories()) {
      assertTrue(r.out().contains(f.name() + " "), f.name() + " listed: " + r.out());
    }
    assertTrue(r.out().contains("auto picks: " + Backends.byName("auto").name()), r.out());
    assertEquals("", r.err());
  }

  @Test
  void demoPrintsItsTableOnTheWriter() {
    Result r = run("demo", "--n", "30", "--q", "0.5", "--backend", "scalar");
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().startsWith("backend scalar, n = 30"), r.out());
    assertTrue(r.out().contains("converged after"), r.out());
    assertEquals("", r.err());
  }

  @Test
  void theBareCommandPrintsItsUsageOnTheWriter() {
    Result r = run();
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().startsWith("Usage: bsgm"), r.out());
    for (String command : List.of("generate", "hypergrad", "solve", "rates", "run")) {
      assertTrue(r.out().contains("  " + command + " "), command + " listed: " + r.out());
    }
  }

  @Test
  void runAndCompareWriteTheirOutputAndLogToTheWriters() throws Exception {
    Path runDir = dir.resolve("run");
    Result r = run("run", "quadratic", "--seeds", "1", "--budget", "400", "--eval-every", "5",
        "--backend", "scalar", "-o", "d=10", "-o", "m=3", "-o", "samples=50", "--out",
        runDir.toString());
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().startsWith("run quadratic: [bsgm] x 1 seeds, budget 400 samples"),
        r.out());
    assertTrue(r.out().contains("done in ") && r.out().contains(runDir + "/metrics.csv"),
        r.out());
    assertTrue(r.err().contains("seed 0"), "the runner's log on the err writer: " + r.err());
    assertTrue(Files.exists(runDir.resolve("metrics.csv")));

    Result c = run("compare", runDir.toString(), "--out", dir.resolve("cmp").toString());
    assertEquals(0, c.status(), c.err());
    assertTrue(c.out().contains("bsgm"), "the table on the writer: " + c.out());
    assertTrue(c.out().contains("wrote " + dir.resolve("cmp/table.md")), c.out());
    assertEquals(Files.readString(dir.resolve("cmp/table.md")),
        c.out().substring(0, c.out().indexOf("wrote ")));
  }

  @Test
  void ratesReportsOnTheWriters() {
    Result r = run("rates", "--tiny", "--only", "sid-deterministic", "--resamples", "50");
    assertTrue(r.status() == 0 || r.status() == RatesCommand.FAILED, r.err());
    assertTrue(r.out().contains("sid-deterministic"), r.out());
    // auto, the default: among the CPU backends, which here include the one auto picks
    String cpuPick = firstAvailable(RatesCommand.CPU_PRIORITY).name();
    assertTrue(r.err().contains("backend " + cpuPick + ","), r.err());
  }

  @Test
  void theRidgeCommandsWriteToTheWriters() {
    Path data = dir.resolve("data");
    Result g = run("generate", "ridge", "--n", "40", "--nv", "20", "--p", "3", "--seed", "2",
        "--out", data.toString());
    assertEquals(0, g.status(), g.err());
    assertTrue(g.out().startsWith("generated ridge data in " + data), g.out());
    List<String> files = new ArrayList<>();
    for (String[] pair : new String[][] {{"--train-x", "train-x"}, {"--train-y", "train-y"},
        {"--val-x", "val-x"}, {"--val-y", "val-y"}, {"--lambda", "lambda"}}) {
      files.add(pair[0]);
      files.add(data.resolve(pair[1] + ".npy").toString());
    }
    List<String> hypergrad = new ArrayList<>(List.of("hypergrad", "ridge", "--exact", "--out",
        dir.resolve("h.npy").toString(), "--verbose"));
    hypergrad.addAll(files);
    Result h = run(hypergrad.toArray(String[]::new));
    assertEquals(0, h.status(), h.err());
    String autoPick = Backends.byName("auto").name();
    assertTrue(h.out().startsWith("hypergrad ridge on backend " + autoPick), h.out());
    // --verbose: auto says which backend it picked, on the err writer
    assertTrue(h.err().contains("backend auto picked " + autoPick), h.err());
    List<String> solve = new ArrayList<>(List.of("solve", "ridge", "--iterations", "2",
        "--alpha", "0.1", "--schedule", "thm17", "--json", dir.resolve("s.json").toString()));
    solve.addAll(files);
    Result s = run(solve.toArray(String[]::new));
    assertEquals(0, s.status(), s.err());
    assertFalse(s.out().isEmpty());
    assertFalse(s.err().contains("backend auto picked"), "only under --verbose: " + s.err());
  }

  @Test
  void everyCommandWithABackendTakesTheOneOption() {
    for (String command : List.of("demo", "run", "rates", "hypergrad", "solve")) {
      Result r = run(command, "--help");
      assertEquals(0, r.status(), r.err());
      String help = r.out().replaceAll("\\s+", " "); // unwrapped
      assertTrue(help.contains("--backend=NAME Kernel backend: auto, scalar, simd, openblas,"
          + " cuda (default: auto: the fastest available here"), command + ": " + r.out());
    }
  }

  @Test
  void autoPicksTheBestAvailableBackendUnderItsCeiling() {
    BackendOption option = new BackendOption();
    BackendOption.Choice unlimited = option.choose(Integer.MAX_VALUE, "unused");
    assertEquals(Backends.byName("auto").name(), unlimited.backend().name());
    assertEquals(List.of(), unlimited.passedOver());
    assertTrue(unlimited.note().orElseThrow().startsWith(
        "backend auto picked " + unlimited.backend().name()), unlimited.note().get());

    // a ceiling below simd's rank: simd, when available, is passed over for the reason given
    int ceiling = RatesCommand.CPU_PRIORITY - 1;
    BackendOption.Choice limited = option.choose(ceiling, "a test's reason");
    assertEquals(firstAvailable(ceiling).name(), limited.backend().name());
    List<String> above = Backends.factories().stream()
        .filter(f -> f.priority() > ceiling && f.unavailableReason().isEmpty())
        .map(BackendFactory::name).toList();
    assertEquals(above, limited.passedOver());
    for (String name : above) {
      assertTrue(limited.note().orElseThrow().contains(name + " (a test's reason)"),
          limited.note().get());
    }

    option.name = "scalar";
    BackendOption.Choice named = option.choose(Integer.MAX_VALUE, "unused");
    assertEquals("scalar", named.backend().name());
    assertEquals(Optional.empty(), named.note());
  }

  @Test
  void writerStreamDecodesUtf8SplitAnywhere() {
    String text = "‖Φ(x) − x‖ λ → ∞ 𝔼 ok\n".repeat(300); // > 4096 bytes, 1- to 4-byte chars
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    for (int chunk : new int[] {1, 2, 3, 7, 4096, bytes.length}) {
      StringWriter target = new StringWriter();
      PrintStream stream = WriterStream.of(new PrintWriter(target));
      for (int i = 0; i < bytes.length; i += chunk) {
        stream.write(bytes, i, Math.min(chunk, bytes.length - i));
      }
      stream.flush();
      assertEquals(text, target.toString(), "chunks of " + chunk);
    }
    StringWriter lines = new StringWriter();
    PrintStream stream = WriterStream.of(new PrintWriter(lines));
    stream.printf("%s seed %d%n", "bsgm", 3);
    assertEquals("bsgm seed 3" + System.lineSeparator(), lines.toString(), "flushed per line");
  }

  /** The first available backend ranked in {@code [0, ceiling]}, from Backends' own list. */
  private static io.github.bilevel.kernels.Backend firstAvailable(int ceiling) {
    BackendFactory f = Backends.factories().stream()
        .filter(x -> x.priority() >= 0 && x.priority() <= ceiling)
        .filter(x -> x.unavailableReason().isEmpty()).findFirst().orElseThrow();
    return Backends.byName(f.name());
  }
}
