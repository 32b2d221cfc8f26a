package io.github.bilevel.bsgm;

/**
 * The samples one hypergradient estimate uses, as {@link Sid} counts them (one per sample per
 * evaluation), in overflow-checked arithmetic: callers compare a configured iteration's cost
 * with a budget before any work, and a count past {@code Long.MAX_VALUE} must be an error, not a
 * negative number.
 */
public final class SampleCounts {

  private SampleCounts() {}

  /**
   * SID's count: {@code (t + k)·b + 2J}, or with a full batch {@code (t + k + 1)·n_ξ + n_ζ}.
   *
   * @param lowerPopulation {@code n_ξ} (read only with a full batch)
   * @param upperPopulation {@code n_ζ} (read only with a full batch)
   * @throws ArithmeticException if the count overflows a {@code long}
   */
  public static long sid(long t, long k, long batch, long lowerBatch, boolean fullBatch,
      long lowerPopulation, long upperPopulation) {
    long steps = Math.addExact(t, k);
    if (fullBatch) {
      return Math.addExact(Math.multiplyExact(Math.addExact(steps, 1), lowerPopulation),
          upperPopulation);
    }
    return Math.addExact(Math.multiplyExact(steps, lowerBatch), Math.multiplyExact(2, batch));
  }

  /**
   * Separable SID's count: {@code J (t + k + 2)} ({@code t} LL and {@code k} LS steps on
   * {@code J} tasks, the two upper-level gradients).
   *
   * @throws ArithmeticException if the count overflows a {@code long}
   */
  public static long separableSid(long t, long k, long tasks) {
    return Math.multiplyExact(tasks, Math.addExact(Math.addExact(t, k), 2));
  }
}
