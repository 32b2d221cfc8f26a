package io.github.bilevel.bench;

import io.github.bilevel.bsgm.Sid;
import io.github.bilevel.bsgm.io.Npy;
import io.github.bilevel.bsgm.problems.FewShotTasks;
import io.github.bilevel.bsgm.problems.MetaLearning;
import io.github.bilevel.kernels.DMatrix;
import io.github.bilevel.kernels.DVector;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;
import java.util.function.IntSupplier;
import org.openjdk.jmh.annotations.Param;

/**
 * The workload benchmarks ({@link EquilibriumBench}, {@link MetaBench}, {@link PoisoningBench})
 * driven outside JMH for {@link PeerReference}: their sizes by name, the set-up, one op (with the
 * benchmark's own nudge of {@code λ}), and the export of what a peer needs to compute the same
 * hypergradient.
 */
final class PeerWorkloads {

  /** The workload names, in the order the peers' tables show them. */
  static final List<String> NAMES = List.of("equilibrium", "meta", "poisoning");

  private PeerWorkloads() {}

  /** A size parameter of a benchmark: how to read and set its field. */
  record Size(IntSupplier get, IntConsumer set) {}

  /** One workload benchmark, not yet set up; {@link #sizes} may be changed before {@link #setup}. */
  abstract static class Workload {
    final String name;
    final WorkloadBench bench;
    final Map<String, Size> sizes = new LinkedHashMap<>();

    Workload(String name, WorkloadBench bench) {
      this.name = name;
      this.bench = bench;
    }

    /** The benchmark's set-up: data, problem, {@code λ} and one hypergradient at that {@code λ}. */
    abstract void setup();

    /** One op of the benchmark: nudge {@code λ}, then one hypergradient. */
    abstract void op();

    /** Frees the benchmark's buffers. */
    abstract void tearDown();

    /** The benchmark's {@code λ}. */
    abstract DVector lambda();

    /** The benchmark's last hypergradient. */
    abstract DVector hypergradient();

    /** Writes the workload's data files into {@code dir} and its scalars into {@code settings}. */
    abstract void export(Path dir, Map<String, Object> settings) throws IOException;

    /** The current sizes, by name. */
    Map<String, Integer> sizeValues() {
      Map<String, Integer> out = new LinkedHashMap<>();
      sizes.forEach((key, size) -> out.put(key, size.get().getAsInt()));
      return out;
    }

    /**
     * Sets the size {@code key}.
     *
     * @throws IllegalArgumentException naming the workload's sizes for an unknown key
     */
    void setSize(String key, int value) {
      Size size = sizes.get(key);
      if (size == null) {
        throw new IllegalArgumentException("workload '" + name + "' has no size '" + key
            + "'; its sizes are " + sizes.keySet());
      }
      size.set().accept(value);
    }
  }

  /**
   * A workload benchmark on {@code impl} with {@code threads} SIMD threads.
   *
   * @throws IllegalArgumentException for an unknown workload name
   */
  static Workload create(String name, String impl, int threads, boolean synthetic) {
    Workload workload = switch (name) {
      case "equilibrium" -> new Equilibrium();
      case "meta" -> new Meta();
      case "poisoning" -> new Poisoning();
      default -> throw new IllegalArgumentException("unknown workload '" + name + "'; known: "
          + NAMES);
    };
    paramDefaults(workload.bench);
    workload.bench.impl = impl;
    workload.bench.threads = threads;
    workload.bench.allowFashionMnist = !synthetic;
    return workload;
  }

  /**
   * Sets every {@code int} and {@code boolean} {@link Param} field of {@code bench} to the first
   * value of its annotation: the benchmark's default, which JMH would set (a plain
   * {@code new} leaves them 0 and false).
   */
  static void paramDefaults(WorkloadBench bench) {
    for (Class<?> c = bench.getClass(); c != Object.class; c = c.getSuperclass()) {
      for (Field field : c.getDeclaredFields()) {
        Param param = field.getAnnotation(Param.class);
        if (param == null || param.value().length == 0) {
          continue;
        }
        try {
          if (field.getType() == int.class) {
            field.setInt(bench, Integer.parseInt(param.value()[0]));
          } else if (field.getType() == boolean.class) {
            field.setBoolean(bench, Boolean.parseBoolean(param.value()[0]));
          }
        } catch (IllegalAccessException e) {
          throw new IllegalStateException("cannot set @Param field " + field, e);
        }
      }
    }
  }

  static void writeMatrix(Path dir, String file, DMatrix m) throws IOException {
    Npy.writeMatrix(dir.resolve(file), m.toArray(), m.rows(), m.cols());
  }

  static void writeVector(Path dir, String file, DVector v) throws IOException {
    Npy.writeVector(dir.resolve(file), v.toArray());
  }

