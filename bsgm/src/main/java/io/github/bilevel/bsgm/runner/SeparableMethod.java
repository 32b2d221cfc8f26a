package io.github.bilevel.bsgm.runner;

import io.github.bilevel.bsgm.Batch;
import io.github.bilevel.bsgm.SeparableProblem;
import io.github.bilevel.bsgm.SeparableSid;
import io.github.bilevel.bsgm.WarmStartStore;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * BSGM and its warm-start variants on a {@link SeparableProblem}: each iteration draws {@code J}
 * tasks uniformly with replacement, runs {@link SeparableSid} on them and steps
 * {@code λ ← P_Λ(λ − α ĥ)}. The warm-start variants keep one stored state (and linear-system
 * solution) per task in a {@link WarmStartStore}, which is their {@link #state()}: its memory
 * grows with the number of tasks.
 *
 * <table>
 *   <caption>variants</caption>
 *   <tr><th>name</th><th>LL start</th><th>LS start</th></tr>
 *   <tr><td>bsgm</td><td>0</td><td>0</td></tr>
 *   <tr><td>stocbio, alset</td><td>warm</td><td>0</td></tr>
 *   <tr><td>amigo, alset-dagger</td><td>warm</td><td>warm</td></tr>
 * </table>
 */
public final class SeparableMethod implements UpperLevelMethod {

  /** The variants on separable problems. */
  public static final List<String> NAMES = List.of("bsgm", "stocbio", "amigo", "alset",
      "alset-dagger");

  private final String name;
  private final SeparableProblem problem;
  private final Backend backend;
  private final SeparableSid sid;
  private final WarmStartStore store;
  private final SeparableSid.Options options;
  private final double alpha;
  private final int batchSize;
  private final Batch batch;
  private final Arena arena = Arena.ofShared();
  private final DVector hypergradient;
  private final List<DVector> state = new ArrayList<>();
  private double lastNorm = Double.NaN;

  /**
   * A variant with {@code t, k} steps of KM step {@code eta} on batches of {@code batch}
   * tasks and upper step {@code alpha}.
   */
  public SeparableMethod(String name, SeparableProblem problem, int t, int k, double eta,
      int batch, double alpha) {
    if (!NAMES.contains(name)) {
      throw new IllegalArgumentException("unknown algorithm '" + name
          + "' for a separable problem; known: " + String.join(", ", NAMES));
    }
    this.name = name;
    this.problem = problem;
    this.backend = problem.backend();
    this.options = new SeparableSid.Options(t, k, eta);
    this.alpha = alpha;
    this.batchSize = batch;
    this.sid = new SeparableSid(problem, batch);
    this.batch = new Batch(batch);
    this.hypergradient = backend.vector(arena, problem.upperDimension());
    boolean warmLower = !name.equals("bsgm");
    boolean warmLinear = name.equals("amigo") || name.equals("alset-dagger");
    this.store = warmLower ? WarmStartStore.forProblem(problem, warmLinear) : null;
    if (store != null) {
      state.add(store.states().asVector());
      if (warmLinear) {
        state.add(store.linearSolutions().asVector());
      }
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public long iterate(int s, DVector lambda, SplittableRandom random) {
    batch.draw(random, batchSize, problem.tasks());
    long samples = sid.hypergradient(lambda, batch, options, store, hypergradient).samples();
    lastNorm = backend.nrm2(hypergradient);
    backend.axpy(-alpha, hypergradient, lambda);
    problem.projectUpper(lambda);
    if (!Double.isFinite(backend.nrm2(lambda))) {
      throw new ArithmeticException(name + " diverged in the UL step at iteration " + s
          + " (‖ĥ‖ = " + lastNorm + "); reduce alpha");
    }
    return samples;
  }

  @Override
  public double lastHypergradientNorm() {
    return lastNorm;
  }

  @Override
  public List<DVector> state() {
    return state;
  }

  @Override
  public long stateBytes() {
    return store == null ? 0 : store.offHeapBytes();
  }

  @Override
  public void close() {
    sid.close();
    if (store != null) {
      store.close();
    }
    arena.close();
  }
}
