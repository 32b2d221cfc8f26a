package io.github.bilevel.bsgm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.bilevel.bsgm.rates.RateExperiment;
import io.github.bilevel.bsgm.rates.RateSuite;
import io.github.bilevel.bsgm.runner.WorkloadFactory;
import io.github.bilevel.bsgm.runner.WorkloadOption;
import io.github.bilevel.bsgm.runner.Workloads;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IllegalFormatException;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The help texts: every command's usage renders without a picocli warning (an unescaped
 * {@code %} makes picocli print {@code [picocli WARN] Could not format ...}); {@code rates}
 * lists the experiments {@code --only} accepts; {@code run} lists every workload's {@code -o}
 * options, sorted, with their defaults, and so does the README.
 */
class HelpTextTest {

  /** Every command line of the tool, the root first. */
  private static List<CommandLine> allCommands() {
    List<CommandLine> all = new ArrayList<>();
    Consumer<CommandLine> walk = new Consumer<>() {
      @Override
      public void accept(CommandLine c) {
        all.add(c);
        c.getSubcommands().values().forEach(this);
      }
    };
    walk.accept(new CommandLine(new Main()));
    return all;
  }

  /** Runs {@code action} with picocli's tracer and System.err captured; returns what they got. */
  private static String capturingWarnings(Runnable action) throws Exception {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8);
    // picocli's tracer keeps the System.err of when it was made: point it at the capture too
    CommandLine.Tracer tracer = CommandLine.tracer();
    Field stream = CommandLine.Tracer.class.getDeclaredField("stream");
    stream.setAccessible(true);
    Object savedStream = stream.get(tracer);
    PrintStream savedErr = System.err;
    stream.set(tracer, capture);
    System.setErr(capture);
    try {
      action.run();
    } finally {
      System.setErr(savedErr);
      stream.set(tracer, savedStream);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }

