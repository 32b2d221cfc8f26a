package io.github.bilevel.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.bilevel.bsgm.Batch;
import io.github.bilevel.bsgm.BilevelProblem;
import io.github.bilevel.bsgm.Bsgm;
import io.github.bilevel.bsgm.IterationSchedule;
import io.github.bilevel.bsgm.KmSteps;
import io.github.bilevel.bsgm.problems.PerFeatureLogistic;
import io.github.bilevel.bsgm.problems.PerFeatureRidge;
import io.github.bilevel.bsgm.problems.QuadraticProblem;
import io.github.bilevel.bsgm.SeparableBsgm;
import io.github.bilevel.bsgm.SeparableSid;
import io.github.bilevel.bsgm.Sid;
import io.github.bilevel.bsgm.StepSchedule;
import io.github.bilevel.bsgm.problems.DataPoisoning;
import io.github.bilevel.bsgm.problems.EquilibriumModel;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.BackendFactory;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SID and BSGM run unchanged on every backend and agree with the scalar backend: each workload
 * (the quadratic problem, per-feature ridge and logistic regression, the equilibrium model, data
 * poisoning; small seeded synthetic data) is built twice, once on the backend under test (its
 * data, λ and the solvers' workspaces allocated through that backend: managed memory for CUDA)
 * and once on {@link BackendCases#scalar()}, and the two runs are compared:
 *
 * <ul>
 *   <li>the SID hypergradient {@code ĥ}, full batch (every sample at every step) and mini-batch
 *       (the same seed, hence the same sample draws on both backends), and its sample count;
 *   <li>{@value #BSGM_ITERATIONS} BSGM iterations ({@link Bsgm}, or {@link SeparableBsgm} for
 *       the equilibrium model) in both modes: the displacement {@code λ_S − λ_0}, and the
 *       per-iteration {@code ‖ĥ_s‖} and monitored upper objective.
 * </ul>
 *
 * <p>Tolerance: {@code ‖a − b‖_∞ ≤ 1e-10 · ‖b‖_∞}, {@code b} the scalar reference. The backends
 * sum in different orders (SIMD lanes, OpenBLAS blocking, GPU reductions), so bit equality is
 * not expected; every run here is a few dozen contracting KM steps on well-conditioned data, so
 * rounding differences stay near the unit roundoff (over all these cases the SIMD and OpenBLAS
 * backends differ from the scalar one by at most {@code 1.9e-15} relative, CUDA on an H100 by
 * at most {@code 8e-16}), while an error of one part in {@code 1e8} in a hypergradient fails
 * every case it reaches. No discrete branch
 * depends on a rounded value: the sample draws come from the seeded generator alone, and the
 * projections (box, ball ∩ box, spectral ball) are continuous. Every result must also be
 * finite and non-zero, so a backend that returns zeros or leaves {@code λ} where it was fails.
 */
class SidBackendParityTest {

  private static final double RELATIVE = 1e-10;

  private static final int BSGM_ITERATIONS = 5;

  /** One backend per factory for the whole class (CUDA: one cuBLAS handle, not forty). */
  private static final Map<String, Backend> BACKENDS = new ConcurrentHashMap<>();

  /** Whether every step uses every sample, or seeded mini-batches. */
  enum Mode {
    FULL_BATCH,
    MINI_BATCH
  }

  /** What one SID call gave. */
  record SidResult(double[] hypergradient, long samples) {}

  /** What {@value #BSGM_ITERATIONS} BSGM iterations did. */
  record BsgmTrace(double[] displacement, double[] hypergradientNorms, double[] objectives,
      long samples, int iterations) {}

  /** A workload that runs SID and BSGM on a given backend. */
  interface Workload {
    SidResult sid(Backend backend, Mode mode);

    BsgmTrace bsgm(Backend backend, Mode mode);
  }

  static Stream<Arguments> cases() {
    List<Arguments> all = new ArrayList<>();
    BackendCases.factories().forEach(factory -> {
      for (Workload workload : workloads()) {
        for (Mode mode : Mode.values()) {
          all.add(Arguments.of(factory, workload, mode));
        }
      }
    });
    return all.stream();
  }

  private static Backend backend(BackendFactory factory) {
    Backend existing = BACKENDS.get(factory.name());
    if (existing != null) {
      return existing;
    }
    Backend created = BackendCases.create(factory); // skips with the reason where it cannot run
    Backend previous = BACKENDS.putIfAbsent(factory.name(), created);
    if (previous != null) {
      close(created);
      return previous;
    }
    return created;
  }

  @AfterAll
  static void closeBackends() {
    BACKENDS.values().forEach(SidBackendParityTest::close);
    BACKENDS.clear();
  }

  private static void close(Backend backend) {
    if (backend instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        throw new IllegalStateException("closing backend " + backend.name() + " failed", e);
      }
    }
  }

  @ParameterizedTest(name = "{0}, {1}, {2}")
  @MethodSource("cases")
  void sidHypergradientMatchesTheScalarBackend(BackendFactory factory, Workload workload,
      Mode mode) {
    Backend backend = backend(factory);
    String what = "SID " + mode + " on " + backend.name() + ", " + workload;
    SidResult expected = workload.sid(BackendCases.scalar(), mode);
    SidResult actual = workload.sid(backend, mode);
    assertEquals(expected.samples(), actual.samples(), what + ": samples used");
    assertClose(expected.hypergradient(), actual.hypergradient(), what + ": ĥ");
  }

  @ParameterizedTest(name = "{0}, {1}, {2}")
  @MethodSource("cases")
  void bsgmIterationsMatchTheScalarBackend(BackendFactory factory, Workload workload,
      Mode mode) {
    Backend backend = backend(factory);
    String what = "BSGM " + mode + " on " + backend.name() + ", " + workload;
    BsgmTrace expected = workload.bsgm(BackendCases.scalar(), mode);
    BsgmTrace actual = workload.bsgm(backend, mode);
    assertEquals(BSGM_ITERATIONS, actual.iterations(), what + ": iterations run");
    assertEquals(expected.samples(), actual.samples(), what + ": samples used");
    assertClose(expected.displacement(), actual.displacement(), what + ": λ_S − λ_0");
    assertClose(expected.hypergradientNorms(), actual.hypergradientNorms(), what + ": ‖ĥ_s‖");
    assertClose(expected.objectives(), actual.objectives(), what + ": upper objective");
  }

  /**
   * {@code actual} is finite, not zero, and within {@link #RELATIVE} of {@code expected} in the
   * max-norm relative to {@code ‖expected‖_∞}.
   */
  static void assertClose(double[] expected, double[] actual, String what) {
    assertEquals(expected.length, actual.length, what + ": length");
    double scale = maxAbs(expected);
    assertTrue(scale > 0 && Double.isFinite(scale),
        what + ": the scalar reference is trivial or not finite (‖·‖_∞ = " + scale + ")");
    double worst = 0;
    int where = 0;
    for (int i = 0; i < actual.length; i++) {
      if (!Double.isFinite(actual[i])) {
        fail(what + ": element " + i + " is " + actual[i] + " (scalar backend: " + expected[i]
            + ")");
      }
      double difference = Math.abs(actual[i] - expected[i]);
      if (difference > worst) {
        worst = difference;
        where = i;
      }
    }
    assertTrue(maxAbs(actual) > 0, what + ": every element is 0");
    double bound = RELATIVE * scale;
    assertTrue(worst <= bound, what + ": ‖a − b‖_∞ = " + worst + " > " + bound + " (relative "
        + worst / scale + "); worst at element " + where + ": " + actual[where]
        + " against the scalar backend's " + expected[where]);
  }

  private static double maxAbs(double[] values) {
    double max = 0;
    for (double v : values) {
      max = Math.max(max, Math.abs(v));
    }
    return max;
  }

  // ---------------------------------------------------------------- workloads

  static List<Workload> workloads() {
    return List.of(quadratic(), ridge(), logistic(), new Equilibrium(), poisoning());
  }

  /** A problem built on one backend, and what frees it. */
  record Instance(BilevelProblem problem, Runnable release) implements AutoCloseable {
    @Override
    public void close() {
      release.run();
    }
  }

  /**
   * A {@link BilevelProblem} workload: {@code t = k = steps} KM steps per SID call, mini-batches
   * of {@code batch} (J) and {@code lowerBatch} samples, upper step {@code alpha}, start
   * {@code λ_0 = start} (inside Λ). Full batch: constant KM step 1; mini-batch: the decreasing
   * steps of {@link KmSteps#defaults(BilevelProblem)}.
   */
  record Bilevel(String name, Function<Backend, Instance> build, double[] start, int steps,
      int batch, int lowerBatch, double alpha, long seed) implements Workload {

    @Override
    public String toString() {
      return name;
    }

    private static StepSchedule kmSteps(BilevelProblem problem, Mode mode) {
      return mode == Mode.FULL_BATCH ? StepSchedule.constant(1.0)
          : KmSteps.defaults(problem).schedule();
    }

    @Override
    public SidResult sid(Backend backend, Mode mode) {
      try (Instance instance = build.apply(backend); Arena arena = Arena.ofConfined();
          Sid sid = new Sid(instance.problem(), batch, lowerBatch)) {
        BilevelProblem problem = instance.problem();
        Sid.Options options = new Sid.Options(steps, steps, batch, lowerBatch,
            kmSteps(problem, mode), mode == Mode.FULL_BATCH);
        DVector lambda = backend.vector(arena, start);
        DVector out = backend.vector(arena, problem.upperDimension());
        long samples = sid.estimate(lambda, options, new SplittableRandom(seed), out);
        return new SidResult(out.toArray(), samples);
      }
    }

    @Override
    public BsgmTrace bsgm(Backend backend, Mode mode) {
      try (Instance instance = build.apply(backend); Arena arena = Arena.ofConfined();
          Bsgm bsgm = new Bsgm(instance.problem(), batch, lowerBatch)) {
        BilevelProblem problem = instance.problem();
        Bsgm.Options options = Bsgm.Options.of(alpha,
            IterationSchedule.fixed(steps, steps, batch), lowerBatch, kmSteps(problem, mode))
            .withMaxIterations(BSGM_ITERATIONS).withFullBatch(mode == Mode.FULL_BATCH);
        DVector lambda = backend.vector(arena, start);
        Trace trace = new Trace();
        Bsgm.Result result = bsgm.run(lambda, options, new SplittableRandom(seed + 1), trace);
        return trace.finish(start, lambda, result);
      }
    }
  }

  /** Collects the per-iteration progress of a BSGM run. */
  private static final class Trace implements Bsgm.Listener {
    private final double[] norms = new double[BSGM_ITERATIONS];
    private final double[] objectives = new double[BSGM_ITERATIONS];

    @Override
    public void onIteration(Bsgm.Progress progress) {
      norms[progress.iteration()] = progress.hypergradientNorm();
      objectives[progress.iteration()] = progress.upperObjective();
    }

    BsgmTrace finish(double[] start, DVector lambda, Bsgm.Result result) {
      double[] displacement = lambda.toArray();
      for (int i = 0; i < displacement.length; i++) {
        displacement[i] -= start[i];
      }
      return new BsgmTrace(displacement, norms, objectives, result.samples(),
          result.iterations());
    }
  }

  private static double[] gaussian(SplittableRandom random, int n, double scale) {
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = scale * random.nextGaussian();
    }
    return out;
  }

  private static double[] uniform(SplittableRandom random, int n, double low, double high) {
    return random.doubles(n, low, high).toArray();
  }

  private static int[] labels(SplittableRandom random, int n, int classes) {
    return random.ints(n, 0, classes).toArray();
  }

  /** {@code d = 12, m = 5}, spectrum of {@code H} in [1, 4], 16 noisy samples. */
  static Workload quadratic() {
    double[] start = gaussian(new SplittableRandom(11), 5, 1.0);
    return new Bilevel("quadratic",
        backend -> {
          QuadraticProblem problem = new QuadraticProblem(backend, 12, 5, 1.0, 4.0, 16, 0.3, 7L);
          return new Instance(problem, problem::close);
        },
        start, 30, 4, 2, 0.1, 101L);
  }

  /** 40 training and 24 validation rows of 6 features, {@code λ ∈ [0.05, 10]^6}. */
  static Workload ridge() {
    int p = 6;
    int n = 40;
    int nv = 24;
    SplittableRandom random = new SplittableRandom(21);
    double[] truth = gaussian(random, p, 1.0);
    double[] x = gaussian(random, n * p, 1.0);
    double[] xv = gaussian(random, nv * p, 1.0);
    double[] y = linearTargets(random, x, truth, n, p);
    double[] yv = linearTargets(random, xv, truth, nv, p);
    double[] start = uniform(random, p, 0.1, 1.0);
    return new Bilevel("per-feature ridge",
        backend -> {
          PerFeatureRidge problem = new PerFeatureRidge(backend, x, y, xv, yv, p, 0.05, 10.0);
          return new Instance(problem, problem::close);
        },
        start, 40, 8, 4, 2.0, 102L);
  }

  private static double[] linearTargets(SplittableRandom random, double[] x, double[] truth,
      int n, int p) {
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < p; j++) {
        y[i] += x[i * p + j] * truth[j];
      }
      y[i] += 0.5 * random.nextGaussian();
    }
    return y;
  }

  /** 40 training and 24 validation rows of 5 features, labels ±1, {@code λ ∈ [0.01, 5]^5}. */
  static Workload logistic() {
    int p = 5;
    int n = 40;
    int nv = 24;
    SplittableRandom random = new SplittableRandom(31);
    double[] truth = uniform(random, p, -2, 2);
    double[] x = uniform(random, n * p, -1, 1);
    double[] xv = uniform(random, nv * p, -1, 1);
    double[] y = binaryLabels(random, x, truth, n, p);
    double[] yv = binaryLabels(random, xv, truth, nv, p);
    double[] start = uniform(random, p, 0.05, 0.5);
    return new Bilevel("per-feature logistic",
        backend -> {
          PerFeatureLogistic problem =
              new PerFeatureLogistic(backend, x, y, xv, yv, p, 0.01, 5.0);
          return new Instance(problem, problem::close);
        },
        start, 40, 8, 4, 2.0, 103L);
  }

  private static double[] binaryLabels(SplittableRandom random, double[] x, double[] truth,
      int n, int p) {
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      double z = 0;
      for (int j = 0; j < p; j++) {
        z += x[i * p + j] * truth[j];
      }
      y[i] = random.nextDouble() < 1 / (1 + Math.exp(-z)) ? 1 : -1;
    }
    return y;
  }

  /**
   * 24 clean, 6 poisoned and 18 validation rows of 4 features in [0, 1], 3 classes,
   * {@code c = 1}, {@code r = 0.6}; {@code λ_0 = δ} with entries in [−0.1, 0.1] (inside Λ: the
   * poisoned rows lie in [0.2, 0.8], and {@code ‖δ_i‖ ≤ 0.2}).
   */
  static Workload poisoning() {
    int p = 4;
    int classes = 3;
    int clean = 24;
    int poisoned = 6;
    int validation = 18;
    SplittableRandom random = new SplittableRandom(41);
    double[] xtr = uniform(random, clean * p, 0, 1);
    double[] xp = uniform(random, poisoned * p, 0.2, 0.8);
    double[] xv = uniform(random, validation * p, 0, 1);
    int[] ytr = labels(random, clean, classes);
    int[] yp = labels(random, poisoned, classes);
    int[] yv = labels(random, validation, classes);
    double[] start = uniform(random, poisoned * p, -0.1, 0.1);
    return new Bilevel("data poisoning",
        backend -> {
          Arena data = Arena.ofShared();
          DataPoisoning problem = new DataPoisoning(backend,
              backend.matrix(data, clean, p, xtr), ytr, backend.matrix(data, poisoned, p, xp), yp,
              backend.matrix(data, validation, p, xv), yv, classes, 1.0, 0.6);
          return new Instance(problem, () -> {
            problem.close();
            data.close();
          });
        },
        start, 40, 6, 3, 0.5, 104L);
  }

  /**
   * The equilibrium model ({@link EquilibriumModel}, a separable problem): 30 examples of
   * 5 features, 3 classes, state dimension 4, {@code t = k = 20} steps with {@code η = 1}.
   * Full batch: SID on every example, BSGM on epochs of all 30; mini-batch: 8 examples drawn
   * with replacement. {@code λ_0} lies inside Λ ({@code ‖A‖₂ ≤ ‖A‖_F ≤ 0.48},
   * {@code |D_kj| ≤ 1}) with entries large enough that {@code tanh} is far from linear.
   */
  static final class Equilibrium implements Workload {
    private static final int N = 30;
    private static final int P = 5;
    private static final int C = 3;
    private static final int D = 4;
    private static final int BATCH = 8;
    private static final int STEPS = 20;
    private static final double ALPHA = 0.3;

    private final double[] x;
    private final int[] y;
    private final double[] start;

    Equilibrium() {
      SplittableRandom random = new SplittableRandom(51);
      x = uniform(random, N * P, 0, 1);
      y = labels(random, N, C);
      EquilibriumModel.Layout layout = new EquilibriumModel.Layout(D, P, C);
      start = new double[layout.size()];
      for (int i = 0; i < layout.size(); i++) {
        if (i < layout.inputWeightsOffset()) {
          start[i] = random.nextDouble(-0.12, 0.12);   // A
        } else if (i >= layout.outputWeightsOffset() && i < layout.outputBiasOffset()) {
          start[i] = random.nextDouble(-1, 1);          // D
        } else {
          start[i] = 0.6 * random.nextGaussian();       // B, c, b
        }
      }
    }

    @Override
    public String toString() {
      return "equilibrium model";
    }

    private EquilibriumModel model(Backend backend, Arena arena) {
      return new EquilibriumModel(backend, backend.matrix(arena, N, P, x), y, C, D, N,
          EquilibriumModel.DEFAULT_SPECTRAL_RADIUS, EquilibriumModel.DEFAULT_OUTPUT_BOUND);
    }

    @Override
    public SidResult sid(Backend backend, Mode mode) {
      try (Arena arena = Arena.ofShared(); EquilibriumModel model = model(backend, arena);
          SeparableSid sid = new SeparableSid(model, N)) {
        Batch tasks = mode == Mode.FULL_BATCH ? new Batch(N).all(N)
            : new Batch(BATCH).draw(new SplittableRandom(105L), BATCH, N);
        DVector lambda = backend.vector(arena, start);
        DVector out = backend.vector(arena, model.upperDimension());
        long samples = sid.hypergradient(lambda, tasks, new SeparableSid.Options(STEPS, STEPS),
            out).samples();
        return new SidResult(out.toArray(), samples);
      }
    }

    @Override
    public BsgmTrace bsgm(Backend backend, Mode mode) {
      try (Arena arena = Arena.ofShared(); EquilibriumModel model = model(backend, arena);
          SeparableBsgm bsgm = new SeparableBsgm(model, N)) {
        boolean full = mode == Mode.FULL_BATCH;
        SeparableBsgm.Options options = new SeparableBsgm.Options(ALPHA,
            IterationSchedule.fixed(STEPS, STEPS, full ? N : BATCH), 1.0,
            full ? SeparableBsgm.Sampling.EPOCHS : SeparableBsgm.Sampling.WITH_REPLACEMENT,
            BSGM_ITERATIONS);
        DVector lambda = backend.vector(arena, start);
        Trace trace = new Trace();
        Bsgm.Result result = bsgm.run(lambda, options, new SplittableRandom(106L), trace);
        return trace.finish(start, lambda, result);
      }
    }
  }
}
