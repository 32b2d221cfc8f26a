package io.github.bilevel.bsgm.runner;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.github.bilevel.bsgm.AlgorithmState;
import io.github.bilevel.bsgm.io.AtomicFiles;
import io.github.bilevel.kernels.DVector;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * The files of a run directory that a run reads back (docs/run-directory.md), under the
 * directory's {@link RunLock}: {@code run.json} with its format version and checksum, the
 * checkpoints, and the metrics logs ({@link MetricsLog}) whose lengths the checkpoints record. A
 * resume verifies them all before it runs anything.
 */
final class RunDirectory implements AutoCloseable {

  /** The format of {@code run.json}: 1 had no version and no checksum. */
  private static final int SETTINGS_FORMAT = 2;
  private static final Gson PRETTY = new GsonBuilder().setPrettyPrinting()
      .serializeSpecialFloatingPointValues().create();
  private static final Gson COMPACT = new GsonBuilder().serializeSpecialFloatingPointValues()
      .create();

  private final Path directory;
  private final RunLock lock;
  private MetricsLog openLog; // the running seed's, closed when the next opens or on close

  private RunDirectory(Path directory, RunLock lock) {
    this.directory = directory;
    this.lock = lock;
  }

  /**
   * Locks {@code directory} for a new run, removes leftover temporary files and writes
   * {@code run.json}.
   *
   * @throws IllegalStateException if another process holds the directory
   * @throws IllegalArgumentException if it already holds a run
   */
  static RunDirectory create(Path directory, RunSettings settings, PrintStream log) {
    RunDirectory files = new RunDirectory(directory, RunLock.acquire(directory, log));
    try {
      Path runFile = directory.resolve("run.json");
      if (Files.exists(runFile)) {
        throw new IllegalArgumentException(directory + " already holds a run (" + runFile
            + "): continue it with --resume " + directory + ", or choose another --out");
      }
      for (String earlier : List.of("checkpoints", "metrics")) {
        if (holdsFiles(directory.resolve(earlier))) {
          throw new IllegalArgumentException(directory + " holds " + earlier + "/ of an earlier"
              + " run but no run.json: choose another --out, or delete " + directory
              + " first");
        }
      }
      files.removeLeftovers(log);
      writeSettings(runFile, settings);
      return files;
    } catch (RuntimeException e) {
      files.close();
      throw e;
    }
  }

  /**
   * Locks {@code directory}, which holds a run, to continue it, and removes leftover temporary
   * files.
   *
   * @throws IllegalStateException if another process holds the directory
   */
  static RunDirectory open(Path directory, PrintStream log) {
    if (!Files.isRegularFile(directory.resolve("run.json"))) {
      throw new IllegalArgumentException(directory + " holds no run to resume (no run.json)");
    }
    RunDirectory files = new RunDirectory(directory, RunLock.acquire(directory, log));
    try {
      files.removeLeftovers(log);
      return files;
    } catch (RuntimeException e) {
      files.close();
      throw e;
    }
  }

