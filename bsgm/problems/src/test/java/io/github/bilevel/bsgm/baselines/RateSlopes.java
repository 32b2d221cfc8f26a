package io.github.bilevel.bsgm.baselines;

import io.github.bilevel.bsgm.Budget;
import io.github.bilevel.bsgm.problems.QuadraticProblem;
import io.github.bilevel.bsgm.baselines.WarmStartBilevel.Options;
import io.github.bilevel.bsgm.baselines.WarmStartPreset;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.Backends;
import io.github.bilevel.kernels.Buffers;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A measurement, not a test: the log–log slope of {@code E‖∇f(λ)‖²} against the samples used,
 * averaged over seeds, on the stochastic quadratic ({@code d = 10, m = 3, q = 1/3}, noise 0.5,
 * {@code 2^15} samples), for MRBO (theory −2/3), VRBO with the horizon-dependent settings of its
 * theorem (−2/3) and BSGM with Theorem 16's schedule (−1/2). {@code ‖∇f‖²} is exact (the
 * problem's dense-solve hypergradient). Run with the test classpath:
 * {@code java --add-modules jdk.incubator.vector -cp … io.github.bilevel.bsgm.baselines.RateSlopes [seeds [log2 MRBO iterations [mrbo,bsgm,vrbo]]]}
 * (defaults 16, 18, all three).
 */
public final class RateSlopes {

  private static final int BINS_PER_OCTAVE = 2;

  private RateSlopes() {}

  public static void main(String[] args) {
    int seeds = args.length > 0 ? Integer.parseInt(args[0]) : 16;
    int mrboLog2 = args.length > 1 ? Integer.parseInt(args[1]) : 18;
    String which = args.length > 2 ? args[2] : "mrbo,bsgm,vrbo";
    Backend backend = Backends.byName("simd");
    try (QuadraticProblem problem = new QuadraticProblem(backend, 10, 3, 1.0, 2.0, 1 << 15, 0.5,
        9L)) {
      QuadraticFacts facts = new QuadraticFacts(problem);
      System.out.printf(Locale.ROOT, "problem: d = 10, m = 3, q = %.3f, mu_f = %.3f, L_f = %.3f,"
          + " ||grad f(0)||^2 = %.3f, %d seeds%n", facts.q, facts.muF, facts.lipschitzF,
          facts.gradientNormSquared(new double[3]), seeds);
      if (which.contains("mrbo")) {
        mrbo(problem, facts, seeds, 1 << mrboLog2);
      }
      if (which.contains("bsgm")) {
        bsgm(problem, facts, seeds);
      }
      if (which.contains("vrbo")) {
        vrbo(problem, facts, seeds);
      }
      facts.close();
    }
  }

  /** Mean over seeds of ‖∇f‖² in logarithmic bins of the sample count. */
  private static final class Binned {
    final double[] sumError = new double[200];
    final double[] sumSamples = new double[200];
    final long[] count = new long[200];

    void add(long samples, double error) {
      int bin = (int) Math.floor(BINS_PER_OCTAVE * Math.log(samples) / Math.log(2));
      sumError[bin] += error;
      sumSamples[bin] += samples;
      count[bin]++;
    }

    /** Least-squares slope of log mean error against log mean samples over [from, to]. */
    double slope(double from, double to, boolean print) {
      double sx = 0;
      double sy = 0;
      double sxx = 0;
      double sxy = 0;
      int n = 0;
      for (int bin = 0; bin < count.length; bin++) {
        if (count[bin] == 0) {
          continue;
        }
        double samples = sumSamples[bin] / count[bin];
        double error = sumError[bin] / count[bin];
        if (print) {
          System.out.printf(Locale.ROOT, "    n = %12.0f   E||grad f||^2 = %.4e%n", samples,
              error);
        }
        if (samples < from || samples > to) {
          continue;
        }
        double x = Math.log(samples);
        double y = Math.log(error);
        sx += x;
        sy += y;
        sxx += x * x;
        sxy += x * y;
        n++;
      }
      return (n * sxy - sx * sy) / (n * sxx - sx * sx);
    }
  }

  private static void report(String name, Binned binned, double from, double to,
      double theory) {
    System.out.println(name);
    double all = binned.slope(from, to, true);
    double lower = binned.slope(from, Math.sqrt(from * to), false);
    double upper = binned.slope(Math.sqrt(from * to), to, false);
    System.out.printf(Locale.ROOT, "  slope over n in [%.3g, %.3g]: %.3f (halves %.3f, %.3f);"
        + " theory %.3f%n", from, to, all, lower, upper, theory);
  }

