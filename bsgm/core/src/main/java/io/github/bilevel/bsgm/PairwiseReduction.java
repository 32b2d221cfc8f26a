package io.github.bilevel.bsgm;

import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;
import java.util.Objects;

/**
 * The sum of a sequence of vectors in one fixed pairwise order, whatever the grouping of the
 * work: the sum of terms {@code [lo, hi)} is, for {@code n = hi − lo > 1},
 * {@code sum[lo, lo + p) + sum[lo + p, hi)} with {@code p} the largest power of two below
 * {@code n}. Because of that split, the sum of an aligned run of {@code S = 2^j} terms (or of the
 * last, shorter run) is a node of the tree, and the tree over those partial sums is again this
 * tree: so a cluster that sums runs of {@code S} terms per partition and then adds the partitions'
 * sums with this class gets the same bits as one JVM adding all the terms here
 * ({@link #runLength}).
 *
 * <p>Terms are added left to right and merged as soon as two subtrees of equal size meet (a
 * binary counter), which is the same tree: memory is {@code ⌈log₂ n⌉ + 1} vectors, allocated
 * once. Not thread-safe.
 */
public final class PairwiseReduction implements AutoCloseable {

  private static final int LEVELS = 33;

  private final Backend backend;
  private final Arena arena = Arena.ofShared();
  private final int length;
  private final DVector[] stack = new DVector[LEVELS];
  private final long[] sizes = new long[LEVELS];
  private int depth;

  /** A reduction of vectors of {@code length} doubles on {@code backend}'s buffers. */
  public PairwiseReduction(Backend backend, int length) {
    this.backend = Objects.requireNonNull(backend, "backend");
    if (length < 1) {
      throw new IllegalArgumentException("the vectors' length must be >= 1, got " + length);
    }
    this.length = length;
  }

  /** Forgets the terms added so far. */
  public void reset() {
    depth = 0;
  }

  /**
   * The buffer to write the next term into; {@link #commit} adds it. Valid until the next
   * {@code commit} or {@link #add}.
   */
  public DVector next() {
    if (depth == LEVELS) {
      throw new IllegalStateException("more than 2^32 terms in one pairwise reduction");
    }
    if (stack[depth] == null) {
      stack[depth] = backend.vector(arena, length);
    }
    return stack[depth];
  }

  /** Adds the term written into {@link #next()}. */
  public void commit() {
    sizes[depth] = 1;
    depth++;
    while (depth >= 2 && sizes[depth - 1] == sizes[depth - 2]) {
      merge();
    }
  }

  /** Adds a copy of {@code term}. */
  public void add(DVector term) {
    backend.copy(term, next());
    commit();
  }

  /** Adds a copy of {@code term}, given as an array of doubles. */
  public void add(double[] term) {
    if (term.length != length) {
      throw new IllegalArgumentException("a term of " + term.length + " doubles where "
          + length + " are summed");
    }
    DVector slot = next();
    for (int i = 0; i < length; i++) {
      slot.set(i, term[i]);
    }
    commit();
  }

  /** How many terms were added since the last {@link #reset}. */
  public long terms() {
    long n = 0;
    for (int level = 0; level < depth; level++) {
      n += sizes[level];
    }
    return n;
  }

  /**
   * {@code out ←} the pairwise sum of the terms added since the last {@link #reset} (the
   * remaining subtrees are added right to left, as the split at the largest power of two does).
   *
   * @throws IllegalStateException if no term was added
   */
  public void result(DVector out) {
    if (depth == 0) {
      throw new IllegalStateException("a pairwise reduction of no terms");
    }
    while (depth >= 2) {
      merge();
    }
    backend.copy(stack[0], out);
  }

  /** The two topmost subtrees become one: left ← left + right. */
  private void merge() {
    DVector right = stack[depth - 1];
    DVector left = stack[depth - 2];
    backend.axpy(1.0, right, left);
    sizes[depth - 2] += sizes[depth - 1];
    // the freed slot keeps its buffer for the next term
    stack[depth - 1] = right;
    depth--;
  }

  /**
   * The number of consecutive terms to sum per partition so that {@code terms} terms make at
   * most {@code partitions} partitions whose sums are nodes of the tree: the smallest power of
   * two {@code S} with {@code ⌈terms / S⌉ ≤ partitions}.
   */
  public static int runLength(int terms, int partitions) {
    if (terms < 1 || partitions < 1) {
      throw new IllegalArgumentException("terms and partitions must be >= 1, got " + terms
          + " and " + partitions);
    }
    int run = 1;
    while ((terms + (long) run - 1) / run > partitions) {
      run <<= 1;
    }
    return run;
  }

  /** Frees the buffers. */
  @Override
  public void close() {
    arena.close();
  }
}
