package io.github.bilevel.bsgm.cli;

import io.github.bilevel.bsgm.problems.PerFeatureRidge;
import io.github.bilevel.bsgm.Sid;
import io.github.bilevel.bsgm.io.Npy;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.Buffers;
import io.github.bilevel.kernels.DVector;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bsgm hypergrad ridge}, the command {@code hypergrad} with its one problem so far
 * ({@link ProblemName}): the SID estimate of the per-feature ridge hypergradient at a
 * given {@code λ} (or the exact one, by dense solves), written as a 1-D float64 {@code .npy}.
 */
@Command(name = "hypergrad", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Computes one hypergradient ∇f(λ) by SID (or exactly) and writes it as .npy.",
        "ridge: per-feature ridge regression at λ.",
        "g(w, λ) = ‖Xw − y‖²/2n + Σ_j λ_j w_j²/2,  Φ(w, λ) = w − h ∇_w g,"
            + "  E(w) = ‖X_v w − y_v‖²/2n_v,  Λ = [λ_min, λ_max]^p.",
        "Mini-batch SID samples rows of X (LL, LS) and X_v (UL); --full-batch uses every row"
            + " at every step; --exact solves (XᵀX/n + diag λ) densely instead."})
final class HypergradRidgeCommand extends ProblemCommand {

  // picocli option declarations, one annotated field each: alike other commands' by shape only.
  @Mixin
  RidgeDataOptions data;

  @Option(names = "--t", paramLabel = "T", description = "Lower-level KM steps t >= 0.")
  Integer t;

  @Option(names = "--k", paramLabel = "K", description = "Linear-system KM steps k >= 0.")
  Integer k;

  @Option(names = "--batch", paramLabel = "J",
      description = "UL batch J >= 1 (for ĝ₁, ĝ₂ and ∂₂Φ̂ᵀv; not needed with --full-batch).")
  Integer batch;

  @Mixin
  KmStepOptions steps;

  @Option(names = "--full-batch",
      description = "Deterministic SID: every step uses all training and validation rows.")
  boolean fullBatch;

  @Option(names = "--exact", description = "The exact hypergradient (dense solves) instead.")
  boolean exact;

  @Mixin
  BackendOption backendOption;

  @Option(names = "--seed", paramLabel = "S",
      description = "Random seed (needed unless --full-batch or --exact).")
  Long seed;

  @Option(names = "--out", required = true, paramLabel = "FILE",
      description = "Where to write the hypergradient (1-D float64 .npy).")
  Path out;

  @Override
  public Integer call() throws IOException {
    validate();
    RidgeDataOptions.RidgeData d = data.load(steps);
    Backend backend = backendOption.backend(spec);
    PrintWriter stdout = stdout();
    PrintWriter stderr = stderr();
    try (PerFeatureRidge ridge = data.problem(backend, d, steps.mapStep)) {
      double q = ridge.contractionConstant().orElseThrow();
      double[] h;
      String method;
      long start;
      double seconds;
      if (exact) {
        start = System.nanoTime();
        try (ProgressDisplay progress = ProgressDisplay.open(spec, "exact (dense)", -1)) {
          h = ridge.exactHypergradient(d.lambda());
        }
        seconds = (System.nanoTime() - start) / 1e9;
        method = "exact hypergradient (dense Cholesky solves of XᵀX/n + diag λ)";
      } else {
        KmStepOptions.Steps km = steps.resolve(ridge, fullBatch, stderr);
        int j = fullBatch ? 1 : batch;
        int lowerBatch = fullBatch ? 1 : steps.lowerBatch;
        Sid.Diagnostics diagnostics;
        try (Arena arena = Arena.ofConfined(); Sid sid = new Sid(ridge, j, lowerBatch)) {
          DVector lambda = Buffers.vector(arena, d.lambda());
          DVector result = Buffers.vector(arena, d.p());
          Sid.Options options = new Sid.Options(t, k, j, lowerBatch, km.schedule(), fullBatch,
              true);
          start = System.nanoTime();
          try (ProgressDisplay progress = ProgressDisplay.open(spec, "SID", -1)) {
            diagnostics = sid.hypergradient(lambda, options,
                new SplittableRandom(seed == null ? 0 : seed), result);
          }
          seconds = (System.nanoTime() - start) / 1e9;
          h = result.toArray();
        }
        method = String.format(Locale.ROOT, "SID, t = %d, k = %d, %s; KM steps %s%n"
                + "samples used: %d; last residuals ‖Φ̂(w) − w‖ = %.3e (LL), %.3e (LS)", t, k,
            fullBatch ? "full batch" : "J = " + j + ", LL batch " + lowerBatch + ", seed "
                + seed, km.description(), diagnostics.samples(),
            diagnostics.lowerResidual().orElseThrow(), diagnostics.linearResidual().orElseThrow());
      }
      Npy.writeVector(out, h);
      double norm = 0;
      for (double v : h) {
        norm += v * v;
      }
      stdout.printf(Locale.ROOT, "hypergrad ridge on backend %s: n = %d, n_v = %d, p = %d%n",
          backend.name(), d.n(), d.nv(), d.p());
      stdout.printf(Locale.ROOT, "map Φ: step h = %.6g (%s; bound 2/L = %.6g), q = %.6g,"
              + " per-sample L̂ = %.6g%n", ridge.mapStep(),
          steps.mapStep == null ? "default 2/(L + μ)" : "--map-step", ridge.mapStepLimit(), q,
          ridge.sampleResidualLipschitz().orElse(Double.NaN));
      stdout.println(method);
      stdout.printf(Locale.ROOT, "time %.3f s; ‖ĥ‖ = %.6e; written to %s%n", seconds,
          Math.sqrt(norm), out);
      stdout.flush();
    }
    return 0;
  }

  private void validate() {
    if (t != null && t < 0 || k != null && k < 0) {
      throw new IllegalArgumentException("--t and --k must be >= 0, got --t " + t + ", --k "
          + k);
    }
    if (batch != null && batch < 1) {
      throw new IllegalArgumentException("--batch must be >= 1, got " + batch);
    }
    if (exact) {
      return;
    }
    if (t == null || k == null) {
      throw new IllegalArgumentException("SID needs --t and --k (or give --exact)");
    }
    if (!fullBatch && batch == null) {
      throw new IllegalArgumentException("mini-batch SID needs --batch J (or give"
          + " --full-batch)");
    }
    if (!fullBatch && seed == null) {
      throw new IllegalArgumentException("mini-batch SID needs --seed S, so that the run can be"
          + " repeated");
    }
  }
}
