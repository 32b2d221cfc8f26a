package io.github.bilevel.bsgm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.bilevel.bsgm.rates.RateExperiment;
import io.github.bilevel.bsgm.rates.RateProfile;
import io.github.bilevel.bsgm.rates.RateReport;
import io.github.bilevel.bsgm.rates.RateSuite;
import io.github.bilevel.kernels.Backends;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/** {@code bsgm rates} end to end on the tiny test configuration. */
class RatesCommandTest {

  @TempDir
  Path temp;

  @Test
  void theTinySuiteWritesItsJsonAndPlots() throws Exception {
    Path json = temp.resolve("out/rates.json");
    Path plots = temp.resolve("plots");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = Main.run(new PrintWriter(out), new PrintWriter(err), "rates", "--tiny",
        "--resamples", "200", "--backend", "scalar", "--json", json.toString(), "--plots",
        plots.toString());
    assertTrue(status == 0 || status == RatesCommand.FAILED, "status " + status + "\n" + err);
    // progress on stderr, one line per size; the table on stdout
    assertTrue(err.toString().contains("rates: sid-mse: t = 4 done"), err.toString());
    assertTrue(err.toString().contains("rates: bsgm-stationarity: seed 3/3 done"), err.toString());

    JsonObject root = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
    JsonArray experiments = root.getAsJsonArray("experiments");
    List<String> names = RateSuite.standardExperiments().stream().map(RateExperiment::name)
        .toList();
    assertEquals(names.size(), experiments.size());
    boolean allPass = true;
    for (int i = 0; i < experiments.size(); i++) {
      JsonObject e = experiments.get(i).getAsJsonObject();
      assertEquals(names.get(i), e.get("name").getAsString());
      double slope = e.get("measured_slope").getAsDouble();
      double low = e.get("ci_low").getAsDouble();
      double high = e.get("ci_high").getAsDouble();
      assertTrue(Double.isFinite(e.get("theory_slope").getAsDouble()));
      assertTrue(Double.isFinite(slope) && low <= high, e.toString());
      allPass &= e.get("pass").getAsBoolean();
      assertTrue(e.get("pass_rule").getAsString().startsWith("CI "));
      assertTrue(e.get("ci_method").getAsString().contains("bootstrap"));
      assertEquals(2, e.getAsJsonArray("band").size());
      JsonArray points = e.getAsJsonArray("points");
      assertTrue(points.size() >= 2);
      int seeds = e.get("seeds").getAsInt();
      for (JsonElement p : points) {
        JsonObject point = p.getAsJsonObject();
        assertTrue(point.get("x").getAsDouble() > 0);
        assertTrue(point.get("y").getAsDouble() > 0);
        assertEquals(seeds, point.getAsJsonArray("y_seeds").size());
      }
      assertTrue(e.getAsJsonObject("parameters").size() > 0);

      String name = names.get(i);
      BufferedImage png = ImageIO.read(plots.resolve(name + ".png").toFile());
      assertNotNull(png, name + ".png is not a readable PNG");
      assertTrue(png.getWidth() > 100 && png.getHeight() > 100);
      File svg = plots.resolve(name + ".svg").toFile();
      assertTrue(svg.length() > 0);
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setNamespaceAware(true);
      // no network: the SVG's DOCTYPE must not be fetched
      factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
      Document document = factory.newDocumentBuilder().parse(svg);
      assertEquals("svg", document.getDocumentElement().getLocalName());
    }
    assertEquals(allPass ? 0 : RatesCommand.FAILED, status);
    String[] table = out.toString().split("\n");
    assertTrue(table[0].startsWith("experiment"), out.toString());
    for (int i = 0; i < names.size(); i++) {
      boolean pass = experiments.get(i).getAsJsonObject().get("pass").getAsBoolean();
      assertTrue(table[1 + i].startsWith(names.get(i) + " ")
          && table[1 + i].endsWith(pass ? "PASS" : "FAIL"), table[1 + i]);
    }
    assertEquals(allPass, root.get("all_pass").getAsBoolean());
    JsonObject config = root.getAsJsonObject("config");
    assertEquals("tiny", config.get("profile").getAsString());
    assertEquals(200, config.get("bootstrap_resamples").getAsInt());
    assertTrue(config.get("seeds_override").isJsonNull()); // recorded, as null
    assertTrue(config.get("threads").getAsInt() >= 1);
    assertEquals("scalar", root.get("backend").getAsString());
    assertTrue(root.get("seconds").getAsDouble() > 0);
    // atomic writes leave no temporary files behind
    Set<String> files;
    try (var listing = Files.list(plots)) {
      files = listing.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
    }
    assertEquals(2 * names.size(), files.size(), files.toString());
  }

  @Test
  void theSameSeedGivesTheSameResultsWhateverTheNumberOfThreads() {
    var backend = Backends.byName("simd");
    var experiments = RateSuite.standardExperiments();
    List<JsonArray> runs = new java.util.ArrayList<>();
    for (int threads : new int[] {1, 3, 1}) {
      RateSuite.Config config = new RateSuite.Config(RateProfile.TINY,
          java.util.OptionalInt.empty(), 5L, 100, 0.95, threads);
      JsonArray results = RateReport.json(RateSuite.runAll(experiments, backend, config,
          l -> { }), config, backend.name(), 1.0).getAsJsonArray("experiments");
      for (JsonElement e : results) {
        e.getAsJsonObject().remove("seconds");
      }
      runs.add(results);
    }
    assertEquals(runs.get(0), runs.get(1));
    assertEquals(runs.get(0), runs.get(2));
  }

  @Test
  void badOptionsGiveANonZeroStatus() {
    assertNotEquals(0, Main.run("rates", "--tiny", "--seeds", "1"));
    assertNotEquals(0, Main.run("rates", "--tiny", "--only", "no-such-experiment"));
    assertNotEquals(0, Main.run("rates", "--tiny", "--backend", "nope"));
    assertNotEquals(0, Main.run("rates", "--tiny", "--resamples", "0"));
    assertNotEquals(0, Main.run("rates", "--tiny", "--workers", "0"));
  }

  @Test
  void onlyRunsTheNamedExperimentsAndQuietSilencesTheProgress() throws Exception {
    Path json = temp.resolve("one.json");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Main.run(new PrintWriter(out), new PrintWriter(err), "rates", "--quiet", "--tiny", "--only",
        "sid-deterministic", "--resamples", "50", "--json", json.toString());
    assertEquals("", err.toString());
    assertTrue(out.toString().contains("sid-deterministic"), out.toString());
    JsonArray experiments = JsonParser.parseString(Files.readString(json,
        StandardCharsets.UTF_8)).getAsJsonObject().getAsJsonArray("experiments");
    assertEquals(1, experiments.size());
    assertEquals("sid-deterministic",
        experiments.get(0).getAsJsonObject().get("name").getAsString());
  }
}
