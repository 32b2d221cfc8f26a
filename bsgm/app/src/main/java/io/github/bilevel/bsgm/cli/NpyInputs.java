package io.github.bilevel.bsgm.cli;

import io.github.bilevel.bsgm.io.Npy;
import io.github.bilevel.bsgm.io.NpyException;
import java.nio.file.Path;

/**
 * Loading a command's {@code .npy} inputs: the right rank, not empty, every value finite. The
 * messages name the option, the file and, for a bad value, its index.
 */
final class NpyInputs {

  private NpyInputs() {}

  /** A non-empty 2-D array with finite values, given by {@code option}. */
  static Npy.Array matrix(String option, Path file) throws NpyException {
    Npy.Array array;
    try {
      array = Npy.readMatrix(file);
    } catch (NpyException e) {
      throw new NpyException(file, option + ": " + e.getMessage(), e);
    }
    if (array.rows() == 0 || array.cols() == 0) {
      throw new NpyException(file, option + ": " + file + " is empty (shape "
          + array.shapeText() + ")");
    }
    requireFinite(option, array);
    return array;
  }

  /** A non-empty 1-D array with finite values, given by {@code option}. */
  static double[] vector(String option, Path file) throws NpyException {
    Npy.Array array;
    try {
      array = Npy.read(file, 1);
    } catch (NpyException e) {
      throw new NpyException(file, option + ": " + e.getMessage(), e);
    }
    if (array.rows() == 0) {
      throw new NpyException(file, option + ": " + file + " is empty (shape (0,))");
    }
    requireFinite(option, array);
    return array.values();
  }

  /** Throws naming the first NaN or infinite value (row and column of a matrix). */
  static void requireFinite(String option, Npy.Array array) throws NpyException {
    double[] values = array.values();
    for (int i = 0; i < values.length; i++) {
      if (!Double.isFinite(values[i])) {
        String where = array.rank() == 2
            ? "row " + i / array.cols() + ", column " + i % array.cols()
            : "index " + i;
        throw new NpyException(array.file(), option + ": " + array.file() + " has "
            + values[i] + " at " + where + " (0-based); the data must be finite");
      }
    }
  }
}
