package io.github.bilevel.bsgm;

import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.Checks;
import io.github.bilevel.kernels.DMatrix;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Checks a problem's derivatives by central finite differences against its own {@code map}
 * and {@code objective}: the linearization's vector–Jacobian products and the objective's
 * partial gradients, at one point.
 *
 * <p>Every check is the gradient of a scalar function {@code F} of one variable {@code x}:
 * {@code F(w) = ⟨v, Φ̂(w, λ, ξ)⟩} for {@code vjpW(v)} (a seeded random {@code v}),
 * {@code F(λ) = ⟨v, Φ̂(w, λ, ξ)⟩} for {@code vjpLambda(v)}, {@code F = Ê} for the objective's
 * gradients (for a {@link SeparableProblem}, {@code F(λ) = ⟨V, Φ_B(Z, λ)⟩/|B|} because its
 * {@code vjpLambda} is a batch mean, and the rows of {@code ∇₁E} are compared with
 * {@code |B| ∂F/∂Z} because they are not divided by {@code |B|}). Where {@code x} has at most
 * {@link Options#fullLimit()} entries the whole gradient is compared, entry by entry (2 function
 * evaluations per entry), and the report names the worst entry; otherwise the directional
 * derivatives {@code ⟨∇F, u⟩} along {@link Options#directions()} seeded random unit directions
 * {@code u} are compared (2 evaluations each), and the worst index is {@code -1}.
 *
 * <p>Relative errors: a full comparison divides {@code max_j |a_j − fd_j|} by
 * {@code max(‖a‖_∞, ‖fd‖_∞)}; a directional one divides {@code |⟨a, u⟩ − fd|} by
 * {@code max(|⟨a, u⟩|, |fd|)}. Both denominators are floored by the rounding noise of the
 * difference quotient, {@code 100 ε max|F(x ± hu)| / h}, so that gradients that vanish (a
 * term that {@code F} does not depend on) compare as equal instead of as 0/0.
 */
public final class GradientCheck {

  private GradientCheck() {}

  /**
   * How a check runs.
   *
   * @param step       {@code h}, the finite-difference step along a unit direction, {@code > 0}
   * @param directions random directions per check when the variable is too large for a full
   *                   comparison, {@code >= 1}
   * @param fullLimit  variables of at most this many entries are compared entry by entry
   * @param seed       seed of the random directions and probe vectors
   */
  public record Options(double step, int directions, int fullLimit, long seed) {

    /** {@code h = 1e-5}, 4 directions, full comparisons up to 64 entries, seed 1. */
    public static final Options DEFAULT = new Options(1e-5, 4, 64, 1L);

    public Options {
      if (!(step > 0) || Double.isInfinite(step) || directions < 1 || fullLimit < 0) {
        throw new IllegalArgumentException("need step > 0, directions >= 1 and fullLimit >= 0,"
            + " got " + step + ", " + directions + ", " + fullLimit);
      }
    }
  }

  /**
   * One check.
   *
   * @param name          what was checked ({@code vjpW}, {@code objectiveGradientLambda}, ...)
   * @param relativeError the worst relative error (see {@link GradientCheck})
   * @param worstIndex    the entry where a full comparison was worst, {@code -1} for a
   *                      directional comparison
   * @param full          whether the whole gradient was compared
   */
  public record Check(String name, double relativeError, int worstIndex, boolean full) {

    @Override
    public String toString() {
      return name + ": relative error " + relativeError
          + (full ? " (worst entry " + worstIndex + ")" : " (directional)");
    }
  }

  /** The checks of one problem at one point. */
  public record Report(List<Check> checks) {

    public Report {
      checks = List.copyOf(checks);
    }

    /** The check with the largest relative error (a non-finite error counts as largest). */
    public Check worst() {
      return checks.stream().max(Comparator.comparingDouble(
          c -> Double.isNaN(c.relativeError()) ? Double.POSITIVE_INFINITY : c.relativeError()))
          .orElseThrow();
    }

    /** The check named {@code name}. */
    public Check check(String name) {
      return checks.stream().filter(c -> c.name().equals(name)).findFirst()
          .orElseThrow(() -> new IllegalArgumentException("no check named " + name + " in "
              + checks));
    }

    /** Whether every relative error is at most {@code tolerance}. */
    public boolean passed(double tolerance) {
      return checks.stream().allMatch(c -> c.relativeError() <= tolerance);
    }

    /**
     * Throws unless {@link #passed}.
     *
     * @throws AssertionError naming the worst check, its error and entry, and every check
     */
    public void assertPassed(double tolerance) {
      if (!passed(tolerance)) {
        throw new AssertionError("gradient check failed: " + worst() + " > tolerance "
            + tolerance + "; all checks: " + checks);
      }
    }
  }

  /** The scalar function of one variable whose gradient a check compares. */
  @FunctionalInterface
  private interface Scalar {
    double at(DVector x);
  }

  /** {@link #check(BilevelProblem, DVector, DVector, Batch, Batch, Options)} with defaults. */
  public static Report check(BilevelProblem problem, DVector w, DVector lambda, Batch xi,
      Batch zeta) {
    return check(problem, w, lambda, xi, zeta, Options.DEFAULT);
  }

  /**
   * Checks {@code vjpW}, {@code vjpLambda} (of a linearization at {@code (w, λ, ξ)}),
   * {@code objectiveGradientW} and {@code objectiveGradientLambda} (on {@code ζ}) against
   * central differences of {@code map} and {@code objective}. Leaves {@code w}, {@code λ}
   * unchanged.
   */
  public static Report check(BilevelProblem problem, DVector w, DVector lambda, Batch xi,
      Batch zeta, Options options) {
    Objects.requireNonNull(problem, "problem");
    Objects.requireNonNull(xi, "xi");
    Objects.requireNonNull(zeta, "zeta");
    Objects.requireNonNull(options, "options");
    int d = problem.lowerDimension();
    int m = problem.upperDimension();
    Checks.checkLength("w", w, d);
    Checks.checkLength("lambda", lambda, m);
    Backend backend = problem.backend();
    SplittableRandom random = new SplittableRandom(options.seed());
    List<Check> checks = new ArrayList<>();
    try (Arena arena = Arena.ofConfined()) {
      DVector w0 = copy(backend, arena, w);
      DVector l0 = copy(backend, arena, lambda);
      DVector wx = backend.vector(arena, d);
      DVector lx = backend.vector(arena, m);
      DVector phi = backend.vector(arena, d);
      DVector v = gaussian(backend, arena, d, random);
      DVector gradW = backend.vector(arena, d);
      DVector gradLambda = backend.vector(arena, m);

      BilevelProblem.Linearization linearization = problem.linearization(arena);
      linearization.linearize(w0, l0, xi);
      linearization.vjpW(v, gradW);
      linearization.vjpLambda(v, gradLambda);
      checks.add(compare("vjpW", gradW.toArray(), backend, wx, w0, options, random,
          point -> {
            problem.map(point, l0, xi, phi);
            return backend.dot(v, phi);
          }, arena));
      checks.add(compare("vjpLambda", gradLambda.toArray(), backend, lx, l0, options,
          random, point -> {
            problem.map(w0, point, xi, phi);
            return backend.dot(v, phi);
          }, arena));

      problem.objectiveGradientW(w0, l0, zeta, gradW);
      problem.objectiveGradientLambda(w0, l0, zeta, gradLambda);
      checks.add(compare("objectiveGradientW", gradW.toArray(), backend, wx, w0,
          options, random, point -> problem.objective(point, l0, zeta), arena));
      checks.add(compare("objectiveGradientLambda", gradLambda.toArray(), backend,
          lx, l0, options, random, point -> problem.objective(w0, point, zeta), arena));
    }
    return new Report(checks);
  }

  /** {@link #check(SeparableProblem, DMatrix, DVector, Batch, Options)} with defaults. */
  public static Report check(SeparableProblem problem, DMatrix states, DVector lambda,
      Batch tasks) {
    return check(problem, states, lambda, tasks, Options.DEFAULT);
  }

  /**
   * Checks {@code vjpState} and {@code vjpLambda} (of a linearization at
   * {@code (Z, λ, B)}), {@code objectiveGradientState} and {@code objectiveGradientLambda}
   * against central differences of {@code map} and {@code objective}, and that the
   * linearization's own {@code map} at the fixed {@code (λ, B)} agrees with the problem's
   * ({@code linearization.map}, relative to {@code ‖Φ‖_∞}). Row {@code r} of {@code states} is
   * the state of task {@code B[r]}. Leaves {@code states}, {@code λ} unchanged.
   */
  public static Report check(SeparableProblem problem, DMatrix states, DVector lambda,
      Batch tasks, Options options) {
    Objects.requireNonNull(problem, "problem");
    Objects.requireNonNull(states, "states");
    Objects.requireNonNull(tasks, "tasks");
    Objects.requireNonNull(options, "options");
    int rows = tasks.size();
    int d = problem.stateDimension();
    int m = problem.upperDimension();
    if (states.rows() < rows || states.cols() != d) {
      throw new IllegalArgumentException("states must be at least " + rows + "x" + d
          + " for a batch of " + rows + " tasks, got " + states.rows() + "x" + states.cols());
    }
    Checks.checkLength("lambda", lambda, m);
    Backend backend = problem.backend();
    SplittableRandom random = new SplittableRandom(options.seed());
    List<Check> checks = new ArrayList<>();
    int n = rows * d;
    try (Arena arena = Arena.ofConfined()) {
      DMatrix z0 = backend.matrix(arena, rows, d);
      z0.copyFrom(states.rowSlice(0, rows));
      DVector z0Flat = z0.asVector();
      DVector l0 = copy(backend, arena, lambda);
      DMatrix zx = backend.matrix(arena, rows, d);
      DVector zxFlat = zx.asVector();
      DVector lx = backend.vector(arena, m);
      DMatrix phi = backend.matrix(arena, rows, d);
      DMatrix viaLinearization = backend.matrix(arena, rows, d);
      DMatrix v = backend.matrix(arena, rows, d);
      v.asVector().copyFrom(gaussian(backend, arena, n, random).toArray());
      DMatrix gradState = backend.matrix(arena, rows, d);
      DVector gradLambda = backend.vector(arena, m);

      SeparableProblem.SeparableLinearization linearization =
          problem.linearization(arena, rows);
      linearization.fix(l0, tasks);
      linearization.map(z0, viaLinearization);
      problem.map(z0, l0, tasks, phi);
      checks.add(agreement("linearization.map", phi.asVector().toArray(),
          viaLinearization.asVector().toArray()));
      linearization.linearize(z0);
      linearization.vjpState(v, gradState);
      linearization.vjpLambda(v, gradLambda);
      DVector vFlat = v.asVector();
      DVector phiFlat = phi.asVector();
      checks.add(compare("vjpState", gradState.asVector().toArray(), backend, zxFlat,
          z0Flat, options, random, flat -> {
            problem.map(zx, l0, tasks, phi);
            return backend.dot(vFlat, phiFlat);
          }, arena));
      checks.add(compare("vjpLambda", gradLambda.toArray(), backend, lx, l0,
          options, random, point -> {
            problem.map(z0, point, tasks, phi);
            return backend.dot(vFlat, phiFlat) / rows;
          }, arena));

      problem.objectiveGradientState(z0, l0, tasks, gradState);
      problem.objectiveGradientLambda(z0, l0, tasks, gradLambda);
      double[] meanRows = gradState.asVector().toArray();
      for (int i = 0; i < meanRows.length; i++) {
        meanRows[i] /= rows; // ∂(mean_r E_r)/∂z_r = ∇₁E_r/|B|
      }
      checks.add(compare("objectiveGradientState", meanRows, backend, zxFlat, z0Flat,
          options, random, flat -> problem.objective(zx, l0, tasks), arena));
      checks.add(compare("objectiveGradientLambda", gradLambda.toArray(), backend,
          lx, l0, options, random, point -> problem.objective(z0, point, tasks), arena));
    }
    return new Report(checks);
  }

  /**
   * Compares {@code analytic} with central differences of {@code f} around {@code x0}, moving
   * the work vector {@code x} (which {@code f} reads).
   */
  private static Check compare(String name, double[] analytic, Backend backend, DVector x,
      DVector x0, Options options, SplittableRandom random, Scalar f, Arena arena) {
    double h = options.step();
    int n = analytic.length;
    backend.copy(x0, x);
    if (n <= options.fullLimit()) {
      double[] fd = new double[n];
      double noise = 0;
      for (int j = 0; j < n; j++) {
        double xj = x.get(j);
        x.set(j, xj + h);
        double plus = f.at(x);
        x.set(j, xj - h);
        double minus = f.at(x);
        x.set(j, xj);
        fd[j] = (plus - minus) / (2 * h);
        noise = Math.max(noise, Math.max(Math.abs(plus), Math.abs(minus)));
      }
      double scale = Math.max(maxAbs(analytic), maxAbs(fd));
      scale = Math.max(scale, 100 * Math.ulp(1.0) * noise / h);
      double worst = 0;
      int worstIndex = n == 0 ? -1 : 0;
      for (int j = 0; j < n; j++) {
        double error = Math.abs(analytic[j] - fd[j]);
        if (!(error <= worst)) {
          worst = error;
          worstIndex = j;
        }
      }
      return new Check(name, scale == 0 ? worst : worst / scale, worstIndex, true);
    }
    DVector u = backend.vector(arena, n);
    double worst = 0;
    for (int k = 0; k < options.directions(); k++) {
      double[] direction = new double[n];
      double norm = 0;
      for (int j = 0; j < n; j++) {
        direction[j] = random.nextGaussian();
        norm += direction[j] * direction[j];
      }
      double dot = 0;
      for (int j = 0; j < n; j++) {
        direction[j] /= Math.sqrt(norm);
        dot += analytic[j] * direction[j];
      }
      u.copyFrom(direction);
      backend.copy(x0, x);
      backend.axpy(h, u, x);
      double plus = f.at(x);
      backend.copy(x0, x);
      backend.axpy(-h, u, x);
      double minus = f.at(x);
      double fd = (plus - minus) / (2 * h);
      double scale = Math.max(Math.max(Math.abs(dot), Math.abs(fd)),
          100 * Math.ulp(1.0) * Math.max(Math.abs(plus), Math.abs(minus)) / h);
      double error = Math.abs(dot - fd);
      double relative = scale == 0 ? error : error / scale;
      if (!(relative <= worst)) {
        worst = relative;
      }
    }
    backend.copy(x0, x);
    return new Check(name, worst, -1, false);
  }

  /** {@code max_j |a_j − b_j| / ‖a‖_∞}, the worst entry named. */
  private static Check agreement(String name, double[] reference, double[] other) {
    double worst = 0;
    int worstIndex = reference.length == 0 ? -1 : 0;
    for (int j = 0; j < reference.length; j++) {
      double error = Math.abs(reference[j] - other[j]);
      if (!(error <= worst)) {
        worst = error;
        worstIndex = j;
      }
    }
    double scale = maxAbs(reference);
    return new Check(name, scale == 0 ? worst : worst / scale, worstIndex, true);
  }

  private static double maxAbs(double[] values) {
    double max = 0;
    for (double value : values) {
      max = Math.max(max, Math.abs(value));
    }
    return max;
  }

  private static DVector copy(Backend backend, Arena arena, DVector source) {
    DVector out = backend.vector(arena, source.length());
    backend.copy(source, out);
    return out;
  }

  private static DVector gaussian(Backend backend, Arena arena, int n,
      SplittableRandom random) {
    double[] values = new double[n];
    for (int i = 0; i < n; i++) {
      values[i] = random.nextGaussian();
    }
    return backend.vector(arena, n).copyFrom(values);
  }
}
