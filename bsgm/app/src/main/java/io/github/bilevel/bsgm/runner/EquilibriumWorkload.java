package io.github.bilevel.bsgm.runner;

import io.github.bilevel.bsgm.data.Dataset;
import io.github.bilevel.bsgm.SeparableHypergradient;
import io.github.bilevel.bsgm.data.FashionMnist;
import io.github.bilevel.bsgm.problems.EquilibriumModel;
import io.github.bilevel.bsgm.problems.EquilibriumSource;
import io.github.bilevel.bsgm.problems.Evaluation;
import io.github.bilevel.bsgm.problems.LinearSoftmax;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.DVector;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * The equilibrium model on Fashion-MNIST ({@link EquilibriumModel}, main seed §7.1): per image a
 * state {@code z = tanh(A z + B x + c)}, classes from {@code D z + b}; the upper level learns
 * {@code λ = (A, B, c, D, b)} with {@code ‖A‖₂ ≤ 0.5}. Each image is a lower-level task, solved
 * deterministically by KM steps of step 1. Evaluations report validation accuracy; the last one
 * the accuracy on the whole test set. The baseline {@code linear-softmax} is a linear softmax
 * classifier trained by minibatch SGD on as many example gradients as the bilevel run used
 * samples.
 *
 * <p>Options: {@code data, n_train, n_val, d, t, k, batch, alpha, forward_steps, linear_rate},
 * and {@code block, spark} ({@link ClusterSettings}).
 */
public final class EquilibriumWorkload implements Workload {

  /** The factory ({@code bin/bsgm run equilibrium}). */
  public static final WorkloadFactory FACTORY = new SimpleWorkloadFactory("equilibrium",
      "equilibrium model (fixed-point tanh layer) on Fashion-MNIST, vs a linear softmax",
      3_000_000, Algorithms.SEPARABLE, ClusterSettings.with(List.of(
          new WorkloadOption("data", FashionMnist.DEFAULT_DIRECTORY_NAME,
              "data directory: Fashion-MNIST IDX files or .npy files (also --data)"),
          new WorkloadOption("n_train", 10_000, "training images (lower-level tasks)"),
          new WorkloadOption("n_val", 2_000, "validation images (the upper objective)"),
          new WorkloadOption("d", EquilibriumModel.DEFAULT_STATE_DIMENSION, "state dimension"),
          new WorkloadOption("t", EquilibriumModel.DEFAULT_SOLVER_STEPS,
              "lower-level KM steps per image"),
          new WorkloadOption("k", EquilibriumModel.DEFAULT_SOLVER_STEPS,
              "linear-system steps per image"),
          new WorkloadOption("batch", EquilibriumModel.DEFAULT_BATCH,
              "images per upper-level step"),
          new WorkloadOption("alpha", EquilibriumModel.DEFAULT_STEP, "upper-level step"),
          new WorkloadOption("forward_steps", EquilibriumModel.DEFAULT_FORWARD_STEPS,
              "KM steps of the evaluations' forward pass"),
          new WorkloadOption("linear_rate", 0.05, "SGD step of the linear-softmax baseline"))),
      EquilibriumWorkload::new);

  private final Backend backend;
  private final Arena arena = Arena.ofShared();
  private final Dataset train;
  private final Dataset validation;
  private final Dataset test;
  private final EquilibriumModel model;
  private final int t;
  private final int k;
  private final int batch;
  private final double alpha;
  private final int forwardSteps;
  private final double linearRate;
  private final long seed;
  private final int block;
  private final IntFunction<SeparableHypergradient> cluster;
  private final Map<String, Object> configuration = new LinkedHashMap<>();

  private EquilibriumWorkload(Backend backend, WorkloadOptions options, long seed) {
    this.backend = backend;
    this.seed = seed;
    Path data = Path.of(options.text("data", FashionMnist.DEFAULT_DIRECTORY_NAME));
    int nTrain = options.integer("n_train", 10_000, 10);
    int nValidation = options.integer("n_val", 2_000, 10);
    int d = options.integer("d", EquilibriumModel.DEFAULT_STATE_DIMENSION, 1);
    t = options.integer("t", EquilibriumModel.DEFAULT_SOLVER_STEPS, 0);
    k = options.integer("k", EquilibriumModel.DEFAULT_SOLVER_STEPS, 0);
    batch = options.integer("batch", EquilibriumModel.DEFAULT_BATCH, 1);
    alpha = options.real("alpha", EquilibriumModel.DEFAULT_STEP, Double.MIN_NORMAL, Double.MAX_VALUE);
    forwardSteps = options.integer("forward_steps", EquilibriumModel.DEFAULT_FORWARD_STEPS, 1);
    linearRate = options.real("linear_rate", 0.05, Double.MIN_NORMAL, Double.MAX_VALUE);
    // the training problem as a recipe: this JVM and a cluster's executors build it alike
    EquilibriumSource source = new EquilibriumSource(data.toString(), nTrain, nValidation, d,
        Math.max(batch, 1000));
    block = ClusterSettings.block(options);
    cluster = ClusterSettings.cluster(options, source, backend);
    options.checkAllRead();
    try {
      EquilibriumSource.Sets sets = source.sets(data, arena);
      train = sets.train();
      validation = sets.validation();
      test = sets.test();
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
    model = source.problem(backend, train);
    configuration.put("n_train", train.size());
    configuration.put("n_val", validation.size());
    configuration.put("n_test", test.size());
    configuration.put("d", d);
    configuration.put("q", model.contractionConstant().orElse(Double.NaN));
    configuration.put("t, k", t + ", " + k);
    configuration.put("batch", batch);
    configuration.put("block", block == 0 ? batch : block);
    configuration.put("alpha", alpha);
    configuration.put("forward_steps", forwardSteps);
  }

  @Override
  public int upperDimension() {
    return model.upperDimension();
  }

  @Override
  public void initialLambda(DVector out) {
    model.initialize(out, 1L);
  }

  @Override
  public UpperLevelMethod<?> method(String algorithm, MethodOverrides overrides) {
    return Algorithms.SEPARABLE.create(algorithm, model,
        new Algorithms.SeparableDefaults(t, k, 1.0, batch, alpha, block, cluster), overrides);
  }

  @Override
  public Map<String, Double> evaluate(DVector lambda, boolean last) {
    Map<String, Double> metrics = new LinkedHashMap<>();
    Evaluation onValidation = model.evaluate(lambda, validation, forwardSteps);
    metrics.put("ul_objective", onValidation.loss());
    metrics.put("val_accuracy", onValidation.accuracy());
    if (last) {
      metrics.put("test_accuracy", model.evaluate(lambda, test, forwardSteps).accuracy());
    }
    return metrics;
  }

  @Override
  public String baselineName() {
    return "linear-softmax";
  }

  @Override
  public Map<String, Double> baseline(long samples) {
    try (LinearSoftmax linear = new LinearSoftmax(backend, train.featureCount(),
        train.classes())) {
      linear.train(train, new LinearSoftmax.Options(linearRate, batch, samples, 0.0, seed));
      Map<String, Double> metrics = new LinkedHashMap<>();
      Evaluation onValidation = linear.evaluate(validation);
      metrics.put("ul_objective", onValidation.loss());
      metrics.put("val_accuracy", onValidation.accuracy());
      metrics.put("test_accuracy", linear.evaluate(test).accuracy());
      return metrics;
    }
  }

  @Override
  public Map<String, Object> configuration() {
    return configuration;
  }

  @Override
  public void close() {
    model.close();
    arena.close();
  }
}
