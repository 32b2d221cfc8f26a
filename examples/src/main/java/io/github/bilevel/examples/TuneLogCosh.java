package io.github.bilevel.examples;

import io.github.bilevel.bsgm.*;
import io.github.bilevel.kernels.*;
import java.lang.foreign.Arena;
import java.util.SplittableRandom;

/** A problem on the core API alone, checked by {@link GradientCheck}, solved by {@link Bsgm}. */
public final class TuneLogCosh {

  /**
   * Per-feature weight decay {@code e^λ} of a robust (log-cosh) regression. Lower level: the step
   * {@code Φ̂(w, λ, i) = w − η (tanh(x_iᵀw − y_i) x_i + e^λ ⊙ w)}, a contraction as the Hessian
   * lies between {@code diag(e^λ)} and {@code (‖x_i‖² + e^λ) I} (rows of norm at most 1). Upper
   * level: {@code E(w, ζ) = ½ (x_ζᵀw − y_ζ)²} on validation rows. {@code Λ = [lo, hi]^p}.
   */
  public record LogCoshRegression(Backend backend, DMatrix x, DVector y, DMatrix xv, DVector yv,
      double lo, double hi, DVector gradient) implements BilevelProblem {

    private double eta() { return 1.0 / (1.0 + Math.exp(hi)); }   // 1/L, L = max ‖x_i‖² + e^hi
    @Override public int lowerDimension() { return x.cols(); }
    @Override public int upperDimension() { return x.cols(); }
    @Override public int lowerSamples() { return x.rows(); }
    @Override public int upperSamples() { return xv.rows(); }

    @Override public void map(DVector w, DVector lambda, Batch xi, DVector out) {
      backend.fill(0.0, gradient);
      for (int k = 0; k < xi.size(); k++) {
        DVector row = x.row(xi.index(k));
        double slope = Math.tanh(backend.dot(row, w) - y.get(xi.index(k)));
        backend.axpy(slope / xi.size(), row, gradient);
      }
      for (int j = 0; j < w.length(); j++) {   // reads w_j before writing out_j: out may be w
        out.set(j, w.get(j) - eta() * (gradient.get(j) + Math.exp(lambda.get(j)) * w.get(j)));
      }
    }

    @Override public Linearization linearization(Arena arena) {
      return new Linearization() {
        final DVector w = backend.vector(arena, x.cols()), decay = backend.vector(arena, x.cols());
        final double[] slopes = new double[x.rows()];   // tanh'(r_i) = 1 − tanh²(r_i) on the batch
        final Batch batch = new Batch(x.rows());   // empty until the first linearize
        @Override public void linearize(DVector at, DVector lambda, Batch xi) {
          backend.copy(at, w);
          batch.copyFrom(xi);
          for (int j = 0; j < w.length(); j++) {
            decay.set(j, Math.exp(lambda.get(j)));
          }
          for (int k = 0; k < xi.size(); k++) {
            double t = Math.tanh(backend.dot(x.row(xi.index(k)), at) - y.get(xi.index(k)));
            slopes[k] = 1.0 - t * t;
          }
        }
        @Override public void vjpW(DVector v, DVector out) {   // symmetric: v − η(H v)
          Linearization.requireLinearized(batch.size() > 0, LogCoshRegression.this);
          backend.fill(0.0, out);
          for (int k = 0; k < batch.size(); k++) {
            DVector row = x.row(batch.index(k));
            backend.axpy(-eta() * slopes[k] * backend.dot(row, v) / batch.size(), row, out);
          }
          for (int j = 0; j < v.length(); j++) {
            out.set(j, out.get(j) + v.get(j) * (1.0 - eta() * decay.get(j)));
          }
        }
        @Override public void vjpLambda(DVector v, DVector out) {   // ∂Φ̂_j/∂λ_j = −η e^λ_j w_j
          Linearization.requireLinearized(batch.size() > 0, LogCoshRegression.this);
          for (int j = 0; j < v.length(); j++) {
            out.set(j, -eta() * decay.get(j) * w.get(j) * v.get(j));
          }
        }
      };
    }

    private double residual(DVector w, int i) { return backend.dot(xv.row(i), w) - yv.get(i); }
    @Override public double objective(DVector w, DVector lambda, Batch zeta) {
      double sum = 0.0;
      for (int k = 0; k < zeta.size(); k++) sum += 0.5 * Math.pow(residual(w, zeta.index(k)), 2);
      return sum / zeta.size();
    }

    @Override public void objectiveGradientW(DVector w, DVector lambda, Batch zeta, DVector out) {
      backend.fill(0.0, out);
      for (int k = 0; k < zeta.size(); k++) {
        backend.axpy(residual(w, zeta.index(k)) / zeta.size(), xv.row(zeta.index(k)), out);
      }
    }
    @Override public void objectiveGradientLambda(DVector w, DVector l, Batch z, DVector out) {
      backend.fill(0.0, out);   // λ enters E only through w(λ)
    }

    @Override public void projectUpper(DVector lambda) { backend.clamp(lambda, lo, hi); }
  }

