package io.github.bilevel.bsgm.problems;

import io.github.bilevel.bsgm.Batch;
import io.github.bilevel.kernels.Activation;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.DMatrix;
import io.github.bilevel.kernels.DVector;
import io.github.bilevel.kernels.GemmEpilogue;
import io.github.bilevel.kernels.Transpose;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

/**
 * The kernels of an {@link EquilibriumModel} on backend matrices ({@code T = tanh(Z Aᵀ + U₀)},
 * its backward pass, logits), the block views of vectors of length {@code m}, and the gather of
 * a batch's inputs. Each user (the model, a linearization, an evaluation) owns one: the view
 * caches are identity caches for the workspaces a solver passes call after call. Not
 * thread-safe.
 */
final class EquilibriumKernels {

  /** The views of one vector of length {@code m}, kept while the same vector comes back. */
  static final class Blocks {
    DVector source;
    DMatrix a;
    DMatrix b;
    DVector c;
    DMatrix d;
    DVector bias;
    DVector aFlat;
    DVector bFlat;
    DVector dFlat;
  }

  private final Backend backend;
  private final EquilibriumModel.Layout layout;
  private final DMatrix[] flatKeys = new DMatrix[16];
  private final DVector[] flatValues = new DVector[16];
  private int nextFlat;
  private final Blocks[] blockCache = {new Blocks(), new Blocks(), new Blocks(), new Blocks()};
  private int nextBlock;
  // the epilogue of forward, made once per input matrix seen
  private DMatrix forwardInput;
  private GemmEpilogue<DMatrix, DVector> forwardEpilogue;

  EquilibriumKernels(Backend backend, EquilibriumModel.Layout layout) {
    this.backend = backend;
    this.layout = layout;
  }

  /**
   * {@code out ← tanh(Z Aᵀ + input)}: one fused gemm, {@code input} its addend and tanh its
   * epilogue (no copy of {@code input} into {@code out}, no separate pass of tanh).
   */
  void forward(DMatrix z, DMatrix a, DMatrix input, DMatrix out) {
    if (forwardInput != input) {
      forwardEpilogue = GemmEpilogue.<DMatrix, DVector>of(Activation.TANH).withAddend(input);
      forwardInput = input;
    }
    backend.gemm(Transpose.NO, Transpose.YES, 1.0, z, a, 1.0, out, forwardEpilogue);
  }

  /** {@code out ← X Bᵀ + 1cᵀ}, the input part of {@code U}. */
  void inputPart(DMatrix x, Blocks blocks, DVector ones, DMatrix out) {
    backend.gemm(Transpose.NO, Transpose.YES, 1.0, x, blocks.b, 0.0, out);
    backend.ger(1.0, ones, blocks.c, out);
  }

  /** {@code out ← Z Dᵀ + 1bᵀ}. */
  void logits(DMatrix z, Blocks blocks, DMatrix out, DVector ones) {
    backend.gemm(Transpose.NO, Transpose.YES, 1.0, z, blocks.d, 0.0, out);
    backend.ger(1.0, ones, blocks.bias, out);
  }

  void copy(DMatrix from, DMatrix to) {
    if (from.isDense() && to.isDense()) {
      backend.copy(flat(from), flat(to));
    } else {
      for (int r = 0; r < from.rows(); r++) {
        backend.copy(from.row(r), to.row(r));
      }
    }
  }

  void tanh(DMatrix x, DMatrix out) {
    if (x.isDense() && out.isDense()) {
      backend.tanh(flat(x), flat(out));
    } else {
      for (int r = 0; r < x.rows(); r++) {
        backend.tanh(x.row(r), out.row(r));
      }
    }
  }

  /** {@code x_ij ← value}. */
  void fill(double value, DMatrix x) {
    if (x.isDense()) {
      backend.fill(value, flat(x));
    } else {
      for (int r = 0; r < x.rows(); r++) {
        backend.fill(value, x.row(r));
      }
    }
  }

