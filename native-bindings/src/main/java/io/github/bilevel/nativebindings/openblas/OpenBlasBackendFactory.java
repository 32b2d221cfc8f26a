package io.github.bilevel.nativebindings.openblas;

import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.Backends;
import io.github.bilevel.kernels.BackendFactory;
import java.util.Optional;

/**
 * Registers {@link OpenBlasBackend} with {@link io.github.bilevel.kernels.Backends} under the
 * name {@code openblas} (found by {@link java.util.ServiceLoader} through
 * {@code META-INF/services}). Its priority, 50, is below the SIMD backend's 100: {@code auto}
 * keeps choosing SIMD, and OpenBLAS is used when asked for by name.
 */
public final class OpenBlasBackendFactory implements BackendFactory {

  /** The name given to {@code -Dbilevel.backend=}. */
  public static final String NAME = "openblas";

  /** Rank for automatic choice: below SIMD (100), above scalar (0). */
  public static final int PRIORITY = 50;

  /** Called by {@link java.util.ServiceLoader}. */
  public OpenBlasBackendFactory() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int priority() {
    return PRIORITY;
  }

  /**
   * Checks the Vector API before touching {@link OpenBlasBackend}: that class extends the SIMD
   * backend, and loading it without {@code jdk.incubator.vector} would throw
   * {@link NoClassDefFoundError} instead of reporting the backend unavailable.
   */
  @Override
  public Optional<String> unavailableReason() {
    Optional<String> vector = Backends.vectorApiUnavailableReason();
    if (vector.isPresent()) {
      return Optional.of(
          "the OpenBLAS backend builds on the SIMD backend, which cannot run: " + vector.get());
    }
    return OpenBlasBackend.unavailableReason();
  }

  @Override
  public Backend create() {
    return new OpenBlasBackend();
  }

  /** OpenBLAS on {@code threads} threads (for the whole JVM), its SIMD kernels likewise. */
  @Override
  public Backend create(int threads) {
    return new OpenBlasBackend(threads);
  }
}
