package io.github.bilevel.bsgm.rates;

import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Plots of the rate experiments (XChart, headless): per-seed points, the aggregated curve, the
 * fitted line over the fitted range and the theory line through the same centroid, on log–log
 * (or log-linear) axes, written as PNG and SVG.
 */
public final class RatePlots {

  /** At most this many seeds are drawn as points (all of them enter the fit). */
  static final int MAX_SEEDS_DRAWN = 64;

  static {
    System.setProperty("java.awt.headless", "true");
  }

  private RatePlots() {}

  /**
   * Writes {@code NAME.png} and {@code NAME.svg} for the result into {@code directory}
   * (created if missing), each atomically.
   *
   * @return the two files written
   */
  public static List<Path> write(RateSuite.Result result, Path directory) throws IOException {
    XYChart chart = chart(result);
    String name = result.experiment().name();
    Path png = directory.resolve(name + ".png");
    Path svg = directory.resolve(name + ".svg");
    RateReport.writeAtomically(png, BitmapEncoder.getBitmapBytes(chart,
        BitmapEncoder.BitmapFormat.PNG));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    VectorGraphicsEncoder.saveVectorGraphic(chart, bytes,
        VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
    RateReport.writeAtomically(svg, bytes.toByteArray());
    return List.of(png, svg);
  }

  /** The chart of one result. */
  static XYChart chart(RateSuite.Result result) {
    RateExperiment e = result.experiment();
    Measurement m = result.measurement();
    SlopeFit fit = result.fit();
    Scale scale = e.scale();
    XYChart chart = new XYChartBuilder().width(900).height(640)
        .title(String.format(Locale.ROOT, "%s: slope %.3f, 95%% CI [%.3f, %.3f], theory %.3f: %s",
            e.name(), fit.slope(), fit.ciLow(), fit.ciHigh(), e.theorySlope(),
            result.pass() ? "PASS" : "FAIL"))
        .xAxisTitle(e.xLabel() + (scale == Scale.LOG_LOG ? " (log scale)" : ""))
        .yAxisTitle(e.yLabel() + " (log scale)")
        .build();
    XYStyler styler = chart.getStyler();
    styler.setXAxisLogarithmic(scale == Scale.LOG_LOG);
    styler.setYAxisLogarithmic(true);
    styler.setLegendPosition(Styler.LegendPosition.InsideNE);
    styler.setChartBackgroundColor(Color.WHITE);
    styler.setPlotGridLinesVisible(true);
    styler.setMarkerSize(6);
    styler.setAntiAlias(true);

    int[] fitted = m.fitIndices();
    int drawn = Math.min(m.seeds(), MAX_SEEDS_DRAWN);
    List<Double> seedX = new ArrayList<>();
    List<Double> seedY = new ArrayList<>();
    for (int s = 0; s < drawn; s++) {
      for (int i : fitted) {
        double y = m.values()[s][i];
        if (y > 0 && Double.isFinite(y)) {
          seedX.add(m.x()[i]);
          seedY.add(y);
        }
      }
    }
    if (!seedX.isEmpty()) {
      XYSeries perSeed = chart.addSeries(drawn == m.seeds()
              ? "per seed (" + m.seeds() + " seeds)"
              : "per seed (first " + drawn + " of " + m.seeds() + " seeds)",
          seedX, seedY);
      perSeed.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
      perSeed.setMarker(SeriesMarkers.CIRCLE);
      perSeed.setMarkerColor(new Color(110, 110, 110, 70));
    }

    double[] curveX = new double[fitted.length];
    double[] curveY = new double[fitted.length];
    double centroidU = 0;
    double centroidLog = 0;
    for (int j = 0; j < fitted.length; j++) {
      curveX[j] = m.x()[fitted[j]];
      curveY[j] = result.curve()[fitted[j]];
      centroidU += scale.fitX(curveX[j]) / fitted.length;
      centroidLog += Math.log(curveY[j]) / fitted.length;
    }
    XYSeries curve = chart.addSeries(e.aggregation().description(), curveX, curveY);
    curve.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    curve.setMarker(SeriesMarkers.DIAMOND);
    curve.setMarkerColor(new Color(0, 90, 200));

    double u0 = scale.fitX(curveX[0]);
    double u1 = scale.fitX(curveX[curveX.length - 1]);
    double[] lineX = {scale.fromFitX(u0), scale.fromFitX(u1)};
    XYSeries fitLine = chart.addSeries(String.format(Locale.ROOT,
            "least-squares fit, slope %.3f [%.3f, %.3f]", fit.slope(), fit.ciLow(),
            fit.ciHigh()),
        lineX, new double[] {Math.exp(fit.intercept() + fit.slope() * u0),
            Math.exp(fit.intercept() + fit.slope() * u1)});
    fitLine.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
    fitLine.setMarker(SeriesMarkers.NONE);
    fitLine.setLineColor(new Color(210, 60, 40));
    fitLine.setLineWidth(2.5f);

    double theory = e.theorySlope();
    XYSeries theoryLine = chart.addSeries(String.format(Locale.ROOT,
            "theory, slope %.3f (%s)", theory, e.passRule().description()),
        lineX, new double[] {Math.exp(centroidLog + theory * (u0 - centroidU)),
            Math.exp(centroidLog + theory * (u1 - centroidU))});
    theoryLine.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
    theoryLine.setMarker(SeriesMarkers.NONE);
    theoryLine.setLineColor(new Color(20, 140, 60));
    theoryLine.setLineStyle(SeriesLines.DASH_DASH);
    theoryLine.setLineWidth(2f);
    return chart;
  }
}
