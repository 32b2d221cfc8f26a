package io.github.bilevel.bsgm.baselines;

import io.github.bilevel.bsgm.Batch;
import io.github.bilevel.bsgm.BilevelProblem;
import io.github.bilevel.bsgm.IterationState;
import io.github.bilevel.bsgm.NamedVector;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;
import java.util.List;
import java.util.SplittableRandom;

/**
 * SABA, the stochastic average bilevel algorithm of Dagréou, Ablin, Vaiter, Moreau (NeurIPS
 * 2022, Algorithm 2), in the fixed-point form of docs/mathematics.md §4.5: {@link Soba}'s
 * directions with each of the five sampled oracles ({@code R}, {@code v − ∂₁Φ̂ᵀv},
 * {@code ∂₂Φ̂ᵀv} on the lower level's samples, {@code ∇₁Ê}, {@code ∇₂Ê} on the upper level's)
 * replaced by its SAGA estimate. The second is the whole sampled part of
 * {@code D_v = v − ∂₁Φ̂ᵀv − ∇₁Ê} ({@code η∇²Ĝ v} for a gradient-step map, the Hessian–vector
 * product benchopt's memories hold): a memory of {@code ∂₁Φ̂ᵀv} alone, with {@code v} exact,
 * would lag by {@code v − v_i}, the {@code v} at which block {@code i} was last visited. The
 * finite sums are cut into blocks of consecutive samples, {@code ⌈N_ξ/b⌉} blocks of {@code b}
 * for the lower level (the last one smaller when {@code b} does not divide
 * {@code N_ξ}) and likewise by {@code J} for the upper level, as benchopt's implementation does;
 * a memory holds each block's last oracles {@code y_i} and their weighted mean
 * {@code ȳ = Σ_i (|B_i|/N) y_i}. The blocks are visited in epochs, as benchopt's minibatch
 * sampler does: each level's {@code n} blocks in an order drawn as a uniform random permutation
 * (from the run's generator) at every iteration {@code k ≡ 0 (mod n)}, block {@code k mod n} of
 * that order at iteration {@code k}. Iteration {@code k}: take the next block {@code i} of each
 * level's order, evaluate the fresh oracles {@code g_i} at the current
 * {@code (z_k, v_k, λ_k)}, and
 *
 * <pre>
 *   estimate = g_i − y_i + ȳ          (E[g_i − y_i] + ȳ = Σ_i (|B_i|/N) g_i when i is uniform
                                      and the blocks are equal)
 *   ȳ ← ȳ + (|B_i|/N)(g_i − y_i),   y_i ← g_i
 * </pre>
 *
 * then the step of {@link Soba} with the estimates and constant steps {@code ρ_k = ρ},
 * {@code γ_k = γ} (the paper's Theorem 2: {@code ρ, γ} of order {@code N^{-2/3}} give
 * {@code O(N^{2/3}/K)} stationarity; with {@code a, c > 0} the steps decrease). The memory
 * starts at zero (benchopt's {@code mode_init_memory="zero"}); {@code z_0 = v_0 = 0}. At a fixed
 * point of the iteration every {@code y_i} equals its fresh value, so the estimates are the exact
 * full-sum oracles and the iteration stops exactly at the finite sum's stationary point, with
 * constant steps: the variance reduction at work. (With a smaller last block a uniform block
 * weighs it by {@code 1/n} rather than {@code |B_i|/N} in {@code E[g_i − y_i]}, as in
 * benchopt; the fixed point is the same.) The epoch's orders are state ({@code lower_order},
 * {@code upper_order}, the block indices as doubles), the position in them is {@code k mod n},
 * so a checkpoint resumes the same run.
 *
 * <p>Samples: {@code |B_i| + |C_j| ≤ b + J} per iteration. Memory: {@code ⌈N_ξ/b⌉ (2d + m + 1)
 * + ⌈N_ζ/J⌉ (d + m + 1)} doubles, reported by the state.
 *
 * <p>Allocation-free iterations (but the listener's progress record). Not thread-safe.
 */
public final class Saba extends SingleLoopMethod<Saba.State> {

