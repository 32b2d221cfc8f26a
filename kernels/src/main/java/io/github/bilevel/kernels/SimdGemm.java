package io.github.bilevel.kernels;

/** Placeholder: the blocked Vector API gemm (being written). Plain loops meanwhile. */
final class SimdGemm {

  private SimdGemm() {}

  /** {@code C ← α op(A) op(B) + β C}; arguments already checked (m, n, k > 0, α ≠ 0). */
  static void gemm(boolean transA, boolean transB, double alpha, DMatrix a, DMatrix b,
      double beta, DMatrix c) {
    new ScalarBackend().gemmKernel(transA, transB, alpha, a, b, beta, c);
  }
}
