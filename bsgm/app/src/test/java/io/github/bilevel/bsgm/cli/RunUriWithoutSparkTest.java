package io.github.bilevel.bsgm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.bsgm.runner.RunStores;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bsgm run --out URI} and {@code --resume URI} without the bsgm-spark module on the class
 * path (this module's tests): refused, saying that the spark module is needed; and which
 * locations are URIs.
 */
class RunUriWithoutSparkTest {

  private record Result(int status, String out, String err) {}

  private static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = Main.run(new PrintWriter(out), new PrintWriter(err), args);
    return new Result(status, out.toString(), err.toString());
  }

  @Test
  void aUriOutOrResumeNeedsTheSparkModule() {
    for (String[] args : new String[][] {
        {"run", "quadratic", "--seeds", "1", "--out", "hdfs://namenode/runs/run1"},
        {"run", "--resume", "s3a://bucket/runs/run1"}}) {
      Result r = run(args);
      assertNotEquals(0, r.status(), r.err());
      assertTrue(r.err().contains(args[args.length - 1] + " is a file-system URI: run"
          + " directories on Hadoop file systems (hdfs://, s3a://, abfs://, file:/...) need the"
          + " bsgm-spark module on the class path"), r.err());
    }
  }

  @Test
  void stagingIsRefusedForALocalRun(@TempDir Path dir) {
    Result r = run("run", "quadratic", "--seeds", "1", "--out", dir.resolve("run").toString(),
        "--staging", dir.resolve("staging").toString());
    assertNotEquals(0, r.status());
    assertTrue(r.err().contains("--staging is for a run at a URI"), r.err());
    assertFalse(Files.exists(dir.resolve("run")));
  }

  @Test
  void uriAndPathAreToldApart() {
    for (String uri : new String[] {"hdfs://nn/a", "s3a://b/c", "file:/tmp/x", "file:///tmp/x",
        "abfs://c@a.dfs.core.windows.net/r", "viewfs://cluster/r"}) {
      assertTrue(RunStores.isUri(uri), uri);
    }
    for (String path : new String[] {"/tmp/x", "out/run1", "run:1", "C:\\runs\\r", "C:/runs",
        "./hdfs://x"}) {
      assertEquals(false, RunStores.isUri(path), path);
    }
  }
}
