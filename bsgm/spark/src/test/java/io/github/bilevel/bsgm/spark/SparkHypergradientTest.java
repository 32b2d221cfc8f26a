package io.github.bilevel.bsgm.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.bsgm.DistributedHypergradients;
import io.github.bilevel.bsgm.IterationSchedule;
import io.github.bilevel.bsgm.SeparableBsgm;
import io.github.bilevel.bsgm.SeparableHypergradient;
import io.github.bilevel.bsgm.SeparableProblem;
import io.github.bilevel.bsgm.SeparableProblemSource;
import io.github.bilevel.bsgm.problems.EquilibriumSource;
import io.github.bilevel.bsgm.problems.MetaLearningSource;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.Backends;
import io.github.bilevel.kernels.DVector;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Separable BSGM with its hypergradients on Spark against the same run on one JVM: λ after
 * {@value #ITERATIONS} iterations equal to the last bit on {@code local[2]}, also when every
 * task fails its first attempt ({@code local[2,4]} retries it); and the errors of bad input.
 */
class SparkHypergradientTest {

  private static final int ITERATIONS = 20;
  private static final int BATCH = 22;
  private static final int BLOCK = 3;
  private static final String BACKEND = "simd";

  @TempDir
  static Path data;

  @BeforeAll
  static void writeData() throws IOException {
    SmallData.write(data, 300, 60);
  }

  @AfterAll
  static void freeWorkers() {
    ExecutorCache.clear();
  }

  private static MetaLearningSource meta() {
    return new MetaLearningSource(data.toString(), 300, 40, 3, 2, 3, 4, 0.1, 3.0);
  }

  private static EquilibriumSource equilibrium() {
    return new EquilibriumSource(data.toString(), 200, 50, 7, 1000);
  }

  /** λ after the iterations, as raw bits; {@code cluster} null: the one-JVM path. */
  private static long[] run(SeparableProblemSource source, SeparableHypergradient cluster,
      double alpha) throws IOException {
    Backend backend = Backends.byName(BACKEND);
    try (SeparableProblemSource.Opened opened = source.open(backend, data);
        Arena arena = Arena.ofConfined()) {
      SeparableProblem problem = opened.problem();
      try (SeparableBsgm bsgm = cluster == null ? new SeparableBsgm(problem, BATCH, null, BLOCK)
          : SeparableBsgm.withEstimator(problem, BATCH, cluster)) {
        DVector lambda = backend.vector(arena, problem.upperDimension());
        SplittableRandom init = new SplittableRandom(9);
        for (int i = 0; i < lambda.length(); i++) {
          lambda.set(i, 0.3 * init.nextGaussian());
        }
        problem.projectUpper(lambda);
        SeparableBsgm.Options options = new SeparableBsgm.Options(alpha,
            IterationSchedule.fixed(6, 5, BATCH), 1.0, SeparableBsgm.Sampling.WITH_REPLACEMENT,
            ITERATIONS);
        bsgm.run(lambda, options, new SplittableRandom(17), null);
        long[] bits = new long[lambda.length()];
        for (int i = 0; i < bits.length; i++) {
          bits[i] = Double.doubleToRawLongBits(lambda.get(i));
        }
        return bits;
      }
    }
  }

  private static SeparableHypergradient spark(String master, SeparableProblemSource source) {
    return DistributedHypergradients.named("spark").connect(master, source, BACKEND, BLOCK);
  }

  @Test
  void metaLearningOnLocal2IsBitIdenticalToOneJvm() throws IOException {
    long[] local = run(meta(), null, 1.0);
    int workersBefore = ExecutorCache.workersCreated();
    long[] onSpark;
    try (SeparableHypergradient cluster = spark("local[2]", meta())) {
      onSpark = run(meta(), cluster, 1.0);
    }
    assertArrayEquals(local, onSpark);
    // the run moved λ: a test that could not fail compares two initial points
    long[] start = run(meta(), null, 1e-300);
    assertFalse(java.util.Arrays.equals(local, start), "λ did not move");
    // the executor's workspaces are made once per task slot, not per task or iteration
    // (at most one per task slot of local[2], after the idle ones of earlier tests)
    int made = ExecutorCache.workersCreated() - workersBefore;
    assertTrue(made <= 2, "workers made for 20 iterations of 2 partitions: " + made);
  }

  @Test
  void equilibriumWithFailingFirstAttemptsOnLocal2Retries4IsBitIdentical() throws IOException {
    long[] local = run(equilibrium(), null, 0.5);
    long[] onSpark;
    System.setProperty(SparkHypergradient.FAIL_FIRST_ATTEMPT, "true");
    try (SeparableHypergradient cluster = spark("local[2,4]", equilibrium())) {
      onSpark = run(equilibrium(), cluster, 0.5);
    } finally {
      System.clearProperty(SparkHypergradient.FAIL_FIRST_ATTEMPT);
    }
    assertArrayEquals(local, onSpark);
  }

  @Test
  void failingTasksWithoutRetriesFailTheRun() {
    System.setProperty(SparkHypergradient.FAIL_FIRST_ATTEMPT, "true");
    try {
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> spark("local[2]", meta()).close());
      assertTrue(e.getMessage().contains("fails its first attempt"), e.getMessage());
    } finally {
      System.clearProperty(SparkHypergradient.FAIL_FIRST_ATTEMPT);
    }
  }

  @Test
  void unreadableDataIsNamed() {
    MetaLearningSource missing = new MetaLearningSource(data.resolve("nowhere").toString(), 300,
        40, 3, 2, 3, 4, 0.1, 3.0);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> spark("local[2]", missing));
    assertTrue(e.getMessage().contains("cannot read the data at " + missing.data()),
        e.getMessage());
    assertTrue(e.getMessage().contains("not a readable directory"), e.getMessage());
  }

  @Test
  void anUnreachableMasterIsAnErrorWithinSeconds() {
    IllegalArgumentException e = assertTimeoutPreemptively(Duration.ofSeconds(20),
        () -> assertThrows(IllegalArgumentException.class,
            () -> spark("spark://127.0.0.1:1", meta())));
    assertTrue(e.getMessage().startsWith("cannot reach the Spark master spark://127.0.0.1:1"
        + " within 5 s"), e.getMessage());
    IllegalArgumentException malformed = assertThrows(IllegalArgumentException.class,
        () -> spark("nonsense[", meta()));
    assertTrue(malformed.getMessage().startsWith("cannot start Spark with master nonsense["),
        malformed.getMessage());
  }
}
