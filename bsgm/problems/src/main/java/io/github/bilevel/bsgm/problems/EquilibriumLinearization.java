package io.github.bilevel.bsgm.problems;

import io.github.bilevel.bsgm.Batch;
import io.github.bilevel.bsgm.SeparableProblem.SeparableLinearization;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.DMatrix;
import io.github.bilevel.kernels.DVector;
import io.github.bilevel.kernels.GemmEpilogue;
import io.github.bilevel.kernels.Transpose;
import java.lang.foreign.Arena;

/**
 * The linearization of an {@link EquilibriumModel}: {@link #fix} gathers {@code X_B}, evaluates
 * the input part {@code U₀ = X_B Bᵀ + 1cᵀ} (the largest GEMM) and copies {@code A}, once per
 * SID call; {@link #map} is then {@code tanh(Z Aᵀ + U₀)}, one fused GEMM; {@link #linearize}
 * copies {@code Z} and keeps the slope {@code S = 1 − T²} of {@code T = tanh(Z Aᵀ + U₀)}, so
 * that {@code ∂₁Φᵀ V = (S ⊙ V) A} is one GEMM with {@code S} as the scale operand (no
 * {@code S ⊙ V} written and read back per call) and {@code ∂₂Φᵀ V} GEMMs on {@code G = S ⊙ V}
 * formed once. Workspaces for {@code maxTasks} rows are allocated in the caller's arena.
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
  private final DMatrix slope;         // S = 1 − T², T = tanh(Z Aᵀ + U₀)
  private final DMatrix scaled;        // T while linearizing, then G = S ⊙ V
  private final DVector ones;
  private int rows = -1;
  private boolean linearized;
  // views of the first rows, rebuilt when the batch size changes
  private int viewRows = -1;
  private DMatrix batchInputsRows;
  private DMatrix inputPartRows;
  private DMatrix statesRows;
  private DMatrix slopeRows;
  private DMatrix scaledRows;
  private DVector onesRows;
  private GemmEpilogue<DMatrix, DVector> slopeScale; // scale operand S of ∂₁Φᵀ V
  private GemmEpilogue<DMatrix, DVector> slopeScalePlus; // S and the addend G of vjpStatePlus
  private DMatrix plusAddend;

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
    slope = backend.matrix(arena, maxTasks, d);
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
    kernels.forward(statesRows, weights, inputPartRows, scaledRows); // T
    // S = (1 − T²) · 1, the factor tanhBackward applies (the same bits)
    kernels.fill(1.0, slopeRows);
    kernels.tanhBackward(scaledRows, slopeRows, slopeRows);
    linearized = true;
  }

  @Override
  public void vjpState(DMatrix v, DMatrix out) {
    SeparableLinearization.require(linearized, "linearize(states)", model);
    backend.gemm(Transpose.NO, Transpose.NO, 1.0, EquilibriumKernels.firstRows("v", v, rows, d),
        weights, 0.0, EquilibriumKernels.firstRows("out", out, rows, d), slopeScale);
  }

  /** One GEMM: S as the scale operand, {@code G} as the addend. */
  @Override
  public boolean fusesVjpStatePlus() {
    return true;
  }

  @Override
  public void vjpStatePlus(DMatrix v, DMatrix g, DMatrix out) {
    SeparableLinearization.require(linearized, "linearize(states)", model);
    DMatrix addend = EquilibriumKernels.firstRows("g", g, rows, d);
    if (!addend.equals(plusAddend)) {   // the epilogue is rebuilt only for a new G
      plusAddend = addend;
      slopeScalePlus = slopeScale.withAddend(addend);
    }
    backend.gemm(Transpose.NO, Transpose.NO, 1.0, EquilibriumKernels.firstRows("v", v, rows, d),
        weights, 1.0, EquilibriumKernels.firstRows("out", out, rows, d), slopeScalePlus);
  }

  @Override
  public void vjpLambda(DMatrix v, DVector out) {
    SeparableLinearization.require(linearized, "linearize(states)", model);
    EquilibriumKernels.Blocks o = kernels.blocks(out);
    kernels.hadamard(slopeRows, EquilibriumKernels.firstRows("v", v, rows, d), scaledRows);
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
    slopeRows = slope.rowSlice(0, count);
    slopeScale = GemmEpilogue.<DMatrix, DVector>none().withScale(slopeRows);
    plusAddend = null;
    scaledRows = scaled.rowSlice(0, count);
    onesRows = ones.slice(0, count);
    viewRows = count;
  }
}
