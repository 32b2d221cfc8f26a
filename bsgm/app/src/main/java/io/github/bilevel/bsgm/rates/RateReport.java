package io.github.bilevel.bsgm.rates;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.github.bilevel.bsgm.io.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The suite's outputs: the verdict table and the JSON record. */
public final class RateReport {

  private RateReport() {}

  /**
   * The table: experiment, theory slope, measured slope, interval, pass rule and verdict, one
   * row per experiment, then a line naming the interval method.
   */
  public static String table(List<RateSuite.Result> results) {
    StringBuilder out = new StringBuilder();
    String format = "%-20s %12s %14s  %-20s  %-46s %s%n";
    out.append(String.format(Locale.ROOT, format, "experiment", "theory slope",
        "measured slope", "95% interval", "pass rule", "verdict"));
    for (RateSuite.Result r : results) {
      SlopeFit fit = r.fit();
      out.append(String.format(Locale.ROOT, format, r.experiment().name(),
          String.format(Locale.ROOT, "%.4f", r.experiment().theorySlope()),
          String.format(Locale.ROOT, "%.4f", fit.slope()),
          String.format(Locale.ROOT, "[%.4f, %.4f]", fit.ciLow(), fit.ciHigh()),
          r.experiment().passRule().description()
              + (r.measurement().upperBound() == null ? "" : ", curve <= bound"),
          r.pass() ? "PASS" : "FAIL"));
    }
    if (!results.isEmpty()) {
      out.append("intervals: ").append(results.get(0).fit().method()).append('\n');
    }
    return out.toString();
  }

  /**
   * The JSON record: {@code {"experiments": [...], "config": {...}, "backend": ...,
   * "seconds": ...}}; each experiment has {@code name, theory_slope, measured_slope, ci_low,
   * ci_high, pass}, its rule and band, the fit, its parameters and its points (the fitted
   * abscissae with the curve and every seed's value).
   */
  public static JsonObject json(List<RateSuite.Result> results, RateSuite.Config config,
      String backend, double seconds) {
    JsonObject root = new JsonObject();
    JsonArray experiments = new JsonArray();
    for (RateSuite.Result r : results) {
      experiments.add(experimentJson(r));
    }
    root.add("experiments", experiments);
    JsonObject c = new JsonObject();
    c.addProperty("profile", config.profile().label());
    c.add("seeds_override", config.seeds().isPresent()
        ? new JsonPrimitive(config.seeds().getAsInt()) : JsonNull.INSTANCE);
    c.addProperty("seed", config.seed());
    c.addProperty("bootstrap_resamples", config.resamples());
    c.addProperty("level", config.level());
    c.addProperty("threads", config.threads());
    root.add("config", c);
    root.addProperty("backend", backend);
    root.addProperty("seconds", seconds);
    root.addProperty("all_pass", results.stream().allMatch(RateSuite.Result::pass));
    return root;
  }

  private static JsonObject experimentJson(RateSuite.Result r) {
    RateExperiment e = r.experiment();
    SlopeFit fit = r.fit();
    Measurement m = r.measurement();
    JsonObject o = new JsonObject();
    o.addProperty("name", e.name());
    o.addProperty("description", e.description());
    o.add("theory_slope", number(e.theorySlope()));
    o.add("measured_slope", number(fit.slope()));
    o.add("ci_low", number(fit.ciLow()));
    o.add("ci_high", number(fit.ciHigh()));
    o.addProperty("pass", r.pass());
    o.addProperty("pass_rule", e.passRule().description()
        + (m.upperBound() == null ? "" : ", curve <= bound at every x"));
    if (m.upperBound() != null) {
      o.addProperty("within_bound", r.withinBound());
    }
    JsonArray band = new JsonArray();
    for (double b : e.passRule().band()) {
      band.add(number(b));
    }
    o.add("band", band);
    o.addProperty("ci_method", fit.method());
    o.addProperty("bootstrap_seed", fit.seed());
    o.addProperty("scale", e.scale().label());
    o.add("fit_intercept", number(fit.intercept()));
    o.addProperty("x_label", e.xLabel());
    o.addProperty("y_label", e.yLabel());
    o.addProperty("aggregation", e.aggregation().description());
    o.addProperty("seeds", m.seeds());
    o.addProperty("seconds", r.seconds());
    JsonObject parameters = new JsonObject();
    for (Map.Entry<String, Object> p : m.parameters().entrySet()) {
      parameters.add(p.getKey(), value(p.getValue()));
    }
    o.add("parameters", parameters);
    JsonArray points = new JsonArray();
    for (int i : m.fitIndices()) {
      JsonObject point = new JsonObject();
      point.add("x", number(m.x()[i]));
      point.add("y", number(r.curve()[i]));
      JsonArray perSeed = new JsonArray();
      for (double[] row : m.values()) {
        perSeed.add(number(row[i]));
      }
      point.add("y_seeds", perSeed);
      if (m.upperBound() != null) {
        point.add("bound", number(m.upperBound()[i]));
      }
      points.add(point);
    }
    o.add("points", points);
    return o;
  }

  /** A number, or null for infinities and NaN (which JSON cannot hold). */
  private static JsonElement number(double value) {
    return Double.isFinite(value) ? new JsonPrimitive(value) : JsonNull.INSTANCE;
  }

  private static JsonElement value(Object value) {
    if (value instanceof double[] array) {
      JsonArray out = new JsonArray();
      for (double v : array) {
        out.add(number(v));
      }
      return out;
    }
    if (value instanceof Double d) {
      return number(d);
    }
    if (value instanceof Number n) {
      return new JsonPrimitive(n);
    }
    if (value instanceof Boolean b) {
      return new JsonPrimitive(b);
    }
    return new JsonPrimitive(String.valueOf(value));
  }

  /** Writes the JSON record to {@code file} atomically. */
  public static void writeJson(Path file, JsonObject json) throws IOException {
    String text = new GsonBuilder().setPrettyPrinting().serializeNulls().create().toJson(json) + "\n";
    writeAtomically(file, text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Writes {@code bytes} to {@code file} atomically ({@link AtomicFiles}: a temporary file in the
   * same directory, then a rename), readable by all ({@code rw-r--r--}) where the file system
   * has POSIX permissions. Creates missing parent directories.
   */
  static void writeAtomically(Path file, byte[] bytes) throws IOException {
    try {
      AtomicFiles.write(file, temporary -> {
        Files.write(temporary, bytes);
        try { // a temporary file is private; the result is an ordinary readable file
          Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException e) {
          // not a POSIX file system: keep its defaults
        }
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
