package io.github.bilevel.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.bsgm.Batch;
import io.github.bilevel.bsgm.BilevelProblem;
import io.github.bilevel.bsgm.SeparableSid;
import io.github.bilevel.bsgm.io.Npy;
import io.github.bilevel.bsgm.problems.DataPoisoning;
import io.github.bilevel.bsgm.problems.EquilibriumModel;
import io.github.bilevel.bsgm.problems.FewShotTasks;
import io.github.bilevel.bsgm.problems.MetaLearning;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.Buffers;
import io.github.bilevel.kernels.DMatrix;
import io.github.bilevel.kernels.DVector;
import io.github.bilevel.kernels.ScalarBackend;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link PeerReference} exports files the {@link Npy} reader reads back, holding the set-up's
 * data and {@code λ}, and an {@code h.npy} equal to the hypergradient recomputed from those
 * files alone on the scalar backend (for data poisoning by a hand-written SID loop over the
 * exported mini-batches); its timing mode times the same set-up.
 */
class PeerReferenceTest {

  private final Backend scalar = new ScalarBackend();

  /** {@code a} and {@code b} agree entrywise within {@code 1e-10} of the largest entry of a. */
  private static void assertRelativelyClose(double[] a, double[] b, String what) {
    assertEquals(a.length, b.length, what + ": length");
    double scale = 0;
    for (double e : a) {
      scale = Math.max(scale, Math.abs(e));
    }
    assertTrue(scale > 0, what + ": not zero");
    for (int i = 0; i < a.length; i++) {
      assertEquals(a[i], b[i], 1e-10 * scale, what + ": entry " + i);
    }
  }

  private static Map<String, Object> export(String workload, Path dir, String... sizes)
      throws IOException {
    List<String> args = new java.util.ArrayList<>(List.of("--synthetic"));
    args.addAll(List.of(sizes));
    return PeerReference.export(workload, dir, args);
  }

  private static double[] read(Path dir, String file) throws IOException {
    return Npy.read(dir.resolve(file)).values();
  }

  private static int[] ints(Path dir, String file) throws IOException {
    return Arrays.stream(read(dir, file)).mapToInt(v -> (int) v).toArray();
  }

  private DMatrix matrix(Arena arena, Path dir, String file) throws IOException {
    Npy.Array a = Npy.readMatrix(dir.resolve(file));
    return Buffers.matrix(arena, a.rows(), a.cols()).copyFrom(a.values());
  }

  private DVector vector(Arena arena, Path dir, String file) throws IOException {
    return Buffers.vector(arena, read(dir, file));
  }

  @Test
  void equilibriumExportHoldsTheImagesAndTheHypergradientOfItsFiles(@TempDir Path dir)
      throws IOException {
    Map<String, Object> settings = export("equilibrium", dir, "--n", "13", "--d", "7",
        "--t", "4");
    assertEquals(Map.of("n", 13, "d", 7, "t", 4), settings.get("sizes"));
    assertTrue(Files.readString(dir.resolve("settings.json")).contains("\"workload\": \"equilibrium\""));
    try (Arena arena = Arena.ofConfined()) {
      BenchImages images = BenchImages.first(13, arena, false);
      Npy.Array x = Npy.readMatrix(dir.resolve("x.npy"));
      assertArrayEquals(new int[] {13, 784}, x.shape());
      assertArrayEquals(images.pixels().toArray(), x.values(), "x");
      assertArrayEquals(images.labels(), ints(dir, "y.npy"), "y");
      DMatrix features = matrix(arena, dir, "x.npy");
      DVector lambda = vector(arena, dir, "lambda.npy");
      try (EquilibriumModel model = new EquilibriumModel(scalar, features, ints(dir, "y.npy"),
          10, 7, 13, EquilibriumModel.DEFAULT_SPECTRAL_RADIUS,
          EquilibriumModel.DEFAULT_OUTPUT_BOUND);
          SeparableSid sid = new SeparableSid(model, 13)) {
        DVector seeded = Buffers.vector(arena, model.upperDimension());
        model.initialize(seeded, Impls.SEED);
        assertArrayEquals(seeded.toArray(), lambda.toArray(), "λ is the benchmark's");
        DVector h = Buffers.vector(arena, model.upperDimension());
        sid.hypergradient(lambda, new Batch(13).all(13), new SeparableSid.Options(4, 4, 1.0), h);
        assertRelativelyClose(h.toArray(), read(dir, "h.npy"), "h");
      }
    }
  }

  @Test
  void metaExportHoldsTheTasksAndTheHypergradientOfItsFiles(@TempDir Path dir)
      throws IOException {
    export("meta", dir, "--images", "60", "--tasks", "3", "--t", "5", "--ways", "3",
        "--shots", "2", "--queries", "2", "--rank", "4");
    try (Arena arena = Arena.ofConfined()) {
      FewShotTasks pool = FewShotTasks.sample(BenchImages.first(60, arena, false).labels(),
          10, 3, 2, 2, 3, 1L);
      Npy.Array support = Npy.readMatrix(dir.resolve("support_index.npy"));
      assertArrayEquals(new int[] {3, 6}, support.shape());
      for (int task = 0; task < 3; task++) {
        for (int j = 0; j < 6; j++) {
          assertEquals(pool.supportIndex(task, j), (int) support.values()[task * 6 + j]);
          assertEquals(pool.queryIndex(task, j), ints(dir, "query_index.npy")[task * 6 + j]);
          assertEquals(pool.supportLabel(task, j), ints(dir, "support_label.npy")[task * 6 + j]);
        }
      }
      DMatrix x = matrix(arena, dir, "x.npy");
      double squares = 0;
      for (double v : x.toArray()) {
        squares += v * v;
      }
      assertEquals(1.0, squares / 60, 1e-12, "features at unit mean squared norm");
      DVector lambda = vector(arena, dir, "lambda.npy");
      try (MetaLearning problem = new MetaLearning(scalar, x, pool, 4, 0.1, 3.0);
          SeparableSid sid = new SeparableSid(problem, 3)) {
        DVector h = Buffers.vector(arena, problem.upperDimension());
        sid.hypergradient(lambda, new Batch(3).all(3), new SeparableSid.Options(5, 5, 1.0), h);
        assertRelativelyClose(h.toArray(), read(dir, "h.npy"), "h");
      }
    }
  }

