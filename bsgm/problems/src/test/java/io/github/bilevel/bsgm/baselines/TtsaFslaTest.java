package io.github.bilevel.bsgm.baselines;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * TTSA and FSLA on the quadratic problems of {@link SingleLoopTest}, against the stationary
 * point {@code λ*} of a dense solve ({@link QuadraticFacts}). On the deterministic instance both
 * must reach {@code λ*} to 1e-9 with constant steps (the paper's decaying steps would converge
 * too, but sublinearly): TTSA with the fixed-length Neumann series, long enough for its bias
 * {@code q^Q} to vanish, and FSLA with a momentum weight {@code η = ρ < 1}, so that its
 * correction is at work; FSLA with the old-point term's sign flipped must not.
 */
class TtsaFslaTest {

  private static final Backend BACKEND = Backends.byName("simd");
  /** FSLA's constant {@code γ L_f}: the flipped correction's step, about 3γ, diverges. */
  private static final double GAMMA_FSLA = 0.9;
  private static QuadraticProblem deterministic;
  private static QuadraticProblem finiteSum;
  private static QuadraticFacts deterministicFacts;

  @BeforeAll
  static void problems() {
    deterministic = new QuadraticProblem(BACKEND, 10, 3, 1.0, 2.0, 1, 0.0, 9L);
    finiteSum = new QuadraticProblem(BACKEND, 10, 3, 1.0, 2.0, 64, 0.5, 9L);
    deterministicFacts = new QuadraticFacts(deterministic);
  }

