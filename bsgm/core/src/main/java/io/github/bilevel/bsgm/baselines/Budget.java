package io.github.bilevel.bsgm.baselines;

/**
 * When a run stops: after {@code maxIterations} upper-level iterations, once {@code sampleBudget}
 * samples have been used, or after {@code timeLimitNanos} of wall-clock time, whichever comes
 * first (the same three rules as {@link io.github.bilevel.bsgm.Bsgm}). The rules are checked
 * before every iteration, so a run overshoots the sample budget by at most one iteration.
 *
 * @param maxIterations  the most upper-level iterations, {@code >= 0}
 * @param sampleBudget   stop once this many samples are used ({@code Long.MAX_VALUE}: none)
 * @param timeLimitNanos stop after this much time ({@code Long.MAX_VALUE}: none)
 */
public record Budget(int maxIterations, long sampleBudget, long timeLimitNanos) {

  /** The reason {@link io.github.bilevel.bsgm.Bsgm.Result} gives for the iteration limit. */
  public static final String ITERATION_LIMIT = "iteration limit";
  /** The reason for the sample budget. */
  public static final String SAMPLE_BUDGET = "sample budget";
  /** The reason for the time limit. */
  public static final String TIME_LIMIT = "time limit";

  public Budget {
    if (maxIterations < 0 || sampleBudget < 1 || timeLimitNanos < 1) {
      throw new IllegalArgumentException("a budget needs maxIterations >= 0, sampleBudget >= 1"
          + " and timeLimitNanos >= 1, got " + maxIterations + ", " + sampleBudget + ", "
          + timeLimitNanos);
    }
  }

  /** At most {@code maxIterations} iterations, no sample or time limit. */
  public static Budget iterations(int maxIterations) {
    return new Budget(maxIterations, Long.MAX_VALUE, Long.MAX_VALUE);
  }

  /** At most {@code sampleBudget} samples (overshooting by at most one iteration), no other limit. */
  public static Budget samples(long sampleBudget) {
    return new Budget(Integer.MAX_VALUE, sampleBudget, Long.MAX_VALUE);
  }

  /**
   * Why a run should stop before iteration {@code iteration}, or null to go on.
   *
   * @param samples      samples used so far
   * @param elapsedNanos time since the run started
   */
  public String stopReason(int iteration, long samples, long elapsedNanos) {
    if (iteration >= maxIterations) {
      return ITERATION_LIMIT;
    }
    if (samples >= sampleBudget) {
      return SAMPLE_BUDGET;
    }
    if (elapsedNanos >= timeLimitNanos) {
      return TIME_LIMIT;
    }
    return null;
  }
}
