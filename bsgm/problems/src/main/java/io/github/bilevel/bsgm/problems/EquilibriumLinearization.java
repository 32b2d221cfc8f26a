package io.github.bilevel.bsgm.problems;

import io.github.bilevel.bsgm.Batch;
import io.github.bilevel.bsgm.SeparableProblem.SeparableLinearization;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.DMatrix;
import io.github.bilevel.kernels.DVector;
import io.github.bilevel.kernels.Transpose;
import java.lang.foreign.Arena;

/**
 * The linearization of an {@link EquilibriumModel}: {@link #fix} gathers {@code X_B}, evaluates
 * the input part {@code U₀ = X_B Bᵀ + 1cᵀ} (the largest GEMM) and copies {@code A}, once per
 * SID call; {@link #map} is then {@code tanh(Z Aᵀ + U₀)}; {@link #linearize} copies {@code Z}
 * and keeps {@code T = tanh(Z Aᵀ + U₀)}, so that {@code ∂₁Φᵀ V = ((1 − T²) ⊙ V) A} and
 * {@code ∂₂Φᵀ V} are GEMMs on kept operands. Workspaces for {@code maxTasks} rows are allocated
 * in the caller's arena.
 */
final class EquilibriumLinearization implements SeparableLinearization {

  private final EquilibriumModel model;
  private final Backend backend;
  private final EquilibriumKernels kernels;
  private final DMatrix features;
  private final int[] labels;
  private final int d;
  private final int maxTasks;
  private final DMatrix batchInputs;   // X_B
  private final DMatrix inputPart;     // U₀ = X_B Bᵀ + 1cᵀ
  private final DMatrix weights;       // a copy of A
  private final DMatrix states;        // a copy of Z
  private final DMatrix activation;    // T = tanh(Z Aᵀ + U₀)
  private final DMatrix scaled;        // G = (1 − T²) ⊙ V
  private final DVector ones;
  private int rows = -1;
  private boolean linearized;
  // views of the first rows, rebuilt when the batch size changes
  private int viewRows = -1;
  private DMatrix batchInputsRows;
  private DMatrix inputPartRows;
  private DMatrix statesRows;
  private DMatrix activationRows;
  private DMatrix scaledRows;
  private DVector onesRows;

  EquilibriumLinearization(EquilibriumModel model, DMatrix features, int[] labels, Arena arena,
      int maxTasks) {
    if (maxTasks < 1) {
      throw new IllegalArgumentException("maxTasks must be >= 1, got " + maxTasks);
    }
    this.model = model;
    this.backend = model.backend();
    this.kernels = new EquilibriumKernels(backend, model.layout());
    this.features = features;
    this.labels = labels;
    this.d = model.stateDimension();
    this.maxTasks = maxTasks;
    batchInputs = backend.matrix(arena, maxTasks, features.cols());
    inputPart = backend.matrix(arena, maxTasks, d);
    weights = backend.matrix(arena, d, d);
    states = backend.matrix(arena, maxTasks, d);
    activation = backend.matrix(arena, maxTasks, d);
    scaled = backend.matrix(arena, maxTasks, d);
    ones = backend.vector(arena, maxTasks);
    backend.fill(1.0, ones);
  }

  @Override
  public void fix(DVector lambda, Batch tasks) {
    rows = -1;
    linearized = false;
    int count = EquilibriumKernels.gather(tasks, maxTasks, features, labels, batchInputs, null);
    views(count);
    EquilibriumKernels.Blocks blocks = kernels.blocks(lambda);
    kernels.inputPart(batchInputsRows, blocks, onesRows, inputPartRows);
    kernels.copy(blocks.a, weights);
    rows = count;
  }

  @Override
  public void map(DMatrix z, DMatrix out) {
    SeparableLinearization.require(rows > 0, "fix(λ, tasks)", model);
    kernels.forward(EquilibriumKernels.firstRows("states", z, rows, d), weights, inputPartRows,
        EquilibriumKernels.firstRows("out", out, rows, d));
  }

  @Override
  public void linearize(DMatrix z) {
    SeparableLinearization.require(rows > 0, "fix(λ, tasks)", model);
    kernels.copy(EquilibriumKernels.firstRows("states", z, rows, d), statesRows);
    kernels.forward(statesRows, weights, inputPartRows, activationRows);
    linearized = true;
  }

  @Override
  public void vjpState(DMatrix v, DMatrix out) {
    SeparableLinearization.require(linearized, "linearize(states)", model);
    kernels.tanhBackward(activationRows, EquilibriumKernels.firstRows("v", v, rows, d),
        scaledRows);
    backend.gemm(Transpose.NO, Transpose.NO, 1.0, scaledRows, weights, 0.0,
        EquilibriumKernels.firstRows("out", out, rows, d));
  }

  @Override
  public void vjpLambda(DMatrix v, DVector out) {
    SeparableLinearization.require(linearized, "linearize(states)", model);
    EquilibriumKernels.Blocks o = kernels.blocks(out);
    kernels.tanhBackward(activationRows, EquilibriumKernels.firstRows("v", v, rows, d),
        scaledRows);
    double weight = 1.0 / rows;
    backend.gemm(Transpose.YES, Transpose.NO, weight, scaledRows, statesRows, 0.0, o.a);
    backend.gemm(Transpose.YES, Transpose.NO, weight, scaledRows, batchInputsRows, 0.0, o.b);
    backend.gemvT(weight, scaledRows, onesRows, 0.0, o.c);
    backend.fill(0.0, o.dFlat);
    backend.fill(0.0, o.bias);
  }

  // Deliberate shape, as in EquilibriumModel.views: each workspace caches row slices of its own buffers.
  private void views(int count) {
    if (count == viewRows) {
      return;
    }
    batchInputsRows = batchInputs.rowSlice(0, count);
    inputPartRows = inputPart.rowSlice(0, count);
    statesRows = states.rowSlice(0, count);
    activationRows = activation.rowSlice(0, count);
    scaledRows = scaled.rowSlice(0, count);
    onesRows = ones.slice(0, count);
    viewRows = count;
  }
}
