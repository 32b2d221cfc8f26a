package io.github.bilevel.kernels;

import static io.github.bilevel.kernels.SimdSupport.*;
import static io.github.bilevel.kernels.SimdBlas1.*;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.DoubleVector;

/**
 * The BLAS-2 kernels of {@link SimdBackend} ({@code gemv}, {@code gemvT}, {@code ger}), four
 * rows of the matrix per pass.
 */
final class SimdBlas2 {

  // gemv, gemvᵀ and ger each keep their own strided/contiguous loops and set-up, deliberately
  // alike: one loop nest per kernel, without a lambda in the inner loop.

  private SimdBlas2() {}

  /** Rows of {@code A} per {@link #gemvFourRows} block: the unit of a threaded gemv's cut. */
  static final int GEMV_BLOCK_ROWS = 4;

  /**
   * {@code y ← αAx + βy} on up to {@code threads.threads()} threads; arguments already checked
   * (m, n > 0, α ≠ 0).
   *
   * <p>The rows are cut into as many parts as pay off (see {@link KernelThreads#parts}), each
   * a range of whole {@value #GEMV_BLOCK_ROWS}-row blocks counted from row 0 (the last part also
   * takes the leftover rows). A part runs the single-threaded row loop on its range, so every
   * row is summed by the same code in the same order as with one thread (a block row by
   * {@link #gemvFourRows}, a leftover row by {@code dot}, which sum in different orders), and
   * the result is bit-identical for every thread count.
   */
  static void gemv(double alpha, DMatrix a, DVector x, double beta, DVector y,
      KernelThreads threads) {
    int m = a.rows();
    int units = Math.ceilDiv(m, GEMV_BLOCK_ROWS);
    int parts = threads.parts((double) m * a.cols(), threads.minElementsPerPart(), units,
        a.segment(), x.segment(), y.segment());
    if (parts == 1) {
      gemvRows(alpha, a, x, beta, y, 0, m);
      return;
    }
    threads.run(parts, p -> {
      // Part p: blocks [p U / P, (p + 1) U / P), a fixed static cut.
      int from = (int) ((long) p * units / parts) * GEMV_BLOCK_ROWS;
      int to = Math.min(m, (int) ((long) (p + 1) * units / parts) * GEMV_BLOCK_ROWS);
      gemvRows(alpha, a, x, beta, y, from, to);
    });
  }

  static void gemvKernel(double alpha, DMatrix a, DVector x, double beta, DVector y) {
    gemvRows(alpha, a, x, beta, y, 0, a.rows());
  }

  /**
   * Rows {@code from .. to-1} of {@code y ← αAx + βy}: {@value #GEMV_BLOCK_ROWS}-row blocks from
   * {@code from}, then the leftover rows one by one. Equal bits to the whole-matrix loop only
   * when {@code from} is a multiple of {@value #GEMV_BLOCK_ROWS} and {@code to} is one or
   * {@code m}.
   */
  static void gemvRows(double alpha, DMatrix a, DVector x, double beta, DVector y, int from,
      int to) {
    int n = a.cols();
    if (x.stride() != 1) {
      for (int i = from; i < to; i++) {
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
    int i = from;
    for (; i + 4 <= to; i += 4) {
      gemvFourRows(alpha, as, ao + i * ld, ld, xs, xo, n, beta, y, i);
    }
    for (; i < to; i++) {
      double sum = dot(as, ao + i * ld, xs, xo, n);
      set(y, i, beta == 0.0 ? alpha * sum : alpha * sum + beta * get(y, i));
    }
  }

  /**
   * Rows {@code i .. i+3} of {@code y ← αAx + βy}, sharing the loads of {@code x}; two
   * accumulators per row from two vectors of columns on, which halves the chains of dependent
   * FMAs of short rows (127 or 20 columns).
   */
  static void gemvFourRows(double alpha, MemorySegment as, long r0, long ld,
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
      int unrolled = n & -(2 * L);
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
      if (j < bound) { // at most one whole vector left
        long jb = (long) j << 3;
        DoubleVector x0 = load(xs, at(xo, j));
        c00 = load(as, r0 + jb).fma(x0, c00);
        c10 = load(as, r1 + jb).fma(x0, c10);
        c20 = load(as, r2 + jb).fma(x0, c20);
        c30 = load(as, r3 + jb).fma(x0, c30);
        j += L;
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
  static void gemvTKernel(double alpha, DMatrix a, DVector x, double beta, DVector y) {
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
  static void gemvTFourRows(double c0, double c1, double c2, double c3, MemorySegment as,
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

  static void gerKernel(double alpha, DVector x, DVector y, DMatrix a) {
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
}
