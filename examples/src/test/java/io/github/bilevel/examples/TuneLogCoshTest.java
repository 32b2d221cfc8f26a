package io.github.bilevel.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.bsgm.Sid;
import io.github.bilevel.kernels.Backend;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The example: its problem passes the gradient check, BSGM lowers f, and it runs as a module. */
class TuneLogCoshTest {

  @Test
  void gradientCheckPassesAndBsgmLowersTheValidationLoss() {
    TuneLogCosh.Outcome outcome = TuneLogCosh.run(150, 12, 15, 3L);
    outcome.check().assertPassed(1e-6);
    assertTrue(outcome.after() < 0.95 * outcome.before(),
        "BSGM should lower f(λ) by 5 %: " + outcome.before() + " -> " + outcome.after());
  }

  @Test
  void sameSeedSameResult() {
    assertEquals(TuneLogCosh.run(80, 8, 5, 9L).after(), TuneLogCosh.run(80, 8, 5, 9L).after());
  }

  /**
   * Runs the example in a child JVM on the module path alone (kernels, core, examples: no
   * class path), as a modular application would; the SIMD backend shows that the Vector API
   * module was resolved through the modules' {@code requires}.
   */
  @Test
  void runsOnTheModulePath() throws IOException, InterruptedException, URISyntaxException {
    String modulePath = String.join(java.io.File.pathSeparator, location(Backend.class),
        location(Sid.class), location(TuneLogCosh.class));
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process process = new ProcessBuilder(List.of(java.toString(), "--module-path", modulePath,
        "-m", "io.github.bilevel.examples/io.github.bilevel.examples.TuneLogCosh", "150"))
        .redirectErrorStream(true).start();
    assertTrue(process.waitFor(120, TimeUnit.SECONDS), "the example did not finish in 120 s");
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, process.exitValue(), output);
    assertTrue(output.contains("backend simd"), output);
    Matcher loss = Pattern.compile("validation loss ([0-9.]+) -> ([0-9.]+)").matcher(output);
    assertTrue(loss.find(), output);
    assertTrue(Double.parseDouble(loss.group(2)) < Double.parseDouble(loss.group(1)), output);
  }

  private static String location(Class<?> type) throws URISyntaxException {
    return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
  }
}
