package io.github.bilevel.tests;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.BackendFactory;
import io.github.bilevel.kernels.Backends;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;

/**
 * The backends under test: every factory {@link Backends#factories()} knows (scalar, simd, and
 * whatever {@code native-bindings} registers), without compile-time knowledge of their classes.
 * A backend that cannot run here still gets its test cases, named with the reason, and each of
 * them is skipped through a JUnit assumption that carries the reason.
 */
final class BackendCases {

  private BackendCases() {}

  /** Every known backend factory, named for the test report. */
  static Stream<Named<BackendFactory>> factories() {
    List<BackendFactory> all = Backends.factories();
    return all.stream().map(f -> {
      Optional<String> reason = f.unavailableReason();
      String label = reason.map(r -> f.name() + " (unavailable: " + r + ")").orElse(f.name());
      return Named.of(label, f);
    });
  }

  /** Creates the backend, or skips the calling test with the reason it cannot run here. */
  static Backend create(BackendFactory factory) {
    Optional<String> reason = factory.unavailableReason();
    assumeTrue(reason.isEmpty(),
        () -> "backend " + factory.name() + " cannot run here: " + reason.orElse(""));
    return factory.create();
  }

  /** The reference backend every other one is compared with. */
  static Backend scalar() {
    return Backends.byName("scalar");
  }
}