  /** Whether {@code directory} exists and holds a file that is not a leftover temporary one. */
  private static boolean holdsFiles(Path directory) {
    if (!Files.isDirectory(directory)) {
      return false;
    }
    try (Stream<Path> files = Files.list(directory)) {
      return files.anyMatch(f -> !AtomicFiles.isTemporary(f.getFileName().toString()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + directory + ": " + e.getMessage(), e);
    }
  }

  private void removeLeftovers(PrintStream log) {
    for (Path file : AtomicFiles.removeLeftovers(directory)) {
      log.println("removed " + file + ", left by a write that was stopped");
    }
  }

  /** Writes {@code settings} to {@code runFile} with the format version and checksum. */
  private static void writeSettings(Path runFile, RunSettings settings) {
    JsonObject tree = PRETTY.toJsonTree(settings).getAsJsonObject();
    JsonObject file = new JsonObject();
    file.addProperty("format_version", SETTINGS_FORMAT);
    for (Map.Entry<String, JsonElement> entry : tree.entrySet()) {
      file.add(entry.getKey(), entry.getValue());
    }
    file.addProperty("crc32c", crc(COMPACT.toJson(tree)));
    AtomicFiles.writeString(runFile, PRETTY.toJson(file) + "\n");
  }

  /**
   * Reads the settings of the run in {@code directory} ({@code run.json}), verifying its format
   * version and checksum.
   *
   * @throws IllegalArgumentException naming the file when it is missing, of another format, or
   *     damaged
   */
  static RunSettings readSettings(Path directory) {
    Path runFile = directory.resolve("run.json");
    if (!Files.isRegularFile(runFile)) {
      throw new IllegalArgumentException(directory + " holds no run to resume (no run.json)");
    }
    JsonObject file;
    try {
      JsonElement parsed = JsonParser.parseString(Files.readString(runFile,
          StandardCharsets.UTF_8));
      if (!parsed.isJsonObject()) {
        throw new IllegalArgumentException(runFile + " is empty or not a run's settings");
      }
      file = parsed.getAsJsonObject();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + runFile + ": " + e.getMessage(), e);
    } catch (JsonParseException | IllegalStateException e) {
      throw new IllegalArgumentException(runFile + " is not valid JSON: " + e.getMessage(), e);
    }
    JsonElement version = file.remove("format_version");
    JsonElement stored = file.remove("crc32c");
    if (version == null || stored == null) {
      throw new IllegalArgumentException(runFile + " has no format_version and checksum: it was"
          + " written by an older version of bsgm, whose runs this version does not continue;"
          + " start a new run with another --out");
    }
    if (!version.toString().equals(Integer.toString(SETTINGS_FORMAT))) {
      throw new IllegalArgumentException(runFile + " is of format_version " + version
          + "; this version of bsgm reads " + SETTINGS_FORMAT);
    }
    String computed = crc(COMPACT.toJson(file));
    if (!stored.isJsonPrimitive() || !stored.getAsString().equals(computed)) {
      throw new IllegalArgumentException(runFile + " is damaged or was edited: its crc32c is "
          + stored + ", its settings give \"" + computed + "\"; restore it, or start a new run"
          + " with another --out");
    }
    try {
      RunSettings settings = PRETTY.fromJson(file, RunSettings.class);
      if (settings == null || settings.workload() == null) {
        throw new IllegalArgumentException(runFile + " is empty or not a run's settings");
      }
      return new RunSettings(settings.workload(), settings.algorithms(), settings.seeds(),
          settings.firstSeed(), settings.budget(), settings.maxIterations(),
          settings.evaluateEvery(), settings.checkpointEvery(), settings.backend(),
          settings.overrides() == null ? MethodOverrides.NONE : settings.overrides(),
          settings.options() == null ? Map.of() : settings.options());
    } catch (JsonParseException e) {
      throw new IllegalArgumentException(runFile + " is not a run's settings: " + e.getMessage(),
          e);
    }
  }

  private static String crc(String text) {
    CRC32C crc = new CRC32C();
    crc.update(text.getBytes(StandardCharsets.UTF_8));
    return String.format(Locale.ROOT, "%08x", crc.getValue());
  }

  /** The checkpoint of {@code algorithm} on {@code seed}. */
  Path checkpoint(String algorithm, long seed) {
    return directory.resolve("checkpoints").resolve(algorithm + "-seed" + seed + ".ckpt");
  }

  /** The metrics log of {@code algorithm} on {@code seed}. */
  Path metricsLog(String algorithm, long seed) {
    return directory.resolve("metrics").resolve(algorithm + "-seed" + seed + ".csv");
  }

  /** The row of the workload's baseline on {@code seed}, as a metrics log of one row. */
  Path baseline(long seed) {
    return directory.resolve("metrics").resolve("baseline-seed" + seed + ".csv");
  }

