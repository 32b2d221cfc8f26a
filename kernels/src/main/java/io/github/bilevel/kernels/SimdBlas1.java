package io.github.bilevel.kernels;

import static io.github.bilevel.kernels.SimdSupport.*;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The BLAS-1 kernels and the Krasnoselskii–Mann steps of {@link SimdBackend}: contiguous views
 * take vector loops (four accumulators in the unrolled main loop of a reduction, then one
 * vector, then a scalar tail), strided views plain loops.
 */
final class SimdBlas1 {

  // Each op has its own vector loop, tail and scalar tail: merging them through a lambda costs
  // ~2x (the JIT does not fuse the lambda into the loop), so the repetition is deliberate.

  private SimdBlas1() {}

  /** Below this, a plain sum of squares may have lost accuracy to underflow. */
  static final double SUM_SQUARES_TINY = 0x1p-900;

  static double dotKernel(DVector x, DVector y) {
    return dotKernel(x, y, x.length() >= DOT_STREAM_MIN);
  }

  /**
   * {@code xᵀy} with the loop for vectors streamed from memory ({@code streaming}) or for
   * vectors in the caches; the same bits either way. A chunk of a long vector is short but
   * streamed, so the threaded dot asks for the streaming loop by the whole vector's length.
   */
  static double dotKernel(DVector x, DVector y, boolean streaming) {
    if (contiguous(x, y)) {
      int n = x.length();
      return streaming ? dotStreaming(x.segment(), base(x), y.segment(), base(y), n)
          : dotCached(x.segment(), base(x), y.segment(), base(y), n);
    }
    double sum = 0.0;
    for (int i = 0; i < x.length(); i++) {
      sum = Math.fma(get(x, i), get(y, i), sum);
    }
    return sum;
  }

  /**
   * Length from which reductions use four accumulators (a loop unrolled by hand). A loop of
   * few iterations runs in the JIT's pre- and post-loops, which keep every bounds check: below
   * 16 iterations the plain one-vector loop, which the JIT unrolls itself, is faster ({@code dot}
   * of 128 doubles: about 40 ns unrolled by hand, 20 ns plain; at 1000 the hand-unrolled loop
   * is ahead).
   *
   * <p>The unrolled loops count a {@code long} byte offset shared by every operand
   * ({@code xo + d}, {@code yo + d}): with an {@code int} element index scaled per operand the
   * JIT kept bounds checks in the loop, and {@code dot} ran at 0.74–0.85× OpenBLAS's speed at
   * 10<sup>4</sup>–4·10<sup>6</sup> elements (AMD EPYC, AVX2) against 0.9–1.0× this way.
   */
  static final int UNROLL_MIN = 16 * L4;

  /**
   * Length from which {@code dot} counts a {@code long} byte offset ({@link #UNROLL_MIN}) rather
   * than an {@code int} index into slices of the operands: the first streams from memory
   * faster (4·10<sup>6</sup> elements: 0.96–1.02× OpenBLAS against 0.74–0.86×), the second runs
   * faster from the caches (10<sup>3</sup>–10<sup>4</sup>: 0.91–0.96× against 0.84–0.90×).
   * Both sum in the same order, so the bits do not depend on which ran.
   */
  static final int DOT_STREAM_MIN = 1 << 15;

  /** {@code Σ x_i y_i} over {@code n} contiguous elements. */
  static double dot(MemorySegment xs, long xo, MemorySegment ys, long yo, int n) {
    return n < DOT_STREAM_MIN ? dotCached(xs, xo, ys, yo, n) : dotStreaming(xs, xo, ys, yo, n);
  }

  /** {@link #dot} by the loop for vectors streamed from memory (any {@code n}). */
  static double dotStreaming(MemorySegment xs, long xo, MemorySegment ys, long yo, int n) {
    if (n < UNROLL_MIN) {
      return dotCached(xs, xo, ys, yo, n); // the same sum without unrolling
    }
    int i = 0;
    double sum = 0.0;
    int bound = SPECIES.loopBound(n);
    DoubleVector a0 = DoubleVector.zero(SPECIES);
    DoubleVector a1 = a0;
    DoubleVector a2 = a0;
    DoubleVector a3 = a0;
    i = n & -L4;
    long end = (long) i << 3;
    for (long d = 0; d < end; d += 4 * VB) {
      a0 = load(xs, xo + d).fma(load(ys, yo + d), a0);
      a1 = load(xs, xo + d + VB).fma(load(ys, yo + d + VB), a1);
      a2 = load(xs, xo + d + 2 * VB).fma(load(ys, yo + d + 2 * VB), a2);
      a3 = load(xs, xo + d + 3 * VB).fma(load(ys, yo + d + 3 * VB), a3);
    }
    a0 = a0.add(a1).add(a2.add(a3));
    for (; i < bound; i += L) {
      a0 = load(xs, at(xo, i)).fma(load(ys, at(yo, i)), a0);
    }
    sum = sumLanes(a0);
    for (; i < n; i++) {
      sum = Math.fma(get(xs, at(xo, i)), get(ys, at(yo, i)), sum);
    }
    return sum;
  }

