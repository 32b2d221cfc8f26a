package io.github.bilevel.bsgm.runner;

import io.github.bilevel.bsgm.DistributedHypergradients;
import io.github.bilevel.bsgm.SeparableHypergradient;
import io.github.bilevel.bsgm.SeparableProblemSource;
import io.github.bilevel.kernels.Backend;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The options of a separable workload that say where its hypergradients are computed:
 * {@code block} (tasks per block of a batch, the unit a cluster distributes; default: the whole
 * batch) and {@code spark} (a Spark master URL; absent: this JVM). The same {@code block} gives
 * the same numbers here and on a cluster ({@link SeparableHypergradient}).
 */
final class ClusterSettings {

  /** The option holding the Spark master ({@code bin/bsgm run --spark MASTER}). */
  static final String SPARK = "spark";

  /** The option holding the tasks per block. */
  static final String BLOCK = "block";

  /** The declarations of {@link #BLOCK} and {@link #SPARK}, for the separable workloads. */
  static final List<WorkloadOption> OPTIONS = List.of(
      new WorkloadOption(BLOCK, 0, "tasks per block of a batch, the unit a cluster distributes"
          + " (0: the whole batch)"),
      new WorkloadOption(SPARK, "", "Spark master the hypergradients run on (also --spark;"
          + " empty: this JVM)"));

  private ClusterSettings() {}

  /** {@code options} followed by {@link #OPTIONS}. */
  static List<WorkloadOption> with(List<WorkloadOption> options) {
    return java.util.stream.Stream.concat(options.stream(), OPTIONS.stream()).toList();
  }

  /** Tasks per block (0: the batch). */
  static int block(WorkloadOptions options) {
    return options.integer(BLOCK, 0, 1);
  }

  /**
   * The cluster's estimator for a block size, or null when no master is given: the Spark
   * service (bsgm-spark) connects to the master on first use.
   */
  static IntFunction<SeparableHypergradient> cluster(WorkloadOptions options,
      SeparableProblemSource source, Backend backend) {
    String master = options.text(SPARK, "");
    if (master.isEmpty()) {
      return null;
    }
    return block -> DistributedHypergradients.named("spark").connect(master, source,
        backend.name(), block);
  }
}
