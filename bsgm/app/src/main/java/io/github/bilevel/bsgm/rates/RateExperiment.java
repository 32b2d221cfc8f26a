package io.github.bilevel.bsgm.rates;

import io.github.bilevel.kernels.Backend;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * One empirical check of a convergence rate: it produces per-seed values at several sizes,
 * and {@link RateSuite} fits the slope of the aggregated curve, bootstraps its confidence
 * interval over seeds and applies the experiment's {@link PassRule}.
 *
 * <p>A new experiment is one class implementing this interface and one line in
 * {@link RateSuite#standardExperiments()}.
 */
public interface RateExperiment {

  /**
   * What a measurement needs.
   *
   * @param backend  the kernel backend the problems use
   * @param profile  how much work to do
   * @param seeds    independent runs (or instances) per size, {@code >= 2}
   * @param seed     the base seed every random draw of the experiment is derived from
   * @param threads  worker threads the experiment may use for independent seeds (the results
   *                 must not depend on it)
   * @param progress receives one line per finished size (or seed), for the user; may be
   *                 called from worker threads
   */
  record Context(Backend backend, RateProfile profile, int seeds, long seed, int threads,
      Consumer<String> progress) {
    public Context {
      if (threads < 1) {
        throw new IllegalArgumentException("threads must be >= 1, got " + threads);
      }
      Objects.requireNonNull(backend, "backend");
      Objects.requireNonNull(profile, "profile");
      Objects.requireNonNull(progress, "progress");
      if (seeds < 2) {
        throw new IllegalArgumentException(
            "at least 2 seeds are needed (the interval resamples them), got " + seeds);
      }
    }
  }

  /** A short name, e.g. {@code sid-mse}. */
  String name();

  /** One sentence: what is measured against what, on which problem. */
  String description();

  /** The slope the theory predicts (or bounds), in the coordinates of {@link #scale()}. */
  double theorySlope();

  /** When the measured slope agrees with the theory. */
  PassRule passRule();

  /** The coordinates of the fit. */
  Scale scale();

  /** The abscissa, in words with units. */
  String xLabel();

  /** The quantity of one seed, in words. */
  String yLabel();

  /** How the seeds' values become the fitted curve. */
  Aggregation aggregation();

  /** How many seeds the profile uses when the user does not say. */
  int defaultSeeds(RateProfile profile);

  /** Runs the experiment. */
  Measurement measure(Context context);

  /**
   * A seed derived from {@code base} and the given parts (experiment, size, run), so that
   * every run draws from its own reproducible stream.
   */
  static long deriveSeed(long base, long... parts) {
    long h = base;
    for (long part : parts) {
      h = new java.util.SplittableRandom(h ^ (part * 0x9E3779B97F4A7C15L)).nextLong();
    }
    return h;
  }
}