  /** {@link #dot} of {@code n < DOT_STREAM_MIN} elements from the start of {@code x}, {@code y}. */
  private static double dotCached(MemorySegment xs, long xo, MemorySegment ys, long yo, int n) {
    // sliced here, not by the caller: the slices never leave this method, so the JIT allocates
    // none even where it does not inline this method into its caller
    MemorySegment x = xs.asSlice(xo);
    MemorySegment y = ys.asSlice(yo);
    int i = 0;
    double sum = 0.0;
    int bound = SPECIES.loopBound(n);
    if (bound > 0) {
      DoubleVector a0 = DoubleVector.zero(SPECIES);
      if (n >= UNROLL_MIN) {
        DoubleVector a1 = a0;
        DoubleVector a2 = a0;
        DoubleVector a3 = a0;
        int unrolled = n & -L4;
        for (; i < unrolled; i += L4) {
          long b = (long) i << 3;
          a0 = load(x, b).fma(load(y, b), a0);
          a1 = load(x, b + VB).fma(load(y, b + VB), a1);
          a2 = load(x, b + 2 * VB).fma(load(y, b + 2 * VB), a2);
          a3 = load(x, b + 3 * VB).fma(load(y, b + 3 * VB), a3);
        }
        a0 = a0.add(a1).add(a2.add(a3));
      }
      for (; i < bound; i += L) {
        long b = (long) i << 3;
        a0 = load(x, b).fma(load(y, b), a0);
      }
      sum = sumLanes(a0);
    }
    for (; i < n; i++) {
      long b = (long) i << 3;
      sum = Math.fma(get(x, b), get(y, b), sum);
    }
    return sum;
  }

  static double nrm2Kernel(DVector x) {
    double ssq = sumSquares(x);
    if (ssq >= SUM_SQUARES_TINY && ssq < Double.POSITIVE_INFINITY) {
      return Math.sqrt(ssq); // the fast path: no over- or underflow lost accuracy
    }
    if (Double.isNaN(ssq)) {
      return Double.NaN;
    }
    double max = maxAbs(x);
    if (max == 0.0 || !(max < Double.POSITIVE_INFINITY)) {
      return max; // all zeros, or an infinity (NaN was caught above)
    }
    // Scale by a power of two near 1/max: exact, and finite even for a subnormal max.
    int exponent = Math.getExponent(max);
    double scale = Math.scalb(1.0, -exponent);
    return Math.sqrt(scaledSumSquares(x, scale)) * Math.scalb(1.0, exponent);
  }

  static double sumSquares(DVector x) {
    return scaledSumSquares(x, 1.0);
  }

  /** {@code max |x_i|}; NaN if some element is NaN. */
  static double maxAbs(DVector x) {
    int n = x.length();
    int i = 0;
    double max = 0.0;
    if (x.stride() == 1) {
      MemorySegment xs = x.segment();
      long xo = base(x);
      int bound = SPECIES.loopBound(n);
      if (bound > 0) {
        DoubleVector m = DoubleVector.zero(SPECIES);
        for (; i < bound; i += L) {
          m = m.max(load(xs, at(xo, i)).abs());
        }
        max = m.reduceLanes(VectorOperators.MAX);
      }
      for (; i < n; i++) {
        max = Math.max(max, Math.abs(get(xs, at(xo, i))));
      }
      return max;
    }
    for (; i < n; i++) {
      max = Math.max(max, Math.abs(get(x, i)));
    }
    return max;
  }

