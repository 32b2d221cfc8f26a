package io.github.bilevel.bsgm.cli;

import io.github.bilevel.bsgm.runner.Metrics;
import io.github.bilevel.bsgm.runner.RunProgress;
import java.io.PrintStream;
import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code bsgm run}'s progress on a terminal: one bar per (algorithm, seed) over its sample
 * budget, with the iteration and the headline metric after it, and, once the bar is gone, the
 * run's last evaluation as one line; notes (a resumed seed, a baseline) as lines.
 */
final class RunProgressBar implements RunProgress {

  private final CommandSpec spec;
  private final PrintStream log;
  private ProgressDisplay bar;
  private Metrics.Row last;

  RunProgressBar(CommandSpec spec, PrintStream log) {
    this.spec = spec;
    this.log = log;
  }

  @Override
  public void started(String algorithm, long seed, long samples, long budget) {
    close();
    bar = ProgressDisplay.open(spec, algorithm + " seed " + seed, budget);
    bar.stepTo(samples);
    last = null;
  }

  @Override
  public void evaluated(Metrics.Row row) {
    last = row;
    if (bar == null) {
      log.println(RunProgress.line(row));
      return;
    }
    bar.stepTo(row.samples());
    StringBuilder text = new StringBuilder("it " + row.iteration());
    for (String name : new String[] {"stationarity", "test_accuracy", "ul_objective"}) {
      double v = row.value(name);
      if (!Double.isNaN(v)) {
        text.append(String.format(Locale.ROOT, "  %s %.4g", name, v));
        break;
      }
    }
    bar.message(text.toString());
  }

  @Override
  public void note(String line) {
    log.println(line);
  }

  @Override
  public void finished(String algorithm, long seed) {
    close();
    if (last != null) {
      log.println(RunProgress.line(last));
    }
    last = null;
  }

  private void close() {
    if (bar != null) {
      bar.close();
      bar = null;
    }
  }
}
