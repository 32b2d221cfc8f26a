package io.github.bilevel.bsgm.baselines;

import io.github.bilevel.bsgm.Budget;
import io.github.bilevel.bsgm.Vjp;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.bsgm.Batch;
import io.github.bilevel.bsgm.BilevelProblem;
import io.github.bilevel.bsgm.Bsgm;
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
 * MRBO and VRBO on quadratic problems: against the dense-solve stationary point {@code λ*}, an
 * error floor derived from the noise of the instance, and a reference implementation written
 * out on heap arrays (which, with one sign flipped, is the deliberately broken variant the
 * floor tests must reject).
 *
 * <p>The floors. The quadratic's noise is additive and its Jacobians are exact, so a correction
 * evaluated at two points on the same samples is noise-free, and the estimates' errors are
 * exactly: MRBO {@code e_k = (1 − α_k) e_{k−1} + α_k n_k} (an exponential average of the fresh
 * estimate's noise {@code n_k}: stationary variance {@code α/(2 − α) V}); VRBO the error of the
 * last large-batch recomputation, variance {@code V/S}. The upper level
 * {@code λ' = λ − γ(∇f(λ) + e + M P (w − w*))}, with {@code γ L_f <= 1}, passes errors to
 * {@code ∇f(λ)} with a gain at most 1 at every frequency, and the lower level, fast compared with
 * the errors' drift, sits where its noisy residual vanishes, {@code w − w* = −(I − ∂₁Φ)⁻¹ e^u}.
 * So the stationary {@code E‖∇f(λ)‖²} is at most {@code Var(e^d) + E‖M P (I − ∂₁Φ)⁻¹ e^u‖²},
 * both computed exactly from the instance ({@link QuadraticFacts}). The tests allow 2× that for
 * the fluctuation of an 8-seed mean and the slow drift of MRBO's weights.
 */
class VarianceReducedTest {

  private static final Backend BACKEND = Backends.byName("simd");
  private static final int TERMS = 30; // Q: truncation bias q^Q = 3^-30, below rounding
  private static QuadraticProblem deterministic;
  private static QuadraticProblem stochastic;
  private static QuadraticFacts deterministicFacts;
  private static QuadraticFacts stochasticFacts;

  @BeforeAll
  static void problems() {
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

  private static Mrbo.Options mrboOptions(int iterations) {
    return Mrbo.Options.builder().neumannTerms(TERMS).budget(Budget.iterations(iterations))
        .build();
  }

  private static Vrbo.Options vrboOptions(int iterations) {
    return Vrbo.Options.builder().neumannTerms(TERMS).largeBatch(64).largeLowerBatch(64)
        .budget(Budget.iterations(iterations)).build();
  }

  @Test
  void deterministicMrboAndVrboReachTheStationaryPointToHighAccuracy() {
    QuadraticFacts facts = deterministicFacts;
    double initial = Math.sqrt(facts.gradientNormSquared(new double[3]));
    try (Arena arena = Arena.ofConfined(); Mrbo mrbo = new Mrbo(deterministic, 1, 1);
        Vrbo vrbo = new Vrbo(deterministic, 4, 4)) {
      DVector lambda = Buffers.vector(arena, 3);
      List<Bsgm.Progress> trace = new ArrayList<>();
      Mrbo.Options mrboOptions = Mrbo.Options.builder().neumannTerms(TERMS)
          .budget(Budget.iterations(1500)).exact(facts.exact()).build();
      mrbo.run(lambda, mrboOptions, new SplittableRandom(1), trace::add);
      double last = Math.sqrt(facts.gradientNormSquared(lambda.toArray()));
      assertTrue(last <= 1e-10 * initial, "MRBO: ‖∇f‖ went from " + initial + " to " + last);
      assertTrue(facts.distanceToStationary(lambda.toArray()) <= 1e-9);
      assertEquals(initial, trace.get(0).gradientMappingNorm(), 1e-12 * initial);
      assertEquals(1500, trace.size());

      lambda = Buffers.vector(arena, 3);
      vrbo.run(lambda, Vrbo.Options.builder().neumannTerms(TERMS)
          .budget(Budget.iterations(600)).build(), new SplittableRandom(1), null);
      last = Math.sqrt(facts.gradientNormSquared(lambda.toArray()));
      assertTrue(last <= 1e-10 * initial, "VRBO: ‖∇f‖ went from " + initial + " to " + last);
      assertTrue(facts.distanceToStationary(lambda.toArray()) <= 1e-9);
    }
  }

  /** MRBO's floor at iteration {@code k}: {@code α/(2−α) V_h(J) + β/(2−β) κ_R / b}. */
  private static double mrboFloor(Mrbo.Options options, int k, QuadraticFacts facts) {
    double eta = options.eta(k);
    double alpha = Math.min(1, options.c1() * eta * eta);
    double beta = Math.min(1, options.c2() * eta * eta);
    return alpha / (2 - alpha) * facts.hypergradientVariance(options.batch(), TERMS)
        + beta / (2 - beta) * facts.lowerNoiseTransfer(TERMS) / options.lowerBatch();
  }

  /** VRBO's floor: {@code V_h(S_J) + κ_R / S_b}. */
  private static double vrboFloor(Vrbo.Options options, QuadraticFacts facts) {
    return facts.hypergradientVariance(options.largeBatch(), TERMS)
        + facts.lowerNoiseTransfer(TERMS) / options.largeLowerBatch();
  }

  /** The mean of {@code ‖∇f(λ_K)‖²} over 8 seeds of a run. */
  private static double meanOverSeeds(java.util.function.LongFunction<double[]> run) {
    double mean = 0;
    for (int seed = 0; seed < 8; seed++) {
      mean += stochasticFacts.gradientNormSquared(run.apply(100 + seed)) / 8;
    }
    return mean;
  }

  @Test
  void stochasticMrboEndsWithinItsMomentumFloorAndTheBrokenVariantDoesNot() {
    int iterations = 10_000;
    Mrbo.Options options = mrboOptions(iterations);
    double floor = mrboFloor(options, iterations - 1, stochasticFacts);
    double initial = stochasticFacts.gradientNormSquared(new double[3]);
    assertTrue(floor <= 1e-3 * initial, "floor " + floor + " vs start " + initial);
    try (Arena arena = Arena.ofConfined(); Mrbo mrbo = new Mrbo(stochastic, 1, 1)) {
      double mean = meanOverSeeds(seed -> {
        DVector lambda = Buffers.vector(arena, 3);
        mrbo.run(lambda, options, new SplittableRandom(seed), null);
        return lambda.toArray();
      });
      assertTrue(mean <= 2 * floor, "MRBO: mean ‖∇f‖² " + mean + " > 2 × floor " + floor);
      double broken = meanOverSeeds(seed -> referenceMrbo(stochastic, options, seed, -1.0));
      assertFalse(broken <= 2 * floor, "the broken STORM correction passed: " + broken);
    }
  }

  @Test
  void stochasticVrboEndsWithinItsRecomputationFloorAndTheBrokenVariantDoesNot() {
    Vrbo.Options options = vrboOptions(300);
    double floor = vrboFloor(options, stochasticFacts);
    double initial = stochasticFacts.gradientNormSquared(new double[3]);
    assertTrue(floor <= 0.01 * initial, "floor " + floor + " vs start " + initial);
    // transient: λ contracts by 1 − c_λ μ_f per outer step
    assertTrue(Math.pow(1 - options.cLambda() * stochasticFacts.muF, 300) * initial
        <= 0.01 * floor);
    try (Arena arena = Arena.ofConfined(); Vrbo vrbo = new Vrbo(stochastic, 64, 64)) {
      double mean = meanOverSeeds(seed -> {
        DVector lambda = Buffers.vector(arena, 3);
        vrbo.run(lambda, options, new SplittableRandom(seed), null);
        return lambda.toArray();
      });
      assertTrue(mean <= 2 * floor, "VRBO: mean ‖∇f‖² " + mean + " > 2 × floor " + floor);
      double broken = meanOverSeeds(seed -> referenceVrbo(stochastic, options, seed, -1.0));
      assertFalse(broken <= 2 * floor, "the broken SARAH correction passed: " + broken);
    }
  }

  @Test
  void mrboAndVrboAgreeWithTheReferenceWrittenOutOnHeapArrays() {
    try (Arena arena = Arena.ofConfined(); Mrbo mrbo = new Mrbo(stochastic, 3, 2);
        Vrbo vrbo = new Vrbo(stochastic, 16, 16)) {
      Mrbo.Options mrboOptions = Mrbo.Options.builder().neumannTerms(7).batch(3).lowerBatch(2)
          .c1(3).c2(5).budget(Budget.iterations(200)).build();
      DVector lambda = Buffers.vector(arena, 3);
      mrbo.run(lambda, mrboOptions, new SplittableRandom(21), null);
      assertClose(referenceMrbo(stochastic, mrboOptions, 21, 1.0), lambda.toArray(), "MRBO");

      Vrbo.Options vrboOptions = Vrbo.Options.builder().neumannTerms(5).batch(3).lowerBatch(2)
          .largeBatch(16).largeLowerBatch(9).period(4).innerSteps(2)
          .budget(Budget.iterations(40)).build();
      lambda = Buffers.vector(arena, 3);
      vrbo.run(lambda, vrboOptions, new SplittableRandom(22), null);
      assertClose(referenceVrbo(stochastic, vrboOptions, 22, 1.0), lambda.toArray(), "VRBO");
    }
  }

  private static void assertClose(double[] expected, double[] actual, String what) {
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], 1e-11 * (1 + Math.abs(expected[i])),
          what + " λ_" + i + ": " + Arrays.toString(expected) + " vs " + Arrays.toString(actual));
    }
    assertFalse(Arrays.equals(actual, new double[actual.length]));
  }

  @Test
  void sampleCountsAgreeWithAHandCount() {
    try (Arena arena = Arena.ofConfined(); Mrbo mrbo = new Mrbo(stochastic, 8, 8);
        Vrbo vrbo = new Vrbo(stochastic, 8, 8)) {
      // b = 2, J = 3, Q = 4: the first iteration b + 2J + Qb = 16, later ones twice that
      Mrbo.Options mrboOptions = Mrbo.Options.builder().lowerBatch(2).batch(3).neumannTerms(4)
          .budget(Budget.iterations(3)).build();
      assertEquals(16 + 32 + 32, mrbo.run(Buffers.vector(arena, 3), mrboOptions,
          new SplittableRandom(1), null).samples());
      // q = 2, T = 1, b = 2, J = 3, S_b = 5, S_J = 7, Q = 4, 3 outer steps: recomputations at
      // k = 0, 2 cost S_b + 2 S_J + Q S_b = 39; each outer step has T + 1 = 2 corrections of
      // 2(b + 2J + Qb) = 32
      Vrbo.Options vrboOptions = Vrbo.Options.builder().period(2).innerSteps(1).lowerBatch(2)
          .batch(3).largeLowerBatch(5).largeBatch(7).neumannTerms(4)
          .budget(Budget.iterations(3)).build();
      assertEquals(2 * 39 + 3 * 64, vrbo.run(Buffers.vector(arena, 3), vrboOptions,
          new SplittableRandom(1), null).samples());
      // large batches at least the population (1024) are the whole population, once each:
      // n + 2n + Qn for one recomputation, then 2 corrections of 32
      Vrbo.Options whole = Vrbo.Options.builder().period(2).innerSteps(1).lowerBatch(2)
          .batch(3).largeLowerBatch(5000).largeBatch(1024).neumannTerms(4)
          .budget(Budget.iterations(1)).build();
      assertEquals(7 * 1024 + 64, vrbo.run(Buffers.vector(arena, 3), whole,
          new SplittableRandom(1), null).samples());
      // the sample budget stops a run before the iteration that would start past it
      Mrbo.Options budgeted = Mrbo.Options.builder().lowerBatch(2).batch(3).neumannTerms(4)
          .budget(Budget.samples(40)).build();
      Bsgm.Result result = mrbo.run(Buffers.vector(arena, 3), budgeted, new SplittableRandom(1),
          null);
      assertEquals(Budget.SAMPLE_BUDGET, result.stoppedBecause());
      assertEquals(48, result.samples());
      assertEquals(2, result.iterations());
    }
  }

  @Test
  void theSameSeedGivesTheSameTrajectoryAndAnotherSeedAnotherOne() {
    try (Arena arena = Arena.ofConfined(); Mrbo mrbo = new Mrbo(stochastic, 4, 4);
        Vrbo vrbo = new Vrbo(stochastic, 64, 64)) {
      Mrbo.Options mrboOptions = Mrbo.Options.builder().budget(Budget.iterations(50)).build();
      Vrbo.Options vrboOptions = Vrbo.Options.builder().largeBatch(64).largeLowerBatch(64)
          .budget(Budget.iterations(20)).build();
      for (int algorithm = 0; algorithm < 2; algorithm++) {
        List<List<double[]>> runs = new ArrayList<>();
        for (long seed : new long[] {11, 11, 12}) {
          DVector lambda = Buffers.vector(arena, 3);
          List<double[]> trace = new ArrayList<>();
          Bsgm.Listener listener = p -> trace.add(lambda.toArray());
          if (algorithm == 0) {
            mrbo.run(lambda, mrboOptions, new SplittableRandom(seed), listener);
          } else {
            vrbo.run(lambda, vrboOptions, new SplittableRandom(seed), listener);
          }
          runs.add(trace);
        }
        for (int k = 0; k < runs.get(0).size(); k++) {
          assertArrayEquals(runs.get(0).get(k), runs.get(1).get(k), 0.0, "step " + k);
        }
        assertFalse(Arrays.equals(runs.get(0).getLast(), runs.get(2).getLast()));
      }
    }
  }

  @Test
  void stateMemoryIsReported() {
    try (Mrbo mrbo = new Mrbo(stochastic, 1, 1); Vrbo vrbo = new Vrbo(stochastic, 1, 1)) {
      assertEquals(8L * (3 * 10 + 2 * 3), mrbo.stateBytes());
      assertEquals(8L * (2 * 10 + 3), vrbo.stateBytes());
      assertTrue(mrbo.workspaceBytes() > mrbo.stateBytes());
      assertTrue(vrbo.workspaceBytes() > vrbo.stateBytes());
    }
  }

  @Test
  void badSettingsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> Mrbo.Options.builder().a(0).build());
    assertThrows(IllegalArgumentException.class, () -> Mrbo.Options.builder().c1(-1).build());
    assertThrows(IllegalArgumentException.class,
        () -> Mrbo.Options.builder().linearStep(1.5).build());
    assertThrows(IllegalArgumentException.class,
        () -> Mrbo.Options.builder().neumannTerms(-1).build());
    assertThrows(IllegalArgumentException.class, () -> Vrbo.Options.builder().period(0).build());
    assertThrows(IllegalArgumentException.class,
        () -> Vrbo.Options.builder().cLambda(Double.NaN).build());
    assertThrows(IllegalArgumentException.class,
        () -> Vrbo.Options.builder().innerSteps(-1).build());
    try (Arena arena = Arena.ofConfined(); Mrbo mrbo = new Mrbo(stochastic, 1, 1);
        Vrbo vrbo = new Vrbo(stochastic, 8, 8)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> mrbo.run(Buffers.vector(arena, 3), Mrbo.Options.builder().batch(2).build(),
              new SplittableRandom(1), null));
      assertTrue(e.getMessage().startsWith("MRBO"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class,
          () -> vrbo.run(Buffers.vector(arena, 3), Vrbo.Options.builder().build(),
              new SplittableRandom(1), null));
      assertTrue(e.getMessage().startsWith("VRBO") && e.getMessage().contains("S_J"),
          e.getMessage());
      assertThrows(IllegalArgumentException.class,
          () -> mrbo.run(Buffers.vector(arena, 4), Mrbo.Options.builder().build(),
              new SplittableRandom(1), null));
    }
  }

  @Test
  void divergenceIsReportedWithTheAlgorithmTheStepAndTheIteration() {
    try (Arena arena = Arena.ofConfined(); ExpandingProblem problem = new ExpandingProblem(BACKEND);
        Mrbo mrbo = new Mrbo(problem, 1, 1); Vrbo vrbo = new Vrbo(problem, 4, 4)) {
      ArithmeticException e = assertThrows(ArithmeticException.class,
          () -> mrbo.run(Buffers.vector(arena, 1), Mrbo.Options.builder()
              .budget(Budget.iterations(1_000_000)).build(), new SplittableRandom(1), null));
      assertTrue(e.getMessage().startsWith("MRBO diverged in the LL direction u"),
          e.getMessage());
      assertTrue(e.getMessage().contains("at iteration "), e.getMessage());
      e = assertThrows(ArithmeticException.class,
          () -> vrbo.run(Buffers.vector(arena, 1), Vrbo.Options.builder().largeBatch(1)
              .largeLowerBatch(1).budget(Budget.iterations(1_000_000)).build(),
              new SplittableRandom(1), null));
      assertTrue(e.getMessage().startsWith("VRBO diverged in the LL direction u"),
          e.getMessage());
      assertTrue(e.getMessage().contains(", inner step "), e.getMessage());
    }
  }

  // ------------------------------------------------------------------ reference implementations

  /** Oracle calls on heap arrays (copied through one set of off-heap buffers). */
  private static final class Oracles implements AutoCloseable {
    final BilevelProblem problem;
    final Arena arena = Arena.ofConfined();
    final DVector w;
    final DVector lambda;
    final DVector v;
    final DVector outW;
    final DVector outLambda;

    Oracles(BilevelProblem problem) {
      this.problem = problem;
      w = Buffers.vector(arena, problem.lowerDimension());
      v = Buffers.vector(arena, problem.lowerDimension());
      outW = Buffers.vector(arena, problem.lowerDimension());
      lambda = Buffers.vector(arena, problem.upperDimension());
      outLambda = Buffers.vector(arena, problem.upperDimension());
    }

    /** {@code w − Φ̂(w, λ, B)}. */
    double[] residual(double[] wv, double[] lv, Batch batch) {
      w.copyFrom(wv);
      lambda.copyFrom(lv);
      problem.map(w, lambda, batch, outW);
      double[] out = outW.toArray();
      for (int i = 0; i < out.length; i++) {
        out[i] = wv[i] - out[i];
      }
      return out;
    }

    double[] gradientW(double[] wv, double[] lv, Batch batch) {
      w.copyFrom(wv);
      lambda.copyFrom(lv);
      problem.objectiveGradientW(w, lambda, batch, outW);
      return outW.toArray();
    }

    double[] gradientLambda(double[] wv, double[] lv, Batch batch) {
      w.copyFrom(wv);
      lambda.copyFrom(lv);
      problem.objectiveGradientLambda(w, lambda, batch, outLambda);
      return outLambda.toArray();
    }

    double[] vjpW(double[] wv, double[] lv, Batch batch, double[] vv) {
      w.copyFrom(wv);
      lambda.copyFrom(lv);
      v.copyFrom(vv);
      Vjp.w(problem, w, lambda, batch, v, outW);
      return outW.toArray();
    }

    double[] vjpLambda(double[] wv, double[] lv, Batch batch, double[] vv) {
      w.copyFrom(wv);
      lambda.copyFrom(lv);
      v.copyFrom(vv);
      Vjp.lambda(problem, w, lambda, batch, v, outLambda);
      return outLambda.toArray();
    }

    @Override
    public void close() {
      arena.close();
    }
  }

  /** Draws {@code size} indices, or all of them when {@code whole} and size >= population. */
  private static Batch draw(SplittableRandom random, int size, int population, boolean whole) {
    if (whole && size >= population) {
      return new Batch(population).all(population);
    }
    return new Batch(size).draw(random, size, population);
  }

  /**
   * The hypergradient estimates at {@code (w_a, λ_a)} and (when {@code wb != null})
   * {@code (w_b, λ_b)} with shared samples, drawn in the documented order: {@code ζ} ({@code J}
   * from the upper population), then {@code Q} batches of {@code b}, then {@code J} from the
   * lower population for {@code ∂₂Φ̂ᵀ v}.
   */
  private static double[][] hypergradients(Oracles oracles, SplittableRandom random, int batch,
      int lowerBatch, int terms, double step, boolean whole, double[] wa, double[] la,
      double[] wb, double[] lb) {
    BilevelProblem p = oracles.problem;
    int d = p.lowerDimension();
    Batch zeta = draw(random, batch, p.upperSamples(), whole);
    double[] g1a = oracles.gradientW(wa, la, zeta);
    double[] g2a = oracles.gradientLambda(wa, la, zeta);
    double[] g1b = wb == null ? null : oracles.gradientW(wb, lb, zeta);
    double[] g2b = wb == null ? null : oracles.gradientLambda(wb, lb, zeta);
    double[] va = new double[d];
    double[] vb = new double[d];
    for (int i = 0; i < terms; i++) {
      Batch xi = draw(random, lowerBatch, p.lowerSamples(), whole);
      double[] ja = oracles.vjpW(wa, la, xi, va);
      double[] jb = wb == null ? null : oracles.vjpW(wb, lb, xi, vb);
      for (int j = 0; j < d; j++) {
        va[j] = (1 - step) * va[j] + step * (ja[j] + g1a[j]);
        if (wb != null) {
          vb[j] = (1 - step) * vb[j] + step * (jb[j] + g1b[j]);
        }
      }
    }
    Batch cross = draw(random, batch, p.lowerSamples(), whole);
    double[] ha = oracles.vjpLambda(wa, la, cross, va);
    double[] hb = wb == null ? null : oracles.vjpLambda(wb, lb, cross, vb);
    for (int j = 0; j < ha.length; j++) {
      ha[j] += g2a[j];
      if (wb != null) {
        hb[j] += g2b[j];
      }
    }
    return new double[][] {ha, hb};
  }

  /**
   * MRBO as docs/mathematics.md §4 writes it ({@code Λ = R^m}, so no projection). With
   * {@code sign = −1} the old-point terms of both STORM corrections enter with the wrong sign,
   * {@code u_k = R_new + (1 − β)(u_{k−1} + R_old)}: the deliberately broken variant.
   *
   * @return {@code λ_K}
   */
  static double[] referenceMrbo(BilevelProblem p, Mrbo.Options o, long seed, double sign) {
    int d = p.lowerDimension();
    int m = p.upperDimension();
    SplittableRandom random = new SplittableRandom(seed);
    double[] w = new double[d];
    double[] lambda = new double[m];
    double[] wPrevious = null;
    double[] lambdaPrevious = null;
    double[] u = new double[d];
    double[] dir = new double[m];
    double alpha = 1;
    double beta = 1;
    try (Oracles oracles = new Oracles(p)) {
      for (int k = 0; k < o.budget().maxIterations().getAsInt(); k++) {
        double eta = o.a() / Math.cbrt(o.m() + k);
        Batch batch = draw(random, o.lowerBatch(), p.lowerSamples(), false);
        double[] rNew = oracles.residual(w, lambda, batch);
        double[] rOld = k == 0 ? null : oracles.residual(wPrevious, lambdaPrevious, batch);
        double[][] h = hypergradients(oracles, random, o.batch(), o.lowerBatch(),
            o.neumannTerms(), o.linearStep(), false, w, lambda, wPrevious, lambdaPrevious);
        for (int i = 0; i < d; i++) {
          u[i] = k == 0 ? rNew[i] : rNew[i] + (1 - beta) * (u[i] - sign * rOld[i]);
        }
        for (int i = 0; i < m; i++) {
          dir[i] = k == 0 ? h[0][i] : h[0][i] + (1 - alpha) * (dir[i] - sign * h[1][i]);
        }
        wPrevious = w.clone();
        lambdaPrevious = lambda.clone();
        for (int i = 0; i < m; i++) {
          lambda[i] -= o.cLambda() * eta * dir[i];
        }
        for (int i = 0; i < d; i++) {
          w[i] -= o.cW() * eta * u[i];
        }
        alpha = Math.min(1, o.c1() * eta * eta);
        beta = Math.min(1, o.c2() * eta * eta);
      }
    }
    return lambda;
  }

  /**
   * VRBO as docs/mathematics.md §4 and {@link Vrbo}'s documentation write it. With {@code sign = −1}
   * the SARAH corrections add the old point's estimate instead of subtracting it: the
   * deliberately broken variant.
   *
   * @return {@code λ_K}
   */
  static double[] referenceVrbo(BilevelProblem p, Vrbo.Options o, long seed, double sign) {
    int d = p.lowerDimension();
    int m = p.upperDimension();
    SplittableRandom random = new SplittableRandom(seed);
    double[] w = new double[d];
    double[] lambda = new double[m];
    double[] u = new double[d];
    double[] dir = new double[m];
    try (Oracles oracles = new Oracles(p)) {
      for (int k = 0; k < o.budget().maxIterations().getAsInt(); k++) {
        if (k % o.period() == 0) {
          u = oracles.residual(w, lambda, draw(random, o.largeLowerBatch(), p.lowerSamples(),
              true));
          dir = hypergradients(oracles, random, o.largeBatch(), o.largeLowerBatch(),
              o.neumannTerms(), o.linearStep(), true, w, lambda, null, null)[0];
        }
        double[] lambdaOld = lambda.clone();
        for (int i = 0; i < m; i++) {
          lambda[i] -= o.cLambda() * dir[i];
        }
        correct(oracles, random, o, sign, w, lambda, w, lambdaOld, u, dir);
        for (int t = 0; t < o.innerSteps(); t++) {
          double[] wOld = w.clone();
          for (int i = 0; i < d; i++) {
            w[i] -= o.cW() * u[i];
          }
          correct(oracles, random, o, sign, w, lambda, wOld, lambda, u, dir);
        }
      }
    }
    return lambda;
  }

  private static void correct(Oracles oracles, SplittableRandom random, Vrbo.Options o,
      double sign, double[] wNew, double[] lambdaNew, double[] wOld, double[] lambdaOld,
      double[] u, double[] dir) {
    Batch batch = draw(random, o.lowerBatch(), oracles.problem.lowerSamples(), false);
    double[] rNew = oracles.residual(wNew, lambdaNew, batch);
    double[] rOld = oracles.residual(wOld, lambdaOld, batch);
    double[][] h = hypergradients(oracles, random, o.batch(), o.lowerBatch(), o.neumannTerms(),
        o.linearStep(), false, wNew, lambdaNew, wOld, lambdaOld);
    for (int i = 0; i < u.length; i++) {
      u[i] += rNew[i] - sign * rOld[i];
    }
    for (int i = 0; i < dir.length; i++) {
      dir[i] += h[0][i] - sign * h[1][i];
    }
  }
}
