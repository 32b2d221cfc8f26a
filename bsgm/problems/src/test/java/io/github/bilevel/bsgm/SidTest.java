package io.github.bilevel.bsgm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import io.github.bilevel.bsgm.problems.QuadraticProblem;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.Backends;
import io.github.bilevel.kernels.Buffers;
import io.github.bilevel.kernels.DMatrix;
import io.github.bilevel.kernels.DVector;
import io.github.bilevel.kernels.ScalarBackend;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** SID and the KM solver against the exact answers of random quadratic problems. */
class SidTest {

  private final Backend backend = Backends.byName("simd");

  private static double distance(double[] a, double[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += (a[i] - b[i]) * (a[i] - b[i]);
    }
    return Math.sqrt(sum);
  }

  private static double norm(double[] a) {
    return distance(a, new double[a.length]);
  }

  /** A random deterministic instance drawn from {@code seed}. */
  private QuadraticProblem instance(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int d = 1 + random.nextInt(12);
    int m = 1 + random.nextInt(4);
    double mu = 0.1 + random.nextDouble();
    double lipschitz = mu * (1 + 20 * random.nextDouble());
    return new QuadraticProblem(backend, d, m, mu, lipschitz, 1, 0.0, seed);
  }

  @Test
  void deterministicSidErrorIsBelowThePerInstanceBound() {
    qt().withFixedSeed(20261122L).withExamples(200).forAll(longs().all()).checkAssert(seed -> {
      SplittableRandom random = new SplittableRandom(seed ^ 0x5EED);
      try (QuadraticProblem problem = instance(seed); Arena arena = Arena.ofConfined();
          Sid sid = new Sid(problem, 1, 1)) {
        int m = problem.upperDimension();
        double[] lambda = new double[m];
        for (int i = 0; i < m; i++) {
          lambda[i] = random.nextGaussian();
        }
        int t = random.nextInt(80);
        int k = random.nextInt(80);
        double eta = 0.3 + 0.7 * random.nextDouble();
        DVector out = Buffers.vector(arena, m);
        sid.hypergradient(Buffers.vector(arena, lambda),
            new Sid.Options(t, k, 1, 1, StepSchedule.constant(eta)), random, out);

        double q = problem.contractionConstant().orElseThrow();
        double qEta = 1 - eta * (1 - q);
        double[] wt = sid.lowerIterate().toArray();
        double delta = distance(wt, problem.exactLowerSolution(lambda));
        // v(w_t) = (I − ∂₁Φᵀ)⁻¹ ∇₁E(w_t) = (ηH)⁻¹ (P w_t + p): the exact LS solution at w_t
        double[] vAtWt = exactLinearSolution(problem, wt, arena);
        double bound = problem.mapLambdaJacobianBound()
            * (Math.pow(qEta, k) * norm(vAtWt)
                + problem.gradientLipschitzBound() / (1 - q) * delta);
        double error = distance(out.toArray(), problem.exactHypergradient(lambda));
        double scale = 1 + norm(problem.exactHypergradient(lambda));
        assertTrue(error <= bound * (1 + 1e-9) + 1e-10 * scale,
            "seed " + seed + ": error " + error + " > bound " + bound + " (t = " + t + ", k = "
                + k + ", q = " + q + ", η = " + eta + ")");
      }
    });
  }

  /** Solves {@code v = ∂₁Φᵀ v + ∇₁E(w)} by many exact KM steps from the problem's own VJPs. */
  private double[] exactLinearSolution(QuadraticProblem problem, double[] w, Arena arena) {
    int d = problem.lowerDimension();
    Batch one = new Batch(1).all(1);
    DVector wv = Buffers.vector(arena, w);
    DVector lambda = Buffers.vector(arena, problem.upperDimension());
    DVector g = Buffers.vector(arena, d);
    problem.objectiveGradientW(wv, lambda, one, g);
    // (I − ∂₁Φᵀ) v = g  ⇔  ηH v = g  (H symmetric positive definite): a direct solve
    double[] rhs = g.toArray();
    double[] hv = new double[d];
    DVector basis = Buffers.vector(arena, d);
    DVector column = Buffers.vector(arena, d);
    double[] iMinusJ = new double[d * d];
    for (int j = 0; j < d; j++) {
      backend.fill(0.0, basis);
      basis.set(j, 1.0);
      Vjp.w(problem, wv, lambda, one, basis, column);
      for (int i = 0; i < d; i++) {
        iMinusJ[i * d + j] = (i == j ? 1.0 : 0.0) - column.get(i);
      }
    }
    return DenseSolver.solveSpd(iMinusJ, d, rhs);
  }

