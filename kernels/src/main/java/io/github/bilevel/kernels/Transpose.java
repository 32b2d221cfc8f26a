package io.github.bilevel.kernels;

/** Whether a matrix operand of {@link Backend#gemm} is used as stored or transposed. */
public enum Transpose {
  /** Use the matrix as stored. */
  NO,
  /** Use the transpose of the stored matrix. */
  YES;

  /** {@code YES} when {@code transposed}, else {@code NO}. */
  public static Transpose of(boolean transposed) {
    return transposed ? YES : NO;
  }
}
