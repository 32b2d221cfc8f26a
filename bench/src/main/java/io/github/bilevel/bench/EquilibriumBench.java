package io.github.bilevel.bench;

import io.github.bilevel.bsgm.Batch;
import io.github.bilevel.bsgm.SeparableSid;
import io.github.bilevel.bsgm.problems.EquilibriumModel;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.DVector;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One full-batch SID hypergradient of the equilibrium model ({@link EquilibriumModel},
 * {@link SeparableSid}): all {@code n} examples as tasks, state dimension {@code d},
 * {@code T = K = t} KM steps with {@code η = 1}, on the first {@code n} Fashion-MNIST training
 * images when {@code dataset-fashion-mnist} is installed, else on seeded synthetic images of the
 * same shape (the set-up prints which; the cost is the same). {@code λ₀} (an entry of {@code A})
 * is nudged by {@code ±1e-9} every op, so that the input part {@code X Bᵀ + 1cᵀ} and every
 * forward state are recomputed.
 */
public class EquilibriumBench extends WorkloadBench {

  /** Examples (tasks), all in every op. */
  @Param({"600"})
  public int n;

  /** KM steps of both solvers ({@code T = K}). */
  @Param({"20"})
  public int t;

  /** State dimension. */
  @Param({"200"})
  public int d;

  EquilibriumModel model;
  private SeparableSid sid;
  private Batch all;
  private SeparableSid.Options options;
  DVector lambda;
  DVector out;

  /** Builds the model, {@code λ} (the reference initialisation, seeded) and one hypergradient. */
  @Setup(Level.Trial)
  public void setup() {
    Backend backend = openBackend();
    BenchImages images = images(n);
    model = new EquilibriumModel(backend, images.pixels(), images.labels(), BenchImages.CLASSES,
        d, n, EquilibriumModel.DEFAULT_SPECTRAL_RADIUS, EquilibriumModel.DEFAULT_OUTPUT_BOUND);
    sid = new SeparableSid(model, n);
    all = new Batch(n).all(n);
    options = new SeparableSid.Options(t, t, 1.0);
    lambda = Impls.vector(backend, arena, model.upperDimension());
    model.initialize(lambda, Impls.SEED);
    out = Impls.vector(backend, arena, model.upperDimension());
    sid.hypergradient(lambda, all, options, out);
    checkFinite("EquilibriumBench", out);
  }

  /** Frees everything. */
  @TearDown(Level.Trial)
  public void tearDown() {
    sid.close();
    model.close();
    closeArena();
  }

  /** One hypergradient at a freshly nudged {@code λ}. */
  @Benchmark
  public SeparableSid.Diagnostics hypergradient() {
    nudge(lambda);
    return sid.hypergradient(lambda, all, options, out);
  }
}
