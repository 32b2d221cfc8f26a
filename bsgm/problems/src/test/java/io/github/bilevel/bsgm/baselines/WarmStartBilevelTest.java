package io.github.bilevel.bsgm.baselines;

import io.github.bilevel.bsgm.Budget;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.bsgm.Batch;
import io.github.bilevel.bsgm.BilevelProblem;
import io.github.bilevel.bsgm.Bsgm;
import io.github.bilevel.bsgm.IterationSchedule;
import io.github.bilevel.bsgm.problems.QuadraticProblem;
import io.github.bilevel.bsgm.StepSchedule;
import io.github.bilevel.bsgm.baselines.WarmStartBilevel.LinearSolver;
import io.github.bilevel.bsgm.baselines.WarmStartBilevel.Options;
import io.github.bilevel.bsgm.baselines.WarmStartPreset;
import io.github.bilevel.bsgm.baselines.WarmStartBilevel.Start;
import io.github.bilevel.bsgm.baselines.WarmStartBilevel.StepClock;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.Backends;
import io.github.bilevel.kernels.Buffers;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The warm-start presets on quadratic problems, against the dense-solve stationary point
 * {@code λ*} (the minimizer of the strongly convex {@code f}; {@code Λ = R^m}, so stationarity
 * is {@code ∇f(λ*) = 0}).
 */
class WarmStartBilevelTest {

  private static final Backend BACKEND = Backends.byName("simd");
  private static QuadraticProblem deterministic;
  private static QuadraticProblem stochastic;
  private static QuadraticFacts deterministicFacts;
  private static QuadraticFacts stochasticFacts;

  @BeforeAll
  static void problems() {
    // q = 1/3; the stochastic one has 1024 samples of noise 0.5 on Φ̂ and on ∇₁Ê
    deterministic = new QuadraticProblem(BACKEND, 10, 3, 1.0, 2.0, 1, 0.0, 9L);
    stochastic = new QuadraticProblem(BACKEND, 10, 3, 1.0, 2.0, 1024, 0.5, 9L);
    deterministicFacts = new QuadraticFacts(deterministic);
    stochasticFacts = new QuadraticFacts(stochastic);
  }

  @AfterAll
  static void close() {
    deterministicFacts.close();
    stochasticFacts.close();
    deterministic.close();
    stochastic.close();
  }

  /** Settings under which each preset can reach {@code λ*} on a deterministic problem. */
  private static WarmStartBuilder deterministicSettings(WarmStartPreset preset,
      QuadraticFacts facts) {
    WarmStartBuilder builder = Options.builder(preset).exact(facts.exact()).alpha(0.5);
    return switch (preset) {
      // Theorem 17: constant steps, t_s = k_s = ⌈c log(s + 2)⌉, J = 1
      case BSGM -> builder.schedule(IterationSchedule.theorem17(10.0))
          .lowerSteps(StepSchedule.constant(1.0)).linearSteps(StepSchedule.constant(1.0))
          .budget(Budget.iterations(300));
      // v from 0 with k Neumann terms has bias q^k ‖v*‖ ≈ 3^-40: below rounding
      case STOCBIO -> builder.fixed(10, 40, 32).budget(Budget.iterations(300));
      case ALSET -> builder.fixed(1, 40, 1).budget(Budget.iterations(600));
      case AMIGO -> builder.budget(Budget.iterations(300));
      case ALSET_DAGGER -> builder.budget(Budget.iterations(600));
      case BSA -> throw new IllegalArgumentException("BSA is stochastic even here");
    };
  }

