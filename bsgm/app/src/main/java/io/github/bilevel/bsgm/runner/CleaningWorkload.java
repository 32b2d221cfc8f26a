package io.github.bilevel.bsgm.runner;

import io.github.bilevel.bsgm.data.Dataset;
import io.github.bilevel.bsgm.data.FashionMnist;
import io.github.bilevel.bsgm.data.Splits;
import io.github.bilevel.bsgm.problems.CorruptedLabels;
import io.github.bilevel.bsgm.problems.HyperCleaning;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Data hyper-cleaning of a linear softmax classifier on Fashion-MNIST ({@link HyperCleaning})
 * as a workload: a fraction {@code rate} of the {@code n_train} training labels is corrupted
 * ({@link CorruptedLabels}), and the upper level learns per-example weights {@code σ(λ_i)} so
 * that the classifier does well on {@code n_val} clean validation images.
 *
 * <p>The instance (stratified subsets drawn, and labels corrupted, with {@code split_seed}) is
 * the same for every run seed: the run seed drives the algorithm's samples only.
 *
 * <p>Metrics: every evaluation solves the lower level from {@code W = 0} with at most
 * {@code eval_iters} accelerated gradient steps and reports {@code ul_objective}
 * ({@code CE(X_val W, y_val)}) and {@code val_accuracy} of that classifier; the last evaluation
 * retrains to {@code ‖∇_W g‖ ≤ retrain_tol} (at most {@code retrain_iters} steps) and reports
 * that classifier's {@code test_accuracy}. (The early-stopped classifier of the cheap solve is
 * not reported on the test set: stopping early regularizes against the corrupted labels, so its
 * test accuracy, about 0.77 on the defaults, is not that of the trained classifier, about 0.73,
 * and the two would not be comparable along a curve.) The
 * configuration holds the test accuracy of the classifier trained on the corrupted labels with
 * equal weights ({@code λ = 0}), {@code unweighted_test_accuracy}, and, after the last
 * evaluation, the fraction of corrupted examples flagged ({@code σ(λ_i) < ½}),
 * {@code corrupted_flagged}, and of clean ones kept, {@code clean_kept}.
 *
 * <p>Options: {@code data, n_train, n_val, n_test, split_seed, rate, reg} ({@code c}), the
 * algorithms' defaults {@code alpha, t, k, J, lower_batch, km_step}, and
 * {@code eval_iters, retrain_tol, retrain_iters}.
 */
public final class CleaningWorkload extends ClassifierWorkload<HyperCleaning> {

  /** The workload's name. */
  public static final String NAME = "cleaning";

  private static final List<WorkloadOption> OPTIONS = ClassifierSettings.options(List.of(
      new WorkloadOption("data", FashionMnist.DEFAULT_DIRECTORY_NAME,
          "data directory: Fashion-MNIST IDX files or .npy files (also --data)"),
      new WorkloadOption("n_train", 2000, "training images (their labels are corrupted)"),
      new WorkloadOption("n_val", 1000, "validation images (clean labels)"),
      new WorkloadOption("n_test", 2000, "test images"),
      new WorkloadOption("split_seed", 20260101, "seed of the subsets, the same for every run"),
      new WorkloadOption("rate", 0.5, "fraction of training labels replaced at random"),
      new WorkloadOption("reg", 1e-3, "the classifier's regularization c")), 1000.0, 20, 20);

  /** The factory ({@code bin/bsgm run cleaning}), reading Fashion-MNIST. */
  public static final WorkloadFactory FACTORY = factory(null);

  static final long DEFAULT_BUDGET = 1_000_000;

  /** The factory on {@code source}, or Fashion-MNIST from the {@code data} option when null. */
  static WorkloadFactory factory(ClassificationData.Source source) {
    return new SimpleWorkloadFactory(NAME, "hyper-cleaning of corrupted labels on Fashion-MNIST"
        + " (test accuracy, fraction of corrupted labels flagged)", DEFAULT_BUDGET,
        Algorithms.CONTRACTION, OPTIONS, (backend, options, seed) -> new CleaningWorkload(backend,
        options, source));
  }

