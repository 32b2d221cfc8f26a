package io.github.bilevel.bsgm.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.bsgm.AlgorithmState;
import io.github.bilevel.bsgm.BilevelProblem;
import io.github.bilevel.bsgm.IterationSchedule;
import io.github.bilevel.bsgm.StepSchedule;
import io.github.bilevel.bsgm.cli.Main;
import io.github.bilevel.bsgm.problems.QuadraticProblem;
import io.github.bilevel.bsgm.runner.MethodOverrides.Setting;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.Backends;
import io.github.bilevel.kernels.DVector;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.foreign.Arena;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry: every algorithm × override is accepted exactly when the algorithm reads the
 * setting (an accepted override changes the trajectory, a rejected one would not), and a rejected
 * one is an error naming the algorithm, the flag and what it uses.
 */
class AlgorithmsTest {

  private static final Backend BACKEND = Backends.byName("simd");

  /** Every setting but the single-loop methods' {@code ρ}. */
  private static final Set<Setting> FOUR = EnumSet.of(Setting.ALPHA, Setting.T, Setting.K,
      Setting.BATCH);

  /** The settings each algorithm reads, written out independently of the registry. */
  private static final Map<String, Set<Setting>> READS = Map.ofEntries(
      Map.entry("bsgm", FOUR),
      Map.entry("stocbio", FOUR),
      Map.entry("amigo", FOUR),
      Map.entry("alset", EnumSet.of(Setting.ALPHA, Setting.K)),
      Map.entry("alset-dagger", EnumSet.of(Setting.ALPHA)),
      Map.entry("bsa", EnumSet.of(Setting.ALPHA)),
      Map.entry("mrbo", EnumSet.of(Setting.K, Setting.BATCH)),
      Map.entry("vrbo", EnumSet.of(Setting.K)),
      Map.entry("soba", EnumSet.of(Setting.ALPHA, Setting.BATCH, Setting.RHO)),
      Map.entry("saba", EnumSet.of(Setting.ALPHA, Setting.BATCH, Setting.RHO)),
      Map.entry("srba", EnumSet.of(Setting.ALPHA, Setting.BATCH, Setting.RHO)),
      Map.entry("ttsa", EnumSet.of(Setting.ALPHA, Setting.BATCH, Setting.K, Setting.RHO)),
      Map.entry("fsla", EnumSet.of(Setting.ALPHA, Setting.BATCH, Setting.RHO)),
      Map.entry("sustain", EnumSet.of(Setting.ALPHA, Setting.BATCH, Setting.K, Setting.RHO)),
      Map.entry("f2sa", EnumSet.of(Setting.ALPHA, Setting.BATCH, Setting.T, Setting.RHO)),
      Map.entry("bome", EnumSet.of(Setting.ALPHA, Setting.BATCH, Setting.T, Setting.RHO)),
      Map.entry("aid", EnumSet.of(Setting.ALPHA, Setting.T, Setting.K)),
      Map.entry("aid-fp", EnumSet.of(Setting.ALPHA, Setting.T, Setting.K)),
      Map.entry("itd", EnumSet.of(Setting.ALPHA, Setting.T)));

  private static final Algorithms.Defaults DEFAULTS = new Algorithms.Defaults(0.2, 10, 10, 32,
      IterationSchedule.theorem16(), StepSchedule.decreasing(2.0, 2.0), 0.5);

  /** An override of {@code setting} alone, to a value other than its default. */
  private static MethodOverrides only(Setting setting) {
    return switch (setting) {
      case ALPHA -> new MethodOverrides(0.05, null, null, null);
      case T -> new MethodOverrides(null, 3, null, null);
      case K -> new MethodOverrides(null, null, 3, null);
      case BATCH -> new MethodOverrides(null, null, null, 5);
      case RHO -> new MethodOverrides(null, null, null, null, 0.07);
    };
  }

  /** λ after 12 iterations of {@code method} from 0 with a fixed generator. */
  private static <S extends AlgorithmState> double[] trajectory(UpperLevelMethod<S> method) {
    try (Arena arena = Arena.ofShared(); method) {
      DVector lambda = BACKEND.vector(arena, 3);
      S state = method.init(lambda);
      SplittableRandom random = new SplittableRandom(11);
      for (int s = 0; s < 12; s++) {
        method.iterate(state, lambda, random);
      }
      return lambda.toArray();
    }
  }

