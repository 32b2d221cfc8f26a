package io.github.bilevel.bsgm.runner;

import io.github.bilevel.bsgm.Batch;
import io.github.bilevel.bsgm.data.Dataset;
import io.github.bilevel.bsgm.data.FashionMnist;
import io.github.bilevel.bsgm.data.Splits;
import io.github.bilevel.bsgm.problems.DataPoisoning;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.DMatrix;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Data poisoning of a linear softmax classifier on Fashion-MNIST ({@link DataPoisoning}) as a
 * workload: the attacker perturbs {@code n_poison} training images within {@code ‖δ_i‖ ≤ r} and
 * the pixel box to maximize the validation loss of the classifier trained on the poisoned set.
 *
 * <p>The instance (stratified subsets of {@code n_train} clean, {@code n_poison} poisoned and
 * {@code n_val} validation images from the training set, {@code n_test} from the test set) is
 * drawn with the option {@code split_seed}, the same for every run seed: the run seed drives the
 * algorithm's samples only.
 *
 * <p>Metrics: every evaluation solves the lower level from {@code W = 0} with at most
 * {@code eval_iters} accelerated gradient steps (a deterministic function of {@code δ}) and
 * reports {@code ul_objective} {@code = E(W) = −CE(X_val W, y_val)} (the problem's upper
 * objective, which the attacker minimizes: it falls as the attack works) and
 * {@code val_accuracy}; the last evaluation also retrains the classifier from scratch on the
 * poisoned set to {@code ‖∇_W g‖ ≤ retrain_tol} (at most {@code retrain_iters} steps) and reports
 * its {@code test_accuracy}. The configuration holds the test accuracy of the classifier
 * retrained the same way on the clean set ({@code δ = 0}), {@code clean_test_accuracy}, computed
 * once per instance.
 *
 * <p>Options: {@code data} (directory: Fashion-MNIST IDX or {@code .npy} files, see
 * {@link io.github.bilevel.bsgm.data.Datasets#load}), {@code n_train, n_poison, n_val, n_test,
 * split_seed}, {@code reg} ({@code c}), {@code radius} ({@code r}), the algorithms' defaults
 * {@code alpha, t, k, J, lower_batch, km_step}, and {@code eval_iters, retrain_tol,
 * retrain_iters}.
 */
public final class PoisoningWorkload implements Workload {

  /** The workload's name. */
  public static final String NAME = "poisoning";

  /** The factory ({@code bin/bsgm run poisoning}), reading Fashion-MNIST. */
  public static final WorkloadFactory FACTORY = factory(null);

  /**
   * The factory on {@code source}, or Fashion-MNIST from the {@code data} option when null
   * (tests give small synthetic data).
   */
  static WorkloadFactory factory(ClassificationData.Source source) {
    return new SimpleWorkloadFactory(NAME, "data poisoning of a softmax classifier on"
        + " Fashion-MNIST (retrained test accuracy, clean vs poisoned)", DEFAULT_BUDGET,
        Algorithms.BILEVEL, (backend, options, seed) -> new PoisoningWorkload(backend, options,
        source));
  }

  static final long DEFAULT_BUDGET = 1_000_000;

  private final Arena arena = Arena.ofShared();
  private final DataPoisoning problem;
  private final Dataset validation;
  private final Dataset test;
  // the validation and test features in the backend's memory (accuracy runs GEMMs on them)
  private final DMatrix validationX;
  private final DMatrix testX;
  private final Batch allValidation;
  private final DVector weights;
  private final Algorithms.Defaults defaults;
  private final ClassifierSettings settings;
  private final Map<String, Object> configuration = new LinkedHashMap<>();

  private PoisoningWorkload(Backend backend, WorkloadOptions options,
      ClassificationData.Source source) {
    String data = options.text("data", FashionMnist.DEFAULT_DIRECTORY_NAME);
    int nTrain = options.integer("n_train", 1000, 0);
    int nPoison = options.integer("n_poison", 300, 1);
    int nVal = options.integer("n_val", 1000, 1);
    int nTest = options.integer("n_test", 2000, 1);
    int splitSeed = options.integer("split_seed", 20260101, 0);
    double reg = options.real("reg", DataPoisoning.PAPER_REGULARIZATION, Double.MIN_NORMAL,
        1e12);
    double radius = options.real("radius", DataPoisoning.PAPER_RADIUS, Double.MIN_NORMAL, 1e12);
    settings = ClassifierSettings.read(options, 1e6, 40, 40);
    options.checkAllRead();

    ClassificationData.Source from = source != null ? source
        : ClassificationData.fashionMnist(NAME, Path.of(data));
    ClassificationData loaded = from.load(nTrain + nPoison + nVal, nTest, splitSeed, arena);
    Splits.Split trainVal = Splits.stratifiedSplit(loaded.pool(), nTrain + nPoison, nVal,
        splitSeed, arena);
    Splits.Split cleanPoison = Splits.stratifiedSplit(trainVal.train(), nPoison,
        splitSeed + 1L, arena);
    Dataset clean = cleanPoison.train();
    Dataset poison = cleanPoison.validation();
    validation = trainVal.validation();
    test = loaded.test();
    validationX = ClassifierSettings.onBackend(backend, arena, validation.features());
    testX = ClassifierSettings.onBackend(backend, arena, test.features());
    int classes = clean.classes();
    problem = new DataPoisoning(backend, nTrain == 0 ? null : clean.features(),
        nTrain == 0 ? null : clean.labels(), poison.features(), poison.labels(),
        validation.features(), validation.labels(), classes, reg, radius);
    allValidation = new Batch(nVal).all(nVal);
    weights = backend.vector(arena, problem.lowerDimension());
    defaults = settings.defaults(problem);

    configuration.put("data", source != null ? "synthetic" : data);
    configuration.put("n_train", nTrain);
    configuration.put("n_poison", nPoison);
    configuration.put("n_val", nVal);
    configuration.put("n_test", nTest);
    configuration.put("split_seed", splitSeed);
    configuration.put("reg", reg);
    configuration.put("radius", radius);
    configuration.put("q", problem.contractionConstant().orElseThrow());
    configuration.put("map_step", problem.mapStep());
    settings.describe(configuration);
    try (Arena scratch = Arena.ofConfined()) {
      DVector zero = backend.vector(scratch, problem.upperDimension());
      DataPoisoning.Retraining cleanRun = problem.retrain(zero, testX, test.labels(),
          settings.retrainTolerance(), settings.retrainIterations());
      configuration.put("clean_test_accuracy", cleanRun.testAccuracy());
      configuration.put("clean_retrain", ClassifierSettings.describe(cleanRun.solution()));
    }
  }

  /** The problem (for tests). */
  DataPoisoning problem() {
    return problem;
  }

  @Override
  public int upperDimension() {
    return problem.upperDimension();
  }

  /** {@code δ = 0}, the paper's start. */
  @Override
  public void initialLambda(DVector out) {
    problem.backend().fill(0.0, out);
  }

  @Override
  public UpperLevelMethod<?> method(String algorithm, MethodOverrides overrides) {
    return Algorithms.create(algorithm, problem, defaults, overrides);
  }

  @Override
  public Map<String, Double> evaluate(DVector lambda, boolean last) {
    Map<String, Double> metrics = new LinkedHashMap<>();
    problem.solveLowerLevel(lambda, weights, settings.retrainTolerance(),
        settings.evalIterations());
    metrics.put("ul_objective", problem.objective(weights, lambda, allValidation));
    metrics.put("val_accuracy", problem.accuracy(weights, validationX,
        validation.labels()));
    if (last) {
      DataPoisoning.Retraining poisoned = problem.retrain(lambda, testX,
          test.labels(), settings.retrainTolerance(), settings.retrainIterations());
      metrics.put("test_accuracy", poisoned.testAccuracy());
      configuration.put("poisoned_retrain", ClassifierSettings.describe(poisoned.solution()));
      configuration.put("poisoned_test_accuracy", poisoned.testAccuracy());
    }
    return metrics;
  }

  @Override
  public Map<String, Object> configuration() {
    return configuration;
  }

  @Override
  public void close() {
    problem.close();
    arena.close();
  }
}