  private static String usage(String... command) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> args = new ArrayList<>(List.of(command));
    args.add("--help");
    int status = Main.run(new PrintWriter(out), new PrintWriter(err), args.toArray(String[]::new));
    assertEquals(0, status, err.toString());
    return out.toString();
  }

  @Test
  void everyCommandsUsageRendersWithoutPicocliWarnings() throws Exception {
    List<String> rendered = new ArrayList<>();
    String warnings = capturingWarnings(() -> {
      for (CommandLine c : allCommands()) {
        rendered.add(c.getCommandSpec().qualifiedName());
        c.getUsageMessage(CommandLine.Help.Ansi.OFF);
        c.getUsageMessage(CommandLine.Help.Ansi.ON);
      }
      for (String name : List.of("run", "rates", "compare", "demo")) {
        usage(name);
      }
      usage();
    });
    assertTrue(rendered.size() >= 10, "commands rendered: " + rendered);
    assertFalse(warnings.contains("[picocli WARN]"), warnings);
    assertEquals("", warnings, "nothing on System.err while rendering help");
  }

  @Test
  void theWarningCaptureSeesAnUnescapedPercent() throws Exception {
    // the check above can fail: a description with a bare % makes picocli warn
    @CommandLine.Command(name = "bad", description = "a 95% interval")
    class Bad {}
    String warnings = capturingWarnings(() -> new CommandLine(new Bad()).getUsageMessage());
    assertTrue(warnings.contains("[picocli WARN] Could not format"), warnings);
  }

  @Test
  void everyDescriptionLineIsAFormatStringWithoutArguments() {
    // independent of picocli's tracer: format every line the way picocli does
    for (CommandLine c : allCommands()) {
      CommandSpec spec = c.getCommandSpec();
      List<String> lines = new ArrayList<>();
      lines.addAll(List.of(spec.usageMessage().description()));
      lines.addAll(List.of(spec.usageMessage().header()));
      lines.addAll(List.of(spec.usageMessage().footer()));
      for (ArgSpec arg : spec.args()) {
        lines.addAll(List.of(arg.description()));
      }
      for (String line : lines) {
        try {
          String.format(line.replace("${COMPLETION-CANDIDATES}", "x")
              .replace("${DEFAULT-VALUE}", "x"));
        } catch (IllegalFormatException e) {
          fail(spec.qualifiedName() + ": description line is not a valid format (escape % as"
              + " %%): " + line);
        }
      }
    }
  }

  @Test
  void ratesHelpListsEveryExperimentThatOnlyAccepts() {
    String help = usage("rates");
    List<RateExperiment> experiments = RateSuite.standardExperiments();
    assertTrue(experiments.size() >= 4, "the registry: " + experiments);
    String unwrapped = help.replaceAll("\\s+", " ");
    int from = unwrapped.indexOf("--only=NAME");
    String only = unwrapped.substring(from, unwrapped.indexOf("(default: all", from));
    for (RateExperiment e : experiments) {
      assertTrue(only.matches(".*[ ,]" + e.name() + "[ ,].*"), "--only lists " + e.name()
          + ": " + only);
      assertTrue(help.contains("\n  " + e.name() + " "), "listed with its description: "
          + e.name() + "\n" + help);
    }
  }

  @Test
  void anUnknownExperimentIsRefusedNamingEveryAcceptedOne() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = Main.run(new PrintWriter(out), new PrintWriter(err), "rates", "--tiny",
        "--only", "no-such");
    assertEquals(GlobalOptions.ERROR, status);
    for (RateExperiment e : RateSuite.standardExperiments()) {
      assertTrue(err.toString().contains(e.name()), err.toString());
    }
  }

  /** The keys listed under workload {@code name}'s heading in {@code help}, in their order. */
  private static List<String> listedKeys(String help, String name) {
    int start = help.indexOf("\n  " + name + ": ");
    assertTrue(start >= 0, name + " has a block: " + help);
    List<String> lines = List.of(help.substring(start + 1).split("\n", -1));
    List<String> keys = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      if (line.matches("    [A-Za-z_]+=.*")) { // not a wrapped line's continuation
        keys.add(line.strip().split("=", 2)[0]);
      } else if (!keys.isEmpty() && (line.isBlank() || line.matches("  \\S.*"))) {
        break; // the next workload's heading
      }
    }
    return keys;
  }

  @Test
  void runHelpListsEveryWorkloadsOptionsSortedWithDefaults() {
    String help = usage("run");
    for (WorkloadFactory factory : Workloads.all().values()) {
      List<String> expected = WorkloadOption.sorted(factory.options()).stream()
          .map(WorkloadOption::key).toList();
      assertFalse(expected.isEmpty(), factory.name() + " declares its options");
      assertEquals(expected, listedKeys(help, factory.name()), help);
      for (WorkloadOption option : factory.options()) {
        assertTrue(help.contains(option.key() + "=" + option.defaultText()), option + "\n"
            + help);
      }
      List<String> sorted = new ArrayList<>(expected);
      sorted.sort(String.CASE_INSENSITIVE_ORDER);
      assertEquals(sorted, expected, "sorted");
    }
  }

  @Test
  void anUnknownWorkloadOptionIsRefusedListingTheKnownOnesSorted(@TempDir Path dir) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = Main.run(new PrintWriter(out), new PrintWriter(err), "run", "quadratic",
        "-o", "zeta=1", "-o", "d=5", "--seeds", "1", "--budget", "10", "--out",
        dir.resolve("run").toString());
    assertEquals(GlobalOptions.ERROR, status);
    assertTrue(err.toString().contains("quadratic has no option 'zeta'; it has d, L, m, mu,"
        + " noise, samples"), err.toString());
  }

  @Test
  void theReadmeListsEveryWorkloadsOptionsWithTheirDefaults() throws Exception {
    Path readme = Path.of("").toAbsolutePath().resolve("../../README.md").normalize();
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(readme), "no " + readme);
    String text = Files.readString(readme);
    for (WorkloadFactory factory : Workloads.all().values()) {
      int at = text.indexOf("`" + factory.name() + "` options:");
      assertTrue(at >= 0, "README has a line '`" + factory.name() + "` options:'");
      String line = text.substring(at, text.indexOf("\n\n", at));
      int last = -1;
      for (WorkloadOption option : WorkloadOption.sorted(factory.options())) {
        String entry = "`" + option.key() + "=" + option.defaultText() + "`";
        int where = line.indexOf(entry);
        assertTrue(where > last, factory.name() + ": " + entry + " in order in: " + line);
        last = where;
      }
    }
  }
}
