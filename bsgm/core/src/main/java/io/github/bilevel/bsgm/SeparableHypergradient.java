package io.github.bilevel.bsgm;

import io.github.bilevel.kernels.DVector;

/**
 * The SID estimate {@code ĥ_s} of separable BSGM over a batch of {@code J} tasks drawn with
 * replacement, computed in blocks (docs/distributed.md): the batch is {@code ⌈J / B⌉} blocks of
 * {@code B} tasks (the last one shorter), block {@code b}'s tasks are drawn by
 * {@link TaskDraws#drawBlock} from {@code (drawSeed, b)} alone, each block's SID estimate
 * {@code ĥ_b} is weighted by {@code |b| / J}, and the weighted estimates are added in the
 * fixed order of {@link PairwiseReduction}. Every implementation (one JVM:
 * {@link BlockedHypergradient}; a cluster: the {@code bsgm-spark} module) gives the same bits.
 */
public interface SeparableHypergradient extends AutoCloseable {

  /** {@code B}, the tasks per block. */
  int blockSize();

  /**
   * {@code out ← ĥ} at {@code lambda} for the batch of {@code batch} tasks drawn from
   * {@code drawSeed}, with the SID settings {@code options}.
   *
   * @return the samples used, {@code J (t + k + 2)}
   * @throws ArithmeticException if a block's SID solve diverges (naming LL or LS)
   */
  long estimate(DVector lambda, long drawSeed, int batch, SeparableSid.Options options,
      DVector out);

  /**
   * The batch mean of {@code E} at the last estimate's states and {@code λ}, when the
   * implementation computes it (NaN otherwise).
   */
  default double lastObjective() {
    return Double.NaN;
  }

  /** Frees what the estimator holds. */
  @Override
  void close();
}
