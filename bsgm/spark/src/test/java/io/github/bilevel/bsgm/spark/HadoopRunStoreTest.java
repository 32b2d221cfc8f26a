package io.github.bilevel.bsgm.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bsgm run --out URI} and {@code --resume URI} through Hadoop's {@code FileSystem} API
 * ({@link HadoopRunStore}): the local run's numbers, a remote lock that refuses a second run
 * naming its holder, and a damaged remote checkpoint refused as a local one is; on
 * {@code file:} and on a second file-system implementation ({@link OtherSchemeFileSystem}).
 */
class HadoopRunStoreTest {

  private record Result(int status, String out, String err) {}

  private static Result cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = Main.run(new PrintWriter(out), new PrintWriter(err), args);
    return new Result(status, out.toString(), err.toString());
  }

  /** A quadratic run of 12 iterations with checkpoints every 5, at {@code out}. */
  private static Result quadratic(String out) {
    return cli("run", "quadratic", "--backend", "scalar", "--seeds", "2", "-o", "d=10", "-o",
        "m=3", "-o", "samples=50", "--budget", "2000", "--eval-every", "4",
        "--checkpoint-every", "5", "--out", out);
  }

  /** The final entries of summary.json without their times. */
  static List<Map<String, JsonElement>> finals(Path run) throws IOException {
    JsonObject summary = JsonParser.parseString(Files.readString(run.resolve("summary.json")))
        .getAsJsonObject();
    List<Map<String, JsonElement>> out = new ArrayList<>();
    for (JsonElement entry : summary.getAsJsonArray("final")) {
      Map<String, JsonElement> fields = new TreeMap<>(entry.getAsJsonObject().asMap());
      fields.remove("seconds");
      out.add(fields);
    }
    return out;
  }

  /** The files under {@code run}, relative, sorted. */
  private static List<String> files(Path run) throws IOException {
    try (Stream<Path> walk = Files.walk(run)) {
      return walk.filter(Files::isRegularFile).map(p -> run.relativize(p).toString()).sorted()
          .toList();
    }
  }

  @Test
  void aFileUriRunWritesTheLocalRunsFilesAndNumbers(@TempDir Path temp) throws IOException {
    Result local = quadratic(temp.resolve("local").toString());
    assertEquals(0, local.status(), local.err());
    Path remote = temp.resolve("remote");
    String location = remote.toUri().toString();
    Result uri = quadratic(location);
    assertEquals(0, uri.status(), uri.err());
    assertEquals(finals(temp.resolve("local")), finals(remote));
    // the same files (the lock deleted, no temporary or Hadoop checksum files), the same rows
    List<String> expected = new ArrayList<>(files(temp.resolve("local")));
    expected.remove(".lock");
    assertEquals(expected, files(remote));
    assertEquals(Files.readAllLines(temp.resolve("local/metrics.csv")).size(),
        Files.readAllLines(remote.resolve("metrics.csv")).size());
    assertTrue(uri.out().contains(location + "/summary.json"), uri.out());

    Result again = quadratic(location);
    assertNotEquals(0, again.status());
    assertTrue(again.err().contains(location + " already holds a run"), again.err());
  }

  @Test
  void aSecondRunOnALockedUriIsRefusedNamingTheHolder(@TempDir Path temp) throws IOException {
    Path remote = Files.createDirectory(temp.resolve("remote"));
    String uri = remote.toUri().toString();
    // a run on another host: no liveness check is possible, the message says what to do
    Files.writeString(remote.resolve(".lock"), "host=other-host.example\npid=4242\n"
        + "started=2026-01-31T10:00:00Z\n");
    Result other = quadratic(uri);
    assertNotEquals(0, other.status());
    assertTrue(other.err().contains("is in use by process 4242 on host other-host.example,"
        + " running since 2026-01-31T10:00:00Z"), other.err());
    assertTrue(other.err().contains("if that run is known to be dead, delete"), other.err());
    assertFalse(Files.exists(remote.resolve("run.json")));

    // a live process of this host (this one)
    long me = ProcessHandle.current().pid();
    Files.writeString(remote.resolve(".lock"), "host=" + HadoopRunLock.hostName() + "\npid="
        + me + "\nstarted=2026-01-31T10:00:00Z\n");
    Result alive = quadratic(uri);
    assertNotEquals(0, alive.status());
    assertTrue(alive.err().contains("is in use by process " + me + " on host "
        + HadoopRunLock.hostName()), alive.err());
    assertFalse(Files.exists(remote.resolve("run.json")));

    // a dead process of this host: its lock is taken over
    Process done = new ProcessBuilder("true").start();
    long dead = done.pid();
    done.onExit().join();
    Files.writeString(remote.resolve(".lock"), "host=" + HadoopRunLock.hostName() + "\npid="
        + dead + "\nstarted=2026-01-31T10:00:00Z\n");
    Result takeover = quadratic(uri);
    assertEquals(0, takeover.status(), takeover.err());
    assertTrue(takeover.err().contains("taking over the stale lock of process " + dead),
        takeover.err());
    assertFalse(Files.exists(remote.resolve(".lock")));
  }

  @Test
  void aDamagedRemoteCheckpointIsRefusedAsALocalOne(@TempDir Path temp) throws IOException {
    Path local = temp.resolve("local");
    Path remote = temp.resolve("remote");
    assertEquals(0, quadratic(local.toString()).status());
    assertEquals(0, quadratic(remote.toUri().toString()).status());
    for (Path run : List.of(local, remote)) {
      Path checkpoint = run.resolve("checkpoints/bsgm-seed0.ckpt");
      byte[] bytes = Files.readAllBytes(checkpoint);
      bytes[bytes.length / 2] ^= 1;
      Files.write(checkpoint, bytes);
    }
    Result localResume = cli("run", "--resume", local.toString());
    Result remoteResume = cli("run", "--resume", remote.toUri().toString());
    assertNotEquals(0, localResume.status());
    assertNotEquals(0, remoteResume.status());
    assertTrue(localResume.err().contains("damaged"), localResume.err());
    // the same refusal, naming the remote files rather than the staging copy
    String base = remote.toUri().toString().replaceAll("/$", "");
    String crcs = "CRC32C is \\p{XDigit}+, its contents give \\p{XDigit}+";
    assertEquals(localResume.err().replace(local.toString(), base).replaceAll(crcs, "CRCs"),
        remoteResume.err().replaceAll(crcs, "CRCs"));
    assertFalse(Files.exists(remote.resolve(".lock")));
  }

  @Test
  void anotherFileSystemImplementationHoldsRunsAlike(@TempDir Path temp) throws IOException {
    String key = "spark.hadoop.fs." + OtherSchemeFileSystem.SCHEME + ".impl";
    System.setProperty(key, OtherSchemeFileSystem.class.getName());
    try {
      Path remote = temp.resolve("other");
      String uri = OtherSchemeFileSystem.SCHEME + "://" + remote.toAbsolutePath();
      int refused = OtherSchemeFileSystem.renamesRefused.get();
      Result run = quadratic(uri);
      assertEquals(0, run.status(), run.err());
      // checkpoints replaced through the overwriting rename, as on HDFS
      assertTrue(OtherSchemeFileSystem.renamesRefused.get() > refused);
      Result local = quadratic(temp.resolve("local").toString());
      assertEquals(0, local.status(), local.err());
      assertEquals(finals(temp.resolve("local")), finals(remote));
      Path staging = temp.resolve("staging");
      Result resumed = cli("run", "--resume", uri, "--staging", staging.toString());
      assertEquals(0, resumed.status(), resumed.err()); // a finished run: nothing to do
      assertEquals(finals(temp.resolve("local")), finals(remote));
      assertTrue(Files.isRegularFile(staging.resolve("run.json")), "--staging is kept");
    } finally {
      System.clearProperty(key);
    }
  }
}
