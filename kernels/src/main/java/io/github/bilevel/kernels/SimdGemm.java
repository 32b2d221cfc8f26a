package io.github.bilevel.kernels;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Blocked {@code dgemm} on the Vector API, in the GotoBLAS/BLIS shape.
 *
 * <p>The three outer loops cut {@code C ← α op(A) op(B) + β C} into blocks: columns of C in
 * blocks of at most {@code NC}, the inner dimension in blocks of at most {@code KC}, rows of C
 * in blocks of at most {@code MC}. For each {@code kc × nc} block, {@code op(B)} is packed into
 * micro-panels of {@code NR} columns (k-major: the {@code NR} values of one k are contiguous);
 * for each {@code mc × kc} block, {@code op(A)} is packed into micro-panels of {@code MR} rows
 * (k-major). Transposition is resolved during packing, so one micro-kernel serves all four
 * combinations. Packed panels are padded with zeros to whole micro-tiles. The micro-kernel keeps
 * an {@code MR × NR} tile of accumulators in registers (per k: {@code NV} vector loads of B,
 * then for each of the {@code MR} rows one broadcast of an A element and {@code NV} FMAs) and
 * stores it to a small tile buffer; the write-back then updates the {@code mr × nr} part of C
 * that the tile covers (all of it except at the right and bottom edges).
 *
 * <p>β is applied while writing back the first k block (C is not read when β is zero); later
 * k blocks add to C. Before a kernel that will update C in place, one element of each cache
 * line of the C tile is loaded, so that the cache misses on C overlap the kernel's arithmetic
 * instead of stalling the write-back.
 *
 * <p>Packing buffers and the tile live off-heap (64-byte aligned, so vector loads never straddle
 * cache lines), one set per thread, grown on demand and reused across calls.
 */
final class SimdGemm {

  // The micro-tiles are unrolled by hand, one method per tile shape, deliberately alike: the
  // accumulators must be locals for the JIT to keep them in registers.

  private static final VectorSpecies<Double> SPECIES = DoubleVector.SPECIES_PREFERRED;
  /** Lanes per vector. */
  private static final int L = SPECIES.length();
  /** Bytes per vector. */
  private static final long VBYTES = (long) L * Double.BYTES;
  /** Vectors of B per micro-tile row. */
  private static final int NV = 3;
  /**
   * Rows of the micro-tile: 8 (24 accumulators) for 512-bit vectors, where there are 32 vector
   * registers; 4 (12 accumulators) for narrower vectors, where there are 16.
   */
  private static final int MR = L >= 8 ? 8 : 4;
  /** Columns of the micro-tile. */
  static final int NR = NV * L;
  /** Largest inner-dimension block. */
  private static final int KC = 512;
  /** Largest row block, a multiple of MR. */
  private static final int MC = Math.max(MR, 192 / MR * MR);
  /** Largest column block, a multiple of NR. */
  private static final int NC = Math.max(NR, 3072 / NR * NR);

  private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE_UNALIGNED;
  private static final ValueLayout.OfDouble DA = ValueLayout.JAVA_DOUBLE;
  private static final ByteOrder ORDER = ByteOrder.nativeOrder();
  private static final long BYTES = Double.BYTES;
  private static final long ALIGNMENT = 64;

  /** Per-thread packing buffers, grown on demand. */
  private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

  private static final class Workspace {
    private final Arena arena = Arena.ofAuto();
    private MemorySegment packedA = MemorySegment.NULL;
    private MemorySegment packedB = MemorySegment.NULL;
    /** The MR × NR tile, then one slot for the cache-line touches. */
    final MemorySegment tile = arena.allocate((MR * NR + 1) * BYTES, ALIGNMENT);

    MemorySegment packedA(long doubles) {
      if (packedA.byteSize() < doubles * BYTES) {
        packedA = arena.allocate(doubles * BYTES, ALIGNMENT);
      }
      return packedA;
    }

    MemorySegment packedB(long doubles) {
      if (packedB.byteSize() < doubles * BYTES) {
        packedB = arena.allocate(doubles * BYTES, ALIGNMENT);
      }
      return packedB;
    }
  }

