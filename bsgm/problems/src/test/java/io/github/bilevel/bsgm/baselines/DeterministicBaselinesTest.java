package io.github.bilevel.bsgm.baselines;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.bsgm.Batch;
import io.github.bilevel.bsgm.Budget;
import io.github.bilevel.bsgm.DenseSolver;
import io.github.bilevel.bsgm.baselines.DeterministicOptions.LinearSolver;
import io.github.bilevel.bsgm.problems.PerFeatureLogistic;
import io.github.bilevel.bsgm.problems.QuadraticProblem;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.Backends;
import io.github.bilevel.kernels.Buffers;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * AID and ITD against independent references: the stationary point {@code λ*} of a dense solve
 * ({@link QuadraticFacts}), a dense solve of the linear system whose matrix is read off the
 * affine map itself (not its vector–Jacobian products), finite differences of the unrolled map
 * on a non-quadratic problem, and hand counts of the samples.
 */
class DeterministicBaselinesTest {

  private static final Backend BACKEND = Backends.byName("simd");
  private static QuadraticProblem deterministic;
  private static QuadraticProblem finiteSum;
  private static QuadraticFacts deterministicFacts;
  private static QuadraticFacts finiteSumFacts;

  @BeforeAll
  static void problems() {
    deterministic = new QuadraticProblem(BACKEND, 10, 3, 1.0, 2.0, 1, 0.0, 9L);
    finiteSum = new QuadraticProblem(BACKEND, 10, 3, 1.0, 2.0, 64, 0.5, 9L);
    deterministicFacts = new QuadraticFacts(deterministic);
    finiteSumFacts = new QuadraticFacts(finiteSum);
  }

  @AfterAll
  static void close() {
    deterministicFacts.close();
    finiteSumFacts.close();
    deterministic.close();
    finiteSum.close();
  }

  /** Constant steps {@code η = 1}, {@code α = 1/(2L_f)}. */
  private static DeterministicOptions.Builder options(QuadraticFacts facts, int iterations) {
    return DeterministicOptions.builder().alpha(0.5 / facts.lipschitzF).eta(1.0)
        .budget(Budget.iterations(iterations));
  }

  private static double distance(DeterministicMethod<?> method, DeterministicOptions options,
      QuadraticFacts facts) {
    try (Arena arena = Arena.ofConfined()) {
      DVector lambda = Buffers.vector(arena, facts.m);
      method.run(lambda, options, new SplittableRandom(1), null);
      return facts.distanceToStationary(lambda.toArray());
    }
  }

  @Test
  void aidWithEitherSolverReachesTheStationaryPointOfTheDeterministicQuadratic() {
    try (Aid aid = new Aid(deterministic)) {
      for (LinearSolver solver : LinearSolver.values()) {
        // warm starts: few inner steps suffice, the fixed point is exact
        double warm = distance(aid, options(deterministicFacts, 400).lowerSteps(2)
            .linearSteps(2).linearSolver(solver).build(), deterministicFacts);
        assertTrue(warm <= 1e-9, solver + ", warm: ‖λ − λ*‖ = " + warm);
        // from zero: enough inner steps for the bias to vanish (q = 1/3, CG exact in d steps)
        double cold = distance(aid, options(deterministicFacts, 400).lowerSteps(40)
            .linearSteps(solver == LinearSolver.FIXED_POINT ? 40 : 10).linearSolver(solver)
            .warmStart(false).build(), deterministicFacts);
        assertTrue(cold <= 1e-9, solver + ", cold: ‖λ − λ*‖ = " + cold);
      }
      // the full data of the finite sum is noise-free: the same stationary point
      double sum = distance(aid, options(finiteSumFacts, 400).lowerSteps(2).linearSteps(2)
          .build(), finiteSumFacts);
      assertTrue(sum <= 1e-9, "finite sum: ‖λ − λ*‖ = " + sum);
      // from zero with too few steps the estimate is biased and λ stops short
      double biased = distance(aid, options(deterministicFacts, 400).lowerSteps(2)
          .linearSteps(2).linearSolver(LinearSolver.FIXED_POINT).warmStart(false).build(),
          deterministicFacts);
      assertFalse(biased <= 1e-6, "a biased cold AID passed: " + biased);
    }
  }

  @Test
  void itdReachesTheStationaryPointOnceTheTruncationIsNegligible() {
    try (Itd itd = new Itd(deterministic)) {
      for (boolean warm : new boolean[] {true, false}) {
        double error = distance(itd, options(deterministicFacts, 400).lowerSteps(40)
            .warmStart(warm).build(), deterministicFacts);
        assertTrue(error <= 1e-9, "ITD warm=" + warm + ": ‖λ − λ*‖ = " + error);
      }
      // a short unroll stops at the stationary point of its truncation, warm start or not
      double truncated = distance(itd, options(deterministicFacts, 400).lowerSteps(3).build(),
          deterministicFacts);
      assertFalse(truncated <= 1e-6, "ITD with T = 3: ‖λ − λ*‖ = " + truncated);
    }
  }

