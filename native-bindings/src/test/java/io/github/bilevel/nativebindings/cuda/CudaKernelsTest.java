package io.github.bilevel.nativebindings.cuda;

import static io.github.bilevel.nativebindings.cuda.CudaFixtures.LAYOUTS;
import static io.github.bilevel.nativebindings.cuda.CudaFixtures.SIZES;
import static io.github.bilevel.nativebindings.cuda.CudaFixtures.compare;
import static io.github.bilevel.nativebindings.cuda.CudaFixtures.extent;
import static io.github.bilevel.nativebindings.cuda.CudaFixtures.matrix;
import static io.github.bilevel.nativebindings.cuda.CudaFixtures.vector;

import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.Buffers;
import io.github.bilevel.kernels.DMatrix;
import io.github.bilevel.kernels.DVector;
import io.github.bilevel.kernels.Projections;
import io.github.bilevel.kernels.Transpose;
import io.github.bilevel.nativebindings.cuda.CudaFixtures.Layout;
import io.github.bilevel.nativebindings.cuda.CudaFixtures.Memory;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kernel of {@link CudaBackend} against the scalar backend, to 1e-12 relative (see
 * {@link CudaFixtures}), on managed memory and on host and heap memory (the staging path):
 * sizes on both sides of the block size and above {@code THREADS · MAX_BLOCKS}, offset and
 * strided vectors, matrices with {@code ld > cols}, the four transposes of gemm. Skipped, with
 * the reason, where there is no GPU.
 */
class CudaKernelsTest {

  @BeforeEach
  void requireGpu() {
    CudaFixtures.requireGpu();
  }