  @Test
  void theRegistryListsEveryAlgorithmWithWhatItReads() {
    assertEquals(List.of("bsgm", "stocbio", "amigo", "alset", "alset-dagger", "bsa", "mrbo",
        "vrbo", "soba", "saba", "srba", "ttsa", "fsla", "sustain", "f2sa", "bome", "aid",
        "aid-fp", "itd"), Algorithms.ALL);
    for (AlgorithmRegistry.Entry<?, ?> entry : Algorithms.BILEVEL.entries()) {
      assertEquals(READS.get(entry.name()), entry.uses(), entry.name());
      assertFalse(entry.description().isBlank(), entry.name());
    }
    assertEquals(SeparableMethod.NAMES, Algorithms.SEPARABLE.names());
    for (AlgorithmRegistry.Entry<?, ?> entry : Algorithms.SEPARABLE.entries()) {
      assertEquals(FOUR, entry.uses(), entry.name());
    }
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
        () -> Algorithms.BILEVEL.entry("sgd"));
    assertTrue(unknown.getMessage().contains("'sgd'") && unknown.getMessage().contains("vrbo"),
        unknown.getMessage());
  }

  /**
   * F2SA and BOME need the argmin form: on a problem that offers only the contraction (the
   * quadratic seen through {@link BilevelProblem} alone) the registry's create refuses them
   * naming the method and what is missing, and the registry of such workloads omits them.
   */
  @Test
  void theArgminFormMethodsRefuseAProblemWithoutItAndContractionWorkloadsOmitThem() {
    try (QuadraticProblem problem = new QuadraticProblem(BACKEND, 6, 3, 1.0, 2.0, 64, 0.5, 5L)) {
      BilevelProblem contraction = (BilevelProblem) Proxy.newProxyInstance(
          BilevelProblem.class.getClassLoader(), new Class<?>[] {BilevelProblem.class},
          (proxy, method, args) -> method.invoke(problem, args));
      for (String name : Algorithms.ARGMIN_FORM) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> Algorithms.create(name, contraction, DEFAULTS, MethodOverrides.NONE));
        assertTrue(e.getMessage().startsWith(name.toUpperCase(java.util.Locale.ROOT))
            && e.getMessage().contains("argmin form")
            && e.getMessage().contains("LowerObjective"), e.getMessage());
        Algorithms.create(name, problem, DEFAULTS, MethodOverrides.NONE).close();
        assertFalse(Algorithms.CONTRACTION.names().contains(name), name);
        assertFalse(PoisoningWorkload.FACTORY.algorithms().contains(name), name);
        assertTrue(QuadraticWorkload.FACTORY.algorithms().contains(name), name);
      }
      List<String> rest = new java.util.ArrayList<>(Algorithms.ALL);
      rest.removeAll(Algorithms.ARGMIN_FORM);
      assertEquals(rest, Algorithms.CONTRACTION.names());
      assertEquals(rest, CleaningWorkload.FACTORY.algorithms());
    }
  }

  /**
   * Every algorithm × setting: an override the algorithm reads changes its trajectory; one it
   * does not read would leave it bit for bit unchanged (checked by calling the factory past the
   * registry's check), so rejecting it loses nothing.
   */
  @Test
  void anOverrideIsAcceptedExactlyWhenItChangesTheTrajectory() {
    try (QuadraticProblem problem = new QuadraticProblem(BACKEND, 6, 3, 1.0, 2.0, 64, 0.5, 5L)) {
      for (AlgorithmRegistry.Entry<io.github.bilevel.bsgm.BilevelProblem, Algorithms.Defaults>
          entry : Algorithms.BILEVEL.entries()) {
        double[] plain = trajectory(entry.factory().create(problem, DEFAULTS,
            MethodOverrides.NONE));
        for (Setting setting : Setting.values()) {
          double[] changed = trajectory(entry.factory().create(problem, DEFAULTS,
              only(setting)));
          String what = entry.name() + " with " + setting.flag();
          if (READS.get(entry.name()).contains(setting)) {
            assertFalse(Arrays.equals(plain, changed), what + " must change the trajectory");
            entry.check(only(setting));
          } else {
            assertTrue(Arrays.equals(plain, changed), what + " must not change it");
            assertThrows(IllegalArgumentException.class, () -> entry.check(only(setting)),
                what);
          }
        }
      }
    }
  }

  @Test
  void mrboAndVrboRejectWhatTheyDoNotReadNamingWhatTheyUse() {
    for (Setting setting : List.of(Setting.ALPHA, Setting.T, Setting.BATCH)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> Algorithms.BILEVEL.entry("vrbo").check(only(setting)));
      assertEquals("vrbo does not use " + setting.flag() + " (it uses: --k)", e.getMessage());
    }
    for (Setting setting : List.of(Setting.ALPHA, Setting.T)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> Algorithms.BILEVEL.entry("mrbo").check(only(setting)));
      assertEquals("mrbo does not use " + setting.flag() + " (it uses: --k, --batch)",
          e.getMessage());
    }
  }

  @Test
  void alsetRejectsTAndBatch() {
    for (Setting setting : List.of(Setting.T, Setting.BATCH)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> Algorithms.BILEVEL.entry("alset").check(only(setting)));
      assertEquals("alset does not use " + setting.flag() + " (it uses: --alpha, --k)",
          e.getMessage());
    }
  }

  @Test
  void alsetDaggerAndBsaRejectTKAndBatch() {
    for (String name : List.of("alset-dagger", "bsa")) {
      for (Setting setting : List.of(Setting.T, Setting.K, Setting.BATCH)) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> Algorithms.BILEVEL.entry(name).check(only(setting)));
        assertEquals(name + " does not use " + setting.flag() + " (it uses: --alpha)",
            e.getMessage());
      }
    }
  }

  @Test
  void theSeparableVariantsAcceptEverySetting() {
    MethodOverrides all = new MethodOverrides(0.1, 2, 2, 3);
    for (AlgorithmRegistry.Entry<?, ?> entry : Algorithms.SEPARABLE.entries()) {
      entry.check(all);
    }
  }

  @Test
  void aRunIsRefusedBeforeItStartsAndTheCommandLineSaysWhy(@TempDir Path temp) {
    RunSettings settings = new RunSettings("quadratic", List.of("bsgm", "mrbo"), 1, 0, 100, 10,
        1, 1, "simd", new MethodOverrides(0.1, null, null, null), Map.of("d", "4", "m", "2"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ExperimentRunner.start(QuadraticWorkload.FACTORY, settings, BACKEND,
            temp.resolve("run"), new java.io.PrintStream(java.io.OutputStream.nullOutputStream())));
    assertEquals("mrbo does not use --alpha (it uses: --k, --batch)", e.getMessage());
    assertFalse(Files.exists(temp.resolve("run/run.json")), "nothing is written");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), "run",
        "quadratic", "--algorithm", "mrbo", "--alpha", "0.1", "--out",
        temp.resolve("cli").toString(), "--backend", "simd");
    assertNotEquals(0, status);
    assertTrue(err.toString().contains("mrbo does not use --alpha (it uses: --k, --batch)"),
        err.toString());
  }
}