  /** The gradient check at λ = 0 and the validation loss f(λ) before and after BSGM. */
  public record Outcome(String backend, GradientCheck.Report check, double before, double after) {}

  public static void main(String[] args) {
    Outcome outcome = run(args.length > 0 ? Integer.parseInt(args[0]) : 400, 20, 40, 1L);
    System.out.println("backend " + outcome.backend() + "\ngradient check " + outcome.check());
    System.out.printf("validation loss %.6f -> %.6f%n", outcome.before(), outcome.after());
    outcome.check().assertPassed(1e-6);
  }

  /** {@code n} training rows (10 % outliers) and {@code n} clean validation rows, seeded. */
  public static Outcome run(int n, int p, int iterations, long seed) {
    Backend backend = Backends.preferred();
    SplittableRandom random = new SplittableRandom(seed);
    double[] truth = random.doubles(p).map(u -> u < 0.25 ? 3 * random.nextGaussian() : 0).toArray();
    try (Arena arena = Arena.ofConfined()) {
      DMatrix x = backend.matrix(arena, n, p), xv = backend.matrix(arena, n, p);
      DVector y = backend.vector(arena, n), yv = backend.vector(arena, n);
      sample(x, y, truth, 0.1, random);   // training labels with outliers, validation without
      sample(xv, yv, truth, 0.0, random);
      var problem = new LogCoshRegression(backend, x, y, xv, yv, -2, 1, backend.vector(arena, p));
      DVector lambda = backend.vector(arena, p), w = backend.vector(arena, p);
      Batch train = new Batch(n).all(n), validation = new Batch(n).all(n);
      GradientCheck.Report check = GradientCheck.check(problem, solve(problem, lambda, train, w),
          lambda, train, validation);
      double before = problem.objective(w, lambda, validation);
      try (Bsgm bsgm = new Bsgm(problem, n, n)) {   // deterministic BSGM: SID on full batches
        bsgm.run(lambda, Bsgm.Options.of(20.0, IterationSchedule.fixed(100, 100, n), 1,
            StepSchedule.constant(1.0)).withFullBatch(true).withMaxIterations(iterations),
            random, null);
      }
      double after = problem.objective(solve(problem, lambda, train, w), lambda, validation);
      return new Outcome(backend.name(), check, before, after);
    }
  }

  /** Rows uniform in {@code [−1, 1]^p/√p} (norm at most 1), labels {@code xᵀtruth} + noise. */
  private static void sample(DMatrix x, DVector y, double[] truth, double outliers,
      SplittableRandom random) {
    for (int i = 0; i < x.rows(); i++) {
      double dot = 0.0;
      for (int j = 0; j < x.cols(); j++) {
        x.set(i, j, (2.0 * random.nextDouble() - 1.0) / Math.sqrt(x.cols()));
        dot += x.get(i, j) * truth[j];
      }
      y.set(i, dot + (random.nextDouble() < outliers ? 5.0 : 0.1) * random.nextGaussian());
    }
  }

  /** {@code w ← w(λ)}: 1000 fixed-point iterations of the full-batch map, from 0. */
  private static DVector solve(BilevelProblem problem, DVector lambda, Batch all, DVector w) {
    problem.backend().fill(0.0, w);
    for (int i = 0; i < 1000; i++) problem.map(w, lambda, all, w);
    return w;
  }
}
