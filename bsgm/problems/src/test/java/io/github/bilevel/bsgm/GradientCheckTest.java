package io.github.bilevel.bsgm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.bsgm.problems.EquilibriumModel;
import io.github.bilevel.bsgm.problems.PerFeatureLogistic;
import io.github.bilevel.bsgm.problems.PerFeatureRidge;
import io.github.bilevel.bsgm.problems.QuadraticProblem;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.Backends;
import io.github.bilevel.kernels.Buffers;
import io.github.bilevel.kernels.DMatrix;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** GradientCheck passes on the shipped problems and names the check a wrong derivative fails. */
class GradientCheckTest {

  private static final double TOLERANCE = 1e-6;
  private final Backend backend = Backends.byName("simd");

  private static double[] uniform(SplittableRandom random, int n, double low, double high) {
    return random.doubles(n, low, high).toArray();
  }

  private static DVector vector(Arena arena, double[] values) {
    return Buffers.vector(arena, values);
  }

  private static double[] signs(SplittableRandom random, int n) {
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      y[i] = random.nextBoolean() ? 1 : -1;
    }
    return y;
  }

  @Test
  void passesOnQuadraticRidgeAndLogistic() {
    SplittableRandom random = new SplittableRandom(3);
    int n = 30;
    int p = 7;
    double[] x = uniform(random, n * p, -1, 1);
    double[] xv = uniform(random, 11 * p, -1, 1);
    try (Arena arena = Arena.ofConfined();
        QuadraticProblem quadratic = new QuadraticProblem(backend, 9, 4, 1.0, 3.0, 5, 0.0, 2L);
        PerFeatureRidge ridge = new PerFeatureRidge(backend, x, uniform(random, n, -1, 1), xv,
            uniform(random, 11, -1, 1), p, 0.1, 2.0);
        PerFeatureLogistic logistic = new PerFeatureLogistic(backend, x, signs(random, n), xv,
            signs(random, 11), p, 0.1, 2.0)) {
      Batch xi = new Batch(8).assign(n, 3, 7, 7, 21, 0);
      Batch zeta = new Batch(11).all(11);
      for (BilevelProblem problem : new BilevelProblem[] {ridge, logistic}) {
        DVector w = vector(arena, uniform(random, p, -1, 1));
        DVector lambda = vector(arena, uniform(random, p, 0.2, 1.5));
        GradientCheck.Report report = GradientCheck.check(problem, w, lambda, xi, zeta);
        report.assertPassed(TOLERANCE);
        assertEquals(4, report.checks().size());
        assertTrue(report.check("vjpW").full());
        // the full batch takes the GEMV path of the ridge VJP
        GradientCheck.check(problem, w, lambda, new Batch(n).all(n), zeta)
            .assertPassed(TOLERANCE);
      }
      Batch q = new Batch(5).assign(5, 1, 4);
      DVector w = vector(arena, uniform(random, 9, -1, 1));
      DVector lambda = vector(arena, uniform(random, 4, -1, 1));
      GradientCheck.check(quadratic, w, lambda, q, q).assertPassed(TOLERANCE);
      // (the noisy quadratic's ∇₁Ê adds zero-mean noise that Ê does not have: noise 0 here)
      // directional comparisons (no full Jacobian) pass too
      GradientCheck.Report directional = GradientCheck.check(quadratic, w, lambda, q, q,
          new GradientCheck.Options(1e-5, 6, 0, 9L));
      directional.assertPassed(TOLERANCE);
      assertEquals(-1, directional.check("vjpW").worstIndex());
    }
  }

  @Test
  void passesOnATinyEquilibriumModel() {
    SplittableRandom random = new SplittableRandom(5);
    int n = 9;
    int p = 6;
    int d = 4;
    int classes = 3;
    try (Arena arena = Arena.ofConfined()) {
      DMatrix features = Buffers.matrix(arena, n, p, uniform(random, n * p, 0, 1));
      int[] labels = random.ints(n, 0, classes).toArray();
      try (EquilibriumModel model = new EquilibriumModel(backend, features, labels, classes, d,
          5, 0.5, 1.0)) {
        DVector lambda = Buffers.vector(arena, model.upperDimension());
        model.initialize(lambda, 0.6, 7L);
        Batch tasks = new Batch(5).assign(n, 4, 0, 8);
        DMatrix states = Buffers.matrix(arena, 3, d, uniform(random, 3 * d, -0.8, 0.8));
        GradientCheck.Report report = GradientCheck.check(model, states, lambda, tasks);
        report.assertPassed(TOLERANCE);
        assertEquals(0.0, report.check("linearization.map").relativeError());
        assertTrue(report.check("vjpState").full());
        assertTrue(report.check("vjpLambda").full()); // m = 59 entries
        GradientCheck.check(model, states, lambda, tasks,
            new GradientCheck.Options(1e-5, 6, 0, 4L)).assertPassed(TOLERANCE);
      }
    }
  }

  /** Ridge with a wrong {@code ∂₁Φ̂ᵀ v} (one entry scaled) or a wrong {@code ∇₁Ê}. */
  private record Wrong(PerFeatureRidge inner, boolean wrongVjp) implements BilevelProblem {
    @Override public Backend backend() { return inner.backend(); }
    @Override public int lowerDimension() { return inner.lowerDimension(); }
    @Override public int upperDimension() { return inner.upperDimension(); }
    @Override public int lowerSamples() { return inner.lowerSamples(); }
    @Override public int upperSamples() { return inner.upperSamples(); }
    @Override public void map(DVector w, DVector l, Batch xi, DVector out) {
      inner.map(w, l, xi, out);
    }
    @Override public double objective(DVector w, DVector l, Batch zeta) {
      return inner.objective(w, l, zeta);
    }
    @Override public void objectiveGradientW(DVector w, DVector l, Batch zeta, DVector out) {
      inner.objectiveGradientW(w, l, zeta, out);
      if (!wrongVjp) {
        out.set(2, out.get(2) * 1.01);
      }
    }
    @Override public void objectiveGradientLambda(DVector w, DVector l, Batch z, DVector out) {
      inner.objectiveGradientLambda(w, l, z, out);
    }
    @Override public void projectUpper(DVector lambda) {
      inner.projectUpper(lambda);
    }
    @Override public Linearization linearization(Arena arena) {
      Linearization right = inner.linearization(arena);
      return new Linearization() {
        @Override public void linearize(DVector w, DVector l, Batch xi) {
          right.linearize(w, l, xi);
        }
        @Override public void vjpW(DVector v, DVector out) {
          right.vjpW(v, out);
          if (wrongVjp) {
            out.set(4, out.get(4) * 1.001);
          }
        }
        @Override public void vjpLambda(DVector v, DVector out) {
          right.vjpLambda(v, out);
        }
      };
    }
  }

  @Test
  void catchesAWrongVjpAndAWrongObjectiveGradientNamingTheCheck() {
    SplittableRandom random = new SplittableRandom(8);
    int n = 20;
    int p = 6;
    try (Arena arena = Arena.ofConfined();
        PerFeatureRidge ridge = new PerFeatureRidge(backend, uniform(random, n * p, -1, 1),
            uniform(random, n, -1, 1), uniform(random, 7 * p, -1, 1), uniform(random, 7, -1, 1),
            p, 0.1, 2.0)) {
      DVector w = vector(arena, uniform(random, p, -1, 1));
      DVector lambda = vector(arena, uniform(random, p, 0.2, 1.5));
      Batch xi = new Batch(n).all(n);
      Batch zeta = new Batch(7).all(7);
      GradientCheck.check(ridge, w, lambda, xi, zeta).assertPassed(TOLERANCE);

      GradientCheck.Report vjp = GradientCheck.check(new Wrong(ridge, true), w, lambda, xi,
          zeta);
      assertEquals("vjpW", vjp.worst().name());
      assertEquals(4, vjp.worst().worstIndex());
      assertTrue(vjp.worst().relativeError() > 1e-4, vjp.toString());
      AssertionError error = assertThrows(AssertionError.class,
          () -> vjp.assertPassed(TOLERANCE));
      assertTrue(error.getMessage().contains("vjpW"), error.getMessage());

      GradientCheck.Report gradient = GradientCheck.check(new Wrong(ridge, false), w, lambda,
          xi, zeta);
      assertEquals("objectiveGradientW", gradient.worst().name());
      assertEquals(2, gradient.worst().worstIndex());
      assertTrue(!gradient.passed(TOLERANCE));
      assertTrue(gradient.check("vjpW").relativeError() <= TOLERANCE);
    }
  }

  @Test
  void aProductBeforeLinearizeIsAnIllegalState() {
    try (Arena arena = Arena.ofConfined();
        QuadraticProblem quadratic = new QuadraticProblem(backend, 3, 2, 1.0, 2.0, 1, 0.0, 1L)) {
      BilevelProblem.Linearization linearization = quadratic.linearization(arena);
      DVector v = Buffers.vector(arena, 3);
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> linearization.vjpW(v, Buffers.vector(arena, 3)));
      assertTrue(e.getMessage().contains("linearize"), e.getMessage());
    }
  }
}
