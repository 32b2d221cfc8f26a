package io.github.bilevel.nativebindings.openblas;

import static io.github.bilevel.nativebindings.openblas.Fixtures.LAYOUTS;
import static io.github.bilevel.nativebindings.openblas.Fixtures.SIZES;
import static io.github.bilevel.nativebindings.openblas.Fixtures.compare;
import static io.github.bilevel.nativebindings.openblas.Fixtures.extent;
import static io.github.bilevel.nativebindings.openblas.Fixtures.vector;

import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.DMatrix;
import io.github.bilevel.kernels.DVector;
import io.github.bilevel.kernels.ScalarBackend;
import io.github.bilevel.kernels.Transpose;
import io.github.bilevel.nativebindings.openblas.Fixtures.Layout;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every BLAS kernel of {@link OpenBlasBackend} against {@link ScalarBackend}: sizes that are and
 * are not multiples of the vector width, seeded random sizes, sizes on both sides of
 * {@link OpenBlasBackend#CRITICAL_MAX_WORK} (critical and plain downcalls), offset and strided
 * vectors, matrices at an offset with {@code ld > cols}, all four transposes of gemm. Whole
 * segments are compared, so a write outside a view fails too.
 */
class OpenBlasKernelsTest {

  private static final Backend REFERENCE = new ScalarBackend();
  private static Backend openblas;

  /** Skips (visibly, per test) where OpenBLAS is not installed. */
  @BeforeEach
  void requireOpenBlas() {
    openblas = OpenBlasTesting.backendOrSkip();
  }

  // ---------------------------------------------------------------- BLAS-1

  /** The vector operations, each with its error depth. */
  enum VectorOp {
    DOT {
      @Override
      double run(Backend b, DVector x, DVector y, boolean m) {
        return b.dot(x, y);
      }
    },
    NRM2 {
      @Override
      double run(Backend b, DVector x, DVector y, boolean m) {
        return b.nrm2(x);
      }
    },
    ASUM {
      @Override
      double run(Backend b, DVector x, DVector y, boolean m) {
        return b.asum(x);
      }
    },
    AXPY {
      @Override
      double run(Backend b, DVector x, DVector y, boolean m) {
        b.axpy(m ? 0.75 : -0.75, x, y);
        return 0;
      }
    },
    AXPBY {
      @Override
      double run(Backend b, DVector x, DVector y, boolean m) {
        b.axpby(1.5, x, m ? 0.625 : -0.625, y);
        return 0;
      }
    },
    HADAMARD {
      @Override
      double run(Backend b, DVector x, DVector y, boolean m) {
        b.hadamard(m ? 1.5 : -1.5, x, y, m ? 0.625 : 0.0, y);
        return 0;
      }
    },
    HADAMARD_SQUARE {
      @Override
      double run(Backend b, DVector x, DVector y, boolean m) {
        b.hadamard(0.75, x, x, -0.5, y);
        return 0;
      }
    },
    AXPBY_BETA_ZERO {
      @Override
      double run(Backend b, DVector x, DVector y, boolean m) {
        b.axpby(m ? 1.5 : -1.5, x, 0.0, y);
        return 0;
      }
    },
    AXPBY_BETA_ONE {
      @Override
      double run(Backend b, DVector x, DVector y, boolean m) {
        b.axpby(2.0, x, 1.0, y);
        return 0;
      }
    },
    SCAL {
      @Override
      double run(Backend b, DVector x, DVector y, boolean m) {
        b.scal(m ? 2.5 : -2.5, x);
        return 0;
      }
    },
    COPY {
      @Override
      double run(Backend b, DVector x, DVector y, boolean m) {
        b.copy(x, y);
        return 0;
      }
    },
    ROT {
      @Override
      double run(Backend b, DVector x, DVector y, boolean m) {
        double c = 0.6;
        double s = -0.8;
        if (!m) {
          b.rot(x, y, c, s);
          return 0;
        }
        // Magnitudes: |c||x| + |s||y| and |c||y| + |s||x|.
        double[] x0 = x.toArray();
        double[] y0 = y.toArray();
        for (int i = 0; i < x0.length; i++) {
          x.set(i, Math.abs(c) * x0[i] + Math.abs(s) * y0[i]);
          y.set(i, Math.abs(c) * y0[i] + Math.abs(s) * x0[i]);
        }
        return 0;
      }
    };

    /** Runs the operation; {@code m}: with absolute coefficients (the magnitude run). */
    abstract double run(Backend b, DVector x, DVector y, boolean m);

    /** Number of terms summed per result element. */
    int depth(int n) {
      return switch (this) {
        case DOT, NRM2, ASUM -> n;
        default -> 2;
      };
    }
  }

  /** Sizes: the fixed list, seeded random ones, and both sides of the critical threshold. */
  static int[] vectorSizes() {
    Random random = new Random(0x5EED_0001L);
    IntStream randomSizes = IntStream.generate(() -> 2 + random.nextInt(5000)).limit(5);
    int t = OpenBlasBackend.CRITICAL_MAX_WORK;
    return IntStream.concat(IntStream.concat(IntStream.of(SIZES), randomSizes),
        IntStream.of(t, t + 1, 3 * t + 5)).toArray();
  }

  static Stream<Arguments> vectorCases() {
    List<Arguments> out = new ArrayList<>();
    Layout[][] pairs = {
        {LAYOUTS[0], LAYOUTS[0]}, {LAYOUTS[1], LAYOUTS[2]}, {LAYOUTS[2], LAYOUTS[1]},
        {LAYOUTS[2], LAYOUTS[2]}};
    for (VectorOp op : VectorOp.values()) {
      for (int n : vectorSizes()) {
        for (Layout[] p : pairs) {
          out.add(Arguments.of(op, n, p[0], p[1]));
        }
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} n={1} x: {2}, y: {3}")
  @MethodSource("vectorCases")
  void vectorKernelMatchesReference(VectorOp op, int n, Layout lx, Layout ly) {
    long seed = 31L * n + op.ordinal() + 7L * lx.offset() + 11L * ly.stride();
    compare(op + " n=" + n, REFERENCE, openblas, new long[] {extent(n, lx), extent(n, ly)}, seed,
        op.depth(n), (b, s, m) -> op.run(b, vector(s[0], n, lx), vector(s[1], n, ly), m));
  }

  // ---------------------------------------------------------------- BLAS-2

  /** {rows, cols} shapes: odd, square, thin, and large enough for the plain downcall. */
  static List<int[]> matrixShapes() {
    List<int[]> shapes = new ArrayList<>(List.of(
        new int[] {1, 1}, new int[] {1, 7}, new int[] {7, 1}, new int[] {3, 9}, new int[] {8, 8},
        new int[] {9, 63}, new int[] {64, 65}, new int[] {65, 3}, new int[] {1, 1025},
        new int[] {1023, 3}, new int[] {129, 257}, new int[] {0, 5}, new int[] {5, 0}));
    Random random = new Random(0x5EED_0002L);
    for (int i = 0; i < 4; i++) {
      shapes.add(new int[] {1 + random.nextInt(200), 1 + random.nextInt(200)});
    }
    return shapes;
  }

  static Stream<Arguments> gemvCases() {
    List<Arguments> out = new ArrayList<>();
    for (int[] shape : matrixShapes()) {
      for (double beta : new double[] {0.0, 1.0, -0.75}) {
        out.add(Arguments.of(shape[0], shape[1], 0, beta, LAYOUTS[0], LAYOUTS[0]));
        out.add(Arguments.of(shape[0], shape[1], 5, beta, LAYOUTS[2], LAYOUTS[1]));
        out.add(Arguments.of(shape[0], shape[1], 1, beta, LAYOUTS[1], LAYOUTS[2]));
      }
    }
    return out.stream();
  }

  private static DMatrix matrix(java.lang.foreign.MemorySegment s, int rows, int cols, int pad) {
    return new DMatrix(s, pad, rows, cols, Math.max(1, cols + pad));
  }

  private static long matrixExtent(int rows, int cols, int pad) {
    return Fixtures.extent(rows, cols, pad, Math.max(1, cols + pad));
  }

  @ParameterizedTest(name = "gemv {0}x{1} ld pad {2} beta {3} x: {4}, y: {5}")
  @MethodSource("gemvCases")
  void gemvMatchesReference(int rows, int cols, int pad, double beta, Layout lx, Layout ly) {
    long[] extents = {matrixExtent(rows, cols, pad), extent(cols, lx), extent(rows, ly)};
    compare("gemv " + rows + "x" + cols, REFERENCE, openblas, extents, 100L * rows + cols,
        cols + 1, (b, s, m) -> {
          b.gemv(m ? 1.25 : -1.25, matrix(s[0], rows, cols, pad), vector(s[1], cols, lx),
              m ? Math.abs(beta) : beta, vector(s[2], rows, ly));
          return 0;
        });
  }

  @ParameterizedTest(name = "gemvT {0}x{1} ld pad {2} beta {3} x: {4}, y: {5}")
  @MethodSource("gemvCases")
  void gemvTransposedMatchesReference(int rows, int cols, int pad, double beta, Layout lx,
      Layout ly) {
    long[] extents = {matrixExtent(rows, cols, pad), extent(rows, lx), extent(cols, ly)};
    compare("gemvT " + rows + "x" + cols, REFERENCE, openblas, extents, 200L * rows + cols,
        rows + 1, (b, s, m) -> {
          b.gemvT(m ? 0.5 : -0.5, matrix(s[0], rows, cols, pad), vector(s[1], rows, lx),
              m ? Math.abs(beta) : beta, vector(s[2], cols, ly));
          return 0;
        });
  }

  static Stream<Arguments> gerCases() {
    List<Arguments> out = new ArrayList<>();
    for (int[] shape : matrixShapes()) {
      out.add(Arguments.of(shape[0], shape[1], 0, LAYOUTS[0], LAYOUTS[0]));
      out.add(Arguments.of(shape[0], shape[1], 3, LAYOUTS[2], LAYOUTS[1]));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "ger {0}x{1} ld pad {2} x: {3}, y: {4}")
  @MethodSource("gerCases")
  void gerMatchesReference(int rows, int cols, int pad, Layout lx, Layout ly) {
    long[] extents = {matrixExtent(rows, cols, pad), extent(rows, lx), extent(cols, ly)};
    compare("ger " + rows + "x" + cols, REFERENCE, openblas, extents, 300L * rows + cols, 2,
        (b, s, m) -> {
          b.ger(m ? 0.8 : -0.8, vector(s[1], rows, lx), vector(s[2], cols, ly),
              matrix(s[0], rows, cols, pad));
          return 0;
        });
  }

  // ---------------------------------------------------------------- BLAS-3

  /** {m, n, k} shapes. */
  static List<int[]> gemmShapes() {
    List<int[]> shapes = new ArrayList<>(List.of(
        new int[] {1, 1, 1}, new int[] {3, 7, 9}, new int[] {8, 8, 8}, new int[] {9, 1, 63},
        new int[] {1, 65, 3}, new int[] {63, 64, 65}, new int[] {65, 9, 1},
        new int[] {130, 97, 129}, new int[] {0, 3, 4}, new int[] {3, 4, 0}));
    Random random = new Random(0x5EED_0003L);
    for (int i = 0; i < 4; i++) {
      shapes.add(new int[] {1 + random.nextInt(90), 1 + random.nextInt(90),
          1 + random.nextInt(90)});
    }
    return shapes;
  }

  static Stream<Arguments> gemmCases() {
    List<Arguments> out = new ArrayList<>();
    for (int[] shape : gemmShapes()) {
      for (Transpose ta : Transpose.values()) {
        for (Transpose tb : Transpose.values()) {
          out.add(Arguments.of(shape[0], shape[1], shape[2], ta, tb, 0, 0.0));
          out.add(Arguments.of(shape[0], shape[1], shape[2], ta, tb, 3, -0.5));
        }
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "gemm m={0} n={1} k={2} {3}/{4} ld pad {5} beta {6}")
  @MethodSource("gemmCases")
  void gemmMatchesReference(int m, int n, int k, Transpose ta, Transpose tb, int pad,
      double beta) {
    checkGemm(m, n, k, ta, tb, pad, beta, 1000L * m + 100L * n + k + ta.ordinal() * 2
        + tb.ordinal());
  }

  /** Compares one gemm; A stored {@code m×k} (or {@code k×m}), B {@code k×n} (or {@code n×k}). */
  static void checkGemm(int m, int n, int k, Transpose ta, Transpose tb, int pad, double beta,
      long seed) {
    int ar = ta == Transpose.NO ? m : k;
    int ac = ta == Transpose.NO ? k : m;
    int br = tb == Transpose.NO ? k : n;
    int bc = tb == Transpose.NO ? n : k;
    int padA = pad;
    int padB = 2 * pad;
    int padC = pad + (pad > 0 ? 1 : 0);
    long[] extents = {matrixExtent(ar, ac, padA), matrixExtent(br, bc, padB),
        matrixExtent(m, n, padC)};
    compare("gemm " + m + "x" + n + "x" + k + " " + ta + "/" + tb, new ScalarBackend(),
        new OpenBlasBackend(), extents, seed, k + 1, (b, s, mag) -> {
          b.gemm(ta, tb, mag ? 1.5 : -1.5, matrix(s[0], ar, ac, padA), matrix(s[1], br, bc, padB),
              mag ? Math.abs(beta) : beta, matrix(s[2], m, n, padC));
          return 0;
        });
  }
}
