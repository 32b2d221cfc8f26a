package io.github.bilevel.bsgm.cli;

import com.google.gson.GsonBuilder;
import io.github.bilevel.bsgm.Batch;
import io.github.bilevel.bsgm.Bsgm;
import io.github.bilevel.bsgm.IterationSchedule;
import io.github.bilevel.bsgm.problems.PerFeatureRidge;
import io.github.bilevel.bsgm.io.Npy;
import io.github.bilevel.bsgm.io.AtomicFiles;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.Buffers;
import io.github.bilevel.kernels.DVector;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bsgm solve ridge}, the command {@code solve} with its one problem so far
 * ({@link ProblemName}): BSGM on per-feature ridge regression from a given {@code λ}, with
 * the exact hypergradient for the stationarity measure {@code ‖G_α(λ)‖}; writes the
 * configuration, the trace and the result as JSON, and optionally the final {@code λ}.
 */
@Command(name = "solve", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Runs BSGM from a given λ and writes the trace and the result as JSON.",
        "ridge: per-feature ridge regression, λ ← P_Λ(λ − α ĥ), ĥ from SID.",
        "Schedules: thm16 (t = k = J = s + 1), thm16-horizon (t = k = J = S), thm17"
            + " (deterministic: full batch, t = k = ⌈c log(s + 2)⌉), fixed (--t, --k, --batch).",
        "The trace records per iteration s: samples so far, the UL objective E(w_t) at SID's"
            + " w_t on the whole validation set, ‖ĥ_s‖, the exact stationarity"
            + " ‖G_α(λ_s)‖ = ‖λ_s − P_Λ(λ_s − α∇f(λ_s))‖/α (dense solves) and the time."})
final class SolveRidgeCommand extends ProblemCommand {

  private static final List<String> SCHEDULES = List.of("thm16", "thm16-horizon", "thm17",
      "fixed");

  // picocli option declarations, one annotated field each: alike other commands' by shape only.
  @Mixin
  RidgeDataOptions data;

  @Option(names = "--iterations", required = true, paramLabel = "N",
      description = "Upper-level iterations N >= 0.")
  int iterations;

  @Option(names = "--alpha", required = true, paramLabel = "A",
      description = "Upper-level step α > 0 (at most 1/L_f for the theorems).")
  double alpha;

  @Option(names = "--schedule", required = true, paramLabel = "NAME",
      description = "thm16, thm16-horizon, thm17 or fixed.")
  String schedule;

  @Option(names = "--horizon", paramLabel = "S", description = "S for thm16-horizon.")
  Integer horizon;

  @Option(names = "--c", paramLabel = "C", description = "c for thm17 (default: 20).")
  Double c;

  @Option(names = "--t", paramLabel = "T", description = "t for fixed.")
  Integer t;

  @Option(names = "--k", paramLabel = "K", description = "k for fixed.")
  Integer k;

  @Option(names = "--batch", paramLabel = "J", description = "J for fixed.")
  Integer batch;

  @Mixin
  KmStepOptions steps;

  @Option(names = "--full-batch",
      description = "Deterministic SID at every iteration (implied by thm17).")
  boolean fullBatch;

  @Option(names = "--sample-budget", paramLabel = "N",
      description = "Stop once this many samples are used.")
  Long sampleBudget;

  @Option(names = "--time-limit", paramLabel = "SECONDS",
      description = "Stop after this much time.")
  Double timeLimit;

  @Option(names = "--exact-every", defaultValue = "1", paramLabel = "N",
      description = "Record the exact ‖G_α‖ every N iterations (default: ${DEFAULT-VALUE}).")
  int exactEvery = 1;

  @Mixin
  BackendOption backendOption;

  @Option(names = "--seed", paramLabel = "S",
      description = "Random seed (needed unless the run is deterministic).")
  Long seed;

  @Option(names = "--json", required = true, paramLabel = "FILE",
      description = "Where to write the configuration, trace and result.")
  Path json;

  @Option(names = "--out", paramLabel = "FILE", description = "Where to write the final λ (.npy).")
  Path out;