  /** {@code out ← S ⊙ V}. */
  void hadamard(DMatrix s, DMatrix v, DMatrix out) {
    if (s.isDense() && v.isDense() && out.isDense()) {
      backend.hadamard(1.0, flat(s), flat(v), 0.0, flat(out));
    } else {
      for (int r = 0; r < s.rows(); r++) {
        backend.hadamard(1.0, s.row(r), v.row(r), 0.0, out.row(r));
      }
    }
  }

  /** {@code out ← (1 − T²) ⊙ V}. */
  void tanhBackward(DMatrix t, DMatrix v, DMatrix out) {
    if (t.isDense() && v.isDense() && out.isDense()) {
      backend.tanhBackward(flat(t), flat(v), flat(out));
    } else {
      for (int r = 0; r < t.rows(); r++) {
        backend.tanhBackward(t.row(r), v.row(r), out.row(r));
      }
    }
  }

  /**
   * Checks the batch against {@code maxBatch} and the {@code n} examples, and gathers its rows
   * of {@code features} into {@code inputs} (if not null) and its labels into {@code labelsOut}
   * (if not null); returns {@code |B|}.
   */
  static int gather(Batch tasks, int maxBatch, DMatrix features, int[] labels, DMatrix inputs,
      MemorySegment labelsOut) {
    Objects.requireNonNull(tasks, "tasks");
    int rows = tasks.size();
    if (rows < 1 || rows > maxBatch) {
      throw new IllegalArgumentException("a batch of " + rows + " examples does not fit this"
          + " workspace (1 to " + maxBatch + ")");
    }
    int n = labels.length;
    long rowBytes = (long) features.cols() * Double.BYTES;
    for (int r = 0; r < rows; r++) {
      int i = tasks.index(r);
      if (i < 0 || i >= n) {
        throw new IllegalArgumentException("example " + i + " at batch position " + r
            + " is outside [0, " + n + ")");
      }
      if (inputs != null) {
        MemorySegment.copy(features.segment(), features.byteOffset(i, 0), inputs.segment(),
            inputs.byteOffset(r, 0), rowBytes);
      }
      if (labelsOut != null) {
        labelsOut.setAtIndex(ValueLayout.JAVA_INT, r, labels[i]);
      }
    }
    return rows;
  }

  /**
   * The dense matrix {@code m} as one vector, the view made once per matrix object seen (a
   * small identity cache: the solvers pass the same workspace views call after call).
   */
  DVector flat(DMatrix m) {
    for (int i = 0; i < flatKeys.length; i++) {
      if (flatKeys[i] == m) {
        return flatValues[i];
      }
    }
    DVector view = m.asVector();
    flatKeys[nextFlat] = m;
    flatValues[nextFlat] = view;
    nextFlat = (nextFlat + 1) % flatKeys.length;
    return view;
  }

  /** The first {@code rows} rows of a caller's matrix, checked ({@code m} itself if exact). */
  static DMatrix firstRows(String name, DMatrix m, int rows, int cols) {
    Objects.requireNonNull(m, name);
    if (m.cols() != cols || m.rows() < rows) {
      throw new IllegalArgumentException(name + " is " + m.rows() + "x" + m.cols()
          + " but a batch of " + rows + " needs at least " + rows + "x" + cols);
    }
    return m.rows() == rows ? m : m.rowSlice(0, rows);
  }

  /** The block views of {@code vector} (λ or a gradient), made once per vector object seen. */
  Blocks blocks(DVector vector) {
    for (Blocks b : blockCache) {
      if (b.source == vector) {
        return b;
      }
    }
    Blocks b = blockCache[nextBlock];
    fill(b, vector);
    nextBlock = (nextBlock + 1) % blockCache.length;
    return b;
  }

  /** Fills {@code b} with the views of {@code vector} (checked by the layout). */
  void fill(Blocks b, DVector vector) {
    b.source = null;
    b.a = layout.stateWeights(vector);
    b.b = layout.inputWeights(vector);
    b.c = layout.stateBias(vector);
    b.d = layout.outputWeights(vector);
    b.bias = layout.outputBias(vector);
    b.aFlat = b.a.asVector();
    b.bFlat = b.b.asVector();
    b.dFlat = b.d.asVector();
    b.source = vector;
  }
}
