package io.github.bilevel.bench;

import io.github.bilevel.bsgm.Batch;
import io.github.bilevel.bsgm.SeparableSid;
import io.github.bilevel.bsgm.problems.FewShotTasks;
import io.github.bilevel.bsgm.problems.MetaLearning;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.DMatrix;
import io.github.bilevel.kernels.DVector;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The SID hypergradient of meta-learning ({@link MetaLearning}, {@link SeparableSid}) over a
 * batch of {@code tasks} few-shot tasks, with the defaults of the {@code meta} workload: 5-way
 * 5-shot tasks with 15 queries per class, representation {@code R ∈ R^{784×32}},
 * {@code ρ = 0.1}, {@code ‖R‖_F ≤ 3}, {@code t = k = 100} KM steps with {@code η = 1}, features
 * scaled to unit mean squared norm. The tasks are drawn (seeded) from the first
 * {@value #IMAGES} Fashion-MNIST training images when installed, else from synthetic images of
 * the same shape (the set-up prints which). The batch is the whole pool of {@code tasks} tasks,
 * the same every op; {@code R₀₀} is nudged by {@code ±1e-9} every op so that the features
 * {@code X R} are recomputed.
 */
public class MetaBench extends WorkloadBench {

  /** Images the task pool is drawn from. */
  static final int IMAGES = 2000;

  /** Tasks in the batch (the whole pool). */
  @Param({"32"})
  public int tasks;

  /** KM steps of both solvers ({@code t = k}: the meta workload's default 100). */
  @Param({"100"})
  public int t;

  // the meta workload's defaults; the tests shrink them
  int images = IMAGES;
  int ways = 5;
  int shots = 5;
  int queries = 15;
  int rank = 32;

  MetaLearning problem;
  private SeparableSid sid;
  private Batch batch;
  private SeparableSid.Options options;
  DVector lambda;
  DVector out;

  /** Draws the tasks, builds the problem, {@code R} (seeded) and one hypergradient. */
  @Setup(Level.Trial)
  public void setup() {
    Backend backend = openBackend();
    BenchImages data = images(images);
    DMatrix x = data.pixels();
    double sum = 0;
    for (int i = 0; i < x.rows(); i++) {
      double norm = backend.nrm2(x.row(i));
      sum += norm * norm;
    }
    backend.scal(1 / Math.sqrt(sum / x.rows()), x.asVector());
    FewShotTasks pool = FewShotTasks.sample(data.labels(), BenchImages.CLASSES, ways, shots,
        queries, tasks, 1L);
    problem = new MetaLearning(backend, x, pool, rank, 0.1, 3.0);
    sid = new SeparableSid(problem, tasks);
    batch = new Batch(tasks).all(tasks);
    options = new SeparableSid.Options(t, t, 1.0);
    lambda = Impls.vector(backend, arena, problem.upperDimension());
    problem.initialUpper(lambda, 3L);
    out = Impls.vector(backend, arena, problem.upperDimension());
    sid.hypergradient(lambda, batch, options, out);
    checkFinite("MetaBench", out);
  }

  /** Frees everything. */
  @TearDown(Level.Trial)
  public void tearDown() {
    sid.close();
    problem.close();
    closeArena();
  }

  /** One hypergradient over the batch at a freshly nudged {@code R}. */
  @Benchmark
  public SeparableSid.Diagnostics hypergradient() {
    nudge(lambda);
    return sid.hypergradient(lambda, batch, options, out);
  }
}
