package io.github.bilevel.bsgm.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
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
 * {@code bsgm run meta --spark local[2] --out file:///...}: the local run's
 * {@code summary.json} numbers, and a driver stopped after a checkpoint resumed with
 * {@code --resume URI} to the same numbers, bit for bit.
 */
class SparkRunUriTest {

  // as SparkRunCommandTest: 22 tasks per batch, t = k = 5: 264 samples per iteration, 12 of them
  private static final long BUDGET = 12 * 264;

  private record Result(int status, String out, String err) {}

  private static Result cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = Main.run(new PrintWriter(out), new PrintWriter(err), args);
    return new Result(status, out.toString(), err.toString());
  }

  private static String[] meta(Path data, String out, String... more) {
    List<String> args = new ArrayList<>(List.of("run", "meta", "--data", data.toString(),
        "--seeds", "1", "--budget", Long.toString(BUDGET), "--eval-every", "4",
        "--checkpoint-every", "5", "--backend", "simd", "--out", out));
    for (String option : List.of("images=300", "tasks=40", "test_tasks=5", "ways=3", "shots=2",
        "queries=3", "r=4", "t=5", "k=5", "batch=22", "block=3", "eval_steps=20")) {
      args.add("-o");
      args.add(option);
    }
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  @Test
  void aUriRunAndItsResumeGiveTheLocalRunsNumbers(@TempDir Path temp) throws IOException {
    Path data = SmallData.write(Files.createDirectory(temp.resolve("data")), 300, 60);
    Result local = cli(meta(data, temp.resolve("local").toString()));
    assertEquals(0, local.status(), local.err());
    List<Map<String, JsonElement>> expected = HadoopRunStoreTest.finals(temp.resolve("local"));
    assertEquals(12, expected.get(0).get("iterations").getAsInt());

    Path remote = temp.resolve("remote");
    Result spark = cli(meta(data, remote.toUri().toString(), "--spark", "local[2]"));
    assertEquals(0, spark.status(), spark.err());
    assertEquals(expected, HadoopRunStoreTest.finals(remote));
    assertTrue(Files.isRegularFile(remote.resolve("checkpoints/bsgm-seed0.ckpt")));

    // a driver stopped after 7 iterations: the remote directory holds the checkpoint at 5
    Path stoppedDir = temp.resolve("stopped");
    String stopped = stoppedDir.toUri().toString();
    System.setProperty(SparkHypergradient.STOP_AFTER_ESTIMATES, "7");
    Result stop;
    try {
      stop = cli(meta(data, stopped, "--spark", "local[2]"));
    } finally {
      System.clearProperty(SparkHypergradient.STOP_AFTER_ESTIMATES);
    }
    assertNotEquals(0, stop.status());
    assertTrue(stop.err().contains("stops after 7 estimates"), stop.err());
    assertFalse(Files.exists(stoppedDir.resolve(".lock")), "the lock is released");
    assertFalse(Files.exists(stoppedDir.resolve("summary.json")), "stopped before a seed ended");
    Result resumed = cli("run", "--resume", stopped);
    assertEquals(0, resumed.status(), resumed.err());
    assertTrue(resumed.err().contains("resuming at iteration 5"), resumed.err());
    assertEquals(expected, HadoopRunStoreTest.finals(stoppedDir));
  }
}
