package io.github.bilevel.bsgm.spark;

import io.github.bilevel.bsgm.BlockedHypergradient;
import io.github.bilevel.bsgm.DistributedHypergradients;
import io.github.bilevel.bsgm.SeparableHypergradient;
import io.github.bilevel.bsgm.SeparableProblem;
import io.github.bilevel.bsgm.SeparableProblemSource;
import io.github.bilevel.bsgm.SeparableSid;
import io.github.bilevel.bsgm.problems.EquilibriumSource;
import io.github.bilevel.bsgm.problems.MetaLearningSource;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.Backends;
import io.github.bilevel.kernels.DVector;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Measured scaling of one separable BSGM hypergradient (a benchmark, not a test; run by
 * {@code bench/spark-scaling}): meta-learning with 10⁴ tasks per iteration and the equilibrium
 * model with 10⁵ examples per iteration, each on one JVM ({@link BlockedHypergradient}),
 * {@code local[1]}, {@code local[2]} and a two-worker standalone cluster
 * ({@link StandaloneCluster}); per Spark path also a batch of one task (the fixed overhead of an
 * iteration) and the bytes of the task results (Spark's {@code resultSize}) and shuffles.
 * Prints one line per measurement: {@code workload path batch seconds/iteration ...}.
 *
 * <p>Arguments: a scratch directory, and optionally {@code quick} (fewer repetitions).
 */
public final class SparkScalingBenchmark {

  private static final String BACKEND = "simd";

  private record Workload(String name, SeparableProblemSource source, int batch, int block,
      int t, int k) {}

  /** Sums Spark's task metrics over the jobs of a measurement. */
  private static final class Metrics extends SparkListener {
    final AtomicLong tasks = new AtomicLong();
    final AtomicLong resultBytes = new AtomicLong();
    final AtomicLong shuffleBytes = new AtomicLong();

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
      if (end.taskMetrics() == null) {
        return;
      }
      tasks.incrementAndGet();
      resultBytes.addAndGet(end.taskMetrics().resultSize());
      shuffleBytes.addAndGet(end.taskMetrics().shuffleWriteMetrics().bytesWritten()
          + end.taskMetrics().shuffleReadMetrics().totalBytesRead());
    }

    void reset() {
      tasks.set(0);
      resultBytes.set(0);
      shuffleBytes.set(0);
    }
  }

  private SparkScalingBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path scratch = Path.of(args[0]);
    int repeats = args.length > 1 && args[1].equals("quick") ? 1 : 3;
    Path data = Files.createDirectories(scratch.resolve("data"));
    // generated classification data (SmallData: 12 features, 5 classes), 60,000 examples
    SmallData.write(data, 60_000, 1_000);
    Workload[] workloads = {
        new Workload("meta", new MetaLearningSource(data.toString(), 6_000, 10_000, 5, 1, 2, 16,
            0.1, 3.0), 10_000, 625, 10, 10),
        new Workload("equilibrium", new EquilibriumSource(data.toString(), 59_000, 1_000, 32,
            6_250), 100_000, 6_250, 10, 10)};
    System.out.printf(Locale.ROOT, "# %s, %d processors, java %s, %d repetitions%n",
        System.getProperty("os.arch"), Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"), repeats);
    System.out.println("workload path batch m seconds_per_iteration tasks_per_iteration"
        + " result_bytes_per_iteration broadcast_bytes shuffle_bytes_per_iteration");
    for (Workload w : workloads) {
      oneJvm(w, data, repeats);
    }
    for (String master : new String[] {"local[1]", "local[2]"}) {
      for (Workload w : workloads) {
        onSpark(w, data, master, master, repeats);
      }
    }
    Path home = scratch.resolve("spark-home");
    StandaloneCluster.delete(home);
    try (StandaloneCluster cluster = StandaloneCluster.start(home, 2, "1536m", 180)) {
      Map<String, String> properties = cluster.driverProperties("1g");
      properties.forEach(System::setProperty);
      System.setProperty("spark.executor.extraJavaOptions", "--add-modules jdk.incubator.vector"
          + " --enable-native-access=ALL-UNNAMED -Dbilevel.threads=1");
      for (Workload w : workloads) {
        onSpark(w, data, cluster.masterUrl(), "standalone-2x1", repeats);
      }
    }
  }

  private static double[] start(int m) {
    double[] lambda = new double[m];
    SplittableRandom random = new SplittableRandom(9);
    for (int i = 0; i < m; i++) {
      lambda[i] = 0.1 * random.nextGaussian();
    }
    return lambda;
  }

  private static void oneJvm(Workload w, Path data, int repeats) throws IOException {
    Backend backend = Backends.byName(BACKEND);
    try (SeparableProblemSource.Opened opened = w.source().open(backend, data);
        Arena arena = Arena.ofConfined()) {
      SeparableProblem problem = opened.problem();
      try (BlockedHypergradient estimator = new BlockedHypergradient(problem, w.block())) {
        measure(w, estimator, problem, backend, arena, "one-jvm", w.batch(), repeats, null);
      }
    }
  }

  private static void onSpark(Workload w, Path data, String master, String label, int repeats)
      throws IOException {
    Backend backend = Backends.byName(BACKEND);
    try (SeparableProblemSource.Opened opened = w.source().open(backend, data);
        Arena arena = Arena.ofConfined();
        SeparableHypergradient estimator = DistributedHypergradients.named("spark")
            .connect(master, w.source(), BACKEND, w.block())) {
      Metrics metrics = new Metrics();
      ((SparkHypergradient) estimator).context().sc().addSparkListener(metrics);
      SeparableProblem problem = opened.problem();
      measure(w, estimator, problem, backend, arena, label, w.batch(), repeats, metrics);
      // a batch of one task: what Spark costs an iteration besides the computing
      measure(w, estimator, problem, backend, arena, label, 1, 10, metrics);
    }
  }

  private static void measure(Workload w, SeparableHypergradient estimator,
      SeparableProblem problem, Backend backend, Arena arena, String label, int batch,
      int repeats, Metrics metrics) {
    int m = problem.upperDimension();
    DVector lambda = backend.vector(arena, m);
    DVector out = backend.vector(arena, m);
    double[] values = start(m);
    for (int i = 0; i < m; i++) {
      lambda.set(i, values[i]);
    }
    problem.projectUpper(lambda);
    SeparableSid.Options options = new SeparableSid.Options(w.t(), w.k(), 1.0);
    estimator.estimate(lambda, 1L, batch, options, out); // warm-up: JIT, workspaces, data
    if (metrics != null) {
      waitForListener();
      metrics.reset();
    }
    long begin = System.nanoTime();
    for (int r = 0; r < repeats; r++) {
      estimator.estimate(lambda, 2L + r, batch, options, out);
    }
    double seconds = (System.nanoTime() - begin) / 1e9 / repeats;
    String spark = "- - - -";
    if (metrics != null) {
      waitForListener();
      spark = String.format(Locale.ROOT, "%.1f %.0f %d %.0f",
          (double) metrics.tasks.get() / repeats, (double) metrics.resultBytes.get() / repeats,
          8L * m, (double) metrics.shuffleBytes.get() / repeats);
    }
    System.out.printf(Locale.ROOT, "%s %s %d %d %.6f %s%n", w.name(), label, batch, m, seconds,
        spark);
  }

  /** The listener bus is asynchronous: give it time to deliver the last task ends. */
  private static void waitForListener() {
    try {
      Thread.sleep(500);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