  /**
   * Verifies the run's files before a resume and returns the metrics rows they hold, up to each
   * seed's checkpoint. A seed has started when its checkpoint or its metrics log exists; every
   * started seed must have a checkpoint that is intact, and, once its log exists, a log that
   * holds intact the rows its checkpoint recorded.
   *
   * @throws IllegalArgumentException naming the file, and what to do, at the first that fails
   */
  List<Metrics.Row> verify(RunSettings settings) {
    List<Metrics.Row> rows = new ArrayList<>();
    for (String algorithm : settings.algorithms()) {
      for (int i = 0; i < settings.seeds(); i++) {
        long seed = settings.firstSeed() + i;
        Path checkpoint = checkpoint(algorithm, seed);
        Path log = metricsLog(algorithm, seed);
        String again = "delete " + checkpoint + " and " + log + " to run " + algorithm + " seed "
            + seed + " again from its start, or start a new run with another --out";
        if (!Files.exists(checkpoint)) {
          if (Files.exists(log)) {
            throw new IllegalArgumentException(checkpoint + " is missing, but " + algorithm
                + " seed " + seed + " has started (" + log + " exists): its state is lost; "
                + again);
          }
          continue;
        }
        Checkpoint at;
        try {
          at = Checkpoint.readCounters(checkpoint);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(e.getMessage() + "; " + again, e);
        }
        if (at.metricsBytes() == 0) {
          continue; // written before the log was created
        }
        if (!Files.exists(log)) {
          throw new IllegalArgumentException(log + " is missing: the metrics of " + algorithm
              + " seed " + seed + " up to iteration " + at.iteration() + " (" + checkpoint
              + ") are lost; " + again);
        }
        rows.addAll(verifiedRows(log, at, algorithm, seed, again));
      }
    }
    for (int i = 0; i < settings.seeds(); i++) {
      Path baseline = baseline(settings.firstSeed() + i);
      if (Files.exists(baseline)) {
        try {
          rows.addAll(MetricsLog.read(baseline));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(e.getMessage() + "; delete it to compute the"
              + " baseline again", e);
        }
      }
    }
    return rows;
  }

  private static List<Metrics.Row> verifiedRows(Path log, Checkpoint at, String algorithm,
      long seed, String again) {
    List<Metrics.Row> rows;
    try {
      rows = MetricsLog.read(log, at.metricsBytes());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage() + "; " + again, e);
    }
    if (rows.size() != at.metricsRows()) {
      throw new IllegalArgumentException(log + " holds " + rows.size() + " rows where its"
          + " checkpoint recorded " + at.metricsRows() + "; " + again);
    }
    // iterations never decrease; two rows share one when an iteration abandoned at the budget
    // follows an evaluation (the run's last evaluation is at its last completed iteration)
    int previous = -1;
    for (Metrics.Row row : rows) {
      if (!row.algorithm().equals(algorithm) || row.seed() != seed
          || row.iteration() < previous || row.iteration() > at.iteration()) {
        throw new IllegalArgumentException(log + " holds a row of " + row.algorithm() + " seed "
            + row.seed() + " at iteration " + row.iteration() + ", which does not belong to "
            + algorithm + " seed " + seed + " before iteration " + at.iteration() + "; " + again);
      }
      previous = row.iteration();
    }
    return rows;
  }

  /**
   * The metrics log of a seed that continues from {@code at}: a new one when {@code at} was
   * written before the log existed, else the existing one cut back to the length {@code at}
   * recorded. It stays open until the next seed's is opened or the directory is closed.
   */
  MetricsLog openLog(String algorithm, long seed, Checkpoint at) {
    closeLog();
    Path log = metricsLog(algorithm, seed);
    openLog = at.metricsBytes() == 0 ? MetricsLog.create(log)
        : MetricsLog.reopen(log, at.metricsRows(), at.metricsBytes());
    return openLog;
  }

  private void closeLog() {
    if (openLog != null) {
      MetricsLog log = openLog;
      openLog = null;
      log.close();
    }
  }

  /**
   * Appends {@code newRows} to {@code log} and forces it to the disk, then writes the checkpoint
   * {@code at} that records the log's length: a checkpoint never points past rows that may be
   * lost.
   */
  void checkpoint(MetricsLog log, List<Metrics.Row> newRows, Checkpoint at, String algorithm,
      long seed, DVector lambda, AlgorithmState state) {
    log.append(newRows);
    log.force();
    new Checkpoint(at.iteration(), at.samples(), at.seconds(), at.finished(), log.rows(),
        log.bytes()).write(checkpoint(algorithm, seed), lambda, state);
  }

  /** Writes the baseline's row on {@code seed}. */
  void writeBaseline(long seed, Metrics.Row row) {
    MetricsLog.writeAtomically(baseline(seed), List.of(row));
  }

  /** Closes the open metrics log and releases the directory's lock. */
  @Override
  public void close() {
    try {
      closeLog();
    } finally {
      lock.close();
    }
  }
}
