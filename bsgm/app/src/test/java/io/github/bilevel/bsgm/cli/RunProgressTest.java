package io.github.bilevel.bsgm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bsgm run}'s progress where stderr is not a terminal: one line per evaluation (as many
 * as {@code metrics.csv} has rows), and none under {@code --quiet}, which still prints errors.
 */
class RunProgressTest {

  private record Result(int status, String out, String err) {}

  private static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = Main.run(new PrintWriter(out), new PrintWriter(err), args);
    return new Result(status, out.toString(), err.toString());
  }

  private static List<String> runArgs(Path out, String... extra) {
    List<String> args = new ArrayList<>(List.of("run", "quadratic", "-o", "d=5", "-o", "m=3",
        "-o", "samples=50", "--seeds", "2", "--budget", "1000000000", "--max-iterations", "45",
        "--eval-every", "10", "--checkpoint-every", "20", "--backend", "scalar", "--out",
        out.toString()));
    args.addAll(List.of(extra));
    return args;
  }

  private static long progressLines(String err) {
    return err.lines().filter(l -> l.matches("bsgm +seed \\d+ +it +\\d+ .*")).count();
  }

  @Test
  void withoutATerminalThereIsOneLinePerEvaluation(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("run");
    Result r = run(runArgs(out).toArray(String[]::new));
    assertEquals(0, r.status(), r.err());
    // evaluations at iterations 0, 10, 20, 30, 40 and the last, 45, for each of 2 seeds
    long rows = Files.readAllLines(out.resolve("metrics.csv")).stream()
        .filter(l -> l.startsWith("bsgm,")).count();
    assertEquals(12, rows);
    assertEquals(rows, progressLines(r.err()), r.err());
    assertEquals(rows, r.err().lines().filter(l -> !l.startsWith("plots not drawn")).count(),
        "nothing else on stderr: " + r.err());
  }

  @Test
  void quietSilencesProgressButNotErrors(@TempDir Path dir) {
    Path out = dir.resolve("run");
    Result r = run(runArgs(out, "--quiet").toArray(String[]::new));
    assertEquals(0, r.status(), r.err());
    assertEquals(0, progressLines(r.err()), r.err());
    assertTrue(r.err().lines().allMatch(l -> l.startsWith("plots not drawn")), r.err());
    assertTrue(r.out().contains("done in"), r.out());

    Result bad = run(runArgs(dir.resolve("other"), "--quiet", "-o", "nosuch=1")
        .toArray(String[]::new));
    assertEquals(GlobalOptions.ERROR, bad.status());
    assertTrue(bad.err().startsWith("error: quadratic has no option 'nosuch'"), bad.err());
  }
}
