package io.github.bilevel.bsgm.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.bsgm.DistributedHypergradients;
import io.github.bilevel.bsgm.IterationSchedule;
import io.github.bilevel.bsgm.SeparableBsgm;
import io.github.bilevel.bsgm.SeparableHypergradient;
import io.github.bilevel.bsgm.SeparableProblem;
import io.github.bilevel.bsgm.SeparableProblemSource;
import io.github.bilevel.bsgm.problems.MetaLearningSource;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.Backends;
import io.github.bilevel.kernels.DVector;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.spark.Success$;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Separable BSGM on a real Spark standalone cluster of separate JVMs on 127.0.0.1 (a master, two
 * one-core workers, an executor each; {@link StandaloneCluster}), with one executor JVM killed
 * ({@code SIGKILL}, as {@code kill -9}) while it runs a task of iteration {@value #KILL_AT}:
 * Spark reruns the lost tasks, and λ after {@value #ITERATIONS} iterations equals the
 * uninterrupted run on one JVM to the last bit. Tagged {@code cluster}: in the default test
 * command (30–130 s on 2 vCPUs); {@code -Pno-spark-cluster} leaves it out.
 */
@Tag("cluster")
class StandaloneClusterTest {

  private static final int ITERATIONS = 20;
  private static final int KILL_AT = 8;
  private static final int BATCH = 48;
  private static final int BLOCK = 4;
  private static final String BACKEND = "simd";

  private static MetaLearningSource meta(Path data) {
    return new MetaLearningSource(data.toString(), 300, 60, 3, 2, 3, 8, 0.1, 3.0);
  }

  /** λ's bits after {@code iterations} iterations (0: the start); {@code cluster} null: one JVM. */
  private static long[] run(SeparableProblemSource source, Path data,
      SeparableHypergradient cluster, int iterations) throws IOException {
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
        if (iterations > 0) {
          SeparableBsgm.Options options = new SeparableBsgm.Options(1.0,
              IterationSchedule.fixed(40, 40, BATCH), 1.0,
              SeparableBsgm.Sampling.WITH_REPLACEMENT, iterations);
          bsgm.run(lambda, options, new SplittableRandom(17), null);
        }
        long[] bits = new long[lambda.length()];
        for (int i = 0; i < bits.length; i++) {
          bits[i] = Double.doubleToRawLongBits(lambda.get(i));
        }
        return bits;
      }
    }
  }

  /** Kills the executor running a task of job {@code killAtJob} (job 0 reads the data). */
  private static final class Killer extends SparkListener {
    private final StandaloneCluster cluster;
    private final int killAtJob;
    private final AtomicInteger jobs = new AtomicInteger();
    final AtomicReference<String> killed = new AtomicReference<>();
    final AtomicInteger killedInJob = new AtomicInteger(-1);
    final Set<String> removed = ConcurrentHashMap.newKeySet();
    final AtomicInteger failedTasks = new AtomicInteger();

    Killer(StandaloneCluster cluster, int killAtJob) {
      this.cluster = cluster;
      this.killAtJob = killAtJob;
    }

    @Override
    public void onJobStart(SparkListenerJobStart start) {
      jobs.incrementAndGet();
    }

    @Override
    public void onTaskStart(SparkListenerTaskStart start) {
      String executor = start.taskInfo().executorId();
      int job = jobs.get() - 1;
      if (job >= killAtJob && killed.get() == null) {
        cluster.executor(executor).ifPresent(process -> {
          if (killed.compareAndSet(null, executor)) {
            process.destroyForcibly();
            killedInJob.set(job);
          }
        });
      }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
      if (end.reason() != Success$.MODULE$) {
        failedTasks.incrementAndGet();
      }
    }

    @Override
    public void onExecutorRemoved(SparkListenerExecutorRemoved removed) {
      this.removed.add(removed.executorId());
    }
  }

  @Test
  void anExecutorKilledMidRunLeavesLambdaBitIdenticalToOneJvm(@TempDir Path temp)
      throws Exception {
    Path data = SmallData.write(Files.createDirectory(temp.resolve("data")), 300, 60);
    long[] local = run(meta(data), data, null, ITERATIONS);

    Map<String, String> properties;
    long[] onCluster;
    Killer killer;
    // the cluster's home (and the logs of its JVMs) under target/, kept for a failure's reading
    Path home = Path.of("target", "standalone-cluster");
    StandaloneCluster.delete(home);
    try (StandaloneCluster cluster = StandaloneCluster.start(home, 2, "768m", 90)) {
      properties = new java.util.HashMap<>(cluster.driverProperties("512m"));
      properties.put("bsgm.spark.jobTimeoutSeconds", "120");
      properties.forEach(System::setProperty);
      try (SeparableHypergradient estimator = DistributedHypergradients.named("spark")
          .connect(cluster.masterUrl(), meta(data), BACKEND, BLOCK)) {
        killer = new Killer(cluster, KILL_AT);
        ((SparkHypergradient) estimator).context().sc().addSparkListener(killer);
        onCluster = run(meta(data), data, estimator, ITERATIONS);
      } finally {
        properties.keySet().forEach(System::clearProperty);
      }
    }
    String killed = killer.killed.get();
    assertNotNull(killed, "no executor was killed: no task started after job " + KILL_AT);
    assertEquals(KILL_AT, killer.killedInJob.get(), "killed in another iteration");
    assertTrue(killer.removed.contains(killed), "Spark did not notice the loss of executor "
        + killed + " (removed: " + killer.removed + ")");
    assertTrue(killer.failedTasks.get() >= 1, "the executor was killed between tasks");
    assertArrayEquals(local, onCluster);
    // the run moved λ: a test that could not fail compares initial points
    assertFalse(Arrays.equals(local, run(meta(data), data, null, 0)), "λ did not move");
  }
}
