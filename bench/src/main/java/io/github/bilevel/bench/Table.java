package io.github.bilevel.bench;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Prints JMH's JSON results as one Markdown table: a row per benchmark and parameter set, a
 * column per implementation (time per op, with its error and the derived rate), and the speed
 * ratios of {@code simd} against {@code openblas} and {@code netlib}.
 *
 * <p>Usage: {@code Table RESULTS.json [--md OUT.md] [--availability]}; {@code --md} also writes
 * the table to a file, {@code --availability} adds which implementations can run on this machine
 * now (why some cells are {@code n/a}). Run by {@code bench/run}, or on its own through
 * {@code bench/run --table RESULTS.json}.
 */
public final class Table {

  private Table() {}

  /** One JMH result, with its score converted to nanoseconds per operation. */
  record Result(String benchmark, String group, String op, String impl, Map<String, String> params,
      double nanos, double error, double median) {}

  /** A rate derived from a time per op: {@code amount / nanos * scale} in {@code unit}. */
  record Rate(double amount, double scale, String unit) {
    double of(double nanos) {
      return amount / nanos * scale;
    }
  }

  /** The table printer's entry point; see the class comment for the arguments. */
  public static void main(String[] args) throws IOException {
    Path json = null;
    Path md = null;
    boolean availability = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--md" -> {
          if (i + 1 >= args.length) {
            usage("--md needs a file name");
          }
          md = Path.of(args[++i]);
        }
        case "--availability" -> availability = true;
        default -> {
          if (json != null || args[i].startsWith("-")) {
            usage("unexpected argument '" + args[i] + "'");
          }
          json = Path.of(args[i]);
        }
      }
    }
    if (json == null) {
      usage("no results file given");
    }
    if (!Files.isRegularFile(json)) {
      System.err.println("Table: no such file: " + json);
      System.exit(2);
    }
    String text = render(json, availability);
    System.out.print(text);
    if (md != null) {
      Files.writeString(md, text, StandardCharsets.UTF_8);
      System.out.println();
      System.out.println("(table written to " + md + ")");
    }
  }

  private static void usage(String problem) {
    System.err.println("Table: " + problem);
    System.err.println("usage: Table RESULTS.json [--md OUT.md] [--availability]");
    System.exit(2);
  }

  /** The Markdown text for the JMH JSON results in {@code json}. */
  public static String render(Path json, boolean availability) throws IOException {
    JsonArray runs;
    try (Reader reader = Files.newBufferedReader(json, StandardCharsets.UTF_8)) {
      JsonElement root = JsonParser.parseReader(reader);
      if (!root.isJsonArray()) {
        throw new IOException(json + " is not a JMH JSON result (expected an array)");
      }
      runs = root.getAsJsonArray();
    }
    List<Result> results = new ArrayList<>();
    for (JsonElement e : runs) {
      results.add(parse(e.getAsJsonObject()));
    }
    StringBuilder out = new StringBuilder();
    out.append("# Benchmark results: ").append(json.getFileName()).append("\n\n");
    if (!runs.isEmpty()) {
      out.append(configuration(runs.get(0).getAsJsonObject())).append("\n\n");
    }
    if (results.isEmpty()) {
      out.append("No results (every benchmark failed or was skipped).\n");
    } else {
      out.append(table(results));
    }
    out.append('\n').append(notes(availability));
    return out.toString();
  }

  // ---------------------------------------------------------------- parsing

  private static Result parse(JsonObject run) {
    String benchmark = run.get("benchmark").getAsString();
    String[] parts = benchmark.split("\\.");
    String op = parts[parts.length - 1];
    String group = parts.length >= 2 ? parts[parts.length - 2] : "";
    Map<String, String> params = new TreeMap<>();
    if (run.has("params")) {
      for (Map.Entry<String, JsonElement> p : run.getAsJsonObject("params").entrySet()) {
        params.put(p.getKey(), p.getValue().getAsString());
      }
    }
    String impl = params.getOrDefault("impl", "-");
    JsonObject metric = run.getAsJsonObject("primaryMetric");
    String unit = metric.get("scoreUnit").getAsString();
    double score = number(metric.get("score"));
    double error = number(metric.get("scoreError"));
    double median = score;
    if (metric.has("scorePercentiles")) {
      JsonObject percentiles = metric.getAsJsonObject("scorePercentiles");
      if (percentiles.has("50.0")) {
        median = number(percentiles.get("50.0"));
      }
    }
    double nanos = toNanos(score, unit);
    double medianNanos = toNanos(median, unit);
    // For a throughput the relative error carries over to the time per op.
    double nanosError = Double.isFinite(error) && score != 0 ? nanos * Math.abs(error / score)
        : Double.NaN;
    return new Result(benchmark, group, op, impl, params, nanos, nanosError, medianNanos);
  }

  private static double number(JsonElement e) {
    if (e == null || e.isJsonNull()) {
      return Double.NaN;
    }
    try {
      return e.getAsDouble();
    } catch (NumberFormatException ex) {
      return Double.NaN; // JMH writes "NaN" as a string when it has no error estimate
    }
  }

  /** Converts a JMH score in {@code unit} ({@code ns/op}, {@code ops/s}, ...) to ns per op. */
  static double toNanos(double score, String unit) {
    String[] u = unit.split("/");
    if (u.length != 2) {
      throw new IllegalArgumentException("unknown score unit " + unit);
    }
    if (u[1].equals("op")) {
      return score * nanosPer(u[0]);
    }
    if (u[0].equals("ops")) {
      return nanosPer(u[1]) / score;
    }
    throw new IllegalArgumentException("unknown score unit " + unit);
  }

  private static double nanosPer(String timeUnit) {
    return switch (timeUnit) {
      case "ns" -> 1;
      case "us", "µs" -> 1e3;
      case "ms" -> 1e6;
      case "s" -> 1e9;
      case "min" -> 60e9;
      default -> throw new IllegalArgumentException("unknown time unit " + timeUnit);
    };
  }

  // ---------------------------------------------------------------- rates

  /** The rate of {@code group.op} at size {@code n}, or empty when it has none. */
  static Optional<Rate> rate(String group, String op, long n) {
    double nd = n;
    String key = group + "." + op;
    return Optional.ofNullable(switch (key) {
      case "Blas1Bench.dot" -> new Rate(16 * nd, 1, "GB/s");
      case "Blas1Bench.axpy", "Blas1Bench.kmStep" -> new Rate(24 * nd, 1, "GB/s");
      case "Blas1Bench.nrm2" -> new Rate(8 * nd, 1, "GB/s");
      case "Blas2Bench.gemv", "Blas2Bench.gemvT" -> new Rate(8 * (nd * nd + 2 * nd), 1, "GB/s");
      case "Blas3Bench.gemm" -> new Rate(2 * nd * nd * nd, 1, "GFLOP/s");
      case "ProjectionBench.ball", "ProjectionBench.simplex", "ProjectionBench.ballBox" ->
          new Rate(nd, 1e3, "Melem/s");
      case "ProjectionBench.spectral" -> new Rate(nd * nd, 1e3, "Melem/s");
      default -> null;
    });
  }

  /** The rate of a non-square gemm: 2mnk flops (m or k "0" stands for n). */
  static Optional<Rate> gemmRate(String group, String op, long n, String m, String k) {
    if (!(group + "." + op).equals("Blas3Bench.gemm")) {
      return Optional.empty();
    }
    double rows = m == null || m.equals("0") ? n : Double.parseDouble(m);
    double inner = k == null || k.equals("0") ? n : Double.parseDouble(k);
    return Optional.of(new Rate(2 * rows * n * inner, 1, "GFLOP/s"));
  }

  // ---------------------------------------------------------------- table

  private record RowKey(String benchmark, String group, String op, Map<String, String> params) {}

  private static String table(List<Result> results) {
    // Implementations: the known ones in their order, then any other found in the file.
    Set<String> impls = new LinkedHashSet<>(Impls.ALL);
    for (Result r : results) {
      impls.add(r.impl());
    }
    // Rows in file order of benchmarks, sizes ascending.
    Map<String, Integer> benchmarkOrder = new LinkedHashMap<>();
    Map<RowKey, Map<String, Result>> rows = new LinkedHashMap<>();
    for (Result r : results) {
      benchmarkOrder.putIfAbsent(r.benchmark(), benchmarkOrder.size());
      Map<String, String> rest = new TreeMap<>(r.params());
      rest.remove("impl");
      rows.computeIfAbsent(new RowKey(r.benchmark(), r.group(), r.op(), rest),
          k -> new LinkedHashMap<>()).put(r.impl(), r);
    }
    List<RowKey> keys = new ArrayList<>(rows.keySet());
    keys.sort(Comparator.<RowKey>comparingInt(k -> benchmarkOrder.get(k.benchmark()))
        .thenComparingLong(k -> size(k.params()))
        .thenComparing(k -> k.params().toString()));

    List<String> header = new ArrayList<>(List.of("op", "n"));
    header.addAll(impls);
    header.add("simd/openblas");
    header.add("simd/netlib");
    List<List<String>> cells = new ArrayList<>();
    for (RowKey key : keys) {
      Map<String, Result> byImpl = rows.get(key);
      Map<String, String> others = new TreeMap<>(key.params());
      String n = others.remove("n");
      // cols = 0 (Blas2Bench's default) means a square matrix; other widths get no rate column
      String cols = others.remove("cols");
      boolean square = cols == null || cols.equals("0");
      if (!square) {
        others.put("cols", cols);
      }
      // Blas3Bench: m = k = 0 (the default) and trans = NN mean square; else 2mnk flops
      String m = others.remove("m");
      String k = others.remove("k");
      String trans = others.remove("trans");
      boolean cube = (m == null || m.equals("0")) && (k == null || k.equals("0"));
      if (!cube) {
        others.put("m", m);
        others.put("k", k);
      }
      if (trans != null && !trans.equals("NN")) {
        others.put("trans", trans);
      }
      String op = others.isEmpty() ? key.op() : key.op() + " " + others;
      List<String> row = new ArrayList<>(List.of(op, n == null ? "-" : n));
      Optional<Rate> rate = n == null || !square ? Optional.empty()
          : cube ? rate(key.group(), key.op(), size(key.params()))
          : gemmRate(key.group(), key.op(), size(key.params()), m, k);
      for (String impl : impls) {
        Result r = byImpl.get(impl);
        row.add(r == null ? "n/a" : cell(r, rate));
      }
      row.add(ratio(byImpl.get("simd"), byImpl.get("openblas")));
      row.add(ratio(byImpl.get("simd"), byImpl.get("netlib")));
      cells.add(row);
    }
    return markdown(header, cells);
  }

  private static long size(Map<String, String> params) {
    try {
      return Long.parseLong(params.getOrDefault("n", "-1"));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static String cell(Result r, Optional<Rate> rate) {
    StringBuilder sb = new StringBuilder(time(r.median()));
    if (Double.isFinite(r.error()) && r.nanos() > 0) {
      sb.append(" ±").append(percent(r.error() / r.nanos()));
    }
    rate.ifPresent(x -> sb.append(" · ").append(significant(x.of(r.median()))).append(' ')
        .append(x.unit()));
    return sb.toString();
  }

  /** Speed of {@code simd} relative to {@code other}: median time(other) / median time(simd). */
  private static String ratio(Result simd, Result other) {
    if (simd == null || other == null || !(simd.median() > 0)) {
      return "n/a";
    }
    return String.format(Locale.ROOT, "%.2f×", other.median() / simd.median());
  }

  /** A time in ns, in the unit that keeps it between 1 and 1000. */
  static String time(double nanos) {
    if (!Double.isFinite(nanos)) {
      return "NaN";
    }
    if (nanos < 1e3) {
      return significant(nanos) + " ns";
    }
    if (nanos < 1e6) {
      return significant(nanos / 1e3) + " µs";
    }
    if (nanos < 1e9) {
      return significant(nanos / 1e6) + " ms";
    }
    return significant(nanos / 1e9) + " s";
  }

  /** Three significant digits, without an exponent for the usual magnitudes. */
  static String significant(double v) {
    double a = Math.abs(v);
    if (a >= 100 || a == 0) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    if (a >= 10) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    if (a >= 1) {
      return String.format(Locale.ROOT, "%.2f", v);
    }
    return String.format(Locale.ROOT, "%.3g", v);
  }

  private static String percent(double fraction) {
    double p = 100 * fraction;
    return p < 10 ? String.format(Locale.ROOT, "%.1f%%", p)
        : String.format(Locale.ROOT, "%.0f%%", p);
  }

  private static String markdown(List<String> header, List<List<String>> rows) {
    int[] width = new int[header.size()];
    for (int c = 0; c < width.length; c++) {
      width[c] = Math.max(3, header.get(c).length());
      for (List<String> row : rows) {
        width[c] = Math.max(width[c], row.get(c).length());
      }
    }
    StringBuilder sb = new StringBuilder();
    line(sb, header, width, false);
    StringBuilder rule = new StringBuilder("|");
    for (int c = 0; c < width.length; c++) {
      boolean right = c >= 1;
      rule.append(' ').append("-".repeat(width[c] - (right ? 1 : 0))).append(right ? ":" : "")
          .append(" |");
    }
    sb.append(rule).append('\n');
    for (List<String> row : rows) {
      line(sb, row, width, true);
    }
    return sb.toString();
  }

  private static void line(StringBuilder sb, List<String> cells, int[] width, boolean alignRight) {
    sb.append('|');
    for (int c = 0; c < width.length; c++) {
      String s = cells.get(c);
      String pad = " ".repeat(width[c] - s.length());
      sb.append(' ').append(alignRight && c >= 1 ? pad + s : s + pad).append(" |");
    }
    sb.append('\n');
  }

  private static String configuration(JsonObject run) {
    return String.format(Locale.ROOT,
        "JMH %s, JDK %s (%s %s), mode %s, warm-up %s × %s, measurement %s × %s, forks %s, "
            + "threads %s.",
        str(run, "jmhVersion"), str(run, "jdkVersion"), str(run, "vmName"), str(run, "vmVersion"),
        str(run, "mode"), str(run, "warmupIterations"), str(run, "warmupTime"),
        str(run, "measurementIterations"), str(run, "measurementTime"), str(run, "forks"),
        str(run, "threads"));
  }

  private static String str(JsonObject o, String name) {
    JsonElement e = o.get(name);
    return e == null || e.isJsonNull() ? "?" : e.getAsString();
  }

  private static String notes(boolean availability) {
    StringBuilder sb = new StringBuilder();
    sb.append("Each cell: median time per op over the measurement iterations ± the half-width ")
        .append("of JMH's 99.9% confidence interval of the mean (relative), ")
        .append("then the rate: GB/s of nominal memory traffic (BLAS-1/2), GFLOP/s (gemm, 2n³ ")
        .append("flops), Melem/s (projections; their time includes restoring the input). ")
        .append("simd/X = median time(X) / median time(simd), same run: above 1, simd is faster. ")
        .append("n/a: no result (implementation unavailable, or the op is not in it).\n");
    if (availability) {
      sb.append("\nImplementations on this machine: ");
      List<String> parts = new ArrayList<>();
      Impls.availability().forEach((impl, reason) ->
          parts.add(impl + " " + reason.map(r -> "(unavailable: " + r + ")").orElse("(available)")));
      sb.append(String.join("; ", parts)).append(". netlib is ").append(Impls.netlibClassName())
          .append(".\n");
    }
    return sb.toString();
  }
}
