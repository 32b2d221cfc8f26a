package io.github.bilevel.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Blocked {@code dgemm} on the Vector API, in the GotoBLAS/BLIS shape.
 *
 * <p>The three outer loops cut {@code C ← α op(A) op(B) + β C} into blocks: columns of C in
 * blocks of {@code NC}, the inner dimension in blocks of {@code KC}, rows of C in blocks of
 * {@code MC}. For each {@code KC × NC} block, {@code op(B)} is packed into micro-panels of
 * {@code NR} columns (k-major: the {@code NR} values of one k are contiguous); for each
 * {@code MC × KC} block, {@code op(A)} is packed into micro-panels of {@code MR} rows (k-major).
 * Transposition is resolved during packing, so one micro-kernel serves all four combinations.
 * Packed panels are padded with zeros to full micro-tiles; the micro-kernel keeps an
 * {@code MR × NR} tile of accumulators in registers (one broadcast of an A element times
 * {@code NR / L} vectors of B per row and k), and writes back either straight into C (full
 * tiles) or through a small scratch tile (partial tiles at the right and bottom edges).
 *
 * <p>β is applied while writing back the first k block (and C is not read when β is zero);
 * later k blocks add to C. Packing buffers are kept per thread and reused.
 */
final class SimdGemm {

  private static final VectorSpecies<Double> SPECIES = DoubleVector.SPECIES_PREFERRED;
  /** Lanes per vector. */
  private static final int L = SPECIES.length();
  /** Vectors of B per micro-tile row. */
  private static final int NV = 3;
  /** Rows of the micro-tile: 8 where there are 32 vector registers (wide vectors), else 4. */
  private static final int MR = L >= 8 ? 8 : 4;
  /** Columns of the micro-tile. */
  private static final int NR = NV * L;
  /** Inner-dimension block. */
  private static final int KC = 256;
  /** Row block, a multiple of MR. */
  private static final int MC = (192 / MR) * MR;
  /** Column block, a multiple of NR. */
  private static final int NC = (3072 / NR) * NR;

  private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE_UNALIGNED;
  private static final ByteOrder ORDER = ByteOrder.nativeOrder();
  private static final long BYTES = Double.BYTES;

  /** Per-thread packing buffers, grown on demand. */
  private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

  private static final class Workspace {
    double[] packedA = new double[0];
    double[] packedB = new double[0];
    final double[] tile = new double[MR * NR];

    double[] packedA(int size) {
      if (packedA.length < size) {
        packedA = new double[size];
      }
      return packedA;
    }

    double[] packedB(int size) {
      if (packedB.length < size) {
        packedB = new double[size];
      }
      return packedB;
    }
  }

  private SimdGemm() {}

