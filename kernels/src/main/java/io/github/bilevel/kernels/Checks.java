package io.github.bilevel.kernels;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * The argument checks shared by the backends, the {@link Projections} and the algorithms, in
 * one place so that every caller throws the same exception with the same message. A closed
 * buffer is an {@link IllegalStateException} naming the argument; a wrong length, shape or
 * value is an {@link IllegalArgumentException} naming the argument and both sizes or the value;
 * a {@code null} buffer is a {@link NullPointerException} naming the argument.
 */
public final class Checks {

  private Checks() {}

  /**
   * Throws unless {@code v} is non-null and its memory still alive.
   *
   * @param name the argument's name, for the message
   * @param v    the vector
   * @throws NullPointerException  if {@code v} is null
   * @throws IllegalStateException if the arena that owns {@code v} is closed
   */
  public static void checkAlive(String name, DVector v) {
    Objects.requireNonNull(v, name);
    checkAlive(name, v.segment());
  }

  /**
   * Throws unless {@code m} is non-null and its memory still alive.
   *
   * @param name the argument's name, for the message
   * @param m    the matrix
   * @throws NullPointerException  if {@code m} is null
   * @throws IllegalStateException if the arena that owns {@code m} is closed
   */
  public static void checkAlive(String name, DMatrix m) {
    Objects.requireNonNull(m, name);
    checkAlive(name, m.segment());
  }

  /**
   * Throws unless {@code segment} is non-null and still alive.
   *
   * @param name    the argument's name, for the message
   * @param segment the memory
   * @throws NullPointerException  if {@code segment} is null
   * @throws IllegalStateException if the arena that owns {@code segment} is closed
   */
  public static void checkAlive(String name, MemorySegment segment) {
    Objects.requireNonNull(segment, name);
    if (!segment.scope().isAlive()) {
      throw new IllegalStateException(name + ": the arena that owns this buffer is closed");
    }
  }

  /**
   * Throws unless both vectors are alive and have the same length; the message names both
   * ({@code "x has length 3 but y has length 4"}).
   *
   * @throws IllegalArgumentException if the lengths differ
   * @throws IllegalStateException    if either buffer's arena is closed
   */
  public static void checkSameLength(String nameX, DVector x, String nameY, DVector y) {
    checkAlive(nameX, x);
    checkAlive(nameY, y);
    if (x.length() != y.length()) {
      throw new IllegalArgumentException(nameX + " has length " + x.length() + " but " + nameY
          + " has length " + y.length());
    }
  }

  /**
   * Throws unless {@code v} is alive and has {@code expected} elements; the message says why
   * ({@code "x has length 3 but must have 4 (columns of a)"}).
   *
   * @param name     the argument's name
   * @param v        the vector
   * @param expected the length it must have
   * @param why      what fixes that length, for the message
   * @throws IllegalArgumentException if the length differs
   * @throws IllegalStateException    if the buffer's arena is closed
   */
  public static void checkLength(String name, DVector v, int expected, String why) {
    checkAlive(name, v);
    if (v.length() != expected) {
      throw new IllegalArgumentException(
          name + " has length " + v.length() + " but must have " + expected + " (" + why + ")");
    }
  }

  /**
   * Throws unless {@code v} is non-null and has exactly {@code length} elements
   * ({@code "lambda must have length 4, got 3"}); the problems' and solvers' inputs use it.
   *
   * @throws NullPointerException     if {@code v} is null
   * @throws IllegalArgumentException if the length differs
   */
  public static void checkLength(String name, DVector v, int length) {
    Objects.requireNonNull(v, name);
    if (v.length() != length) {
      throw new IllegalArgumentException(name + " must have length " + length + ", got "
          + v.length());
    }
  }

  /**
   * Throws unless both matrices are alive and have the same shape
   * ({@code "logits is 2x3 but out is 2x4"}).
   *
   * @throws IllegalArgumentException if the shapes differ
   * @throws IllegalStateException    if either buffer's arena is closed
   */
  public static void checkSameShape(String nameA, DMatrix a, String nameB, DMatrix b) {
    checkAlive(nameA, a);
    checkAlive(nameB, b);
    if (a.rows() != b.rows() || a.cols() != b.cols()) {
      throw new IllegalArgumentException(nameA + " is " + a.rows() + "x" + a.cols() + " but "
          + nameB + " is " + b.rows() + "x" + b.cols());
    }
  }

  /**
   * Throws unless {@code radius >= 0} (NaN is rejected).
   *
   * @throws IllegalArgumentException naming the radius
   */
  public static void checkRadius(double radius) {
    if (!(radius >= 0)) {
      throw new IllegalArgumentException("radius must be >= 0 (and not NaN), got " + radius);
    }
  }

