package io.github.bilevel.nativebindings.openblas;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The OpenBLAS backend the tests share, or a visible skip where OpenBLAS is not installed. */
final class OpenBlasTesting {

  private static OpenBlasBackend backend;

  private OpenBlasTesting() {}

  /** The shared backend; skips the calling test (with the reason) where OpenBLAS cannot run. */
  static synchronized OpenBlasBackend backendOrSkip() {
    assumeTrue(OpenBlasBackend.unavailableReason().isEmpty(),
        () -> "OpenBLAS tests skipped: " + OpenBlasBackend.unavailableReason().orElse(""));
    if (backend == null) {
      backend = new OpenBlasBackend();
    }
    return backend;
  }
}