  /** {@code C ← α op(A) op(B) + β C}; arguments already checked (m, n, k > 0, α ≠ 0). */
  static void gemm(boolean transA, boolean transB, double alpha, DMatrix a, DMatrix b,
      double beta, DMatrix c) {
    int m = c.rows();
    int n = c.cols();
    int k = transA ? a.rows() : a.cols();
    Workspace ws = WORKSPACE.get();

    // Split k and m evenly into blocks no larger than KC and MC (no thin last block).
    int kBlocks = ceilDiv(k, KC);
    int kcMax = ceilDiv(k, kBlocks);
    int mBlocks = ceilDiv(m, MC);
    int mcMax = roundUp(ceilDiv(m, mBlocks), MR);
    int ncMax = Math.min(NC, roundUp(n, NR));
    double[] packedA = ws.packedA(mcMax * kcMax);
    double[] packedB = ws.packedB(ncMax * kcMax);
    double[] tile = ws.tile;

    MemorySegment cs = c.segment();
    long ldc = (long) c.ld() * BYTES;

    for (int jc = 0; jc < n; jc += ncMax) {
      int nc = Math.min(ncMax, n - jc);
      for (int pc = 0; pc < k; pc += kcMax) {
        int kc = Math.min(kcMax, k - pc);
        boolean first = pc == 0;
        double betaBlock = first ? beta : 1.0;
        boolean betaZero = first && beta == 0.0;
        packB(transB, b, pc, kc, jc, nc, packedB);
        for (int ic = 0; ic < m; ic += mcMax) {
          int mc = Math.min(mcMax, m - ic);
          packA(transA, a, ic, mc, pc, kc, packedA);
          for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            int bOff = jr * kc;
            for (int ir = 0; ir < mc; ir += MR) {
              int mr = Math.min(MR, mc - ir);
              int aOff = ir * kc;
              long cOff = c.byteOffset(ic + ir, jc + jr);
              if (MR == 8) {
                kernel8(kc, packedA, aOff, packedB, bOff, tile);
              } else {
                kernel4(kc, packedA, aOff, packedB, bOff, tile);
              }
              writeBack(tile, cs, cOff, ldc, mr, nr, alpha, betaBlock, betaZero);
            }
          }
        }
      }
    }
  }

  private static int ceilDiv(int x, int y) {
    return (x + y - 1) / y;
  }

  private static int roundUp(int x, int multiple) {
    return ceilDiv(x, multiple) * multiple;
  }

  // ---------------------------------------------------------------- packing

  /**
   * Packs rows {@code i0 .. i0+mc-1}, inner indices {@code p0 .. p0+kc-1} of op(A) into
   * micro-panels of MR rows: element (ir + ii, p) at {@code ir * kc + p * MR + ii}; rows past
   * {@code mc} are zero.
   */
  private static void packA(boolean transA, DMatrix a, int i0, int mc, int p0, int kc,
      double[] dst) {
    MemorySegment s = a.segment();
    long ld = (long) a.ld() * BYTES;
    for (int ir = 0; ir < mc; ir += MR) {
      int rows = Math.min(MR, mc - ir);
      int base = ir * kc;
      if (!transA) {
        // op(A)(i, p) = A(i, p): row i is contiguous in p.
        for (int ii = 0; ii < rows; ii++) {
          long src = a.byteOffset(i0 + ir + ii, p0);
          int d = base + ii;
          for (int p = 0; p < kc; p++) {
            dst[d] = s.get(D, src);
            src += BYTES;
            d += MR;
          }
        }
      } else {
        // op(A)(i, p) = A(p, i): the MR values of one p are contiguous.
        long src = a.byteOffset(p0, i0 + ir);
        int d = base;
        if (rows == MR && MR == L) {
          for (int p = 0; p < kc; p++) {
            DoubleVector.fromMemorySegment(SPECIES, s, src, ORDER).intoArray(dst, d);
            src += ld;
            d += MR;
          }
        } else {
          for (int p = 0; p < kc; p++) {
            for (int ii = 0; ii < rows; ii++) {
              dst[d + ii] = s.get(D, src + ii * BYTES);
            }
            src += ld;
            d += MR;
          }
        }
      }
      if (rows < MR) {
        for (int p = 0; p < kc; p++) {
          for (int ii = rows; ii < MR; ii++) {
            dst[base + p * MR + ii] = 0.0;
          }
        }
      }
    }
  }

  /**
   * Packs inner indices {@code p0 .. p0+kc-1}, columns {@code j0 .. j0+nc-1} of op(B) into
   * micro-panels of NR columns: element (p, jr + jj) at {@code jr * kc + p * NR + jj}; columns
   * past {@code nc} are zero.
   */
  private static void packB(boolean transB, DMatrix b, int p0, int kc, int j0, int nc,
      double[] dst) {
    MemorySegment s = b.segment();
    long ld = (long) b.ld() * BYTES;
    for (int jr = 0; jr < nc; jr += NR) {
      int cols = Math.min(NR, nc - jr);
      int base = jr * kc;
      if (!transB) {
        // op(B)(p, j) = B(p, j): the NR values of one p are contiguous.
        long src = b.byteOffset(p0, j0 + jr);
        int d = base;
        if (cols == NR) {
          for (int p = 0; p < kc; p++) {
            for (int v = 0; v < NV; v++) {
              DoubleVector.fromMemorySegment(SPECIES, s, src + (long) v * L * BYTES, ORDER)
                  .intoArray(dst, d + v * L);
            }
            src += ld;
            d += NR;
          }
        } else {
          for (int p = 0; p < kc; p++) {
            for (int jj = 0; jj < cols; jj++) {
              dst[d + jj] = s.get(D, src + jj * BYTES);
            }
            src += ld;
            d += NR;
          }
        }
      } else {
        // op(B)(p, j) = B(j, p): row j of B is contiguous in p.
        for (int jj = 0; jj < cols; jj++) {
          long src = b.byteOffset(j0 + jr + jj, p0);
          int d = base + jj;
          for (int p = 0; p < kc; p++) {
            dst[d] = s.get(D, src);
            src += BYTES;
            d += NR;
          }
        }
      }
      if (cols < NR) {
        for (int p = 0; p < kc; p++) {
          for (int jj = cols; jj < NR; jj++) {
            dst[base + p * NR + jj] = 0.0;
          }
        }
      }
    }
  }

  // ---------------------------------------------------------------- micro-kernels

  /** Full 8 × 3L tile: 24 vector accumulators. */
  private static void kernel8(int kc, double[] ap, int aOff, double[] bp, int bOff,
      double[] tile) {
    DoubleVector z = DoubleVector.zero(SPECIES);
    DoubleVector c00 = z, c01 = z, c02 = z;
    DoubleVector c10 = z, c11 = z, c12 = z;
    DoubleVector c20 = z, c21 = z, c22 = z;
    DoubleVector c30 = z, c31 = z, c32 = z;
    DoubleVector c40 = z, c41 = z, c42 = z;
    DoubleVector c50 = z, c51 = z, c52 = z;
    DoubleVector c60 = z, c61 = z, c62 = z;
    DoubleVector c70 = z, c71 = z, c72 = z;
    int ai = aOff;
    int bi = bOff;
    for (int p = 0; p < kc; p++) {
      DoubleVector b0 = DoubleVector.fromArray(SPECIES, bp, bi);
      DoubleVector b1 = DoubleVector.fromArray(SPECIES, bp, bi + L);
      DoubleVector b2 = DoubleVector.fromArray(SPECIES, bp, bi + 2 * L);
      DoubleVector av = DoubleVector.broadcast(SPECIES, ap[ai]);
      c00 = av.fma(b0, c00);
      c01 = av.fma(b1, c01);
      c02 = av.fma(b2, c02);
      av = DoubleVector.broadcast(SPECIES, ap[ai + 1]);
      c10 = av.fma(b0, c10);
      c11 = av.fma(b1, c11);
      c12 = av.fma(b2, c12);
      av = DoubleVector.broadcast(SPECIES, ap[ai + 2]);
      c20 = av.fma(b0, c20);
      c21 = av.fma(b1, c21);
      c22 = av.fma(b2, c22);
      av = DoubleVector.broadcast(SPECIES, ap[ai + 3]);
      c30 = av.fma(b0, c30);
      c31 = av.fma(b1, c31);
      c32 = av.fma(b2, c32);
      av = DoubleVector.broadcast(SPECIES, ap[ai + 4]);
      c40 = av.fma(b0, c40);
      c41 = av.fma(b1, c41);
      c42 = av.fma(b2, c42);
      av = DoubleVector.broadcast(SPECIES, ap[ai + 5]);
      c50 = av.fma(b0, c50);
      c51 = av.fma(b1, c51);
      c52 = av.fma(b2, c52);
      av = DoubleVector.broadcast(SPECIES, ap[ai + 6]);
      c60 = av.fma(b0, c60);
      c61 = av.fma(b1, c61);
      c62 = av.fma(b2, c62);
      av = DoubleVector.broadcast(SPECIES, ap[ai + 7]);
      c70 = av.fma(b0, c70);
      c71 = av.fma(b1, c71);
      c72 = av.fma(b2, c72);
      ai += 8;
      bi += NR;
    }
    c00.intoArray(tile, 0);
    c01.intoArray(tile, 1 * L);
    c02.intoArray(tile, 2 * L);
    c10.intoArray(tile, 1 * NR + 0 * L);
    c11.intoArray(tile, 1 * NR + 1 * L);
    c12.intoArray(tile, 1 * NR + 2 * L);
    c20.intoArray(tile, 2 * NR + 0 * L);
    c21.intoArray(tile, 2 * NR + 1 * L);
    c22.intoArray(tile, 2 * NR + 2 * L);
    c30.intoArray(tile, 3 * NR + 0 * L);
    c31.intoArray(tile, 3 * NR + 1 * L);
    c32.intoArray(tile, 3 * NR + 2 * L);
    c40.intoArray(tile, 4 * NR + 0 * L);
    c41.intoArray(tile, 4 * NR + 1 * L);
    c42.intoArray(tile, 4 * NR + 2 * L);
    c50.intoArray(tile, 5 * NR + 0 * L);
    c51.intoArray(tile, 5 * NR + 1 * L);
    c52.intoArray(tile, 5 * NR + 2 * L);
    c60.intoArray(tile, 6 * NR + 0 * L);
    c61.intoArray(tile, 6 * NR + 1 * L);
    c62.intoArray(tile, 6 * NR + 2 * L);
    c70.intoArray(tile, 7 * NR + 0 * L);
    c71.intoArray(tile, 7 * NR + 1 * L);
    c72.intoArray(tile, 7 * NR + 2 * L);
  }

  /** Full 4 × 3L tile: 12 vector accumulators (machines with 16 vector registers). */
  private static void kernel4(int kc, double[] ap, int aOff, double[] bp, int bOff,
      double[] tile) {
    DoubleVector z = DoubleVector.zero(SPECIES);
    DoubleVector c00 = z, c01 = z, c02 = z;
    DoubleVector c10 = z, c11 = z, c12 = z;
    DoubleVector c20 = z, c21 = z, c22 = z;
    DoubleVector c30 = z, c31 = z, c32 = z;
    int ai = aOff;
    int bi = bOff;
    for (int p = 0; p < kc; p++) {
      DoubleVector b0 = DoubleVector.fromArray(SPECIES, bp, bi);
      DoubleVector b1 = DoubleVector.fromArray(SPECIES, bp, bi + L);
      DoubleVector b2 = DoubleVector.fromArray(SPECIES, bp, bi + 2 * L);
      DoubleVector av = DoubleVector.broadcast(SPECIES, ap[ai]);
      c00 = av.fma(b0, c00);
      c01 = av.fma(b1, c01);
      c02 = av.fma(b2, c02);
      av = DoubleVector.broadcast(SPECIES, ap[ai + 1]);
      c10 = av.fma(b0, c10);
      c11 = av.fma(b1, c11);
      c12 = av.fma(b2, c12);
      av = DoubleVector.broadcast(SPECIES, ap[ai + 2]);
      c20 = av.fma(b0, c20);
      c21 = av.fma(b1, c21);
      c22 = av.fma(b2, c22);
      av = DoubleVector.broadcast(SPECIES, ap[ai + 3]);
      c30 = av.fma(b0, c30);
      c31 = av.fma(b1, c31);
      c32 = av.fma(b2, c32);
      ai += 4;
      bi += NR;
    }
    c00.intoArray(tile, 0);
    c01.intoArray(tile, 1 * L);
    c02.intoArray(tile, 2 * L);
    c10.intoArray(tile, 1 * NR + 0 * L);
    c11.intoArray(tile, 1 * NR + 1 * L);
    c12.intoArray(tile, 1 * NR + 2 * L);
    c20.intoArray(tile, 2 * NR + 0 * L);
    c21.intoArray(tile, 2 * NR + 1 * L);
    c22.intoArray(tile, 2 * NR + 2 * L);
    c30.intoArray(tile, 3 * NR + 0 * L);
    c31.intoArray(tile, 3 * NR + 1 * L);
    c32.intoArray(tile, 3 * NR + 2 * L);
  }

  /**
   * Writes back the {@code mr × nr} corner of a micro-tile:
   * {@code C(r, j) ← α tile(r, j) + β C(r, j)}, without reading C when {@code betaZero}.
   */
  private static void writeBack(double[] tile, MemorySegment cs, long cOff, long ldc, int mr,
      int nr, double alpha, double beta, boolean betaZero) {
    DoubleVector va = DoubleVector.broadcast(SPECIES, alpha);
    int vectorEnd = nr - nr % L;
    for (int r = 0; r < mr; r++) {
      long row = cOff + r * ldc;
      int t = r * NR;
      int j = 0;
      for (; j < vectorEnd; j += L) {
        long o = row + j * BYTES;
        DoubleVector acc = DoubleVector.fromArray(SPECIES, tile, t + j).mul(va);
        if (!betaZero) {
          acc = DoubleVector.fromMemorySegment(SPECIES, cs, o, ORDER).fma(DoubleVector.broadcast(SPECIES, beta), acc);
        }
        acc.intoMemorySegment(cs, o, ORDER);
      }
      for (; j < nr; j++) {
        long o = row + j * BYTES;
        double v = alpha * tile[t + j];
        cs.set(D, o, betaZero ? v : v + beta * cs.get(D, o));
      }
    }
  }
}