  @Test
  void deterministicPresetsReachTheStationaryPointToHighAccuracy() {
    for (WarmStartPreset preset : WarmStartPreset.values()) {
      if (preset == WarmStartPreset.BSA) {
        continue; // its random truncation is noisy even on a deterministic problem: see below
      }
      try (Arena arena = Arena.ofConfined();
          WarmStartBilevel runner = new WarmStartBilevel(deterministic, 64, 1)) {
        DVector lambda = Buffers.vector(arena, 3);
        double initial = Math.sqrt(deterministicFacts.gradientNormSquared(lambda.toArray()));
        Options options = deterministicSettings(preset, deterministicFacts).build();
        List<Bsgm.Progress> trace = new ArrayList<>();
        Bsgm.Result result = runner.run(lambda, options, new SplittableRandom(1), trace::add);
        assertEquals(options.budget().maxIterations().getAsInt(), result.iterations(), preset.name());
        double last = Math.sqrt(deterministicFacts.gradientNormSquared(lambda.toArray()));
        assertTrue(last <= 1e-10 * initial, preset + ": ‖∇f‖ went from " + initial + " to "
            + last);
        assertTrue(deterministicFacts.distanceToStationary(lambda.toArray()) <= 1e-9,
            preset + ": ‖λ − λ*‖ = " + deterministicFacts.distanceToStationary(lambda.toArray()));
        // the progress reports the exact ‖∇f(λ_s)‖ (Λ = R^m) and growing sample counts
        assertEquals(initial, trace.get(0).gradientMappingNorm(), 1e-12 * initial);
        for (int s = 1; s < trace.size(); s++) {
          assertTrue(trace.get(s).samples() > trace.get(s - 1).samples());
          assertTrue(Double.isFinite(trace.get(s).upperObjective()));
        }
      }
    }
  }

  /**
   * The stationary error of constant-step stochastic approximation, the theory the tolerance
   * comes from: with {@code λ_{s+1} = λ_s − α(∇f(λ_s) + e_s)} on a quadratic {@code f} with
   * Hessian {@code A} ({@code μ_f I ≼ A ≼ L_f I}) and errors {@code e_s} of mean {@code b} and
   * long-run covariance {@code Σ}, the stationary {@code E‖∇f(λ)‖²} is
   * {@code Σ_i α a_i σ_i² / (2 − α a_i) + ‖b‖² ≤ α L_f tr Σ / (2 − α L_f) + ‖b‖²}. {@code b} and
   * {@code tr Σ} (batch means of 100 blocks of 50 estimates, after 200 to reach the warm-start
   * state's stationarity) are measured at {@code λ*} with the preset's own estimator.
   *
   * @param s the iteration whose {@code t, k, J} the estimator uses
   */
  private static double approximationFloor(WarmStartBilevel runner, Options options, int s,
      QuadraticFacts facts, double alpha) {
    int m = facts.m;
    try (Arena arena = Arena.ofConfined()) {
      DVector lambda = Buffers.vector(arena, facts.lambdaStar);
      DVector h = Buffers.vector(arena, m);
      SplittableRandom random = new SplittableRandom(7);
      WarmStartBilevel.State state = runner.init(arena, options);
      for (int i = 0; i < 200; i++) {
        runner.hypergradient(state, lambda, options, s, random, h);
      }
      int blocks = 100;
      int length = 50;
      double[][] blockMeans = new double[blocks][m];
      double[] mean = new double[m];
      for (int block = 0; block < blocks; block++) {
        for (int i = 0; i < length; i++) {
          runner.hypergradient(state, lambda, options, s, random, h);
          for (int j = 0; j < m; j++) {
            blockMeans[block][j] += h.get(j) / length;
            mean[j] += h.get(j) / (blocks * length);
          }
        }
      }
      double longRunVariance = 0;
      double bias = 0;
      for (int j = 0; j < m; j++) {
        bias += mean[j] * mean[j];
        for (int block = 0; block < blocks; block++) {
          longRunVariance += length * Math.pow(blockMeans[block][j] - mean[j], 2) / (blocks - 1);
        }
      }
      double lf = facts.lipschitzF;
      return alpha * lf * longRunVariance / (2 - alpha * lf) + bias;
    }
  }

  /** Settings for the stochastic problem, and for BSA on the deterministic one. */
  private static WarmStartBuilder stochasticSettings(WarmStartPreset preset) {
    WarmStartBuilder builder = Options.builder(preset);
    return switch (preset) {
      case BSGM -> builder.alpha(0.2).budget(Budget.iterations(300));
      case STOCBIO -> builder.alpha(0.05).fixed(10, 30, 32).budget(Budget.iterations(1000));
      case AMIGO -> builder.alpha(0.05).budget(Budget.iterations(1000));
      case ALSET -> builder.alpha(0.05).fixed(1, 30, 1).budget(Budget.iterations(1000));
      case ALSET_DAGGER -> builder.alpha(0.05).budget(Budget.iterations(1000));
      case BSA -> builder.alpha(0.01).budget(Budget.iterations(4000));
    };
  }

