package io.github.bilevel.bsgm.cli;

import io.github.bilevel.bsgm.runner.Algorithms;
import io.github.bilevel.bsgm.runner.WorkloadFactory;
import io.github.bilevel.bsgm.runner.Workloads;
import java.util.List;
import java.util.stream.Collectors;

/** What {@code bsgm run --spark MASTER} accepts, checked before a run starts. */
final class SparkRun {

  private SparkRun() {}

  /** The workloads that run on Spark: those whose lower level is separable. */
  static List<String> workloads() {
    return Workloads.all().values().stream()
        .filter(f -> f.registry() == Algorithms.SEPARABLE).map(WorkloadFactory::name)
        .collect(Collectors.toList());
  }

  /**
   * Refuses {@code --spark} with a workload that is not separable or an algorithm other than
   * BSGM, saying which run on Spark and why.
   */
  static void check(WorkloadFactory factory, List<String> algorithms, String master) {
    if (master.isBlank()) {
      throw new IllegalArgumentException("--spark needs a master URL, e.g. local[2] or"
          + " spark://host:7077");
    }
    if (factory.registry() != Algorithms.SEPARABLE) {
      throw new IllegalArgumentException("workload " + factory.name() + " cannot run on Spark:"
          + " only the separable workloads (" + String.join(", ", workloads()) + ") can, whose"
          + " lower level is one independent problem per task or example, so that a batch's"
          + " hypergradient is a sum the executors compute in parts; " + factory.name()
          + "'s lower level is one problem shared by all its samples");
    }
    for (String algorithm : algorithms) {
      if (!algorithm.equals("bsgm")) {
        throw new IllegalArgumentException("--spark runs the algorithm bsgm, not " + algorithm
            + ": " + Algorithms.CLUSTER_BSGM_ONLY);
      }
    }
  }
}
