package io.github.bilevel.kernels;

import java.util.Optional;

/**
 * Service-provider interface for backends that live outside this module (OpenBLAS, CUDA in
 * {@code native-bindings}). Registered in {@code META-INF/services}; {@link Backends} finds
 * them with {@link java.util.ServiceLoader}, so nothing here depends on native code.
 */
public interface BackendFactory {

  /** The backend's name, as given to {@code -Dbilevel.backend=NAME}. */
  String name();

  /**
   * Rank for automatic choice among available backends: higher wins. The SIMD backend ranks
   * 100 and the scalar one 0; a backend that should not be picked automatically ranks below 0.
   */
  int priority();

  /** Empty when the backend can run here; else why not (library not found, no device, ...). */
  Optional<String> unavailableReason();

  /** Creates the backend; only called when {@link #unavailableReason()} is empty. */
  Backend create();

  /**
   * Creates the backend with its CPU kernels on up to {@code threads} threads; only called when
   * {@link #unavailableReason()} is empty.
   *
   * @throws IllegalArgumentException if {@code threads < 1}, or if this backend has no CPU
   *     kernel threads to set (the default)
   */
  default Backend create(int threads) {
    throw new IllegalArgumentException("the " + name() + " backend has no CPU kernel threads"
        + " to set");
  }
}
