package io.github.bilevel.bsgm.cli;

import io.github.bilevel.bsgm.runner.ExperimentRunner;
import io.github.bilevel.bsgm.runner.MethodOverrides;
import io.github.bilevel.bsgm.runner.RunMirror;
import io.github.bilevel.bsgm.runner.RunProgress;
import io.github.bilevel.bsgm.runner.RunSettings;
import io.github.bilevel.bsgm.runner.RunStores;
import io.github.bilevel.bsgm.runner.WorkloadFactory;
import io.github.bilevel.bsgm.runner.Workloads;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.Backends;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code bsgm run}: the experiment runner. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"Runs bilevel algorithms on a workload over several seeds, with metrics, "
        + "checkpoints and plots.",
        "Writes to --out: run.json, metrics.csv, summary.json, checkpoints/, plots/.",
        "A stopped run continues bit for bit with: bsgm run --resume DIR",
        "Progress: a bar on a terminal, else one line per evaluation on stderr; none with "
            + "--quiet."},
    modelTransformer = RunCommand.WorkloadOptionList.class)
final class RunCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Parameters(index = "0", arity = "0..1", paramLabel = "WORKLOAD",
      description = "The workload: ${COMPLETION-CANDIDATES}.",
      completionCandidates = WorkloadNames.class)
  String workload;

  // picocli option declarations, one annotated field each: alike other commands' by shape only.
  @Option(names = "--algorithm", split = ",", paramLabel = "NAME",
      description = "Algorithms, comma-separated (default: bsgm).")
  List<String> algorithms = List.of("bsgm");

  @Option(names = "--budget", paramLabel = "SAMPLES",
      description = "Samples per run (default: the workload's own).")
  Long budget;

  @Option(names = "--seeds", defaultValue = "3", description = "Seeds (default: ${DEFAULT-VALUE}).")
  int seeds;

  @Option(names = "--first-seed", defaultValue = "0",
      description = "The first seed (default: ${DEFAULT-VALUE}).")
  long firstSeed;

  @Option(names = "--max-iterations", defaultValue = "1000000",
      description = "Iteration cap per run (default: ${DEFAULT-VALUE}).")
  int maxIterations;

  @Option(names = "--eval-every", defaultValue = "10",
      description = "Evaluate every N iterations (default: ${DEFAULT-VALUE}).")
  int evaluateEvery;

  @Option(names = "--checkpoint-every", defaultValue = "50",
      description = "Checkpoint every N iterations (default: ${DEFAULT-VALUE}).")
  int checkpointEvery;

  @Option(names = "--data", paramLabel = "DIR",
      description = "Data directory (default: /usr/share/datasets/fashion-mnist).")
  Path data;

  @Option(names = {"-o", "--option"}, paramLabel = "KEY=VALUE",
      description = "A workload option, e.g. -o d=100 (repeatable); each workload's options"
          + " and their defaults are listed below.")
  Map<String, String> workloadOptions = new LinkedHashMap<>();

  // An override an algorithm does not read is refused, naming the algorithm and what it reads.
  @Option(names = "--alpha", description = "Override the upper-level step (refused by an"
      + " algorithm that does not use it, e.g. mrbo and vrbo, which use --k only).")
  Double alpha;

  @Option(names = "--t", description = "Override the lower-level steps per iteration.")
  Integer t;

  @Option(names = "--k", description = "Override the linear-system steps per iteration.")
  Integer k;

  @Option(names = "--batch", description = "Override the upper-level batch.")
  Integer batch;

  @Option(names = "--rho", description = "Override the lower-level KM step ρ of the"
      + " single-loop methods (soba, saba, srba, ttsa, fsla, sustain, f2sa, bome; refused by"
      + " the others).")
  Double rho;

  @Mixin
  BackendOption backendOption;

  // a local path, or a Hadoop file-system URI (hdfs://, s3a://, file:/...) with bsgm-spark
  @Option(names = "--out", paramLabel = "DIR", description = "The run's directory: a local path,"
      + " or a Hadoop file-system URI (hdfs://namenode/runs/run1, s3a://..., file:/...; needs"
      + " the bsgm-spark module).")
  String out;

  @Option(names = "--resume", paramLabel = "DIR", description = "Continue the run in DIR (a"
      + " path or a URI, as --out).")
  String resume;

  @Option(names = "--staging", paramLabel = "DIR", description = "With a URI --out or --resume:"
      + " the local directory the run works in, empty or new, kept at the end (default: a fresh"
      + " temporary one, deleted at the end).")
  Path staging;

  // --spark: the separable workloads' hypergradients on a Spark cluster (bsgm-spark)
  @Option(names = "--spark", paramLabel = "MASTER", description = "Compute the hypergradients"
      + " on Spark (e.g. local[2], spark://host:7077): meta and equilibrium, algorithm bsgm;"
      + " the same numbers as without it for the same -o block=B.")
  String spark;

  /** The workloads' names, for the help text. */
  static final class WorkloadNames implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return Workloads.all().keySet().iterator();
    }
  }

  /** Lists each workload's {@code -o} options, with defaults, below the options. */
  static final class WorkloadOptionList implements IModelTransformer {
    @Override
    public CommandSpec transform(CommandSpec spec) {
      HelpText.addSection(spec, "workloadOptions",
          "Workload options (-o KEY=VALUE), as KEY=DEFAULT:", 26,
          HelpText.workloadOptions(Workloads.all()));
      return spec;
    }
  }

  @Override
  public Integer call() {
    PrintWriter stdout = spec.commandLine().getOut();
    // the runner logs to a PrintStream: one onto the command's stderr writer
    PrintStream log = WriterStream.of(spec.commandLine().getErr());
    String location = resume != null ? resume : out;
    RemoteRun remote = location != null && RunStores.isUri(location)
        ? RemoteRun.of(location, staging) : null;
    if (remote == null && staging != null) {
      throw new IllegalArgumentException("--staging is for a run at a URI (--out or --resume"
          + " hdfs://...); a run at a local path works in its directory");
    }
    try {
      return call(stdout, log, remote);
    } finally {
      if (remote != null) {
        remote.cleanUp();
      }
    }
  }

  private int call(PrintWriter stdout, PrintStream log, RemoteRun remote) {
    ExperimentRunner runner;
    if (resume != null) {
      if (workload != null || out != null || spark != null) {
        throw new IllegalArgumentException("--resume DIR takes its settings from DIR/run.json"
            + " (a Spark master included): give neither a workload nor --out nor --spark");
      }
      if (remote == null) {
        Path directory = Path.of(resume);
        RunSettings settings = ExperimentRunner.settingsOf(directory);
        Backend backend = Backends.byName(settings.backend());
        runner = ExperimentRunner.resume(Workloads.byName(settings.workload()), backend,
            directory, log);
      } else {
        RunMirror mirror = remote.open(log);
        runner = remote.naming(() -> {
          RunSettings settings;
          try {
            settings = ExperimentRunner.settingsOf(remote.staging());
          } catch (RuntimeException e) {
            mirror.close();
            throw e;
          }
          return ExperimentRunner.resume(Workloads.byName(settings.workload()),
              Backends.byName(settings.backend()), remote.staging(), mirror, log);
        });
      }
    } else {
      if (workload == null || out == null) {
        throw new IllegalArgumentException("give a workload (" + String.join(", ",
            Workloads.all().keySet()) + ") and --out DIR, or --resume DIR");
      }
      WorkloadFactory factory = Workloads.byName(workload);
      Map<String, String> options = new LinkedHashMap<>(workloadOptions);
      if (data != null) {
        options.put("data", data.toString());
      }
      if (spark != null) {
        SparkRun.check(factory, algorithms, spark);
        options.put("spark", spark);
      }
      Backend backend = backendOption.backend(spec);
      RunSettings settings = new RunSettings(factory.name(), algorithms, seeds, firstSeed,
          budget == null ? factory.defaultBudget() : budget, maxIterations, evaluateEvery,
          checkpointEvery, backend.name(),
          new MethodOverrides(alpha, t, k, batch, rho), options);
      runner = remote == null
          ? ExperimentRunner.start(factory, settings, backend, Path.of(out), log)
          : ExperimentRunner.start(factory, settings, backend, remote.staging(),
              remote.create(log), log);
    }
    // one progress display: a bar on a terminal, else a line per evaluation; none if --quiet
    runner.progress(GlobalOptions.of(spec).quiet ? RunProgress.SILENT
        : ProgressDisplay.available(spec) ? new RunProgressBar(spec, log)
        : RunProgress.lines(log));
    RunSettings settings = runner.settings();
    stdout.printf("run %s: %s x %d seeds, budget %d samples%n", settings.workload(),
        Arrays.toString(settings.algorithms().toArray()), settings.seeds(), settings.budget());
    stdout.flush();
    long start = System.nanoTime();
    runner.run();
    log.flush();
    String directory = remote == null ? (resume != null ? resume : out)
        : remote.location().replaceFirst("(?<=[^/])/+$", "");
    stdout.printf("done in %.1f s: %s/metrics.csv, %s/summary.json, plots in %s/plots%n",
        (System.nanoTime() - start) / 1e9, directory, directory, directory);
    return 0;
  }
}
