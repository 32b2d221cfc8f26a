package io.github.bilevel.bsgm.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.bsgm.data.Dataset;
import io.github.bilevel.bsgm.io.Npy;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.Backends;
import io.github.bilevel.kernels.Buffers;
import io.github.bilevel.kernels.DMatrix;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The classification workloads on user data in {@code .npy} files, through the runner: a run on
 * a directory of files gives exactly the metrics of the same run on the same sets given in
 * memory, and a bad file stops the workload with its name.
 */
class NpyDataWorkloadsTest {

  private static final int P = 6;
  private static final int CLASSES = 3;
  private static final Arena ARENA = Arena.ofShared();

  private final Backend backend = Backends.byName("simd");
  private final PrintStream quiet = new PrintStream(new ByteArrayOutputStream());

  @AfterAll
  static void free() {
    ARENA.close();
  }

  private static Dataset images(int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    DMatrix x = Buffers.matrix(ARENA, n, P);
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = i % CLASSES;
      for (int j = 0; j < P; j++) {
        x.set(i, j, (j % CLASSES == y[i] ? 0.65 : 0.35) + 0.25 * random.nextGaussian());
      }
    }
    return new Dataset(x, y, CLASSES);
  }

  private static void write(Path dir, String part, Dataset data) throws IOException {
    Npy.writeMatrix(dir.resolve(part + "-x.npy"), data.features().toArray(), data.size(), P);
    double[] y = new double[data.size()];
    for (int i = 0; i < y.length; i++) {
      y[i] = data.label(i);
    }
    Npy.writeVector(dir.resolve(part + "-y.npy"), y);
  }

  private static final Map<String, String> CLEANING = Map.of("n_train", "60", "n_val", "30",
      "n_test", "45", "rate", "0.4", "reg", "0.01", "t", "5", "k", "5", "J", "10",
      "lower_batch", "8", "retrain_iters", "200");

  private List<Metrics.Row> run(WorkloadFactory factory, Map<String, String> options,
      Path directory) {
    RunSettings settings = new RunSettings(factory.name(), List.of("bsgm", "stocbio"), 1, 3, 600,
        1_000_000, 5, 50, "simd", MethodOverrides.NONE, options);
    return ExperimentRunner.start(factory, settings, backend, directory, quiet).run();
  }

  @Test
  void cleaningOnNpyFilesMatchesTheSameSetsInMemory(@TempDir Path data, @TempDir Path out1,
      @TempDir Path out2) throws IOException {
    Dataset pool = images(120, 1);
    Dataset test = images(60, 2);
    write(data, "train", pool);
    write(data, "test", test);
    Map<String, String> options = new HashMap<>(CLEANING);
    options.put("data", data.toString());
    List<Metrics.Row> fromFiles = run(CleaningWorkload.FACTORY, options, out1);
    List<Metrics.Row> inMemory = run(
        CleaningWorkload.factory(ClassificationData.of("cleaning", pool, test)), CLEANING, out2);
    assertEquals(inMemory.size(), fromFiles.size());
    assertTrue(fromFiles.size() >= 4, "only " + fromFiles.size() + " evaluations");
    for (int r = 0; r < inMemory.size(); r++) {
      Metrics.Row a = fromFiles.get(r);
      Metrics.Row b = inMemory.get(r);
      assertEquals(b.algorithm(), a.algorithm());
      assertEquals(b.iteration(), a.iteration());
      for (String name : List.of("ul_objective", "val_accuracy", "test_accuracy")) {
        double v = a.value(name);
        assertEquals(Double.doubleToLongBits(b.value(name)), Double.doubleToLongBits(v),
            name + " at row " + r + ": " + v + " vs " + b.value(name));
      }
      assertTrue(Double.isFinite(a.value("ul_objective")), "row " + r);
    }
  }

  @Test
  void aBadFileStopsTheWorkloadWithItsName(@TempDir Path data) throws IOException {
    write(data, "train", images(120, 1));
    write(data, "test", images(60, 2));
    double[] y = new double[60];
    y[17] = 0.5;
    Npy.writeVector(data.resolve("test-y.npy"), y);
    UncheckedIOException e = assertThrows(UncheckedIOException.class,
        () -> PoisoningWorkload.FACTORY.create(backend, Map.of("data", data.toString()), 0));
    assertTrue(e.getMessage().contains("cannot read the .npy data from " + data),
        e.getMessage());
    assertTrue(e.getMessage().contains("test-y.npy has label 0.5 at index 17"),
        e.getMessage());
  }
}
