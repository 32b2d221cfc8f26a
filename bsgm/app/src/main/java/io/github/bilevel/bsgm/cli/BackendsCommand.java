package io.github.bilevel.bsgm.cli;

import io.github.bilevel.kernels.BackendFactory;
import io.github.bilevel.kernels.Backends;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code bsgm backends}: which kernel backends exist here, and why any cannot run. */
@Command(name = "backends", mixinStandardHelpOptions = true,
    description = "List the kernel backends, best first, with their availability on this machine.")
final class BackendsCommand implements Callable<Integer> {

  @Override
  public Integer call() {
    for (BackendFactory f : Backends.factories()) {
      String status = f.unavailableReason().map(r -> "unavailable: " + r).orElse("available");
      System.out.printf("%-10s priority %4d  %s%n", f.name(), f.priority(), status);
    }
    System.out.println("auto picks: " + Backends.byName("auto").name()
        + "   (override: --backend NAME or -D" + Backends.PROPERTY + "=NAME)");
    return 0;
  }
}
