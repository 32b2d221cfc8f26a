package io.github.bilevel.bsgm.cli;

import io.github.bilevel.kernels.BackendFactory;
import io.github.bilevel.kernels.Backends;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code bsgm backends}: which kernel backends exist here, and why any cannot run. */
@Command(name = "backends", mixinStandardHelpOptions = true,
    description = "List the kernel backends, best first, with their availability on this machine.")
final class BackendsCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    for (BackendFactory f : Backends.factories()) {
      String status = f.unavailableReason().map(r -> "unavailable: " + r).orElse("available");
      out.printf("%-10s priority %4d  %s%n", f.name(), f.priority(), status);
    }
    out.println("auto picks: " + Backends.byName("auto").name()
        + "   (override: --backend NAME or -D" + Backends.PROPERTY + "=NAME)");
    out.flush();
    return 0;
  }
}
