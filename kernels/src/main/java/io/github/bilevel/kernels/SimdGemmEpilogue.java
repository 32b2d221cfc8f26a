package io.github.bilevel.kernels;

import static io.github.bilevel.kernels.SimdSupport.D;
import static io.github.bilevel.kernels.SimdSupport.L;
import static io.github.bilevel.kernels.SimdSupport.ORDER;
import static io.github.bilevel.kernels.SimdSupport.SPECIES;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The write-back of {@link SimdGemm}'s last k block under a {@link GemmEpilogue}: for each
 * element of a finished micro-tile, {@code v = α·tile + β·Y} (Y the addend in the first k block,
 * C in later ones, not read when β is zero), then {@code v + bias_j}, the activation, the store
 * to C and the Krasnoselskii–Mann mix {@code X ← X + η (v − X)} ({@code fma}, as
 * {@link SimdBackend#kmStep}), while the tile is still in cache: one pass over C, Y and X.
 *
 * <p>The activations are {@link SimdMath}'s {@code tanh} and sigmoid (ReLU a blend, as in
 * {@link SimdActivations}), applied to every element, the few columns at a tile's right edge too
 * (through one vector): pure IEEE arithmetic, so the result does not depend on an element's
 * column, on the thread count, or on how warm the JIT is. They agree with the backend's
 * elementwise kernels (the Vector API's {@code TANH} and {@code EXP}, or {@code Math}'s on the
 * scalar tail) within 3 ulps for tanh and 4 for the sigmoid; identity and ReLU are exact.
 *
 * <p>Also the operand slicing of the threaded gemm's cuts.
 */
final class SimdGemmEpilogue {

  private static final long BYTES = Double.BYTES;
  private static final DoubleVector ZERO = DoubleVector.zero(SPECIES);

  private final DMatrix c;
  private final DMatrix y;
  private final Activation activation;
  /** The bias, contiguous (a copy when the caller's view is strided); null for none. */
  private final MemorySegment bias;
  private final long biasBase;
  private final DMatrix mix;
  private final double eta;
  /** Whether the activation is tanh or the sigmoid, computed on vectors only. */
  private final boolean transcendental;
  /** The pre-activation values of a tile row's right edge (fewer than L columns). */
  private final double[] lanes = new double[L];

  /**
   * @param c        the output
   * @param y        the addend of the first k block, C itself unless the epilogue names one
   * @param epilogue the epilogue (its addend and scale are handled by the caller)
   */
  SimdGemmEpilogue(DMatrix c, DMatrix y, GemmEpilogue<DMatrix, DVector> epilogue) {
    this.c = c;
    this.y = y;
    this.activation = epilogue.activation();
    DVector b = epilogue.bias();
    if (b == null) {
      bias = null;
      biasBase = 0;
    } else if (b.stride() == 1) {
      bias = b.segment();
      biasBase = b.byteOffset(0);
    } else {
      bias = MemorySegment.ofArray(b.toArray());
      biasBase = 0;
    }
    this.mix = epilogue.mixTarget();
    this.eta = epilogue.mixRate();
    this.transcendental = activation == Activation.TANH || activation == Activation.SIGMOID;
  }

  /**
   * Writes back the {@code mr × nr} corner of the tile to C at {@code (i, j)}: the sum of the
   * last k block ({@code α tile + β Y}, with {@code Y} the addend when {@code first}, else C
   * and {@code β} 1), then bias, activation, and the mix into X.
   */
  void writeBack(MemorySegment tile, int i, int j, int mr, int nr, double alpha, double beta,
      boolean betaZero, boolean first) {
    MemorySegment cs = c.segment();
    long ldc = (long) c.ld() * BYTES;
    long cOff = c.byteOffset(i, j);
    DMatrix src = first ? y : c;
    MemorySegment ys = src.segment();
    long ldy = (long) src.ld() * BYTES;
    long yOff = src.byteOffset(i, j);
    MemorySegment xs = mix == null ? null : mix.segment();
    long ldx = mix == null ? 0 : (long) mix.ld() * BYTES;
    long xOff = mix == null ? 0 : mix.byteOffset(i, j);
    long bOff = biasBase + j * BYTES;
    DoubleVector va = DoubleVector.broadcast(SPECIES, alpha);
    DoubleVector vb = DoubleVector.broadcast(SPECIES, beta);
    DoubleVector ve = DoubleVector.broadcast(SPECIES, eta);
    int vectorEnd = nr - nr % L;
    for (int r = 0; r < mr; r++) {
      long cRow = cOff + r * ldc;
      long yRow = yOff + r * ldy;
      long xRow = xOff + r * ldx;
      long t = (long) r * SimdGemm.NR * BYTES;
      int jj = 0;
      for (; jj < vectorEnd; jj += L) {
        long at = jj * BYTES;
        // the same operations as SimdGemm's write-back, so that act = IDENTITY matches it
        DoubleVector v = DoubleVector.fromMemorySegment(SPECIES, tile, t + at, ORDER).mul(va);
        if (!betaZero) {
          v = DoubleVector.fromMemorySegment(SPECIES, ys, yRow + at, ORDER).fma(vb, v);
        }
        if (bias != null) {
          v = v.add(DoubleVector.fromMemorySegment(SPECIES, bias, bOff + at, ORDER));
        }
        v = activate(v);
        v.intoMemorySegment(cs, cRow + at, ORDER);
        if (xs != null) {
          DoubleVector xv = DoubleVector.fromMemorySegment(SPECIES, xs, xRow + at, ORDER);
          v.sub(xv).fma(ve, xv).intoMemorySegment(xs, xRow + at, ORDER);
        }
      }
      if (jj == nr) {
        continue;
      }
      // the right edge: the sums as the plain write-back's scalar tail forms them, the
      // activation through one vector, so that every element takes the vector functions
      for (int e = jj; e < nr; e++) {
        long at = e * BYTES;
        double sum = tile.get(D, t + at);
        double v = betaZero ? alpha * sum : alpha * sum + beta * ys.get(D, yRow + at);
        if (bias != null) {
          v += bias.get(D, bOff + at);
        }
        lanes[e - jj] = v;
      }
      if (transcendental) {
        activate(DoubleVector.fromArray(SPECIES, lanes, 0)).intoArray(lanes, 0);
      }
      for (int e = jj; e < nr; e++) {
        long at = e * BYTES;
        double v = transcendental ? lanes[e - jj] : activation.apply(lanes[e - jj]);
        cs.set(D, cRow + at, v);
        if (xs != null) {
          double x = xs.get(D, xRow + at);
          xs.set(D, xRow + at, Math.fma(eta, v - x, x));
        }
      }
    }
  }

  /** The activation on a vector. */
  private DoubleVector activate(DoubleVector v) {
    return switch (activation) {
      case IDENTITY -> v;
      case TANH -> SimdMath.tanh(v);
      case SIGMOID -> SimdMath.sigmoid(v);
      // x > 0 ? x : +0.0 (NaN and −0.0 map to +0.0)
      case RELU -> ZERO.blend(v, v.compare(VectorOperators.GT, ZERO));
    };
  }

  // ---------------------------------------------------------------- threaded cuts

  /** The memory of every operand, for the thread-confinement check of the threaded cut. */
  static MemorySegment[] segments(DMatrix a, DMatrix b, DMatrix c,
      GemmEpilogue<DMatrix, DVector> e) {
    List<MemorySegment> out = new ArrayList<>(List.of(a.segment(), b.segment(), c.segment()));
    if (e.scale() != null) {
      out.add(e.scale().segment());
    }
    if (e.addend() != null) {
      out.add(e.addend().segment());
    }
    if (e.bias() != null) {
      out.add(e.bias().segment());
    }
    if (e.mixTarget() != null) {
      out.add(e.mixTarget().segment());
    }
    return out.toArray(MemorySegment[]::new);
  }

  /** The epilogue of rows {@code from .. from + count - 1} of C (null stays null). */
  static GemmEpilogue<DMatrix, DVector> rows(GemmEpilogue<DMatrix, DVector> e, boolean transA,
      int from, int count) {
    if (e == null) {
      return null;
    }
    DMatrix s = e.scale();
    // rows of op(A) are rows of S, or its columns when A is transposed
    DMatrix scale = s == null ? null
        : transA ? SimdGemm.columns(s, from, count) : s.rowSlice(from, count);
    DMatrix addend = e.addend() == null ? null : e.addend().rowSlice(from, count);
    DMatrix mix = e.mixTarget() == null ? null : e.mixTarget().rowSlice(from, count);
    return new GemmEpilogue<>(e.activation(), e.bias(), addend, scale, e.mixRate(), mix);
  }

  /** The epilogue of columns {@code from .. from + count - 1} of C (null stays null). */
  static GemmEpilogue<DMatrix, DVector> columns(GemmEpilogue<DMatrix, DVector> e, int from,
      int count) {
    if (e == null) {
      return null;
    }
    DVector bias = e.bias() == null ? null : e.bias().slice(from, count);
    DMatrix addend = e.addend() == null ? null : SimdGemm.columns(e.addend(), from, count);
    DMatrix mix = e.mixTarget() == null ? null : SimdGemm.columns(e.mixTarget(), from, count);
    return new GemmEpilogue<>(e.activation(), bias, addend, e.scale(), e.mixRate(), mix);
  }
}