  /**
   * Throws unless {@code value} is finite.
   *
   * @throws IllegalArgumentException naming the argument and the value
   */
  public static void checkFinite(String name, double value) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException(name + " must be finite, got " + value);
    }
  }

  /**
   * Throws unless the scalar box bounds satisfy {@code lower <= upper} (NaN is rejected).
   *
   * @throws IllegalArgumentException naming both bounds
   */
  public static void checkBox(double lower, double upper) {
    if (!(lower <= upper)) {
      throw new IllegalArgumentException(
          "box bounds must satisfy lower <= upper (and not NaN), got [" + lower + ", " + upper
              + "]");
    }
  }

  /**
   * The exception for element {@code i} of vector box bounds that is NaN or does not satisfy
   * {@code lower <= upper}, naming the index and both bounds; kernels throw it.
   *
   * @return the exception, for the caller to throw
   */
  public static IllegalArgumentException badBox(int i, double lower, double upper) {
    return new IllegalArgumentException("box bounds at index " + i
        + " must satisfy lower <= upper (and not NaN), got [" + lower + ", " + upper + "]");
  }

  /**
   * Throws if {@code a} and {@code b} share an element of memory
   * ({@code "c overlaps a: the output must not share memory with an input"}).
   *
   * @param why what forbids the overlap, for the message
   * @throws IllegalArgumentException if they overlap (see {@link #overlaps})
   */
  public static void checkDisjoint(String nameA, DMatrix a, String nameB, DMatrix b, String why) {
    if (overlaps(a, b)) {
      throw new IllegalArgumentException(nameA + " overlaps " + nameB + ": " + why);
    }
  }

  /** {@link #checkDisjoint(String, DMatrix, String, DMatrix, String)} for a vector. */
  public static void checkDisjoint(String nameA, DVector a, String nameB, DMatrix b, String why) {
    if (overlaps(asMatrix(a), b)) {
      throw new IllegalArgumentException(nameA + " overlaps " + nameB + ": " + why);
    }
  }

  /**
   * Whether two matrix views share an element of memory. Exact for views with the same leading
   * dimension (or a single row no longer than the other's); for other views it answers whether
   * their spans, from first to last element, intersect, so interleaved views with different
   * leading dimensions count as overlapping. Empty views overlap nothing.
   */
  public static boolean overlaps(DMatrix a, DMatrix b) {
    if (a.size() == 0 || b.size() == 0) {
      return false;
    }
    MemorySegment spanA = span(a);
    MemorySegment spanB = span(b);
    if (spanA.asOverlappingSlice(spanB).isEmpty()) {
      return false;
    }
    int ld = a.ld();
    if (a.ld() != b.ld()) {
      if (a.rows() == 1 && a.cols() <= b.ld()) {
        ld = b.ld();
      } else if (!(b.rows() == 1 && b.cols() <= a.ld())) {
        return true; // different strides: the spans intersect, count it as an overlap
      }
    }
    // they overlap, so they are the same kind of memory (same array for heap segments), and
    // the difference of their addresses (offsets into that array) is their distance
    long bytes = spanB.address() - spanA.address();
    if (bytes % DVector.BYTES != 0) {
      return true; // misaligned views of the same memory
    }
    // b(i', j') is a(i, j) iff (i − i') ld + (j − j') = d, with |j − j'| < ld: j − j' is
    // d mod ld (rows q apart) or that minus ld (rows q + 1 apart).
    long d = bytes / DVector.BYTES;
    long q = Math.floorDiv(d, ld);
    long r = Math.floorMod(d, ld);
    return rowsMeet(a, b, r, q) || rowsMeet(a, b, r - ld, q + 1);
  }

  /** Whether some a(i, j), b(i − δ, j − t) exist with {@code j − j' = t}, {@code i − i' = δ}. */
  private static boolean rowsMeet(DMatrix a, DMatrix b, long t, long delta) {
    if (t <= -b.cols() || t >= a.cols()) {
      return false;
    }
    return Math.max(0, delta) < Math.min(a.rows(), b.rows() + delta);
  }

  /** The memory from the first to the last element of a non-empty view. */
  private static MemorySegment span(DMatrix m) {
    long first = m.byteOffset(0, 0);
    long end = m.byteOffset(m.rows() - 1, m.cols() - 1) + DVector.BYTES;
    return m.segment().asSlice(first, end - first);
  }

  /** A vector as a matrix view: one row if contiguous, else one column with ld = stride. */
  private static DMatrix asMatrix(DVector v) {
    return v.stride() == 1
        ? new DMatrix(v.segment(), v.offset(), 1, v.length(), Math.max(1, v.length()))
        : new DMatrix(v.segment(), v.offset(), v.length(), 1, v.stride());
  }
}
