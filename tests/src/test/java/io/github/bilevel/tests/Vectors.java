package io.github.bilevel.tests;

/** Plain-array arithmetic of the test references, independent of every backend. */
final class Vectors {

  private Vectors() {}

  /** {@code ‖x‖₂}, scaled by the largest element so that it neither overflows nor underflows. */
  static double norm(double[] x) {
    double max = normInf(x);
    if (max == 0.0 || !Double.isFinite(max)) {
      return max;
    }
    double sum = 0.0;
    for (double v : x) {
      double s = v / max;
      sum += s * s;
    }
    return max * Math.sqrt(sum);
  }

  /** {@code max |x_i|} (0 for an empty array). */
  static double normInf(double[] x) {
    double max = 0.0;
    for (double v : x) {
      max = Math.max(max, Math.abs(v));
    }
    return max;
  }

  /** {@code xᵀy}. */
  static double dot(double[] x, double[] y) {
    double sum = 0.0;
    for (int i = 0; i < x.length; i++) {
      sum += x[i] * y[i];
    }
    return sum;
  }

  /** {@code x − y}. */
  static double[] minus(double[] x, double[] y) {
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = x[i] - y[i];
    }
    return out;
  }

  /** {@code ‖x − y‖₂}. */
  static double distance(double[] x, double[] y) {
    return norm(minus(x, y));
  }

  /** {@code t x + (1 − t) y}. */
  static double[] combination(double t, double[] x, double[] y) {
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = t * x[i] + (1.0 - t) * y[i];
    }
    return out;
  }

  /** {@code α x}. */
  static double[] scaled(double alpha, double[] x) {
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = alpha * x[i];
    }
    return out;
  }

  /** The first elements of {@code x} for a failure message. */
  static String preview(double[] x) {
    StringBuilder sb = new StringBuilder("[");
    int shown = Math.min(x.length, 12);
    for (int i = 0; i < shown; i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(x[i]);
    }
    if (shown < x.length) {
      sb.append(", ... (").append(x.length).append(" elements)");
    }
    return sb.append(']').toString();
  }
}