  static void writeInts(Path dir, String file, int[] values) throws IOException {
    Npy.writeVector(dir.resolve(file), Arrays.stream(values).asDoubleStream().toArray());
  }

  /** Rows of equal length as one row-major float64 matrix (integers are exact in float64). */
  static void writeIntRows(Path dir, String file, List<int[]> rows) throws IOException {
    int cols = rows.isEmpty() ? 0 : rows.get(0).length;
    double[] values = new double[rows.size() * cols];
    for (int r = 0; r < rows.size(); r++) {
      if (rows.get(r).length != cols) {
        throw new IllegalStateException(file + ": row " + r + " has " + rows.get(r).length
            + " entries, row 0 has " + cols);
      }
      for (int c = 0; c < cols; c++) {
        values[r * cols + c] = rows.get(r)[c];
      }
    }
    Npy.writeMatrix(dir.resolve(file), values, rows.size(), cols);
  }

  // ---------------------------------------------------------------- equilibrium

  static final class Equilibrium extends Workload {
    private final EquilibriumBench b;

    Equilibrium() {
      this(new EquilibriumBench());
    }

    private Equilibrium(EquilibriumBench b) {
      super("equilibrium", b);
      this.b = b;
      sizes.put("n", new Size(() -> b.n, v -> b.n = v));
      sizes.put("d", new Size(() -> b.d, v -> b.d = v));
      sizes.put("t", new Size(() -> b.t, v -> b.t = v));
    }

    @Override void setup() {
      b.setup();
    }

    @Override void op() {
      b.hypergradient();
    }

    @Override void tearDown() {
      b.tearDown();
    }

    @Override DVector lambda() {
      return b.lambda;
    }

    @Override DVector hypergradient() {
      return b.out;
    }

    @Override
    void export(Path dir, Map<String, Object> settings) throws IOException {
      writeMatrix(dir, "x.npy", b.data.pixels());
      writeInts(dir, "y.npy", b.data.labels());
      settings.put("n", b.n);
      settings.put("p", b.model.inputDimension());
      settings.put("d", b.d);
      settings.put("classes", b.model.classes());
      settings.put("t", b.t);
      settings.put("k", b.t);
      settings.put("eta", 1.0);
      settings.put("lambda_layout", "A (d x d), B (d x p), c (d), D (classes x d), b (classes);"
          + " each row-major");
    }
  }

  // ---------------------------------------------------------------- meta-learning

  static final class Meta extends Workload {
    private final MetaBench b;

    Meta() {
      this(new MetaBench());
    }

    private Meta(MetaBench b) {
      super("meta", b);
      this.b = b;
      sizes.put("images", new Size(() -> b.images, v -> b.images = v));
      sizes.put("tasks", new Size(() -> b.tasks, v -> b.tasks = v));
      sizes.put("t", new Size(() -> b.t, v -> b.t = v));
      sizes.put("ways", new Size(() -> b.ways, v -> b.ways = v));
      sizes.put("shots", new Size(() -> b.shots, v -> b.shots = v));
      sizes.put("queries", new Size(() -> b.queries, v -> b.queries = v));
      sizes.put("rank", new Size(() -> b.rank, v -> b.rank = v));
    }

    @Override void setup() {
      b.setup();
    }

    @Override void op() {
      b.hypergradient();
    }

    @Override void tearDown() {
      b.tearDown();
    }

    @Override DVector lambda() {
      return b.lambda;
    }

    @Override DVector hypergradient() {
      return b.out;
    }

    @Override
    void export(Path dir, Map<String, Object> settings) throws IOException {
      MetaLearning problem = b.problem;
      FewShotTasks pool = problem.taskPool();
      // the features as the problem was given them: scaled to unit mean squared norm
      writeMatrix(dir, "x.npy", b.data.pixels());
      writeTaskRows(dir, "support", pool, pool.supportSize(), true);
      writeTaskRows(dir, "query", pool, pool.querySize(), false);
      settings.put("examples", b.images);
      settings.put("p", problem.features());
      settings.put("tasks", b.tasks);
      settings.put("ways", b.ways);
      settings.put("shots", b.shots);
      settings.put("queries", b.queries);
      settings.put("rank", b.rank);
      settings.put("rho", problem.headRegularization());
      settings.put("radius", problem.representationRadius());
      settings.put("map_step", problem.mapStep());
      settings.put("t", b.t);
      settings.put("k", b.t);
      settings.put("eta", 1.0);
      settings.put("lambda_layout", "R (p x rank), row-major");
    }

