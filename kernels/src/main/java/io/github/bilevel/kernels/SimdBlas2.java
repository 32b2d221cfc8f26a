package io.github.bilevel.kernels;

import static io.github.bilevel.kernels.SimdSupport.*;
import static io.github.bilevel.kernels.SimdBlas1.*;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.DoubleVector;

/**
 * The BLAS-2 kernels of {@link SimdBackend} ({@code gemv}, {@code gemvT}, {@code ger}): gemv
 * four rows of the matrix per pass, gemvᵀ in column panels held in registers (small or narrow
 * matrices) or four rows per pass over {@code y}.
 */
final class SimdBlas2 {

  // gemv, gemvᵀ and ger each keep their own strided/contiguous loops and set-up, deliberately
  // alike: one loop nest per kernel, without a lambda in the inner loop.

  private SimdBlas2() {}

  /** Rows of {@code A} per block of {@link #gemvRows}: the unit of a threaded gemv's cut. */
  static final int GEMV_BLOCK_ROWS = 4;

  /**
   * {@code y ← αAx + βy} on up to {@code threads.threads()} threads; arguments already checked
   * (m, n > 0, α ≠ 0).
   *
   * <p>The rows are cut into as many parts as pay off (see {@link KernelThreads#parts}), each
   * a range of whole {@value #GEMV_BLOCK_ROWS}-row blocks counted from row 0 (the last part also
   * takes the leftover rows). A part runs the single-threaded row loop on its range, so every
   * row is summed by the same code in the same order as with one thread (a block row by
   * the four-row loop, a leftover row by {@code dot}, which sum in different orders), and
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
    long ao = a.offset() << 3;
    long ld = (long) a.ld() << 3;
    long nb = (long) n << 3;
    // Slices of exactly one row: every load's bounds check is then against the same length nb
    // at an index linear in j, which the JIT hoists out of the column loop and, being the
    // same for every row, out of the row loop (checks against the whole segment at a row's
    // offset stayed in, and cost short rows 0.4-0.6x of OpenBLAS's speed).
    MemorySegment xs = x.segment().asSlice(base(x), nb);
    int bound = SPECIES.loopBound(n);
    int i = from;
    for (; i + 4 <= to; i += 4) {
      long r0 = ao + i * ld;
      MemorySegment a0 = as.asSlice(r0, nb);
      MemorySegment a1 = as.asSlice(r0 + ld, nb);
      MemorySegment a2 = as.asSlice(r0 + 2 * ld, nb);
      MemorySegment a3 = as.asSlice(r0 + 3 * ld, nb);
      // One accumulator per row in a one-vector loop that the JIT unrolls: hand-unrolled
      // loops with two accumulators per row ran short rows (20, 127 columns) 2x slower.
      DoubleVector c0 = DoubleVector.zero(SPECIES);
      DoubleVector c1 = c0;
      DoubleVector c2 = c0;
      DoubleVector c3 = c0;
      int j = 0;
      for (; j < bound; j += L) {
        long jb = (long) j << 3;
        DoubleVector xj = load(xs, jb);
        c0 = load(a0, jb).fma(xj, c0);
        c1 = load(a1, jb).fma(xj, c1);
        c2 = load(a2, jb).fma(xj, c2);
        c3 = load(a3, jb).fma(xj, c3);
      }
      double s0 = sumLanes(c0);
      double s1 = sumLanes(c1);
      double s2 = sumLanes(c2);
      double s3 = sumLanes(c3);
      for (; j < n; j++) {
        long jb = (long) j << 3;
        double xj = get(xs, jb);
        s0 = Math.fma(get(a0, jb), xj, s0);
        s1 = Math.fma(get(a1, jb), xj, s1);
        s2 = Math.fma(get(a2, jb), xj, s2);
        s3 = Math.fma(get(a3, jb), xj, s3);
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
    for (; i < to; i++) {
      double sum = dot(as, ao + i * ld, xs, 0, n);
      set(y, i, beta == 0.0 ? alpha * sum : alpha * sum + beta * get(y, i));
    }
  }

  /** Columns of one panel of {@link #gemvTPanel}: four vectors of {@code y} in registers. */
  static final int PANEL_COLUMNS = 4 * L;

  /**
   * Widest matrix that {@code gemvT} reads in column panels ({@link #gemvTPanel}), which keep
   * their columns of {@code y} in registers over all rows where the row updates load and store
   * all of {@code y} every four rows: 1000 × 20 and 1000 × 64 ran 2x and 1.2x faster in panels,
   * while 127 × 127, 200 × 200 (0.6x) and 1024 × 1024 (0.25x: A read in short strided pieces)
   * ran slower.
   */
  static final int NARROW_COLUMNS = 4 * PANEL_COLUMNS;

