package io.github.bilevel.bsgm.runner;

import java.util.Optional;

/**
 * Whether this Java runtime can draw plots: XChart draws through AWT (module
 * {@code java.desktop}), which a trimmed {@code jlink}ed runtime may leave out. Checked before
 * any plotting class is loaded, since loading one without AWT fails with a
 * {@link NoClassDefFoundError} rather than an exception a caller expects.
 */
public final class PlotSupport {

  private PlotSupport() {}

  /** Why plots cannot be drawn in this runtime, or empty if they can. */
  public static Optional<String> unavailableReason() {
    return unavailableReason(ModuleLayer.boot());
  }

  /** Why plots cannot be drawn with the modules of {@code layer}, or empty if they can. */
  static Optional<String> unavailableReason(ModuleLayer layer) {
    if (layer.findModule("java.desktop").isPresent()) {
      return Optional.empty();
    }
    return Optional.of("this Java runtime has no module java.desktop (AWT), which the plots "
        + "need; run with a full JDK, or jlink it with --add-modules java.desktop");
  }
}
