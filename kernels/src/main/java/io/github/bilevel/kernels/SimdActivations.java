package io.github.bilevel.kernels;

import static io.github.bilevel.kernels.SimdBlas1.scale;
import static io.github.bilevel.kernels.SimdSupport.*;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * The elementwise kernels of {@link SimdBackend} (activations and their backward products,
 * the Hadamard product) and the row-wise softmax and cross-entropy.
 */
final class SimdActivations {

  // Each activation has its own vector loop, tail and scalar tail, deliberately alike: merging
  // them through a lambda costs ~2x (the JIT does not fuse the lambda into the loop).

  private SimdActivations() {}

  static void tanhKernel(DVector x, DVector out) {
    int n = x.length();
    int i = 0;
    if (!contiguous(x, out)) {
      for (; i < n; i++) {
        set(out, i, Math.tanh(get(x, i)));
      }
      return;
    }
    MemorySegment xs = x.segment();
    MemorySegment os = out.segment();
    long xo = base(x);
    long oo = base(out);
    int bound = SPECIES.loopBound(n);
    for (; i < bound; i += L) {
      store(load(xs, at(xo, i)).lanewise(VectorOperators.TANH), os, at(oo, i));
    }
    for (; i < n; i++) {
      set(os, at(oo, i), Math.tanh(get(xs, at(xo, i))));
    }
  }

  static void hadamardKernel(double alpha, DVector a, DVector x, double beta, DVector y) {
    int n = a.length();
    int i = 0;
    if (!contiguous(a, x, y)) {
      for (; i < n; i++) {
        double p = alpha * (get(a, i) * get(x, i));
        set(y, i, beta == 0.0 ? p : Math.fma(beta, get(y, i), p));
      }
      return;
    }
    MemorySegment as = a.segment();
    MemorySegment xs = x.segment();
    MemorySegment ys = y.segment();
    long ao = base(a);
    long xo = base(x);
    long yo = base(y);
    int bound = SPECIES.loopBound(n);
    if (beta == 0.0) {
      for (; i < bound; i += L) {
        store(load(as, at(ao, i)).mul(load(xs, at(xo, i))).mul(alpha), ys, at(yo, i));
      }
      for (; i < n; i++) {
        set(ys, at(yo, i), alpha * (get(as, at(ao, i)) * get(xs, at(xo, i))));
      }
      return;
    }
    if (bound > 0) {
      DoubleVector b = DoubleVector.broadcast(SPECIES, beta);
      for (; i < bound; i += L) {
        DoubleVector p = load(as, at(ao, i)).mul(load(xs, at(xo, i))).mul(alpha);
        store(load(ys, at(yo, i)).fma(b, p), ys, at(yo, i));
      }
    }
    for (; i < n; i++) {
      double p = alpha * (get(as, at(ao, i)) * get(xs, at(xo, i)));
      set(ys, at(yo, i), Math.fma(beta, get(ys, at(yo, i)), p));
    }
  }

  static void tanhBackwardKernel(DVector t, DVector v, DVector out) {
    int n = t.length();
    int i = 0;
    if (!contiguous(t, v, out)) {
      for (; i < n; i++) {
        double ti = get(t, i);
        set(out, i, Math.fma(-ti, ti, 1.0) * get(v, i));
      }
      return;
    }
    MemorySegment ts = t.segment();
    MemorySegment vs = v.segment();
    MemorySegment os = out.segment();
    long to = base(t);
    long vo = base(v);
    long oo = base(out);
    int bound = SPECIES.loopBound(n);
    if (bound > 0) {
      DoubleVector one = DoubleVector.broadcast(SPECIES, 1.0);
      for (; i < bound; i += L) {
        DoubleVector tv = load(ts, at(to, i));
        store(tv.neg().fma(tv, one).mul(load(vs, at(vo, i))), os, at(oo, i));
      }
    }
    for (; i < n; i++) {
      double ti = get(ts, at(to, i));
      set(os, at(oo, i), Math.fma(-ti, ti, 1.0) * get(vs, at(vo, i)));
    }
  }

