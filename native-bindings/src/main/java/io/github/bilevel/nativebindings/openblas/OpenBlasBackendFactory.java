package io.github.bilevel.nativebindings.openblas;

import io.github.bilevel.kernels.Backend;
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

  @Override
  public Optional<String> unavailableReason() {
    return OpenBlasBackend.unavailableReason();
  }

  @Override
  public Backend create() {
    return new OpenBlasBackend();
  }
}
