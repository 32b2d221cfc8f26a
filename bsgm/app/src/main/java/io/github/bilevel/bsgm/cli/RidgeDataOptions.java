package io.github.bilevel.bsgm.cli;

import io.github.bilevel.bsgm.problems.PerFeatureRidge;
import io.github.bilevel.bsgm.io.Npy;
import io.github.bilevel.kernels.Backend;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The data of a per-feature ridge problem (a picocli mixin): {@code .npy} files for {@code X},
 * {@code y}, {@code X_v}, {@code y_v} and the starting {@code λ}, and the box
 * {@code Λ = [λ_min, λ_max]^p}. Loading checks the shapes against each other, that every value
 * is finite and that {@code λ} lies in {@code Λ}, naming the file and index at fault.
 */
final class RidgeDataOptions {

  // picocli option declarations, one annotated field each: alike other commands' by shape only.
  @Option(names = "--train-x", required = true, paramLabel = "FILE",
      description = "Training features X: a 2-D float64 .npy, n rows × p features.")
  Path trainX;

  @Option(names = "--train-y", required = true, paramLabel = "FILE",
      description = "Training targets y: a 1-D float64 .npy of n values.")
  Path trainY;

  @Option(names = "--val-x", required = true, paramLabel = "FILE",
      description = "Validation features X_v: a 2-D float64 .npy, n_v rows × p features.")
  Path valX;

  @Option(names = "--val-y", required = true, paramLabel = "FILE",
      description = "Validation targets y_v: a 1-D float64 .npy of n_v values.")
  Path valY;

  @Option(names = "--lambda", required = true, paramLabel = "FILE",
      description = "The per-feature penalties λ: a 1-D float64 .npy of p values in Λ.")
  Path lambda;

  @Option(names = "--lambda-min", defaultValue = "0.01", paramLabel = "A",
      description = "Λ = [A, B]^p: the smallest penalty, > 0; it sets μ and so the contraction"
          + " constant q (default: ${DEFAULT-VALUE}).")
  double lambdaMin = 0.01;

  @Option(names = "--lambda-max", defaultValue = "10", paramLabel = "B",
      description = "The largest penalty; it enters L = ‖XᵀX/n‖₂ + B (default: ${DEFAULT-VALUE}).")
  double lambdaMax = 10;

  /**
   * The loaded data.
   *
   * @param x      {@code X}, row-major {@code n × p}
   * @param y      {@code y}
   * @param xv     {@code X_v}, row-major {@code n_v × p}
   * @param yv     {@code y_v}
   * @param lambda the starting {@code λ}
   * @param p      the number of features
   */
  record RidgeData(double[] x, double[] y, double[] xv, double[] yv, double[] lambda, int p) {

    int n() {
      return y.length;
    }

    int nv() {
      return yv.length;
    }
  }

  /** Checks the box before anything is read. */
  private void validateBox() {
    if (!(lambdaMin > 0) || Double.isInfinite(lambdaMin)) {
      throw new IllegalArgumentException("--lambda-min must be finite and > 0, got "
          + lambdaMin);
    }
    if (!(lambdaMax >= lambdaMin) || Double.isInfinite(lambdaMax)) {
      throw new IllegalArgumentException("--lambda-max must be finite and >= --lambda-min = "
          + lambdaMin + ", got " + lambdaMax);
    }
  }

  /**
   * Checks the box and then {@code steps} before anything is read, then reads and checks the
   * five files.
   */
  RidgeData load(KmStepOptions steps) throws IOException {
    validateBox();
    steps.validate();
    Npy.Array x = NpyInputs.matrix("--train-x", trainX);
    double[] y = NpyInputs.vector("--train-y", trainY);
    Npy.Array xv = NpyInputs.matrix("--val-x", valX);
    double[] yv = NpyInputs.vector("--val-y", valY);
    double[] lambdaValues = NpyInputs.vector("--lambda", lambda);
    int p = x.cols();
    if (x.rows() != y.length) {
      throw new IllegalArgumentException("shape mismatch: --train-x " + trainX + " has "
          + x.rows() + " rows (shape " + x.shapeText() + ") but --train-y " + trainY + " has "
          + y.length + " values");
    }
    if (xv.cols() != p) {
      throw new IllegalArgumentException("shape mismatch: --val-x " + valX + " has "
          + xv.cols() + " features (shape " + xv.shapeText() + ") but --train-x " + trainX
          + " has " + p + " (shape " + x.shapeText() + ")");
    }
    if (xv.rows() != yv.length) {
      throw new IllegalArgumentException("shape mismatch: --val-x " + valX + " has "
          + xv.rows() + " rows (shape " + xv.shapeText() + ") but --val-y " + valY + " has "
          + yv.length + " values");
    }
    if (lambdaValues.length != p) {
      throw new IllegalArgumentException("shape mismatch: --lambda " + lambda + " has "
          + lambdaValues.length + " values but the data have p = " + p + " features");
    }
    for (int j = 0; j < p; j++) {
      if (lambdaValues[j] < lambdaMin || lambdaValues[j] > lambdaMax) {
        throw new IllegalArgumentException("--lambda " + lambda + ": λ[" + j + "] = "
            + lambdaValues[j] + " is outside Λ = [" + lambdaMin + ", " + lambdaMax + "] (the"
            + " first such index; widen Λ with --lambda-min/--lambda-max or move λ into it)");
      }
    }
    return new RidgeData(x.values(), y, xv.values(), yv, lambdaValues, p);
  }

  /** The problem on {@code data}, with the given map step ({@code null}: the default). */
  PerFeatureRidge problem(Backend backend, RidgeData data, Double mapStep) {
    return new PerFeatureRidge(backend, data.x(), data.y(), data.xv(), data.yv(), data.p(),
        lambdaMin, lambdaMax, mapStep == null ? Double.NaN : mapStep);
  }
}
