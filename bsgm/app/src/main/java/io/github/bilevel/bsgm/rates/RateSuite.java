package io.github.bilevel.bsgm.rates;

import io.github.bilevel.kernels.Backend;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.function.Consumer;

/**
 * The rate-validation suite: runs {@link RateExperiment}s, fits their slopes with a bootstrap
 * interval over seeds ({@link SlopeFit}) and applies their pass rules.
 */
public final class RateSuite {

  private RateSuite() {}

  /** The experiments of {@code bsgm rates}, in the order they run. Register new ones here. */
  public static List<RateExperiment> standardExperiments() {
    return List.of(
        new SidMseExperiment(),
        new SidDeterministicExperiment(),
        new SidMseBoundExperiment(),
        new BsgmStationarityExperiment(),
        new BsgmDeterministicExperiment(),
        new MrboStationarityExperiment(),
        new VrboStationarityExperiment(),
        new SobaStationarityExperiment());
  }

  /**
   * A suite run's settings.
   *
   * @param profile    sizes and default seeds
   * @param seeds      seeds per experiment, overriding each experiment's default when present
   * @param seed       base seed of every random draw (runs and bootstrap)
   * @param resamples  bootstrap resamples per experiment
   * @param level      coverage of the intervals, e.g. 0.95
   * @param threads    worker threads for independent seeds (results do not depend on it)
   */
  public record Config(RateProfile profile, OptionalInt seeds, long seed, int resamples,
      double level, int threads) {
    public Config {
      if (threads < 1) {
        throw new IllegalArgumentException("threads must be >= 1, got " + threads);
      }
      Objects.requireNonNull(profile, "profile");
      Objects.requireNonNull(seeds, "seeds");
      if (seeds.isPresent() && seeds.getAsInt() < 2) {
        throw new IllegalArgumentException(
            "--seeds must be >= 2 (the interval resamples seeds), got " + seeds.getAsInt());
      }
      if (resamples < 1) {
        throw new IllegalArgumentException("resamples must be >= 1, got " + resamples);
      }
      if (!(level > 0 && level < 1)) {
        throw new IllegalArgumentException("level must lie in (0, 1), got " + level);
      }
    }

    /**
     * The defaults of a profile: each experiment's own seeds, 2000 resamples, 95%, one thread
     * per available processor.
     */
    public static Config of(RateProfile profile, long seed) {
      return new Config(profile, OptionalInt.empty(), seed, 2000, 0.95,
          Runtime.getRuntime().availableProcessors());
    }
  }

  /**
   * One experiment's outcome.
   *
   * @param experiment  what ran
   * @param measurement its per-seed values
   * @param curve       the aggregated curve at every abscissa (from all seeds)
   * @param fit         slope, intercept and interval
   * @param withinBound whether the curve stays below the measurement's upper bound at every
   *                    abscissa (true where the experiment has none)
   * @param pass        the verdict: the pass rule on the slope, and the bound where there is one
   * @param seconds     wall time of the measurement and the fit
   */
  public record Result(RateExperiment experiment, Measurement measurement, double[] curve,
      SlopeFit fit, boolean withinBound, boolean pass, double seconds) {}

  /** Runs one experiment. */
  public static Result run(RateExperiment experiment, Backend backend, Config config,
      Consumer<String> progress) {
    long start = System.nanoTime();
    int seeds = config.seeds().orElse(experiment.defaultSeeds(config.profile()));
    Measurement measurement = experiment.measure(new RateExperiment.Context(backend,
        config.profile(), seeds, config.seed(), config.threads(), progress));
    if (measurement.seeds() != seeds) {
      throw new IllegalStateException(experiment.name() + " returned " + measurement.seeds()
          + " seeds, " + seeds + " were asked for");
    }
    long bootstrapSeed = RateExperiment.deriveSeed(config.seed(), experiment.name().hashCode(),
        0xB007L);
    SlopeFit fit = SlopeFit.bootstrap(measurement.x(), measurement.values(),
        measurement.fitIndices(), experiment.scale(), experiment.aggregation(), config.level(),
        config.resamples(), bootstrapSeed);
    double[] curve = new double[measurement.x().length];
    int[] all = Measurement.allIndices(seeds);
    experiment.aggregation().aggregate(measurement.values(), all, curve);
    boolean withinBound = measurement.withinBound(curve);
    boolean pass = experiment.passRule().passes(fit) && withinBound;
    double seconds = (System.nanoTime() - start) / 1e9;
    progress.accept(String.format(java.util.Locale.ROOT,
        "%s: finished in %.1f s, slope %.4f [%.4f, %.4f]%s, %s", experiment.name(), seconds,
        fit.slope(), fit.ciLow(), fit.ciHigh(), measurement.upperBound() == null ? ""
            : withinBound ? ", below the bound" : ", ABOVE the bound", pass ? "PASS" : "FAIL"));
    return new Result(experiment, measurement, curve, fit, withinBound, pass, seconds);
  }

  /** Runs the experiments in order. */
  public static List<Result> runAll(List<RateExperiment> experiments, Backend backend,
      Config config, Consumer<String> progress) {
    List<Result> out = new ArrayList<>();
    for (RateExperiment experiment : experiments) {
      out.add(run(experiment, backend, config, progress));
    }
    return out;
  }
}