  /** Vector operations on (x, y) with their error depth. */
  enum VectorOp {
    DOT(true) {
      @Override
      double run(Backend b, DVector x, DVector y, boolean m) {
        return b.dot(x, y);
      }
    },
    NRM2(true) {
      @Override
      double run(Backend b, DVector x, DVector y, boolean m) {
        return b.nrm2(x);
      }
    },
    ASUM(true) {
      @Override
      double run(Backend b, DVector x, DVector y, boolean m) {
        return b.asum(x);
      }
    },
    AXPY(false) {
      @Override
      double run(Backend b, DVector x, DVector y, boolean m) {
        b.axpy(m ? 0.75 : -0.75, x, y);
        return 0;
      }
    },
    AXPBY(false) {
      @Override
      double run(Backend b, DVector x, DVector y, boolean m) {
        b.axpby(1.5, x, m ? 0.625 : -0.625, y);
        return 0;
      }
    },
    HADAMARD(false) {
      @Override
      double run(Backend b, DVector x, DVector y, boolean m) {
        b.hadamard(m ? 1.5 : -1.5, x, y, m ? 0.625 : 0.0, y);
        return 0;
      }
    },
    HADAMARD_SQUARE(false) {
      @Override
      double run(Backend b, DVector x, DVector y, boolean m) {
        b.hadamard(0.75, x, x, -0.5, y);
        return 0;
      }
    },
    AXPBY_BETA_ZERO(false) {
      @Override
      double run(Backend b, DVector x, DVector y, boolean m) {
        b.axpby(m ? 1.5 : -1.5, x, 0.0, y);
        return 0;
      }
    },
    SCAL(false) {
      @Override
      double run(Backend b, DVector x, DVector y, boolean m) {
        b.scal(m ? 2.5 : -2.5, x);
        return 0;
      }
    },
    SCAL_ZERO(false) {
      @Override
      double run(Backend b, DVector x, DVector y, boolean m) {
        if (x.length() > 0) {
          x.set(0, Double.NaN); // 0 · NaN must stay NaN
        }
        b.scal(0.0, x);
        return 0;
      }
    },
    COPY(false) {
      @Override
      double run(Backend b, DVector x, DVector y, boolean m) {
        b.copy(x, y);
        return 0;
      }
    },
    FILL(false) {
      @Override
      double run(Backend b, DVector x, DVector y, boolean m) {
        b.fill(-3.25, x);
        return 0;
      }
    },
    ROT(false) {
      @Override
      double run(Backend b, DVector x, DVector y, boolean m) {
        if (!m) {
          b.rot(x, y, 0.6, -0.8);
          return 0;
        }
        double[] x0 = x.toArray();
        double[] y0 = y.toArray();
        for (int i = 0; i < x0.length; i++) {
          x.set(i, 0.6 * x0[i] + 0.8 * y0[i]);
          y.set(i, 0.6 * y0[i] + 0.8 * x0[i]);
        }
        return 0;
      }
    },
    KM_STEP(false) {
      @Override
      double run(Backend b, DVector x, DVector y, boolean m) {
        b.kmStep(0.3, y, x);
        return 0;
      }
    },
    KM_STEP_RESIDUAL(true) {
      @Override
      double run(Backend b, DVector x, DVector y, boolean m) {
        return b.kmStepResidual(0.3, y, x);
      }
    },
    TANH(false) {
      @Override
      double run(Backend b, DVector x, DVector y, boolean m) {
        b.tanh(x, y);
        return 0;
      }
    },
    TANH_IN_PLACE(false) {
      @Override
      double run(Backend b, DVector x, DVector y, boolean m) {
        b.tanh(x, x);
        return 0;
      }
    },
    TANH_BACKWARD(false) {
      @Override
      double run(Backend b, DVector x, DVector y, boolean m) {
        b.tanhBackward(x, y, y);
        return 0;
      }
    },
    SIGMOID(false) {
      @Override
      double run(Backend b, DVector x, DVector y, boolean m) {
        b.sigmoid(x, y);
        return 0;
      }
    },
    SIGMOID_BACKWARD(false) {
      @Override
      double run(Backend b, DVector x, DVector y, boolean m) {
        b.sigmoidBackward(x, y, x);
        return 0;
      }
    },
    RELU(false) {
      @Override
      double run(Backend b, DVector x, DVector y, boolean m) {
        b.relu(x, y);
        return 0;
      }
    },
    RELU_BACKWARD(false) {
      @Override
      double run(Backend b, DVector x, DVector y, boolean m) {
        b.reluBackward(x, y, y);
        return 0;
      }
    },
    PROJECT_BALL(true) {
      @Override
      double run(Backend b, DVector x, DVector y, boolean m) {
        Projections.ball(b, x, 0.25 * Math.sqrt(x.length()));
        return 0;
      }
    },
    PROJECT_BOX(false) {
      @Override
      double run(Backend b, DVector x, DVector y, boolean m) {
        Projections.box(b, x, -0.3, 0.5);
        return 0;
      }
    },
    PROJECT_BOX_VECTOR(false) {
      @Override
      double run(Backend b, DVector x, DVector y, boolean m) {
        // bounds [-|y_i|/2 - 0.1, |y_i| + 0.1] built on the host, then projected
        double[] ys = y.toArray();
        double[] lo = new double[ys.length];
        double[] hi = new double[ys.length];
        for (int i = 0; i < ys.length; i++) {
          lo[i] = -Math.abs(ys[i]) / 2 - 0.1;
          hi[i] = Math.abs(ys[i]) + 0.1;
        }
        try (java.lang.foreign.Arena a = java.lang.foreign.Arena.ofConfined()) {
          Projections.box(b, x, Buffers.vector(a, lo), Buffers.vector(a, hi));
        }
        return 0;
      }
    },
    PROJECT_LINF(false) {
      @Override
      double run(Backend b, DVector x, DVector y, boolean m) {
        Projections.linfBall(b, x, 0.4);
        return 0;
      }
    },
    PROJECT_NONNEGATIVE(false) {
      @Override
      double run(Backend b, DVector x, DVector y, boolean m) {
        Projections.nonNegative(b, x);
        return 0;
      }
    },
    PROJECT_SIMPLEX(false) {
      @Override
      double run(Backend b, DVector x, DVector y, boolean m) {
        if (!m) {
          Projections.simplex(b, x, 1.0);
        } else {
          b.fill(1.0, x); // an absolute bound: 1e-12 per element
        }
        return 0;
      }
    };