  /**
   * Every preset on the stochastic quadratic (and BSA, whose random truncation is noisy anyway,
   * on the deterministic one) ends, averaged over 8 seeds, within 3× the constant-step
   * stochastic-approximation floor of {@link #approximationFloor} (the factor covers the
   * fluctuation of an 8-seed mean and the lag of the warm-start state behind a moving
   * {@code λ}), after enough iterations that the transient {@code (1 − αμ_f)^S ‖∇f(λ_0)‖²} is
   * below 1% of the floor; and that floor is far below the start, so the test can fail.
   */
  @Test
  void stochasticPresetsEndWithinTheStochasticApproximationFloor() {
    for (WarmStartPreset preset : WarmStartPreset.values()) {
      boolean bsa = preset == WarmStartPreset.BSA;
      QuadraticProblem problem = bsa ? deterministic : stochastic;
      QuadraticFacts facts = bsa ? deterministicFacts : stochasticFacts;
      Options options = stochasticSettings(preset).build();
      int iterations = options.budget().maxIterations().getAsInt();
      // BSGM and BSA change t_s with s: measure at the middle of the run (larger error, a
      // conservative floor for the end)
      int sForFloor = preset == WarmStartPreset.BSGM || bsa ? iterations / 2 : 0;
      double initial = facts.gradientNormSquared(new double[facts.m]);
      try (Arena arena = Arena.ofConfined();
          WarmStartBilevel runner = new WarmStartBilevel(problem, 512, 1)) {
        double floor = approximationFloor(runner, options, sForFloor, facts, options.alpha());
        double transientError = Math.pow(1 - options.alpha() * facts.muF, iterations) * initial;
        assertTrue(transientError <= 0.01 * floor, preset + ": transient " + transientError
            + " vs floor " + floor);
        assertTrue(floor <= (bsa ? 0.05 : 0.01) * initial, preset + ": floor " + floor
            + " is not far below the start " + initial);
        double mean = 0;
        int seeds = 8;
        for (int seed = 0; seed < seeds; seed++) {
          DVector lambda = Buffers.vector(arena, facts.m);
          runner.run(lambda, options, new SplittableRandom(100 + seed), null);
          mean += facts.gradientNormSquared(lambda.toArray()) / seeds;
        }
        assertTrue(mean <= 3 * floor, preset + ": mean ‖∇f‖² " + mean + " > 3 × floor " + floor);
      }
    }
  }

  @Test
  void bsgmPresetIsBsgmBitForBit() {
    try (Arena arena = Arena.ofConfined(); Bsgm bsgm = new Bsgm(stochastic, 64, 2);
        WarmStartBilevel runner = new WarmStartBilevel(stochastic, 64, 2)) {
      DVector expected = Buffers.vector(arena, 3);
      DVector actual = Buffers.vector(arena, 3);
      StepSchedule steps = StepSchedule.decreasing(1.5, 1.5);
      Bsgm.Result reference = bsgm.run(expected, Bsgm.Options.of(0.2,
          IterationSchedule.theorem16(), 2, steps).withMaxIterations(40),
          new SplittableRandom(3), null);
      List<Bsgm.Progress> trace = new ArrayList<>();
      Bsgm.Result result = runner.run(actual, Options.builder(WarmStartPreset.BSGM).alpha(0.2)
          .lowerBatch(2).lowerSteps(steps).linearSteps(steps).budget(Budget.iterations(40))
          .build(), new SplittableRandom(3), trace::add);
      assertArrayEquals(expected.toArray(), actual.toArray(), 0.0);
      assertEquals(reference.samples(), result.samples());
      assertEquals(reference.iterations(), result.iterations());
      assertEquals(40, trace.size());
    }
  }

  @Test
  void sgdAndKmLinearSolversAgreeInExactArithmetic() {
    // AmIGO's SGD step v − η((I − ∂₁Φ̂ᵀ)v − ĝ₁) is the KM step (1 − η)v + η(∂₁Φ̂ᵀv + ĝ₁)
    try (Arena arena = Arena.ofConfined();
        WarmStartBilevel runner = new WarmStartBilevel(stochastic, 64, 1)) {
      DVector sgd = Buffers.vector(arena, 3);
      DVector km = Buffers.vector(arena, 3);
      WarmStartBuilder builder = Options.builder(WarmStartPreset.AMIGO)
          .budget(Budget.iterations(200));
      runner.run(sgd, builder.linearSolver(LinearSolver.SGD).build(), new SplittableRandom(5),
          null);
      runner.run(km, builder.linearSolver(LinearSolver.KM).build(), new SplittableRandom(5),
          null);
      double[] a = sgd.toArray();
      double[] b = km.toArray();
      for (int i = 0; i < 3; i++) {
        assertEquals(a[i], b[i], 1e-11 * (1 + Math.abs(a[i])));
      }
      assertFalse(java.util.Arrays.equals(a, new double[3]));
    }
  }

