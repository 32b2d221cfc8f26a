package io.github.bilevel.bench;

import io.github.bilevel.bsgm.Sid;
import io.github.bilevel.bsgm.StepSchedule;
import io.github.bilevel.bsgm.problems.DataPoisoning;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.DVector;
import java.util.SplittableRandom;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One SID hypergradient of data poisoning ({@link DataPoisoning}, {@link Sid}) with the defaults
 * of the {@code poisoning} workload: 1000 clean, 300 poisoned and 1000 validation images,
 * {@code c = 0.1}, {@code r = 5}, {@code t = k = 40} KM steps with the constant step 1, and its
 * default mini-batches ({@code J = 100} validation rows, 90 training rows per KM step; with
 * {@code fullBatch} every step uses every row). The images are the first 2300 Fashion-MNIST
 * training images when installed (clean, poisoned, validation in that order), else synthetic
 * images of the same shape (the set-up prints which). {@code δ} starts at 0 (the paper's start)
 * and {@code δ₀₀} is nudged by {@code ±1e-9} every op; the batches are drawn from a seeded
 * generator, fresh every op.
 */
public class PoisoningBench extends WorkloadBench {

  /** KM steps of both solvers ({@code t = k}: the workload's default 40). */
  @Param({"40"})
  public int t;

  /** Every KM step uses every row (deterministic SID) instead of the default mini-batches. */
  @Param({"false"})
  public boolean fullBatch;

  // the poisoning workload's defaults; the tests shrink them
  int clean = 1000;
  int poisoned = 300;
  int validation = 1000;
  int batch = 100;
  int lowerBatch = 90;

  DataPoisoning problem;
  private Sid sid;
  Sid.Options options;
  private SplittableRandom random;
  DVector lambda;
  DVector out;

  /** Builds the problem, {@code δ = 0} and one hypergradient. */
  @Setup(Level.Trial)
  public void setup() {
    Backend backend = openBackend();
    BenchImages data = images(clean + poisoned + validation);
    problem = new DataPoisoning(backend, data.rows(0, clean), data.labels(0, clean),
        data.rows(clean, poisoned), data.labels(clean, poisoned),
        data.rows(clean + poisoned, validation), data.labels(clean + poisoned, validation),
        BenchImages.CLASSES, DataPoisoning.PAPER_REGULARIZATION, DataPoisoning.PAPER_RADIUS);
    sid = new Sid(problem, batch, lowerBatch);
    options = new Sid.Options(t, t, batch, lowerBatch, StepSchedule.constant(1.0), fullBatch);
    random = new SplittableRandom(Impls.SEED);
    lambda = Impls.vector(backend, arena, problem.upperDimension());
    problem.initialUpper(lambda, 1L, 0.0);
    out = Impls.vector(backend, arena, problem.upperDimension());
    sid.estimate(lambda, options, random, out);
    checkFinite("PoisoningBench", out);
  }

  /** Frees everything. */
  @TearDown(Level.Trial)
  public void tearDown() {
    sid.close();
    problem.close();
    closeArena();
  }

  /** One hypergradient at a freshly nudged {@code δ}, on fresh batches. */
  @Benchmark
  public long hypergradient() {
    nudge(lambda);
    return sid.estimate(lambda, options, random, out);
  }
}
