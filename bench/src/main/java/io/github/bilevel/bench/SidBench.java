package io.github.bilevel.bench;

import io.github.bilevel.bsgm.Bsgm;
import io.github.bilevel.bsgm.IterationSchedule;
import io.github.bilevel.bsgm.problems.PerFeatureRidge;
import io.github.bilevel.bsgm.Sid;
import io.github.bilevel.bsgm.StepSchedule;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One SID hypergradient of per-feature ridge with {@code d} features (so {@code d} lower- and
 * upper-level variables), {@code t = k = J = 64}, one training row per KM step (or every row, with
 * {@code fullBatch}), and BSGM iterations with the same SID settings. Run with {@code -prof gc}
 * to see the bytes allocated per hypergradient and per BSGM iteration.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector",
    "--enable-native-access=ALL-UNNAMED", "-Dbilevel.openblas.threads=1",
    "-Dbilevel.threads=1"})
@State(Scope.Benchmark)
public class SidBench {

  /**
   * Backend of the kernels ({@code cublas}: the CUDA backend; the problem allocates its data and
   * SID its workspaces through the backend, so on {@code cublas} they live in CUDA managed memory
   * and stay on the GPU for the whole run).
   */
  @Param({"simd", "scalar", "cublas"})
  public String impl;

  /** Features: the dimension of {@code w} and {@code λ}. */
  @Param({"4096"})
  public int d;

  /** Training rows (validation rows: half as many). */
  @Param({"512"})
  public int rows;

  /**
   * Every KM and linear-system step uses every training row (deterministic SID: each step is a
   * {@code gemv} and a {@code gemvT} over the {@code rows × d} data, the size at which a GPU pays)
   * instead of one row.
   */
  @Param({"false"})
  public boolean fullBatch;

  private PerFeatureRidge ridge;
  private Sid sid;
  private Arena arena;
  private DVector lambda;
  private DVector out;
  private SplittableRandom random;
  private Sid.Options options;
  private Bsgm bsgm;
  private Bsgm.Options bsgmOptions;

  /** BSGM iterations per {@link #bsgmIteration} invocation. */
  static final int BSGM_ITERATIONS = 16;

  /** Builds the problem from a fixed seed. */
  @Setup(Level.Trial)
  public void setup() {
    SplittableRandom data = new SplittableRandom(Impls.SEED);
    double[] x = data.doubles((long) rows * d, -1, 1).toArray();
    double[] y = data.doubles(rows, -1, 1).toArray();
    double[] xv = data.doubles((long) (rows / 2) * d, -1, 1).toArray();
    double[] yv = data.doubles(rows / 2, -1, 1).toArray();
    Backend backend = Impls.backendOrNull(impl);
    if (backend == null) {
      throw new Impls.Skipped(impl, "netlib is a BLAS, not a Backend: no SID");
    }
    ridge = new PerFeatureRidge(backend, x, y, xv, yv, d, 0.1, 10.0);
    sid = new Sid(ridge, 64, 1);
    arena = Arena.ofShared();
    lambda = Impls.vector(ridge.backend(), arena, d);
    ridge.backend().fill(1.0, lambda);
    out = Impls.vector(ridge.backend(), arena, d);
    random = new SplittableRandom(Impls.SEED);
    double q = ridge.contractionConstant().orElseThrow();
    double beta = 1 / (1 - q);
    options = new Sid.Options(64, 64, 64, 1, StepSchedule.decreasing(beta, beta), fullBatch);
    bsgm = new Bsgm(ridge, 64, 1);
    bsgmOptions = Bsgm.Options.of(1e-3, IterationSchedule.fixed(64, 64, 64), 1,
        options.schedule()).withMaxIterations(BSGM_ITERATIONS).withFullBatch(fullBatch);
  }

  /** Frees everything. */
  @TearDown(Level.Trial)
  public void tearDown() {
    sid.close();
    bsgm.close();
    ridge.close();
    arena.close();
  }

  /** One hypergradient estimate (the allocation-free entry point). */
  @Benchmark
  public long hypergradient() {
    return sid.estimate(lambda, options, random, out);
  }

  /**
   * One BSGM iteration ({@value #BSGM_ITERATIONS} per invocation, so the run's result record,
   * made once per call, is spread over them): SID, the step and the box projection.
   */
  @Benchmark
  @OperationsPerInvocation(BSGM_ITERATIONS)
  public long bsgmIteration() {
    return bsgm.run(lambda, bsgmOptions, random, null).samples();
  }
}
