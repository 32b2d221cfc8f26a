package io.github.bilevel.bsgm.problems;

import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.DMatrix;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

/** Argument checks and copies shared by the workloads; every message names the argument. */
final class Inputs {

  private Inputs() {}

  /**
   * A dense copy of {@code source} in {@code backend}'s memory owned by {@code arena}, after
   * checking that it has {@code rows}
   * rows (if {@code rows >= 0}) and {@code cols} columns (if {@code cols >= 0}), at least one of
   * each, and only finite values.
   */
  static DMatrix copyFinite(Backend backend, Arena arena, String name, DMatrix source, int rows, int cols) {
    Objects.requireNonNull(source, name);
    if (source.rows() < 1 || source.cols() < 1) {
      throw new IllegalArgumentException(name + " must have at least one row and one column, got "
          + source.rows() + "x" + source.cols());
    }
    if (rows >= 0 && source.rows() != rows) {
      throw new IllegalArgumentException(name + " has " + source.rows() + " rows but "
          + rows + " are expected (one per label)");
    }
    if (cols >= 0 && source.cols() != cols) {
      throw new IllegalArgumentException(name + " has " + source.cols() + " columns (features)"
          + " but the other data have " + cols);
    }
    DMatrix copy = backend.matrix(arena, source.rows(), source.cols()).copyFrom(source);
    for (int i = 0; i < source.rows(); i++) {
      for (int j = 0; j < source.cols(); j++) {
        double value = copy.get(i, j);
        if (!Double.isFinite(value)) {
          throw new IllegalArgumentException(name + " has a non-finite value at (" + i + ", " + j
              + "): " + value);
        }
      }
    }
    return copy;
  }

  /** Throws unless {@code labels} is non-null, has {@code rows} entries, all in {@code [0, k)}. */
  static int[] checkLabels(String name, int[] labels, int rows, int classes) {
    Objects.requireNonNull(labels, name);
    if (rows >= 0 && labels.length != rows) {
      throw new IllegalArgumentException(name + " has " + labels.length + " labels but the data"
          + " have " + rows + " rows");
    }
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0 || labels[i] >= classes) {
        throw new IllegalArgumentException(name + "[" + i + "] = " + labels[i]
            + " is not a class index in [0, " + classes + ")");
      }
    }
    return labels.clone();
  }

  /** Throws unless {@code classes >= 2}. */
  static void checkClasses(int classes) {
    if (classes < 2) {
      throw new IllegalArgumentException("a classifier needs at least 2 classes, got " + classes);
    }
  }

  /** Throws unless {@code value} is finite and {@code > 0}. */
  static void checkPositive(String name, double value) {
    if (!(value > 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(name + " must be finite and > 0, got " + value);
    }
  }

  /** Throws if {@code out} and {@code in} share memory (the GEMMs cannot write over inputs). */
  static void checkDisjoint(String outName, DVector out, String inName, DVector in) {
    if (!out.segment().equals(in.segment())) {
      return;
    }
    long outFirst = out.offset();
    long outLast = out.offset() + (long) Math.max(0, out.length() - 1) * out.stride();
    long inFirst = in.offset();
    long inLast = in.offset() + (long) Math.max(0, in.length() - 1) * in.stride();
    if (outFirst <= inLast && inFirst <= outLast) {
      throw new IllegalArgumentException(outName + " must not share memory with " + inName);
    }
  }

  /** A zero-filled segment of {@code count} 32-bit integers in {@code backend}'s memory. */
  static MemorySegment ints(Backend backend, Arena arena, int count) {
    return backend.labels(arena, new int[count]);
  }

  /** {@code segment[index] ← value} for a segment of 32-bit integers. */
  static void setInt(MemorySegment segment, int index, int value) {
    segment.setAtIndex(ValueLayout.JAVA_INT, index, value);
  }
}
