package io.github.bilevel.bsgm.baselines;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.bsgm.Bsgm;
import io.github.bilevel.bsgm.Budget;
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
 * SOBA, SABA and SRBA on quadratic problems, against the stationary point {@code λ*} of a dense
 * solve ({@link QuadraticFacts}). The finite-sum instance's noise vectors are centred over its
 * {@code N} samples, so the finite sum's oracles are exactly the noise-free ones and its
 * stationary point is that {@code λ*}. SOBA, with constant steps, stalls at a noise floor
 * there and is checked on the deterministic instance; SABA and SRBA, whose corrections remove
 * the noise at their fixed points, must reach {@code λ*} to 1e-9 on the finite sum with constant
 * steps, and their variants with the correction's sign flipped must not.
 */
class SingleLoopTest {

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

  /** Constant steps: {@code ρ = 1} (the plain fixed-point iteration) and {@code γ = 1/(2L_f)}. */
  private static SingleLoopOptions.Builder constant(QuadraticFacts facts, int batch,
      int iterations) {
    return SingleLoopOptions.builder().rho(1.0).gamma(0.5 / facts.lipschitzF).batch(batch)
        .lowerBatch(batch).budget(Budget.iterations(iterations));
  }

  /** {@code ‖λ_K − λ*‖} after a run, or infinity if it diverged. */
  private static double distance(SingleLoopMethod<?> method, SingleLoopOptions options,
      QuadraticFacts facts, long seed) {
    try (Arena arena = Arena.ofConfined()) {
      DVector lambda = Buffers.vector(arena, facts.m);
      try {
        method.run(lambda, options, new SplittableRandom(seed), null);
      } catch (ArithmeticException diverged) {
        return Double.POSITIVE_INFINITY;
      }
      return facts.distanceToStationary(lambda.toArray());
    }
  }

  @Test
  void sobaReachesTheStationaryPointOfTheDeterministicQuadratic() {
    try (Soba soba = new Soba(deterministic, 1, 1)) {
      double error = distance(soba, constant(deterministicFacts, 1, 1000).build(),
          deterministicFacts, 1);
      assertTrue(error <= 1e-9, "SOBA: ‖λ − λ*‖ = " + error);
    }
  }

  @Test
  void sobaWithConstantStepsStallsAtTheNoiseFloorOfTheFiniteSum() {
    try (Soba soba = new Soba(finiteSum, 8, 8)) {
      double error = distance(soba, constant(finiteSumFacts, 8, 3000).build(), finiteSumFacts,
          1);
      assertFalse(error <= 1e-3, "SOBA without variance reduction: ‖λ − λ*‖ = " + error);
    }
  }

  @Test
  void sabaReachesTheFiniteSumsStationaryPointAndTheFlippedCorrectionDoesNot() {
    // ρ = 1/2 (SAGA's memory lags behind z: the plain fixed-point step ρ = 1 diverges here)
    SingleLoopOptions options = constant(finiteSumFacts, 8, 2000).rho(0.5)
        .gamma(0.2 / finiteSumFacts.lipschitzF).build();
    try (Saba saba = new Saba(finiteSum, 8, 8); Saba flipped = new Saba(finiteSum, 8, 8, -1.0)) {
      for (long seed : new long[] {1, 2}) {
        double error = distance(saba, options, finiteSumFacts, seed);
        assertTrue(error <= 1e-9, "SABA seed " + seed + ": ‖λ − λ*‖ = " + error);
        double broken = distance(flipped, options, finiteSumFacts, seed);
        assertFalse(broken <= 1e-9, "the flipped SAGA correction passed: " + broken);
      }
      // blocks that do not divide N (64 = 9·7 + 1): the weighted mean keeps the fixed point
      SingleLoopOptions uneven = constant(finiteSumFacts, 7, 3000).rho(0.5)
          .gamma(0.2 / finiteSumFacts.lipschitzF).build();
      double error = distance(saba, uneven, finiteSumFacts, 3);
      assertTrue(error <= 1e-9, "SABA, b = J = 7: ‖λ − λ*‖ = " + error);
    }
  }

  @Test
  void srbaReachesTheFiniteSumsStationaryPointAndTheFlippedCorrectionDoesNot() {
    SingleLoopOptions options = constant(finiteSumFacts, 8, 1000).period(16).build();
    try (Srba srba = new Srba(finiteSum, 8, 8); Srba flipped = new Srba(finiteSum, 8, 8, -1.0)) {
      for (long seed : new long[] {1, 2}) {
        double error = distance(srba, options, finiteSumFacts, seed);
        assertTrue(error <= 1e-9, "SRBA seed " + seed + ": ‖λ − λ*‖ = " + error);
        double broken = distance(flipped, options, finiteSumFacts, seed);
        assertFalse(broken <= 1e-9, "the flipped SARAH correction passed: " + broken);
      }
    }
  }

