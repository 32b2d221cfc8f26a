package io.github.bilevel.bsgm.baselines;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.bsgm.Batch;
import io.github.bilevel.bsgm.Budget;
import io.github.bilevel.bsgm.DenseSolver;
import io.github.bilevel.bsgm.Vjp;
import io.github.bilevel.bsgm.problems.QuadraticProblem;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.Backends;
import io.github.bilevel.kernels.Buffers;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SUSTAIN, F2SA and BOME (docs/mathematics.md §4.8) on the quadratic problems of
 * {@link SingleLoopTest}, against closed forms from dense solves: the bilevel stationary point
 * {@code λ*} ({@link QuadraticFacts}) and, for F2SA at a constant penalty {@code ν}, the
 * stationary point {@code λ_ν} of the penalty function {@code L_ν}, built here from the
 * problem's matrices read off its oracles.
 */
class SustainF2saBomeTest {

  private static final Backend BACKEND = Backends.byName("simd");
  private static QuadraticProblem deterministic;
  private static QuadraticProblem finiteSum;
  private static QuadraticFacts facts;

  @BeforeAll
  static void problems() {
    deterministic = new QuadraticProblem(BACKEND, 10, 3, 1.0, 2.0, 1, 0.0, 9L);
    finiteSum = new QuadraticProblem(BACKEND, 10, 3, 1.0, 2.0, 64, 0.5, 9L);
    facts = new QuadraticFacts(deterministic);
  }

  @AfterAll
  static void close() {
    facts.close();
    deterministic.close();
    finiteSum.close();
  }

  /** {@code λ_K} after a run, or null if it diverged. */
  private static double[] run(SingleLoopMethod<?> method, SingleLoopOptions options, long seed) {
    try (Arena arena = Arena.ofConfined()) {
      DVector lambda = Buffers.vector(arena, facts.m);
      try {
        method.run(lambda, options, new SplittableRandom(seed), null);
      } catch (ArithmeticException diverged) {
        return null;
      }
      return lambda.toArray();
    }
  }

