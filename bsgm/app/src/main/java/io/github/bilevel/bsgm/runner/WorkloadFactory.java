package io.github.bilevel.bsgm.runner;

import io.github.bilevel.kernels.Backend;
import java.util.List;
import java.util.Map;

/** Makes the instance of a workload for one seed. */
public interface WorkloadFactory {

  /** The workload's name on the command line. */
  String name();

  /** One line on what it is. */
  String description();

  /** The sample budget of a run when the user gives none. */
  default long defaultBudget() {
    return 200_000;
  }

  /** The algorithms it supports. */
  List<String> algorithms();

  /**
   * The registry its algorithms come from, which says what settings each one reads
   * ({@link Algorithms#BILEVEL} unless the workload's problem is separable).
   */
  default AlgorithmRegistry<?, ?> registry() {
    return Algorithms.BILEVEL;
  }

  /**
   * Its {@code -o key=value} options, for the help text (none declared: an empty list).
   */
  default List<WorkloadOption> options() {
    return List.of();
  }

  /**
   * The instance for {@code seed}.
   *
   * @param options the workload's options ({@code key=value} from the command line)
   * @throws IllegalArgumentException naming an unknown or bad option
   */
  Workload create(Backend backend, Map<String, String> options, long seed);
}
