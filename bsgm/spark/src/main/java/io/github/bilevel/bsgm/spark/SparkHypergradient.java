package io.github.bilevel.bsgm.spark;

import io.github.bilevel.bsgm.PairwiseReduction;
import io.github.bilevel.bsgm.SeparableHypergradient;
import io.github.bilevel.bsgm.SeparableProblemSource;
import io.github.bilevel.bsgm.SeparableSid;
import io.github.bilevel.bsgm.TaskDraws;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.Backends;
import io.github.bilevel.kernels.DVector;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.broadcast.Broadcast;

/**
 * The blocked separable hypergradient of {@link SeparableHypergradient} on Spark: the driver
 * broadcasts {@code λ} ({@code m} doubles) and the iteration's draw seed; partition {@code p}
 * computes the aligned run of {@code S = 2^j} blocks {@code [pS, (p + 1)S)} on its executor's
 * cached workspace ({@link BlockTask}, {@link ExecutorCache}) and returns one partial sum of
 * {@code m} doubles; the driver adds the partial sums in partition order with
 * {@link PairwiseReduction}. The result is that of {@link io.github.bilevel.bsgm.BlockedHypergradient}
 * on one JVM, bit for bit, for any number of partitions, and a retried task recomputes the same
 * numbers. {@code S} is the smallest power of two that makes at most
 * {@code defaultParallelism} partitions.
 */
public final class SparkHypergradient implements SeparableHypergradient {

  /** The system property that makes every task's first attempt fail (tests of retries). */
  public static final String FAIL_FIRST_ATTEMPT = "bsgm.spark.failFirstAttempt";

  /** The system property that stops the driver after that many estimates (tests of resume). */
  public static final String STOP_AFTER_ESTIMATES = "bsgm.spark.stopAfterEstimates";

  private final SparkConnection session;
  private final SeparableProblemSource source;
  private final String backendName;
  private final int blockSize;
  private final Backend backend;
  private PairwiseReduction reduction;
  private int estimates;

  SparkHypergradient(SparkConnection session, SeparableProblemSource source, String backendName,
      int blockSize) {
    this.session = Objects.requireNonNull(session, "session");
    this.source = Objects.requireNonNull(source, "source");
    this.backendName = Objects.requireNonNull(backendName, "backendName");
    if (blockSize < 1) {
      throw new IllegalArgumentException("the block size must be >= 1 task, got " + blockSize);
    }
    this.blockSize = blockSize;
    this.backend = Backends.byName(backendName);
  }

  @Override
  public int blockSize() {
    return blockSize;
  }

  /** The Spark context the estimates run on. */
  public JavaSparkContext context() {
    return session.context();
  }

  @Override
  public long estimate(DVector lambda, long drawSeed, int batch, SeparableSid.Options options,
      DVector out) {
    Objects.requireNonNull(options, "options");
    int stopAfter = Integer.getInteger(STOP_AFTER_ESTIMATES, -1);
    if (stopAfter >= 0 && estimates++ >= stopAfter) {
      throw new IllegalStateException("the driver stops after " + stopAfter + " estimates on"
          + " purpose (" + STOP_AFTER_ESTIMATES + ")");
    }
    if (lambda.length() != out.length()) {
      throw new IllegalArgumentException("lambda and out differ in length: " + lambda.length()
          + " and " + out.length());
    }
    int blocks = TaskDraws.blocks(batch, blockSize);
    int run = PairwiseReduction.runLength(blocks, Math.max(1, context().defaultParallelism()));
    int partitions = (blocks + run - 1) / run;
    BlockTask task = new BlockTask(source, backendName, blockSize, drawSeed, batch,
        options.t(), options.k(), options.eta());
    JavaSparkContext sc = context();
    Broadcast<double[]> broadcast = sc.broadcast(lambda.toArray());
    List<Integer> ids = new ArrayList<>(partitions);
    for (int p = 0; p < partitions; p++) {
      ids.add(p);
    }
    List<BlockTask.PartialSum> sums;
    try {
      sums = session.await(sc.parallelize(ids, partitions)
          .map(partition(task, broadcast, run, blocks)).collectAsync(), "an iteration's job");
    } finally {
      broadcast.destroy(false);
    }
    if (reduction == null) {
      reduction = new PairwiseReduction(backend, lambda.length());
    }
    reduction.reset();
    long samples = 0;
    for (BlockTask.PartialSum sum : sums) {
      reduction.add(sum.sum());
      samples += sum.samples();
    }
    reduction.result(out);
    return samples;
  }

  /** Partition {@code p}'s computation (a static factory: the closure captures no driver). */
  private static Function<Integer, BlockTask.PartialSum> partition(BlockTask task,
      Broadcast<double[]> lambda, int run, int blocks) {
    return p -> {
      failFirstAttemptIfAsked();
      return task.compute(lambda.value(), p * run, Math.min(blocks, (p + 1) * run));
    };
  }

  private static void failFirstAttemptIfAsked() {
    TaskContext context = TaskContext.get();
    if (Boolean.getBoolean(FAIL_FIRST_ATTEMPT) && context != null
        && context.attemptNumber() == 0) {
      throw new IllegalStateException("task " + context.partitionId() + " fails its first"
          + " attempt on purpose (" + FAIL_FIRST_ATTEMPT + ")");
    }
  }

  /** Checks on the executors that the data can be read (one task builds the problem). */
  void checkData() {
    BlockTask probe = new BlockTask(source, backendName, blockSize, 0L, 1, 0, 0, 1.0);
    session.await(context().parallelize(List.of(0), 1).map(p -> {
      failFirstAttemptIfAsked();
      ExecutorCache.Worker worker = ExecutorCache.borrow(new ExecutorCache.Key(probe.source(),
          probe.backend(), probe.blockSize()));
      try {
        return worker.tasks();
      } finally {
        ExecutorCache.giveBack(worker);
      }
    }).collectAsync(), "reading the data on an executor");
  }

  @Override
  public void close() {
    if (reduction != null) {
      reduction.close();
    }
    session.close();
  }
}
