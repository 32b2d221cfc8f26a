package io.github.bilevel.bsgm.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import io.github.bilevel.bsgm.BackendMemoryBackend;
import io.github.bilevel.bsgm.data.Dataset;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.Backends;
import io.github.bilevel.kernels.Buffers;
import io.github.bilevel.kernels.DMatrix;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The poisoning and hyper-cleaning workloads end to end through the runner, on small synthetic
 * images (so the tests run without Fashion-MNIST): finite metrics for every algorithm, the
 * attack raises the validation loss and does not help the retrained classifier, cleaning lowers
 * it and flags corrupted labels, bad options are named.
 */
class ClassificationWorkloadsTest {

  private static final int P = 8;
  private static final int CLASSES = 3;
  private static final Arena ARENA = Arena.ofShared();
  private static final Dataset POOL = images(300, 1);
  private static final Dataset TEST = images(150, 2);

  private final Backend backend = Backends.byName("simd");
  private final PrintStream quiet = new PrintStream(new ByteArrayOutputStream());

  @AfterAll
  static void free() {
    ARENA.close();
  }

  /** Pixels in [0, 1]: a class-dependent mean plus noise, clipped; overlapping classes. */
  private static Dataset images(int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    DMatrix x = Buffers.matrix(ARENA, n, P);
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = i % CLASSES;
      for (int j = 0; j < P; j++) {
        double mean = j % CLASSES == y[i] ? 0.65 : 0.35;
        x.set(i, j, Math.min(1, Math.max(0, mean + 0.25 * random.nextGaussian())));
      }
    }
    return new Dataset(x, y, CLASSES);
  }

  private static final Map<String, String> POISONING = Map.of("n_train", "60", "n_poison", "30",
      "n_val", "60", "n_test", "90", "radius", "1", "reg", "0.01", "t", "10", "k", "10", "J",
      "20", "lower_batch", "8");

  private static final Map<String, String> CLEANING = Map.of("n_train", "90", "n_val", "60",
      "n_test", "90", "rate", "0.4", "reg", "0.01", "t", "10", "k", "10", "J", "20",
      "lower_batch", "8");

  private static WorkloadFactory poisoning() {
    return PoisoningWorkload.factory(ClassificationData.of("poisoning", POOL, TEST));
  }

  private static WorkloadFactory cleaning() {
    return CleaningWorkload.factory(ClassificationData.of("cleaning", POOL, TEST));
  }

  private List<Metrics.Row> run(WorkloadFactory factory, List<String> algorithms, long budget,
      int evaluateEvery, Map<String, String> options, Path directory) {
    RunSettings settings = new RunSettings(factory.name(), algorithms, 1, 3, budget,
        1_000_000, evaluateEvery, 50, "simd", MethodOverrides.NONE, options);
    return ExperimentRunner.start(factory, settings, backend, directory, quiet).run();
  }

  private static JsonObject configuration(Path directory) throws IOException {
    return new Gson().fromJson(Files.readString(directory.resolve("summary.json")),
        JsonObject.class).getAsJsonObject("configuration");
  }

  private static void assertFinite(List<Metrics.Row> rows, String... names) {
    for (Metrics.Row row : rows) {
      for (String name : names) {
        double v = row.value(name);
        assertTrue(Double.isFinite(v), row.algorithm() + " " + name + " at iteration "
            + row.iteration() + " is " + v);
      }
    }
  }

  /**
   * Every algorithm's rows, in order, with at least two evaluations and the last retrained (the
   * classifiers have no argmin form: F2SA and BOME are not theirs).
   */
  private static void assertEveryAlgorithmFinite(List<Metrics.Row> rows) {
    for (String algorithm : Algorithms.CONTRACTION.names()) {
      List<Metrics.Row> own = rows.stream().filter(r -> r.algorithm().equals(algorithm))
          .toList();
      assertTrue(own.size() >= 2, algorithm + " has " + own.size() + " evaluations");
      assertFinite(own, "ul_objective", "val_accuracy");
      assertFinite(own.subList(own.size() - 1, own.size()), "test_accuracy");
    }
  }

  @Test
  void poisoningGivesFiniteMetricsForEveryAlgorithm(@TempDir Path directory) {
    assertEveryAlgorithmFinite(run(poisoning(), Algorithms.CONTRACTION.names(), 3_000, 5, POISONING,
        directory));
  }

  @Test
  void cleaningGivesFiniteMetricsForEveryAlgorithm(@TempDir Path directory) {
    assertEveryAlgorithmFinite(run(cleaning(), Algorithms.CONTRACTION.names(), 3_000, 5, CLEANING,
        directory));
  }

  @Test
  void theAttackRaisesTheValidationLossAndDoesNotHelpTheRetrainedClassifier(
      @TempDir Path directory) throws IOException {
    Map<String, String> options = new HashMap<>(POISONING);
    options.put("alpha", "1e4");
    List<Metrics.Row> rows = run(poisoning(), List.of("bsgm"), 10_000, 1000, options,
        directory);
    Metrics.Row first = rows.getFirst();
    Metrics.Row last = rows.getLast();
    // ul_objective = −CE(validation): the attacker pushes it down
    assertTrue(last.value("ul_objective") < first.value("ul_objective") - 0.01,
        first.value("ul_objective") + " -> " + last.value("ul_objective"));
    JsonObject config = configuration(directory);
    double clean = config.get("clean_test_accuracy").getAsDouble();
    double poisoned = last.value("test_accuracy");
    assertEquals(config.get("poisoned_test_accuracy").getAsDouble(), poisoned);
    assertTrue(clean > 1.0 / CLASSES + 0.2, "the clean classifier learned nothing: " + clean);
    // 90 test rows: allow two of them as noise
    assertTrue(poisoned <= clean + 2.0 / 90, clean + " -> " + poisoned);
  }

  @Test
  void cleaningLowersTheValidationLossAndFlagsCorruptedLabels(@TempDir Path directory)
      throws IOException {
    List<Metrics.Row> rows = run(cleaning(), List.of("bsgm"), 20_000, 1000, CLEANING,
        directory);
    Metrics.Row first = rows.getFirst();
    Metrics.Row last = rows.getLast();
    assertTrue(last.value("ul_objective") < first.value("ul_objective") - 0.01,
        first.value("ul_objective") + " -> " + last.value("ul_objective"));
    JsonObject config = configuration(directory);
    assertEquals(36, config.get("corrupted").getAsInt());   // round(0.4 · 90)
    double flagged = config.get("corrupted_flagged").getAsDouble();
    double kept = config.get("clean_kept").getAsDouble();
    // better than chance at telling corrupted from clean labels
    assertTrue(flagged + kept > 1.1, "flagged " + flagged + ", kept " + kept);
  }

  @Test
  void theInstanceIsTheSameForEverySeed() {
    try (Workload a = poisoning().create(backend, POISONING, 1);
        Workload b = poisoning().create(backend, POISONING, 2)) {
      assertEquals(a.configuration().get("clean_test_accuracy"),
          b.configuration().get("clean_test_accuracy"));
      assertEquals(((PoisoningWorkload) a).problem().lipschitzBound(),
          ((PoisoningWorkload) b).problem().lipschitzBound());
    }
  }

  @Test
  void badOptionsAreNamed() {
    Map<String, String> bad = new HashMap<>(POISONING);
    bad.put("n_poison", "many");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> poisoning().create(backend, bad, 0));
    assertTrue(e.getMessage().contains("n_poison=many"), e.getMessage());
    Map<String, String> unknown = new HashMap<>(CLEANING);
    unknown.put("ratee", "0.3");
    e = assertThrows(IllegalArgumentException.class, () -> cleaning().create(backend, unknown,
        0));
    assertTrue(e.getMessage().contains("'ratee'"), e.getMessage());
    Map<String, String> rate = new HashMap<>(CLEANING);
    rate.put("rate", "1.5");
    e = assertThrows(IllegalArgumentException.class, () -> cleaning().create(backend, rate, 0));
    assertTrue(e.getMessage().contains("rate=1.5"), e.getMessage());
    Map<String, String> big = new HashMap<>(POISONING);
    big.put("n_train", "100000");
    e = assertThrows(IllegalArgumentException.class, () -> poisoning().create(backend, big, 0));
    assertTrue(e.getMessage().contains("n_train"), e.getMessage());
    UncheckedIOException missing = assertThrows(UncheckedIOException.class,
        () -> PoisoningWorkload.FACTORY.create(backend, Map.of("data", "/nonexistent/fm"), 0));
    assertTrue(missing.getMessage().contains("/nonexistent/fm"), missing.getMessage());
  }

  @Test
  void bothAreRegistered() {
    assertEquals(PoisoningWorkload.FACTORY, Workloads.byName("poisoning"));
    assertEquals(CleaningWorkload.FACTORY, Workloads.byName("cleaning"));
  }

  @Test
  void everyBufferOfAPoisoningAndACleaningRunIsBackendMemory(@TempDir Path directory) {
    for (WorkloadFactory factory : List.of(poisoning(), cleaning())) {
      BackendMemoryBackend strict = new BackendMemoryBackend();
      RunSettings settings = new RunSettings(factory.name(), List.of("bsgm", "mrbo"), 1, 3,
          600, 1_000_000, 5, 50, "scalar", MethodOverrides.NONE,
          factory.name().equals(poisoning().name()) ? POISONING : CLEANING);
      List<Metrics.Row> rows = ExperimentRunner.start(factory, settings, strict,
          directory.resolve(factory.name()), quiet).run();
      assertFinite(rows, "ul_objective", "val_accuracy");
      assertTrue(strict.allocations() > 10, "allocations: " + strict.allocations());
    }
  }
}
