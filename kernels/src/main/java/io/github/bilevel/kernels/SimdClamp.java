package io.github.bilevel.kernels;

import static io.github.bilevel.kernels.SimdSupport.*;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * The clamp kernels of {@link SimdBackend} and its simplex threshold search (Michelot's
 * iteration, one vectorised pass per step, sorting as the fallback).
 */
final class SimdClamp {

  // Each op has its own vector loop and scalar tail, deliberately alike: merging them through a
  // lambda costs ~2x (the JIT does not fuse the lambda into the loop).

  private SimdClamp() {}

  /**
   * Passes of Michelot's simplex iteration before handing over to sorting: each pass drops at
   * least one coordinate, and typical inputs need fewer than ten.
   */
  static final int MAX_MICHELOT_PASSES = 64;

  static void clampKernel(DVector x, double lower, double upper) {
    int n = x.length();
    int i = 0;
    if (x.stride() != 1) {
      for (; i < n; i++) {
        set(x, i, Math.min(Math.max(get(x, i), lower), upper));
      }
      return;
    }
    MemorySegment xs = x.segment();
    long xo = base(x);
    int bound = SPECIES.loopBound(n);
    if (bound > 0) {
      DoubleVector lo = DoubleVector.broadcast(SPECIES, lower);
      DoubleVector hi = DoubleVector.broadcast(SPECIES, upper);
      for (; i < bound; i += L) {
        long xb = at(xo, i);
        store(load(xs, xb).max(lo).min(hi), xs, xb);
      }
    }
    for (; i < n; i++) {
      long xb = at(xo, i);
      set(xs, xb, Math.min(Math.max(get(xs, xb), lower), upper));
    }
  }

  static void clampKernel(DVector x, DVector lower, DVector upper) {
    int n = x.length();
    int i = 0;
    if (contiguous(x, lower, upper)) {
      MemorySegment xs = x.segment();
      MemorySegment ls = lower.segment();
      MemorySegment us = upper.segment();
      long xo = base(x);
      long lo = base(lower);
      long uo = base(upper);
      int bound = SPECIES.loopBound(n);
      for (; i < bound; i += L) {
        DoubleVector lv = load(ls, at(lo, i));
        DoubleVector uv = load(us, at(uo, i));
        if (!lv.compare(VectorOperators.LE, uv).allTrue()) {
          break; // a bad bound in this block: the scalar loop below finds and reports it
        }
        long xb = at(xo, i);
        store(load(xs, xb).max(lv).min(uv), xs, xb);
      }
    }
    for (; i < n; i++) {
      double lo = get(lower, i);
      double hi = get(upper, i);
      if (!(lo <= hi)) {
        throw Checks.badBox(i, lo, hi);
      }
      set(x, i, Math.min(Math.max(get(x, i), lo), hi));
    }
  }

  /**
   * Michelot's algorithm (1986): the simplex projection is {@code max(x − τ, 0)} where
   * {@code τ} solves {@code Σ max(x_i − τ, 0) = r}. Starting from {@code τ = (Σx − r)/n}, the
   * iteration {@code τ ← (Σ_{x_i > τ} x_i − r) / #{x_i > τ}} never decreases {@code τ} and
   * drops coordinates from the active set until the set stops changing, at the exact
   * {@code τ}; each step is one vectorized pass.
   */
  static void simplexKernel(DVector x, double radius) {
    int n = x.length();
    double sum = sum(x); // NaN iff some element is NaN (or +∞ and −∞ meet)
    if (Double.isNaN(sum)) {
      for (int i = 0; i < n; i++) {
        if (Double.isNaN(get(x, i))) {
          throw new IllegalArgumentException("x contains NaN: no simplex projection");
        }
      }
    }
    if (!Double.isFinite(sum)) {
      Projections.simplexBySorting(x, radius); // infinite elements: the sort-based method
      return;
    }
    double tau = (sum - radius) / n;
    int count = n;
    int[] active = new int[1];
    for (int iteration = 0; ; iteration++) {
      if (iteration == MAX_MICHELOT_PASSES) {
        Projections.simplexBySorting(x, radius); // rare slow input: O(n log n) by sorting
        return;
      }
      double above = sumAbove(x, tau, active);
      int k = active[0];
      if (k == count || k == 0) {
        break; // the active set is unchanged: tau is exact (k == 0 cannot happen in exact
               // arithmetic, since the largest element always stays above tau)
      }
      count = k;
      tau = (above - radius) / k;
    }
    shrink(x, tau);
  }

  /** {@code Σ x_i}. */
  static double sum(DVector x) {
    int n = x.length();
    int i = 0;
    double sum = 0.0;
    if (x.stride() != 1) {
      for (; i < n; i++) {
        sum += get(x, i);
      }
      return sum;
    }
    MemorySegment xs = x.segment();
    long xo = base(x);
    int bound = SPECIES.loopBound(n);
    if (bound > 0) {
      DoubleVector acc = DoubleVector.zero(SPECIES);
      for (; i < bound; i += L) {
        acc = acc.add(load(xs, at(xo, i)));
      }
      sum = sumLanes(acc);
    }
    for (; i < n; i++) {
      sum += get(xs, at(xo, i));
    }
    return sum;
  }

  /** {@code Σ_{x_i > τ} x_i}, and (into {@code count[0]} when given) how many there are. */
  static double sumAbove(DVector x, double tau, int[] count) {
    int n = x.length();
    int i = 0;
    double sum = 0.0;
    int k = 0;
    if (x.stride() == 1) {
      MemorySegment xs = x.segment();
      long xo = base(x);
      int bound = SPECIES.loopBound(n);
      if (bound > 0) {
        DoubleVector t = DoubleVector.broadcast(SPECIES, tau);
        DoubleVector zero = DoubleVector.zero(SPECIES);
        DoubleVector acc = zero;
        for (; i < bound; i += L) {
          DoubleVector v = load(xs, at(xo, i));
          VectorMask<Double> above = v.compare(VectorOperators.GT, t);
          acc = acc.add(zero.blend(v, above));
          k += above.trueCount();
        }
        sum = sumLanes(acc);
      }
      for (; i < n; i++) {
        double v = get(xs, at(xo, i));
        if (v > tau) {
          sum += v;
          k++;
        }
      }
    } else {
      for (; i < n; i++) {
        double v = get(x, i);
        if (v > tau) {
          sum += v;
          k++;
        }
      }
    }
    if (count != null) {
      count[0] = k;
    }
    return sum;
  }

  /** {@code x_i ← max(x_i − τ, 0)}. */
  static void shrink(DVector x, double tau) {
    int n = x.length();
    int i = 0;
    if (x.stride() == 1) {
      MemorySegment xs = x.segment();
      long xo = base(x);
      int bound = SPECIES.loopBound(n);
      if (bound > 0) {
        DoubleVector t = DoubleVector.broadcast(SPECIES, tau);
        DoubleVector zero = DoubleVector.zero(SPECIES);
        for (; i < bound; i += L) {
          long xb = at(xo, i);
          store(load(xs, xb).sub(t).max(zero), xs, xb);
        }
      }
      for (; i < n; i++) {
        long xb = at(xo, i);
        set(xs, xb, Math.max(get(xs, xb) - tau, 0.0));
      }
      return;
    }
    for (; i < n; i++) {
      set(x, i, Math.max(get(x, i) - tau, 0.0));
    }
  }
}
