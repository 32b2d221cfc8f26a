package io.github.bilevel.bsgm.runner;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * What {@link ExperimentRunner} reports while it runs, for the user: the start and end of each
 * (algorithm, seed) run, every evaluation, and a few notes (a seed resumed, a baseline). The
 * command line shows it as a progress bar on a terminal, as {@link #lines} otherwise, and not
 * at all under {@code --quiet}; errors are not progress and never pass through here.
 */
public interface RunProgress {

  /** Reports nothing. */
  RunProgress SILENT = new RunProgress() {
    @Override
    public void evaluated(Metrics.Row row) {}

    @Override
    public void note(String line) {}
  };

  /**
   * The run of {@code algorithm} on {@code seed} starts, or resumes, with {@code samples} of
   * its {@code budget} spent.
   */
  default void started(String algorithm, long seed, long samples, long budget) {}

  /** An evaluation, as written to {@code metrics.csv}. */
  void evaluated(Metrics.Row row);

  /** A line worth showing as it is (a resumed seed, a baseline's result). */
  void note(String line);

  /** The run of {@code algorithm} on {@code seed} has ended. */
  default void finished(String algorithm, long seed) {}

  /** One line per evaluation and per note on {@code out}. */
  static RunProgress lines(PrintStream out) {
    return new RunProgress() {
      @Override
      public void evaluated(Metrics.Row row) {
        out.println(line(row));
      }

      @Override
      public void note(String line) {
        out.println(line);
      }
    };
  }

  /**
   * An evaluation in one line: algorithm, seed, iteration, samples, seconds, throughput and the
   * headline metrics it has.
   */
  static String line(Metrics.Row row) {
    double seconds = row.seconds();
    StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
        "%-12s seed %-3d it %7d  samples %11d  %8.2f s  %9.3g samples/s", row.algorithm(),
        row.seed(), row.iteration(), row.samples(), seconds,
        seconds > 0 ? row.samples() / seconds : 0.0));
    for (String name : List.of("ul_objective", "stationarity", "test_accuracy")) {
      double v = row.value(name);
      if (!Double.isNaN(v)) {
        line.append(String.format(Locale.ROOT, "  %s %.5g", name, v));
      }
    }
    return line.toString();
  }
}
