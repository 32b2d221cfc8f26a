package io.github.bilevel.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API backend: every kernel on contiguous views is a loop over
 * {@link DoubleVector#SPECIES_PREFERRED} registers loaded straight from the
 * {@link MemorySegment}s, in the "vector loop / vector tail / scalar tail" shape: reductions
 * keep four independent accumulators in an unrolled main loop, then one accumulator for the
 * remaining whole vectors, then a scalar loop for the last {@code < lanes()} elements.
 * Strided views (stride &gt; 1) take plain scalar loops.
 *
 * <p>Results agree with {@link ScalarBackend} up to rounding: reductions sum in a different
 * order, updates use fused multiply-add, and the transcendental functions are the Vector API's.
 * {@code nrm2} takes one pass of a plain sum of squares and falls back to a second, scaled pass
 * only when that sum over- or underflows. The simplex projection uses Michelot's fixed-point
 * iteration instead of sorting.
 *
 * <p>Subclasses (the OpenBLAS backend) may override the BLAS kernels and keep the rest.
 */
public class SimdBackend extends AbstractBackend {

  static final VectorSpecies<Double> SPECIES = DoubleVector.SPECIES_PREFERRED;

  /** Lanes of the preferred species. */
  private static final int L = SPECIES.length();

  /** Elements of the four-register unrolled loops. */
  private static final int L4 = 4 * L;

  /** Bytes of one vector register. */
  private static final long VB = (long) L * Double.BYTES;

  private static final ByteOrder ORDER = ByteOrder.nativeOrder();

  private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE_UNALIGNED;

  /** Below this, a plain sum of squares may have lost accuracy to underflow. */
  private static final double SUM_SQUARES_TINY = 0x1p-900;

  /**
   * Passes of Michelot's simplex iteration before handing over to sorting: each pass drops at
   * least one coordinate, and typical inputs need fewer than ten.
   */
  private static final int MAX_MICHELOT_PASSES = 64;

  /** Double lanes of the preferred species. */
  public static int lanes() {
    return SPECIES.length();
  }

  @Override
  public String name() {
    return "simd";
  }

  // ---------------------------------------------------------------- memory helpers

  private static DoubleVector load(MemorySegment s, long byteOffset) {
    return DoubleVector.fromMemorySegment(SPECIES, s, byteOffset, ORDER);
  }

  private static void store(DoubleVector v, MemorySegment s, long byteOffset) {
    v.intoMemorySegment(s, byteOffset, ORDER);
  }

  private static double get(MemorySegment s, long byteOffset) {
    return s.get(D, byteOffset);
  }

  private static void set(MemorySegment s, long byteOffset, double value) {
    s.set(D, byteOffset, value);
  }

  /** Byte offset of element {@code i} of a contiguous run starting at byte {@code base}. */
  private static long at(long base, int i) {
    return base + ((long) i << 3);
  }

  /** Byte offset of element 0 of {@code v}. */
  private static long base(DVector v) {
    return v.offset() << 3;
  }

  /** Element {@code i} of a view of any stride. */
  private static double get(DVector v, int i) {
    return v.segment().get(D, v.byteOffset(i));
  }

  private static void set(DVector v, int i, double value) {
    v.segment().set(D, v.byteOffset(i), value);
  }

  private static boolean contiguous(DVector a, DVector b) {
    return a.stride() == 1 && b.stride() == 1;
  }

  private static boolean contiguous(DVector a, DVector b, DVector c) {
    return a.stride() == 1 && b.stride() == 1 && c.stride() == 1;
  }

  // ---------------------------------------------------------------- BLAS-1

  @Override
  protected double dotKernel(DVector x, DVector y) {
    if (contiguous(x, y)) {
      return dot(x.segment(), base(x), y.segment(), base(y), x.length());
    }
    double sum = 0.0;
    for (int i = 0; i < x.length(); i++) {
      sum = Math.fma(get(x, i), get(y, i), sum);
    }
    return sum;
  }

  /**
   * The sum of the lanes of {@code v}, in a fixed order (pairwise). Used instead of
   * {@code reduceLanes(ADD)}, whose order is unspecified and differs between the interpreter
   * and compiled code, so that a kernel gives the same bits however warm the JVM is.
   */
  static double sumLanes(DoubleVector v) {
    // Constant lane indices: each lane(k) compiles to one extract (a variable index does not).
    if (L == 8) {
      return ((v.lane(0) + v.lane(1)) + (v.lane(2) + v.lane(3)))
          + ((v.lane(4) + v.lane(5)) + (v.lane(6) + v.lane(7)));
    }
    if (L == 4) {
      return (v.lane(0) + v.lane(1)) + (v.lane(2) + v.lane(3));
    }
    if (L == 2) {
      return v.lane(0) + v.lane(1);
    }
    double sum = 0.0;
    for (int lane = 0; lane < L; lane++) {
      sum += v.lane(lane);
    }
    return sum;
  }

  /**
   * Length from which reductions use four accumulators (a loop unrolled by hand). A loop of
   * few iterations runs in the JIT's pre- and post-loops, which keep every bounds check: below
   * 16 iterations the plain one-vector loop, which the JIT unrolls itself, is faster ({@code dot}
   * of 128 doubles: about 40 ns unrolled by hand, 20 ns plain; at 1000 the hand-unrolled loop
   * is ahead).
   */
  private static final int UNROLL_MIN = 16 * L4;

  /** {@code Σ x_i y_i} over {@code n} contiguous elements. */
  static double dot(MemorySegment xs, long xo, MemorySegment ys, long yo, int n) {
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
          long xb = at(xo, i);
          long yb = at(yo, i);
          a0 = load(xs, xb).fma(load(ys, yb), a0);
          a1 = load(xs, xb + VB).fma(load(ys, yb + VB), a1);
          a2 = load(xs, xb + 2 * VB).fma(load(ys, yb + 2 * VB), a2);
          a3 = load(xs, xb + 3 * VB).fma(load(ys, yb + 3 * VB), a3);
        }
        a0 = a0.add(a1).add(a2.add(a3));
      }
      for (; i < bound; i += L) {
        a0 = load(xs, at(xo, i)).fma(load(ys, at(yo, i)), a0);
      }
      sum = sumLanes(a0);
    }
    for (; i < n; i++) {
      sum = Math.fma(get(xs, at(xo, i)), get(ys, at(yo, i)), sum);
    }
    return sum;
  }



  @Override
  protected double nrm2Kernel(DVector x) {
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

  private static double sumSquares(DVector x) {
    if (x.stride() == 1) {
      return dot(x.segment(), base(x), x.segment(), base(x), x.length());
    }
    double sum = 0.0;
    for (int i = 0; i < x.length(); i++) {
      double xi = get(x, i);
      sum = Math.fma(xi, xi, sum);
    }
    return sum;
  }

  /** {@code max |x_i|}; NaN if some element is NaN. */
  private static double maxAbs(DVector x) {
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
   * {@code Σ (s x_i)²}, in exactly the order of {@link #dot} (same accumulators, same tails), so
   * that with {@code s} a power of two the rescaled norm is the plain one scaled exactly:
   * {@code nrm2(2^k x) = 2^k nrm2(x)} whichever path each takes.
   */
  private static double scaledSumSquares(DVector x, double scale) {
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
        int unrolled = n & -L4;
        for (; i < unrolled; i += L4) {
          long xb = at(xo, i);
          DoubleVector v0 = load(xs, xb).mul(s);
          DoubleVector v1 = load(xs, xb + VB).mul(s);
          DoubleVector v2 = load(xs, xb + 2 * VB).mul(s);
          DoubleVector v3 = load(xs, xb + 3 * VB).mul(s);
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



  @Override
  protected double asumKernel(DVector x) {
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
      int unrolled = n & -L4;
      for (; i < unrolled; i += L4) {
        long xb = at(xo, i);
        a0 = a0.add(load(xs, xb).abs());
        a1 = a1.add(load(xs, xb + VB).abs());
        a2 = a2.add(load(xs, xb + 2 * VB).abs());
        a3 = a3.add(load(xs, xb + 3 * VB).abs());
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

  @Override
  protected void axpyKernel(double alpha, DVector x, DVector y) {
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

  @Override
  protected void axpbyKernel(double alpha, DVector x, double beta, DVector y) {
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
  private static void scale(double alpha, MemorySegment xs, long xo, MemorySegment ys, long yo,
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

  @Override
  protected void scalKernel(double alpha, DVector x) {
    if (x.stride() == 1) {
      scale(alpha, x.segment(), base(x), x.segment(), base(x), x.length());
      return;
    }
    for (int i = 0; i < x.length(); i++) {
      set(x, i, alpha * get(x, i));
    }
  }

  @Override
  protected void copyKernel(DVector x, DVector y) {
    if (contiguous(x, y)) {
      MemorySegment.copy(x.segment(), base(x), y.segment(), base(y),
          (long) x.length() * Double.BYTES);
      return;
    }
    for (int i = 0; i < x.length(); i++) {
      set(y, i, get(x, i));
    }
  }

  @Override
  protected void fillKernel(double value, DVector x) {
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

  @Override
  protected void rotKernel(DVector x, DVector y, double c, double s) {
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

  // ---------------------------------------------------------------- KM

  @Override
  protected void kmStepKernel(double eta, DVector phi, DVector x) {
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

  @Override
  protected double kmStepResidualKernel(double eta, DVector phi, DVector x) {
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
      return Math.sqrt(ssq);
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
      int unrolled = n & -L4;
      for (; i < unrolled; i += L4) {
        long xb = at(xo, i);
        long pb = at(po, i);
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
    return Math.sqrt(ssq);
  }

  // ---------------------------------------------------------------- BLAS-2

  @Override
  protected void gemvKernel(double alpha, DMatrix a, DVector x, double beta, DVector y) {
    int m = a.rows();
    int n = a.cols();
    if (x.stride() != 1) {
      for (int i = 0; i < m; i++) {
        double sum = 0.0;
        for (int j = 0; j < n; j++) {
          sum = Math.fma(a.segment().get(D, a.byteOffset(i, j)), get(x, j), sum);
        }
        set(y, i, beta == 0.0 ? alpha * sum : alpha * sum + beta * get(y, i));
      }
      return;
    }
    MemorySegment as = a.segment();
    MemorySegment xs = x.segment();
    long ao = a.offset() << 3;
    long ld = (long) a.ld() << 3;
    long xo = base(x);
    int i = 0;
    for (; i + 4 <= m; i += 4) {
      gemvFourRows(alpha, as, ao + i * ld, ld, xs, xo, n, beta, y, i);
    }
    for (; i < m; i++) {
      double sum = dot(as, ao + i * ld, xs, xo, n);
      set(y, i, beta == 0.0 ? alpha * sum : alpha * sum + beta * get(y, i));
    }
  }

  /** Rows {@code i .. i+3} of {@code y ← αAx + βy}, sharing the loads of {@code x}. */
  private static void gemvFourRows(double alpha, MemorySegment as, long r0, long ld,
      MemorySegment xs, long xo, int n, double beta, DVector y, int i) {
    long r1 = r0 + ld;
    long r2 = r1 + ld;
    long r3 = r2 + ld;
    int j = 0;
    double s0 = 0.0;
    double s1 = 0.0;
    double s2 = 0.0;
    double s3 = 0.0;
    int bound = SPECIES.loopBound(n);
    if (bound > 0) {
      DoubleVector c00 = DoubleVector.zero(SPECIES);
      DoubleVector c01 = c00;
      DoubleVector c10 = c00;
      DoubleVector c11 = c00;
      DoubleVector c20 = c00;
      DoubleVector c21 = c00;
      DoubleVector c30 = c00;
      DoubleVector c31 = c00;
      int unrolled = n >= 32 * L ? n & -(2 * L) : 0; // short rows: the plain loop (see UNROLL_MIN)
      for (; j < unrolled; j += 2 * L) {
        long xb = at(xo, j);
        long jb = (long) j << 3;
        DoubleVector x0 = load(xs, xb);
        DoubleVector x1 = load(xs, xb + VB);
        c00 = load(as, r0 + jb).fma(x0, c00);
        c01 = load(as, r0 + jb + VB).fma(x1, c01);
        c10 = load(as, r1 + jb).fma(x0, c10);
        c11 = load(as, r1 + jb + VB).fma(x1, c11);
        c20 = load(as, r2 + jb).fma(x0, c20);
        c21 = load(as, r2 + jb + VB).fma(x1, c21);
        c30 = load(as, r3 + jb).fma(x0, c30);
        c31 = load(as, r3 + jb + VB).fma(x1, c31);
      }
      for (; j < bound; j += L) {
        long jb = (long) j << 3;
        DoubleVector x0 = load(xs, at(xo, j));
        c00 = load(as, r0 + jb).fma(x0, c00);
        c10 = load(as, r1 + jb).fma(x0, c10);
        c20 = load(as, r2 + jb).fma(x0, c20);
        c30 = load(as, r3 + jb).fma(x0, c30);
      }
      s0 = sumLanes(c00.add(c01));
      s1 = sumLanes(c10.add(c11));
      s2 = sumLanes(c20.add(c21));
      s3 = sumLanes(c30.add(c31));
    }
    for (; j < n; j++) {
      long jb = (long) j << 3;
      double xj = get(xs, at(xo, j));
      s0 = Math.fma(get(as, r0 + jb), xj, s0);
      s1 = Math.fma(get(as, r1 + jb), xj, s1);
      s2 = Math.fma(get(as, r2 + jb), xj, s2);
      s3 = Math.fma(get(as, r3 + jb), xj, s3);
    }
    if (beta == 0.0) {
      set(y, i, alpha * s0);
      set(y, i + 1, alpha * s1);
      set(y, i + 2, alpha * s2);
      set(y, i + 3, alpha * s3);
    } else {
      set(y, i, alpha * s0 + beta * get(y, i));
      set(y, i + 1, alpha * s1 + beta * get(y, i + 1));
      set(y, i + 2, alpha * s2 + beta * get(y, i + 2));
      set(y, i + 3, alpha * s3 + beta * get(y, i + 3));
    }
  }

  /**
   * {@code y ← αAᵀx + βy} as updates of {@code y} by the rows of {@code A}, four rows per pass
   * over {@code y}, so {@code y} is loaded and stored once per four rows.
   */
  @Override
  protected void gemvTKernel(double alpha, DMatrix a, DVector x, double beta, DVector y) {
    int m = a.rows();
    int n = a.cols();
    MemorySegment as = a.segment();
    long ao = a.offset() << 3;
    long ld = (long) a.ld() << 3;
    if (y.stride() != 1) {
      if (beta == 0.0) {
        fillKernel(0.0, y); // y is not read
      } else if (beta != 1.0) {
        scalKernel(beta, y);
      }
      for (int i = 0; i < m; i++) {
        double axi = alpha * get(x, i);
        for (int j = 0; j < n; j++) {
          set(y, j, Math.fma(axi, get(as, at(ao + i * ld, j)), get(y, j)));
        }
      }
      return;
    }
    MemorySegment ys = y.segment();
    long yo = base(y);
    // with beta = 0 the first pass overwrites y without reading it
    boolean overwrite = beta == 0.0;
    if (!overwrite && beta != 1.0) {
      scale(beta, ys, yo, ys, yo, n);
    }
    int i = 0;
    for (; i + 4 <= m; i += 4) {
      gemvTFourRows(alpha * get(x, i), alpha * get(x, i + 1), alpha * get(x, i + 2),
          alpha * get(x, i + 3), as, ao + i * ld, ld, ys, yo, n, overwrite);
      overwrite = false;
    }
    for (; i < m; i++) {
      if (overwrite) {
        scale(alpha * get(x, i), as, ao + i * ld, ys, yo, n);
        overwrite = false;
      } else {
        axpy(alpha * get(x, i), as, ao + i * ld, ys, yo, n);
      }
    }
  }

  /**
   * {@code y ← y + c0 A_0 + c1 A_1 + c2 A_2 + c3 A_3} for four consecutive rows; with
   * {@code overwrite}, {@code y ← c0 A_0 + ... + c3 A_3} without reading {@code y}.
   */
  private static void gemvTFourRows(double c0, double c1, double c2, double c3, MemorySegment as,
      long r0, long ld, MemorySegment ys, long yo, int n, boolean overwrite) {
    long r1 = r0 + ld;
    long r2 = r1 + ld;
    long r3 = r2 + ld;
    int j = 0;
    int bound = SPECIES.loopBound(n);
    if (bound > 0) {
      DoubleVector v0 = DoubleVector.broadcast(SPECIES, c0);
      DoubleVector v1 = DoubleVector.broadcast(SPECIES, c1);
      DoubleVector v2 = DoubleVector.broadcast(SPECIES, c2);
      DoubleVector v3 = DoubleVector.broadcast(SPECIES, c3);
      for (; j < bound; j += L) {
        long jb = (long) j << 3;
        long yb = yo + jb;
        DoubleVector a0 = load(as, r0 + jb);
        DoubleVector acc = overwrite ? a0.mul(v0) : a0.fma(v0, load(ys, yb));
        acc = load(as, r1 + jb).fma(v1, acc);
        acc = load(as, r2 + jb).fma(v2, acc);
        acc = load(as, r3 + jb).fma(v3, acc);
        store(acc, ys, yb);
      }
    }
    for (; j < n; j++) {
      long jb = (long) j << 3;
      long yb = yo + jb;
      double a0 = get(as, r0 + jb);
      double acc = overwrite ? a0 * c0 : Math.fma(a0, c0, get(ys, yb));
      acc = Math.fma(get(as, r1 + jb), c1, acc);
      acc = Math.fma(get(as, r2 + jb), c2, acc);
      acc = Math.fma(get(as, r3 + jb), c3, acc);
      set(ys, yb, acc);
    }
  }

  @Override
  protected void gerKernel(double alpha, DVector x, DVector y, DMatrix a) {
    int m = a.rows();
    int n = a.cols();
    MemorySegment as = a.segment();
    long ao = a.offset() << 3;
    long ld = (long) a.ld() << 3;
    if (y.stride() != 1) {
      for (int i = 0; i < m; i++) {
        double axi = alpha * get(x, i);
        for (int j = 0; j < n; j++) {
          long b = at(ao + i * ld, j);
          set(as, b, Math.fma(axi, get(y, j), get(as, b)));
        }
      }
      return;
    }
    MemorySegment ys = y.segment();
    long yo = base(y);
    for (int i = 0; i < m; i++) {
      axpy(alpha * get(x, i), ys, yo, as, ao + i * ld, n);
    }
  }

  // ---------------------------------------------------------------- BLAS-3

  @Override
  protected void gemmKernel(boolean transA, boolean transB, double alpha, DMatrix a, DMatrix b,
      double beta, DMatrix c) {
    SimdGemm.gemm(transA, transB, alpha, a, b, beta, c);
  }

  // ---------------------------------------------------------------- elementwise

  @Override
  protected void tanhKernel(DVector x, DVector out) {
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

  @Override
  protected void hadamardKernel(double alpha, DVector a, DVector x, double beta, DVector y) {
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

  @Override
  protected void tanhBackwardKernel(DVector t, DVector v, DVector out) {
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

  @Override
  protected void sigmoidKernel(DVector x, DVector out) {
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

  @Override
  protected void sigmoidBackwardKernel(DVector s, DVector v, DVector out) {
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

  @Override
  protected void reluKernel(DVector x, DVector out) {
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

  @Override
  protected void reluBackwardKernel(DVector x, DVector v, DVector out) {
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

  // ---------------------------------------------------------------- softmax / CE

  /** {@code max_j z_j} over {@code n > 0} contiguous elements (NaN if one is NaN). */
  private static double rowMax(MemorySegment s, long o, int n) {
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
  private static double sumExp(MemorySegment zs, long zo, double shift, MemorySegment os,
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

  @Override
  protected void softmaxKernel(DMatrix logits, DMatrix out) {
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

  @Override
  protected double softmaxCrossEntropyKernel(DMatrix logits, MemorySegment labels,
      DMatrix gradient) {
    int r = logits.rows();
    int c = logits.cols();
    MemorySegment zs = logits.segment();
    MemorySegment gs = gradient == null ? null : gradient.segment();
    double invRows = 1.0 / r;
    double total = 0.0;
    for (int i = 0; i < r; i++) {
      int y = label(labels, i, c);
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

  // ---------------------------------------------------------------- projections

  @Override
  protected void clampKernel(DVector x, double lower, double upper) {
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

  @Override
  protected void clampKernel(DVector x, DVector lower, DVector upper) {
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
  @Override
  protected void simplexKernel(DVector x, double radius) {
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
  private static double sum(DVector x) {
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
  private static double sumAbove(DVector x, double tau, int[] count) {
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
  private static void shrink(DVector x, double tau) {
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
