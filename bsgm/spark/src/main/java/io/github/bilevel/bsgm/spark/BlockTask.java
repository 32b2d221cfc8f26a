package io.github.bilevel.bsgm.spark;

import io.github.bilevel.bsgm.SeparableProblemSource;
import io.github.bilevel.bsgm.SeparableSid;
import java.io.Serializable;
import java.util.Objects;

/**
 * What one Spark task computes, without Spark: the pairwise partial sum of the weighted block
 * estimates over a run of blocks ({@link io.github.bilevel.bsgm.BlockedHypergradient#partialSum})
 * on this JVM's cached workspace ({@link ExecutorCache}). Everything it reads is in its
 * arguments, so a retried task recomputes the same bits.
 *
 * @param source    the problem's recipe
 * @param backend   the backend's name on the executor
 * @param blockSize tasks per block
 * @param drawSeed  the iteration's draw seed
 * @param batch     the batch size {@code J}
 * @param t         lower-level KM steps
 * @param k         linear-system KM steps
 * @param eta       the KM step
 */
public record BlockTask(SeparableProblemSource source, String backend, int blockSize,
    long drawSeed, int batch, int t, int k, double eta) implements Serializable {

  /** A task's result: the partial sum of {@code m} doubles and the samples it used. */
  public record PartialSum(double[] sum, long samples) implements Serializable {}

  public BlockTask {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(backend, "backend");
  }

  /** The partial sum over blocks {@code [firstBlock, endBlock)} at {@code lambda}. */
  public PartialSum compute(double[] lambda, int firstBlock, int endBlock) {
    ExecutorCache.Worker worker = ExecutorCache.borrow(new ExecutorCache.Key(source, backend,
        blockSize));
    try {
      return worker.partialSum(lambda, drawSeed, batch, firstBlock, endBlock,
          new SeparableSid.Options(t, k, eta));
    } finally {
      ExecutorCache.giveBack(worker);
    }
  }
}
