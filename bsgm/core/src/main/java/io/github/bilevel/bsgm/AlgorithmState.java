package io.github.bilevel.bsgm;

import java.util.List;

/**
 * What an upper-level method carries from one iteration to the next, as data: named vectors
 * (warm-start iterates, momentum, previous points) and named counters (the iteration, step
 * clocks). A method's {@code init} returns one, its {@code iterate} advances it, and a checkpoint
 * of {@code λ}, {@link #vectors()} and {@link #counters()} restores a run exactly.
 *
 * <p>States are mutable objects with named fields rather than records, so that an iteration
 * advances them without allocating.
 */
public interface AlgorithmState {

  /** The vectors carried between iterations (a view: a checkpoint reads into them in place). */
  List<NamedVector> vectors();

  /** The names of {@link #counters()}, in the same order. */
  List<String> counterNames();

  /** The counters' current values, in the order of {@link #counterNames()}. */
  long[] counters();

  /**
   * Sets the counters to {@code values} (read from a checkpoint), in the order of
   * {@link #counterNames()}.
   *
   * @throws IllegalArgumentException if the number of values is wrong, one is negative, or the
   *     iteration is beyond {@link Integer#MAX_VALUE}
   */
  void restoreCounters(long[] values);

  /** The off-heap bytes of {@link #vectors()}: the memory warm start or momentum costs. */
  default long vectorBytes() {
    long bytes = 0;
    for (NamedVector v : vectors()) {
      bytes += (long) v.vector().length() * Double.BYTES;
    }
    return bytes;
  }

  /**
   * Checks counters read from a checkpoint: {@code expected} of them, none negative. For
   * implementations of {@link #restoreCounters}.
   */
  static void checkCounters(String state, long[] values, int expected) {
    if (values.length != expected) {
      throw new IllegalArgumentException(state + " has " + expected + " counters, got "
          + values.length);
    }
    for (long value : values) {
      if (value < 0) {
        throw new IllegalArgumentException(state + ": counters must be >= 0, got " + value);
      }
    }
  }

  /**
   * The iteration counter {@code value} (read from a checkpoint) as an {@code int}, the type of
   * an iteration index. For implementations of {@link #restoreCounters}.
   *
   * @throws IllegalArgumentException naming {@code state} if it is beyond
   *     {@link Integer#MAX_VALUE}
   */
  static int iterationCounter(String state, long value) {
    if (value > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(state + ": the iteration counter " + value
          + " is beyond the largest iteration index " + Integer.MAX_VALUE);
    }
    return (int) value;
  }
}
