package io.github.bilevel.bsgm;

import java.util.ServiceLoader;

/**
 * A service (found with {@link ServiceLoader}) that computes the blocked separable hypergradient
 * of {@link SeparableHypergradient} on a cluster: the {@code bsgm-spark} module provides
 * {@code spark}. The core and the command line never name the cluster's classes.
 */
public interface DistributedHypergradients {

  /** The service's name ({@code spark}). */
  String name();

  /**
   * An estimator on the cluster at {@code master} for the problem {@code source} builds, on
   * the backend named {@code backend} on every executor, in blocks of {@code blockSize} tasks.
   *
   * @throws IllegalArgumentException if the master is malformed or cannot be reached (within
   *     a bounded time), or the executors cannot read the source's data
   */
  SeparableHypergradient connect(String master, SeparableProblemSource source, String backend,
      int blockSize);

  /**
   * The service called {@code name}.
   *
   * @throws IllegalStateException if no module on the class path provides it
   */
  static DistributedHypergradients named(String name) {
    for (DistributedHypergradients service : ServiceLoader.load(DistributedHypergradients.class)) {
      if (service.name().equals(name)) {
        return service;
      }
    }
    throw new IllegalStateException("no " + name + " support on the class path: add the"
        + " bsgm-spark module and Spark's jars (bin/bsgm adds them when --spark is given)");
  }
}