  @Test
  void deterministicSidConvergesToTheExactHypergradient() {
    for (long seed = 1; seed <= 20; seed++) {
      try (QuadraticProblem problem = new QuadraticProblem(backend, 30, 5, 1.0, 10.0, 1, 0.0,
          seed); Arena arena = Arena.ofConfined(); Sid sid = new Sid(problem, 1, 1)) {
        double[] lambda = new SplittableRandom(seed).doubles(5, -1, 1).toArray();
        DVector out = Buffers.vector(arena, 5);
        sid.hypergradient(Buffers.vector(arena, lambda),
            new Sid.Options(400, 400, 1, 1, StepSchedule.constant(1.0)),
            new SplittableRandom(seed), out);
        double[] exact = problem.exactHypergradient(lambda);
        assertTrue(distance(out.toArray(), exact) <= 1e-9 * (1 + norm(exact)),
            "seed " + seed + ": " + distance(out.toArray(), exact));
      }
    }
  }

  @Test
  void kmIteratesShrinkByTheContractionRate() {
    for (long seed = 1; seed <= 30; seed++) {
      try (QuadraticProblem problem = instance(seed); Arena arena = Arena.ofConfined()) {
        int d = problem.lowerDimension();
        int m = problem.upperDimension();
        double q = problem.contractionConstant().orElseThrow();
        double eta = 0.5;
        double qEta = 1 - eta * (1 - q);
        double[] lambdaArray = new SplittableRandom(seed).doubles(m, -1, 1).toArray();
        double[] wStar = problem.exactLowerSolution(lambdaArray);
        DVector lambda = Buffers.vector(arena, lambdaArray);
        DVector w = Buffers.vector(arena, d);
        DVector phi = Buffers.vector(arena, d);
        Batch one = new Batch(1).all(1);
        double before = distance(w.toArray(), wStar);
        for (int i = 0; i < 50 && before > 1e-12; i++) {
          problem.map(w, lambda, one, phi);
          backend.kmStep(eta, phi, w);
          double after = distance(w.toArray(), wStar);
          assertTrue(after <= qEta * before * (1 + 1e-9) + 1e-13,
              "seed " + seed + ", step " + i + ": " + after + " > " + qEta + " × " + before);
          before = after;
        }
      }
    }
  }

  @Test
  void mapIsAQContractionOnRandomPairs() {
    qt().withFixedSeed(7L).withExamples(100).forAll(longs().all()).checkAssert(seed -> {
      try (QuadraticProblem problem = instance(seed); Arena arena = Arena.ofConfined()) {
        SplittableRandom random = new SplittableRandom(seed);
        int d = problem.lowerDimension();
        double q = problem.contractionConstant().orElseThrow();
        DVector lambda = Buffers.vector(arena,
            random.doubles(problem.upperDimension(), -1, 1).toArray());
        double[] x = random.doubles(d, -5, 5).toArray();
        double[] y = random.doubles(d, -5, 5).toArray();
        DVector fx = Buffers.vector(arena, d);
        DVector fy = Buffers.vector(arena, d);
        Batch one = new Batch(1).all(1);
        problem.map(Buffers.vector(arena, x), lambda, one, fx);
        problem.map(Buffers.vector(arena, y), lambda, one, fy);
        assertTrue(distance(fx.toArray(), fy.toArray()) <= q * distance(x, y) * (1 + 1e-12),
            "seed " + seed);
      }
    });
  }