  private SimdGemm() {}

  /**
   * {@code C ← α op(A) op(B) + β C} on up to {@code threads.threads()} threads; arguments already
   * checked (m, n, k > 0, α ≠ 0).
   */
  static void gemm(boolean transA, boolean transB, double alpha, DMatrix a, DMatrix b,
      double beta, DMatrix c, KernelThreads threads) {
    gemm(transA, transB, alpha, a, b, beta, c, null, threads);
  }

  /**
   * {@code C ← act(α op(S ⊙ A) op(B) + β Y + 1 biasᵀ)} and the mix of {@code epilogue} (null:
   * the plain gemm) on up to {@code threads.threads()} threads; arguments already checked (m,
   * n, k > 0, α ≠ 0), the addend null when it is C itself.
   *
   * <p>C is cut along its longer side into as many parts as pay off (see
   * {@link KernelThreads#parts}): whole MR-row blocks of C and op(A), or whole NR-column panels of
   * C and op(B), with the same rows or columns of the epilogue's operands. Each part is the
   * single-threaded {@link #gemm} on views, and an element's arithmetic (its k blocks, the FMA
   * order along k, and whether its column is written back by a vector or scalar lane) depends
   * only on k and on its column's place among NR-aligned panels, both unchanged by such a cut,
   * so the result is bit-identical for every thread count.
   */
  static void gemm(boolean transA, boolean transB, double alpha, DMatrix a, DMatrix b,
      double beta, DMatrix c, GemmEpilogue<DMatrix, DVector> epilogue, KernelThreads threads) {
    int m = c.rows();
    int n = c.cols();
    int k = transA ? a.rows() : a.cols();
    boolean byRows = m >= n;
    int unit = byRows ? MR : NR;
    int units = ceilDiv(byRows ? m : n, unit);
    int parts = epilogue == null
        ? threads.parts(2.0 * m * n * k, units, a.segment(), b.segment(), c.segment())
        : threads.parts(2.0 * m * n * k, units, SimdGemmEpilogue.segments(a, b, c, epilogue));
    if (parts == 1) {
      gemm(transA, transB, alpha, a, b, beta, c, epilogue);
      return;
    }
    threads.run(parts, p -> {
      // Part p: units [p U / P, (p + 1) U / P), a fixed static cut.
      int from = (int) ((long) p * units / parts) * unit;
      int to = Math.min(byRows ? m : n, (int) ((long) (p + 1) * units / parts) * unit);
      int count = to - from;
      if (byRows) {
        DMatrix ap = transA ? columns(a, from, count) : a.rowSlice(from, count);
        gemm(transA, transB, alpha, ap, b, beta, c.rowSlice(from, count),
            SimdGemmEpilogue.rows(epilogue, transA, from, count));
      } else {
        DMatrix bp = transB ? b.rowSlice(from, count) : columns(b, from, count);
        gemm(transA, transB, alpha, a, bp, beta, columns(c, from, count),
            SimdGemmEpilogue.columns(epilogue, from, count));
      }
    });
  }

  /** Columns {@code from .. from + count - 1} of {@code x} as a view. */
  static DMatrix columns(DMatrix x, int from, int count) {
    return new DMatrix(x.segment(), x.offset() + from, x.rows(), count, x.ld());
  }

  /** {@code C ← α op(A) op(B) + β C}; arguments already checked (m, n, k > 0, α ≠ 0). */
  static void gemm(boolean transA, boolean transB, double alpha, DMatrix a, DMatrix b,
      double beta, DMatrix c) {
    gemm(transA, transB, alpha, a, b, beta, c, (GemmEpilogue<DMatrix, DVector>) null);
  }

