package io.github.bilevel.bsgm.runner;

import io.github.bilevel.bsgm.data.Dataset;
import io.github.bilevel.bsgm.data.FashionMnist;
import io.github.bilevel.bsgm.data.Splits;
import io.github.bilevel.bsgm.problems.DataPoisoning;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
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
public final class PoisoningWorkload extends ClassifierWorkload<DataPoisoning> {

  /** The workload's name. */
  public static final String NAME = "poisoning";

  private static final List<WorkloadOption> OPTIONS = ClassifierSettings.options(List.of(
      new WorkloadOption("data", FashionMnist.DEFAULT_DIRECTORY_NAME,
          "data directory: Fashion-MNIST IDX files or .npy files (also --data)"),
      new WorkloadOption("n_train", 1000, "clean training images"),
      new WorkloadOption("n_poison", 300, "poisoned training images"),
      new WorkloadOption("n_val", 1000, "validation images"),
      new WorkloadOption("n_test", 2000, "test images"),
      new WorkloadOption("split_seed", 20260101, "seed of the subsets, the same for every run"),
      new WorkloadOption("reg", DataPoisoning.PAPER_REGULARIZATION,
          "the classifier's regularization c"),
      new WorkloadOption("radius", DataPoisoning.PAPER_RADIUS,
          "bound r on each perturbation's norm")), 1e6, 40, 40);

  /** The factory ({@code bin/bsgm run poisoning}), reading Fashion-MNIST. */
  public static final WorkloadFactory FACTORY = factory(null);

  /**
   * The factory on {@code source}, or Fashion-MNIST from the {@code data} option when null
   * (tests give small synthetic data).
   */
  static WorkloadFactory factory(ClassificationData.Source source) {
    return new SimpleWorkloadFactory(NAME, "data poisoning of a softmax classifier on"
        + " Fashion-MNIST (retrained test accuracy, clean vs poisoned)", DEFAULT_BUDGET,
        Algorithms.CONTRACTION, OPTIONS, (backend, options, seed) -> new PoisoningWorkload(backend,
        options, source));
  }

  static final long DEFAULT_BUDGET = 1_000_000;

  private PoisoningWorkload(Backend backend, WorkloadOptions options,
      ClassificationData.Source source) {
    // the options, one read each with its own default: alike CleaningWorkload's by shape only
    String data = options.text("data", FashionMnist.DEFAULT_DIRECTORY_NAME);
    int nTrain = options.integer("n_train", 1000, 0);
    int nPoison = options.integer("n_poison", 300, 1);
    int nVal = options.integer("n_val", 1000, 1);
    int nTest = options.integer("n_test", 2000, 1);
    int splitSeed = options.integer("split_seed", 20260101, 0);
    double reg = options.real("reg", DataPoisoning.PAPER_REGULARIZATION, Double.MIN_NORMAL,
        1e12);
    double radius = options.real("radius", DataPoisoning.PAPER_RADIUS, Double.MIN_NORMAL, 1e12);
    ClassifierSettings settings = ClassifierSettings.read(options, 1e6, 40, 40);
    options.checkAllRead();

    Arena arena = Arena.ofShared();
    ClassificationData.Source from = source != null ? source
        : ClassificationData.fashionMnist(NAME, Path.of(data));
    int pool = AllocationLimits.exampleCount("-o n_train=" + nTrain + ", n_poison=" + nPoison
        + ", n_val=" + nVal, "the example pool (n_train + n_poison + n_val)", nTrain, nPoison,
        nVal);
    ClassificationData loaded = from.load(pool, nTest, splitSeed, arena);
    Splits.Split trainVal = Splits.stratifiedSplit(loaded.pool(), nTrain + nPoison, nVal,
        splitSeed, arena);
    Splits.Split cleanPoison = Splits.stratifiedSplit(trainVal.train(), nPoison,
        splitSeed + 1L, arena);
    Dataset clean = cleanPoison.train();
    Dataset poison = cleanPoison.validation();
    Dataset validation = trainVal.validation();
    DataPoisoning problem = new DataPoisoning(backend, nTrain == 0 ? null : clean.features(),
        nTrain == 0 ? null : clean.labels(), poison.features(), poison.labels(),
        validation.features(), validation.labels(), clean.classes(), reg, radius);

    LinkedHashMap<String, Object> configuration = new LinkedHashMap<>();
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
    super(arena, problem, problem::close, problem::solveLowerLevel, problem::accuracy,
        validation, loaded.test(), settings, configuration);
    atZero(zero -> {
      DataPoisoning.Retraining cleanRun = problem.retrain(zero, testX, test.labels(),
          settings.retrainTolerance(), settings.retrainIterations());
      configuration.put("clean_test_accuracy", cleanRun.testAccuracy());
      configuration.put("clean_retrain", ClassifierSettings.describe(cleanRun.solution()));
    });
  }

  /** Retrains from scratch on the poisoned set to {@code retrain_tol} for {@code test_accuracy}. */
  @Override
  void evaluateLast(DVector lambda, Map<String, Double> metrics) {
    DataPoisoning.Retraining poisoned = problem().retrain(lambda, testX,
        test.labels(), settings.retrainTolerance(), settings.retrainIterations());
    metrics.put("test_accuracy", poisoned.testAccuracy());
    configuration.put("poisoned_retrain", ClassifierSettings.describe(poisoned.solution()));
    configuration.put("poisoned_test_accuracy", poisoned.testAccuracy());
  }
}
