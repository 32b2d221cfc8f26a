package io.github.bilevel.bsgm.runner;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Several runs side by side ({@code bin/bsgm compare}): one table of the final metrics per
 * algorithm (median over seeds, with the seeds' range for the headline metric) and one set of
 * plots.
 */
public final class RunComparison {

  /** The columns of the comparison table after the algorithm and seed count. */
  static final List<String> TABLE = List.of("ul_objective", "stationarity", "test_accuracy",
      "val_accuracy", "memory_bytes");

  private final List<Metrics.Row> rows = new ArrayList<>();
  private final List<String> workloads = new ArrayList<>();

  /**
   * Loads the runs in {@code directories}; an algorithm that appears in several of them is
   * labelled {@code algorithm@directory}.
   */
  public RunComparison(List<Path> directories) {
    if (directories.isEmpty()) {
      throw new IllegalArgumentException("give at least one run directory");
    }
    Map<String, Integer> seen = new LinkedHashMap<>();
    List<List<Metrics.Row>> loaded = new ArrayList<>();
    for (Path directory : directories) {
      Path metrics = directory.resolve("metrics.csv");
      if (!Files.isRegularFile(metrics)) {
        throw new IllegalArgumentException(directory + " holds no run (no metrics.csv)");
      }
      workloads.add(ExperimentRunner.settingsOf(directory).workload());
      List<Metrics.Row> runRows = Metrics.read(metrics);
      loaded.add(runRows);
      runRows.stream().map(Metrics.Row::algorithm).distinct()
          .forEach(a -> seen.merge(a, 1, Integer::sum));
    }
    for (int i = 0; i < directories.size(); i++) {
      String label = directories.get(i).getFileName().toString();
      for (Metrics.Row r : loaded.get(i)) {
        String name = seen.get(r.algorithm()) > 1 ? r.algorithm() + "@" + label : r.algorithm();
        rows.add(new Metrics.Row(name, r.seed(), r.iteration(), r.samples(), r.seconds(),
            r.values()));
      }
    }
  }

  /** Every row, algorithms relabelled. */
  public List<Metrics.Row> rows() {
    return rows;
  }

  /** The final row of each (algorithm, seed). */
  private Map<String, List<Metrics.Row>> finals() {
    Map<String, Map<Long, Metrics.Row>> last = new LinkedHashMap<>();
    for (Metrics.Row r : rows) {
      last.computeIfAbsent(r.algorithm(), a -> new LinkedHashMap<>())
          .merge(r.seed(), r, (a, b) -> b.iteration() >= a.iteration() ? b : a);
    }
    Map<String, List<Metrics.Row>> out = new LinkedHashMap<>();
    last.forEach((algorithm, bySeed) -> out.put(algorithm, new ArrayList<>(bySeed.values())));
    return out;
  }

  static double median(double[] values) {
    double[] v = Arrays.stream(values).filter(Double::isFinite).sorted().toArray();
    if (v.length == 0) {
      return Double.NaN;
    }
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
  }

  /** The comparison table as Markdown: medians over seeds of the final evaluations. */
  public String table() {
    StringBuilder out = new StringBuilder();
    out.append("workloads: ").append(String.join(", ", workloads.stream().distinct().toList()))
        .append("; medians over seeds of the last evaluation\n\n");
    out.append("| algorithm | seeds | samples | seconds |");
    for (String c : TABLE) {
      out.append(' ').append(c.equals("memory_bytes") ? "warm-start memory" : c).append(" |");
    }
    out.append("\n|---|--:|--:|--:|");
    out.append("--:|".repeat(TABLE.size())).append('\n');
    for (Map.Entry<String, List<Metrics.Row>> e : finals().entrySet()) {
      List<Metrics.Row> last = e.getValue();
      out.append("| ").append(e.getKey()).append(" | ").append(last.size()).append(" | ")
          .append(String.format(Locale.ROOT, "%.3g",
              median(last.stream().mapToDouble(Metrics.Row::samples).toArray())))
          .append(" | ").append(String.format(Locale.ROOT, "%.1f",
              median(last.stream().mapToDouble(Metrics.Row::seconds).toArray())))
          .append(" |");
      for (String c : TABLE) {
        double m = median(last.stream().mapToDouble(r -> r.value(c)).toArray());
        out.append(' ').append(format(c, m)).append(" |");
      }
      out.append('\n');
    }
    return out.toString();
  }

  private static String format(String column, double value) {
    if (Double.isNaN(value)) {
      return "–";
    }
    if (column.equals("memory_bytes")) {
      return humanBytes(value);
    }
    if (column.endsWith("accuracy")) {
      return String.format(Locale.ROOT, "%.2f %%", 100 * value);
    }
    return String.format(Locale.ROOT, "%.4g", value);
  }

  /** {@code 0 B}, {@code 1.5 KiB}, {@code 3.2 MiB}, ... */
  public static String humanBytes(double bytes) {
    String[] units = {"B", "KiB", "MiB", "GiB"};
    int u = 0;
    while (bytes >= 1024 && u < units.length - 1) {
      bytes /= 1024;
      u++;
    }
    return u == 0 ? String.format(Locale.ROOT, "%.0f B", bytes)
        : String.format(Locale.ROOT, "%.1f %s", bytes, units[u]);
  }
}