  @Test
  void sampleCountsAgreeWithAHandCount() {
    try (Arena arena = Arena.ofConfined();
        WarmStartBilevel runner = new WarmStartBilevel(stochastic, 8, 4)) {
      // t = 2 LL steps and k = 3 LS steps of b = 2 samples, J = 5: 2·2 + 3·2 + 2·5 = 20 per
      // iteration, 3 iterations
      Options stocbio = Options.builder(WarmStartPreset.STOCBIO).fixed(2, 3, 5).lowerBatch(2)
          .budget(Budget.iterations(3)).build();
      assertEquals(60, runner.run(Buffers.vector(arena, 3), stocbio, new SplittableRandom(1),
          null).samples());
      // ALSET†: t = k = J = 1, b = 1: 1 + 1 + 2 = 4 per iteration
      Options dagger = Options.builder(WarmStartPreset.ALSET_DAGGER).budget(Budget.iterations(5)).build();
      assertEquals(20, runner.run(Buffers.vector(arena, 3), dagger, new SplittableRandom(1),
          null).samples());
      // BSGM: t = k = J = s + 1, b = 1: 4(s + 1) per iteration, 4·(1 + 2 + 3) after 3
      Options bsgm = Options.builder(WarmStartPreset.BSGM).budget(Budget.iterations(3)).build();
      assertEquals(24, runner.run(Buffers.vector(arena, 3), bsgm, new SplittableRandom(1),
          null).samples());
      // full batch: (t + k + 1)·n_ξ + n_ζ = (2 + 3 + 1)·1024 + 1024 per iteration
      Options full = Options.builder(WarmStartPreset.STOCBIO).fixed(2, 3, 5).fullBatch(true)
          .budget(Budget.iterations(2)).build();
      assertEquals(2L * 7 * 1024, runner.run(Buffers.vector(arena, 3), full,
          new SplittableRandom(1), null).samples());
      // BSA: t_s = ⌈√(s + 1)⌉ LL steps, Q_s ~ U{0..k−1} LS steps, J = 1: t + Q + 2
      Options bsa = Options.builder(WarmStartPreset.BSA)
          .schedule(WarmStartPreset.growingSchedule(1.0, 6, 1)).build();
      WarmStartBilevel.State state = runner.init(arena, bsa);
      SplittableRandom random = new SplittableRandom(4);
      DVector lambda = Buffers.vector(arena, 3);
      DVector out = Buffers.vector(arena, 3);
      boolean sawTruncation = false;
      for (int s = 0; s < 20; s++) {
        WarmStartEstimate estimate = runner.hypergradient(state, lambda, bsa, s,
            random, out);
        int t = (int) Math.ceil(Math.sqrt(s + 1.0));
        assertEquals(t, estimate.lowerSteps());
        assertTrue(estimate.linearSteps() >= 0 && estimate.linearSteps() < 6);
        sawTruncation |= estimate.linearSteps() > 0 && estimate.linearSteps() < 5;
        assertEquals(t + estimate.linearSteps() + 2, estimate.samples(), "s = " + s);
      }
      assertTrue(sawTruncation);
    }
  }

  @Test
  void theSampleBudgetAndTheIterationLimitStopTheRun() {
    try (Arena arena = Arena.ofConfined();
        WarmStartBilevel runner = new WarmStartBilevel(stochastic, 8, 4)) {
      Options options = Options.builder(WarmStartPreset.ALSET_DAGGER).budget(new Budget(1000, 10,
          Long.MAX_VALUE)).build();
      Bsgm.Result result = runner.run(Buffers.vector(arena, 3), options, new SplittableRandom(1),
          null);
      assertEquals(Budget.SAMPLE_BUDGET, result.stoppedBecause());
      assertEquals(3, result.iterations()); // 4 samples each: 12 >= 10 after 3
      assertEquals(12, result.samples());
      Options limited = Options.builder(WarmStartPreset.ALSET_DAGGER).budget(Budget.iterations(7))
          .build();
      result = runner.run(Buffers.vector(arena, 3), limited, new SplittableRandom(1), null);
      assertEquals(Budget.ITERATION_LIMIT, result.stoppedBecause());
      assertEquals(7, result.iterations());
    }
  }