  @Test
  void aidsConjugateGradientSolvesTheLinearSystemAsADenseSolveDoes() {
    int d = deterministic.lowerDimension();
    int m = deterministic.upperDimension();
    try (Arena arena = Arena.ofConfined(); Aid aid = new Aid(deterministic)) {
      DVector lambda = Buffers.vector(arena, new double[] {0.3, -0.2, 0.5});
      double[] before = lambda.toArray();
      DeterministicOptions options = DeterministicOptions.builder().lowerSteps(5).linearSteps(d)
          .warmStart(false).build();
      Aid.State state = aid.init(arena, lambda, options);
      aid.iterate(state, lambda, options, new SplittableRandom(1));
      // A = I − ∂₁Φᵀ from the affine map: column j of ∂₁Φ is Φ(e_j) − Φ(0)
      Batch all = new Batch(1).all(1);
      DVector lam = Buffers.vector(arena, before);
      DVector zero = Buffers.vector(arena, d);
      DVector base = Buffers.vector(arena, d);
      DVector column = Buffers.vector(arena, d);
      deterministic.map(zero, lam, all, base);
      double[] a = new double[d * d];
      for (int j = 0; j < d; j++) {
        DVector unit = Buffers.vector(arena, d);
        unit.set(j, 1.0);
        deterministic.map(unit, lam, all, column);
        for (int i = 0; i < d; i++) {
          double jacobian = column.get(i) - base.get(i);       // (∂₁Φ)_{ij}
          a[j * d + i] += -jacobian;                           // (∂₁Φᵀ)_{ji}
        }
        a[j * d + j] += 1.0;
      }
      DVector gradient = Buffers.vector(arena, d);
      deterministic.objectiveGradientW(state.lowerIterate(), lam, all, gradient);
      double[] symmetric = new double[d * d];
      for (int i = 0; i < d; i++) {
        for (int j = 0; j < d; j++) {
          symmetric[i * d + j] = 0.5 * (a[i * d + j] + a[j * d + i]);
        }
      }
      double[] dense = DenseSolver.solveSpd(symmetric, d, gradient.toArray());
      assertArrayEquals(dense, state.linearIterate().toArray(), 1e-10);
      assertEquals(m, lambda.length());
      // fewer CG steps than d leave a residual
      DeterministicOptions short3 = DeterministicOptions.builder().lowerSteps(5).linearSteps(3)
          .warmStart(false).build();
      Aid.State other = aid.init(arena, Buffers.vector(arena, before), short3);
      aid.iterate(other, Buffers.vector(arena, before), short3, new SplittableRandom(1));
      assertFalse(maxDifference(dense, other.linearIterate().toArray()) <= 1e-8);
    }
  }

  private static double maxDifference(double[] x, double[] y) {
    double max = 0;
    for (int i = 0; i < x.length; i++) {
      max = Math.max(max, Math.abs(x[i] - y[i]));
    }
    return max;
  }

  @Test
  void itdsHypergradientIsTheDerivativeOfTheUnrolledMap() {
    int p = 5;
    SplittableRandom random = new SplittableRandom(4);
    double[] x = random.doubles(60L * p, -1, 1).toArray();
    double[] xv = random.doubles(40L * p, -1, 1).toArray();
    double[] y = random.doubles(60).map(u -> u < 0.5 ? -1 : 1).toArray();
    double[] yv = random.doubles(40).map(u -> u < 0.5 ? -1 : 1).toArray();
    try (Arena arena = Arena.ofConfined();
        PerFeatureLogistic problem = new PerFeatureLogistic(BACKEND, x, y, xv, yv, p, 0.01, 5.0);
        Itd itd = new Itd(problem)) {
      double[] at = {0.4, 0.7, 0.2, 1.1, 0.5};
      for (double eta : new double[] {1.0, 0.6}) {
        DeterministicOptions options = DeterministicOptions.builder().lowerSteps(7).eta(eta)
            .build();
        DVector w = Buffers.vector(arena, p);
        DVector out = Buffers.vector(arena, p);
        itd.hypergradient(w, Buffers.vector(arena, at), options, out);
        double h = 1e-5;
        for (int j = 0; j < p; j++) {
          double[] plus = at.clone();
          double[] minus = at.clone();
          plus[j] += h;
          minus[j] -= h;
          double fd = (unrolled(problem, plus, 7, eta, arena)
              - unrolled(problem, minus, 7, eta, arena)) / (2 * h);
          assertEquals(fd, out.get(j), 1e-8 + 1e-6 * Math.abs(fd), "η = " + eta + ", j = " + j);
        }
      }
    }
  }

