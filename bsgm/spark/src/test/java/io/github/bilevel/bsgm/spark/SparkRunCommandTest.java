package io.github.bilevel.bsgm.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.bilevel.bsgm.cli.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bsgm run meta --spark local[2]} through the command line: the same {@code summary.json}
 * numbers as the run without {@code --spark}, a driver stopped mid-run resumed with
 * {@code --resume} to the same numbers, and {@code --spark} refused for a non-separable workload.
 */
class SparkRunCommandTest {

  // 22 tasks per batch, t = k = 5: 264 samples per iteration, 12 iterations
  private static final long BUDGET = 12 * 264;

  private record Result(int status, String out, String err) {}

  private static Result cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = Main.run(new PrintWriter(out), new PrintWriter(err), args);
    return new Result(status, out.toString(), err.toString());
  }

  private static String[] meta(Path data, Path out, String... more) {
    List<String> args = new ArrayList<>(List.of("run", "meta", "--data", data.toString(),
        "--seeds", "1", "--budget", Long.toString(BUDGET), "--eval-every", "4",
        "--checkpoint-every", "5", "--backend", "simd", "--out", out.toString()));
    for (String option : List.of("images=300", "tasks=40", "test_tasks=5", "ways=3", "shots=2",
        "queries=3", "r=4", "t=5", "k=5", "batch=22", "block=3", "eval_steps=20")) {
      args.add("-o");
      args.add(option);
    }
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  /** The final entries of summary.json without their times. */
  private static List<Map<String, JsonElement>> finals(Path run) throws IOException {
    JsonObject summary = JsonParser.parseString(Files.readString(run.resolve("summary.json")))
        .getAsJsonObject();
    JsonArray entries = summary.getAsJsonArray("final");
    List<Map<String, JsonElement>> out = new ArrayList<>();
    for (JsonElement entry : entries) {
      Map<String, JsonElement> fields = new java.util.TreeMap<>(entry.getAsJsonObject()
          .asMap());
      fields.remove("seconds");
      out.add(fields);
    }
    return out;
  }

  @Test
  void sparkRunAndResumeGiveTheLocalRunsNumbers(@TempDir Path temp) throws IOException {
    Path data = SmallData.write(Files.createDirectory(temp.resolve("data")), 300, 60);
    Result local = cli(meta(data, temp.resolve("local")));
    assertEquals(0, local.status(), local.err());
    Result spark = cli(meta(data, temp.resolve("spark"), "--spark", "local[2]"));
    assertEquals(0, spark.status(), spark.err());
    List<Map<String, JsonElement>> expected = finals(temp.resolve("local"));
    assertEquals(12, expected.get(0).get("iterations").getAsInt());
    assertEquals(expected, finals(temp.resolve("spark")));
    assertTrue(Files.isRegularFile(temp.resolve("spark/checkpoints/bsgm-seed0.ckpt")));

    // a driver stopped after 7 iterations continues from its checkpoint at 5
    System.setProperty(SparkHypergradient.STOP_AFTER_ESTIMATES, "7");
    Result stopped;
    try {
      stopped = cli(meta(data, temp.resolve("stopped"), "--spark", "local[2]"));
    } finally {
      System.clearProperty(SparkHypergradient.STOP_AFTER_ESTIMATES);
    }
    assertNotEquals(0, stopped.status());
    assertTrue(stopped.err().contains("stops after 7 estimates"), stopped.err());
    Result resumed = cli("run", "--resume", temp.resolve("stopped").toString());
    assertEquals(0, resumed.status(), resumed.err());
    assertTrue(resumed.err().contains("resuming at iteration 5"), resumed.err());
    assertEquals(expected, finals(temp.resolve("stopped")));
  }

  @Test
  void nonSeparableWorkloadsAndWarmStartAreRefusedSayingWhy(@TempDir Path temp) {
    Result ridge = cli("run", "quadratic", "--spark", "local[2]", "--out",
        temp.resolve("q").toString());
    assertNotEquals(0, ridge.status(), ridge.err());
    assertTrue(ridge.err().contains("workload quadratic cannot run on Spark: only the separable"
        + " workloads (equilibrium, meta) can"), ridge.err());
    Result warm = cli("run", "meta", "--algorithm", "stocbio", "--spark", "local[2]", "--out",
        temp.resolve("w").toString());
    assertNotEquals(0, warm.status(), warm.err());
    assertTrue(warm.err().contains("--spark runs the algorithm bsgm, not stocbio: only bsgm"
        + " runs on a cluster"), warm.err());
  }
}