    private static void writeTaskRows(Path dir, String side, FewShotTasks pool, int rows,
        boolean support) throws IOException {
      double[] index = new double[pool.tasks() * rows];
      double[] label = new double[pool.tasks() * rows];
      for (int task = 0; task < pool.tasks(); task++) {
        for (int j = 0; j < rows; j++) {
          index[task * rows + j] = support ? pool.supportIndex(task, j) : pool.queryIndex(task, j);
          label[task * rows + j] = support ? pool.supportLabel(task, j) : pool.queryLabel(task, j);
        }
      }
      Npy.writeMatrix(dir.resolve(side + "_index.npy"), index, pool.tasks(), rows);
      Npy.writeMatrix(dir.resolve(side + "_label.npy"), label, pool.tasks(), rows);
    }
  }

  // ---------------------------------------------------------------- data poisoning

  static final class Poisoning extends Workload {
    private final PoisoningBench b;

    Poisoning() {
      this(new PoisoningBench());
    }

    private Poisoning(PoisoningBench b) {
      super("poisoning", b);
      this.b = b;
      sizes.put("t", new Size(() -> b.t, v -> b.t = v));
      sizes.put("clean", new Size(() -> b.clean, v -> b.clean = v));
      sizes.put("poisoned", new Size(() -> b.poisoned, v -> b.poisoned = v));
      sizes.put("validation", new Size(() -> b.validation, v -> b.validation = v));
      sizes.put("batch", new Size(() -> b.batch, v -> b.batch = v));
      sizes.put("lower_batch", new Size(() -> b.lowerBatch, v -> b.lowerBatch = v));
    }

    @Override void setup() {
      if (b.fullBatch) {
        throw new IllegalArgumentException("the peers take the benchmark's mini-batches only");
      }
      b.setup();
    }

    @Override void op() {
      b.hypergradient();
    }

    @Override void tearDown() {
      b.tearDown();
    }

    @Override DVector lambda() {
      return b.lambda;
    }

    @Override DVector hypergradient() {
      return b.out;
    }

    /**
     * Besides the data, writes the mini-batches of the set-up's hypergradient: the same
     * estimate recomputed through a {@link RecordingProblem} from a generator with the set-up's
     * seed, checked to equal the set-up's bit for bit.
     */
    @Override
    void export(Path dir, Map<String, Object> settings) throws IOException {
      int clean = b.clean;
      int poisoned = b.poisoned;
      writeMatrix(dir, "x_clean.npy", b.data.rows(0, clean));
      writeInts(dir, "y_clean.npy", b.data.labels(0, clean));
      writeMatrix(dir, "x_poison.npy", b.data.rows(clean, poisoned));
      writeInts(dir, "y_poison.npy", b.data.labels(clean, poisoned));
      writeMatrix(dir, "x_val.npy", b.data.rows(clean + poisoned, b.validation));
      writeInts(dir, "y_val.npy", b.data.labels(clean + poisoned, b.validation));

      RecordingProblem recording = new RecordingProblem(b.problem);
      Sid.Options options = b.options;
      double[] again;
      try (Sid sid = new Sid(recording, b.batch, b.lowerBatch);
          Arena arena = Arena.ofConfined()) {
        DVector out = Impls.vector(b.problem.backend(), arena, b.problem.upperDimension());
        sid.estimate(b.lambda, options, new SplittableRandom(Impls.SEED), out);
        again = out.toArray();
      }
      if (!Arrays.equals(again, b.out.toArray())) {
        throw new IllegalStateException("the recorded SID estimate differs from the set-up's:"
            + " the benchmark no longer draws its batches from new SplittableRandom(SEED)");
      }
      int k = options.k();
      List<int[]> linearize = recording.linearizeBatches;
      if (recording.mapBatches.size() != options.t() || recording.upperBatches.size() != 1
          || linearize.size() != k + 1) {
        throw new IllegalStateException("SID made " + recording.mapBatches.size() + " map, "
            + recording.upperBatches.size() + " upper-gradient and " + linearize.size()
            + " linearize calls; expected t = " + options.t() + ", 1 and k + 1 = " + (k + 1));
      }
      writeIntRows(dir, "batches_lower.npy", recording.mapBatches);
      writeInts(dir, "batch_upper.npy", recording.upperBatches.get(0));
      writeIntRows(dir, "batches_linear.npy", linearize.subList(0, k));
      writeInts(dir, "batch_final.npy", linearize.get(k));

      settings.put("clean", clean);
      settings.put("poisoned", poisoned);
      settings.put("validation", b.validation);
      settings.put("p", b.problem.features());
      settings.put("classes", b.problem.classes());
      settings.put("c", b.problem.regularization());
      settings.put("mu", b.problem.strongConvexity());
      settings.put("map_step", b.problem.mapStep());
      settings.put("t", options.t());
      settings.put("k", k);
      settings.put("batch", b.batch);
      settings.put("lower_batch", b.lowerBatch);
      settings.put("eta", 1.0);
      settings.put("lambda_layout", "delta (poisoned x p), row-major");
    }
  }
}
