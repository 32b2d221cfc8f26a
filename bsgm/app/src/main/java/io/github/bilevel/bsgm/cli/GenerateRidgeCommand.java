package io.github.bilevel.bsgm.cli;

import io.github.bilevel.bsgm.io.Npy;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bsgm generate ridge}, the command {@code generate} with its one problem so far
 * ({@link ProblemName}): a well-conditioned synthetic per-feature ridge problem. Features
 * are independent standard Gaussians (so {@code XᵀX/n} is close to the identity when
 * {@code n ≫ p}); the true weights are sparse (a quarter of the features, at least one, get
 * ±1 to ±2); targets are {@code x_iᵀw + noise·ε_i}; the starting {@code λ} is constant.
 */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Writes a synthetic problem as .npy files, to try the other commands on.",
        "ridge: a per-feature ridge problem, to DIR: train-x.npy (n × p),"
            + " train-y.npy (n), val-x.npy (n_v × p), val-y.npy (n_v), lambda.npy (p), and"
            + " the true weights true-w.npy (p).",
        "Gaussian features, a sparse true w, Gaussian noise on the targets."})
final class GenerateRidgeCommand extends ProblemCommand {

  // picocli option declarations, one annotated field each: alike other commands' by shape only.
  @Option(names = "--n", defaultValue = "500", paramLabel = "N",
      description = "Training rows (default: ${DEFAULT-VALUE}).")
  int n;

  @Option(names = "--nv", defaultValue = "200", paramLabel = "NV",
      description = "Validation rows (default: ${DEFAULT-VALUE}).")
  int nv;

  @Option(names = "--p", defaultValue = "20", paramLabel = "P",
      description = "Features (default: ${DEFAULT-VALUE}).")
  int p;

  @Option(names = "--noise", defaultValue = "0.5", paramLabel = "S",
      description = "Standard deviation of the target noise (default: ${DEFAULT-VALUE}).")
  double noise;

  @Option(names = "--lambda-init", defaultValue = "1.0", paramLabel = "L",
      description = "The value of every entry of lambda.npy (default: ${DEFAULT-VALUE}).")
  double lambdaInit;

  @Option(names = "--seed", required = true, paramLabel = "S", description = "Random seed.")
  long seed;

  @Option(names = "--out", required = true, paramLabel = "DIR",
      description = "Directory to write to (created if needed).")
  Path out;

  @Override
  public Integer call() throws IOException {
    if (n < 1 || nv < 1 || p < 1) {
      throw new IllegalArgumentException("--n, --nv and --p must be >= 1, got " + n + ", " + nv
          + ", " + p);
    }
    if ((long) n * p > Integer.MAX_VALUE - 8 || (long) nv * p > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("n·p and n_v·p must fit in one Java array, got "
          + (long) n * p + " and " + (long) nv * p);
    }
    if (!(noise >= 0) || Double.isInfinite(noise)) {
      throw new IllegalArgumentException("--noise must be finite and >= 0, got " + noise);
    }
    if (!(lambdaInit > 0) || Double.isInfinite(lambdaInit)) {
      throw new IllegalArgumentException("--lambda-init must be finite and > 0, got "
          + lambdaInit);
    }
    if (Files.exists(out) && !Files.isDirectory(out)) {
      throw new IllegalArgumentException("--out " + out + " exists and is not a directory");
    }
    SplittableRandom random = new SplittableRandom(seed);
    double[] w = new double[p];
    int nonZero = Math.max(1, p / 4);
    int[] order = new int[p];
    for (int j = 0; j < p; j++) {
      order[j] = j;
    }
    for (int j = 0; j < nonZero; j++) { // partial Fisher–Yates: the support
      int pick = j + random.nextInt(p - j);
      int swap = order[j];
      order[j] = order[pick];
      order[pick] = swap;
      w[order[j]] = (random.nextBoolean() ? 1 : -1) * (1 + random.nextDouble());
    }
    double[] x = new double[n * p];
    double[] y = new double[n];
    double[] xv = new double[nv * p];
    double[] yv = new double[nv];
    fill(random, x, y, w, n);
    fill(random, xv, yv, w, nv);
    double[] lambda = new double[p];
    java.util.Arrays.fill(lambda, lambdaInit);
    Files.createDirectories(out);
    Npy.writeMatrix(out.resolve("train-x.npy"), x, n, p);
    Npy.writeVector(out.resolve("train-y.npy"), y);
    Npy.writeMatrix(out.resolve("val-x.npy"), xv, nv, p);
    Npy.writeVector(out.resolve("val-y.npy"), yv);
    Npy.writeVector(out.resolve("lambda.npy"), lambda);
    Npy.writeVector(out.resolve("true-w.npy"), w);
    PrintWriter stdout = stdout();
    stdout.printf(Locale.ROOT, "generated ridge data in %s: n = %d, n_v = %d, p = %d, %d"
        + " non-zero true weights, noise %.3g, λ = %.3g, seed %d%n", out, n, nv, p, nonZero,
        noise, lambdaInit, seed);
    stdout.println("files: train-x.npy train-y.npy val-x.npy val-y.npy lambda.npy true-w.npy");
    stdout.flush();
    return 0;
  }

  private void fill(SplittableRandom random, double[] x, double[] y, double[] w, int rows) {
    for (int i = 0; i < rows; i++) {
      double dot = 0;
      for (int j = 0; j < p; j++) {
        double v = random.nextGaussian();
        x[i * p + j] = v;
        dot += v * w[j];
      }
      y[i] = dot + noise * random.nextGaussian();
    }
  }
}
