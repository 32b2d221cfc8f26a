package io.github.bilevel.bsgm.problems;

import io.github.bilevel.bsgm.Bsgm;
import io.github.bilevel.bsgm.IterationSchedule;
import io.github.bilevel.bsgm.SeparableBsgm;
import io.github.bilevel.bsgm.WarmStartStore;
import io.github.bilevel.bsgm.data.Dataset;
import io.github.bilevel.bsgm.data.FashionMnist;
import io.github.bilevel.bsgm.data.Splits;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.Backends;
import io.github.bilevel.kernels.Buffers;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The end-to-end check on Fashion-MNIST (a program, not a test): BSGM with SID on the
 * equilibrium model, then the linear softmax baseline on the same number of example passes.
 * Arguments are {@code key=value}: train, val, d, J, t, k, alpha, seconds, iterations,
 * evalEvery, testSteps, seed, warm (none|states|both), data, linearRates (comma list).
 */
public final class FashionMnistCheck {

  private FashionMnistCheck() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> a = new HashMap<>();
    for (String arg : args) {
      String[] kv = arg.split("=", 2);
      a.put(kv[0], kv[1]);
    }
    int trainSize = Integer.parseInt(a.getOrDefault("train", "10000"));
    int valSize = Integer.parseInt(a.getOrDefault("val", "2000"));
    int d = Integer.parseInt(a.getOrDefault("d", "200"));
    int batch = Integer.parseInt(a.getOrDefault("J", "" + EquilibriumModel.DEFAULT_BATCH));
    int t = Integer.parseInt(a.getOrDefault("t", "" + EquilibriumModel.DEFAULT_SOLVER_STEPS));
    int k = Integer.parseInt(a.getOrDefault("k", "" + EquilibriumModel.DEFAULT_SOLVER_STEPS));
    double alpha = Double.parseDouble(a.getOrDefault("alpha", "" + EquilibriumModel.DEFAULT_STEP));
    double seconds = Double.parseDouble(a.getOrDefault("seconds", "180"));
    int iterations = Integer.parseInt(a.getOrDefault("iterations", "1000000"));
    int evalEvery = Integer.parseInt(a.getOrDefault("evalEvery", "200"));
    int testSteps = Integer.parseInt(a.getOrDefault("testSteps", "20"));
    long seed = Long.parseLong(a.getOrDefault("seed", "1"));
    String warm = a.getOrDefault("warm", "none");
    Path dir = Path.of(a.getOrDefault("data", FashionMnist.DEFAULT_DIRECTORY_NAME));
    String[] rates = a.getOrDefault("linearRates", "0.05,0.1,0.2,0.5,1").split(",");
    boolean linearOnly = a.containsKey("linearOnly");
    long examplesOverride = Long.parseLong(a.getOrDefault("examples", "-1"));

