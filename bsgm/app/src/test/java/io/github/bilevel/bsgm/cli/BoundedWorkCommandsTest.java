package io.github.bilevel.bsgm.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import io.github.bilevel.bsgm.data.FashionMnist;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/** Options that would mean unbounded work or an impossible allocation fail fast, naming them. */
class BoundedWorkCommandsTest {

  private record Result(int status, String out, String err) {}

  private static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = Main.run(new PrintWriter(out), new PrintWriter(err), args);
    return new Result(status, out.toString(), err.toString());
  }

  /** Before: no output for a minute and no stop at the budget. */
  @Test
  void anIterationLargerThanTheBudgetIsRefusedAtOnce(@TempDir Path dir) {
    Path out = dir.resolve("run");
    Result r = assertTimeoutPreemptively(Duration.ofSeconds(30),
        () -> run("run", "quadratic", "--t", "2147483647", "--budget", "20000", "--seeds", "1",
            "--out", out.toString()));
    assertNotEquals(0, r.status());
    assertTrue(r.err().contains("--t 2147483647") && r.err().contains("--budget 20000"),
        r.err());
    assertFalse(Files.exists(out.resolve("run.json")));
  }

  @Test
  void aRunOptionTooLargeToAllocateIsNamed(@TempDir Path dir) {
    Result r = assertTimeoutPreemptively(Duration.ofSeconds(30),
        () -> run("run", "quadratic", "-o", "d=2147483647", "--out",
            dir.resolve("run").toString()));
    assertNotEquals(0, r.status());
    assertTrue(r.err().contains("-o d=2147483647 is too large"), r.err());
  }

  /**
   * Before: a negative subset size (cleaning, poisoning), a JVM OutOfMemoryError with a stack
   * trace (meta r and batch, equilibrium batch), an error naming no option (equilibrium d).
   */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "cleaning    | n_train=2147483647  | -o n_train=2147483647, n_val=1000 is too large",
      "poisoning   | n_poison=2147483647 | n_poison=2147483647, n_val=1000 is too large",
      "equilibrium | d=2147483647        | -o d=2147483647 is too large",
      "equilibrium | batch=2147483647    | -o batch=2147483647, d=200 is too large",
      "meta        | r=2147483647        | -o r=2147483647 is too large",
      "meta        | batch=2147483647    | -o batch=2147483647 is too large"})
  void aFashionMnistWorkloadsSizeOptionTooLargeIsNamed(String workload, String option,
      String expected, @TempDir Path dir) {
    Assumptions.assumeTrue(Files.isDirectory(Path.of(FashionMnist.DEFAULT_DIRECTORY_NAME)),
        "no Fashion-MNIST at " + FashionMnist.DEFAULT_DIRECTORY_NAME);
    Result r = assertTimeoutPreemptively(Duration.ofSeconds(60),
        () -> run("run", workload, "-o", option, "--seeds", "1", "--out",
            dir.resolve("run").toString()));
    assertNotEquals(0, r.status());
    assertTrue(r.err().contains(expected), r.err());
    assertFalse(r.err().contains("OutOfMemoryError") || r.err().contains("\tat "), r.err());
  }

  /** Before: "The provided allocation size is negative: -34359738360". */
  @Test
  void demoNamesTheDimensionThatIsTooLarge() {
    Result r = assertTimeoutPreemptively(Duration.ofSeconds(30),
        () -> run("demo", "--n", "2147483647"));
    assertNotEquals(0, r.status());
    assertTrue(r.err().contains("--n 2147483647 is too large"), r.err());
    assertFalse(r.err().contains("negative"), r.err());
  }
}
