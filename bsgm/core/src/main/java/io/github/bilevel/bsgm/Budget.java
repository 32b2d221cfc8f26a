package io.github.bilevel.bsgm;

import java.util.Objects;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * When a run stops: after {@code maxIterations} upper-level iterations, once {@code sampleBudget}
 * samples have been used, or after {@code timeLimitNanos} of wall-clock time, whichever comes
 * first (the same three rules as {@link io.github.bilevel.bsgm.Bsgm}). Each rule is present or
 * absent (no limit), never a sentinel. The rules are checked before every iteration, so a run
 * overshoots the sample budget by at most one iteration. Only the {@code run} methods read a
 * budget; a method driven one iteration at a time ({@code init}/{@code iterate}) ignores it, and
 * its options carry {@link #unlimited()}.
 *
 * @param maxIterations  the most upper-level iterations, {@code >= 0}, or absent
 * @param sampleBudget   stop once this many samples are used ({@code >= 1}), or absent
 * @param timeLimitNanos stop after this much time ({@code >= 1}), or absent
 */
public record Budget(OptionalInt maxIterations, OptionalLong sampleBudget,
    OptionalLong timeLimitNanos) {

  /** The reason {@link io.github.bilevel.bsgm.Bsgm.Result} gives for the iteration limit. */
  public static final String ITERATION_LIMIT = "iteration limit";
  /** The reason for the sample budget. */
  public static final String SAMPLE_BUDGET = "sample budget";
  /** The reason for the time limit. */
  public static final String TIME_LIMIT = "time limit";

  private static final Budget UNLIMITED = new Budget(OptionalInt.empty(), OptionalLong.empty(),
      OptionalLong.empty());

  public Budget {
    Objects.requireNonNull(maxIterations, "maxIterations");
    Objects.requireNonNull(sampleBudget, "sampleBudget");
    Objects.requireNonNull(timeLimitNanos, "timeLimitNanos");
    if (maxIterations.orElse(0) < 0 || sampleBudget.orElse(1) < 1
        || timeLimitNanos.orElse(1) < 1) {
      throw new IllegalArgumentException("a budget needs maxIterations >= 0, sampleBudget >= 1"
          + " and timeLimitNanos >= 1, got " + maxIterations + ", " + sampleBudget + ", "
          + timeLimitNanos);
    }
  }

  /** All three limits. */
  public Budget(int maxIterations, long sampleBudget, long timeLimitNanos) {
    this(OptionalInt.of(maxIterations), OptionalLong.of(sampleBudget),
        OptionalLong.of(timeLimitNanos));
  }

  /** No limit at all: for options of a method driven one iteration at a time. */
  public static Budget unlimited() {
    return UNLIMITED;
  }

  /** At most {@code maxIterations} iterations, no sample or time limit. */
  public static Budget iterations(int maxIterations) {
    return new Budget(OptionalInt.of(maxIterations), OptionalLong.empty(), OptionalLong.empty());
  }

  /** At most {@code sampleBudget} samples (overshooting by at most one iteration), no other limit. */
  public static Budget samples(long sampleBudget) {
    return new Budget(OptionalInt.empty(), OptionalLong.of(sampleBudget), OptionalLong.empty());
  }

  /** Whether no rule is present (a run with this budget would not stop). */
  public boolean isUnlimited() {
    return maxIterations.isEmpty() && sampleBudget.isEmpty() && timeLimitNanos.isEmpty();
  }

  /**
   * Why a run should stop before iteration {@code iteration}, or null to go on.
   *
   * @param samples      samples used so far
   * @param elapsedNanos time since the run started
   */
  public String stopReason(int iteration, long samples, long elapsedNanos) {
    if (maxIterations.isPresent() && iteration >= maxIterations.getAsInt()) {
      return ITERATION_LIMIT;
    }
    if (sampleBudget.isPresent() && samples >= sampleBudget.getAsLong()) {
      return SAMPLE_BUDGET;
    }
    if (timeLimitNanos.isPresent() && elapsedNanos >= timeLimitNanos.getAsLong()) {
      return TIME_LIMIT;
    }
    return null;
  }

  /**
   * Checks that a run with this budget stops.
   *
   * @throws IllegalArgumentException naming {@code algorithm} when no rule is present
   */
  public void requireLimit(String algorithm) {
    if (isUnlimited()) {
      throw new IllegalArgumentException(algorithm + ": run needs a stopping rule (an iteration"
          + " limit, a sample budget or a time limit); the budget has none");
    }
  }
}