  /** {@code E(w_T(λ), λ)} with {@code w_0 = 0} and the problem's own map, on the full data. */
  private static double unrolled(PerFeatureLogistic problem, double[] lambda, int steps,
      double eta, Arena arena) {
    int p = problem.lowerDimension();
    Batch lower = new Batch(problem.lowerSamples()).all(problem.lowerSamples());
    Batch upper = new Batch(problem.upperSamples()).all(problem.upperSamples());
    DVector lam = Buffers.vector(arena, lambda);
    DVector w = Buffers.vector(arena, p);
    DVector phi = Buffers.vector(arena, p);
    for (int i = 0; i < steps; i++) {
      problem.map(w, lam, lower, phi);
      for (int j = 0; j < p; j++) {
        w.set(j, (1 - eta) * w.get(j) + eta * phi.get(j));
      }
    }
    return problem.objective(w, lam, upper);
  }

  @Test
  void itdsHypergradientApproachesTheExactOneAsTGrows() {
    try (Arena arena = Arena.ofConfined(); Itd itd = new Itd(deterministic)) {
      double[] at = {0.3, -0.2, 0.5};
      double[] exact = deterministic.exactHypergradient(at);
      double last = Double.POSITIVE_INFINITY;
      for (int steps : new int[] {2, 5, 10, 40}) {
        DVector out = Buffers.vector(arena, 3);
        itd.hypergradient(Buffers.vector(arena, 10), Buffers.vector(arena, at),
            DeterministicOptions.builder().lowerSteps(steps).build(), out);
        double error = maxDifference(exact, out.toArray());
        assertTrue(error < last, "T = " + steps + ": " + error + " >= " + last);
        last = error;
      }
      assertTrue(last <= 1e-12, "T = 40: " + last);
    }
  }

  @Test
  void sampleCountsAgreeWithAHandCount() {
    try (Arena arena = Arena.ofConfined(); Aid aid = new Aid(finiteSum);
        Itd itd = new Itd(finiteSum)) {
      DeterministicOptions.Builder base = DeterministicOptions.builder().lowerSteps(3)
          .linearSteps(4).budget(Budget.iterations(5));
      // (t + k + 1)·64 + 64 per iteration; a warm CG adds the initial residual's 64
      DeterministicOptions fixedPoint = base.linearSolver(LinearSolver.FIXED_POINT).build();
      assertEquals(5 * (8 * 64 + 64), aid.run(Buffers.vector(arena, 3), fixedPoint,
          new SplittableRandom(1), null).samples());
      DeterministicOptions cg = base.linearSolver(LinearSolver.CONJUGATE_GRADIENT).build();
      assertEquals(5 * (9 * 64 + 64), aid.run(Buffers.vector(arena, 3), cg,
          new SplittableRandom(1), null).samples());
      assertEquals(9 * 64 + 64, aid.samplesPerIteration(0, cg));
      assertEquals(8 * 64 + 64, aid.samplesPerIteration(0, base.warmStart(false).build()));
      // ITD: 2T·64 + 64
      assertEquals(5 * (6 * 64 + 64), itd.run(Buffers.vector(arena, 3), fixedPoint,
          new SplittableRandom(1), null).samples());
      assertEquals(6 * 64 + 64, itd.samplesPerIteration(3, fixedPoint));
    }
  }

  @Test
  void badSettingsAndDivergenceAreReportedNamingThem() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DeterministicOptions.builder().eta(1.5).build());
    assertTrue(e.getMessage().contains("eta"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> DeterministicOptions.builder().lowerSteps(0).build());
    assertTrue(e.getMessage().contains("lowerSteps"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> DeterministicOptions.builder().alpha(Double.NaN).build());
    try (Arena arena = Arena.ofConfined(); Aid aid = new Aid(deterministic)) {
      assertThrows(IllegalArgumentException.class, () -> aid.run(Buffers.vector(arena, 4),
          DeterministicOptions.builder().build(), new SplittableRandom(1), null));
    }
    try (Arena arena = Arena.ofConfined(); ExpandingProblem problem = new ExpandingProblem(BACKEND);
        Aid aid = new Aid(problem); Itd itd = new Itd(problem)) {
      DeterministicOptions options = DeterministicOptions.builder().lowerSteps(2000).build();
      ArithmeticException a = assertThrows(ArithmeticException.class,
          () -> aid.run(Buffers.vector(arena, 1), options, new SplittableRandom(1), null));
      assertTrue(a.getMessage().startsWith("AID diverged in the lower-level solve"),
          a.getMessage());
      a = assertThrows(ArithmeticException.class,
          () -> itd.run(Buffers.vector(arena, 1), options, new SplittableRandom(1), null));
      assertTrue(a.getMessage().startsWith("ITD diverged in the lower-level solve"),
          a.getMessage());
    }
  }
}
