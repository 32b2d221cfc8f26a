package io.github.bilevel.bsgm.runner;

import io.github.bilevel.bsgm.io.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The rows of {@code metrics.csv}: one per evaluation of a run (algorithm, seed, iteration,
 * samples, seconds, then the metrics). Written whole and atomically each time, so the file is
 * never half-written.
 */
public final class Metrics {

  /** The metric columns after the counters, in file order. */
  public static final List<String> COLUMNS = List.of("ul_objective", "hypergradient_norm",
      "stationarity", "train_accuracy", "val_accuracy", "test_accuracy", "memory_bytes");

  /** The header of {@code metrics.csv}. */
  public static final String HEADER =
      "algorithm,seed,iteration,samples,seconds," + String.join(",", COLUMNS);

  /**
   * One evaluation.
   *
   * @param values the metrics in {@link #COLUMNS} order, NaN where absent
   */
  public record Row(String algorithm, long seed, int iteration, long samples, double seconds,
      double[] values) {

    public Row {
      if (values.length != COLUMNS.size()) {
        throw new IllegalArgumentException("a row needs " + COLUMNS.size() + " metric values");
      }
    }

    /** A row from named metrics (absent names are NaN). */
    public static Row of(String algorithm, long seed, int iteration, long samples,
        double seconds, Map<String, Double> metrics) {
      double[] values = new double[COLUMNS.size()];
      for (int c = 0; c < values.length; c++) {
        values[c] = metrics.getOrDefault(COLUMNS.get(c), Double.NaN);
      }
      for (String name : metrics.keySet()) {
        if (!COLUMNS.contains(name)) {
          throw new IllegalArgumentException("unknown metric '" + name + "'; known: " + COLUMNS);
        }
      }
      return new Row(algorithm, seed, iteration, samples, seconds, values);
    }

    /** The value of metric {@code name} (NaN if absent). */
    public double value(String name) {
      int c = COLUMNS.indexOf(name);
      if (c < 0) {
        throw new IllegalArgumentException("unknown metric '" + name + "'; known: " + COLUMNS);
      }
      return values[c];
    }

    String toCsv() {
      StringBuilder line = new StringBuilder();
      line.append(algorithm).append(',').append(seed).append(',').append(iteration).append(',')
          .append(samples).append(',').append(format(seconds));
      for (double v : values) {
        line.append(',').append(format(v));
      }
      return line.toString();
    }
  }

  private Metrics() {}

  private static String format(double v) {
    if (Double.isNaN(v)) {
      return "";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return String.format(Locale.ROOT, "%.17g", v);
  }

  /** Writes {@code rows} to {@code file} atomically. */
  public static void write(Path file, List<Row> rows) {
    StringBuilder text = new StringBuilder(HEADER).append('\n');
    for (Row row : rows) {
      text.append(row.toCsv()).append('\n');
    }
    AtomicFiles.writeString(file, text.toString());
  }

  /**
   * Reads a {@code metrics.csv} written by {@link #write}.
   *
   * @throws IllegalArgumentException naming the file and line when it is not one
   */
  public static List<Row> read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(file + " is not a metrics.csv (not UTF-8 text: "
          + e.getMessage() + ")", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
      throw new IllegalArgumentException(file + " is not a metrics.csv of this version (header "
          + "expected: " + HEADER + ")");
    }
    List<Row> rows = new ArrayList<>();
    for (int i = 1; i < lines.size(); i++) {
      String line = lines.get(i);
      if (!line.isBlank()) {
        rows.add(parse(file, i + 1, line));
      }
    }
    return rows;
  }

  /**
   * One row of {@code metrics.csv} ({@link Row#toCsv}'s text).
   *
   * @throws IllegalArgumentException naming the file and line when it is not one
   */
  static Row parse(Path file, int lineNumber, String line) {
    String[] cells = line.split(",", -1);
    if (cells.length != 5 + COLUMNS.size()) {
      throw new IllegalArgumentException(file + " line " + lineNumber + ": " + cells.length
          + " cells, expected " + (5 + COLUMNS.size()));
    }
    try {
      double[] values = new double[COLUMNS.size()];
      for (int c = 0; c < values.length; c++) {
        values[c] = number(cells[5 + c]);
      }
      return new Row(cells[0], Long.parseLong(cells[1]), Integer.parseInt(cells[2]),
          Long.parseLong(cells[3]), number(cells[4]), values);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(file + " line " + lineNumber + ": " + e.getMessage(), e);
    }
  }

  /** A cell as {@link #format} writes it: empty for NaN. */
  private static double number(String cell) {
    return cell.isEmpty() ? Double.NaN : Double.parseDouble(cell);
  }
}