  @Test
  void theSameSeedGivesTheSameTrajectoryAndAnotherSeedAnotherOne() {
    for (WarmStartPreset preset : WarmStartPreset.values()) {
      try (Arena arena = Arena.ofConfined();
          WarmStartBilevel runner = new WarmStartBilevel(stochastic, 64, 1)) {
        Options options = Options.builder(preset).budget(Budget.iterations(30)).build();
        List<double[]> first = trajectory(runner, options, 11, arena);
        List<double[]> again = trajectory(runner, options, 11, arena);
        List<double[]> other = trajectory(runner, options, 12, arena);
        for (int s = 0; s < first.size(); s++) {
          assertArrayEquals(first.get(s), again.get(s), 0.0, preset + " at s = " + s);
        }
        assertFalse(java.util.Arrays.equals(first.getLast(), other.getLast()), preset.name());
      }
    }
  }

  /** λ after every iteration (the listener sees λ_{s+1} through the live buffer). */
  private static List<double[]> trajectory(WarmStartBilevel runner, Options options, long seed,
      Arena arena) {
    DVector lambda = Buffers.vector(arena, 3);
    List<double[]> out = new ArrayList<>();
    runner.run(lambda, options, new SplittableRandom(seed), p -> out.add(lambda.toArray()));
    return out;
  }

  @Test
  void warmStartMemoryIsOneVectorPerWarmSolver() {
    try (WarmStartBilevel runner = new WarmStartBilevel(stochastic, 4, 1)) {
      long vector = 8L * 10;
      assertEquals(0, warmStartBytes(runner, Options.builder(WarmStartPreset.BSGM).build()));
      assertEquals(vector, warmStartBytes(runner, Options.builder(WarmStartPreset.STOCBIO).build()));
      assertEquals(2 * vector, warmStartBytes(runner, Options.builder(WarmStartPreset.AMIGO).build()));
      assertEquals(vector, warmStartBytes(runner, Options.builder(WarmStartPreset.ALSET).build()));
      assertEquals(2 * vector,
          warmStartBytes(runner, Options.builder(WarmStartPreset.ALSET_DAGGER).build()));
      assertEquals(0, warmStartBytes(runner, Options.builder(WarmStartPreset.BSA).build()));
      // random truncation keeps no v even if asked to
      assertEquals(0, warmStartBytes(runner, Options.builder(WarmStartPreset.BSA)
          .linearStart(Start.WARM).build()));
      assertEquals(8L * (4 * 10 + 4 * 3), runner.workspaceBytes());
    }
  }

  @Test
  void presetsCarryTheTableOfAlgorithmsMd() {
    Options stocbio = Options.builder(WarmStartPreset.STOCBIO).build();
    assertEquals(Start.WARM, stocbio.lowerStart());
    assertEquals(Start.ZERO, stocbio.linearStart());
    assertEquals(LinearSolver.NEUMANN, stocbio.linearSolver());
    Options amigo = Options.builder(WarmStartPreset.AMIGO).build();
    assertEquals(Start.WARM, amigo.linearStart());
    assertEquals(LinearSolver.SGD, amigo.linearSolver());
    Options alset = Options.builder(WarmStartPreset.ALSET).build();
    assertEquals(1, alset.schedule().lowerSteps(7));
    assertEquals(1, alset.schedule().batch(7));
    Options dagger = Options.builder(WarmStartPreset.ALSET_DAGGER).build();
    assertEquals(1, dagger.schedule().linearSteps(7));
    assertEquals(LinearSolver.KM, dagger.linearSolver());
    Options bsa = Options.builder(WarmStartPreset.BSA).build();
    assertEquals(Start.ZERO, bsa.lowerStart());
    assertEquals(LinearSolver.RANDOM_TRUNCATION, bsa.linearSolver());
    assertEquals(10, bsa.schedule().lowerSteps(99));
    Options bsgm = Options.builder(WarmStartPreset.BSGM).build();
    assertEquals(8, bsgm.schedule().lowerSteps(7));
    assertEquals(StepClock.PER_CALL, bsgm.clock());
    assertEquals(0.05, Options.builder(WarmStartPreset.BSGM).alpha(0.1).alphaDecay(1).build().alpha(1),
        1e-15);
    for (WarmStartPreset preset : WarmStartPreset.values()) {
      assertEquals(preset, WarmStartPreset.fromName(preset.cliName()));
      assertEquals(preset.name(), Options.builder(preset).build().name());
    }
    assertEquals(WarmStartPreset.ALSET_DAGGER, WarmStartPreset.fromName("ALSET_DAGGER"));
    assertThrows(IllegalArgumentException.class, () -> WarmStartPreset.fromName("sgd"));
  }

