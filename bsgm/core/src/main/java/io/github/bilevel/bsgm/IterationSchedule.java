package io.github.bilevel.bsgm;

/**
 * How much work SID does at upper-level iteration {@code s = 0, 1, ...} of BSGM: lower-level
 * steps {@code t_s}, linear-system steps {@code k_s} and batch size {@code J_s}
 * (docs/mathematics.md §3).
 */
public interface IterationSchedule {

  /** {@code t_s}. */
  int lowerSteps(int s);

  /** {@code k_s}. */
  int linearSteps(int s);

  /** {@code J_s}. */
  int batch(int s);

  /** Theorem 16(i), stochastic: {@code t_s = k_s = J_s = s + 1}. */
  static IterationSchedule theorem16() {
    return fixedBy(s -> s + 1, s -> s + 1, s -> s + 1);
  }

  /** Theorem 16(ii), stochastic with a finite horizon {@code S}: {@code t_s = k_s = J_s = S}. */
  static IterationSchedule theorem16Horizon(int horizon) {
    positive("horizon", horizon);
    return fixedBy(s -> horizon, s -> horizon, s -> horizon);
  }

  /** Theorem 17, deterministic: {@code J = 1}, {@code t_s = k_s = ⌈c log(s + 2)⌉}. */
  static IterationSchedule theorem17(double c) {
    if (!(c > 0) || Double.isInfinite(c)) {
      throw new IllegalArgumentException("c must be finite and > 0, got " + c);
    }
    return fixedBy(s -> (int) Math.ceil(c * Math.log(s + 2)),
        s -> (int) Math.ceil(c * Math.log(s + 2)), s -> 1);
  }

  /** The same {@code t, k, J} at every iteration. */
  static IterationSchedule fixed(int t, int k, int batch) {
    if (t < 0 || k < 0) {
      throw new IllegalArgumentException("t and k must be >= 0, got t = " + t + ", k = " + k);
    }
    positive("batch", batch);
    return fixedBy(s -> t, s -> k, s -> batch);
  }

  private static void positive(String name, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be >= 1, got " + value);
    }
  }

  private static IterationSchedule fixedBy(java.util.function.IntUnaryOperator t,
      java.util.function.IntUnaryOperator k, java.util.function.IntUnaryOperator batch) {
    return new IterationSchedule() {
      @Override
      public int lowerSteps(int s) {
        return t.applyAsInt(s);
      }

      @Override
      public int linearSteps(int s) {
        return k.applyAsInt(s);
      }

      @Override
      public int batch(int s) {
        return batch.applyAsInt(s);
      }
    };
  }
}
