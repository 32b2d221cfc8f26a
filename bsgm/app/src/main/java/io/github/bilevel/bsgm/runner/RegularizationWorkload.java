package io.github.bilevel.bsgm.runner;

import io.github.bilevel.bsgm.IterationSchedule;
import io.github.bilevel.bsgm.KmSteps;
import io.github.bilevel.bsgm.io.Npy;
import io.github.bilevel.bsgm.problems.RegularizationSelection;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.DVector;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * benchopt's regularization selection ({@link RegularizationSelection}, its {@code ijcnn1} and
 * {@code covtype} datasets) as a workload: per-feature L2 weights {@code e^{λ_j}} of a binary
 * logistic regression, chosen for the validation log-loss. The data are the user's
 * {@code .npy} files ({@code train_x}, {@code train_y}, {@code val_x}, {@code val_y}; labels all
 * in {@code {−1, 1}} or all in {@code {0, 1}}, 0 read as −1) or, when none is given, a seeded
 * generated data set. Evaluations solve the lower level by Newton's method: {@code ul_objective}
 * is {@code f(λ) = F(w*(λ))}, {@code stationarity} is {@code ‖∇f(λ)‖} (exact up to the Newton
 * solve's {@code 1e-12} tolerance), {@code train_accuracy} and {@code val_accuracy} those of
 * {@code w*(λ)}. The start is benchopt's {@code λ_j = log u_j}, {@code u_j} uniform on (0, 1)
 * from the run's seed, clipped to the box.
 */
public final class RegularizationWorkload implements Workload {

  /** The factory ({@code bin/bsgm run regularization}). */
  public static final WorkloadFactory FACTORY = new SimpleWorkloadFactory("regularization",
      "benchopt's regularization selection: per-feature L2 weights exp(λ_j) of a logistic"
          + " regression, validation log-loss (ijcnn1, covtype as .npy)", 200_000,
      Algorithms.BILEVEL, List.of(
          new WorkloadOption("train_x", "", "training features, .npy n × p (empty: generated)"),
          new WorkloadOption("train_y", "", "training labels, .npy, in {-1, 1} or {0, 1}"),
          new WorkloadOption("val_x", "", "validation features, .npy n_v × p"),
          new WorkloadOption("val_y", "", "validation labels, .npy, in {-1, 1} or {0, 1}"),
          new WorkloadOption("n_train", 1000, "generated training examples"),
          new WorkloadOption("n_val", 500, "generated validation examples"),
          new WorkloadOption("features", 22, "generated features p"),
          new WorkloadOption("data_seed", 20261203, "seed of the generated data set"),
          new WorkloadOption("reg_min", -6.0, "lower end of each λ_j (log of the weight)"),
          new WorkloadOption("reg_max", 2.0, "upper end of each λ_j (log of the weight)")),
      RegularizationWorkload::new);

  private static final List<String> FILES = List.of("train_x", "train_y", "val_x", "val_y");

  private final RegularizationSelection problem;
  private final long seed;
  private final Map<String, Object> configuration = new LinkedHashMap<>();

  private RegularizationWorkload(Backend backend, WorkloadOptions options, long seed) {
    Map<String, String> paths = new LinkedHashMap<>();
    for (String key : FILES) {
      paths.put(key, options.text(key, ""));
    }
    int nTrain = options.integer("n_train", 1000, 1);
    int nVal = options.integer("n_val", 500, 1);
    int features = options.integer("features", 22, 1);
    int dataSeed = options.integer("data_seed", 20261203, 0);
    double regMin = options.real("reg_min", -6.0, -700, 700);
    double regMax = options.real("reg_max", 2.0, regMin, 700);
    options.checkAllRead();
    this.seed = seed;
    List<String> missing = new ArrayList<>();
    paths.forEach((key, path) -> {
      if (path.isEmpty()) {
        missing.add(key);
      }
    });
    if (missing.size() == FILES.size()) {
      String sizes = "-o n_train=" + nTrain + ", n_val=" + nVal + ", features=" + features;
      AllocationLimits.exampleCount(sizes, "training and validation examples", nTrain, nVal);
      AllocationLimits.arrayDoubles(sizes, "the training features", nTrain, features);
      AllocationLimits.arrayDoubles(sizes, "the validation features", nVal, features);
      SplittableRandom random = new SplittableRandom(dataSeed);
      // half the features carry the signal: a per-feature penalty has something to select
      double[] truth = new double[features];
      for (int j = 0; j < features; j++) {
        truth[j] = j < (features + 1) / 2 ? random.nextGaussian() : 0;
      }
      double[] x = gaussian(random, nTrain * features);
      double[] xv = gaussian(random, nVal * features);
      problem = new RegularizationSelection(backend, x, labels(random, x, truth, nTrain), xv,
          labels(random, xv, truth, nVal), features, regMin, regMax);
      configuration.put("data", "generated");
      configuration.put("n_train", nTrain);
      configuration.put("n_val", nVal);
      configuration.put("features", features);
      configuration.put("data_seed", dataSeed);
    } else if (!missing.isEmpty()) {
      throw new IllegalArgumentException("regularization reads its data from all four of "
          + String.join(", ", FILES) + " (or generates it when none is given); missing: "
          + String.join(", ", missing));
    } else {
      try {
        Npy.Array x = Npy.readMatrix(Path.of(paths.get("train_x")));
        double[] y = Npy.readVector(Path.of(paths.get("train_y")));
        Npy.Array xv = Npy.readMatrix(Path.of(paths.get("val_x")));
        double[] yv = Npy.readVector(Path.of(paths.get("val_y")));
        if (x.rows() != y.length || xv.rows() != yv.length || x.cols() != xv.cols()) {
          throw new IllegalArgumentException("regularization: train_x is " + x.shapeText()
              + " with " + y.length + " train_y labels, val_x is " + xv.shapeText() + " with "
              + yv.length + " val_y labels; need one label per row and the same features");
        }
        problem = new RegularizationSelection(backend, x.values(),
            RegularizationSelection.signedLabels("train_y", y), xv.values(),
            RegularizationSelection.signedLabels("val_y", yv), x.cols(), regMin, regMax);
        configuration.putAll(paths);
        configuration.put("n_train", x.rows());
        configuration.put("n_val", xv.rows());
        configuration.put("features", x.cols());
      } catch (IOException e) {
        throw new UncheckedIOException("regularization: " + e.getMessage(), e);
      }
    }
    configuration.put("reg_min", regMin);
    configuration.put("reg_max", regMax);
    configuration.put("map_step", problem.mapStep());
    configuration.put("q", problem.contractionConstant().orElseThrow());
    configuration.put("sample_residual_lipschitz",
        problem.sampleResidualLipschitz().orElseThrow());
  }

  private static double[] gaussian(SplittableRandom random, int n) {
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = random.nextGaussian();
    }
    return out;
  }

  /** {@code sign(xᵀtruth + ε)}, {@code ε} standard Gaussian, as ±1. */
  private static double[] labels(SplittableRandom random, double[] x, double[] truth, int n) {
    int p = truth.length;
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      double z = random.nextGaussian();
      for (int j = 0; j < p; j++) {
        z += x[i * p + j] * truth[j];
      }
      y[i] = z > 0 ? 1 : -1;
    }
    return y;
  }

  @Override
  public int upperDimension() {
    return problem.upperDimension();
  }

  /** benchopt's {@code log u}, {@code u ~ U(0, 1)} per feature, from the run's seed, clipped. */
  @Override
  public void initialLambda(DVector out) {
    SplittableRandom random = new SplittableRandom(seed);
    for (int j = 0; j < out.length(); j++) {
      double u = 1 - random.nextDouble(); // in (0, 1]
      out.set(j, Math.clamp(Math.log(u), problem.lambdaMin(), problem.lambdaMax()));
    }
  }

  /**
   * Defaults in benchopt's shape: batches of 64, the constant KM step {@code min(1, 1/L̂)}, the
   * decreasing steps of {@link KmSteps#defaults}, upper step {@code α = 1} (the hypergradient in
   * {@code λ} is small: it scales with {@code e^{λ_j} w_j v_j}).
   */
  @Override
  public UpperLevelMethod<?> method(String algorithm, MethodOverrides overrides) {
    double constant = Math.min(1.0, 1.0 / problem.sampleResidualLipschitz().orElseThrow());
    return Algorithms.create(algorithm, problem, new Algorithms.Defaults(1.0, 10, 10, 64,
        IterationSchedule.theorem16(), KmSteps.defaults(problem).schedule(), constant, 1),
        overrides);
  }

  @Override
  public Map<String, Double> evaluate(DVector lambda, boolean last) {
    double[] at = lambda.toArray();
    double[] w = problem.exactLowerSolution(at);
    double[] gradient = problem.exactHypergradient(at);
    double norm = 0;
    for (double g : gradient) {
      norm += g * g;
    }
    return Map.of("stationarity", Math.sqrt(norm), "ul_objective", problem.validationLoss(w),
        "train_accuracy", problem.accuracy(w, false), "val_accuracy", problem.accuracy(w, true));
  }

  @Override
  public Map<String, Object> configuration() {
    return configuration;
  }

  @Override
  public void close() {
    problem.close();
  }
}