  @AfterAll
  static void close() {
    deterministicFacts.close();
    deterministic.close();
    finiteSum.close();
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
  void ttsaWithAFixedLengthSeriesReachesTheStationaryPointOfTheDeterministicQuadratic() {
    // ρ = η = 1 (the plain fixed-point iteration and the plain Neumann series), q^60 ≪ 1e-9
    SingleLoopOptions options = SingleLoopOptions.builder().rho(1.0)
        .gamma(0.5 / deterministicFacts.lipschitzF).neumannTerms(60).randomTruncation(false)
        .budget(Budget.iterations(1000)).build();
    try (Ttsa ttsa = new Ttsa(deterministic, 1, 1)) {
      double error = distance(ttsa, options, deterministicFacts, 1);
      assertTrue(error <= 1e-9, "TTSA: ‖λ − λ*‖ = " + error);
      // a short series keeps its bias q^Q: the test can fail
      double biased = distance(ttsa, SingleLoopOptions.builder().rho(1.0)
          .gamma(0.5 / deterministicFacts.lipschitzF).neumannTerms(2).randomTruncation(false)
          .budget(Budget.iterations(1000)).build(), deterministicFacts, 1);
      assertFalse(biased <= 1e-6, "TTSA with Q = 2: ‖λ − λ*‖ = " + biased);
    }
  }

  @Test
  void fslaReachesTheStationaryPointOfTheDeterministicQuadraticAndTheFlippedCorrectionDoesNot() {
    // constant steps ρ = η = 1/2: the momentum keeps half of the old direction
    SingleLoopOptions options = SingleLoopOptions.builder().rho(0.5)
        .gamma(GAMMA_FSLA / deterministicFacts.lipschitzF).budget(Budget.iterations(2000))
        .build();
    try (Fsla fsla = new Fsla(deterministic, 1, 1);
        Fsla flipped = new Fsla(deterministic, 1, 1, -1.0)) {
      double error = distance(fsla, options, deterministicFacts, 1);
      assertTrue(error <= 1e-9, "FSLA: ‖λ − λ*‖ = " + error);
      double broken = distance(flipped, options, deterministicFacts, 1);
      assertFalse(broken <= 1e-9, "the flipped momentum correction passed: " + broken);
    }
  }

  /**
   * On the deterministic problem the only randomness of TTSA's first step is the truncation
   * {@code p}, which the sample count reveals ({@code 2b + J + p·b}); the mean of the {@code Q}
   * outcomes, one per {@code p}, must be the fixed-length step ({@code λ₁} is affine in
   * {@code v}): the random truncation is unbiased for the fixed-length sum.
   */
  @Test
  void ttsasRandomTruncationIsUnbiasedForTheFixedLengthSeries() {
    int q = 4;
    SingleLoopOptions.Builder builder = SingleLoopOptions.builder().rho(0.7).gamma(0.3)
        .neumannTerms(q).budget(Budget.iterations(1));
    try (Arena arena = Arena.ofConfined(); Ttsa ttsa = new Ttsa(deterministic, 1, 1)) {
      DVector fixed = Buffers.vector(arena, 3);
      ttsa.run(fixed, builder.randomTruncation(false).build(), new SplittableRandom(1), null);
      SingleLoopOptions random = builder.randomTruncation(true).build();
      double[][] byTerms = new double[q][];
      for (long seed = 0; seed < 200 && Arrays.stream(byTerms).anyMatch(a -> a == null);
          seed++) {
        DVector lambda = Buffers.vector(arena, 3);
        long samples = ttsa.run(lambda, random, new SplittableRandom(seed), null).samples();
        byTerms[(int) (samples - 3)] = lambda.toArray();
      }
      double[] mean = new double[3];
      for (double[] outcome : byTerms) {
        for (int i = 0; i < 3; i++) {
          mean[i] += outcome[i] / q;
        }
      }
      assertArrayEquals(fixed.toArray(), mean, 1e-12);
      assertFalse(Arrays.equals(byTerms[0], byTerms[q - 1]));
    }
  }

  @Test
  void sampleCountsAgreeWithAHandCount() {
    try (Arena arena = Arena.ofConfined(); Ttsa ttsa = new Ttsa(finiteSum, 8, 8);
        Fsla fsla = new Fsla(finiteSum, 8, 8)) {
      SingleLoopOptions fixed = SingleLoopOptions.builder().lowerBatch(3).batch(5)
          .neumannTerms(4).randomTruncation(false).budget(Budget.iterations(6)).build();
      // TTSA, fixed length: ξ₀ at two points (2·3), ζ (5), Q − 1 = 3 products (3·3): 20
      assertEquals(6 * 20, ttsa.run(Buffers.vector(arena, 3), fixed, new SplittableRandom(1),
          null).samples());
      assertEquals(20, ttsa.samplesPerIteration(0, fixed));
      // random truncation: between 2b + J = 11 and (Q + 1)b + J = 20 per iteration
      SingleLoopOptions random = SingleLoopOptions.builder().lowerBatch(3).batch(5)
          .neumannTerms(4).budget(Budget.iterations(50)).build();
      long used = ttsa.run(Buffers.vector(arena, 3), random, new SplittableRandom(1), null)
          .samples();
      assertTrue(used > 50 * 11 && used < 50 * 20 && (used - 50 * 11) % 3 == 0, "TTSA " + used);
      // FSLA: ξ₁, ξ₂, ξ₃ and ζ₁, ζ₂ (9 + 10) at k = 0, then ξ₃, ζ₂ again at the old point (+8)
      assertEquals(19 + 5 * 27, fsla.run(Buffers.vector(arena, 3), fixed,
          new SplittableRandom(1), null).samples());
      assertEquals(19, fsla.samplesPerIteration(0, fixed));
      assertEquals(27, fsla.samplesPerIteration(1, fixed));
    }
  }

  @Test
  void theSameSeedGivesTheSameTrajectoryAndAnotherSeedAnotherOne() {
    SingleLoopOptions options = SingleLoopOptions.builder().lowerBatch(4).batch(4)
        .rhoExponent(0.4).gammaExponent(0.6).budget(Budget.iterations(40)).build();
    try (Arena arena = Arena.ofConfined(); Ttsa ttsa = new Ttsa(finiteSum, 4, 4);
        Fsla fsla = new Fsla(finiteSum, 4, 4)) {
      for (SingleLoopMethod<?> method : List.<SingleLoopMethod<?>>of(ttsa, fsla)) {
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
  void badSettingsAreRejectedNamingThem() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SingleLoopOptions.builder().neumannTerms(0).build());
    assertTrue(e.getMessage().contains("neumannTerms"), e.getMessage());
    try (Arena arena = Arena.ofConfined(); Fsla fsla = new Fsla(finiteSum, 2, 2)) {
      e = assertThrows(IllegalArgumentException.class, () -> fsla.run(Buffers.vector(arena, 3),
          SingleLoopOptions.builder().rho(1.5).build(), new SplittableRandom(1), null));
      assertTrue(e.getMessage().startsWith("FSLA") && e.getMessage().contains("rho"),
          e.getMessage());
    }
  }
}