  @Test
  void vectorJacobianProductsMatchCentralFiniteDifferences() {
    for (long seed = 1; seed <= 10; seed++) {
      try (QuadraticProblem problem = instance(seed); Arena arena = Arena.ofConfined()) {
        SplittableRandom random = new SplittableRandom(seed);
        int d = problem.lowerDimension();
        int m = problem.upperDimension();
        Batch one = new Batch(1).all(1);
        double[] w = random.doubles(d, -1, 1).toArray();
        double[] lambda = random.doubles(m, -1, 1).toArray();
        double[] v = random.doubles(d, -1, 1).toArray();
        double[] u = random.doubles(d, -1, 1).toArray();   // direction in w
        double[] s = random.doubles(m, -1, 1).toArray();   // direction in λ
        double h = 1e-5;
        DVector out = Buffers.vector(arena, d);
        DVector outM = Buffers.vector(arena, m);
        DVector vv = Buffers.vector(arena, v);
        DVector wv = Buffers.vector(arena, w);
        DVector lv = Buffers.vector(arena, lambda);
        // ⟨∂₁Φᵀ v, u⟩ = ⟨v, ∂₁Φ u⟩ ≈ ⟨v, (Φ(w + hu) − Φ(w − hu)) / 2h⟩
        Vjp.w(problem, wv, lv, one, vv, out);
        double vjp = dot(out.toArray(), u);
        double fd = dot(v, difference(problem, arena, one, plus(w, u, h), lambda,
            plus(w, u, -h), lambda, h));
        assertEquals(fd, vjp, 1e-6 * (1 + Math.abs(fd)), "∂₁Φᵀv, seed " + seed);
        Vjp.lambda(problem, wv, lv, one, vv, outM);
        vjp = dot(outM.toArray(), s);
        fd = dot(v, difference(problem, arena, one, w, plus(lambda, s, h), w,
            plus(lambda, s, -h), h));
        assertEquals(fd, vjp, 1e-6 * (1 + Math.abs(fd)), "∂₂Φᵀv, seed " + seed);
        problem.objectiveGradientW(wv, lv, one, out);
        fd = (problem.objective(Buffers.vector(arena, plus(w, u, h)), lv, one)
            - problem.objective(Buffers.vector(arena, plus(w, u, -h)), lv, one)) / (2 * h);
        assertEquals(fd, dot(out.toArray(), u), 1e-6 * (1 + Math.abs(fd)), "∇₁E, seed " + seed);
        problem.objectiveGradientLambda(wv, lv, one, outM);
        fd = (problem.objective(wv, Buffers.vector(arena, plus(lambda, s, h)), one)
            - problem.objective(wv, Buffers.vector(arena, plus(lambda, s, -h)), one)) / (2 * h);
        assertEquals(fd, dot(outM.toArray(), s), 1e-6 * (1 + Math.abs(fd)), "∇₂E, seed " + seed);
      }
    }
  }

  private static double[] plus(double[] x, double[] direction, double h) {
    double[] out = x.clone();
    for (int i = 0; i < out.length; i++) {
      out[i] += h * direction[i];
    }
    return out;
  }

  private static double dot(double[] a, double[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += a[i] * b[i];
    }
    return sum;
  }

  private static double[] difference(QuadraticProblem problem, Arena arena, Batch one,
      double[] w1, double[] l1, double[] w2, double[] l2, double h) {
    int d = problem.lowerDimension();
    DVector f1 = Buffers.vector(arena, d);
    DVector f2 = Buffers.vector(arena, d);
    problem.map(Buffers.vector(arena, w1), Buffers.vector(arena, l1), one, f1);
    problem.map(Buffers.vector(arena, w2), Buffers.vector(arena, l2), one, f2);
    double[] out = new double[d];
    for (int i = 0; i < d; i++) {
      out[i] = (f1.get(i) - f2.get(i)) / (2 * h);
    }
    return out;
  }

  @Test
  void stochasticMseFallsLikeOneOverT() {
    // t = k = J, decreasing steps β/(γ + i) with 2β(1 − q) > 1; theory: MSE ∝ 1/t.
    try (QuadraticProblem problem = new QuadraticProblem(backend, 5, 2, 1.0, 2.0, 64, 1.0, 3L);
        Arena arena = Arena.ofConfined(); Sid sid = new Sid(problem, 64, 1)) {
      double q = problem.contractionConstant().orElseThrow();
      double beta = 1.5;
      assertTrue(2 * beta * (1 - q) > 1);
      double[] lambda = {0.3, -0.2};
      double[] exact = problem.exactHypergradient(lambda);
      DVector lambdaVector = Buffers.vector(arena, lambda);
      DVector out = Buffers.vector(arena, 2);
      double[] mse = new double[2];
      int[] ts = {8, 32};
      SplittableRandom random = new SplittableRandom(99);
      for (int c = 0; c < 2; c++) {
        int t = ts[c];
        int runs = 400;
        for (int run = 0; run < runs; run++) {
          sid.hypergradient(lambdaVector,
              new Sid.Options(t, t, t, 1, StepSchedule.decreasing(beta, beta)), random, out);
          double e = distance(out.toArray(), exact);
          mse[c] += e * e / runs;
        }
      }
      assertTrue(mse[0] / mse[1] >= 2.5,
          "MSE at t = 8: " + mse[0] + ", at t = 32: " + mse[1] + ", ratio " + mse[0] / mse[1]);
    }
  }

