package io.github.bilevel.bsgm.problems;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.bilevel.kernels.Buffers;
import io.github.bilevel.kernels.DMatrix;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;

/** Plain-Java references and finite differences shared by the workload tests. */
final class NumericalChecks {

  private NumericalChecks() {}

  static double[] uniform(SplittableRandom random, int count, double low, double high) {
    return random.doubles(count, low, high).toArray();
  }

  static double[] gaussian(SplittableRandom random, int count) {
    double[] out = new double[count];
    for (int i = 0; i < count; i++) {
      out[i] = random.nextGaussian();
    }
    return out;
  }

  static int[] labels(SplittableRandom random, int count, int classes) {
    return random.ints(count, 0, classes).toArray();
  }

  static DMatrix matrix(Arena arena, int rows, int cols, double[] values) {
    return Buffers.matrix(arena, rows, cols, values);
  }

  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  static double[] shift(double[] x, double[] d, double h) {
    double[] out = x.clone();
    for (int i = 0; i < out.length; i++) {
      out[i] += h * d[i];
    }
    return out;
  }

  static double norm(double[] a) {
    return Math.sqrt(dot(a, a));
  }

  /** Central difference of {@code f} at {@code x} along {@code d}. */
  static double directional(ToDoubleFunction<double[]> f, double[] x, double[] d, double h) {
    return (f.applyAsDouble(shift(x, d, h)) - f.applyAsDouble(shift(x, d, -h))) / (2 * h);
  }

  /** Asserts {@code actual} within {@code relative · (1 + |expected|)} of {@code expected}. */
  static void close(double expected, double actual, double relative, String what) {
    assertEquals(expected, actual, relative * (1 + Math.abs(expected)), what);
  }

  /**
   * Cross-entropy of the linear softmax classifier {@code W} ({@code p × k} row-major) on one
   * example: {@code logsumexp(Wᵀx) − (Wᵀx)_y}, in plain loops.
   */
  static double crossEntropy(double[] w, int k, double[] x, int y) {
    int p = x.length;
    double[] z = new double[k];
    double max = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < k; c++) {
      for (int j = 0; j < p; j++) {
        z[c] += x[j] * w[j * k + c];
      }
      max = Math.max(max, z[c]);
    }
    double sum = 0;
    for (int c = 0; c < k; c++) {
      sum += Math.exp(z[c] - max);
    }
    return max + Math.log(sum) - z[y];
  }

  static double[] row(double[] data, int p, int i) {
    double[] out = new double[p];
    System.arraycopy(data, i * p, out, 0, p);
    return out;
  }

  static DVector vector(Arena arena, double[] values) {
    return Buffers.vector(arena, values);
  }
}