  /** Whether {@code gemvT} of a matrix with {@code n} columns runs in column panels. */
  static boolean gemvTPanels(int n) {
    return n <= NARROW_COLUMNS;
  }

  /**
   * {@code y ← αAᵀx + βy} on up to {@code threads.threads()} threads; arguments already checked
   * (m, n > 0, α ≠ 0). The columns are cut into parts of whole {@link #PANEL_COLUMNS}-column
   * panels counted from column 0 (the last part takes the rest); each column of {@code y} is
   * computed by the same arithmetic whatever the cut, so the result is bit-identical for every
   * thread count. Narrow matrices have a single panel and run on one thread.
   */
  static void gemvT(double alpha, DMatrix a, DVector x, double beta, DVector y,
      KernelThreads threads) {
    int m = a.rows();
    int n = a.cols();
    boolean panels = gemvTPanels(n);
    int units = Math.ceilDiv(n, PANEL_COLUMNS);
    int parts = threads.parts((double) m * n, threads.minElementsPerPart(), units,
        a.segment(), x.segment(), y.segment());
    if (parts == 1) {
      gemvTColumns(alpha, a, x, beta, y, panels);
      return;
    }
    threads.run(parts, p -> {
      int from = (int) ((long) p * units / parts) * PANEL_COLUMNS;
      int to = Math.min(n, (int) ((long) (p + 1) * units / parts) * PANEL_COLUMNS);
      DMatrix columns = new DMatrix(a.segment(), a.offset() + from, m, to - from, a.ld());
      gemvTColumns(alpha, columns, x, beta, y.slice(from, to - from), panels);
    });
  }

  static void gemvTKernel(double alpha, DMatrix a, DVector x, double beta, DVector y) {
    gemvTColumns(alpha, a, x, beta, y, gemvTPanels(a.cols()));
  }

