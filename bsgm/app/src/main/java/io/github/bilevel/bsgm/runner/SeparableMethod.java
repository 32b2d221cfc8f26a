package io.github.bilevel.bsgm.runner;

import io.github.bilevel.bsgm.IterationSchedule;
import io.github.bilevel.bsgm.IterationState;
import io.github.bilevel.bsgm.NamedVector;
import io.github.bilevel.bsgm.SeparableBsgm;
import io.github.bilevel.bsgm.SeparableHypergradient;
import io.github.bilevel.bsgm.SeparableProblem;
import io.github.bilevel.bsgm.StopCheck;
import io.github.bilevel.bsgm.WarmStartStore;
import io.github.bilevel.kernels.DVector;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * BSGM and its warm-start variants on a {@link SeparableProblem}, one {@link SeparableBsgm}
 * iteration at a time: each iteration draws {@code J} tasks uniformly with replacement, runs
 * SID on them and steps
 * {@code λ ← P_Λ(λ − α ĥ)}. The warm-start variants keep one stored state (and linear-system
 * solution) per task in a {@link WarmStartStore}, which is their {@link State}'s vectors: its
 * memory grows with the number of tasks.
 *
 * <table>
 *   <caption>variants</caption>
 *   <tr><th>name</th><th>LL start</th><th>LS start</th></tr>
 *   <tr><td>bsgm</td><td>0</td><td>0</td></tr>
 *   <tr><td>stocbio, alset</td><td>warm</td><td>0</td></tr>
 *   <tr><td>amigo, alset-dagger</td><td>warm</td><td>warm</td></tr>
 * </table>
 */
public final class SeparableMethod implements UpperLevelMethod<SeparableMethod.State> {

  /** The variants on separable problems. */
  public static final List<String> NAMES = List.of("bsgm", "stocbio", "amigo", "alset",
      "alset-dagger");

  /**
   * The state: the iteration counter and the warm-start store's matrices (empty for BSGM). The
   * store is bound to the method's {@link SeparableBsgm}, so a method holds one run's state at a
   * time: {@link #init} clears it.
   */
  public static final class State extends IterationState {
    private final List<NamedVector> vectors;

    private State(List<NamedVector> vectors) {
      super("separable BSGM's state");
      this.vectors = vectors;
    }

    @Override
    public List<NamedVector> vectors() {
      return vectors;
    }
  }

  private final String name;
  private final SeparableBsgm bsgm;
  private final WarmStartStore store;
  private final SeparableHypergradient cluster;
  private final SeparableBsgm.Options options;
  private final List<NamedVector> stored = new ArrayList<>();

  /**
   * A variant with {@code t, k} steps of KM step {@code eta} on batches of {@code batch}
   * tasks and upper step {@code alpha}.
   */
  public SeparableMethod(String name, SeparableProblem problem, int t, int k, double eta,
      int batch, double alpha) {
    this(name, problem, t, k, eta, batch, alpha, batch, null);
  }

  /**
   * A variant whose batches are drawn and estimated in blocks of {@code block} tasks
   * ({@link SeparableHypergradient}): the same bits as {@link #onCluster} with that block.
   */
  public SeparableMethod(String name, SeparableProblem problem, int t, int k, double eta,
      int batch, double alpha, int block) {
    this(name, problem, t, k, eta, batch, alpha, block, null);
  }

  /**
   * BSGM whose hypergradients {@code cluster} estimates (its block size sets the blocks); the
   * method closes it.
   */
  public static SeparableMethod onCluster(SeparableProblem problem, int t, int k, double eta,
      int batch, double alpha, SeparableHypergradient cluster) {
    return new SeparableMethod("bsgm", problem, t, k, eta, batch, alpha, cluster.blockSize(),
        cluster);
  }

  private SeparableMethod(String name, SeparableProblem problem, int t, int k, double eta,
      int batch, double alpha, int block, SeparableHypergradient cluster) {
    if (!NAMES.contains(name)) {
      throw new IllegalArgumentException("unknown algorithm '" + name
          + "' for a separable problem; known: " + String.join(", ", NAMES));
    }
    this.name = name;
    this.options = new SeparableBsgm.Options(alpha, IterationSchedule.fixed(t, k, batch), eta,
        SeparableBsgm.Sampling.WITH_REPLACEMENT);
    boolean warmLower = !name.equals("bsgm");
    boolean warmLinear = name.equals("amigo") || name.equals("alset-dagger");
    this.store = warmLower ? WarmStartStore.forProblem(problem, warmLinear) : null;
    this.cluster = cluster;
    this.bsgm = cluster != null ? SeparableBsgm.withEstimator(problem, batch, cluster)
        : new SeparableBsgm(problem, batch, store, block);
    if (store != null) {
      stored.add(new NamedVector("task_states", store.states().asVector()));
      if (warmLinear) {
        stored.add(new NamedVector("task_linear_solutions",
            store.linearSolutions().asVector()));
      }
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public State init(DVector lambda) {
    if (store != null) {
      store.clear();
    }
    return new State(List.copyOf(stored));
  }

  @Override
  public long iterate(State state, DVector lambda, SplittableRandom random) {
    long samples = bsgm.iterate(state.iteration(), lambda, options, random);
    state.advance();
    return samples;
  }

  @Override
  public long samplesPerIteration(int iteration) {
    return SeparableBsgm.samplesPerIteration(iteration, options);
  }

  @Override
  public void stopWhen(StopCheck check) {
    bsgm.sid().stopWhen(check);
  }

  @Override
  public double lastHypergradientNorm() {
    return bsgm.lastHypergradientNorm();
  }

  @Override
  public long stateBytes(State state) {
    return store == null ? 0 : store.offHeapBytes();
  }

  @Override
  public void close() {
    bsgm.close();
    if (cluster != null) {
      cluster.close();
    }
    if (store != null) {
      store.close();
    }
  }
}
