package io.github.bilevel.bsgm.cli;

import io.github.bilevel.bsgm.io.AtomicFiles;
import io.github.bilevel.bsgm.runner.PlotSupport;
import io.github.bilevel.bsgm.runner.RunComparison;
import io.github.bilevel.bsgm.runner.RunPlots;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code bsgm compare}: several runs in one table and one set of plots. */
@Command(name = "compare", mixinStandardHelpOptions = true,
    description = "Puts runs of 'bsgm run' side by side: one table (medians over seeds of the "
        + "final metrics, warm-start memory in its own column) and one set of plots.")
final class CompareCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "DIR", description = "Run directories.")
  List<Path> directories;

  @Option(names = "--out", paramLabel = "DIR",
      description = "Write table.md and the plots here (default: print the table only).")
  Path out;

  @Override
  public Integer call() {
    PrintWriter stdout = spec.commandLine().getOut();
    RunComparison comparison = new RunComparison(directories);
    String table = comparison.table();
    stdout.print(table);
    stdout.flush(); // the table before the plots, which take a while
    if (out != null) {
      AtomicFiles.writeString(out.resolve("table.md"), table);
      Optional<String> noPlots = PlotSupport.unavailableReason();
      if (noPlots.isPresent()) {
        stdout.printf("wrote %s; plots not drawn: %s%n", out.resolve("table.md"),
            noPlots.get());
        return 0;
      }
      List<Path> plots = RunPlots.write(out, comparison.rows(), "comparison");
      stdout.printf("wrote %s and %d plot files in %s%n", out.resolve("table.md"),
          plots.size(), out);
    }
    return 0;
  }
}