  /**
   * {@code y ← αAᵀx + βy} in column panels ({@code panels}) or as updates of {@code y} by the
   * rows of {@code A}, four rows per pass over {@code y}, so {@code y} is loaded and stored once
   * per four rows.
   */
  static void gemvTColumns(double alpha, DMatrix a, DVector x, double beta, DVector y,
      boolean panels) {
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
    if (panels) {
      int j = 0;
      for (; j + PANEL_COLUMNS <= n; j += PANEL_COLUMNS) {
        gemvTPanel(alpha, as, at(ao, j), ld, m, x, beta, ys, at(yo, j));
      }
      for (; j + L <= n; j += L) {
        gemvTVector(alpha, as, at(ao, j), ld, m, x, beta, ys, at(yo, j));
      }
      for (; j < n; j++) { // the last n mod L columns, each a strided dot (even, odd rows)
        double even = 0.0;
        double odd = 0.0;
        long r = at(ao, j);
        int i = 0;
        for (; i + 2 <= m; i += 2, r += 2 * ld) {
          even = Math.fma(get(as, r), alpha * get(x, i), even);
          odd = Math.fma(get(as, r + ld), alpha * get(x, i + 1), odd);
        }
        if (i < m) {
          even = Math.fma(get(as, r), alpha * get(x, i), even);
        }
        double sum = even + odd;
        long yb = at(yo, j);
        set(ys, yb, beta == 0.0 ? sum : sum + beta * get(ys, yb));
      }
      return;
    }
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
   * {@link #PANEL_COLUMNS} columns of {@code y ← αAᵀx + βy} starting at byte {@code p0} of
   * row 0: four vectors of sums over all rows held in registers, even and odd rows in separate
   * accumulators (halving the chains of dependent FMAs), added at the end.
   */
  static void gemvTPanel(double alpha, MemorySegment as, long p0, long ld, int m, DVector x,
      double beta, MemorySegment ys, long yb) {
    DoubleVector e0 = DoubleVector.zero(SPECIES);
    DoubleVector e1 = e0;
    DoubleVector e2 = e0;
    DoubleVector e3 = e0;
    DoubleVector o0 = e0;
    DoubleVector o1 = e0;
    DoubleVector o2 = e0;
    DoubleVector o3 = e0;
    // A slice per row of exactly the panel: its loads at constant offsets need no bounds
    // check beyond the slice's own.
    int i = 0;
    long r = p0;
    for (; i + 2 <= m; i += 2, r += 2 * ld) {
      DoubleVector c = DoubleVector.broadcast(SPECIES, alpha * get(x, i));
      DoubleVector d = DoubleVector.broadcast(SPECIES, alpha * get(x, i + 1));
      MemorySegment even = as.asSlice(r, 4 * VB);
      MemorySegment odd = as.asSlice(r + ld, 4 * VB);
      e0 = load(even, 0).fma(c, e0);
      e1 = load(even, VB).fma(c, e1);
      e2 = load(even, 2 * VB).fma(c, e2);
      e3 = load(even, 3 * VB).fma(c, e3);
      o0 = load(odd, 0).fma(d, o0);
      o1 = load(odd, VB).fma(d, o1);
      o2 = load(odd, 2 * VB).fma(d, o2);
      o3 = load(odd, 3 * VB).fma(d, o3);
    }
    if (i < m) {
      DoubleVector c = DoubleVector.broadcast(SPECIES, alpha * get(x, i));
      MemorySegment even = as.asSlice(r, 4 * VB);
      e0 = load(even, 0).fma(c, e0);
      e1 = load(even, VB).fma(c, e1);
      e2 = load(even, 2 * VB).fma(c, e2);
      e3 = load(even, 3 * VB).fma(c, e3);
    }
    e0 = e0.add(o0);
    e1 = e1.add(o1);
    e2 = e2.add(o2);
    e3 = e3.add(o3);
    if (beta != 0.0) {
      e0 = e0.add(load(ys, yb).mul(beta));
      e1 = e1.add(load(ys, yb + VB).mul(beta));
      e2 = e2.add(load(ys, yb + 2 * VB).mul(beta));
      e3 = e3.add(load(ys, yb + 3 * VB).mul(beta));
    }
    store(e0, ys, yb);
    store(e1, ys, yb + VB);
    store(e2, ys, yb + 2 * VB);
    store(e3, ys, yb + 3 * VB);
  }

  /** {@link #gemvTPanel} of one vector of columns. */
  static void gemvTVector(double alpha, MemorySegment as, long p0, long ld, int m, DVector x,
      double beta, MemorySegment ys, long yb) {
    DoubleVector e0 = DoubleVector.zero(SPECIES);
    DoubleVector o0 = e0;
    int i = 0;
    long r = p0;
    for (; i + 2 <= m; i += 2, r += 2 * ld) {
      e0 = load(as.asSlice(r, VB), 0).fma(DoubleVector.broadcast(SPECIES, alpha * get(x, i)),
          e0);
      o0 = load(as.asSlice(r + ld, VB), 0).fma(
          DoubleVector.broadcast(SPECIES, alpha * get(x, i + 1)), o0);
    }
    if (i < m) {
      e0 = load(as.asSlice(r, VB), 0).fma(DoubleVector.broadcast(SPECIES, alpha * get(x, i)),
          e0);
    }
    e0 = e0.add(o0);
    if (beta != 0.0) {
      e0 = e0.add(load(ys, yb).mul(beta));
    }
    store(e0, ys, yb);
  }

  /**
   * {@code y ← y + c0 A_0 + c1 A_1 + c2 A_2 + c3 A_3} for four consecutive rows; with
   * {@code overwrite}, {@code y ← c0 A_0 + ... + c3 A_3} without reading {@code y}.
   */
  static void gemvTFourRows(double c0, double c1, double c2, double c3, MemorySegment as,
      long r0, long ld, MemorySegment ys, long yo, int n, boolean overwrite) {
    // Slices of exactly one row (and of y): the bounds checks of the column loop are then
    // against one length at an index linear in j, hoisted out of the loop by the JIT.
    long nb = (long) n << 3;
    MemorySegment a0s = as.asSlice(r0, nb);
    MemorySegment a1s = as.asSlice(r0 + ld, nb);
    MemorySegment a2s = as.asSlice(r0 + 2 * ld, nb);
    MemorySegment a3s = as.asSlice(r0 + 3 * ld, nb);
    MemorySegment yv = ys.asSlice(yo, nb);
    int j = 0;
    int bound = SPECIES.loopBound(n);
    if (bound > 0) {
      DoubleVector v0 = DoubleVector.broadcast(SPECIES, c0);
      DoubleVector v1 = DoubleVector.broadcast(SPECIES, c1);
      DoubleVector v2 = DoubleVector.broadcast(SPECIES, c2);
      DoubleVector v3 = DoubleVector.broadcast(SPECIES, c3);
      for (; j < bound; j += L) {
        long jb = (long) j << 3;
        DoubleVector a0 = load(a0s, jb);
        DoubleVector acc = overwrite ? a0.mul(v0) : a0.fma(v0, load(yv, jb));
        acc = load(a1s, jb).fma(v1, acc);
        acc = load(a2s, jb).fma(v2, acc);
        acc = load(a3s, jb).fma(v3, acc);
        store(acc, yv, jb);
      }
    }
    for (; j < n; j++) {
      long jb = (long) j << 3;
      double a0 = get(a0s, jb);
      double acc = overwrite ? a0 * c0 : Math.fma(a0, c0, get(yv, jb));
      acc = Math.fma(get(a1s, jb), c1, acc);
      acc = Math.fma(get(a2s, jb), c2, acc);
      acc = Math.fma(get(a3s, jb), c3, acc);
      set(yv, jb, acc);
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