  private final boolean[] corrupted;

  private CleaningWorkload(Backend backend, WorkloadOptions options,
      ClassificationData.Source source) {
    // the options, one read each with its own default: alike PoisoningWorkload's by shape only
    String data = options.text("data", FashionMnist.DEFAULT_DIRECTORY_NAME);
    int nTrain = options.integer("n_train", 2000, 1);
    int nVal = options.integer("n_val", 1000, 1);
    int nTest = options.integer("n_test", 2000, 1);
    int splitSeed = options.integer("split_seed", 20260101, 0);
    double rate = options.real("rate", 0.5, 0.0, 1.0);
    double reg = options.real("reg", 1e-3, Double.MIN_NORMAL, 1e12);
    ClassifierSettings settings = ClassifierSettings.read(options, 1000.0, 20, 20);
    options.checkAllRead();

    Arena arena = Arena.ofShared();
    ClassificationData.Source from = source != null ? source
        : ClassificationData.fashionMnist(NAME, Path.of(data));
    ClassificationData loaded = from.load(AllocationLimits.exampleCount(
        "-o n_train=" + nTrain + ", n_val=" + nVal, "the example pool (n_train + n_val)", nTrain,
        nVal), nTest, splitSeed, arena);
    Splits.Split split = Splits.stratifiedSplit(loaded.pool(), nTrain, nVal, splitSeed, arena);
    Dataset train = split.train();
    Dataset validation = split.validation();
    CorruptedLabels corruption = CorruptedLabels.corrupt(train.labels(), train.classes(), rate,
        splitSeed + 2L);
    HyperCleaning problem = new HyperCleaning(backend, train.features(), corruption.labels(),
        validation.features(), validation.labels(), train.classes(), reg);

    LinkedHashMap<String, Object> configuration = new LinkedHashMap<>();
    configuration.put("data", source != null ? "synthetic" : data);
    configuration.put("n_train", nTrain);
    configuration.put("n_val", nVal);
    configuration.put("n_test", nTest);
    configuration.put("split_seed", splitSeed);
    configuration.put("rate", rate);
    configuration.put("corrupted", corruption.count());
    configuration.put("reg", reg);
    configuration.put("q", problem.contractionConstant().orElseThrow());
    configuration.put("map_step", problem.mapStep());
    super(arena, problem, problem::close, problem::solveLowerLevel, problem::accuracy,
        validation, loaded.test(), settings, configuration);
    corrupted = corruption.corrupted();
    atZero(zero -> {
      HyperCleaning.CleaningReport unweighted = problem.report(zero, corrupted,
          testX, test.labels(), settings.retrainTolerance(),
          settings.retrainIterations());
      configuration.put("unweighted_test_accuracy", unweighted.testAccuracy());
      configuration.put("unweighted_retrain",
          ClassifierSettings.describe(unweighted.solution()));
    });
  }

  /** Which training labels were corrupted (for tests). */
  boolean[] corrupted() {
    return corrupted.clone();
  }

  /**
   * Retrains to {@code retrain_tol} for {@code test_accuracy}, and records the fractions of
   * corrupted examples flagged and of clean ones kept.
   */
  @Override
  void evaluateLast(DVector lambda, Map<String, Double> metrics) {
    HyperCleaning.CleaningReport report = problem().report(lambda, corrupted, testX,
        test.labels(), settings.retrainTolerance(), settings.retrainIterations());
    metrics.put("test_accuracy", report.testAccuracy());
    configuration.put("corrupted_flagged", report.corruptedFlagged());
    configuration.put("clean_kept", report.cleanKept());
    configuration.put("final_retrain", ClassifierSettings.describe(report.solution()));
  }
}