  static void sigmoidKernel(DVector x, DVector out) {
    int n = x.length();
    int i = 0;
    if (!contiguous(x, out)) {
      for (; i < n; i++) {
        set(out, i, 1.0 / (1.0 + Math.exp(-get(x, i))));
      }
      return;
    }
    MemorySegment xs = x.segment();
    MemorySegment os = out.segment();
    long xo = base(x);
    long oo = base(out);
    int bound = SPECIES.loopBound(n);
    if (bound > 0) {
      DoubleVector one = DoubleVector.broadcast(SPECIES, 1.0);
      for (; i < bound; i += L) {
        // exp(−x) overflows to +∞ for x < −709.78: 1/(1 + ∞) = 0, the correctly rounded limit
        DoubleVector e = load(xs, at(xo, i)).neg().lanewise(VectorOperators.EXP);
        store(one.div(e.add(one)), os, at(oo, i));
      }
    }
    for (; i < n; i++) {
      set(os, at(oo, i), 1.0 / (1.0 + Math.exp(-get(xs, at(xo, i)))));
    }
  }

  static void sigmoidBackwardKernel(DVector s, DVector v, DVector out) {
    int n = s.length();
    int i = 0;
    if (!contiguous(s, v, out)) {
      for (; i < n; i++) {
        double si = get(s, i);
        set(out, i, si * (1.0 - si) * get(v, i));
      }
      return;
    }
    MemorySegment ss = s.segment();
    MemorySegment vs = v.segment();
    MemorySegment os = out.segment();
    long so = base(s);
    long vo = base(v);
    long oo = base(out);
    int bound = SPECIES.loopBound(n);
    if (bound > 0) {
      DoubleVector one = DoubleVector.broadcast(SPECIES, 1.0);
      for (; i < bound; i += L) {
        DoubleVector sv = load(ss, at(so, i));
        store(sv.mul(one.sub(sv)).mul(load(vs, at(vo, i))), os, at(oo, i));
      }
    }
    for (; i < n; i++) {
      double si = get(ss, at(so, i));
      set(os, at(oo, i), si * (1.0 - si) * get(vs, at(vo, i)));
    }
  }

  static void reluKernel(DVector x, DVector out) {
    int n = x.length();
    int i = 0;
    if (!contiguous(x, out)) {
      for (; i < n; i++) {
        double xi = get(x, i);
        set(out, i, xi > 0.0 ? xi : 0.0);
      }
      return;
    }
    MemorySegment xs = x.segment();
    MemorySegment os = out.segment();
    long xo = base(x);
    long oo = base(out);
    int bound = SPECIES.loopBound(n);
    if (bound > 0) {
      DoubleVector zero = DoubleVector.zero(SPECIES);
      for (; i < bound; i += L) {
        DoubleVector xv = load(xs, at(xo, i));
        // x > 0 ? x : +0.0 (NaN and −0.0 map to +0.0, as in the scalar reference)
        store(zero.blend(xv, xv.compare(VectorOperators.GT, zero)), os, at(oo, i));
      }
    }
    for (; i < n; i++) {
      double xi = get(xs, at(xo, i));
      set(os, at(oo, i), xi > 0.0 ? xi : 0.0);
    }
  }

  static void reluBackwardKernel(DVector x, DVector v, DVector out) {
    int n = x.length();
    int i = 0;
    if (!contiguous(x, v, out)) {
      for (; i < n; i++) {
        set(out, i, get(x, i) > 0.0 ? get(v, i) : 0.0);
      }
      return;
    }
    MemorySegment xs = x.segment();
    MemorySegment vs = v.segment();
    MemorySegment os = out.segment();
    long xo = base(x);
    long vo = base(v);
    long oo = base(out);
    int bound = SPECIES.loopBound(n);
    if (bound > 0) {
      DoubleVector zero = DoubleVector.zero(SPECIES);
      for (; i < bound; i += L) {
        VectorMask<Double> positive = load(xs, at(xo, i)).compare(VectorOperators.GT, zero);
        store(zero.blend(load(vs, at(vo, i)), positive), os, at(oo, i));
      }
    }
    for (; i < n; i++) {
      set(os, at(oo, i), get(xs, at(xo, i)) > 0.0 ? get(vs, at(vo, i)) : 0.0);
    }
  }

