package io.github.bilevel.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Plain-Java loops, one element at a time, written for clarity: the reference every other
 * backend is tested against. Independent algorithms where a faster backend uses a clever one:
 * {@code nrm2} is the scaled sum of squares of reference BLAS ({@code dlassq}), the simplex
 * projection sorts (Duchi et al. 2008; the inherited {@link #simplexKernel}).
 */
public class ScalarBackend extends AbstractBackend {

  // The reference kernels are plain loops, one per op, deliberately alike: each is the
  // readable definition the faster backends are tested against.

  private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE_UNALIGNED;

  @Override
  public String name() {
    return "scalar";
  }

  private static double get(DVector v, int i) {
    return v.segment().get(D, v.byteOffset(i));
  }

  private static void set(DVector v, int i, double value) {
    v.segment().set(D, v.byteOffset(i), value);
  }

  private static double get(DMatrix a, int i, int j) {
    return a.segment().get(D, a.byteOffset(i, j));
  }

  private static void set(DMatrix a, int i, int j, double value) {
    a.segment().set(D, a.byteOffset(i, j), value);
  }

  @Override
  protected double dotKernel(DVector x, DVector y) {
    double sum = 0.0;
    for (int i = 0; i < x.length(); i++) {
      sum += get(x, i) * get(y, i);
    }
    return sum;
  }

  @Override
  protected double nrm2Kernel(DVector x) {
    double scale = 0.0;
    double ssq = 1.0;
    boolean infinite = false;
    for (int i = 0; i < x.length(); i++) {
      double xi = get(x, i);
      if (xi != 0.0) {
        double absxi = Math.abs(xi);
        if (Double.isNaN(absxi)) {
          return Double.NaN;
        }
        if (absxi == Double.POSITIVE_INFINITY) {
          infinite = true; // the norm is +∞ unless a later element is NaN
          continue;
        }
        if (scale < absxi) {
          ssq = 1.0 + ssq * (scale / absxi) * (scale / absxi);
          scale = absxi;
        } else {
          ssq += (absxi / scale) * (absxi / scale);
        }
      }
    }
    return infinite ? Double.POSITIVE_INFINITY : scale * Math.sqrt(ssq);
  }

  @Override
  protected double asumKernel(DVector x) {
    double sum = 0.0;
    for (int i = 0; i < x.length(); i++) {
      sum += Math.abs(get(x, i));
    }
    return sum;
  }

  @Override
  protected void axpyKernel(double alpha, DVector x, DVector y) {
    for (int i = 0; i < x.length(); i++) {
      set(y, i, alpha * get(x, i) + get(y, i));
    }
  }

  @Override
  protected void axpbyKernel(double alpha, DVector x, double beta, DVector y) {
    for (int i = 0; i < x.length(); i++) {
      set(y, i, beta == 0.0 ? alpha * get(x, i) : alpha * get(x, i) + beta * get(y, i));
    }
  }

  @Override
  protected void scalKernel(double alpha, DVector x) {
    for (int i = 0; i < x.length(); i++) {
      set(x, i, alpha * get(x, i));
    }
  }

  @Override
  protected void copyKernel(DVector x, DVector y) {
    for (int i = 0; i < x.length(); i++) {
      set(y, i, get(x, i));
    }
  }

  @Override
  protected void fillKernel(double value, DVector x) {
    for (int i = 0; i < x.length(); i++) {
      set(x, i, value);
    }
  }

  @Override
  protected void rotKernel(DVector x, DVector y, double c, double s) {
    for (int i = 0; i < x.length(); i++) {
      double xi = get(x, i);
      double yi = get(y, i);
      set(x, i, c * xi + s * yi);
      set(y, i, c * yi - s * xi);
    }
  }

  @Override
  protected void kmStepKernel(double eta, DVector phi, DVector x) {
    for (int i = 0; i < x.length(); i++) {
      set(x, i, (1.0 - eta) * get(x, i) + eta * get(phi, i));
    }
  }

  @Override
  protected double kmStepResidualKernel(double eta, DVector phi, DVector x) {
    double ssq = 0.0;
    for (int i = 0; i < x.length(); i++) {
      double xi = get(x, i);
      double d = get(phi, i) - xi;
      ssq += d * d;
      set(x, i, (1.0 - eta) * xi + eta * get(phi, i));
    }
    return Math.sqrt(ssq);
  }

  @Override
  protected void gemvKernel(double alpha, DMatrix a, DVector x, double beta, DVector y) {
    for (int i = 0; i < a.rows(); i++) {
      double sum = 0.0;
      for (int j = 0; j < a.cols(); j++) {
        sum += get(a, i, j) * get(x, j);
      }
      set(y, i, beta == 0.0 ? alpha * sum : alpha * sum + beta * get(y, i));
    }
  }

  @Override
  protected void gemvTKernel(double alpha, DMatrix a, DVector x, double beta, DVector y) {
    for (int j = 0; j < a.cols(); j++) {
      double sum = 0.0;
      for (int i = 0; i < a.rows(); i++) {
        sum += get(a, i, j) * get(x, i);
      }
      set(y, j, beta == 0.0 ? alpha * sum : alpha * sum + beta * get(y, j));
    }
  }

  @Override
  protected void gerKernel(double alpha, DVector x, DVector y, DMatrix a) {
    for (int i = 0; i < a.rows(); i++) {
      double axi = alpha * get(x, i);
      for (int j = 0; j < a.cols(); j++) {
        set(a, i, j, get(a, i, j) + axi * get(y, j));
      }
    }
  }

  @Override
  protected void gemmKernel(boolean transA, boolean transB, double alpha, DMatrix a, DMatrix b,
      double beta, DMatrix c) {
    int m = c.rows();
    int n = c.cols();
    int k = transA ? a.rows() : a.cols();
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double sum = 0.0;
        for (int l = 0; l < k; l++) {
          double aij = transA ? get(a, l, i) : get(a, i, l);
          double blj = transB ? get(b, j, l) : get(b, l, j);
          sum += aij * blj;
        }
        set(c, i, j, beta == 0.0 ? alpha * sum : alpha * sum + beta * get(c, i, j));
      }
    }
  }

  /** The definition of the fused GEMM: one element of C at a time, then its mix. */
  @Override
  protected void fusedGemmKernel(boolean transA, boolean transB, double alpha, DMatrix a,
      DMatrix b, double beta, DMatrix c, GemmEpilogue<DMatrix, DVector> epilogue) {
    int m = c.rows();
    int n = c.cols();
    int k = transA ? a.rows() : a.cols();
    DMatrix s = epilogue.scale();
    DMatrix y = epilogue.addend() == null ? c : epilogue.addend();
    DVector bias = epilogue.bias();
    Activation act = epilogue.activation();
    DMatrix x = epilogue.mixTarget();
    double eta = epilogue.mixRate();
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double value = 0.0;
        if (alpha != 0.0 && k > 0) {
          double sum = 0.0;
          for (int l = 0; l < k; l++) {
            // op(S ⊙ A)(i, l): the scale multiplies A as stored
            int ar = transA ? l : i;
            int ac = transA ? i : l;
            double ail = s == null ? get(a, ar, ac) : get(s, ar, ac) * get(a, ar, ac);
            double blj = transB ? get(b, j, l) : get(b, l, j);
            sum += ail * blj;
          }
          value = alpha * sum;
        }
        if (beta != 0.0) {
          value += beta * get(y, i, j);
        }
        if (bias != null) {
          value += get(bias, j);
        }
        value = act.apply(value);
        set(c, i, j, value);
        if (x != null) {
          set(x, i, j, (1.0 - eta) * get(x, i, j) + eta * value);
        }
      }
    }
  }

  @Override
  protected void tanhKernel(DVector x, DVector out) {
    for (int i = 0; i < x.length(); i++) {
      set(out, i, Math.tanh(get(x, i)));
    }
  }

  @Override
  protected void hadamardKernel(double alpha, DVector a, DVector x, double beta, DVector y) {
    for (int i = 0; i < a.length(); i++) {
      double p = alpha * (get(a, i) * get(x, i));
      set(y, i, beta == 0.0 ? p : p + beta * get(y, i));
    }
  }

  @Override
  protected void tanhBackwardKernel(DVector t, DVector v, DVector out) {
    for (int i = 0; i < t.length(); i++) {
      double ti = get(t, i);
      set(out, i, (1.0 - ti * ti) * get(v, i));
    }
  }

  @Override
  protected void sigmoidKernel(DVector x, DVector out) {
    for (int i = 0; i < x.length(); i++) {
      set(out, i, 1.0 / (1.0 + Math.exp(-get(x, i))));
    }
  }

  @Override
  protected void sigmoidBackwardKernel(DVector s, DVector v, DVector out) {
    for (int i = 0; i < s.length(); i++) {
      double si = get(s, i);
      set(out, i, si * (1.0 - si) * get(v, i));
    }
  }

  @Override
  protected void reluKernel(DVector x, DVector out) {
    for (int i = 0; i < x.length(); i++) {
      double xi = get(x, i);
      set(out, i, xi > 0.0 ? xi : 0.0);
    }
  }

  @Override
  protected void reluBackwardKernel(DVector x, DVector v, DVector out) {
    for (int i = 0; i < x.length(); i++) {
      set(out, i, get(x, i) > 0.0 ? get(v, i) : 0.0);
    }
  }

  @Override
  protected void softmaxKernel(DMatrix logits, DMatrix out) {
    int c = logits.cols();
    for (int i = 0; i < logits.rows(); i++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < c; j++) {
        max = Math.max(max, get(logits, i, j));
      }
      double sum = 0.0;
      for (int j = 0; j < c; j++) {
        double e = Math.exp(get(logits, i, j) - max);
        set(out, i, j, e);
        sum += e;
      }
      for (int j = 0; j < c; j++) {
        set(out, i, j, get(out, i, j) / sum);
      }
    }
  }

  @Override
  protected double softmaxCrossEntropyKernel(DMatrix logits, MemorySegment labels,
      DMatrix gradient) {
    int r = logits.rows();
    int c = logits.cols();
    double total = 0.0;
    for (int i = 0; i < r; i++) {
      int y = label(labels, i, c);
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < c; j++) {
        max = Math.max(max, get(logits, i, j));
      }
      double sum = 0.0;
      for (int j = 0; j < c; j++) {
        sum += Math.exp(get(logits, i, j) - max);
      }
      double logSumExp = max + Math.log(sum);
      total += logSumExp - get(logits, i, y);
      if (gradient != null) {
        for (int j = 0; j < c; j++) {
          double p = Math.exp(get(logits, i, j) - logSumExp);
          set(gradient, i, j, (p - (j == y ? 1.0 : 0.0)) / r);
        }
      }
    }
    return total / r;
  }

  @Override
  protected void clampKernel(DVector x, double lower, double upper) {
    for (int i = 0; i < x.length(); i++) {
      set(x, i, Math.min(Math.max(get(x, i), lower), upper));
    }
  }

  @Override
  protected void clampKernel(DVector x, DVector lower, DVector upper) {
    for (int i = 0; i < x.length(); i++) {
      double lo = get(lower, i);
      double hi = get(upper, i);
      if (!(lo <= hi)) {
        throw Checks.badBox(i, lo, hi);
      }
      set(x, i, Math.min(Math.max(get(x, i), lo), hi));
    }
  }
}
