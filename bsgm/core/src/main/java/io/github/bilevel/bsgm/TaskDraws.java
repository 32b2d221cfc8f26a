package io.github.bilevel.bsgm;

import java.util.SplittableRandom;

/**
 * The tasks of a separable BSGM batch as a pure function of {@code (drawSeed, block)}: block
 * {@code b} of a batch of {@code J} tasks in blocks of {@code B} holds positions
 * {@code [bB, min((b + 1)B, J))}, drawn uniformly with replacement from a generator seeded by
 * {@link #blockSeed}. A machine that computes some blocks draws their tasks without the
 * driver's generator, and a retried computation draws the same tasks.
 */
public final class TaskDraws {

  private TaskDraws() {}

  /** The number of blocks of a batch of {@code batch} tasks in blocks of {@code blockSize}. */
  public static int blocks(int batch, int blockSize) {
    if (batch < 1 || blockSize < 1) {
      throw new IllegalArgumentException("batch and block size must be >= 1, got " + batch
          + " and " + blockSize);
    }
    return (int) ((batch + (long) blockSize - 1) / blockSize);
  }

  /** The size of block {@code block} of a batch of {@code batch} tasks. */
  public static int blockLength(int batch, int blockSize, int block) {
    int blocks = blocks(batch, blockSize);
    if (block < 0 || block >= blocks) {
      throw new IllegalArgumentException("block " + block + " is outside [0, " + blocks + ")");
    }
    return Math.min(blockSize, batch - block * blockSize);
  }

  /**
   * {@code out ←} the tasks of block {@code block}: {@link #blockLength} independent uniform
   * draws from {@code [0, population)}.
   *
   * @return {@code out}
   */
  public static Batch drawBlock(long drawSeed, int block, int batch, int blockSize,
      int population, Batch out) {
    return out.draw(new SplittableRandom(blockSeed(drawSeed, block)),
        blockLength(batch, blockSize, block), population);
  }

  /** The generator's seed of block {@code block} (the SplitMix64 finalizer of a mix). */
  public static long blockSeed(long drawSeed, int block) {
    long z = drawSeed * 0x9E3779B97F4A7C15L + (block + 1L) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
