package io.github.bilevel.bsgm.runner;

import io.github.bilevel.bsgm.AlgorithmState;
import io.github.bilevel.bsgm.IterationStoppedException;
import io.github.bilevel.bsgm.io.AtomicFiles;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.DVector;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Runs the algorithms of a {@link RunSettings} on a workload over several seeds, one after the
 * other, and writes to its directory:
 * <ul>
 *   <li>{@code run.json}: the settings;
 *   <li>{@code metrics.csv}: one row per evaluation ({@link Metrics}), assembled after each
 *       seed from the metrics logs;
 *   <li>{@code summary.json}: final metrics per algorithm and seed, configuration, backend,
 *       versions;
 *   <li>{@code checkpoints/ALGORITHM-seedS.ckpt}: {@link Checkpoint}s, when a seed starts and
 *       every {@code checkpointEvery} iterations;
 *   <li>{@code metrics/ALGORITHM-seedS.csv}: the seed's rows, appended at each checkpoint
 *       ({@link MetricsLog}); {@code metrics/baseline-seedS.csv}: the baseline's row;
 *   <li>{@code plots/}: the metrics against samples and against time ({@link RunPlots}).
 * </ul>
 * A run stays within its sample budget: {@link #start} refuses an algorithm whose first
 * iteration alone needs more, and an iteration that reaches the budget inside its lower-level or
 * linear-system loop is abandoned ({@code λ} and the counters as before it, its drawn samples
 * counted): the run finishes at its last completed iteration, with a last evaluation there, at
 * most one KM step's batch and the two upper-level batches past the budget. MRBO, VRBO, the
 * single-loop methods and AID/ITD finish their iterations, so they pass the budget by less than
 * one iteration (for AID and ITD, whose iterations pass over the full data, by many samples).
 * Every file is written atomically, except the metrics logs, which are appended to and forced to
 * the disk before the checkpoint that records their length. The directory is locked for the
 * run's whole duration ({@link RunLock}), from before anything in it is written. A run that is
 * stopped (killed, out of time) continues from its last checkpoints with {@link #resume}, bit
 * for bit: the generator is re-seeded from {@code (seed, block)} at every checkpoint boundary,
 * and the checkpoint holds {@code λ}, the method's state and the counters. A run at a Hadoop
 * file-system URI works in a local staging directory, and a {@link RunMirror} publishes each
 * file there right after the runner writes it, a metrics log before the checkpoint that counts
 * its rows. Layout and formats: docs/run-directory.md.
 */
public final class ExperimentRunner implements AutoCloseable {

  private static final Gson GSON = new GsonBuilder().setPrettyPrinting()
      .serializeSpecialFloatingPointValues().create();

  private final WorkloadFactory factory;
  private final RunSettings settings;
  private final Backend backend;
  private final Path directory;
  private final RunDirectory files;
  private final RunMirror mirror;
  private final PrintStream log;
  private final List<Metrics.Row> rows = new ArrayList<>();
  private final Map<String, Object> finals = new LinkedHashMap<>();
  private Map<String, Object> workloadConfiguration = Map.of();
  private RunProgress progress;

  private ExperimentRunner(WorkloadFactory factory, RunSettings settings, Backend backend,
      Path directory, RunDirectory files, RunMirror mirror, PrintStream log) {
    this.factory = factory;
    this.settings = settings;
    this.backend = backend;
    this.directory = directory;
    this.files = files;
    this.mirror = mirror;
    this.log = log;
    this.progress = RunProgress.lines(log);
  }

  /**
   * Starts a new run in {@code directory}, which it locks until {@link #run} (or
   * {@link #close}) ends.
   *
   * @throws IllegalStateException if another process (or runner) holds the directory, naming
   *     its process id
   * @throws IllegalArgumentException if the directory already holds a run (use resume), an
   *     algorithm is not supported by the workload, or an override is one an algorithm does not
   *     use
   */
  public static ExperimentRunner start(WorkloadFactory factory, RunSettings settings,
      Backend backend, Path directory, PrintStream log) {
    return start(factory, settings, backend, directory, RunMirror.NONE, log);
  }

  /**
   * {@link #start(WorkloadFactory, RunSettings, Backend, Path, PrintStream)} in the staging
   * directory {@code directory}, publishing every file it writes through {@code mirror}, which
   * the runner closes when it ends (also when this fails).
   */
  public static ExperimentRunner start(WorkloadFactory factory, RunSettings settings,
      Backend backend, Path directory, RunMirror mirror, PrintStream log) {
    ExperimentRunner runner;
    try {
      runner = startLocal(factory, settings, backend, directory, mirror, log);
    } catch (RuntimeException e) {
      closeAfter(mirror, e);
      throw e;
    }
    try {
      mirror.publish(directory.resolve("run.json"));
      return runner;
    } catch (RuntimeException e) {
      closeAfter(runner, e);
      throw e;
    }
  }

  private static ExperimentRunner startLocal(WorkloadFactory factory, RunSettings settings,
      Backend backend, Path directory, RunMirror mirror, PrintStream log) {
    for (String algorithm : settings.algorithms()) {
      if (!factory.algorithms().contains(algorithm)) {
        throw new IllegalArgumentException("workload " + factory.name() + " has no algorithm '"
            + algorithm + "'; it has " + factory.algorithms());
      }
      factory.registry().entry(algorithm).check(settings.overrides());
    }
    IterationBudget.checkFirstIterations(factory, settings, backend);
    return new ExperimentRunner(factory, settings, backend, directory,
        RunDirectory.create(directory, settings, log), mirror, log);
  }

  private static void closeAfter(AutoCloseable resource, RuntimeException failure) {
    try {
      resource.close();
    } catch (Exception suppressed) {
      failure.addSuppressed(suppressed);
    }
  }

  /**
   * Reads the settings of the run in {@code directory} ({@code run.json}), verifying its format
   * version and checksum.
   *
   * @throws IllegalArgumentException naming the file when it is missing, of an older format or
   *     damaged
   */
  public static RunSettings settingsOf(Path directory) {
    return RunDirectory.readSettings(directory);
  }

  /**
   * Continues the run in {@code directory} (made by {@link #start}) from its checkpoints, after
   * locking the directory and verifying that its checkpoints and metrics logs agree.
   *
   * @throws IllegalStateException if another process (or runner) holds the directory
   * @throws IllegalArgumentException naming the file, and what to do, when a file is damaged or
   *     missing: a started seed without its checkpoint, a checkpoint without the metrics rows it
   *     recorded
   */
  public static ExperimentRunner resume(WorkloadFactory factory, Backend backend, Path directory,
      PrintStream log) {
    return resume(factory, backend, directory, RunMirror.NONE, log);
  }

  /**
   * {@link #resume(WorkloadFactory, Backend, Path, PrintStream)} in the staging directory
   * {@code directory} (a copy of the run), publishing every file it writes through
   * {@code mirror}, which the runner closes when it ends (also when this fails).
   */
  public static ExperimentRunner resume(WorkloadFactory factory, Backend backend, Path directory,
      RunMirror mirror, PrintStream log) {
    try {
      return resumeLocal(factory, backend, directory, mirror, log);
    } catch (RuntimeException e) {
      closeAfter(mirror, e);
      throw e;
    }
  }

  private static ExperimentRunner resumeLocal(WorkloadFactory factory, Backend backend,
      Path directory, RunMirror mirror, PrintStream log) {
    RunSettings settings = settingsOf(directory);
    if (!settings.workload().equals(factory.name())) {
      throw new IllegalArgumentException(directory + " holds a run of workload "
          + settings.workload() + ", not " + factory.name());
    }
    RunDirectory files = RunDirectory.open(directory, log);
    try {
      ExperimentRunner runner = new ExperimentRunner(factory, settings, backend, directory,
          files, mirror, log);
      runner.rows.addAll(files.verify(settings));
      return runner;
    } catch (RuntimeException e) {
      files.close();
      throw e;
    }
  }

  /**
   * Where progress goes (by default one line per evaluation on the log).
   *
   * @return this runner
   */
  public ExperimentRunner progress(RunProgress progress) {
    this.progress = Objects.requireNonNull(progress, "progress");
    return this;
  }

  /** The settings of this run. */
  public RunSettings settings() {
    return settings;
  }

  /**
   * Runs (or continues) every algorithm on every seed, then releases the directory; returns the
   * metrics rows.
   */
  public List<Metrics.Row> run() {
    try {
      return runAll();
    } finally {
      close();
    }
  }

  private List<Metrics.Row> runAll() {
    long wallStart = System.nanoTime();
    for (String algorithm : settings.algorithms()) {
      for (int i = 0; i < settings.seeds(); i++) {
        runOne(algorithm, settings.firstSeed() + i);
        writeSummary((System.nanoTime() - wallStart) / 1e9);
      }
    }
    Optional<String> noPlots = PlotSupport.unavailableReason();
    if (noPlots.isEmpty()) {
      RunPlots.write(directory.resolve("plots"), rows, factory.name());
      publishTree(directory.resolve("plots"));
    } else {
      log.println("plots not drawn: " + noPlots.get() + " (metrics.csv and summary.json are "
          + "written)");
    }
    return List.copyOf(rows);
  }

  /** Publishes every file under {@code tree} through the mirror. */
  private void publishTree(Path tree) {
    if (mirror == RunMirror.NONE || !Files.isDirectory(tree)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(tree)) {
      for (Path file : (Iterable<Path>) walk.filter(Files::isRegularFile).sorted()::iterator) {
        mirror.publish(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + tree + ": " + e.getMessage(), e);
    }
  }

  /**
   * Releases the run directory's lock, and the mirror's (when the runner is dropped without
   * {@link #run}).
   */
  @Override
  public void close() {
    try {
      files.close();
    } finally {
      mirror.close();
    }
  }

  /**
   * Puts {@link #rows} in run order: by algorithm, then seed, each seed's baseline row after the
   * seed's rows of the first algorithm (where an uninterrupted run adds it), whatever order a
   * resumed run met them in.
   */
  private void sortRows() {
    List<String> algorithms = settings.algorithms();
    rows.sort(Comparator.comparingLong(r -> {
      long seedIndex = r.seed() - settings.firstSeed();
      int a = algorithms.indexOf(r.algorithm());
      return a < 0 ? 2 * seedIndex + 1 : 2 * (a * (long) settings.seeds() + seedIndex);
    }));
  }

  private void runOne(String algorithm, long seed) {
    try (Workload workload = factory.create(backend, settings.options(), seed);
        UpperLevelMethod<?> method = workload.method(algorithm, settings.overrides())) {
      workloadConfiguration = workload.configuration();
      runOne(workload, method, algorithm, seed);
    }
  }

  private <S extends AlgorithmState> void runOne(Workload workload, UpperLevelMethod<S> method,
      String algorithm, long seed) {
    try (Arena arena = Arena.ofConfined()) {
      DVector lambda = backend.vector(arena, workload.upperDimension());
      workload.initialLambda(lambda);
      S state = method.init(lambda);
      Path file = files.checkpoint(algorithm, seed);
      Checkpoint at = new Checkpoint(0, 0, 0.0, false);
      if (Files.exists(file)) {
        at = Checkpoint.read(file, lambda, state);
        progress.note(String.format("%s seed %d: resuming at iteration %d (%d samples)",
            algorithm, seed, at.iteration(), at.samples()));
      } else {
        at.write(file, lambda, state); // the seed has started: a resume must find it
        mirror.publish(file);
      }
      if (at.finished()) {
        recordFinal(algorithm, seed, method.stateBytes(state));
        runBaseline(workload, seed, at.samples());
        return;
      }
      MetricsLog metricsLog = files.openLog(algorithm, seed, at);
      int logged = rows.size(); // this seed's rows before it are in its log
      int s = at.iteration();
      long samples = at.samples();
      double seconds = at.seconds();
      progress.started(algorithm, seed, samples, settings.budget());
      if (s == 0) {
        evaluate(workload, method, state, algorithm, seed, 0, 0, 0.0, lambda, false);
      }
      SplittableRandom random = null;
      int every = settings.checkpointEvery();
      IterationBudget stop = IterationBudget.stopCheck(settings.budget());
      method.stopWhen(stop);
      boolean stopped = false;
      while (!stopped && samples < settings.budget() && s < settings.maxIterations()) {
        if (random == null || s % every == 0) {
          random = new SplittableRandom(blockSeed(seed, s / every));
        }
        long start = System.nanoTime();
        stop.startIteration(samples);
        try {
          samples += method.iterate(state, lambda, random);
          s++;
        } catch (IterationStoppedException e) {
          // the budget ran out inside the iteration: it is abandoned (λ, counters unchanged),
          // its drawn samples counted, and the run finishes at its last completed iteration
          samples += e.samples();
          stopped = true;
        }
        seconds += (System.nanoTime() - start) / 1e9;
        boolean done = stopped || samples >= settings.budget() || s >= settings.maxIterations();
        if (s % settings.evaluateEvery() == 0 || done) {
          evaluate(workload, method, state, algorithm, seed, s, samples, seconds, lambda, done);
        }
        if (s % every == 0 || done) {
          files.checkpoint(metricsLog, rows.subList(logged, rows.size()),
              new Checkpoint(s, samples, seconds, done), algorithm, seed, lambda, state);
          // the log first: a published checkpoint never counts rows not yet published
          mirror.publish(files.metricsLog(algorithm, seed));
          mirror.publish(file);
          logged = rows.size();
        }
      }
      progress.finished(algorithm, seed);
      recordFinal(algorithm, seed, method.stateBytes(state));
      runBaseline(workload, seed, samples);
    }
  }

  /** The workload's baseline on the samples of the bilevel run, once per seed. */
  private void runBaseline(Workload workload, long seed, long samples) {
    String name = workload.baselineName();
    if (name == null || rows.stream().anyMatch(r -> r.algorithm().equals(name)
        && r.seed() == seed)) {
      return;
    }
    long start = System.nanoTime();
    Map<String, Double> metrics = new LinkedHashMap<>(workload.baseline(samples));
    double seconds = (System.nanoTime() - start) / 1e9;
    metrics.put("memory_bytes", 0.0);
    Metrics.Row row = Metrics.Row.of(name, seed, 1, samples, seconds, metrics);
    files.writeBaseline(seed, row);
    mirror.publish(files.baseline(seed));
    rows.add(row);
    progress.note(String.format("%-12s seed %-3d baseline on %d samples: %s (%.1f s)", name, seed,
        samples, metrics, seconds));
  }

  /** The generator's seed for block {@code block} of run {@code seed} (SplitMix64 finalizer). */
  static long blockSeed(long seed, int block) {
    long z = seed * 0x9E3779B97F4A7C15L + block * 0xBF58476D1CE4E5B9L + 0x94D049BB133111EBL;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private <S extends AlgorithmState> void evaluate(Workload workload, UpperLevelMethod<S> method,
      S state, String algorithm, long seed, int s, long samples, double seconds, DVector lambda,
      boolean last) {
    Map<String, Double> metrics = new LinkedHashMap<>(workload.evaluate(lambda, last));
    metrics.put("hypergradient_norm", s == 0 ? Double.NaN : method.lastHypergradientNorm());
    metrics.put("memory_bytes", (double) method.stateBytes(state));
    Metrics.Row row = Metrics.Row.of(algorithm, seed, s, samples, seconds, metrics);
    rows.add(row);
    progress.evaluated(row);
  }

  private void recordFinal(String algorithm, long seed, long stateBytes) {
    Metrics.Row last = null;
    for (Metrics.Row r : rows) {
      if (r.algorithm().equals(algorithm) && r.seed() == seed
          && (last == null || r.iteration() >= last.iteration())) {
        last = r;
      }
    }
    if (last == null) {
      return;
    }
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("algorithm", algorithm);
    entry.put("seed", seed);
    entry.put("iterations", last.iteration());
    entry.put("samples", last.samples());
    entry.put("seconds", last.seconds());
    for (String name : Metrics.COLUMNS) {
      double v = last.value(name);
      entry.put(name, Double.isNaN(v) ? null : v);
    }
    entry.put("state_bytes", stateBytes);
    finals.put(algorithm + "/" + seed, entry);
  }

  private void writeSummary(double wallSeconds) {
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("workload", factory.name());
    summary.put("settings", settings);
    summary.put("configuration", workloadConfiguration);
    summary.put("backend", backend.name());
    Map<String, Object> versions = new LinkedHashMap<>();
    versions.put("bsgm", Objects.requireNonNullElse(
        ExperimentRunner.class.getPackage().getImplementationVersion(), "development"));
    versions.put("java", Runtime.version().toString());
    versions.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    versions.put("processors", Runtime.getRuntime().availableProcessors());
    summary.put("versions", versions);
    summary.put("wall_seconds_this_session", wallSeconds);
    summary.put("final", new ArrayList<>(finals.values()));
    AtomicFiles.writeString(directory.resolve("summary.json"), GSON.toJson(summary));
    sortRows();
    Metrics.write(directory.resolve("metrics.csv"), rows);
    mirror.publish(directory.resolve("summary.json"));
    mirror.publish(directory.resolve("metrics.csv"));
  }
}