  @Test
  void poisoningExportHoldsTheBatchesOfItsHypergradient(@TempDir Path dir) throws IOException {
    export("poisoning", dir, "--t", "4", "--clean", "20", "--poisoned", "6", "--validation",
        "15", "--batch", "7", "--lower-batch", "5");
    assertArrayEquals(new int[] {4, 5}, Npy.readMatrix(dir.resolve("batches_lower.npy")).shape());
    assertArrayEquals(new int[] {4, 5}, Npy.readMatrix(dir.resolve("batches_linear.npy")).shape());
    try (Arena arena = Arena.ofConfined();
        DataPoisoning problem = new DataPoisoning(scalar, matrix(arena, dir, "x_clean.npy"),
            ints(dir, "y_clean.npy"), matrix(arena, dir, "x_poison.npy"),
            ints(dir, "y_poison.npy"), matrix(arena, dir, "x_val.npy"), ints(dir, "y_val.npy"),
            10, DataPoisoning.PAPER_REGULARIZATION, DataPoisoning.PAPER_RADIUS)) {
      DVector lambda = vector(arena, dir, "lambda.npy");
      int n = problem.lowerSamples();
      int d = problem.lowerDimension();
      // SID (docs/mathematics.md §2.1) with KM step 1, on the exported batches
      DVector w = Buffers.vector(arena, d);
      DVector next = Buffers.vector(arena, d);
      Batch batch = new Batch(7);
      double[] lower = read(dir, "batches_lower.npy");
      for (int i = 0; i < 4; i++) {
        problem.map(w, lambda, assign(batch, n, lower, i * 5, 5), next);
        scalar.copy(next, w);
      }
      DVector g1 = Buffers.vector(arena, d);
      problem.objectiveGradientW(w, lambda, batch.assign(15, ints(dir, "batch_upper.npy")), g1);
      BilevelProblem.Linearization linearization = problem.linearization(arena);
      DVector v = Buffers.vector(arena, d);
      double[] linear = read(dir, "batches_linear.npy");
      for (int i = 0; i < 4; i++) {
        linearization.linearize(w, lambda, assign(batch, n, linear, i * 5, 5));
        linearization.vjpW(v, next);
        scalar.axpy(1.0, g1, next);
        scalar.copy(next, v);
      }
      linearization.linearize(w, lambda, batch.assign(n, ints(dir, "batch_final.npy")));
      DVector h = Buffers.vector(arena, problem.upperDimension());
      linearization.vjpLambda(v, h);
      assertRelativelyClose(h.toArray(), read(dir, "h.npy"), "h");
    }
  }

  private static Batch assign(Batch batch, int population, double[] rows, int from, int count) {
    int[] indices = new int[count];
    for (int i = 0; i < count; i++) {
      indices[i] = (int) rows[from + i];
    }
    return batch.assign(population, indices);
  }

  @Test
  void timingRunsTheExportedSetUpAndRefusesAnotherLambda(@TempDir Path dir) throws IOException {
    export("equilibrium", dir, "--n", "13", "--d", "7", "--t", "4");
    Map<String, Object> record = PeerReference.time("equilibrium", dir, "simd", 2,
        new PeerReference.Protocol(1, 0, 3));
    assertEquals(1, record.get("warmup_ops"));
    assertEquals(3, ((List<?>) record.get("samples_ms")).size());
    assertTrue((double) record.get("median_ms") > 0);
    assertThrows(IllegalArgumentException.class, () -> PeerReference.time("meta", dir, "simd",
        1, new PeerReference.Protocol(0, 0, 1)), "another workload's export");
    assertThrows(IllegalArgumentException.class, () -> PeerReference.time("equilibrium", dir,
        "scalar", 1, new PeerReference.Protocol(0, 0, 1)), "only simd and openblas");
    double[] lambda = read(dir, "lambda.npy");
    lambda[0] += 1;
    Npy.writeVector(dir.resolve("lambda.npy"), lambda);
    assertThrows(IllegalStateException.class, () -> PeerReference.time("equilibrium", dir,
        "simd", 1, new PeerReference.Protocol(0, 0, 1)));
  }

  @Test
  void unknownSizesAndWorkloadsAreErrors(@TempDir Path dir) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> export("equilibrium", dir, "--tasks", "3"));
    assertTrue(e.getMessage().contains("[n, d, t]"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> export("ridge", dir));
    assertThrows(IllegalArgumentException.class, () -> export("meta", dir, "--rank"));
  }

  @Test
  void medianOfOddAndEvenCounts() {
    assertEquals(2.0, PeerReference.median(new double[] {3, 1, 2}));
    assertEquals(2.5, PeerReference.median(new double[] {4, 1, 3, 2}));
  }
}
