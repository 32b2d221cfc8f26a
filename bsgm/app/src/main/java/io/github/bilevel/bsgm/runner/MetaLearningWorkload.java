package io.github.bilevel.bsgm.runner;

import io.github.bilevel.bsgm.data.Dataset;
import io.github.bilevel.bsgm.SeparableHypergradient;
import io.github.bilevel.bsgm.data.FashionMnist;
import io.github.bilevel.bsgm.problems.FewShotTasks;
import io.github.bilevel.bsgm.problems.MetaLearning;
import io.github.bilevel.bsgm.problems.MetaLearningSource;
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
 * Meta-learning on Fashion-MNIST ({@link MetaLearning}): a shared linear representation
 * {@code R ∈ R^{p×r}} learnt over a seeded pool of N-way K-shot tasks drawn from training
 * images, one softmax head per task as the lower level; evaluated on a pool of tasks drawn from
 * the test images (query accuracy after solving each head from zero). The warm-start variants
 * keep one head per task of the pool, so their memory grows with the number of tasks.
 *
 * <p>Options: {@code data, images, tasks, test_tasks, ways, shots, queries, r, rho, radius, t,
 * k, warm_t, warm_k, batch, alpha, eval_steps}, and {@code block, spark}
 * ({@link ClusterSettings}).
 */
public final class MetaLearningWorkload implements Workload {

  /** The factory ({@code bin/bsgm run meta}). */
  public static final WorkloadFactory FACTORY = new SimpleWorkloadFactory("meta",
      "meta-learning of a shared representation over few-shot Fashion-MNIST tasks", 1_000_000,
      Algorithms.SEPARABLE, ClusterSettings.with(List.of(
          new WorkloadOption("data", FashionMnist.DEFAULT_DIRECTORY_NAME,
              "data directory: Fashion-MNIST IDX files or .npy files (also --data)"),
          new WorkloadOption("images", 20_000, "training images the task pool is drawn from"),
          new WorkloadOption("tasks", 1000, "tasks in the training pool"),
          new WorkloadOption("test_tasks", 100, "tasks drawn from the test images"),
          new WorkloadOption("ways", 5, "classes per task (N-way)"),
          new WorkloadOption("shots", 5, "support examples per class (K-shot)"),
          new WorkloadOption("queries", 15, "query examples per class"),
          new WorkloadOption("r", 32, "representation dimension"),
          new WorkloadOption("rho", 0.1, "regularization of the heads"),
          new WorkloadOption("radius", 3.0, "Frobenius-norm radius of the representation"),
          new WorkloadOption("t", 100, "lower-level steps per task (bsgm)"),
          new WorkloadOption("k", 100, "linear-system steps per task (bsgm)"),
          new WorkloadOption("warm_t", 20, "lower-level steps per task (warm-start variants)"),
          new WorkloadOption("warm_k", 20, "linear-system steps per task (warm-start variants)"),
          new WorkloadOption("batch", 16, "tasks per upper-level step"),
          new WorkloadOption("alpha", 1.0, "upper-level step"),
          new WorkloadOption("eval_steps", 150, "head-solver steps per evaluated task"))),
      (backend, options, seed) -> new MetaLearningWorkload(backend, options));

  private final Arena arena = Arena.ofShared();
  private final MetaLearning train;
  private final MetaLearning test;
  private final int t;
  private final int k;
  private final int warmT;
  private final int warmK;
  private final int batch;
  private final double alpha;
  private final int evaluationSteps;
  private final int block;
  private final IntFunction<SeparableHypergradient> cluster;
  private final Map<String, Object> configuration = new LinkedHashMap<>();

  private MetaLearningWorkload(Backend backend, WorkloadOptions options) {
    Path data = Path.of(options.text("data", FashionMnist.DEFAULT_DIRECTORY_NAME));
    int images = options.integer("images", 20_000, 100);
    int tasks = options.integer("tasks", 1000, 1);
    int testTasks = options.integer("test_tasks", 100, 1);
    int ways = options.integer("ways", 5, 2);
    int shots = options.integer("shots", 5, 1);
    int queries = options.integer("queries", 15, 1);
    int r = options.integer("r", 32, 1);
    double rho = options.real("rho", 0.1, Double.MIN_NORMAL, Double.MAX_VALUE);
    double radius = options.real("radius", 3.0, Double.MIN_NORMAL, Double.MAX_VALUE);
    t = options.integer("t", 100, 0);
    k = options.integer("k", 100, 0);
    warmT = options.integer("warm_t", 20, 0);
    warmK = options.integer("warm_k", 20, 0);
    batch = options.integer("batch", 16, 1);
    alpha = options.real("alpha", 1.0, Double.MIN_NORMAL, Double.MAX_VALUE);
    evaluationSteps = options.integer("eval_steps", 150, 1);
    // the training problem as a recipe: this JVM and a cluster's executors build it alike
    MetaLearningSource source = new MetaLearningSource(data.toString(), images, tasks, ways,
        shots, queries, r, rho, radius);
    block = ClusterSettings.block(options);
    cluster = ClusterSettings.cluster(options, source, backend);
    options.checkAllRead();
    MetaLearningSource.Images sets;
    try {
      sets = source.images(backend, data, arena);
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
    Dataset trainImages = sets.train();
    Dataset testImages = sets.test();
    FewShotTasks held = FewShotTasks.sample(testImages.labels(), testImages.classes(), ways,
        shots, queries, testTasks, 2L);
    train = source.problem(backend, trainImages);
    test = new MetaLearning(backend, testImages.features(), held, r, rho, radius);
    configuration.put("images", trainImages.size());
    configuration.put("tasks", tasks);
    configuration.put("test_tasks (from the test images)", testTasks);
    configuration.put("ways/shots/queries", ways + "/" + shots + "/" + queries);
    configuration.put("r", r);
    configuration.put("rho", rho);
    configuration.put("radius", radius);
    configuration.put("q", train.contractionConstant().orElse(Double.NaN));
    configuration.put("bsgm t, k", t + ", " + k);
    configuration.put("warm-start t, k", warmT + ", " + warmK);
    configuration.put("batch", batch);
    configuration.put("block", block == 0 ? batch : block);
    configuration.put("alpha", alpha);
  }

  @Override
  public int upperDimension() {
    return train.upperDimension();
  }

  @Override
  public void initialLambda(DVector out) {
    train.initialUpper(out, 3L);
  }

  @Override
  public UpperLevelMethod<?> method(String algorithm, MethodOverrides overrides) {
    // the warm variants take fewer steps; ALSET one LL step, ALSET† one LL and one LS step
    boolean cold = algorithm.equals("bsgm");
    int steps = cold ? t : warmT;
    int linear = cold ? k : warmK;
    if (algorithm.equals("alset-dagger")) {
      steps = 1;
      linear = 1;
    } else if (algorithm.equals("alset")) {
      steps = 1;
    }
    return Algorithms.SEPARABLE.create(algorithm, train,
        new Algorithms.SeparableDefaults(steps, linear, 1.0, batch, alpha, block, cluster),
        overrides);
  }

  @Override
  public Map<String, Double> evaluate(DVector lambda, boolean last) {
    MetaLearning.Evaluation held = test.evaluate(lambda, evaluationSteps);
    return Map.of("ul_objective", held.queryLoss(), "test_accuracy", held.queryAccuracy());
  }

  @Override
  public Map<String, Object> configuration() {
    return configuration;
  }

  @Override
  public void close() {
    train.close();
    test.close();
    arena.close();
  }
}