  @Test
  void aCumulativeClockKeepsDecreasingStepsDecreasingAcrossIterations() {
    // one LL step per iteration: with a cumulative clock iteration s uses η_s, per call η_0
    // every time; on the deterministic problem with λ fixed (α tiny) the LL iterate after S
    // iterations is then the KM iterate with steps η_0..η_{S−1}, compared with a direct
    // computation of that recursion on the map
    try (Arena arena = Arena.ofConfined();
        WarmStartBilevel runner = new WarmStartBilevel(deterministic, 1, 1)) {
      StepSchedule steps = StepSchedule.decreasing(1.0, 2.0);
      WarmStartBuilder builder = Options.builder(WarmStartPreset.ALSET_DAGGER).lowerSteps(steps);
      DVector lambda = Buffers.vector(arena, 3);
      DVector out = Buffers.vector(arena, 3);
      Options cumulative = builder.clock(StepClock.CUMULATIVE).build();
      WarmStartBilevel.State state = runner.init(arena, cumulative);
      for (int s = 0; s < 5; s++) {
        runner.hypergradient(state, lambda, cumulative, s, new SplittableRandom(1), out);
      }
      assertEquals(5, state.lowerClock());
      assertEquals(5, state.linearClock());
      assertEquals(0, state.iteration(), "hypergradient leaves the iteration counter");
      double[] actual = state.lowerIterate().toArray();
      DVector w = Buffers.vector(arena, 10);
      DVector phi = Buffers.vector(arena, 10);
      Batch one = new Batch(1).all(1);
      for (int i = 0; i < 5; i++) {
        deterministic.map(w, lambda, one, phi);
        BACKEND.kmStep(steps.step(i), phi, w);
      }
      assertArrayEquals(w.toArray(), actual, 1e-15);
      Options perCall = builder.clock(StepClock.PER_CALL).build();
      WarmStartBilevel.State perCallState = runner.init(arena, perCall);
      for (int s = 0; s < 5; s++) {
        runner.hypergradient(perCallState, lambda, perCall, s, new SplittableRandom(1), out);
      }
      BACKEND.fill(0.0, w);
      for (int i = 0; i < 5; i++) {
        deterministic.map(w, lambda, one, phi);
        BACKEND.kmStep(steps.step(0), phi, w);
      }
      assertArrayEquals(w.toArray(), perCallState.lowerIterate().toArray(), 1e-15);
    }
  }

  /** The bytes of the vectors a fresh state for {@code options} carries. */
  private static long warmStartBytes(WarmStartBilevel runner, Options options) {
    try (Arena arena = Arena.ofShared()) {
      return runner.init(arena, options).vectorBytes();
    }
  }

  @Test
  void badSettingsAreRejectedWithClearMessages() {
    assertThrows(IllegalArgumentException.class,
        () -> Options.builder(WarmStartPreset.AMIGO).alpha(0).build());
    assertThrows(IllegalArgumentException.class,
        () -> Options.builder(WarmStartPreset.AMIGO).alphaDecay(-1).build());
    assertThrows(IllegalArgumentException.class,
        () -> Options.builder(WarmStartPreset.AMIGO).lowerBatch(0).build());
    assertThrows(NullPointerException.class,
        () -> Options.builder(WarmStartPreset.AMIGO).schedule(null).build());
    assertThrows(IllegalArgumentException.class, () -> new Budget(-1, 1, 1));
    assertThrows(IllegalArgumentException.class,
        () -> WarmStartPreset.growingSchedule(0, 1, 1));
    try (Arena arena = Arena.ofConfined();
        WarmStartBilevel runner = new WarmStartBilevel(stochastic, 4, 1)) {
      IllegalArgumentException tooBig = assertThrows(IllegalArgumentException.class,
          () -> runner.run(Buffers.vector(arena, 3), Options.builder(WarmStartPreset.STOCBIO).build(),
              new SplittableRandom(1), null));
      assertTrue(tooBig.getMessage().contains("STOCBIO")
          && tooBig.getMessage().contains("capacity"), tooBig.getMessage());
      assertThrows(IllegalArgumentException.class,
          () -> runner.run(Buffers.vector(arena, 2), Options.builder(WarmStartPreset.ALSET).build(),
              new SplittableRandom(1), null));
      IllegalArgumentException noTerms = assertThrows(IllegalArgumentException.class,
          () -> runner.run(Buffers.vector(arena, 3), Options.builder(WarmStartPreset.BSA)
              .schedule(IterationSchedule.fixed(1, 0, 1)).build(), new SplittableRandom(1),
              null));
      assertTrue(noTerms.getMessage().contains("random truncation"), noTerms.getMessage());
    }
  }

