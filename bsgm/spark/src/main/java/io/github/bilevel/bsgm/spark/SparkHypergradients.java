package io.github.bilevel.bsgm.spark;

import io.github.bilevel.bsgm.DistributedHypergradients;
import io.github.bilevel.bsgm.SeparableHypergradient;
import io.github.bilevel.bsgm.SeparableProblemSource;

/**
 * The {@code spark} service of {@link DistributedHypergradients}, found by
 * {@link java.util.ServiceLoader} when this module is on the class path ({@code bin/bsgm run
 * --spark MASTER}).
 */
public final class SparkHypergradients implements DistributedHypergradients {

  @Override
  public String name() {
    return "spark";
  }

  /**
   * Starts (or joins) the Spark context at {@code master}, and has one executor build the
   * problem first, so that unreadable data is an error now rather than at the first iteration.
   */
  @Override
  public SeparableHypergradient connect(String master, SeparableProblemSource source,
      String backend, int blockSize) {
    SparkConnection connection = new SparkConnection(master);
    SparkHypergradient estimator;
    try {
      estimator = new SparkHypergradient(connection, source, backend, blockSize);
      estimator.checkData();
    } catch (RuntimeException e) {
      connection.close();
      throw e;
    }
    return estimator;
  }
}
