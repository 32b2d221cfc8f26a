package io.github.bilevel.nativebindings.cuda;

import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.BackendFactory;
import java.util.Optional;

/**
 * Registers {@link CudaBackend} with {@link io.github.bilevel.kernels.Backends} under the name
 * {@code cuda} (found by {@link java.util.ServiceLoader} through {@code META-INF/services}).
 * Available only where a usable GPU is present; otherwise {@link #unavailableReason()} says
 * why (which library was not found, with the names and directories tried; the driver missing
 * or too old; 0 devices). It ranks above the SIMD backend, so {@code auto} picks it wherever a
 * GPU is present. The GPU pays for large steps (full-batch or large mini-batch matrix products);
 * for one-row steps on small vectors the launch and synchronisation latency dominates and
 * {@code --backend simd} is faster (see the README's GPU section).
 */
public final class CudaBackendFactory implements BackendFactory {

  /** Rank for automatic choice: above SIMD (100) and OpenBLAS (50). */
  public static final int PRIORITY = 200;

  /** Called by {@link java.util.ServiceLoader}. */
  public CudaBackendFactory() {}

  @Override
  public String name() {
    return CudaBackend.NAME;
  }

  @Override
  public int priority() {
    return PRIORITY;
  }

  @Override
  public Optional<String> unavailableReason() {
    return CudaBackend.unavailableReason();
  }

  @Override
  public Backend create() {
    return new CudaBackend();
  }
}
