package io.github.bilevel.bsgm.problems;

import io.github.bilevel.bsgm.Vjp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.bsgm.Batch;
import io.github.bilevel.bsgm.Sid;
import io.github.bilevel.bsgm.StepSchedule;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.Backends;
import io.github.bilevel.kernels.Buffers;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The non-quadratic lower level: VJPs and the hypergradient against finite differences. */
class PerFeatureLogisticTest {

  private final Backend backend = Backends.byName("simd");
  private static final int P = 5;

  private PerFeatureLogistic problem(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    double[] truth = random.doubles(P, -2, 2).toArray();
    int n = 120;
    int nv = 80;
    double[] x = random.doubles((long) n * P, -1, 1).toArray();
    double[] xv = random.doubles((long) nv * P, -1, 1).toArray();
    return new PerFeatureLogistic(backend, x, labels(random, x, truth, n), xv,
        labels(random, xv, truth, nv), P, 0.01, 5.0);
  }

  private static double[] labels(SplittableRandom random, double[] x, double[] truth, int n) {
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      double z = 0;
      for (int j = 0; j < P; j++) {
        z += x[i * P + j] * truth[j];
      }
      y[i] = random.nextDouble() < 1 / (1 + Math.exp(-z)) ? 1 : -1;
    }
    return y;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  private static double[] shift(double[] x, double[] d, double h) {
    double[] out = x.clone();
    for (int i = 0; i < out.length; i++) {
      out[i] += h * d[i];
    }
    return out;
  }

  @Test
  void vectorJacobianProductsMatchCentralDifferences() {
    try (PerFeatureLogistic problem = problem(1); Arena arena = Arena.ofConfined()) {
      SplittableRandom random = new SplittableRandom(2);
      Batch batch = new Batch(16).draw(random, 16, problem.lowerSamples());
      double[] w = random.doubles(P, -1, 1).toArray();
      double[] lambda = random.doubles(P, 0.1, 1).toArray();
      double[] v = random.doubles(P, -1, 1).toArray();
      double[] u = random.doubles(P, -1, 1).toArray();
      double h = 1e-5;
      DVector out = Buffers.vector(arena, P);
      DVector plus = Buffers.vector(arena, P);
      DVector minus = Buffers.vector(arena, P);
      DVector lv = Buffers.vector(arena, lambda);
      DVector wv = Buffers.vector(arena, w);
      Vjp.w(problem, wv, lv, batch, Buffers.vector(arena, v), out);
      problem.map(Buffers.vector(arena, shift(w, u, h)), lv, batch, plus);
      problem.map(Buffers.vector(arena, shift(w, u, -h)), lv, batch, minus);
      double fd = 0;
      for (int j = 0; j < P; j++) {
        fd += v[j] * (plus.get(j) - minus.get(j)) / (2 * h);
      }
      assertEquals(fd, dot(out.toArray(), u), 1e-7 * (1 + Math.abs(fd)), "∂₁Φᵀv");
      Vjp.lambda(problem, wv, lv, batch, Buffers.vector(arena, v), out);
      problem.map(wv, Buffers.vector(arena, shift(lambda, u, h)), batch, plus);
      problem.map(wv, Buffers.vector(arena, shift(lambda, u, -h)), batch, minus);
      fd = 0;
      for (int j = 0; j < P; j++) {
        fd += v[j] * (plus.get(j) - minus.get(j)) / (2 * h);
      }
      assertEquals(fd, dot(out.toArray(), u), 1e-7 * (1 + Math.abs(fd)), "∂₂Φᵀv");
      Batch zeta = new Batch(16).draw(random, 16, problem.upperSamples());
      problem.objectiveGradientW(wv, lv, zeta, out);
      fd = (problem.objective(Buffers.vector(arena, shift(w, u, h)), lv, zeta)
          - problem.objective(Buffers.vector(arena, shift(w, u, -h)), lv, zeta)) / (2 * h);
      assertEquals(fd, dot(out.toArray(), u), 1e-7 * (1 + Math.abs(fd)), "∇₁E");
    }
  }

  /** f(λ) = E(w*(λ)) with w* from many full-batch KM steps. */
  private static double upperObjective(PerFeatureLogistic problem, Arena arena,
      double[] lambda) {
    Batch train = new Batch(problem.lowerSamples()).all(problem.lowerSamples());
    Batch validation = new Batch(problem.upperSamples()).all(problem.upperSamples());
    DVector w = Buffers.vector(arena, P);
    DVector phi = Buffers.vector(arena, P);
    DVector lv = Buffers.vector(arena, lambda);
    for (int i = 0; i < 20_000; i++) {
      problem.map(w, lv, train, phi);
      if (problem.backend().kmStepResidual(1.0, phi, w) < 1e-15) {
        break;
      }
    }
    return problem.objective(w, lv, validation);
  }

  @Test
  void fullBatchSidMatchesFiniteDifferencesOfTheUpperObjective() {
    try (PerFeatureLogistic problem = problem(3); Arena arena = Arena.ofConfined();
        Sid sid = new Sid(problem, 1, 1)) {
      double[] lambda = new SplittableRandom(4).doubles(P, 0.05, 0.5).toArray();
      DVector out = Buffers.vector(arena, P);
      sid.hypergradient(Buffers.vector(arena, lambda),
          new Sid.Options(20_000, 20_000, 1, 1, StepSchedule.constant(1.0), true),
          new SplittableRandom(5), out);
      double h = 1e-5;
      for (int j = 0; j < P; j++) {
        double[] e = new double[P];
        e[j] = 1;
        double fd = (upperObjective(problem, arena, shift(lambda, e, h))
            - upperObjective(problem, arena, shift(lambda, e, -h))) / (2 * h);
        assertEquals(fd, out.get(j), 1e-6 * (1 + Math.abs(fd)), "∂f/∂λ_" + j);
      }
    }
  }

  @Test
  void labelsMustBeMinusOneOrOne() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new PerFeatureLogistic(backend, new double[2], new double[] {0.0}, new double[2],
            new double[] {1.0}, 2, 0.1, 1));
    assertTrue(e.getMessage().contains("y[0] = 0.0"), e.getMessage());
  }
}
