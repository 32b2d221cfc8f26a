package io.github.bilevel.bsgm.runner;

import io.github.bilevel.kernels.DVector;
import java.util.Map;

/**
 * One instance of an experiment (a problem built for one seed) that the runner drives: it makes
 * the upper-level method for an algorithm name, the starting point, and the evaluations.
 */
public interface Workload extends AutoCloseable {

  /** The upper-level dimension {@code m}. */
  int upperDimension();

  /** {@code out ← λ_0}, a point of {@code Λ}. */
  void initialLambda(DVector out);

  /**
   * The method for {@code algorithm} with this workload's defaults and the user's overrides.
   *
   * @throws IllegalArgumentException naming the algorithm and the ones this workload supports,
   *     or an overridden setting the algorithm does not use
   */
  UpperLevelMethod<?> method(String algorithm, MethodOverrides overrides);

  /**
   * Metrics of {@code λ}: keys among {@link Metrics#COLUMNS} (upper objective, exact
   * stationarity, accuracies); absent keys are written as empty cells.
   *
   * @param last whether this is the run's final evaluation (where an expensive metric, such as
   *     the test accuracy of a model retrained from scratch, may be computed only)
   */
  Map<String, Double> evaluate(DVector lambda, boolean last);

  /**
   * The name of a non-bilevel baseline trained on the same sample budget (e.g. a linear
   * classifier), or null when the workload has none.
   */
  default String baselineName() {
    return null;
  }

  /**
   * Trains the baseline on {@code samples} samples (one sample per example gradient) and
   * returns its metrics, as {@link #evaluate}.
   */
  default Map<String, Double> baseline(long samples) {
    throw new UnsupportedOperationException("this workload has no baseline");
  }

  /** The workload's configuration, for {@code summary.json}. */
  Map<String, Object> configuration();

  /** Frees the problem's buffers. */
  @Override
  void close();
}