  @Test
  void aMapThatIsNotAContractionIsReportedWithTheStepAndIteration() {
    try (QuadraticProblem problem = new QuadraticProblem(backend, 3, 1, 1.0, 2.0, 1, 0.0, 1L);
        Arena arena = Arena.ofConfined(); Sid sid = new Sid(problem, 1, 1)) {
      // KM steps above 2/(1 + q) make the iteration expand: it must stop with a clear error.
      StepSchedule tooLarge = StepSchedule.of(i -> 1e3);
      ArithmeticException e = assertThrows(ArithmeticException.class,
          () -> sid.hypergradient(Buffers.vector(arena, 1.0),
              new Sid.Options(10_000, 1, 1, 1, tooLarge).withResiduals(true),
              new SplittableRandom(1), Buffers.vector(arena, 1)));
      assertTrue(e.getMessage().contains("LL solver at iteration"), e.getMessage());
      // without residuals, one finiteness check per solve still names the solver
      e = assertThrows(ArithmeticException.class,
          () -> sid.hypergradient(Buffers.vector(arena, 1.0),
              new Sid.Options(10_000, 1, 1, 1, tooLarge), new SplittableRandom(1),
              Buffers.vector(arena, 1)));
      assertTrue(e.getMessage().contains("LL solver: its iterate is not finite after 10000"),
          e.getMessage());
    }
  }

  @Test
  void residualsAreComputedOnlyWhenAskedForAndChangeNothingElse() {
    try (QuadraticProblem problem = instance(3); Arena arena = Arena.ofConfined();
        Sid sid = new Sid(problem, 4, 4)) {
      int m = problem.upperDimension();
      DVector lambda = Buffers.vector(arena, new SplittableRandom(3).doubles(m, -1, 1)
          .toArray());
      DVector plainOut = Buffers.vector(arena, m);
      DVector monitoredOut = Buffers.vector(arena, m);
      Sid.Options plain = new Sid.Options(8, 6, 4, 2, StepSchedule.constant(0.5));
      Sid.Diagnostics a = sid.hypergradient(lambda, plain, new SplittableRandom(7), plainOut);
      Sid.Diagnostics b = sid.hypergradient(lambda, plain.withResiduals(true),
          new SplittableRandom(7), monitoredOut);
      assertTrue(a.lowerResidual().isEmpty() && a.linearResidual().isEmpty());
      assertTrue(sid.lastLowerResidual().isPresent());
      assertTrue(b.lowerResidual().orElseThrow() > 0 && b.linearResidual().orElseThrow() > 0);
      assertEquals(a.samples(), b.samples());
      for (int i = 0; i < m; i++) {
        assertEquals(monitoredOut.get(i), plainOut.get(i), 0.0, "entry " + i);
      }
    }
  }

  @Test
  void badOptionsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> StepSchedule.constant(0));
    assertThrows(IllegalArgumentException.class, () -> StepSchedule.constant(1.5));
    assertThrows(IllegalArgumentException.class, () -> StepSchedule.decreasing(2, 1));
    assertThrows(IllegalArgumentException.class,
        () -> new Sid.Options(-1, 1, 1, 1, StepSchedule.constant(1)));
    assertThrows(IllegalArgumentException.class,
        () -> new Sid.Options(1, 1, 0, 1, StepSchedule.constant(1)));
    assertThrows(IllegalArgumentException.class,
        () -> new QuadraticProblem(backend, 3, 1, 2.0, 1.0, 1, 0.0, 1L));
  }

  /** A backend that records the memory it hands out. */
  private static final class RecordingBackend extends ScalarBackend {
    final List<MemorySegment> handedOut = new ArrayList<>();

    @Override
    public DVector vector(Arena arena, int n) {
      DVector v = super.vector(arena, n);
      handedOut.add(v.segment());
      return v;
    }

    @Override
    public DMatrix matrix(Arena arena, int rows, int cols, double... values) {
      DMatrix a = super.matrix(arena, rows, cols, values);
      handedOut.add(a.segment());
      return a;
    }

    boolean owns(DVector v) {
      return handedOut.stream().anyMatch(s -> s.address() == v.segment().address());
    }
  }

  @Test
  void workspacesAndProblemDataLiveInTheProblemsBackendMemory() {
    RecordingBackend recording = new RecordingBackend();
    try (QuadraticProblem problem = new QuadraticProblem(recording, 6, 2, 1.0, 2.0, 4, 0.5, 3L);
        Sid sid = new Sid(problem, 4, 1); Bsgm bsgm = new Bsgm(problem, 4, 1)) {
      assertTrue(recording.owns(sid.lowerIterate()), "the LL iterate");
      assertTrue(recording.owns(sid.linearIterate()), "the LS iterate");
      assertTrue(recording.owns(bsgm.lowerIterate()), "BSGM's SID workspace");
      assertTrue(recording.handedOut.size() >= 10, "problem data and workspaces: "
          + recording.handedOut.size());
    }
  }
}