  /** {@code max_j z_j} over {@code n > 0} contiguous elements (NaN if one is NaN). */
  static double rowMax(MemorySegment s, long o, int n) {
    int j = 0;
    double max = Double.NEGATIVE_INFINITY;
    int bound = SPECIES.loopBound(n);
    if (bound > 0) {
      DoubleVector m = DoubleVector.broadcast(SPECIES, Double.NEGATIVE_INFINITY);
      for (; j < bound; j += L) {
        m = m.max(load(s, at(o, j)));
      }
      max = m.reduceLanes(VectorOperators.MAX);
    }
    for (; j < n; j++) {
      max = Math.max(max, get(s, at(o, j)));
    }
    return max;
  }

  /**
   * {@code Σ_j exp(z_j − shift)} over {@code n} contiguous elements, storing each term into
   * {@code out} when {@code out} is not null (it may be the same memory as {@code z}).
   */
  static double sumExp(MemorySegment zs, long zo, double shift, MemorySegment os,
      long oo, int n) {
    int j = 0;
    double sum = 0.0;
    int bound = SPECIES.loopBound(n);
    if (bound > 0) {
      DoubleVector sh = DoubleVector.broadcast(SPECIES, shift);
      DoubleVector acc = DoubleVector.zero(SPECIES);
      if (os == null) {
        for (; j < bound; j += L) {
          acc = acc.add(load(zs, at(zo, j)).sub(sh).lanewise(VectorOperators.EXP));
        }
      } else {
        for (; j < bound; j += L) {
          DoubleVector e = load(zs, at(zo, j)).sub(sh).lanewise(VectorOperators.EXP);
          store(e, os, at(oo, j));
          acc = acc.add(e);
        }
      }
      sum = sumLanes(acc);
    }
    for (; j < n; j++) {
      double e = Math.exp(get(zs, at(zo, j)) - shift);
      if (os != null) {
        set(os, at(oo, j), e);
      }
      sum += e;
    }
    return sum;
  }

  static void softmaxKernel(DMatrix logits, DMatrix out) {
    int c = logits.cols();
    MemorySegment zs = logits.segment();
    MemorySegment os = out.segment();
    for (int i = 0; i < logits.rows(); i++) {
      long zo = logits.byteOffset(i, 0);
      long oo = out.byteOffset(i, 0);
      double max = rowMax(zs, zo, c);
      double sum = sumExp(zs, zo, max, os, oo, c);
      scale(1.0 / sum, os, oo, os, oo, c);
    }
  }

  static double softmaxCrossEntropyKernel(DMatrix logits, MemorySegment labels,
      DMatrix gradient) {
    int r = logits.rows();
    int c = logits.cols();
    MemorySegment zs = logits.segment();
    MemorySegment gs = gradient == null ? null : gradient.segment();
    double invRows = 1.0 / r;
    double total = 0.0;
    for (int i = 0; i < r; i++) {
      int y = AbstractBackend.label(labels, i, c);
      long zo = logits.byteOffset(i, 0);
      double zy = get(zs, at(zo, y)); // read before the gradient (maybe the same row) is written
      double max = rowMax(zs, zo, c);
      long go = gradient == null ? 0L : gradient.byteOffset(i, 0);
      double sum = sumExp(zs, zo, max, gs, go, c);
      double logSum = Math.log(sum);
      total += (max - zy) + logSum;
      if (gs != null) {
        // g_j = exp(z_j − max) / (sum · r); then g_y = (p_y − 1) / r
        scale(1.0 / (sum * r), gs, go, gs, go, c);
        double py = Math.exp(zy - max - logSum);
        set(gs, at(go, y), (py - 1.0) * invRows);
      }
    }
    return total / r;
  }
}
