package io.github.bilevel.bsgm.problems;

import io.github.bilevel.kernels.Checks;
import io.github.bilevel.kernels.DMatrix;
import io.github.bilevel.kernels.DVector;

/**
 * A flattened variable seen as a row-major {@code rows × cols} matrix (and as its rows), with
 * the view of the last vector kept: the solvers pass the same vectors at every call, so a
 * steady-state call makes no view and allocates nothing.
 */
final class MatrixView {

  private final String name;
  private final int rows;
  private final int cols;
  private DVector lastVector;
  private DMatrix lastMatrix;
  private DVector lastRowsVector;
  private DVector[] lastRows;

  MatrixView(String name, int rows, int cols) {
    this.name = name;
    this.rows = rows;
    this.cols = cols;
  }

  private void check(DVector v) {
    Checks.checkLength(name, v, rows * cols);
    if (!v.isContiguous()) {
      throw new IllegalArgumentException(name + " must be contiguous (stride 1) to be seen as a "
          + rows + "x" + cols + " matrix, got stride " + v.stride());
    }
  }

  /** {@code v} as a dense {@code rows × cols} matrix. */
  DMatrix matrix(DVector v) {
    if (v != lastVector) {
      check(v);
      lastMatrix = new DMatrix(v.segment(), v.offset(), rows, cols, cols);
      lastVector = v;
    }
    return lastMatrix;
  }

  /** The rows of {@code v} as vectors. */
  DVector[] rows(DVector v) {
    if (v != lastRowsVector) {
      lastRows = matrix(v).rowViews();
      lastRowsVector = v;
    }
    return lastRows;
  }
}