  @Override
  public Integer call() throws IOException {
    boolean deterministic = fullBatch || schedule.equals("thm17");
    IterationSchedule iterationSchedule = validate(deterministic);
    RidgeDataOptions.RidgeData d = data.load(steps);
    Backend backend = backendOption.backend(spec);
    PrintWriter stdout = stdout();
    PrintWriter stderr = stderr();
    int maxBatch = deterministic ? 1 : switch (schedule) {
      case "thm16" -> Math.max(1, iterations);
      case "thm16-horizon" -> horizon;
      case "fixed" -> batch;
      default -> 1;
    };
    int lowerBatch = deterministic ? 1 : steps.lowerBatch;
    try (PerFeatureRidge ridge = data.problem(backend, d, steps.mapStep);
        Bsgm bsgm = new Bsgm(ridge, maxBatch, lowerBatch);
        Arena arena = Arena.ofConfined()) {
      KmStepOptions.Steps km = steps.resolve(ridge, deterministic, stderr);
      Bsgm.Options options = Bsgm.Options.of(alpha, iterationSchedule, lowerBatch,
          km.schedule()).withFullBatch(deterministic);
      Bsgm.State state = bsgm.init();
      Bsgm.ExactHypergradient exact = (lambda, result) ->
          result.copyFrom(ridge.exactHypergradient(lambda.toArray()));
      DVector lambda = Buffers.vector(arena, d.lambda());
      Batch validation = new Batch(d.nv()).all(d.nv());
      SplittableRandom random = new SplittableRandom(seed == null ? 0 : seed);
      long budget = sampleBudget == null ? Long.MAX_VALUE : sampleBudget;
      long limitNanos = timeLimit == null ? Long.MAX_VALUE : (long) Math.min(9e18, timeLimit * 1e9);

      List<Map<String, Object>> trace = new ArrayList<>();
      long start = System.nanoTime();
      double initial = bsgm.gradientMappingNorm(lambda, alpha, exact);
      long samples = 0;
      int s = 0;
      String stopped = "iteration limit";
      try (ProgressDisplay progress = ProgressDisplay.open(spec, "BSGM", iterations)) {
        for (; s < iterations; s++) {
          if (samples >= budget) {
            stopped = "sample budget";
            break;
          }
          if (System.nanoTime() - start >= limitNanos) {
            stopped = "time limit";
            break;
          }
          double mapping = s == 0 ? initial
              : s % exactEvery == 0 ? bsgm.gradientMappingNorm(lambda, alpha, exact)
              : Double.NaN;
          samples += bsgm.iterate(state, lambda, options, random);
          double objective = ridge.objective(bsgm.lowerIterate(), lambda, validation);
          Map<String, Object> row = new LinkedHashMap<>();
          row.put("iteration", s);
          row.put("samples", samples);
          row.put("upper_objective", finite(objective));
          row.put("hypergradient_norm", finite(bsgm.lastHypergradientNorm()));
          row.put("gradient_mapping_norm", finite(mapping));
          row.put("seconds", (System.nanoTime() - start) / 1e9);
          trace.add(row);
          progress.stepTo(s + 1);
          if (!Double.isNaN(mapping)) {
            progress.message(String.format(Locale.ROOT, "‖G_α‖ %.3e", mapping));
          }
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      double[] finalLambda = lambda.toArray();
      double last = bsgm.gradientMappingNorm(lambda, alpha, exact);

      Map<String, Object> document = new LinkedHashMap<>();
      document.put("command", "solve ridge");
      document.put("configuration", configuration(backend, d, ridge, km, deterministic));
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("iterations", s);
      result.put("samples", samples);
      result.put("stopped_because", stopped);
      result.put("seconds", seconds);
      result.put("initial_stationarity", finite(initial));
      result.put("final_stationarity", finite(last));
      result.put("final_lambda", finalLambda);
      document.put("result", result);
      document.put("trace", trace);
      String text = new GsonBuilder().setPrettyPrinting().create().toJson(document);
      AtomicFiles.writeString(json, text + "\n");
      if (out != null) {
        Npy.writeVector(out, finalLambda);
      }
      stdout.printf(Locale.ROOT, "solve ridge on backend %s: n = %d, n_v = %d, p = %d;"
          + " q = %.6g, per-sample L̂ = %.6g%n", backend.name(), d.n(), d.nv(), d.p(),
          ridge.contractionConstant().orElse(Double.NaN),
          ridge.sampleResidualLipschitz().orElse(Double.NaN));
      stdout.printf(Locale.ROOT, "BSGM: α = %.6g, schedule %s%s; KM steps %s%n", alpha,
          schedule, deterministic ? " (full batch)" : ", seed " + seed, km.description());
      stdout.printf(Locale.ROOT, "stopped by the %s after %d iterations, %d samples, %.3f s%n",
          stopped, s, samples, seconds);
      stdout.printf(Locale.ROOT, "stationarity ‖G_α(λ)‖: %.6e at the start, %.6e at the end"
          + " (ratio %.3e)%n", initial, last, last / initial);
      stdout.printf(Locale.ROOT, "written: %s%s%n", json, out == null ? "" : ", " + out);
      stdout.flush();
    }
    return 0;
  }

  private Map<String, Object> configuration(Backend backend, RidgeDataOptions.RidgeData d,
      PerFeatureRidge ridge, KmStepOptions.Steps km, boolean deterministic) {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("train_x", data.trainX.toString());
    config.put("train_y", data.trainY.toString());
    config.put("val_x", data.valX.toString());
    config.put("val_y", data.valY.toString());
    config.put("lambda", data.lambda.toString());
    config.put("n", d.n());
    config.put("nv", d.nv());
    config.put("p", d.p());
    config.put("lambda_min", data.lambdaMin);
    config.put("lambda_max", data.lambdaMax);
    config.put("backend", backend.name());
    config.put("iterations", iterations);
    config.put("alpha", alpha);
    config.put("schedule", schedule);
    config.put("horizon", horizon);
    config.put("c", schedule.equals("thm17") ? c() : null);
    config.put("t", t);
    config.put("k", k);
    config.put("batch", batch);
    config.put("full_batch", deterministic);
    config.put("ll_batch", deterministic ? null : steps.lowerBatch);
    config.put("km_steps", km.description());
    config.put("step", finite(km.step()));
    config.put("beta", finite(km.beta()));
    config.put("gamma", finite(km.gamma()));
    config.put("map_step", ridge.mapStep());
    config.put("q", ridge.contractionConstant().orElse(Double.NaN));
    config.put("sample_residual_lipschitz", ridge.sampleResidualLipschitz().orElse(Double.NaN));
    config.put("sample_budget", sampleBudget);
    config.put("time_limit_seconds", timeLimit);
    config.put("exact_every", exactEvery);
    config.put("seed", seed);
    return config;
  }

  private double c() {
    return c == null ? 20.0 : c;
  }

  private static Double finite(double value) {
    return Double.isFinite(value) ? value : null;
  }

  private IterationSchedule validate(boolean deterministic) {
    if (!SCHEDULES.contains(schedule)) {
      throw new IllegalArgumentException("--schedule must be one of " + String.join(", ",
          SCHEDULES) + "; got '" + schedule + "'");
    }
    if (iterations < 0) {
      throw new IllegalArgumentException("--iterations must be >= 0, got " + iterations);
    }
    if (!(alpha > 0) || Double.isInfinite(alpha)) {
      throw new IllegalArgumentException("--alpha must be finite and > 0, got " + alpha);
    }
    if (horizon != null && !schedule.equals("thm16-horizon")) {
      throw new IllegalArgumentException("--horizon belongs to --schedule thm16-horizon");
    }
    if (c != null && !schedule.equals("thm17")) {
      throw new IllegalArgumentException("--c belongs to --schedule thm17");
    }
    if ((t != null || k != null || batch != null) && !schedule.equals("fixed")) {
      throw new IllegalArgumentException("--t, --k and --batch belong to --schedule fixed");
    }
    if (sampleBudget != null && sampleBudget < 1) {
      throw new IllegalArgumentException("--sample-budget must be >= 1, got " + sampleBudget);
    }
    if (timeLimit != null && !(timeLimit > 0)) {
      throw new IllegalArgumentException("--time-limit must be > 0 seconds, got " + timeLimit);
    }
    if (exactEvery < 1) {
      throw new IllegalArgumentException("--exact-every must be >= 1, got " + exactEvery);
    }
    if (!deterministic && seed == null) {
      throw new IllegalArgumentException("a stochastic run needs --seed S, so that it can be"
          + " repeated");
    }
    return switch (schedule) {
      case "thm16" -> IterationSchedule.theorem16();
      case "thm16-horizon" -> {
        if (horizon == null || horizon < 1) {
          throw new IllegalArgumentException("--schedule thm16-horizon needs --horizon S >= 1"
              + (horizon == null ? "" : ", got " + horizon));
        }
        yield IterationSchedule.theorem16Horizon(horizon);
      }
      case "thm17" -> {
        if (!(c() > 0) || Double.isInfinite(c())) {
          throw new IllegalArgumentException("--c must be finite and > 0, got " + c);
        }
        yield IterationSchedule.theorem17(c());
      }
      default -> {
        if (t == null || k == null || batch == null) {
          throw new IllegalArgumentException("--schedule fixed needs --t, --k and --batch");
        }
        if (t < 0 || k < 0 || batch < 1) {
          throw new IllegalArgumentException("--schedule fixed needs --t, --k >= 0 and --batch"
              + " >= 1, got " + t + ", " + k + ", " + batch);
        }
        yield IterationSchedule.fixed(t, k, batch);
      }
    };
  }
}