  /**
   * {@code Σ (s x_i)²}; {@code sumSquares} is this with {@code s = 1} (exact), so that with
   * {@code s} a power of two the rescaled norm is the plain one scaled exactly:
   * {@code nrm2(2^k x) = 2^k nrm2(x)} whichever path each takes. One load per element (not
   * {@code dot(x, x)}, which the JIT does not merge into one).
   */
  static double scaledSumSquares(DVector x, double scale) {
    int n = x.length();
    int i = 0;
    double sum = 0.0;
    if (x.stride() != 1) {
      for (; i < n; i++) {
        double v = get(x, i) * scale;
        sum = Math.fma(v, v, sum);
      }
      return sum;
    }
    MemorySegment xs = x.segment();
    long xo = base(x);
    int bound = SPECIES.loopBound(n);
    if (bound > 0) {
      DoubleVector s = DoubleVector.broadcast(SPECIES, scale);
      DoubleVector a0 = DoubleVector.zero(SPECIES);
      if (n >= UNROLL_MIN) {
        DoubleVector a1 = a0;
        DoubleVector a2 = a0;
        DoubleVector a3 = a0;
        i = n & -L4;
        long end = (long) i << 3;
        for (long d = 0; d < end; d += 4 * VB) {
          DoubleVector v0 = load(xs, xo + d).mul(s);
          DoubleVector v1 = load(xs, xo + d + VB).mul(s);
          DoubleVector v2 = load(xs, xo + d + 2 * VB).mul(s);
          DoubleVector v3 = load(xs, xo + d + 3 * VB).mul(s);
          a0 = v0.fma(v0, a0);
          a1 = v1.fma(v1, a1);
          a2 = v2.fma(v2, a2);
          a3 = v3.fma(v3, a3);
        }
        a0 = a0.add(a1).add(a2.add(a3));
      }
      for (; i < bound; i += L) {
        DoubleVector v = load(xs, at(xo, i)).mul(s);
        a0 = v.fma(v, a0);
      }
      sum = sumLanes(a0);
    }
    for (; i < n; i++) {
      double v = get(xs, at(xo, i)) * scale;
      sum = Math.fma(v, v, sum);
    }
    return sum;
  }

  static double asumKernel(DVector x) {
    int n = x.length();
    int i = 0;
    double sum = 0.0;
    if (x.stride() != 1) {
      for (; i < n; i++) {
        sum += Math.abs(get(x, i));
      }
      return sum;
    }
    MemorySegment xs = x.segment();
    long xo = base(x);
    int bound = SPECIES.loopBound(n);
    if (bound > 0) {
      DoubleVector a0 = DoubleVector.zero(SPECIES);
      DoubleVector a1 = a0;
      DoubleVector a2 = a0;
      DoubleVector a3 = a0;
      i = n & -L4;
      long end = (long) i << 3;
      for (long d = 0; d < end; d += 4 * VB) {
        a0 = a0.add(load(xs, xo + d).abs());
        a1 = a1.add(load(xs, xo + d + VB).abs());
        a2 = a2.add(load(xs, xo + d + 2 * VB).abs());
        a3 = a3.add(load(xs, xo + d + 3 * VB).abs());
      }
      for (; i < bound; i += L) {
        a0 = a0.add(load(xs, at(xo, i)).abs());
      }
      sum = sumLanes(a0.add(a1).add(a2.add(a3)));
    }
    for (; i < n; i++) {
      sum += Math.abs(get(xs, at(xo, i)));
    }
    return sum;
  }

  static void axpyKernel(double alpha, DVector x, DVector y) {
    if (contiguous(x, y)) {
      axpy(alpha, x.segment(), base(x), y.segment(), base(y), x.length());
      return;
    }
    for (int i = 0; i < x.length(); i++) {
      set(y, i, Math.fma(alpha, get(x, i), get(y, i)));
    }
  }

  /** {@code y ← αx + y} over {@code n} contiguous elements. */
  static void axpy(double alpha, MemorySegment xs, long xo, MemorySegment ys, long yo, int n) {
    int i = 0;
    int bound = SPECIES.loopBound(n);
    if (bound > 0) {
      DoubleVector a = DoubleVector.broadcast(SPECIES, alpha);
      for (; i < bound; i += L) {
        long yb = at(yo, i);
        store(load(xs, at(xo, i)).fma(a, load(ys, yb)), ys, yb);
      }
    }
    for (; i < n; i++) {
      long yb = at(yo, i);
      set(ys, yb, Math.fma(alpha, get(xs, at(xo, i)), get(ys, yb)));
    }
  }