    Backend backend = Backends.preferred();
    System.out.println("backend " + backend.name() + ", " + Runtime.getRuntime()
        .availableProcessors() + " processors");
    try (Arena arena = Arena.ofShared()) {
      Dataset train;
      Dataset val;
      Dataset test;
      long loadStart = System.nanoTime();
      try (Arena full = Arena.ofConfined()) {
        FashionMnist data = FashionMnist.load(dir, full);
        Splits.Split split = Splits.stratifiedSplit(data.train(), trainSize, valSize, seed,
            arena);
        train = split.train();
        val = split.validation();
        test = data.test().select(identity(data.test().size()), arena);
      }
      System.out.printf("loaded in %.1f s: train %d, val %d, test %d%n",
          (System.nanoTime() - loadStart) / 1e9, train.size(), val.size(), test.size());

      long examples = examplesOverride;
      if (!linearOnly) {
        try (EquilibriumModel model = new EquilibriumModel(backend, train, d, batch);
            WarmStartStore store = warm.equals("none") ? null
                : WarmStartStore.forProblem(model, warm.equals("both"));
            SeparableBsgm bsgm = new SeparableBsgm(model, batch, store)) {
          DVector lambda = Buffers.vector(arena, model.upperDimension());
          model.initialize(lambda, seed);
          SeparableBsgm.Options options = new SeparableBsgm.Options(alpha,
              IterationSchedule.fixed(t, k, batch), 1.0, SeparableBsgm.Sampling.EPOCHS,
              iterations).withTimeLimitNanos((long) (seconds * 1e9));
          System.out.printf("BSGM: d = %d, J = %d, t = %d, k = %d, alpha = %g, warm = %s,"
              + " m = %d%s%n", d, batch, t, k, alpha, warm, model.upperDimension(),
              store == null ? "" : ", store " + store.offHeapBytes() / 1e6 + " MB");
          Bsgm.Listener listener = progress -> {
            if ((progress.iteration() + 1) % evalEvery == 0) {
              Evaluation v = model.evaluate(lambda, val, testSteps);
              System.out.printf("  s = %6d  %7.1f s  samples %.3e  batch CE %.4f  ‖ĥ‖ %.3e"
                  + "  val CE %.4f acc %.4f  ‖A‖₂ ≈ %.3f  clipped %d%n", progress.iteration() + 1,
                  progress.seconds(), (double) progress.samples(), progress.upperObjective(),
                  progress.hypergradientNorm(), v.loss(), v.accuracy(),
                  spectralNorm(model.layout().stateWeights(lambda).toArray(), d),
                  model.projector().lastClipped());
            }
          };
          Bsgm.Result result = bsgm.run(lambda, options, new SplittableRandom(seed), listener);
          Evaluation testEval = model.evaluate(lambda, test, testSteps);
          Evaluation trainEval = model.evaluate(lambda, train, testSteps);
          Evaluation valEval = model.evaluate(lambda, val, testSteps);
          examples = (long) result.iterations() * batch;
          System.out.printf("BSGM stopped (%s) after %d iterations, %d example passes,"
              + " %.3e samples, %d Jacobi sweeps%n", result.stoppedBecause(),
              result.iterations(), examples, (double) result.samples(),
              model.projector().sweeps());
          System.out.printf("BSGM equilibrium model: train acc %.4f (CE %.4f), val acc %.4f,"
              + " test acc %.4f (CE %.4f)%n", trainEval.accuracy(), trainEval.loss(),
              valEval.accuracy(), testEval.accuracy(), testEval.loss());
        }
      }

      // the linear baseline on the same number of example passes, rate chosen on validation
      double bestVal = -1;
      double bestRate = Double.NaN;
      Evaluation bestTest = null;
      for (String r : rates) {
        double rate = Double.parseDouble(r);
        try (LinearSoftmax linear = new LinearSoftmax(backend, train.featureCount(),
            train.classes())) {
          LinearSoftmax.Result result = linear.train(train,
              new LinearSoftmax.Options(rate, batch, examples, 0.0, seed));
          Evaluation v = linear.evaluate(val);
          Evaluation te = linear.evaluate(test);
          System.out.printf("linear softmax SGD: rate %g, batch %d, %d example passes"
              + " (%.1f s): train acc %.4f, val acc %.4f, test acc %.4f%n", rate, batch,
              result.examples(), result.seconds(), linear.evaluate(train).accuracy(),
              v.accuracy(), te.accuracy());
          if (v.accuracy() > bestVal) {
            bestVal = v.accuracy();
            bestRate = rate;
            bestTest = te;
          }
        }
      }
      System.out.printf("linear softmax (rate %g chosen on validation): test acc %.4f%n",
          bestRate, bestTest.accuracy());
    }
  }

  /** ‖A‖₂ estimated by 100 power iterations on AᵀA (for the log only). */
  static double spectralNorm(double[] a, int d) {
    double[] v = new double[d];
    java.util.Arrays.fill(v, 1.0 / Math.sqrt(d));
    double sigma = 0;
    for (int iter = 0; iter < 100; iter++) {
      double[] av = new double[d];
      for (int i = 0; i < d; i++) {
        for (int j = 0; j < d; j++) {
          av[i] += a[i * d + j] * v[j];
        }
      }
      double[] atav = new double[d];
      for (int i = 0; i < d; i++) {
        for (int j = 0; j < d; j++) {
          atav[j] += a[i * d + j] * av[i];
        }
      }
      double norm = 0;
      for (double e : atav) {
        norm += e * e;
      }
      norm = Math.sqrt(norm);
      if (norm == 0) {
        return 0;
      }
      for (int j = 0; j < d; j++) {
        v[j] = atav[j] / norm;
      }
      sigma = Math.sqrt(norm);
    }
    return sigma;
  }

  private static int[] identity(int n) {
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      out[i] = i;
    }
    return out;
  }
}