  private static void mrbo(QuadraticProblem problem, QuadraticFacts facts, int seeds,
      int iterations) {
    Mrbo.Options options = Mrbo.Options.builder().neumannTerms(15)
        .budget(Budget.iterations(iterations)).build();
    Binned binned = new Binned();
    long samples = 0;
    try (Arena arena = Arena.ofConfined(); Mrbo mrbo = new Mrbo(problem, 1, 1)) {
      for (int seed = 0; seed < seeds; seed++) {
        DVector lambda = Buffers.vector(arena, 3);
        samples = mrbo.run(lambda, options, new SplittableRandom(1000 + seed),
            p -> binned.add(p.samples(), facts.gradientNormSquared(lambda.toArray())))
            .samples();
      }
    }
    report("MRBO (a = 1, m = 8, c1 = c2 = 1, c_lambda = 0.5, c_w = 1, b = J = 1, Q = 15)",
        binned, samples / 512.0, samples, -2.0 / 3);
  }

  private static void bsgm(QuadraticProblem problem, QuadraticFacts facts, int seeds) {
    int iterations = 1500;
    Options options = Options.builder(WarmStartPreset.BSGM).alpha(0.2)
        .budget(Budget.iterations(iterations)).build();
    Binned binned = new Binned();
    long samples = 0;
    try (Arena arena = Arena.ofConfined();
        WarmStartBilevel runner = new WarmStartBilevel(problem, iterations, 1)) {
      for (int seed = 0; seed < seeds; seed++) {
        DVector lambda = Buffers.vector(arena, 3);
        samples = runner.run(lambda, options, new SplittableRandom(2000 + seed),
            p -> binned.add(p.samples(), facts.gradientNormSquared(lambda.toArray())))
            .samples();
      }
    }
    report("BSGM preset (Theorem 16: t = k = J = s + 1, eta_i = 2/(2 + i), alpha = 0.2)",
        binned, samples / 512.0, samples, -0.5);
  }

  /**
   * VRBO with its theorem's horizon-dependent settings: for a budget {@code N}, target
   * {@code ε ∝ N^{-2/3}}: large batches {@code S ∝ ε⁻¹ ∝ N^{2/3}}, period and small batches
   * {@code ∝ ε^{-1/2}}; one run per budget and seed, and the theorem's criterion: the mean of
   * {@code ‖∇f(λ_k)‖²} over the run's outer steps (the expectation at an iterate drawn uniformly).
   */
  private static void vrbo(QuadraticProblem problem, QuadraticFacts facts, int seeds) {
    Binned binned = new Binned();
    double first = 0;
    double last = 0;
    try (Arena arena = Arena.ofConfined()) {
      for (int log = 16; log <= 24; log++) {
        long budget = 1L << log;
        int large = (int) Math.ceil(Math.pow(budget, 2.0 / 3) / 16);
        int root = (int) Math.ceil(Math.sqrt(large));
        int small = Math.max(1, root / 4);
        Vrbo.Options options = Vrbo.Options.builder().cLambda(0.5).cW(0.5).period(root)
            .innerSteps(2).lowerBatch(small).batch(small).largeBatch(large)
            .largeLowerBatch(large).neumannTerms(15).budget(Budget.samples(budget)).build();
        double mean = 0;
        long used = 0;
        try (Vrbo vrbo = new Vrbo(problem, large, large)) {
          for (int seed = 0; seed < seeds; seed++) {
            DVector lambda = Buffers.vector(arena, 3);
            double[] sum = new double[1];
            io.github.bilevel.bsgm.Bsgm.Result result = vrbo.run(lambda, options,
                new SplittableRandom(3000 + seed),
                p -> sum[0] += facts.gradientNormSquared(lambda.toArray()));
            used += result.samples();
            mean += sum[0] / result.iterations() / seeds;
          }
        }
        binned.add(used / seeds, mean);
        System.out.printf(Locale.ROOT, "  VRBO N = 2^%d: S = %d, q = %d, b = J = %d%n", log,
            large, root, small);
        if (first == 0) {
          first = used / (double) seeds;
        }
        last = used / (double) seeds;
      }
    }
    report("VRBO (S = N^(2/3)/16, q = sqrt(S), b = J = q/4, T = 2, c_lambda = c_w = 0.5, Q = 15)",
        binned, first, last, -2.0 / 3);
  }
}
