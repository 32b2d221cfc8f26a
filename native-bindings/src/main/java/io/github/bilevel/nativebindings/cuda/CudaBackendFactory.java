package io.github.bilevel.nativebindings.cuda;

import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.BackendFactory;
import java.util.Optional;

/**
 * Registers {@link CudaBackend} with {@link io.github.bilevel.kernels.Backends} under the name
 * {@code cuda} (found by {@link java.util.ServiceLoader} through {@code META-INF/services}).
 * Available only where a usable GPU is present; otherwise {@link #unavailableReason()} says
 * why (which library was not found, with the names and directories tried; the driver missing
 * or too old; 0 devices). Its priority is below 0: {@code auto} never picks it, since buffers
 * allocated outside the backend would be staged through managed memory on every call; ask for
 * it by name ({@code -Dbilevel.backend=cuda}, {@code Backends.byName("cuda")}).
 */
public final class CudaBackendFactory implements BackendFactory {

  /** Rank for automatic choice: below 0, so chosen by name only. */
  public static final int PRIORITY = -10;

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
