package io.github.bilevel.bsgm.cli;

import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.BackendFactory;
import io.github.bilevel.kernels.Backends;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * {@code --backend NAME} and {@code --threads N}: the kernel backend a command runs on and the
 * threads of its CPU kernels (a picocli mixin, the one declaration of the options for every
 * command that takes a backend).
 */
final class BackendOption {

  @Option(names = "--threads", paramLabel = "N",
      description = "Threads of the CPU kernels of the simd and openblas backends (default: "
          + "-Dbilevel.threads, else the number of processors). The simd backend's results do "
          + "not depend on it; the scalar and cuda backends refuse it.")
  Integer threads;

  @Option(names = "--backend", defaultValue = "auto", paramLabel = "NAME",
      description = "Kernel backend: auto, scalar, simd, openblas, cuda (default: "
          + "${DEFAULT-VALUE}: the fastest available here, cuda where a GPU is present, else "
          + "simd; with --verbose it says on stderr which it picked and why it passed over any "
          + "faster one; 'bsgm backends' lists them).")
  String name = "auto";

  /**
   * The backend {@code auto} chose and why, or the backend named.
   *
   * @param backend    the backend to run on
   * @param note       for {@code auto}, which backend it picked and why it passed over the
   *                   faster ones; empty for a named backend
   * @param passedOver the available backends {@code auto} left out on purpose (ranked above its
   *                   limit), best first
   */
  record Choice(Backend backend, Optional<String> note, List<String> passedOver) {}

  /**
   * The backend named; for {@code auto}, which one it picked and why is printed on the
   * command's stderr under {@code --verbose}.
   *
   * @throws IllegalArgumentException naming the backend if it is unknown or cannot run here
   */
  Backend backend(CommandSpec spec) {
    Choice choice = choose(Integer.MAX_VALUE, "");
    if (choice.note().isPresent() && GlobalOptions.of(spec).verbose) {
      PrintWriter err = spec.commandLine().getErr();
      err.println(choice.note().get());
      err.flush();
    }
    return choice.backend();
  }

  /**
   * The backend named, or for {@code auto} the best available one ranked at most
   * {@code maxPriority} (the rule of {@link Backends#byName}, with a ceiling).
   *
   * @param maxPriority the highest {@link BackendFactory#priority()} {@code auto} may pick
   * @param whyLimited  why {@code auto} passes over available backends ranked above it, for
   *                    the note
   * @throws IllegalArgumentException naming the backend if it is unknown or cannot run here
   * @throws IllegalStateException    if {@code auto} finds no backend
   */
  Choice choose(int maxPriority, String whyLimited) {
    if (threads != null && threads < 1) {
      throw new IllegalArgumentException("--threads must be >= 1, got " + threads);
    }
    if (!name.trim().toLowerCase(Locale.ROOT).equals("auto")) {
      return new Choice(threads == null ? Backends.byName(name) : Backends.byName(name, threads),
          Optional.empty(), List.of());
    }
    List<BackendFactory> factories = Backends.factories();
    List<String> skipped = new ArrayList<>();
    List<String> passedOver = new ArrayList<>();
    for (BackendFactory f : factories) {
      if (f.priority() < 0) {
        continue; // never picked by auto, as in Backends.byName
      }
      Optional<String> reason = f.unavailableReason();
      if (reason.isPresent()) {
        skipped.add(f.name() + " (unavailable: " + reason.get() + ")");
      } else if (f.priority() > maxPriority) {
        passedOver.add(f.name());
        skipped.add(f.name() + " (" + whyLimited + ")");
      } else {
        String note = "backend auto picked " + f.name() + (skipped.isEmpty()
            ? ", the fastest available here"
            : "; passed over " + String.join(", ", skipped));
        return new Choice(threads == null ? f.create() : f.create(threads), Optional.of(note),
            List.copyOf(passedOver));
      }
    }
    throw new IllegalStateException("no backend available: " + Backends.describe(factories));
  }
}
