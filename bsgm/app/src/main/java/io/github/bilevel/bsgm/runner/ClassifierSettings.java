package io.github.bilevel.bsgm.runner;

import io.github.bilevel.bsgm.BilevelProblem;
import io.github.bilevel.bsgm.IterationSchedule;
import io.github.bilevel.bsgm.KmSteps;
import io.github.bilevel.bsgm.problems.LowerLevelSolution;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.DMatrix;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The options the softmax-classifier workloads ({@link CleaningWorkload},
 * {@link PoisoningWorkload}) share: the algorithms' defaults {@code alpha, t, k, J, lower_batch,
 * km_step} and the evaluation's {@code eval_iters, retrain_tol, retrain_iters}.
 */
record ClassifierSettings(double alpha, int t, int k, int batch, int lowerBatch, double kmStep,
    int evalIterations, double retrainTolerance, int retrainIterations) {

  /**
   * A workload's own options followed by the shared ones, declared with the workload's own
   * defaults for {@code alpha, t, k} (those given to {@link #read}).
   */
  static List<WorkloadOption> options(List<WorkloadOption> own, double alpha, int t, int k) {
    List<WorkloadOption> all = new ArrayList<>(own);
    all.addAll(List.of(
        new WorkloadOption("alpha", alpha, "upper-level step"),
        new WorkloadOption("t", t, "lower-level steps per iteration"),
        new WorkloadOption("k", k, "linear-system steps per iteration"),
        new WorkloadOption("J", 100, "upper-level batch"),
        new WorkloadOption("lower_batch", 90, "lower-level batch"),
        new WorkloadOption("km_step", 1.0, "KM step of the lower level, in (0, 1]"),
        new WorkloadOption("eval_iters", 100, "solver steps of each evaluation"),
        new WorkloadOption("retrain_tol", 1e-3, "gradient-norm target of the final retraining"),
        new WorkloadOption("retrain_iters", 2000, "step cap of the final retraining")));
    return List.copyOf(all);
  }

  /** Reads the options, with the workload's own defaults for {@code alpha, t, k}. */
  static ClassifierSettings read(WorkloadOptions options, double alpha, int t, int k) {
    return new ClassifierSettings(
        options.real("alpha", alpha, Double.MIN_NORMAL, 1e300),
        options.integer("t", t, 1),
        options.integer("k", k, 1),
        options.integer("J", 100, 1),
        options.integer("lower_batch", 90, 1),
        options.real("km_step", 1.0, Double.MIN_NORMAL, 1.0),
        options.integer("eval_iters", 100, 1),
        options.real("retrain_tol", 1e-3, Double.MIN_NORMAL, 1e12),
        options.integer("retrain_iters", 2000, 1));
  }

  /** The algorithms' defaults on {@code problem}: fixed {@code t, k, J}, its default KM steps. */
  Algorithms.Defaults defaults(BilevelProblem problem) {
    return new Algorithms.Defaults(alpha, t, k, batch, IterationSchedule.fixed(t, k, batch),
        KmSteps.defaults(problem).schedule(), kmStep, lowerBatch);
  }

  /** Records the settings in a workload's configuration. */
  void describe(Map<String, Object> configuration) {
    // ordered maps: summary.json lists keys in the same order in every run
    Map<String, Object> defaults = new LinkedHashMap<>();
    defaults.put("alpha", alpha);
    defaults.put("t", t);
    defaults.put("k", k);
    defaults.put("J", batch);
    defaults.put("lower_batch", lowerBatch);
    defaults.put("km_step", kmStep);
    configuration.put("defaults", defaults);
    configuration.put("eval_iters", evalIterations);
    configuration.put("retrain_tol", retrainTolerance);
    configuration.put("retrain_iters", retrainIterations);
  }

  /** A copy of {@code features} in the backend's memory (accuracy runs GEMMs on it). */
  static DMatrix onBackend(Backend backend, Arena arena, DMatrix features) {
    return backend.matrix(arena, features.rows(), features.cols()).copyFrom(features);
  }

  /** A lower-level solve, for the configuration. */
  static Map<String, Object> describe(LowerLevelSolution solution) {
    Map<String, Object> described = new LinkedHashMap<>();
    described.put("iterations", solution.iterations());
    described.put("gradient_norm", solution.gradientNorm());
    described.put("converged", solution.converged());
    return described;
  }
}
