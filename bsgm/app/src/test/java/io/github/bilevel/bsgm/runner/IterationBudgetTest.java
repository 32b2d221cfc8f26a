package io.github.bilevel.bsgm.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.Backends;
import io.github.bilevel.kernels.Buffers;
import io.github.bilevel.kernels.DVector;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A run stays within its sample budget: the up-front check and the in-iteration stop. */
class IterationBudgetTest {

  private final Backend backend = Backends.byName("simd");
  private final PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
  private static final Map<String, String> SMALL = Map.of("d", "20", "m", "4", "samples", "200");

  private static RunSettings settings(String algorithm, long budget, MethodOverrides overrides) {
    return new RunSettings("quadratic", List.of(algorithm), 1, 7, budget, 1_000_000, 5, 20,
        "simd", overrides, SMALL);
  }

  /** {@code samplesPerIteration} against what {@code iterate} reports, iteration by iteration. */
  @ParameterizedTest
  @ValueSource(strings = {"bsgm", "stocbio", "amigo", "alset", "alset-dagger", "bsa", "mrbo",
      "vrbo", "soba", "saba", "srba", "ttsa", "fsla", "sustain", "f2sa", "bome", "aid", "aid-fp",
      "itd"})
  void samplesPerIterationIsWhatAnIterationUses(String algorithm) {
    try (Arena arena = Arena.ofConfined();
        Workload workload = QuadraticWorkload.FACTORY.create(backend, SMALL, 3);
        UpperLevelMethod<?> method = workload.method(algorithm, MethodOverrides.NONE)) {
      check(method, Buffers.vector(arena, workload.upperDimension()), algorithm);
    }
  }

  /** MRBO's {@code --batch} is its {@code b = J}: each oracle's batch, so 8 times the samples. */
  @Test
  void mrboBatchScalesEveryOraclesSamples() {
    try (Arena arena = Arena.ofConfined();
        Workload workload = QuadraticWorkload.FACTORY.create(backend, SMALL, 3);
        UpperLevelMethod<?> one = workload.method("mrbo", MethodOverrides.NONE);
        UpperLevelMethod<?> eight = workload.method("mrbo",
            new MethodOverrides(null, null, null, 8, null))) {
      for (int s = 0; s < 3; s++) {
        assertEquals(8 * one.samplesPerIteration(s), eight.samplesPerIteration(s), "s = " + s);
      }
      check(eight, Buffers.vector(arena, workload.upperDimension()), "mrbo");
    }
  }

  private static <S extends io.github.bilevel.bsgm.AlgorithmState> void check(
      UpperLevelMethod<S> method, DVector lambda, String algorithm) {
    S state = method.init(lambda);
    SplittableRandom random = new SplittableRandom(11);
    for (int s = 0; s < 23; s++) {              // VRBO's period 10: two large-batch steps
      long predicted = method.samplesPerIteration(s);
      long used = method.iterate(state, lambda, random);
      if (algorithm.equals("bsa")) {            // a random number of Neumann terms, at most k
        assertTrue(used <= predicted && used > 0, s + ": " + used + " > " + predicted);
      } else if (algorithm.equals("ttsa")       // p ~ U{0, …, Q−1} Neumann products of b = 32
          || algorithm.equals("sustain")) {     // (SUSTAIN's at one or two points)
        assertTrue(used <= predicted && used > 0 && (predicted - used) % 32 == 0,
            s + ": " + used + " vs " + predicted);
      } else if (algorithm.equals("saba")) {    // b = J = 32 cut 200 samples: a last block of 8
        assertTrue(used == predicted || used == predicted - 24 || used == predicted - 48,
            s + ": " + used + " vs " + predicted);
      } else {
        assertEquals(predicted, used, algorithm + " iteration " + s);
      }
    }
  }

  /**
   * One iteration of 150 000 LL steps fits a budget of 200 000; the second reaches the budget
   * inside its LL loop and is abandoned (before: it ran to about 300 000 samples).
   */
  @ParameterizedTest
  @ValueSource(strings = {"bsgm", "stocbio", "amigo"})
  void anIterationThatReachesTheBudgetInsideItsLoopsIsAbandoned(String algorithm,
      @TempDir Path temp) {
    long budget = 200_000;
    MethodOverrides overrides = new MethodOverrides(null, 150_000, 10, null);
    List<Metrics.Row> rows = assertTimeoutPreemptively(Duration.ofSeconds(60),
        () -> ExperimentRunner.start(QuadraticWorkload.FACTORY,
            settings(algorithm, budget, overrides), backend, temp.resolve("run"), quiet).run());
    Metrics.Row last = rows.get(rows.size() - 1);
    assertEquals(1, last.iteration(), "λ is that of the one completed iteration");
    // at most one KM step (b = 1) and the two upper batches (J = 32) past the budget
    assertTrue(last.samples() >= budget && last.samples() <= budget + 1 + 2 * 32,
        "samples " + last.samples());
    // resuming the finished run adds nothing
    List<Metrics.Row> resumed = ExperimentRunner.resume(QuadraticWorkload.FACTORY, backend,
        temp.resolve("run"), quiet).run();
    assertEquals(rows.size(), resumed.size());
  }

  @Test
  void anOrdinaryRunStopsWithinOneStepOfItsBudget(@TempDir Path temp) {
    long budget = 7_777;
    List<Metrics.Row> rows = ExperimentRunner.start(QuadraticWorkload.FACTORY,
        settings("bsgm", budget, new MethodOverrides(null, 40, 40, 8)), backend,
        temp.resolve("run"), quiet).run();
    long used = rows.get(rows.size() - 1).samples();
    // an iteration is (40 + 40)·1 + 2·8 = 96 samples; the run stops inside the one that
    // reaches the budget, at most one step and the two upper batches past it
    assertTrue(used >= budget && used <= budget + 1 + 2 * 8, "samples " + used);
  }

  @Test
  void aFirstIterationOverTheBudgetIsRefusedBeforeAnyWork(@TempDir Path temp) {
    Path run = temp.resolve("run");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ExperimentRunner.start(QuadraticWorkload.FACTORY, settings("bsgm", 20_000,
            new MethodOverrides(null, Integer.MAX_VALUE, null, null)), backend, run, quiet));
    String message = e.getMessage();
    assertTrue(message.contains("--t 2147483647") && message.contains("--budget 20000")
        && message.contains((Integer.MAX_VALUE + 10L) + 2 * 32 + " samples per iteration"),
        message);
    assertFalse(Files.exists(run.resolve("run.json")), "nothing written");
    // the workload's defaults, too: bsgm's theorem-16 schedule at iteration 0 needs more than 5
    IllegalArgumentException defaults = assertThrows(IllegalArgumentException.class,
        () -> ExperimentRunner.start(QuadraticWorkload.FACTORY,
            settings("vrbo", 5, MethodOverrides.NONE), backend, temp.resolve("v"), quiet));
    assertTrue(defaults.getMessage().startsWith("vrbo with the workload's default"),
        defaults.getMessage());
  }

  @Test
  void theStopCheckNeitherOverflowsNorStopsEarly() {
    IterationBudget stop = IterationBudget.stopCheck(Long.MAX_VALUE);
    stop.startIteration(Long.MAX_VALUE - 10);
    assertFalse(stop.shouldStop(9));
    assertTrue(stop.shouldStop(10));
    assertTrue(stop.shouldStop(Long.MAX_VALUE));     // no wrap to a negative sum
    IterationBudget small = IterationBudget.stopCheck(100);
    small.startIteration(0);
    assertFalse(small.shouldStop(99));
    assertTrue(small.shouldStop(100));
  }
}
