package io.github.bilevel.bsgm;

import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.DVector;
import java.util.Objects;

/**
 * The blocked separable hypergradient of {@link SeparableHypergradient} on this JVM, and the
 * piece every implementation computes: {@link #partialSum} is the pairwise sum of the weighted
 * block estimates {@code (|b| / J) ĥ_b} over a run of blocks, which a cluster computes per
 * partition. The workspace (a {@link SeparableSid} for one block, the reduction's vectors) is
 * allocated once. Not thread-safe.
 */
public final class BlockedHypergradient implements SeparableHypergradient {

  private final SeparableProblem problem;
  private final Backend backend;
  private final SeparableSid sid;
  private final boolean ownsSid;
  private final int blockSize;
  private final Batch block;
  private final PairwiseReduction reduction;
  private boolean monitor;
  private double lastObjective = Double.NaN;

  /** An estimator in blocks of {@code blockSize} tasks, with its own workspace. */
  public BlockedHypergradient(SeparableProblem problem, int blockSize) {
    this(problem, new SeparableSid(problem, checkBlockSize(blockSize)), true, blockSize);
  }

  /**
   * An estimator on the workspace of {@code sid} (which must hold a block, and stays the
   * caller's).
   */
  public BlockedHypergradient(SeparableProblem problem, SeparableSid sid, int blockSize) {
    this(problem, sid, false, blockSize);
  }

  private BlockedHypergradient(SeparableProblem problem, SeparableSid sid, boolean ownsSid,
      int blockSize) {
    this.problem = Objects.requireNonNull(problem, "problem");
    this.sid = Objects.requireNonNull(sid, "sid");
    checkBlockSize(blockSize);
    if (blockSize > sid.maxBatch()) {
      throw new IllegalArgumentException("blocks of " + blockSize + " tasks do not fit an"
          + " estimator of " + sid.maxBatch());
    }
    this.backend = problem.backend();
    this.ownsSid = ownsSid;
    this.blockSize = blockSize;
    this.block = new Batch(blockSize);
    this.reduction = new PairwiseReduction(backend, problem.upperDimension());
  }

  /** Whether {@link #lastObjective} is computed on the next estimates (off at first). */
  public void monitorObjective(boolean compute) {
    monitor = compute;
  }

  private static int checkBlockSize(int blockSize) {
    if (blockSize < 1) {
      throw new IllegalArgumentException("the block size must be >= 1 task, got " + blockSize);
    }
    return blockSize;
  }

  @Override
  public int blockSize() {
    return blockSize;
  }

  /** The tasks of the last block estimated. */
  public Batch lastBlock() {
    return block;
  }

  @Override
  public long estimate(DVector lambda, long drawSeed, int batch, SeparableSid.Options options,
      DVector out) {
    return partialSum(lambda, drawSeed, batch, 0, TaskDraws.blocks(batch, blockSize), options,
        out);
  }

  /**
   * {@code out ←} the pairwise sum of {@code (|b| / J) ĥ_b} over blocks
   * {@code [firstBlock, endBlock)} of the batch of {@code batch} tasks drawn from
   * {@code drawSeed}: the whole estimate when the run is every block; a node of the
   * {@link PairwiseReduction} tree when it is an aligned run of a power of two of blocks (or the
   * last, shorter run).
   *
   * @return the samples used by these blocks
   */
  public long partialSum(DVector lambda, long drawSeed, int batch, int firstBlock, int endBlock,
      SeparableSid.Options options, DVector out) {
    Objects.requireNonNull(options, "options");
    int blocks = TaskDraws.blocks(batch, blockSize);
    if (firstBlock < 0 || endBlock > blocks || firstBlock >= endBlock) {
      throw new IllegalArgumentException("blocks [" + firstBlock + ", " + endBlock
          + ") are not a run of the " + blocks + " blocks of a batch of " + batch);
    }
    int population = problem.tasks();
    reduction.reset();
    long samples = 0;
    double objective = 0;
    for (int b = firstBlock; b < endBlock; b++) {
      TaskDraws.drawBlock(drawSeed, b, batch, blockSize, population, block);
      DVector term = reduction.next();
      samples += sid.hypergradient(lambda, block, options, term).samples();
      double weight = (double) block.size() / batch;
      if (weight != 1.0) {
        backend.scal(weight, term);
      }
      reduction.commit();
      if (monitor) {
        objective += weight * problem.objective(sid.states(), lambda, block);
      }
    }
    reduction.result(out);
    lastObjective = monitor ? objective : Double.NaN;
    return samples;
  }

  @Override
  public double lastObjective() {
    return lastObjective;
  }

  @Override
  public void close() {
    reduction.close();
    if (ownsSid) {
      sid.close();
    }
  }
}