  static void axpbyKernel(double alpha, DVector x, double beta, DVector y) {
    int n = x.length();
    int i = 0;
    if (!contiguous(x, y)) {
      for (; i < n; i++) {
        double ax = alpha * get(x, i);
        set(y, i, beta == 0.0 ? ax : Math.fma(beta, get(y, i), ax));
      }
      return;
    }
    if (beta == 0.0) {
      scale(alpha, x.segment(), base(x), y.segment(), base(y), n); // y is not read
      return;
    }
    MemorySegment xs = x.segment();
    MemorySegment ys = y.segment();
    long xo = base(x);
    long yo = base(y);
    int bound = SPECIES.loopBound(n);
    if (bound > 0) {
      DoubleVector a = DoubleVector.broadcast(SPECIES, alpha);
      DoubleVector b = DoubleVector.broadcast(SPECIES, beta);
      for (; i < bound; i += L) {
        long yb = at(yo, i);
        store(load(ys, yb).fma(b, load(xs, at(xo, i)).mul(a)), ys, yb);
      }
    }
    for (; i < n; i++) {
      long yb = at(yo, i);
      set(ys, yb, Math.fma(beta, get(ys, yb), alpha * get(xs, at(xo, i))));
    }
  }

  /** {@code y ← αx} over {@code n} contiguous elements ({@code y} may be {@code x}). */
  static void scale(double alpha, MemorySegment xs, long xo, MemorySegment ys, long yo,
      int n) {
    int i = 0;
    int bound = SPECIES.loopBound(n);
    if (bound > 0) {
      DoubleVector a = DoubleVector.broadcast(SPECIES, alpha);
      for (; i < bound; i += L) {
        store(load(xs, at(xo, i)).mul(a), ys, at(yo, i));
      }
    }
    for (; i < n; i++) {
      set(ys, at(yo, i), alpha * get(xs, at(xo, i)));
    }
  }

  static void scalKernel(double alpha, DVector x) {
    if (x.stride() == 1) {
      scale(alpha, x.segment(), base(x), x.segment(), base(x), x.length());
      return;
    }
    for (int i = 0; i < x.length(); i++) {
      set(x, i, alpha * get(x, i));
    }
  }

  static void copyKernel(DVector x, DVector y) {
    if (contiguous(x, y)) {
      MemorySegment.copy(x.segment(), base(x), y.segment(), base(y),
          (long) x.length() * Double.BYTES);
      return;
    }
    for (int i = 0; i < x.length(); i++) {
      set(y, i, get(x, i));
    }
  }

  static void fillKernel(double value, DVector x) {
    int n = x.length();
    if (x.stride() != 1) {
      for (int i = 0; i < n; i++) {
        set(x, i, value);
      }
      return;
    }
    MemorySegment xs = x.segment();
    long xo = base(x);
    if (Double.doubleToRawLongBits(value) == 0L) {
      xs.asSlice(xo, (long) n * Double.BYTES).fill((byte) 0); // +0.0 is all zero bytes
      return;
    }
    int i = 0;
    int bound = SPECIES.loopBound(n);
    if (bound > 0) {
      DoubleVector v = DoubleVector.broadcast(SPECIES, value);
      for (; i < bound; i += L) {
        store(v, xs, at(xo, i));
      }
    }
    for (; i < n; i++) {
      set(xs, at(xo, i), value);
    }
  }

  static void rotKernel(DVector x, DVector y, double c, double s) {
    int n = x.length();
    int i = 0;
    if (!contiguous(x, y)) {
      for (; i < n; i++) {
        double xi = get(x, i);
        double yi = get(y, i);
        set(x, i, Math.fma(c, xi, s * yi));
        set(y, i, Math.fma(c, yi, -s * xi));
      }
      return;
    }
    MemorySegment xs = x.segment();
    MemorySegment ys = y.segment();
    long xo = base(x);
    long yo = base(y);
    int bound = SPECIES.loopBound(n);
    if (bound > 0) {
      DoubleVector cv = DoubleVector.broadcast(SPECIES, c);
      DoubleVector sv = DoubleVector.broadcast(SPECIES, s);
      for (; i < bound; i += L) {
        long xb = at(xo, i);
        long yb = at(yo, i);
        DoubleVector xv = load(xs, xb);
        DoubleVector yv = load(ys, yb);
        store(xv.fma(cv, yv.mul(sv)), xs, xb);
        store(yv.fma(cv, xv.mul(sv).neg()), ys, yb);
      }
    }
    for (; i < n; i++) {
      long xb = at(xo, i);
      long yb = at(yo, i);
      double xi = get(xs, xb);
      double yi = get(ys, yb);
      set(xs, xb, Math.fma(c, xi, s * yi));
      set(ys, yb, Math.fma(c, yi, -s * xi));
    }
  }

