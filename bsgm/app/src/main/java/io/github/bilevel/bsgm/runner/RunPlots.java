package io.github.bilevel.bsgm.runner;

import io.github.bilevel.bsgm.io.AtomicFiles;
import java.awt.BasicStroke;
import java.awt.Color;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Plots of a run's metrics against samples and against time: per algorithm the median over
 * seeds (thick) and the range over seeds (thin), as PNG and SVG, written atomically.
 */
public final class RunPlots {

  /** The metrics plotted when a run has them. */
  public static final List<String> PLOTTED = List.of("ul_objective", "stationarity",
      "test_accuracy", "hypergradient_norm");

  private static final Color[] COLORS = {
      new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x9467bd),
      new Color(0xff7f0e), new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf)};

  private RunPlots() {}

  /** Writes {@code METRIC-vs-samples.{png,svg}} and {@code METRIC-vs-seconds.{png,svg}}. */
  public static List<Path> write(Path directory, List<Metrics.Row> rows, String title) {
    System.setProperty("java.awt.headless", "true");
    List<Path> written = new ArrayList<>();
    for (String metric : PLOTTED) {
      if (rows.stream().noneMatch(r -> Double.isFinite(r.value(metric)))) {
        continue;
      }
      written.addAll(plot(directory, rows, title, metric, "samples", r -> r.samples()));
      written.addAll(plot(directory, rows, title, metric, "seconds", Metrics.Row::seconds));
    }
    return written;
  }

  /** Median and range over seeds of a step-function metric, on the union of the x values. */
  record Band(double[] x, double[] median, double[] low, double[] high) {}

  static Band band(List<Metrics.Row> runRows, String metric, ToDoubleFunction<Metrics.Row> axis) {
    Map<Long, TreeMap<Double, Double>> bySeed = new LinkedHashMap<>();
    TreeSet<Double> grid = new TreeSet<>();
    for (Metrics.Row r : runRows) {
      double x = axis.applyAsDouble(r);
      double y = r.value(metric);
      if (Double.isFinite(y) && x > 0) {
        bySeed.computeIfAbsent(r.seed(), s -> new TreeMap<>()).put(x, y);
        grid.add(x);
      }
    }
    List<double[]> points = new ArrayList<>();
    for (double x : grid) {
      List<Double> values = new ArrayList<>();
      for (TreeMap<Double, Double> curve : bySeed.values()) {
        Map.Entry<Double, Double> at = curve.floorEntry(x);
        if (at != null) {
          values.add(at.getValue());
        }
      }
      if (values.size() == bySeed.size()) { // every seed has reached x
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        points.add(new double[] {x, RunComparison.median(v), v[0], v[v.length - 1]});
      }
    }
    double[][] columns = new double[4][points.size()];
    for (int i = 0; i < points.size(); i++) {
      for (int c = 0; c < 4; c++) {
        columns[c][i] = points.get(i)[c];
      }
    }
    return new Band(columns[0], columns[1], columns[2], columns[3]);
  }

  private static List<Path> plot(Path directory, List<Metrics.Row> rows, String title,
      String metric, String axisName, ToDoubleFunction<Metrics.Row> axis) {
    Map<String, List<Metrics.Row>> byAlgorithm = new LinkedHashMap<>();
    for (Metrics.Row r : rows) {
      byAlgorithm.computeIfAbsent(r.algorithm(), a -> new ArrayList<>()).add(r);
    }
    boolean logY = !metric.endsWith("accuracy")
        && rows.stream().allMatch(r -> !(r.value(metric) <= 0));
    XYChart chart = new XYChartBuilder().width(800).height(560)
        .title(title + ": " + metric.replace('_', ' ') + " vs " + axisName)
        .xAxisTitle(axisName.equals("samples") ? "samples" : "seconds (evaluations excluded)")
        .yAxisTitle(metric.replace('_', ' ')).build();
    chart.getStyler().setXAxisLogarithmic(true);
    chart.getStyler().setYAxisLogarithmic(logY);
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setLegendVisible(true);
    int colour = 0;
    boolean any = false;
    for (Map.Entry<String, List<Metrics.Row>> entry : byAlgorithm.entrySet()) {
      Band band = band(entry.getValue(), metric, axis);
      if (band.x().length == 0) {
        continue;
      }
      any = true;
      Color color = COLORS[colour++ % COLORS.length];
      long seeds = entry.getValue().stream().mapToLong(Metrics.Row::seed).distinct().count();
      XYSeries median = chart.addSeries(seriesName(entry.getKey(), seeds), band.x(),
          band.median());
      median.setMarker(SeriesMarkers.NONE);
      median.setLineColor(color);
      median.setLineStyle(new BasicStroke(2.5f));
      if (seeds > 1) {
        for (double[] edge : List.of(band.low(), band.high())) {
          XYSeries series = chart.addSeries(entry.getKey() + (edge == band.low() ? " min" : " max"),
              band.x(), edge);
          series.setMarker(SeriesMarkers.NONE);
          series.setLineColor(color);
          series.setLineStyle(new BasicStroke(0.8f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER,
              10f, new float[] {4f, 3f}, 0f));
          series.setShowInLegend(false);
        }
      }
    }
    if (!any) {
      return List.of();
    }
    String stem = metric + "-vs-" + axisName;
    Path png = directory.resolve(stem + ".png");
    Path svg = directory.resolve(stem + ".svg");
    AtomicFiles.write(png, temporary -> Files.write(temporary,
        BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG)));
    AtomicFiles.write(svg, temporary -> {
      try (var out = Files.newOutputStream(temporary)) {
        VectorGraphicsEncoder.saveVectorGraphic(chart, out,
            VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
      }
    });
    return Arrays.asList(png, svg);
  }

  /** The legend of an algorithm's curve: "(1 seed)" alone, the median of several otherwise. */
  static String seriesName(String algorithm, long seeds) {
    return algorithm + (seeds == 1 ? " (1 seed)" : " (median of " + seeds + " seeds)");
  }
}