  private static double distance(double[] a, double[] b) {
    if (a == null) {
      return Double.POSITIVE_INFINITY;
    }
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += (a[i] - b[i]) * (a[i] - b[i]);
    }
    return Math.sqrt(sum);
  }

  @Test
  void sustainReachesTheStationaryPointOfTheDeterministicQuadraticAndTheFlippedCorrectionDoesNot() {
    // constant steps ρ = η_k = 1/2 (the momenta keep half of the old directions), a fixed-length
    // series with q^60 ≪ 1e-9
    SingleLoopOptions options = SingleLoopOptions.builder().rho(0.5)
        .gamma(0.9 / facts.lipschitzF).neumannTerms(60).randomTruncation(false)
        .budget(Budget.iterations(2000)).build();
    try (Sustain sustain = new Sustain(deterministic, 1, 1);
        Sustain flipped = new Sustain(deterministic, 1, 1, -1.0)) {
      double error = distance(run(sustain, options, 1), facts.lambdaStar);
      assertTrue(error <= 1e-9, "SUSTAIN: ‖λ − λ*‖ = " + error);
      double broken = distance(run(flipped, options, 1), facts.lambdaStar);
      assertFalse(broken <= 1e-9, "the flipped momentum correction passed: " + broken);
    }
  }

  /**
   * At a constant penalty ({@code δ = 0}) F2SA converges to {@code λ_ν}, not to {@code λ*}: the
   * bias {@code ‖λ_ν − λ*‖} is {@code O(1/ν)}, a tenth per decade of {@code ν}.
   */
  @Test
  void f2saAtAConstantPenaltyReachesThePenaltyStationaryPointWhoseBiasShrinksLikeOneOverNu() {
    SingleLoopOptions options = SingleLoopOptions.builder().rho(0.8)
        .gamma(0.5 / facts.lipschitzF).budget(Budget.iterations(3000)).build();
    double previousBias = Double.NaN;
    for (double nu : new double[] {10, 100, 1000}) {
      try (F2sa f2sa = new F2sa(deterministic, 1, 1, 10, nu, 0.0)) {
        double[] target = penaltyStationaryPoint(nu);
        double error = distance(run(f2sa, options, 1), target);
        assertTrue(error <= 1e-9, "F2SA, ν = " + nu + ": ‖λ − λ_ν‖ = " + error);
        double bias = distance(target, facts.lambdaStar);
        assertTrue(bias > 1e-4, "ν = " + nu + ": the bias vanished: " + bias);
        if (!Double.isNaN(previousBias)) {
          double ratio = previousBias / bias;
          assertTrue(ratio > 7 && ratio < 13, "ν = " + nu + ": bias ratio " + ratio);
        }
        previousBias = bias;
      }
    }
  }

  /**
   * With benchopt's growing penalty ({@code ν_0 = 1}, {@code δ = 0.1}) F2SA follows
   * {@code λ_{ν_k}}: after 3000 iterations ({@code ν ≈ 112}) it is closer to
   * {@code λ_{ν_K}} than {@code λ_{ν_K}} is to {@code λ*}, and no closer to {@code λ*} than
   * that bias allows; 1e-9 of {@code λ*} is out of reach.
   */
  @Test
  void f2saWithAGrowingPenaltyFollowsThePenaltyStationaryPoints() {
    SingleLoopOptions options = SingleLoopOptions.builder().rho(0.8)
        .gamma(0.5 / facts.lipschitzF).budget(Budget.iterations(3000)).build();
    try (F2sa f2sa = new F2sa(deterministic, 1, 1, 10, 1.0, 0.1)) {
      double nu = f2sa.penalty(3000);
      assertEquals(1.0 + 0.1 * harmonic(3000, 1.0 / 7), nu, 1e-9);
      double[] reached = run(f2sa, options, 1);
      double[] target = penaltyStationaryPoint(nu);
      double bias = distance(target, facts.lambdaStar);
      double tracking = distance(reached, target);
      assertTrue(tracking < 0.1 * bias, "‖λ − λ_ν‖ = " + tracking + ", bias " + bias);
      assertTrue(distance(reached, facts.lambdaStar) > 0.5 * bias);
    }
  }

  private static double harmonic(int n, double exponent) {
    double sum = 0;
    for (int i = 1; i <= n; i++) {
      sum += Math.pow(i, -exponent);
    }
    return sum;
  }

  /**
   * BOME does not reach {@code λ*} on this problem: its barrier keeps {@code w} away from
   * {@code w*(λ)} (the constraint {@code q <= 0} has a vanishing gradient where it holds), and
   * with constant steps it settles about a point whose distance to {@code λ*} shrinks as the
   * inner steps {@code T} grow (measured: 0.61 at {@code T = 10}, 0.077 at {@code T = 100}).
   */
  @Test
  void bomeSettlesNearTheStationaryPointCloserAsTheInnerStepsGrowButDoesNotReachIt() {
    SingleLoopOptions options = SingleLoopOptions.builder().rho(0.1)
        .gamma(0.01 / facts.lipschitzF).budget(Budget.iterations(20000)).build();
    double start = distance(new double[facts.m], facts.lambdaStar);
    try (Bome shortInner = new Bome(deterministic, 1, 1, 10, 0.5);
        Bome longInner = new Bome(deterministic, 1, 1, 100, 0.5)) {
      double near = distance(run(longInner, options, 1), facts.lambdaStar);
      double far = distance(run(shortInner, options, 1), facts.lambdaStar);
      assertTrue(near < 0.05 * start && near > 1e-3, "T = 100: ‖λ − λ*‖ = " + near);
      assertTrue(far > 4 * near && far < start, "T = 10: ‖λ − λ*‖ = " + far);
    }
  }

  @Test
  void sampleCountsAgreeWithAHandCount() {
    SingleLoopOptions options = SingleLoopOptions.builder().lowerBatch(3).batch(5)
        .neumannTerms(4).randomTruncation(false).budget(Budget.iterations(6)).build();
    try (Arena arena = Arena.ofConfined(); Sustain sustain = new Sustain(finiteSum, 8, 8);
        F2sa f2sa = new F2sa(finiteSum, 8, 8, 2, 1.0, 0.1);
        Bome bome = new Bome(finiteSum, 8, 8, 2, 0.5)) {
      // SUSTAIN: ξ₀, ζ and Q − 1 = 3 products (3 + 5 + 9) at k = 0, at two points after
      assertEquals(17 + 5 * 34, sustain.run(Buffers.vector(arena, 3), options,
          new SplittableRandom(1), null).samples());
      assertEquals(17, sustain.samplesPerIteration(0, options));
      assertEquals(34, sustain.samplesPerIteration(1, options));
      // F2SA, T = 2: (ξ, ξ', ζ) per inner step, then ζ, ξ₁, ξ₂: 3 · 11
      assertEquals(6 * 33, f2sa.run(Buffers.vector(arena, 3), options,
          new SplittableRandom(1), null).samples());
      assertEquals(33, f2sa.samplesPerIteration(4, options));
      // BOME, T = 2: ξ₁, ξ₂, ξ at w and at w_T, ζ: 4 · 3 + 5
      assertEquals(6 * 17, bome.run(Buffers.vector(arena, 3), options,
          new SplittableRandom(1), null).samples());
      assertEquals(17, bome.samplesPerIteration(0, options));
      // SUSTAIN's random truncation: between 3 + 5 and 17 at k = 0, multiples of b apart
      SingleLoopOptions random = SingleLoopOptions.builder().lowerBatch(3).batch(5)
          .neumannTerms(4).budget(Budget.iterations(1)).build();
      long used = sustain.run(Buffers.vector(arena, 3), random, new SplittableRandom(3), null)
          .samples();
      assertTrue(used >= 8 && used <= 17 && (used - 8) % 3 == 0, "SUSTAIN " + used);
    }
  }

  @Test
  void theSameSeedGivesTheSameTrajectoryAndAnotherSeedAnotherOne() {
    SingleLoopOptions options = SingleLoopOptions.builder().lowerBatch(4).batch(4).rho(0.5)
        .rhoExponent(1.0 / 3).gammaExponent(1.0 / 3).budget(Budget.iterations(40)).build();
    try (Arena arena = Arena.ofConfined(); Sustain sustain = new Sustain(finiteSum, 4, 4);
        F2sa f2sa = new F2sa(finiteSum, 4, 4, 3, 1.0, 0.1);
        Bome bome = new Bome(finiteSum, 4, 4, 3, 0.5)) {
      for (SingleLoopMethod<?> method : List.<SingleLoopMethod<?>>of(sustain, f2sa, bome)) {
        List<double[]> last = new ArrayList<>();
        for (long seed : new long[] {11, 11, 12}) {
          DVector lambda = Buffers.vector(arena, 3);
          List<Double> norms = new ArrayList<>();
          method.run(lambda, options, new SplittableRandom(seed),
              p -> norms.add(p.hypergradientNorm()));
          assertEquals(40, norms.size());
          last.add(lambda.toArray());
        }
        assertArrayEquals(last.get(0), last.get(1), 0.0, method.algorithm);
        assertFalse(Arrays.equals(last.get(0), last.get(2)), method.algorithm);
      }
    }
  }

  @Test
  void problemsWithoutTheArgminFormAndBadSettingsAreRefusedNamingThem() {
    try (ExpandingProblem contraction = new ExpandingProblem(BACKEND)) {
      for (String name : List.of("F2SA", "BOME")) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> {
              if (name.equals("F2SA")) {
                new F2sa(contraction, 1, 1, 10, 1.0, 0.1).close();
              } else {
                new Bome(contraction, 1, 1, 10, 0.5).close();
              }
            });
        assertTrue(e.getMessage().startsWith(name) && e.getMessage().contains("argmin form")
            && e.getMessage().contains("ExpandingProblem"), e.getMessage());
      }
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new F2sa(deterministic, 1, 1, 0, 1.0, 0.1).close());
    assertTrue(e.getMessage().contains("innerSteps"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new F2sa(deterministic, 1, 1, 1, 1.0, -1).close());
    assertTrue(e.getMessage().contains("δ"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new Bome(deterministic, 1, 1, 1, 0.0).close());
    assertTrue(e.getMessage().startsWith("BOME"), e.getMessage());
    try (Arena arena = Arena.ofConfined(); Sustain sustain = new Sustain(finiteSum, 2, 2)) {
      e = assertThrows(IllegalArgumentException.class, () -> sustain.run(
          Buffers.vector(arena, 3), SingleLoopOptions.builder().rho(1.5).build(),
          new SplittableRandom(1), null));
      assertTrue(e.getMessage().startsWith("SUSTAIN") && e.getMessage().contains("rho"),
          e.getMessage());
    }
  }

  /**
   * The stationary point {@code λ_ν} of {@code L_ν(λ) = min_y E(y, λ) + ν(G(y, λ) − G(w*, λ))}
   * on the deterministic quadratic: {@code ∇L_ν(λ) = Rλ + r + νBᵀ(y_ν − w*)} with
   * {@code (νH + P) y_ν = −ν(Bλ + c) − p}, {@code H w* = −(Bλ + c)}; it is affine in
   * {@code λ}, so one symmetric solve. {@code H, B, c} come from {@code ∇₁G = (w − Φ)/η},
   * {@code P, p} from {@code ∇₁E}, {@code R, r} from {@code ∇₂E}, each column as the difference of
   * the oracle at a unit vector and at zero.
   */
  static double[] penaltyStationaryPoint(double nu) {
    int d = facts.d;
    int m = facts.m;
    double[] gradientAtZero = penaltyGradient(nu, new double[m]);
    double[] hessian = new double[m * m];
    for (int j = 0; j < m; j++) {
      double[] e = new double[m];
      e[j] = 1.0;
      double[] column = penaltyGradient(nu, e);
      for (int i = 0; i < m; i++) {
        hessian[i * m + j] += 0.5 * (column[i] - gradientAtZero[i]);
        hessian[j * m + i] += 0.5 * (column[i] - gradientAtZero[i]);
      }
    }
    double[] rhs = new double[m];
    for (int i = 0; i < m; i++) {
      rhs[i] = -gradientAtZero[i];
    }
    assertTrue(d > 0);
    return DenseSolver.solveSpd(hessian, m, rhs);
  }

  /** {@code ∇L_ν(λ)} from dense matrices read off the oracles. */
  private static double[] penaltyGradient(double nu, double[] lambdaArray) {
    int d = facts.d;
    int m = facts.m;
    try (Arena arena = Arena.ofConfined()) {
      Batch one = new Batch(1).all(1);
      DVector w = Buffers.vector(arena, d);
      DVector lambda = Buffers.vector(arena, lambdaArray);
      DVector out = Buffers.vector(arena, d);
      DVector outM = Buffers.vector(arena, m);
      double eta = deterministic.mapStep();
      // ∇₁G(w, λ) = (w − Φ(w, λ))/η at w = 0 and at the unit vectors: Bλ + c and H
      double[] shift = lowerGradient(w, lambda, one, out, eta);
      double[] h = new double[d * d];
      double[] p = new double[d * d];
      deterministic.objectiveGradientW(w, lambda, one, out);
      double[] pVector = out.toArray();
      for (int j = 0; j < d; j++) {
        w.set(j, 1.0);
        double[] column = lowerGradient(w, lambda, one, out, eta);
        deterministic.objectiveGradientW(w, lambda, one, out);
        double[] pColumn = out.toArray();
        for (int i = 0; i < d; i++) {
          h[i * d + j] = column[i] - shift[i];
          p[i * d + j] = pColumn[i] - pVector[i];
        }
        w.set(j, 0.0);
      }
      double[] penalized = new double[d * d];
      double[] rhsY = new double[d];
      double[] rhsZ = new double[d];
      for (int i = 0; i < d; i++) {
        for (int j = 0; j < d; j++) {
          penalized[i * d + j] = nu * 0.5 * (h[i * d + j] + h[j * d + i])
              + 0.5 * (p[i * d + j] + p[j * d + i]);
        }
        rhsY[i] = -nu * shift[i] - pVector[i];
        rhsZ[i] = -shift[i];
      }
      double[] symmetricH = new double[d * d];
      for (int i = 0; i < d; i++) {
        for (int j = 0; j < d; j++) {
          symmetricH[i * d + j] = 0.5 * (h[i * d + j] + h[j * d + i]);
        }
      }
      double[] y = DenseSolver.solveSpd(penalized, d, rhsY);
      double[] z = DenseSolver.solveSpd(symmetricH, d, rhsZ);
      // νBᵀ(y − z) from ∂₂Φᵀx = −ηBᵀx (not from the LowerObjective under test)
      double[] difference = new double[d];
      for (int i = 0; i < d; i++) {
        difference[i] = -nu * (y[i] - z[i]) / eta;
      }
      Vjp.lambda(deterministic, w, lambda, one, Buffers.vector(arena, difference), outM);
      double[] gradient = outM.toArray();
      deterministic.objectiveGradientLambda(w, lambda, one, outM);
      for (int i = 0; i < m; i++) {
        gradient[i] += outM.get(i);
      }
      return gradient;
    }
  }

  private static double[] lowerGradient(DVector w, DVector lambda, Batch one, DVector out,
      double eta) {
    deterministic.map(w, lambda, one, out);
    double[] g = new double[w.length()];
    for (int i = 0; i < g.length; i++) {
      g[i] = (w.get(i) - out.get(i)) / eta;
    }
    return g;
  }
}