    final boolean reduction;

    VectorOp(boolean reduction) {
      this.reduction = reduction;
    }

    abstract double run(Backend b, DVector x, DVector y, boolean m);

    int depth(int n) {
      return reduction ? n + 2 : 4;
    }
  }

  static Stream<Arguments> vectorCases() {
    List<Arguments> out = new ArrayList<>();
    Layout[][] pairs = {{LAYOUTS[0], LAYOUTS[0]}, {LAYOUTS[1], LAYOUTS[2]},
        {LAYOUTS[2], LAYOUTS[1]}};
    for (VectorOp op : VectorOp.values()) {
      for (int n : SIZES) {
        for (Layout[] p : pairs) {
          out.add(Arguments.of(op, n, p[0], p[1], Memory.MANAGED));
        }
        if (n <= 1025) {
          out.add(Arguments.of(op, n, LAYOUTS[2], LAYOUTS[1], Memory.HOST));
          out.add(Arguments.of(op, n, LAYOUTS[2], LAYOUTS[1], Memory.HOST_STAGED));
          out.add(Arguments.of(op, n, LAYOUTS[1], LAYOUTS[0], Memory.HEAP));
        }
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} n={1} x: {2}, y: {3}, {4}")
  @MethodSource("vectorCases")
  void vectorKernelMatchesReference(VectorOp op, int n, Layout lx, Layout ly, Memory memory) {
    long seed = 31L * n + op.ordinal() + 7L * lx.offset() + 11L * ly.stride();
    compare(op + " n=" + n, memory, new long[] {extent(n, lx), extent(n, ly)}, seed,
        op.depth(n), (b, s, m) -> op.run(b, vector(s[0], n, lx), vector(s[1], n, ly), m));
  }

  // ---------------------------------------------------------------- BLAS-2

  static List<int[]> shapes() {
    return List.of(new int[] {1, 1}, new int[] {1, 7}, new int[] {7, 1}, new int[] {3, 9},
        new int[] {9, 63}, new int[] {64, 65}, new int[] {65, 3}, new int[] {1, 1025},
        new int[] {1023, 3}, new int[] {129, 257}, new int[] {0, 5}, new int[] {5, 0},
        new int[] {300, 1001});
  }

  static Stream<Arguments> gemvCases() {
    List<Arguments> out = new ArrayList<>();
    for (int[] shape : shapes()) {
      for (double beta : new double[] {0.0, 1.0, -0.75}) {
        out.add(Arguments.of(shape[0], shape[1], 0, beta, LAYOUTS[0], LAYOUTS[0], Memory.MANAGED));
        out.add(Arguments.of(shape[0], shape[1], 5, beta, LAYOUTS[2], LAYOUTS[1], Memory.MANAGED));
        out.add(Arguments.of(shape[0], shape[1], 1, beta, LAYOUTS[1], LAYOUTS[2],
            Memory.HOST_STAGED));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "gemv {0}x{1} pad {2} beta {3} x: {4} y: {5} {6}")
  @MethodSource("gemvCases")
  void gemvMatchesReference(int rows, int cols, int pad, double beta, Layout lx, Layout ly,
      Memory memory) {
    long[] extents = {CudaFixtures.extent(rows, cols, pad), extent(cols, lx), extent(rows, ly)};
    compare("gemv " + rows + "x" + cols, memory, extents, 100L * rows + cols, cols + 2,
        (b, s, m) -> {
          if (beta == 0.0 && !m && rows > 0) {
            vector(s[2], rows, ly).set(0, Double.NaN); // β = 0: y is not read
          }
          b.gemv(m ? 1.25 : -1.25, matrix(s[0], rows, cols, pad), vector(s[1], cols, lx),
              m ? Math.abs(beta) : beta, vector(s[2], rows, ly));
          return 0;
        });
  }

  @ParameterizedTest(name = "gemvT {0}x{1} pad {2} beta {3} x: {4} y: {5} {6}")
  @MethodSource("gemvCases")
  void gemvTransposedMatchesReference(int rows, int cols, int pad, double beta, Layout lx,
      Layout ly, Memory memory) {
    long[] extents = {CudaFixtures.extent(rows, cols, pad), extent(rows, lx), extent(cols, ly)};
    compare("gemvT " + rows + "x" + cols, memory, extents, 200L * rows + cols, rows + 2,
        (b, s, m) -> {
          b.gemvT(m ? 0.5 : -0.5, matrix(s[0], rows, cols, pad), vector(s[1], rows, lx),
              m ? Math.abs(beta) : beta, vector(s[2], cols, ly));
          return 0;
        });
  }

  @ParameterizedTest(name = "ger {0}x{1} pad {2} beta {3} x: {4} y: {5} {6}")
  @MethodSource("gemvCases")
  void gerMatchesReference(int rows, int cols, int pad, double unused, Layout lx, Layout ly,
      Memory memory) {
    long[] extents = {CudaFixtures.extent(rows, cols, pad), extent(rows, lx), extent(cols, ly)};
    compare("ger " + rows + "x" + cols, memory, extents, 300L * rows + cols, 2, (b, s, m) -> {
      b.ger(m ? 0.8 : -0.8, vector(s[1], rows, lx), vector(s[2], cols, ly),
          matrix(s[0], rows, cols, pad));
      return 0;
    });
  }

  // ---------------------------------------------------------------- BLAS-3

  static Stream<Arguments> gemmCases() {
    int[][] shapes = {{1, 1, 1}, {3, 7, 9}, {8, 8, 8}, {9, 1, 63}, {1, 65, 3}, {63, 64, 65},
        {65, 9, 1}, {130, 97, 129}, {0, 3, 4}, {3, 4, 0}, {257, 255, 300}};
    List<Arguments> out = new ArrayList<>();
    for (int[] s : shapes) {
      for (Transpose ta : Transpose.values()) {
        for (Transpose tb : Transpose.values()) {
          out.add(Arguments.of(s[0], s[1], s[2], ta, tb, 0, 0.0, Memory.MANAGED));
          out.add(Arguments.of(s[0], s[1], s[2], ta, tb, 3, -0.5, Memory.MANAGED));
          out.add(Arguments.of(s[0], s[1], s[2], ta, tb, 2, 1.0, Memory.HOST_STAGED));
        }
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "gemm m={0} n={1} k={2} {3}/{4} pad {5} beta {6} {7}")
  @MethodSource("gemmCases")
  void gemmMatchesReference(int m, int n, int k, Transpose ta, Transpose tb, int pad,
      double beta, Memory memory) {
    int ar = ta == Transpose.NO ? m : k;
    int ac = ta == Transpose.NO ? k : m;
    int br = tb == Transpose.NO ? k : n;
    int bc = tb == Transpose.NO ? n : k;
    long[] extents = {CudaFixtures.extent(ar, ac, pad), CudaFixtures.extent(br, bc, 2 * pad),
        CudaFixtures.extent(m, n, pad + 1)};
    compare("gemm " + m + "x" + n + "x" + k + " " + ta + "/" + tb, memory, extents,
        1000L * m + 100L * n + k + ta.ordinal() * 2 + tb.ordinal(), k + 2, (b, s, mag) -> {
          DMatrix c = matrix(s[2], m, n, pad + 1);
          if (beta == 0.0 && !mag && m > 0 && n > 0) {
            c.set(0, 0, Double.NaN); // β = 0: C is not read
          }
          b.gemm(ta, tb, mag ? 1.5 : -1.5, matrix(s[0], ar, ac, pad),
              matrix(s[1], br, bc, 2 * pad), mag ? Math.abs(beta) : beta, c);
          return 0;
        });
  }

  // ---------------------------------------------------------------- matrix kernels

  static Stream<Arguments> rowCases() {
    List<Arguments> out = new ArrayList<>();
    int[][] shapes = {{1, 1}, {1, 10}, {7, 3}, {64, 10}, {257, 33}, {1000, 10}};
    for (int[] s : shapes) {
      out.add(Arguments.of(s[0], s[1], 0, Memory.MANAGED));
      out.add(Arguments.of(s[0], s[1], 3, Memory.MANAGED));
      out.add(Arguments.of(s[0], s[1], 2, Memory.HOST_STAGED));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "softmax {0}x{1} pad {2} {3}")
  @MethodSource("rowCases")
  void softmaxMatchesReference(int rows, int cols, int pad, Memory memory) {
    long[] extents = {CudaFixtures.extent(rows, cols, pad), CudaFixtures.extent(rows, cols, 1)};
    compare("softmax " + rows + "x" + cols, memory, extents, 17L * rows + cols, cols + 2,
        (b, s, m) -> {
          b.softmax(matrix(s[0], rows, cols, pad), matrix(s[1], rows, cols, 1));
          return 0;
        });
    compare("softmax in place " + rows + "x" + cols, memory, new long[] {extents[0]},
        19L * rows + cols, cols + 2, (b, s, m) -> {
          DMatrix z = matrix(s[0], rows, cols, pad);
          b.softmax(z, z);
          return 0;
        });
  }

  @ParameterizedTest(name = "softmaxCrossEntropy {0}x{1} pad {2} {3}")
  @MethodSource("rowCases")
  void softmaxCrossEntropyMatchesReference(int rows, int cols, int pad, Memory memory) {
    int[] labels = new int[rows];
    for (int i = 0; i < rows; i++) {
      labels[i] = (7 * i + 3) % cols;
    }
    long[] extents = {CudaFixtures.extent(rows, cols, pad), CudaFixtures.extent(rows, cols, 2)};
    for (int variant = 0; variant < 3; variant++) {
      int v = variant; // 0: separate gradient, 1: in place, 2: loss only
      compare("softmaxCrossEntropy " + rows + "x" + cols + " variant " + v, memory, extents,
          23L * rows + cols + v, cols + 2, (b, s, m) -> {
            DMatrix z = matrix(s[0], rows, cols, pad);
            DMatrix g = v == 0 ? matrix(s[1], rows, cols, 2) : v == 1 ? z : null;
            MemorySegment l = b instanceof CudaBackend cuda && memory == Memory.MANAGED
                ? cuda.labels(java.lang.foreign.Arena.ofAuto(), labels)
                : Buffers.labels(java.lang.foreign.Arena.ofAuto(), labels);
            return b.softmaxCrossEntropy(z, l, g);
          });
    }
  }

  @ParameterizedTest(name = "frobenius/spectral/ballBox {0}x{1} pad {2} {3}")
  @MethodSource("rowCases")
  void matrixProjectionsMatchReference(int rows, int cols, int pad, Memory memory) {
    long[] extents = {CudaFixtures.extent(rows, cols, pad)};
    compare("frobenius " + rows + "x" + cols, memory, extents, 29L * rows + cols,
        rows * cols + 2, (b, s, m) -> {
          Projections.frobeniusBall(b, matrix(s[0], rows, cols, pad), 0.3 * Math.sqrt(rows * cols));
          return 0;
        });
    if (rows <= 64) {
      compare("spectral " + rows + "x" + cols, memory, extents, 37L * rows + cols,
          0, (b, s, m) -> {
            DMatrix a = matrix(s[0], rows, cols, pad);
            if (!m) {
              Projections.spectralBall(b, a, 0.5);
            } else {
              for (int i = 0; i < rows; i++) {
                b.fill(1.0, a.row(i)); // an absolute bound: 1e-12 per element
              }
            }
            return 0;
          });
    }
  }
}
