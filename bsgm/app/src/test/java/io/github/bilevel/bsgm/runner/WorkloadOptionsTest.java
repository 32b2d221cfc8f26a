package io.github.bilevel.bsgm.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.ScalarBackend;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The workloads' {@code -o} options: the declared list (the help text and the README) is what
 * each workload reads, default for default, and an unknown key is refused with the known ones
 * in sorted order.
 */
class WorkloadOptionsTest {

  private static final List<WorkloadOption> DECLARED = List.of(
      new WorkloadOption("n", 5, "a count"), new WorkloadOption("Rate", 0.5, "a rate"),
      new WorkloadOption("alpha", 1e-3, "a step"), new WorkloadOption("path", "x", "a path"));

  @Test
  void readingWithTheDeclaredDefaultsGivesThemAndAnUnknownKeyListsTheKnownOnesSorted() {
    WorkloadOptions options = new WorkloadOptions("w", Map.of("n", "7", "zz", "1"), DECLARED);
    assertEquals(7, options.integer("n", 5, 0));
    assertEquals(0.5, options.real("Rate", 0.5, 0, 1));
    assertEquals(1e-3, options.real("alpha", 1e-3, 0, 1));
    assertEquals("x", options.text("path", "x"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        options::checkAllRead);
    assertTrue(e.getMessage().startsWith("w has no option 'zz'; it has alpha, n, path, Rate"),
        e.getMessage());
  }

  @Test
  void aReadThatDisagreesWithTheDeclarationIsABug() {
    WorkloadOptions options = new WorkloadOptions("w", Map.of(), DECLARED);
    IllegalStateException other = assertThrows(IllegalStateException.class,
        () -> options.integer("n", 6, 0));
    assertTrue(other.getMessage().contains("n is declared with default 5 but read with default"
        + " 6"), other.getMessage());
    IllegalStateException undeclared = assertThrows(IllegalStateException.class,
        () -> options.real("beta", 1, 0, 2));
    assertTrue(undeclared.getMessage().contains("'beta', which it does not declare"),
        undeclared.getMessage());
  }

  @Test
  void defaultsShowAsTheUserWouldTypeThem() {
    assertEquals("1000000", new WorkloadOption("a", 1e6, "").defaultText());
    assertEquals("0.001", new WorkloadOption("a", 1e-3, "").defaultText());
    assertEquals("1e-5", new WorkloadOption("a", 1e-5, "").defaultText());
    assertEquals("2.5", new WorkloadOption("a", 2.5, "").defaultText());
    assertEquals("40", new WorkloadOption("a", 40, "").defaultText());
    assertEquals(1e-5, Double.parseDouble(new WorkloadOption("a", 1e-5, "").defaultText()));
    assertThrows(IllegalArgumentException.class, () -> new WorkloadOption("a", 1L, ""));
  }

  /**
   * Every registered workload reads exactly its declared options with the declared defaults:
   * each one is created with no data (they read every option before loading any), so that a
   * disagreement shows as the {@link IllegalStateException} of {@link WorkloadOptions}.
   */
  @Test
  void everyWorkloadReadsItsDeclaredOptionsWithTheirDefaults(@TempDir Path empty) {
    Backend backend = new ScalarBackend();
    for (WorkloadFactory factory : Workloads.all().values()) {
      assertFalse(factory.options().isEmpty(), factory.name());
      boolean data = factory.options().stream().anyMatch(o -> o.key().equals("data"));
      Map<String, String> options = data ? Map.of("data", empty.toString()) : Map.of();
      try (Workload workload = factory.create(backend, options, 0)) {
        assertFalse(data, factory.name() + " ran without data");
      } catch (IllegalStateException e) {
        throw new AssertionError(factory.name() + ": " + e.getMessage(), e);
      } catch (RuntimeException e) {
        assertTrue(data, factory.name() + ": " + e);
        assertTrue(String.valueOf(e.getMessage()).contains(empty.toString()),
            factory.name() + " fails on the missing data, after reading its options: " + e);
      }
    }
  }
}
