package io.github.bilevel.bsgm.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.bilevel.kernels.ScalarBackend;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code summary.json} and {@code run.json} list their keys in a fixed order: the order the
 * runner and the workloads write them in, and the workload options sorted by key, whatever the
 * order they were given in. ({@code Map.of} and {@code Map.copyOf} iterate in an order that
 * changes from one JVM to the next.)
 */
class SummaryKeyOrderTest {

  private static Path run(Path directory, Map<String, String> options) {
    RunSettings settings = new RunSettings("quadratic", List.of("bsgm"), 1, 0, 200, 20, 10, 10,
        "scalar", MethodOverrides.NONE, options);
    ExperimentRunner.start(QuadraticWorkload.FACTORY, settings, new ScalarBackend(), directory,
        new PrintStream(new ByteArrayOutputStream())).run();
    return directory;
  }

  /** Every key path of {@code json}, depth first, in the file's order. */
  private static List<String> keyPaths(JsonElement json, String prefix) {
    List<String> paths = new ArrayList<>();
    if (json.isJsonObject()) {
      for (Map.Entry<String, JsonElement> e : json.getAsJsonObject().entrySet()) {
        paths.add(prefix + e.getKey());
        paths.addAll(keyPaths(e.getValue(), prefix + e.getKey() + "."));
      }
    } else if (json.isJsonArray()) {
      for (JsonElement e : json.getAsJsonArray()) {
        paths.addAll(keyPaths(e, prefix + "[]."));
      }
    }
    return paths;
  }

  private static JsonObject read(Path file) throws Exception {
    return JsonParser.parseString(Files.readString(file)).getAsJsonObject();
  }

  @Test
  void summaryKeysComeInTheirDocumentedOrderInEveryRun(@TempDir Path temp) throws Exception {
    Map<String, String> oneOrder = new LinkedHashMap<>();
    oneOrder.put("samples", "40");
    oneOrder.put("m", "3");
    oneOrder.put("d", "6");
    Map<String, String> otherOrder = new LinkedHashMap<>();
    otherOrder.put("d", "6");
    otherOrder.put("m", "3");
    otherOrder.put("samples", "40");
    JsonObject first = read(run(temp.resolve("a"), oneOrder).resolve("summary.json"));
    JsonObject second = read(run(temp.resolve("b"), otherOrder).resolve("summary.json"));

    assertEquals(List.of("workload", "settings", "configuration", "backend", "versions",
        "wall_seconds_this_session", "final"), List.copyOf(first.keySet()));
    assertEquals(List.of("d", "m", "mu", "L", "samples", "noise", "q"),
        List.copyOf(first.getAsJsonObject("configuration").keySet()));
    assertEquals(List.of("d", "m", "samples"),
        List.copyOf(first.getAsJsonObject("settings").getAsJsonObject("options").keySet()));
    assertEquals(keyPaths(first, ""), keyPaths(second, ""));
    assertEquals(keyPaths(read(temp.resolve("a/run.json")), ""),
        keyPaths(read(temp.resolve("b/run.json")), ""));
  }

  @Test
  void classifierDefaultsAreListedInTheirOrder() {
    Map<String, Object> configuration = new LinkedHashMap<>();
    new ClassifierSettings(1, 2, 3, 4, 5, 0.5, 6, 1e-3, 7).describe(configuration);
    assertEquals(List.of("defaults", "eval_iters", "retrain_tol", "retrain_iters"),
        List.copyOf(configuration.keySet()));
    @SuppressWarnings("unchecked")
    Map<String, Object> defaults = (Map<String, Object>) configuration.get("defaults");
    assertEquals(List.of("alpha", "t", "k", "J", "lower_batch", "km_step"),
        List.copyOf(defaults.keySet()));
  }
}
