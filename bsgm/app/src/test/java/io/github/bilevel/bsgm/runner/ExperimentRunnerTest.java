package io.github.bilevel.bsgm.runner;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.bsgm.BackendMemoryBackend;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.Backends;
import io.github.bilevel.kernels.Buffers;
import io.github.bilevel.kernels.DVector;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The experiment runner: outputs, resume equals uninterrupted, bad input. */
class ExperimentRunnerTest {

  private final Backend backend = Backends.byName("simd");
  private final PrintStream quiet = new PrintStream(new ByteArrayOutputStream());

  private static RunSettings settings(long budget) {
    return settings("bsgm", budget);
  }

  static RunSettings settings(String algorithm, long budget) {
    return new RunSettings("quadratic", List.of(algorithm), 2, 7, budget, 1_000_000, 5, 20,
        "simd", MethodOverrides.NONE, Map.of("d", "20", "m", "4", "samples", "200"));
  }

  /** The quadratic workload, failing in an evaluation after {@code failAt} iterations. */
  static WorkloadFactory failingAfter(int failAt) {
    WorkloadFactory quadratic = QuadraticWorkload.FACTORY;
    return new WorkloadFactory() {
      @Override
      public String name() {
        return quadratic.name();
      }

      @Override
      public String description() {
        return quadratic.description();
      }

      @Override
      public List<String> algorithms() {
        return quadratic.algorithms();
      }

      @Override
      public Workload create(Backend backend, Map<String, String> options, long seed) {
        Workload inner = quadratic.create(backend, options, seed);
        return new Workload() {
          private int evaluations;

          @Override
          public int upperDimension() {
            return inner.upperDimension();
          }

          @Override
          public void initialLambda(DVector out) {
            inner.initialLambda(out);
          }

          @Override
          public UpperLevelMethod<?> method(String algorithm, MethodOverrides overrides) {
            return inner.method(algorithm, overrides);
          }

          @Override
          public Map<String, Double> evaluate(DVector lambda, boolean last) {
            // evaluations happen at iterations 0, 5, 10, ...
            if (seed == 8 && 5 * evaluations++ > failAt) {
              throw new IllegalStateException("simulated crash");
            }
            return inner.evaluate(lambda, last);
          }

          @Override
          public Map<String, Object> configuration() {
            return inner.configuration();
          }

          @Override
          public void close() {
            inner.close();
          }
        };
      }
    };
  }

  private static double[] finalLambda(Path directory, String algorithm, long seed) {
    try (Arena arena = Arena.ofConfined();
        Workload workload = QuadraticWorkload.FACTORY.create(Backends.byName("simd"),
            settings(algorithm, 1).options(), seed);
        UpperLevelMethod<?> method = workload.method(algorithm, MethodOverrides.NONE)) {
      DVector lambda = Buffers.vector(arena, 4);
      Checkpoint.read(directory.resolve("checkpoints")
          .resolve(algorithm + "-seed" + seed + ".ckpt"), lambda, method.init(lambda));
      return lambda.toArray();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"bsgm", "amigo", "mrbo", "vrbo", "soba", "saba", "srba", "ttsa",
      "fsla", "sustain", "f2sa", "bome", "aid", "itd"})
  void aResumedRunEqualsAnUninterruptedOne(String algorithm, @TempDir Path temp)
      throws IOException {
    Path whole = temp.resolve("whole");
    Path broken = temp.resolve("broken");
    long budget = switch (algorithm) {
      case "bsgm" -> 60_000;
      case "vrbo" -> 80_000;
      case "aid", "itd" -> 400_000;     // full data every iteration: ~4 400 samples each
      case "sustain", "f2sa" -> 120_000;  // Neumann products, T inner steps: ~700-1 100 each
      case "bome" -> 60_000;           // T + 2 lower batches: ~420 each
      default -> 20_000;
    };
    List<Metrics.Row> expected = ExperimentRunner.start(QuadraticWorkload.FACTORY,
        settings(algorithm, budget), backend, whole, quiet).run();
    assertThrows(IllegalStateException.class, () -> ExperimentRunner.start(failingAfter(47),
        settings(algorithm, budget), backend, broken, quiet).run());
    List<Metrics.Row> resumed = ExperimentRunner.resume(QuadraticWorkload.FACTORY, backend,
        broken, quiet).run();
    assertTrue(expected.get(expected.size() - 1).iteration() > 60, "the crash must come early");
    assertEquals(expected.size(), resumed.size());
    for (int i = 0; i < expected.size(); i++) {
      Metrics.Row a = expected.get(i);
      Metrics.Row b = resumed.get(i);
      assertEquals(a.algorithm() + a.seed() + "/" + a.iteration() + "/" + a.samples(),
          b.algorithm() + b.seed() + "/" + b.iteration() + "/" + b.samples());
      assertArrayEquals(a.values(), b.values(), 0.0, "row " + i);
    }
    for (long seed : new long[] {7, 8}) {
      assertArrayEquals(finalLambda(whole, algorithm, seed), finalLambda(broken, algorithm, seed),
          0.0);
    }
    // the two seeds draw different samples (VRBO's large batches and SRBA's recomputations cover
    // the whole population here, and the quadratic's additive noise cancels in their two-point
    // corrections: they are deterministic on this instance; AID and ITD read the full data)
    if (!List.of("vrbo", "srba", "aid", "itd").contains(algorithm)) {
      assertNotEquals(finalLambda(whole, algorithm, 7)[0], finalLambda(whole, algorithm, 8)[0]);
    }
    // the files
    assertEquals(Metrics.read(whole.resolve("metrics.csv")).size(), expected.size());
    String summary = Files.readString(whole.resolve("summary.json"));
    assertTrue(summary.contains("\"final\"") && summary.contains("\"backend\""), summary);
    assertTrue(ImageIO.read(whole.resolve("plots/stationarity-vs-samples.png").toFile())
        .getWidth() > 100);
    assertTrue(Files.readString(whole.resolve("plots/stationarity-vs-seconds.svg"))
        .contains("<svg"));
  }