  private final double correctionSign;
  private final DVector innerDifference;
  private final DVector outerDifference;
  private int[][] lowerBlocks = new int[0][];
  private int[][] upperBlocks = new int[0][];

  /**
   * A runner for {@code problem}, with room for batches up to {@code J = maxBatch},
   * {@code b = maxLowerBatch}.
   */
  public Saba(BilevelProblem problem, int maxBatch, int maxLowerBatch) {
    this(problem, maxBatch, maxLowerBatch, 1.0);
  }

  /**
   * A runner whose SAGA correction subtracts {@code correctionSign · y_i}: 1 is SABA, −1 the
   * deliberately broken variant the tests must reject.
   */
  Saba(BilevelProblem problem, int maxBatch, int maxLowerBatch, double correctionSign) {
    super("SABA", problem, maxBatch, maxLowerBatch);
    this.correctionSign = correctionSign;
    innerDifference = backend.vector(arena, innerLength());
    outerDifference = backend.vector(arena, outerLength());
  }

  /**
   * SABA's state: {@code z_k}, {@code v_k}, the two memories (each block's oracles, row by row,
   * and their weighted means) and the iteration counter {@code k}.
   */
  public static final class State extends IterationState {
    private final DVector z;
    private final DVector v;
    private final DVector innerMemory;
    private final DVector innerMean;
    private final DVector outerMemory;
    private final DVector outerMean;
    private final DVector lowerOrder;
    private final DVector upperOrder;
    private final DVector[] innerRows;
    private final DVector[] outerRows;

    private State(Backend backend, Arena arena, int d, int innerLength, int outerLength,
        int lowerBlocks, int upperBlocks) {
      super("SABA's state");
      z = backend.vector(arena, d);
      v = backend.vector(arena, d);
      innerMemory = backend.vector(arena, Math.multiplyExact(lowerBlocks, innerLength));
      innerMean = backend.vector(arena, innerLength);
      outerMemory = backend.vector(arena, Math.multiplyExact(upperBlocks, outerLength));
      outerMean = backend.vector(arena, outerLength);
      lowerOrder = backend.vector(arena, lowerBlocks);
      upperOrder = backend.vector(arena, upperBlocks);
      innerRows = rows(innerMemory, lowerBlocks, innerLength);
      outerRows = rows(outerMemory, upperBlocks, outerLength);
    }

    private static DVector[] rows(DVector memory, int count, int length) {
      DVector[] rows = new DVector[count];
      for (int i = 0; i < count; i++) {
        rows[i] = memory.slice(i * length, length);
      }
      return rows;
    }

    /** The lower-level iterate {@code z_k}. */
    public DVector lowerIterate() {
      return z;
    }

    @Override
    public List<NamedVector> vectors() {
      return List.of(new NamedVector("z", z), new NamedVector("v", v),
          new NamedVector("inner_memory", innerMemory), new NamedVector("inner_mean", innerMean),
          new NamedVector("outer_memory", outerMemory), new NamedVector("outer_mean", outerMean),
          new NamedVector("lower_order", lowerOrder), new NamedVector("upper_order", upperOrder));
    }
  }

  /**
   * The blocks of consecutive sample indices of a population of {@code population} cut by
   * {@code size}.
   */
  private static int[][] blocks(int population, int size) {
    int count = (int) ((population + (long) size - 1) / size);
    int[][] blocks = new int[count][];
    for (int i = 0; i < count; i++) {
      int from = i * size;
      int[] block = new int[Math.min(size, population - from)];
      for (int j = 0; j < block.length; j++) {
        block[j] = from + j;
      }
      blocks[i] = block;
    }
    return blocks;
  }

