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
        set(out, i, tanh(get(x, i)));
      }
      return;
    }
    MemorySegment xs = x.segment();
    MemorySegment os = out.segment();
    long xo = base(x);
    long oo = base(out);
    int bound = SPECIES.loopBound(n);
    tanhLoop(xs, xo, os, oo, bound);
    for (i = bound; i < n; i++) {
      set(os, at(oo, i), tanh(get(xs, at(xo, i))));
    }
  }

  // ---------------------------------------------------------------- exp and tanh
  //
  // From IEEE additions, multiplications and fused multiply-adds only (tanh: SimdMath's), lane
  // for lane the same operations as the scalar versions below: the bits are the same interpreted or compiled, in
  // a vector lane or a scalar tail, on one thread or several. (The Vector API's own EXP and
  // TANH lanes are the CPU's vector routines once C2 compiled them and Math.exp/Math.tanh per
  // lane before, which round differently, so the bits of a kernel depended on the JIT's state.)

  /** log2(e), ln 2 in two parts (the high one with 11 trailing zero bits), 1.5 · 2^52. */
  private static final double LOG2E = 0x1.71547652b82fep0;
  private static final double LN2_HI = 0x1.62e42fee00000p-1;
  private static final double LN2_LO = 0x1.a39ef35793c76p-33;
  private static final double SHIFTER = 0x1.8p52;
  private static final long SHIFTER_BITS = Double.doubleToRawLongBits(SHIFTER);

  /** 1/k! for k = 0 .. 13: the Taylor series of e^r, |r| ≤ ln2/2, to 4e-18. */
  private static final double C0 = 1.0;
  private static final double C1 = 1.0;
  private static final double C2 = 1.0 / 2.0;
  private static final double C3 = 1.0 / 6.0;
  private static final double C4 = 1.0 / 24.0;
  private static final double C5 = 1.0 / 120.0;
  private static final double C6 = 1.0 / 720.0;
  private static final double C7 = 1.0 / 5040.0;
  private static final double C8 = 1.0 / 40320.0;
  private static final double C9 = 1.0 / 362880.0;
  private static final double C10 = 1.0 / 3628800.0;
  private static final double C11 = 1.0 / 39916800.0;
  private static final double C12 = 1.0 / 479001600.0;
  private static final double C13 = 1.0 / 6227020800.0;


  /**
   * The vector loop of tanh over the first {@code bound} elements (whole vectors): SimdMath's,
   * the fused GEMM's activation, so that fused and elementwise tanh give the same bits.
   */
  private static void tanhLoop(MemorySegment xs, long xo, MemorySegment os, long oo,
      int bound) {
    for (int i = 0; i < bound; i += L) {
      DoubleVector x = DoubleVector.fromMemorySegment(SPECIES, xs, xo + ((long) i << 3), ORDER);
      SimdMath.tanh(x).intoMemorySegment(os, oo + ((long) i << 3), ORDER);
    }
  }


  /** The vector loop of sigmoid, as {@link #tanhLoop}. */
  private static void sigmoidLoop(MemorySegment xs, long xo, MemorySegment os, long oo,
      int bound) {
    DoubleVector one = DoubleVector.broadcast(SPECIES, 1.0);
    DoubleVector ln2Hi = DoubleVector.broadcast(SPECIES, LN2_HI);
    DoubleVector ln2Lo = DoubleVector.broadcast(SPECIES, LN2_LO);
    DoubleVector c0 = DoubleVector.broadcast(SPECIES, C0);
    DoubleVector c1 = DoubleVector.broadcast(SPECIES, C1);
    DoubleVector c2 = DoubleVector.broadcast(SPECIES, C2);
    DoubleVector c3 = DoubleVector.broadcast(SPECIES, C3);
    DoubleVector c4 = DoubleVector.broadcast(SPECIES, C4);
    DoubleVector c5 = DoubleVector.broadcast(SPECIES, C5);
    DoubleVector c6 = DoubleVector.broadcast(SPECIES, C6);
    DoubleVector c7 = DoubleVector.broadcast(SPECIES, C7);
    DoubleVector c8 = DoubleVector.broadcast(SPECIES, C8);
    DoubleVector c9 = DoubleVector.broadcast(SPECIES, C9);
    DoubleVector c10 = DoubleVector.broadcast(SPECIES, C10);
    DoubleVector c11 = DoubleVector.broadcast(SPECIES, C11);
    DoubleVector c12 = DoubleVector.broadcast(SPECIES, C12);
    DoubleVector c13 = DoubleVector.broadcast(SPECIES, C13);
    for (int i = 0; i < bound; i += L) {
      // JDK calls, not our load/store/at: those the JIT left out of this large loop, boxing
      DoubleVector x = DoubleVector.fromMemorySegment(SPECIES, xs, xo + ((long) i << 3), ORDER);
      DoubleVector arg = x.neg().max(SIGMOID_EXP_MIN).min(SIGMOID_EXP_MAX);
      DoubleVector k = arg.mul(LOG2E).add(SHIFTER).sub(SHIFTER); // round to nearest
      DoubleVector minusK = k.neg();
      DoubleVector r = minusK.fma(ln2Lo, minusK.fma(ln2Hi, arg));
      DoubleVector r2 = r.mul(r);
      DoubleVector r4 = r2.mul(r2);
      DoubleVector r8 = r4.mul(r4);
      DoubleVector s0 = r.fma(c3, c2).fma(r2,
          r.fma(c1, c0));
      DoubleVector s1 = r.fma(c7, c6).fma(r2,
          r.fma(c5, c4));
      DoubleVector s2 = r.fma(c11, c10).fma(r2,
          r.fma(c9, c8));
      DoubleVector u0 = s1.fma(r4, s0);
      DoubleVector u1 = r.fma(c13, c12).fma(r4, s2);
      // 2^k: the exponent field set directly (as powerOfTwo(double) does)
      DoubleVector e = u1.fma(r8, u0).mul(k.add(SHIFTER + 1023).reinterpretAsLongs()
          .sub(SHIFTER_BITS).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles());
      one.div(e.add(one)).intoMemorySegment(os, oo + ((long) i << 3), ORDER);
    }
  }

  /**
   * e^x for x in [−40, 709] (callers clamp): x = k ln2 + r, |r| ≤ ln2/2, e^r by its Taylor
   * series in Estrin's scheme (a chain of 4 FMAs, not 13), times 2^k (k ≤ 1023, a normal power
   * of two); about 2 ulps. The operations of one lane of
   * {@link #tanhLoop} and {@link #sigmoidLoop}.
   */
  static double exp(double x) {
    double k = x * LOG2E + SHIFTER - SHIFTER;
    double r = Math.fma(-k, LN2_LO, Math.fma(-k, LN2_HI, x));
    double r2 = r * r;
    double r4 = r2 * r2;
    double r8 = r4 * r4;
    double q0 = Math.fma(r, C1, C0);
    double q1 = Math.fma(r, C3, C2);
    double q2 = Math.fma(r, C5, C4);
    double q3 = Math.fma(r, C7, C6);
    double q4 = Math.fma(r, C9, C8);
    double q5 = Math.fma(r, C11, C10);
    double q6 = Math.fma(r, C13, C12);
    double s0 = Math.fma(q1, r2, q0);
    double s1 = Math.fma(q3, r2, q2);
    double s2 = Math.fma(q5, r2, q4);
    double u0 = Math.fma(s1, r4, s0);
    double u1 = Math.fma(q6, r4, s2);
    double p = Math.fma(u1, r8, u0);
    return p * powerOfTwo(k);
  }

  /** 2^k for integral k in [−1022, 1023]: the exponent field set directly. */
  private static double powerOfTwo(double k) {
    return Double.longBitsToDouble(
        (Double.doubleToRawLongBits(k + (SHIFTER + 1023)) - SHIFTER_BITS) << 52);
  }

  /**
   * tanh of one double: one lane of {@link SimdMath#tanh}, so that tails and strided vectors
   * get the bits of the vector loop (cancellation-free near 0, within 2 ulps of Math.tanh).
   */
  static double tanh(double x) {
    return SimdMath.tanh(DoubleVector.broadcast(SPECIES, x)).lane(0);
  }


  /**
   * The argument of e^(−x) in sigmoid, clamped to [−40, 709]: beyond −40 sigmoid is 1 in
   * double; beyond 709 (e^709 = 8.2e307, the largest power of e whose 2^k is finite) it is
   * 1/(1 + e^709) = 1.2e-308 instead of a smaller subnormal (or 0 below −709.78 where
   * e^(−x) overflows): off by less than 2^-1022 absolute.
   */
  private static final double SIGMOID_EXP_MIN = -40.0;
  private static final double SIGMOID_EXP_MAX = 709.0;

  /** sigmoid of one double: the operations of one lane of {@link #sigmoidLoop}. */
  static double sigmoid(double x) {
    return 1.0 / (exp(Math.min(Math.max(-x, SIGMOID_EXP_MIN), SIGMOID_EXP_MAX)) + 1.0);
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
        set(out, i, sigmoid(get(x, i)));
      }
      return;
    }
    MemorySegment xs = x.segment();
    MemorySegment os = out.segment();
    long xo = base(x);
    long oo = base(out);
    int bound = SPECIES.loopBound(n);
    sigmoidLoop(xs, xo, os, oo, bound);
    for (i = bound; i < n; i++) {
      set(os, at(oo, i), sigmoid(get(xs, at(xo, i))));
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
   * e^x of one double: one lane of {@link SimdMath#exp}, so that a row's tail gets the bits of
   * its vector loop, and softmax the same bits however warm the JIT is (the Vector API's own EXP
   * lane differs from Math.exp, its interpreted fallback, by an ulp now and then).
   */
  static double softmaxExp(double x) {
    return SimdMath.exp(DoubleVector.broadcast(SPECIES, x)).lane(0);
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
          acc = acc.add(SimdMath.exp(load(zs, at(zo, j)).sub(sh)));
        }
      } else {
        for (; j < bound; j += L) {
          DoubleVector e = SimdMath.exp(load(zs, at(zo, j)).sub(sh));
          store(e, os, at(oo, j));
          acc = acc.add(e);
        }
      }
      sum = sumLanes(acc);
    }
    for (; j < n; j++) {
      double e = softmaxExp(get(zs, at(zo, j)) - shift);
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
        double py = softmaxExp(zy - max - logSum);
        set(gs, at(go, y), (py - 1.0) * invRows);
      }
    }
    return total / r;
  }
}