  @Test
  void bsgmDrivesTheExactStationarityDown(@TempDir Path temp) {
    List<Metrics.Row> rows = ExperimentRunner.start(QuadraticWorkload.FACTORY,
        settings(100_000), backend, temp.resolve("run"), quiet).run();
    for (long seed : new long[] {7, 8}) {
      List<Metrics.Row> mine = rows.stream().filter(r -> r.seed() == seed).toList();
      double first = mine.get(0).value("stationarity");
      double last = mine.get(mine.size() - 1).value("stationarity");
      assertTrue(last < 0.2 * first, "seed " + seed + ": " + first + " -> " + last);
      assertTrue(mine.get(mine.size() - 1).samples() >= 100_000);
    }
  }

  @Test
  void badRunsAreRefusedWithAReason(@TempDir Path temp) {
    Path run = temp.resolve("run");
    ExperimentRunner.start(QuadraticWorkload.FACTORY, settings(2_000), backend, run, quiet).run();
    IllegalArgumentException again = assertThrows(IllegalArgumentException.class,
        () -> ExperimentRunner.start(QuadraticWorkload.FACTORY, settings(2_000), backend, run,
            quiet));
    assertTrue(again.getMessage().contains("--resume"), again.getMessage());
    IllegalArgumentException noRun = assertThrows(IllegalArgumentException.class,
        () -> ExperimentRunner.resume(QuadraticWorkload.FACTORY, backend, temp.resolve("x"),
            quiet));
    assertTrue(noRun.getMessage().contains("run.json"), noRun.getMessage());
    RunSettings unknown = new RunSettings("quadratic", List.of("nope"), 1, 0, 10, 10, 1, 1,
        "simd", MethodOverrides.NONE, Map.of());
    IllegalArgumentException algorithm = assertThrows(IllegalArgumentException.class,
        () -> ExperimentRunner.start(QuadraticWorkload.FACTORY, unknown, backend,
            temp.resolve("y"), quiet));
    assertTrue(algorithm.getMessage().contains("nope"), algorithm.getMessage());
    RunSettings badOption = new RunSettings("quadratic", List.of("bsgm"), 1, 0, 10, 10, 1, 1,
        "simd", MethodOverrides.NONE, Map.of("dd", "3"));
    IllegalArgumentException option = assertThrows(IllegalArgumentException.class,
        () -> ExperimentRunner.start(QuadraticWorkload.FACTORY, badOption, backend,
            temp.resolve("z"), quiet).run());
    assertTrue(option.getMessage().contains("'dd'"), option.getMessage());
  }

  @Test
  void aTruncatedCheckpointIsAnErrorNamingTheFile(@TempDir Path temp) throws IOException {
    Path run = temp.resolve("run");
    ExperimentRunner.start(QuadraticWorkload.FACTORY, settings(2_000), backend, run, quiet).run();
    Path file = run.resolve("checkpoints/bsgm-seed7.ckpt");
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 5));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ExperimentRunner.resume(QuadraticWorkload.FACTORY, backend, run, quiet).run());
    assertTrue(e.getMessage().contains("bsgm-seed7.ckpt") && e.getMessage().contains("truncated"),
        e.getMessage());
  }

  @Test
  void comparisonTableHasOneLinePerAlgorithmAndRun(@TempDir Path temp) {
    Path a = temp.resolve("a");
    Path b = temp.resolve("b");
    ExperimentRunner.start(QuadraticWorkload.FACTORY, settings(2_000), backend, a, quiet).run();
    ExperimentRunner.start(QuadraticWorkload.FACTORY, settings(4_000), backend, b, quiet).run();
    String table = new RunComparison(List.of(a, b)).table();
    assertTrue(table.contains("| bsgm@a | 2 |") && table.contains("| bsgm@b | 2 |"), table);
    assertTrue(table.contains("warm-start memory"), table);
  }

  @Test
  void everyBufferOfAQuadraticRunIsBackendMemoryAndTheRowsAreTheScalarBackends(
      @TempDir Path temp) {
    RunSettings settings = new RunSettings("quadratic", Algorithms.ALL, 1, 7, 3_000, 1_000_000,
        5, 20, "scalar", MethodOverrides.NONE, Map.of("d", "8", "m", "3", "samples", "50"));
    BackendMemoryBackend strict = new BackendMemoryBackend();
    List<Metrics.Row> checked = ExperimentRunner.start(QuadraticWorkload.FACTORY, settings,
        strict, temp.resolve("strict"), quiet).run();
    List<Metrics.Row> plain = ExperimentRunner.start(QuadraticWorkload.FACTORY, settings,
        Backends.byName("scalar"), temp.resolve("plain"), quiet).run();
    assertTrue(strict.allocations() > 10, "allocations: " + strict.allocations());
    assertEquals(plain.size(), checked.size());
    for (int i = 0; i < plain.size(); i++) {
      assertEquals(plain.get(i).algorithm() + plain.get(i).iteration(),
          checked.get(i).algorithm() + checked.get(i).iteration());
      assertArrayEquals(plain.get(i).values(), checked.get(i).values(), 0.0, "row " + i);
    }
  }
}
