package io.github.bilevel.bsgm.cli;

import io.github.bilevel.bsgm.rates.RateExperiment;
import io.github.bilevel.bsgm.rates.RatePlots;
import io.github.bilevel.bsgm.rates.RateProfile;
import io.github.bilevel.bsgm.rates.RateReport;
import io.github.bilevel.bsgm.rates.RateSuite;
import io.github.bilevel.bsgm.runner.PlotSupport;
import io.github.bilevel.kernels.Backend;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bsgm rates}: the rate-validation suite. Runs every registered
 * {@link RateExperiment}, fits the slope of each on log–log (or log-linear) axes with a
 * percentile-bootstrap 95% interval over seeds, prints the verdict table on stdout (one
 * progress line per finished size on stderr, none under {@code --quiet}), and exits with 0 only
 * when every experiment passes, {@value #FAILED} when one fails (1: an error, 2: bad options).
 */
@Command(name = "rates", mixinStandardHelpOptions = true,
    description = {"Measure the convergence rates of SID and BSGM against the theory (slopes on "
        + "log-log axes, 95%% bootstrap intervals over seeds); exit status 0 only when every "
        + "experiment passes, 3 when one fails (1: an error, 2: bad options).",
        "Backend: here auto picks among the CPU backends only (simd first), and says so on "
            + "stderr when it passes over a GPU: the suite's small problems take one sample per "
            + "step, where a GPU's launch latency makes it over 10x slower than simd. "
            + "--backend cuda runs on the GPU anyway."},
    modelTransformer = RatesCommand.ExperimentList.class)
final class RatesCommand implements Callable<Integer> {

  /** Exit status when the suite ran and an experiment failed its pass rule. */
  static final int FAILED = 3;

  /**
   * The highest backend priority {@code auto} picks here: simd's, so that it passes over
   * accelerators (ranked above it), whose per-call latency dominates the suite's small steps.
   */
  static final int CPU_PRIORITY = 100;

  /** Why {@code auto} passes over an accelerator here (README, section GPU). */
  static final String LATENCY_BOUND = "the suite's small one-sample steps are latency-bound, "
      + "over 10x slower on a GPU than on simd";

  @Spec
  CommandSpec spec;

  // picocli option declarations, one annotated field each: alike other commands' by shape only.
  @Option(names = "--quick", description = "Fewer seeds and sizes (about a minute).")
  boolean quick;

  @Option(names = "--json", paramLabel = "FILE",
      description = "Write the results as JSON to FILE (atomically).")
  Path json;

  @Option(names = "--plots", paramLabel = "DIR",
      description = "Write NAME.png and NAME.svg per experiment into DIR (log-log plots).")
  Path plots;

  @Option(names = "--seeds", paramLabel = "N",
      description = "Seeds (independent runs) per size for every experiment, >= 2 "
          + "(default: each experiment's own, larger without --quick).")
  Integer seeds;

  @Mixin
  BackendOption backendOption;

  @Option(names = "--seed", defaultValue = "20250101",
      description = "Base seed of every random draw (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--only", paramLabel = "NAME", split = ",",
      description = "Run only these experiments (comma-separated names): "
          + "${COMPLETION-CANDIDATES} (default: all; listed below).",
      completionCandidates = ExperimentNames.class)
  List<String> only;

  @Option(names = "--resamples", defaultValue = "2000",
      description = "Bootstrap resamples per interval (default: ${DEFAULT-VALUE}).")
  int resamples;

  @Option(names = "--workers", paramLabel = "N",
      description = "Worker threads for independent seeds; the results do not depend on it "
          + "(default: the number of processors). --threads sets the kernels' threads.")
  Integer workerThreads;

  /** The experiments' names, from the registry that {@code --only} selects from. */
  static final class ExperimentNames implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return RateSuite.standardExperiments().stream().map(RateExperiment::name).iterator();
    }
  }

  /**
   * Adds the list of experiments, one line each with what it measures and the theory's slope,
   * to the help text from the registry itself, so that the help lists what {@code --only}
   * accepts.
   */
  static final class ExperimentList implements IModelTransformer {
    @Override
    public CommandSpec transform(CommandSpec spec) {
      List<String[]> rows = new ArrayList<>();
      for (RateExperiment e : RateSuite.standardExperiments()) {
        rows.add(new String[] {e.name(), String.format(Locale.ROOT, "theory slope %.4g: %s",
            e.theorySlope(), e.description())});
      }
      HelpText.addSection(spec, "experiments", "Experiments (--only NAME,...):", 22,
          Map.of("", rows));
      return spec;
    }
  }

  /** Test-only: a seconds-long configuration whose verdicts mean little. */
  @Option(names = "--tiny", hidden = true)
  boolean tiny;

  @Override
  public Integer call() throws Exception {
    System.setProperty("java.awt.headless", "true");
    if (seeds != null && seeds < 2) {
      throw new IllegalArgumentException(
          "--seeds must be >= 2 (the interval resamples seeds), got " + seeds);
    }
    if (resamples < 1) {
      throw new IllegalArgumentException("--resamples must be >= 1, got " + resamples);
    }
    int workers = workerThreads == null ? Runtime.getRuntime().availableProcessors()
        : workerThreads;
    if (workers < 1) {
      throw new IllegalArgumentException("--workers must be >= 1, got " + workers);
    }
    RateProfile profile = tiny ? RateProfile.TINY : quick ? RateProfile.QUICK : RateProfile.FULL;
    List<RateExperiment> experiments = select(RateSuite.standardExperiments(), only);
    if (plots != null) {
      Optional<String> noPlots = PlotSupport.unavailableReason();
      if (noPlots.isPresent()) {
        throw new IllegalArgumentException("--plots: " + noPlots.get());
      }
    }
    BackendOption.Choice choice = backendOption.choose(CPU_PRIORITY, LATENCY_BOUND);
    Backend backend = choice.backend();
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter stderr = spec.commandLine().getErr();
    boolean quiet = GlobalOptions.of(spec).quiet;
    Consumer<String> progress = line -> {
      if (!quiet) {
        synchronized (stderr) { // experiments may report from worker threads
          stderr.println("rates: " + line);
          stderr.flush();
        }
      }
    };
    RateSuite.Config config = new RateSuite.Config(profile,
        seeds == null ? OptionalInt.empty() : OptionalInt.of(seeds), seed, resamples, 0.95,
        workers);
    progress.accept(String.format(Locale.ROOT, "%s profile, backend %s, %d experiment(s),"
        + " %d thread(s)", profile.label(), backend.name(), experiments.size(), workers));
    if (!choice.passedOver().isEmpty()) {
      progress.accept("backend auto picked " + backend.name() + " over "
          + String.join(", ", choice.passedOver()) + ": " + LATENCY_BOUND + " (--backend "
          + choice.passedOver().get(0) + " runs there anyway)");
    } else if (GlobalOptions.of(spec).verbose) {
      choice.note().ifPresent(progress);
    }
    long start = System.nanoTime();
    List<RateSuite.Result> results = new ArrayList<>();
    for (RateExperiment experiment : experiments) {
      RateSuite.Result result = RateSuite.run(experiment, backend, config, progress);
      results.add(result);
      if (plots != null) {
        for (Path file : RatePlots.write(result, plots)) {
          progress.accept("wrote " + file);
        }
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    stdout.print(RateReport.table(results));
    stdout.printf(Locale.ROOT, "%d of %d passed in %.1f s%n",
        results.stream().filter(RateSuite.Result::pass).count(), results.size(), seconds);
    stdout.flush();
    if (json != null) {
      RateReport.writeJson(json, RateReport.json(results, config, backend.name(), seconds));
      progress.accept("wrote " + json);
    }
    return results.stream().allMatch(RateSuite.Result::pass) ? 0 : FAILED;
  }

  private static List<RateExperiment> select(List<RateExperiment> all, List<String> names) {
    if (names == null || names.isEmpty()) {
      return all;
    }
    List<RateExperiment> out = new ArrayList<>();
    for (String name : names) {
      RateExperiment found = all.stream().filter(e -> e.name().equals(name.trim())).findFirst()
          .orElseThrow(() -> new IllegalArgumentException("--only: no experiment named '" + name
              + "'; known: " + all.stream().map(RateExperiment::name)
              .collect(Collectors.joining(", "))));
      out.add(found);
    }
    return out;
  }
}