  @Test
  void divergenceIsReportedWithTheAlgorithmTheSolverAndTheIteration() {
    try (Arena arena = Arena.ofConfined(); ExpandingProblem problem = new ExpandingProblem(BACKEND);
        WarmStartBilevel runner = new WarmStartBilevel(problem, 1, 1)) {
      ArithmeticException e = assertThrows(ArithmeticException.class,
          () -> runner.run(Buffers.vector(arena, 1), Options.builder(WarmStartPreset.STOCBIO)
              .fixed(10, 1, 1).lowerSteps(StepSchedule.constant(1.0))
              .budget(Budget.iterations(1000)).build(), new SplittableRandom(1), null));
      // without residuals one check per solve: w_n = 2^n − 1 overflows at n = 1024 (iteration
      // 102), and the next KM step's 0·∞ makes it NaN before the check after its 10 steps
      assertTrue(e.getMessage().startsWith("STOCBIO diverged in the LL solver at iteration 102:"
          + " ‖w‖ = NaN after 10 steps"), e.getMessage());
    }
  }

  @Test
  void residualsAreComputedOnlyWhenAskedFor() {
    try (Arena arena = Arena.ofConfined(); ExpandingProblem problem = new ExpandingProblem(BACKEND);
        WarmStartBilevel runner = new WarmStartBilevel(problem, 1, 1)) {
      Options plain = Options.builder(WarmStartPreset.STOCBIO).fixed(3, 2, 1)
          .lowerSteps(StepSchedule.constant(1.0)).budget(Budget.iterations(1)).build();
      Options monitored = Options.builder(WarmStartPreset.STOCBIO).fixed(3, 2, 1)
          .lowerSteps(StepSchedule.constant(1.0)).budget(Budget.iterations(1)).residuals(true)
          .build();
      DVector lambda = Buffers.vector(arena, 1);
      DVector out = Buffers.vector(arena, 1);
      DVector outMonitored = Buffers.vector(arena, 1);
      WarmStartEstimate a = runner.hypergradient(runner.init(arena, plain), lambda, plain, 0,
          new SplittableRandom(1), out);
      WarmStartEstimate b = runner.hypergradient(runner.init(arena, monitored), lambda,
          monitored, 0, new SplittableRandom(1), outMonitored);
      assertTrue(a.lowerResidual().isEmpty() && a.linearResidual().isEmpty());
      // w_n = 2^n − 1: the third LL step's residual is |w_3 − w_2| = 4
      assertEquals(4.0, b.lowerResidual().orElseThrow(), 0.0);
      assertTrue(b.linearResidual().isPresent());
      assertEquals(outMonitored.get(0), out.get(0), 0.0);
    }
  }

  @Test
  void divergenceWithResidualsNamesTheInnerStep() {
    try (Arena arena = Arena.ofConfined(); ExpandingProblem problem = new ExpandingProblem(BACKEND);
        WarmStartBilevel runner = new WarmStartBilevel(problem, 1, 1)) {
      ArithmeticException e = assertThrows(ArithmeticException.class,
          () -> runner.run(Buffers.vector(arena, 1), Options.builder(WarmStartPreset.STOCBIO)
              .fixed(10, 1, 1).lowerSteps(StepSchedule.constant(1.0)).residuals(true)
              .budget(Budget.iterations(1000)).build(), new SplittableRandom(1), null));
      // w_n = 2^n − 1, so the residual of LL step n is 2^n, whose square (a plain sum of
      // squares) overflows at n = 512: iteration 51 (10 steps each), inner step 2
      assertTrue(e.getMessage().startsWith("STOCBIO diverged in the LL solver at iteration 51,"
          + " inner step 2: LL residual = Infinity"), e.getMessage());
    }
  }
}
