package io.github.bilevel.bsgm.runner;

import io.github.bilevel.bsgm.Batch;
import io.github.bilevel.bsgm.BilevelProblem;
import io.github.bilevel.bsgm.data.Dataset;
import io.github.bilevel.bsgm.problems.LowerLevelSolution;
import io.github.bilevel.kernels.DMatrix;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What the softmax-classifier workloads ({@link CleaningWorkload}, {@link PoisoningWorkload})
 * share: the validation and test features in the backend's memory, the start {@code λ = 0}, the
 * algorithms' defaults of {@link ClassifierSettings}, the configuration, and the evaluation (the
 * lower level solved from {@code W = 0} with at most {@code eval_iters} steps, then
 * {@code ul_objective} and {@code val_accuracy}; on the last one the subclass's retraining). The
 * two problems share no type for their lower-level solve and accuracy, so the subclasses hand
 * them in as method references.
 *
 * @param <P> the problem
 */
abstract sealed class ClassifierWorkload<P extends BilevelProblem> implements Workload
    permits CleaningWorkload, PoisoningWorkload {

  /** The problem's full-batch lower-level solve to {@code tolerance}, written to {@code w}. */
  @FunctionalInterface
  interface LowerSolve {
    LowerLevelSolution solve(DVector lambda, DVector w, double tolerance, int maxIterations);
  }

  /** The problem's fraction of rows of {@code x} that {@code W} classifies as {@code labels}. */
  @FunctionalInterface
  interface Accuracy {
    double of(DVector w, DMatrix x, int[] labels);
  }

  private final Arena arena;
  private final P problem;
  private final Runnable closeProblem;
  private final LowerSolve solve;
  private final Accuracy accuracy;
  private final Dataset validation;
  /** The test set; its features in the backend's memory are {@link #testX}. */
  final Dataset test;
  // the validation and test features in the backend's memory (accuracy runs GEMMs on them)
  private final DMatrix validationX;
  final DMatrix testX;
  private final Batch allValidation;
  private final DVector weights;
  private final Algorithms.Defaults defaults;
  final ClassifierSettings settings;
  final Map<String, Object> configuration;

  /**
   * Takes over {@code arena} (closed with the workload) and {@code problem} (closed by
   * {@code closeProblem}), and adds the settings to {@code configuration}, which holds the
   * subclass's options and the problem's constants so far.
   */
  ClassifierWorkload(Arena arena, P problem, Runnable closeProblem, LowerSolve solve,
      Accuracy accuracy, Dataset validation, Dataset test, ClassifierSettings settings,
      LinkedHashMap<String, Object> configuration) {
    this.arena = arena;
    this.problem = problem;
    this.closeProblem = closeProblem;
    this.solve = solve;
    this.accuracy = accuracy;
    this.validation = validation;
    this.test = test;
    this.settings = settings;
    this.configuration = configuration;
    validationX = ClassifierSettings.onBackend(problem.backend(), arena, validation.features());
    testX = ClassifierSettings.onBackend(problem.backend(), arena, test.features());
    allValidation = new Batch(validation.size()).all(validation.size());
    weights = problem.backend().vector(arena, problem.lowerDimension());
    defaults = settings.defaults(problem);
    settings.describe(configuration);
  }

  /** The problem (for tests). */
  final P problem() {
    return problem;
  }

  /** Runs {@code action} on {@code λ = 0} (held in scratch memory for the call only). */
  final void atZero(Consumer<DVector> action) {
    try (Arena scratch = Arena.ofConfined()) {
      action.accept(problem.backend().vector(scratch, problem.upperDimension()));
    }
  }

  /**
   * The last evaluation's extra work: retrains the classifier on {@code λ}, adds its
   * {@code test_accuracy} to {@code metrics} and what else it reports to the configuration.
   */
  abstract void evaluateLast(DVector lambda, Map<String, Double> metrics);

  @Override
  public final int upperDimension() {
    return problem.upperDimension();
  }

  /** {@code λ = 0}: for cleaning every weight ½, for poisoning no perturbation (the paper's). */
  @Override
  public final void initialLambda(DVector out) {
    problem.backend().fill(0.0, out);
  }

  @Override
  public final UpperLevelMethod<?> method(String algorithm, MethodOverrides overrides) {
    return Algorithms.create(algorithm, problem, defaults, overrides);
  }

  @Override
  public final Map<String, Double> evaluate(DVector lambda, boolean last) {
    Map<String, Double> metrics = new LinkedHashMap<>();
    solve.solve(lambda, weights, settings.retrainTolerance(), settings.evalIterations());
    metrics.put("ul_objective", problem.objective(weights, lambda, allValidation));
    metrics.put("val_accuracy", accuracy.of(weights, validationX, validation.labels()));
    if (last) {
      evaluateLast(lambda, metrics);
    }
    return metrics;
  }

  @Override
  public final Map<String, Object> configuration() {
    return configuration;
  }

  @Override
  public final void close() {
    closeProblem.run();
    arena.close();
  }
}
