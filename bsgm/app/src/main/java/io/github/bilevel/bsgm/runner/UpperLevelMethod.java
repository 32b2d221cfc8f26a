package io.github.bilevel.bsgm.runner;

import io.github.bilevel.kernels.DVector;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A bilevel algorithm seen one upper-level iteration at a time, so that the experiment runner can
 * evaluate, checkpoint and resume it: BSGM, the warm-start baselines, MRBO and VRBO.
 *
 * <p>Everything the method carries from one iteration to the next (warm-start stores, momentum
 * vectors, previous iterates) lives in the buffers of {@link #state()}, so that a checkpoint of
 * {@code λ}, those buffers and the iteration counter restores the method exactly.
 */
public interface UpperLevelMethod extends AutoCloseable {

  /** The algorithm's name as the command line spells it ({@code bsgm}, {@code stocbio}, ...). */
  String name();

  /**
   * Upper-level iteration {@code s}: updates {@code lambda} in place, drawing every sample from
   * {@code random}.
   *
   * @return the samples it used, counted as {@link io.github.bilevel.bsgm.Sid} counts them
   */
  long iterate(int s, DVector lambda, SplittableRandom random);

  /** The norm of the last hypergradient estimate (or search direction) used for a step. */
  double lastHypergradientNorm();

  /** The buffers carried between iterations (empty for BSGM, which has no warm start). */
  List<DVector> state();

  /** The bytes of {@link #state()}: the memory that warm start or momentum costs. */
  default long stateBytes() {
    long bytes = 0;
    for (DVector v : state()) {
      bytes += (long) v.length() * Double.BYTES;
    }
    return bytes;
  }

  /** Frees the method's workspace. */
  @Override
  void close();
}