  /**
   * The state of a run from {@code lambda} (projected in place): {@code z_0 = v_0 = 0}, memories
   * at zero, the orders the identity (iteration 0 shuffles them); the blocks follow from
   * {@code b}, {@code J}.
   */
  @Override
  public State init(Arena arena, DVector lambda, SingleLoopOptions options) {
    checkInit(lambda, options);
    lowerBlocks = blocks(problem.lowerSamples(), options.lowerBatch());
    upperBlocks = blocks(problem.upperSamples(), options.batch());
    State state = new State(backend, arena, d, innerLength(), outerLength(), lowerBlocks.length,
        upperBlocks.length);
    for (NamedVector named : state.vectors()) {
      backend.fill(0.0, named.vector());
    }
    for (int i = 0; i < lowerBlocks.length; i++) {
      state.lowerOrder.set(i, i);
    }
    for (int j = 0; j < upperBlocks.length; j++) {
      state.upperOrder.set(j, j);
    }
    return state;
  }

  /**
   * {@code b + J}, an upper bound: the iteration uses the sizes of its blocks, which equal
   * {@code b} and {@code J} but for the last (smaller) block.
   */
  @Override
  public long samplesPerIteration(int k, SingleLoopOptions options) {
    return (long) options.lowerBatch() + options.batch();
  }

  /** Iteration {@code k = state.iteration()}: advances {@code state} and {@code λ} in place. */
  @Override
  public long iterate(State state, DVector lambda, SingleLoopOptions options,
      SplittableRandom random) {
    int lowerPopulation = problem.lowerSamples();
    int upperPopulation = problem.upperSamples();
    int k = state.iteration();
    int i = nextBlock(state.lowerOrder, k, random);
    Batch xi = lowerBlocks.length == 1 ? lower.all(lowerPopulation)
        : lower.assign(lowerPopulation, lowerBlocks[i]);
    long samples = inner(state.z, lambda, state.v, xi, innerOracles);
    // the memory holds v − ∂₁Φ̂ᵀv (η∇²Ĝv in benchopt's terms), the whole sampled part of D_v
    backend.axpby(1.0, state.v, -1.0, innerOracles.jacobianW());
    saga(innerOracles.all(), state.innerRows[i], state.innerMean,
        (double) xi.size() / lowerPopulation, innerDifference, innerEstimate.all());
    backend.axpby(1.0, state.v, -1.0, innerEstimate.jacobianW());
    int j = nextBlock(state.upperOrder, k, random);
    Batch zeta = upperBlocks.length == 1 ? upper.all(upperPopulation)
        : upper.assign(upperPopulation, upperBlocks[j]);
    samples += outer(state.z, lambda, zeta, outerOracles);
    saga(outerOracles.all(), state.outerRows[j], state.outerMean,
        (double) zeta.size() / upperPopulation, outerDifference, outerEstimate.all());
    step(state.iteration(), options, state.z, state.v, lambda, innerEstimate, outerEstimate);
    state.advance();
    return samples;
  }

  /**
   * Block {@code k mod n} of the epoch's {@code order} of {@code n} blocks, after shuffling the
   * order (Fisher–Yates, from {@code random}) when {@code k} starts an epoch.
   */
  private static int nextBlock(DVector order, int k, SplittableRandom random) {
    int n = order.length();
    int position = k % n;
    if (position == 0) {
      for (int a = n - 1; a > 0; a--) {
        int b = random.nextInt(a + 1);
        double swap = order.get(a);
        order.set(a, order.get(b));
        order.set(b, swap);
      }
    }
    double block = order.get(position);
    if (!(block >= 0 && block < n && block == Math.rint(block))) {
      // only a damaged state gets here: the orders are permutations of 0..n−1
      throw new IllegalStateException("SABA's block order holds " + block + " at position "
          + position + ", not a block index in [0, " + n + ")");
    }
    return (int) block;
  }

  /**
   * {@code estimate ← g − y + ȳ}, then {@code ȳ ← ȳ + weight·(g − y)} and {@code y ← g}.
   */
  private void saga(DVector fresh, DVector memory, DVector mean, double weight,
      DVector difference, DVector estimate) {
    backend.copy(fresh, difference);
    backend.axpy(-1.0, memory, difference);
    backend.copy(fresh, estimate);
    backend.axpy(-correctionSign, memory, estimate);
    backend.axpy(1.0, mean, estimate);
    backend.axpy(weight, difference, mean);
    backend.copy(fresh, memory);
  }
}