  @Test
  void sampleCountsAgreeWithAHandCount() {
    try (Arena arena = Arena.ofConfined(); Soba soba = new Soba(finiteSum, 8, 8);
        Saba saba = new Saba(finiteSum, 8, 8); Srba srba = new Srba(finiteSum, 8, 8)) {
      SingleLoopOptions options = SingleLoopOptions.builder().lowerBatch(3).batch(5).period(4)
          .budget(Budget.iterations(6)).build();
      // b + J = 8 per iteration
      assertEquals(48, soba.run(Buffers.vector(arena, 3), options, new SplittableRandom(1),
          null).samples());
      // SRBA: full batches (64 + 64) at k = 0, 4, two points of 8 at the four others
      assertEquals(2 * 128 + 4 * 16, srba.run(Buffers.vector(arena, 3), options,
          new SplittableRandom(1), null).samples());
      for (int k = 0; k < 6; k++) {
        assertEquals(k % 4 == 0 ? 128 : 16, srba.samplesPerIteration(k, options));
      }
      // SABA: blocks of 4 and 8 divide 64, so every block is full: 12 per iteration
      SingleLoopOptions even = SingleLoopOptions.builder().lowerBatch(4).batch(8)
          .budget(Budget.iterations(5)).build();
      assertEquals(60, saba.run(Buffers.vector(arena, 3), even, new SplittableRandom(1), null)
          .samples());
      // epochs: b = J = 7 cut 64 into 9 blocks of 7 and one of 1, each visited once per 10
      // iterations, so two epochs use 2·(64 + 64) samples whatever the seed (a draw with
      // replacement would rarely take the block of 1 exactly twice per level)
      SingleLoopOptions uneven = SingleLoopOptions.builder().lowerBatch(7).batch(7)
          .budget(Budget.iterations(20)).build();
      for (long seed = 1; seed <= 4; seed++) {
        assertEquals(256, saba.run(Buffers.vector(arena, 3), uneven, new SplittableRandom(seed),
            null).samples(), "seed " + seed);
      }
      // the sample budget stops a run before the iteration that would start past it
      Bsgm.Result result = soba.run(Buffers.vector(arena, 3), SingleLoopOptions.builder()
          .lowerBatch(3).batch(5).budget(Budget.samples(20)).build(), new SplittableRandom(1),
          null);
      assertEquals(Budget.SAMPLE_BUDGET, result.stoppedBecause());
      assertEquals(24, result.samples());
    }
  }

  @Test
  void theSameSeedGivesTheSameTrajectoryAndAnotherSeedAnotherOne() {
    SingleLoopOptions options = SingleLoopOptions.builder().lowerBatch(4).batch(4).period(8)
        .rhoExponent(0.5).gammaExponent(0.5).budget(Budget.iterations(40)).build();
    try (Arena arena = Arena.ofConfined(); Soba soba = new Soba(finiteSum, 4, 4);
        Saba saba = new Saba(finiteSum, 4, 4); Srba srba = new Srba(finiteSum, 4, 4)) {
      for (SingleLoopMethod<?> method : List.<SingleLoopMethod<?>>of(soba, saba, srba)) {
        List<double[]> last = new ArrayList<>();
        for (long seed : new long[] {11, 11, 12}) {
          DVector lambda = Buffers.vector(arena, 3);
          List<Double> norms = new ArrayList<>();
          method.run(lambda, options, new SplittableRandom(seed),
              p -> norms.add(p.hypergradientNorm()));
          assertEquals(40, norms.size());
          last.add(lambda.toArray());
        }
        assertArrayEquals(last.get(0), last.get(1), 0.0);
        assertFalse(Arrays.equals(last.get(0), last.get(2)));
      }
    }
  }

  @Test
  void theStepSchedulesAreThoseDocumented() {
    SingleLoopOptions options = SingleLoopOptions.builder().rho(0.8).gamma(0.3)
        .rhoExponent(0.4).gammaExponent(0.6).build();
    assertEquals(0.8, options.rho(0), 0.0);
    assertEquals(0.8 / Math.pow(10, 0.4), options.rho(9), 1e-15);
    assertEquals(0.3 / Math.pow(10, 0.6), options.gamma(9), 1e-15);
    SingleLoopOptions constant = SingleLoopOptions.builder().rho(0.8).gamma(0.3).build();
    assertEquals(0.8, constant.rho(1000), 0.0);
    assertEquals(0.3, constant.gamma(1000), 0.0);
  }

  @Test
  void badSettingsAreRejectedNamingThem() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SingleLoopOptions.builder().rho(0).build());
    assertTrue(e.getMessage().contains("rho"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> SingleLoopOptions.builder().gammaExponent(1.5).build());
    assertTrue(e.getMessage().contains("gammaExponent"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> SingleLoopOptions.builder().period(0).build());
    assertThrows(IllegalArgumentException.class,
        () -> SingleLoopOptions.builder().gamma(Double.NaN).build());
    try (Arena arena = Arena.ofConfined(); Saba saba = new Saba(finiteSum, 2, 2)) {
      e = assertThrows(IllegalArgumentException.class, () -> saba.run(Buffers.vector(arena, 3),
          SingleLoopOptions.builder().batch(4).build(), new SplittableRandom(1), null));
      assertTrue(e.getMessage().startsWith("SABA"), e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> saba.run(Buffers.vector(arena, 4),
          SingleLoopOptions.builder().build(), new SplittableRandom(1), null));
    }
  }

  @Test
  void divergenceIsReportedWithTheAlgorithmTheDirectionAndTheIteration() {
    try (Arena arena = Arena.ofConfined(); ExpandingProblem problem = new ExpandingProblem(BACKEND);
        Soba soba = new Soba(problem, 1, 1)) {
      ArithmeticException e = assertThrows(ArithmeticException.class,
          () -> soba.run(Buffers.vector(arena, 1), SingleLoopOptions.builder()
              .budget(Budget.iterations(1_000_000)).build(), new SplittableRandom(1), null));
      assertTrue(e.getMessage().startsWith("SOBA diverged in the LL direction D_z"),
          e.getMessage());
      assertTrue(e.getMessage().contains("at iteration "), e.getMessage());
    }
  }
}
