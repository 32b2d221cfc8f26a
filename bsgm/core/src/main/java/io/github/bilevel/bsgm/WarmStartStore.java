package io.github.bilevel.bsgm;

import io.github.bilevel.kernels.Buffers;
import io.github.bilevel.kernels.DMatrix;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * The warm-start memory of a {@link SeparableProblem} (docs/mathematics.md §4): one stored lower-level
 * state {@code z_i} per task and, optionally, one stored linear-system solution {@code v_i},
 * off-heap, {@code T × d} each. {@link SeparableSid} reads the rows of a batch's tasks before its
 * solves (as their starting points) and writes the final iterates back after them. A task never
 * visited starts from 0, as without warm start.
 *
 * <p>The store grows with the number of tasks, which is the memory cost of warm start that BSGM
 * avoids: {@link #offHeapBytes()} reports it. Not thread-safe.
 */
public final class WarmStartStore implements AutoCloseable {

  private final Arena arena = Arena.ofShared();
  private final int tasks;
  private final int dimension;
  private final DMatrix states;
  private final DMatrix linear;

  /**
   * A zero store for {@code tasks} tasks of state dimension {@code stateDimension}, with room for
   * the linear-system solutions too when {@code linearSystem}.
   */
  public WarmStartStore(int tasks, int stateDimension, boolean linearSystem) {
    if (tasks < 1 || stateDimension < 1) {
      throw new IllegalArgumentException("a warm-start store needs >= 1 task and state"
          + " dimension >= 1, got " + tasks + " tasks of dimension " + stateDimension);
    }
    this.tasks = tasks;
    this.dimension = stateDimension;
    states = Buffers.matrix(arena, tasks, stateDimension);
    if (linearSystem) {
      linear = Buffers.matrix(arena, tasks, stateDimension);
    } else {
      linear = null;
    }
  }

  /** A zero store sized for {@code problem} ({@code T × d}). */
  public static WarmStartStore forProblem(SeparableProblem problem, boolean linearSystem) {
    return new WarmStartStore(problem.tasks(), problem.stateDimension(), linearSystem);
  }

  /** {@code T}. */
  public int tasks() {
    return tasks;
  }

  /** {@code d}. */
  public int stateDimension() {
    return dimension;
  }

  /** Whether linear-system solutions are stored too. */
  public boolean storesLinearSystem() {
    return linear != null;
  }

  /** The stored states, {@code T × d} (row {@code i}: task {@code i}). */
  public DMatrix states() {
    return states;
  }

  /**
   * The stored linear-system solutions, {@code T × d}.
   *
   * @throws IllegalStateException if this store keeps states only
   */
  public DMatrix linearSolutions() {
    if (linear == null) {
      throw new IllegalStateException("this warm-start store keeps lower-level states only");
    }
    return linear;
  }

  /** The off-heap memory the store holds, in bytes ({@code T·d·8}, twice with solutions). */
  public long offHeapBytes() {
    long perMatrix = (long) tasks * dimension * DVector.BYTES;
    return linear == null ? perMatrix : 2 * perMatrix;
  }

  /** Forgets everything: every task starts from 0 again. */
  public void clear() {
    states.segment().fill((byte) 0);
    if (linear != null) {
      linear.segment().fill((byte) 0);
    }
  }

  /** Row {@code r} of {@code out} ← stored state of task {@code B[r]}. */
  public void readStates(Batch batch, DMatrix out) {
    copyRows(states, batch, out, true);
  }

  /** Stored state of task {@code B[r]} ← row {@code r} of {@code in} (the last repeat wins). */
  public void writeStates(Batch batch, DMatrix in) {
    copyRows(states, batch, in, false);
  }

  /** Row {@code r} of {@code out} ← stored linear-system solution of task {@code B[r]}. */
  public void readLinearSolutions(Batch batch, DMatrix out) {
    copyRows(linearSolutions(), batch, out, true);
  }

  /** Stored linear-system solution of task {@code B[r]} ← row {@code r} of {@code in}. */
  public void writeLinearSolutions(Batch batch, DMatrix in) {
    copyRows(linearSolutions(), batch, in, false);
  }

  /** Copies whole rows between the store and a batch matrix (host memory, no allocation). */
  private void copyRows(DMatrix store, Batch batch, DMatrix matrix, boolean read) {
    Objects.requireNonNull(batch, "batch");
    if (matrix.cols() != dimension || matrix.rows() < batch.size()) {
      throw new IllegalArgumentException("the matrix is " + matrix.rows() + "x" + matrix.cols()
          + " but a batch of " + batch.size() + " tasks of dimension " + dimension
          + " needs at least " + batch.size() + "x" + dimension);
    }
    for (int r = 0; r < batch.size(); r++) {
      int task = batch.index(r);
      if (task < 0 || task >= tasks) {
        throw new IllegalArgumentException("task " + task + " at batch position " + r
            + " is outside [0, " + tasks + ")");
      }
      long bytes = (long) dimension * DVector.BYTES;
      if (read) {
        MemorySegment.copy(store.segment(), store.byteOffset(task, 0), matrix.segment(),
            matrix.byteOffset(r, 0), bytes);
      } else {
        MemorySegment.copy(matrix.segment(), matrix.byteOffset(r, 0), store.segment(),
            store.byteOffset(task, 0), bytes);
      }
    }
  }

  /** Frees the store. */
  @Override
  public void close() {
    arena.close();
  }
}