  static void kmStepKernel(double eta, DVector phi, DVector x) {
    int n = x.length();
    int i = 0;
    if (!contiguous(phi, x)) {
      for (; i < n; i++) {
        double xi = get(x, i);
        set(x, i, Math.fma(eta, get(phi, i) - xi, xi));
      }
      return;
    }
    MemorySegment ps = phi.segment();
    MemorySegment xs = x.segment();
    long po = base(phi);
    long xo = base(x);
    int bound = SPECIES.loopBound(n);
    if (bound > 0) {
      DoubleVector e = DoubleVector.broadcast(SPECIES, eta);
      for (; i < bound; i += L) {
        long xb = at(xo, i);
        DoubleVector xv = load(xs, xb);
        store(load(ps, at(po, i)).sub(xv).fma(e, xv), xs, xb);
      }
    }
    for (; i < n; i++) {
      long xb = at(xo, i);
      double xi = get(xs, xb);
      set(xs, xb, Math.fma(eta, get(ps, at(po, i)) - xi, xi));
    }
  }

  static double kmStepResidualKernel(double eta, DVector phi, DVector x) {
    return Math.sqrt(kmStepSquares(eta, phi, x));
  }

  /** {@code x ← x + η(φ − x)}, returning {@code Σ (φ_i − x_i)²} of the old {@code x}. */
  static double kmStepSquares(double eta, DVector phi, DVector x) {
    int n = x.length();
    int i = 0;
    double ssq = 0.0;
    if (!contiguous(phi, x)) {
      for (; i < n; i++) {
        double xi = get(x, i);
        double d = get(phi, i) - xi;
        ssq = Math.fma(d, d, ssq);
        set(x, i, Math.fma(eta, d, xi));
      }
      return ssq;
    }
    MemorySegment ps = phi.segment();
    MemorySegment xs = x.segment();
    long po = base(phi);
    long xo = base(x);
    int bound = SPECIES.loopBound(n);
    if (bound > 0) {
      DoubleVector e = DoubleVector.broadcast(SPECIES, eta);
      DoubleVector a0 = DoubleVector.zero(SPECIES);
      DoubleVector a1 = a0;
      DoubleVector a2 = a0;
      DoubleVector a3 = a0;
      i = n & -L4;
      long end = (long) i << 3;
      for (long d = 0; d < end; d += 4 * VB) {
        long xb = xo + d;
        long pb = po + d;
        DoubleVector x0 = load(xs, xb);
        DoubleVector x1 = load(xs, xb + VB);
        DoubleVector x2 = load(xs, xb + 2 * VB);
        DoubleVector x3 = load(xs, xb + 3 * VB);
        DoubleVector d0 = load(ps, pb).sub(x0);
        DoubleVector d1 = load(ps, pb + VB).sub(x1);
        DoubleVector d2 = load(ps, pb + 2 * VB).sub(x2);
        DoubleVector d3 = load(ps, pb + 3 * VB).sub(x3);
        a0 = d0.fma(d0, a0);
        a1 = d1.fma(d1, a1);
        a2 = d2.fma(d2, a2);
        a3 = d3.fma(d3, a3);
        store(d0.fma(e, x0), xs, xb);
        store(d1.fma(e, x1), xs, xb + VB);
        store(d2.fma(e, x2), xs, xb + 2 * VB);
        store(d3.fma(e, x3), xs, xb + 3 * VB);
      }
      for (; i < bound; i += L) {
        long xb = at(xo, i);
        DoubleVector x0 = load(xs, xb);
        DoubleVector d0 = load(ps, at(po, i)).sub(x0);
        a0 = d0.fma(d0, a0);
        store(d0.fma(e, x0), xs, xb);
      }
      ssq = sumLanes(a0.add(a1).add(a2.add(a3)));
    }
    for (; i < n; i++) {
      long xb = at(xo, i);
      double xi = get(xs, xb);
      double d = get(ps, at(po, i)) - xi;
      ssq = Math.fma(d, d, ssq);
      set(xs, xb, Math.fma(eta, d, xi));
    }
    return ssq;
  }
}