  /**
   * The single-threaded fused gemm: the scale multiplies A while op(A) is packed, the addend
   * replaces C in the write-back of the first k block, and the bias, the activation and the mix
   * are applied in the write-back of the last k block, once the sum over k is complete.
   */
  static void gemm(boolean transA, boolean transB, double alpha, DMatrix a, DMatrix b,
      double beta, DMatrix c, GemmEpilogue<DMatrix, DVector> epilogue) {
    int m = c.rows();
    int n = c.cols();
    int k = transA ? a.rows() : a.cols();
    Workspace ws = WORKSPACE.get();

    // Split k and m evenly into blocks no larger than KC and MC (no thin last block).
    int kcMax = ceilDiv(k, ceilDiv(k, KC));
    int mcMax = roundUp(ceilDiv(m, ceilDiv(m, MC)), MR);
    int ncMax = Math.min(NC, roundUp(n, NR));
    MemorySegment packedA = ws.packedA((long) mcMax * kcMax);
    MemorySegment packedB = ws.packedB((long) ncMax * kcMax);
    MemorySegment tile = ws.tile;

    DMatrix scale = epilogue == null ? null : epilogue.scale();
    // β reads the addend Y in the first k block (C itself unless the epilogue names one)
    DMatrix y = epilogue == null || epilogue.addend() == null ? c : epilogue.addend();
    SimdGemmEpilogue last = epilogue != null && epilogue.hasPointwiseStage()
        ? new SimdGemmEpilogue(c, y, epilogue) : null;
    MemorySegment cs = c.segment();
    long ldc = (long) c.ld() * BYTES;
    MemorySegment ys = y.segment();
    long ldy = (long) y.ld() * BYTES;

    for (int jc = 0; jc < n; jc += ncMax) {
      int nc = Math.min(ncMax, n - jc);
      for (int pc = 0; pc < k; pc += kcMax) {
        int kc = Math.min(kcMax, k - pc);
        boolean first = pc == 0;
        boolean lastBlock = pc + kc == k;
        double betaBlock = first ? beta : 1.0;
        boolean betaZero = first && beta == 0.0;
        MemorySegment src = first ? ys : cs;
        long lds = first ? ldy : ldc;
        packB(transB, b, pc, kc, jc, nc, packedB);
        for (int ic = 0; ic < m; ic += mcMax) {
          int mc = Math.min(mcMax, m - ic);
          packA(transA, a, scale, ic, mc, pc, kc, packedA);
          for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            long bOff = (long) jr * kc * BYTES;
            for (int ir = 0; ir < mc; ir += MR) {
              int mr = Math.min(MR, mc - ir);
              long aOff = (long) ir * kc * BYTES;
              long cOff = c.byteOffset(ic + ir, jc + jr);
              long sOff = first ? y.byteOffset(ic + ir, jc + jr) : cOff;
              if (!betaZero) {
                tile.set(DA, MR * NR * BYTES, touch(src, sOff, lds, mr, nr));
              }
              if (MR == 8) {
                kernel8(kc, packedA, aOff, packedB, bOff, tile);
              } else {
                kernel4(kc, packedA, aOff, packedB, bOff, tile);
              }
              if (lastBlock && last != null) {
                last.writeBack(tile, ic + ir, jc + jr, mr, nr, alpha, betaBlock, betaZero, first);
              } else {
                writeBack(tile, src, sOff, lds, cs, cOff, ldc, mr, nr, alpha, betaBlock,
                    betaZero);
              }
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

  /**
   * Loads one element of each cache line of the {@code mr × nr} C tile and returns their sum
   * (stored by the caller, so the loads stay): the misses then proceed while the kernel runs.
   */
  private static double touch(MemorySegment cs, long cOff, long ldc, int mr, int nr) {
    double sum = 0.0;
    long last = (nr - 1) * BYTES;
    for (int r = 0; r < mr; r++) {
      long row = cOff + r * ldc;
      for (long x = 0; x < last; x += ALIGNMENT) {
        sum += cs.get(D, row + x);
      }
      sum += cs.get(D, row + last);
    }
    return sum;
  }

  // ---------------------------------------------------------------- packing

  /**
   * Packs rows {@code i0 .. i0+mc-1}, inner indices {@code p0 .. p0+kc-1} of op(A), or of
   * op(S ⊙ A) when {@code scale} is not null, into micro-panels of MR rows: element
   * (ir + ii, p) at index {@code ir * kc + p * MR + ii}; rows past {@code mc} are zero.
   */
  private static void packA(boolean transA, DMatrix a, DMatrix scale, int i0, int mc, int p0,
      int kc, MemorySegment dst) {
    MemorySegment s = a.segment();
    long ld = (long) a.ld() * BYTES;
    MemorySegment ss = scale == null ? null : scale.segment();
    long lds = scale == null ? 0 : (long) scale.ld() * BYTES;
    for (int ir = 0; ir < mc; ir += MR) {
      int rows = Math.min(MR, mc - ir);
      long base = (long) ir * kc * BYTES;
      if (!transA) {
        // op(A)(i, p) = A(i, p): row i is contiguous in p.
        for (int ii = 0; ii < rows; ii++) {
          long src = a.byteOffset(i0 + ir + ii, p0);
          long d = base + ii * BYTES;
          if (ss == null) {
            for (int p = 0; p < kc; p++) {
              dst.set(DA, d, s.get(D, src));
              src += BYTES;
              d += MR * BYTES;
            }
          } else {
            long sc = scale.byteOffset(i0 + ir + ii, p0);
            for (int p = 0; p < kc; p++) {
              dst.set(DA, d, ss.get(D, sc) * s.get(D, src));
              src += BYTES;
              sc += BYTES;
              d += MR * BYTES;
            }
          }
        }
      } else {
        // op(A)(i, p) = A(p, i): the MR values of one p are contiguous.
        long src = a.byteOffset(p0, i0 + ir);
        long sc = ss == null ? 0 : scale.byteOffset(p0, i0 + ir);
        long d = base;
        if (rows == MR && MR == L && ss == null) {
          for (int p = 0; p < kc; p++) {
            DoubleVector.fromMemorySegment(SPECIES, s, src, ORDER).intoMemorySegment(dst, d, ORDER);
            src += ld;
            d += MR * BYTES;
          }
        } else if (rows == MR && MR == L) {
          for (int p = 0; p < kc; p++) {
            DoubleVector.fromMemorySegment(SPECIES, ss, sc, ORDER)
                .mul(DoubleVector.fromMemorySegment(SPECIES, s, src, ORDER))
                .intoMemorySegment(dst, d, ORDER);
            src += ld;
            sc += lds;
            d += MR * BYTES;
          }
        } else {
          for (int p = 0; p < kc; p++) {
            for (int ii = 0; ii < rows; ii++) {
              double v = s.get(D, src + ii * BYTES);
              dst.set(DA, d + ii * BYTES, ss == null ? v : ss.get(D, sc + ii * BYTES) * v);
            }
            src += ld;
            sc += lds;
            d += MR * BYTES;
          }
        }
      }
      if (rows < MR) {
        for (int p = 0; p < kc; p++) {
          for (int ii = rows; ii < MR; ii++) {
            dst.set(DA, base + ((long) p * MR + ii) * BYTES, 0.0);
          }
        }
      }
    }
  }

  /**
   * Packs inner indices {@code p0 .. p0+kc-1}, columns {@code j0 .. j0+nc-1} of op(B) into
   * micro-panels of NR columns: element (p, jr + jj) at index {@code jr * kc + p * NR + jj};
   * columns past {@code nc} are zero.
   */
  private static void packB(boolean transB, DMatrix b, int p0, int kc, int j0, int nc,
      MemorySegment dst) {
    MemorySegment s = b.segment();
    long ld = (long) b.ld() * BYTES;
    for (int jr = 0; jr < nc; jr += NR) {
      int cols = Math.min(NR, nc - jr);
      long base = (long) jr * kc * BYTES;
      if (!transB) {
        // op(B)(p, j) = B(p, j): the NR values of one p are contiguous.
        long src = b.byteOffset(p0, j0 + jr);
        long d = base;
        if (cols == NR) {
          for (int p = 0; p < kc; p++) {
            for (int v = 0; v < NV; v++) {
              DoubleVector.fromMemorySegment(SPECIES, s, src + v * VBYTES, ORDER)
                  .intoMemorySegment(dst, d + v * VBYTES, ORDER);
            }
            src += ld;
            d += NR * BYTES;
          }
        } else {
          for (int p = 0; p < kc; p++) {
            for (int jj = 0; jj < cols; jj++) {
              dst.set(DA, d + jj * BYTES, s.get(D, src + jj * BYTES));
            }
            src += ld;
            d += NR * BYTES;
          }
        }
      } else {
        // op(B)(p, j) = B(j, p): row j of B is contiguous in p.
        for (int jj = 0; jj < cols; jj++) {
          long src = b.byteOffset(j0 + jr + jj, p0);
          long d = base + jj * BYTES;
          for (int p = 0; p < kc; p++) {
            dst.set(DA, d, s.get(D, src));
            src += BYTES;
            d += NR * BYTES;
          }
        }
      }
      if (cols < NR) {
        for (int p = 0; p < kc; p++) {
          for (int jj = cols; jj < NR; jj++) {
            dst.set(DA, base + ((long) p * NR + jj) * BYTES, 0.0);
          }
        }
      }
    }
  }

  // ---------------------------------------------------------------- micro-kernels

  /** Full 8 × 3L tile: 24 vector accumulators held in registers over the whole k loop. */
  private static void kernel8(int kc, MemorySegment ap, long aOff, MemorySegment bp, long bOff,
      MemorySegment tile) {
    DoubleVector z = DoubleVector.zero(SPECIES);
    DoubleVector c00 = z, c01 = z, c02 = z;
    DoubleVector c10 = z, c11 = z, c12 = z;
    DoubleVector c20 = z, c21 = z, c22 = z;
    DoubleVector c30 = z, c31 = z, c32 = z;
    DoubleVector c40 = z, c41 = z, c42 = z;
    DoubleVector c50 = z, c51 = z, c52 = z;
    DoubleVector c60 = z, c61 = z, c62 = z;
    DoubleVector c70 = z, c71 = z, c72 = z;
    long ai = aOff;
    long bi = bOff;
    for (int p = 0; p < kc; p++) {
      DoubleVector b0 = DoubleVector.fromMemorySegment(SPECIES, bp, bi, ORDER);
      DoubleVector b1 = DoubleVector.fromMemorySegment(SPECIES, bp, bi + VBYTES, ORDER);
      DoubleVector b2 = DoubleVector.fromMemorySegment(SPECIES, bp, bi + 2 * VBYTES, ORDER);
      DoubleVector av = DoubleVector.broadcast(SPECIES, ap.get(DA, ai));
      c00 = av.fma(b0, c00);
      c01 = av.fma(b1, c01);
      c02 = av.fma(b2, c02);
      av = DoubleVector.broadcast(SPECIES, ap.get(DA, ai + 1 * BYTES));
      c10 = av.fma(b0, c10);
      c11 = av.fma(b1, c11);
      c12 = av.fma(b2, c12);
      av = DoubleVector.broadcast(SPECIES, ap.get(DA, ai + 2 * BYTES));
      c20 = av.fma(b0, c20);
      c21 = av.fma(b1, c21);
      c22 = av.fma(b2, c22);
      av = DoubleVector.broadcast(SPECIES, ap.get(DA, ai + 3 * BYTES));
      c30 = av.fma(b0, c30);
      c31 = av.fma(b1, c31);
      c32 = av.fma(b2, c32);
      av = DoubleVector.broadcast(SPECIES, ap.get(DA, ai + 4 * BYTES));
      c40 = av.fma(b0, c40);
      c41 = av.fma(b1, c41);
      c42 = av.fma(b2, c42);
      av = DoubleVector.broadcast(SPECIES, ap.get(DA, ai + 5 * BYTES));
      c50 = av.fma(b0, c50);
      c51 = av.fma(b1, c51);
      c52 = av.fma(b2, c52);
      av = DoubleVector.broadcast(SPECIES, ap.get(DA, ai + 6 * BYTES));
      c60 = av.fma(b0, c60);
      c61 = av.fma(b1, c61);
      c62 = av.fma(b2, c62);
      av = DoubleVector.broadcast(SPECIES, ap.get(DA, ai + 7 * BYTES));
      c70 = av.fma(b0, c70);
      c71 = av.fma(b1, c71);
      c72 = av.fma(b2, c72);
      ai += 8 * BYTES;
      bi += NR * BYTES;
    }
    c00.intoMemorySegment(tile, 0, ORDER);
    c01.intoMemorySegment(tile, (0 * NR + 1 * L) * BYTES, ORDER);
    c02.intoMemorySegment(tile, (0 * NR + 2 * L) * BYTES, ORDER);
    c10.intoMemorySegment(tile, (1 * NR + 0 * L) * BYTES, ORDER);
    c11.intoMemorySegment(tile, (1 * NR + 1 * L) * BYTES, ORDER);
    c12.intoMemorySegment(tile, (1 * NR + 2 * L) * BYTES, ORDER);
    c20.intoMemorySegment(tile, (2 * NR + 0 * L) * BYTES, ORDER);
    c21.intoMemorySegment(tile, (2 * NR + 1 * L) * BYTES, ORDER);
    c22.intoMemorySegment(tile, (2 * NR + 2 * L) * BYTES, ORDER);
    c30.intoMemorySegment(tile, (3 * NR + 0 * L) * BYTES, ORDER);
    c31.intoMemorySegment(tile, (3 * NR + 1 * L) * BYTES, ORDER);
    c32.intoMemorySegment(tile, (3 * NR + 2 * L) * BYTES, ORDER);
    c40.intoMemorySegment(tile, (4 * NR + 0 * L) * BYTES, ORDER);
    c41.intoMemorySegment(tile, (4 * NR + 1 * L) * BYTES, ORDER);
    c42.intoMemorySegment(tile, (4 * NR + 2 * L) * BYTES, ORDER);
    c50.intoMemorySegment(tile, (5 * NR + 0 * L) * BYTES, ORDER);
    c51.intoMemorySegment(tile, (5 * NR + 1 * L) * BYTES, ORDER);
    c52.intoMemorySegment(tile, (5 * NR + 2 * L) * BYTES, ORDER);
    c60.intoMemorySegment(tile, (6 * NR + 0 * L) * BYTES, ORDER);
    c61.intoMemorySegment(tile, (6 * NR + 1 * L) * BYTES, ORDER);
    c62.intoMemorySegment(tile, (6 * NR + 2 * L) * BYTES, ORDER);
    c70.intoMemorySegment(tile, (7 * NR + 0 * L) * BYTES, ORDER);
    c71.intoMemorySegment(tile, (7 * NR + 1 * L) * BYTES, ORDER);
    c72.intoMemorySegment(tile, (7 * NR + 2 * L) * BYTES, ORDER);
  }

  /** Full 4 × 3L tile: 12 vector accumulators held in registers over the whole k loop. */
  private static void kernel4(int kc, MemorySegment ap, long aOff, MemorySegment bp, long bOff,
      MemorySegment tile) {
    DoubleVector z = DoubleVector.zero(SPECIES);
    DoubleVector c00 = z, c01 = z, c02 = z;
    DoubleVector c10 = z, c11 = z, c12 = z;
    DoubleVector c20 = z, c21 = z, c22 = z;
    DoubleVector c30 = z, c31 = z, c32 = z;
    long ai = aOff;
    long bi = bOff;
    for (int p = 0; p < kc; p++) {
      DoubleVector b0 = DoubleVector.fromMemorySegment(SPECIES, bp, bi, ORDER);
      DoubleVector b1 = DoubleVector.fromMemorySegment(SPECIES, bp, bi + VBYTES, ORDER);
      DoubleVector b2 = DoubleVector.fromMemorySegment(SPECIES, bp, bi + 2 * VBYTES, ORDER);
      DoubleVector av = DoubleVector.broadcast(SPECIES, ap.get(DA, ai));
      c00 = av.fma(b0, c00);
      c01 = av.fma(b1, c01);
      c02 = av.fma(b2, c02);
      av = DoubleVector.broadcast(SPECIES, ap.get(DA, ai + 1 * BYTES));
      c10 = av.fma(b0, c10);
      c11 = av.fma(b1, c11);
      c12 = av.fma(b2, c12);
      av = DoubleVector.broadcast(SPECIES, ap.get(DA, ai + 2 * BYTES));
      c20 = av.fma(b0, c20);
      c21 = av.fma(b1, c21);
      c22 = av.fma(b2, c22);
      av = DoubleVector.broadcast(SPECIES, ap.get(DA, ai + 3 * BYTES));
      c30 = av.fma(b0, c30);
      c31 = av.fma(b1, c31);
      c32 = av.fma(b2, c32);
      ai += 4 * BYTES;
      bi += NR * BYTES;
    }
    c00.intoMemorySegment(tile, 0, ORDER);
    c01.intoMemorySegment(tile, (0 * NR + 1 * L) * BYTES, ORDER);
    c02.intoMemorySegment(tile, (0 * NR + 2 * L) * BYTES, ORDER);
    c10.intoMemorySegment(tile, (1 * NR + 0 * L) * BYTES, ORDER);
    c11.intoMemorySegment(tile, (1 * NR + 1 * L) * BYTES, ORDER);
    c12.intoMemorySegment(tile, (1 * NR + 2 * L) * BYTES, ORDER);
    c20.intoMemorySegment(tile, (2 * NR + 0 * L) * BYTES, ORDER);
    c21.intoMemorySegment(tile, (2 * NR + 1 * L) * BYTES, ORDER);
    c22.intoMemorySegment(tile, (2 * NR + 2 * L) * BYTES, ORDER);
    c30.intoMemorySegment(tile, (3 * NR + 0 * L) * BYTES, ORDER);
    c31.intoMemorySegment(tile, (3 * NR + 1 * L) * BYTES, ORDER);
    c32.intoMemorySegment(tile, (3 * NR + 2 * L) * BYTES, ORDER);
  }


  /**
   * Writes back the {@code mr × nr} corner of the tile: {@code C ← α tile + β Y}, where Y (at
   * {@code ys}, {@code yOff}, row pitch {@code ldy}) is C itself or the epilogue's addend, without
   * reading Y when {@code betaZero}. All loads of Y come before any store to C.
   */
  private static void writeBack(MemorySegment tile, MemorySegment ys, long yOff, long ldy,
      MemorySegment cs, long cOff, long ldc, int mr, int nr, double alpha, double beta,
      boolean betaZero) {
    DoubleVector va = DoubleVector.broadcast(SPECIES, alpha);
    int vectorEnd = nr - nr % L;
    if (!betaZero) {
      // tile ← α tile + β Y, reading Y only.
      DoubleVector vb = DoubleVector.broadcast(SPECIES, beta);
      for (int r = 0; r < mr; r++) {
        long row = yOff + r * ldy;
        long t = (long) r * NR * BYTES;
        int j = 0;
        for (; j < vectorEnd; j += L) {
          long tj = t + j * BYTES;
          DoubleVector.fromMemorySegment(SPECIES, ys, row + j * BYTES, ORDER)
              .fma(vb, DoubleVector.fromMemorySegment(SPECIES, tile, tj, ORDER).mul(va))
              .intoMemorySegment(tile, tj, ORDER);
        }
        for (; j < nr; j++) {
          long tj = t + j * BYTES;
          tile.set(DA, tj, alpha * tile.get(DA, tj) + beta * ys.get(D, row + j * BYTES));
        }
      }
      va = DoubleVector.broadcast(SPECIES, 1.0);
      alpha = 1.0;
    }
    for (int r = 0; r < mr; r++) {
      long row = cOff + r * ldc;
      long t = (long) r * NR * BYTES;
      int j = 0;
      for (; j < vectorEnd; j += L) {
        DoubleVector.fromMemorySegment(SPECIES, tile, t + j * BYTES, ORDER).mul(va)
            .intoMemorySegment(cs, row + j * BYTES, ORDER);
      }
      for (; j < nr; j++) {
        cs.set(D, row + j * BYTES, alpha * tile.get(DA, t + j * BYTES));
      }
    }
  }
}
