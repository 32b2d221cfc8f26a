package io.github.bilevel.bench;

import io.github.bilevel.kernels.DMatrix;
import io.github.bilevel.kernels.Transpose;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * BLAS-3: {@code C ← op(A) op(B)} with row-major matrices, {@code op(A)} {@code m × k},
 * {@code op(B)} {@code k × n}, for each implementation of {@link Impls}. By default square
 * ({@code m = k = n}, no transposes); {@code -p m=600 -p k=784 -p trans=NT} gives the shapes of
 * the workloads (the equilibrium model's {@code Z Aᵀ} and {@code X Bᵀ} are {@code NT}, its
 * backward products {@code NN} and {@code TN}). Compute-bound: the table reports GFLOP/s
 * ({@code 2mnk} flops per op).
 *
 * <p>netlib is column-major: with row-major storage {@code C = op(A) op(B)} is its
 * {@code Cᵀ = op(B)ᵀ op(A)ᵀ}, that is
 * {@code dgemm(tB, tA, n, m, k, 1, B, ldb, A, lda, 0, C, n)} on the same arrays, where a
 * transposed row-major operand is an untransposed column-major one.
 */
public class Blas3Bench extends BlasBench {

  /** Columns of C (and all of m, n, k when {@link #m} and {@link #k} are 0). */
  @Param({"255", "512", "1024"})
  public int n;

  /** Rows of C; 0 for {@link #n}. */
  @Param({"0"})
  public int m;

  /** The inner dimension; 0 for {@link #n}. */
  @Param({"0"})
  public int k;

  /** Whether A and B are transposed: {@code NN}, {@code NT}, {@code TN} or {@code TT}. */
  @Param({"NN"})
  public String trans;

  // Package-private: the tests compare the outputs of the implementations.
  DMatrix a;
  DMatrix b;
  DMatrix c;

  double[] aa;
  double[] ba;
  double[] ca;

  private int rows;
  private int inner;
  private Transpose transA;
  private Transpose transB;

  /** Allocates and fills the buffers once per trial (fixed seeds). */
  @Setup(Level.Trial)
  public void setup() {
    if (!trans.matches("[NT][NT]")) {
      throw new IllegalArgumentException("trans = '" + trans + "': must be NN, NT, TN or TT");
    }
    if (m < 0 || k < 0 || n < 1) {
      throw new IllegalArgumentException("m = " + m + ", n = " + n + ", k = " + k
          + ": n must be >= 1, m and k >= 0 (0 for n)");
    }
    rows = m == 0 ? n : m;
    inner = k == 0 ? n : k;
    transA = Transpose.of(trans.charAt(0) == 'T');
    transB = Transpose.of(trans.charAt(1) == 'T');
    int aSize = Math.multiplyExact(rows, inner);
    int bSize = Math.multiplyExact(inner, n);
    double[] as = Impls.random(Impls.SEED, aSize);
    double[] bs = Impls.random(Impls.SEED + 1, bSize);
    if (!openBackend()) {
      aa = as;
      ba = bs;
      ca = new double[Math.multiplyExact(rows, n)];
      return;
    }
    a = transA == Transpose.YES ? Impls.matrix(backend, arena, inner, rows)
        : Impls.matrix(backend, arena, rows, inner);
    b = transB == Transpose.YES ? Impls.matrix(backend, arena, n, inner)
        : Impls.matrix(backend, arena, inner, n);
    c = Impls.matrix(backend, arena, rows, n);
    Impls.copy(as, a.segment());
    Impls.copy(bs, b.segment());
  }

  /** {@code C ← op(A) op(B)} (α = 1, β = 0): 2mnk flops. */
  @Benchmark
  public void gemm() {
    if (backend != null) {
      backend.gemm(transA, transB, 1.0, a, b, 0.0, c);
    } else {
      // column-major: Cᵀ = op(B)ᵀ op(A)ᵀ; a row-major operand read column-major is transposed
      int lda = transA == Transpose.YES ? rows : inner;
      int ldb = transB == Transpose.YES ? inner : n;
      netlib.dgemm(transB == Transpose.YES ? "T" : "N", transA == Transpose.YES ? "T" : "N", n,
          rows, inner, 1.0, ba, ldb, aa, lda, 0.0, ca, n);
    }
  }
}
