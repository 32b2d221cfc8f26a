package io.github.bilevel.bsgm.cli;

import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.Backends;
import picocli.CommandLine.Option;

/** {@code --backend NAME}: the kernel backend a command runs on (a picocli mixin). */
final class BackendOption {

  @Option(names = "--backend", defaultValue = "auto", paramLabel = "NAME",
      description = "Kernel backend: auto, cuda, simd, scalar, openblas (default: "
          + "${DEFAULT-VALUE}: cuda where a GPU is present, else simd; one-row mini-batch steps "
          + "run faster on simd).")
  String name = "auto";

  /**
   * The backend named.
   *
   * @throws IllegalArgumentException naming the backend if it is unknown or cannot run here
   */
  Backend backend() {
    return Backends.byName(name);
  }
}
