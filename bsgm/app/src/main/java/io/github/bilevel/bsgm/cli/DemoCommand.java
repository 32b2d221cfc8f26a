package io.github.bilevel.bsgm.cli;

import io.github.bilevel.bsgm.runner.AllocationLimits;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.Buffers;
import io.github.bilevel.kernels.DMatrix;
import io.github.bilevel.kernels.DVector;
import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bsgm demo}: the lower-level solver of the library in miniature. Builds a random linear
 * contraction {@code Φ(x) = A x + b} with {@code ‖A‖₂ = q} (power iteration on the kernels),
 * runs Krasnoselskii–Mann steps {@code x ← (1 − η) x + η Φ(x)} with the fused KM kernel, and
 * prints the residual against the theoretical geometric rate {@code 1 − η(1 − q)}.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Krasnoselskii-Mann iteration on a random linear contraction, on the kernels.")
final class DemoCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  BackendOption backendOption;

  @Option(names = "--n", defaultValue = "2000", description = "Dimension (default: ${DEFAULT-VALUE}).")
  int n;

  @Option(names = "--q", defaultValue = "0.9",
      description = "Contraction constant ‖A‖₂, in (0, 1) (default: ${DEFAULT-VALUE}).")
  double q;

  @Option(names = "--eta", defaultValue = "1.0",
      description = "KM step η in (0, 1] (default: ${DEFAULT-VALUE}).")
  double eta;

  @Option(names = "--tol", defaultValue = "1e-10",
      description = "Stop when ‖Φ(x) − x‖ ≤ tol·‖b‖ (default: ${DEFAULT-VALUE}).")
  double tol;

  @Option(names = "--max-iterations", defaultValue = "1000",
      description = "Iteration limit (default: ${DEFAULT-VALUE}).")
  int maxIterations;

  @Option(names = "--seed", defaultValue = "42", description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() {
    if (n < 1) {
      throw new IllegalArgumentException("--n must be >= 1, got " + n);
    }
    // A (n × n) and the vectors b, x, φ, all off-heap
    AllocationLimits.offHeapDoubles("--n " + n, "the n × n matrix A and three n-vectors", n,
        n + 3L);
    if (!(q > 0 && q < 1)) {
      throw new IllegalArgumentException("--q must lie in (0, 1), got " + q);
    }
    if (!(eta > 0 && eta <= 1)) {
      throw new IllegalArgumentException("--eta must lie in (0, 1], got " + eta);
    }
    Backend backend = backendOption.backend(spec);
    PrintWriter out = spec.commandLine().getOut();
    try (Arena arena = Arena.ofConfined()) {
      SplittableRandom random = new SplittableRandom(seed);
      DMatrix a = Buffers.matrix(arena, n, n);
      DVector b = Buffers.vector(arena, n);
      DVector x = Buffers.vector(arena, n);
      DVector phi = Buffers.vector(arena, n);
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          a.set(i, j, random.nextGaussian());
        }
        b.set(i, random.nextGaussian());
      }
      double sigma = spectralNorm(backend, a, x, phi, 100);
      for (int i = 0; i < n; i++) {
        backend.scal(q / sigma, a.row(i));
      }
      backend.fill(0.0, x);
      double rate = 1 - eta * (1 - q);
      double bNorm = backend.nrm2(b);
      out.printf("backend %s, n = %d, ‖A‖₂ = %.3f (power iteration), η = %.3f%n",
          backend.name(), n, q, eta);
      out.printf("theory: ‖x_t − x*‖ ≤ %.4f^t ‖x_0 − x*‖%n", rate);
      out.printf("%6s  %14s  %14s%n", "t", "‖Φ(x)−x‖/‖b‖", "ratio");
      long start = System.nanoTime();
      double previous = Double.NaN;
      int t = 0;
      double residual = Double.POSITIVE_INFINITY;
      while (t < maxIterations) {
        backend.copy(b, phi);
        backend.gemv(1.0, a, x, 1.0, phi);                 // φ = A x + b
        residual = backend.kmStepResidual(eta, phi, x) / bNorm;
        if (!Double.isFinite(residual)) {
          throw new ArithmeticException("KM iteration diverged at t = " + t);
        }
        if (t % 10 == 0 || residual <= tol) {
          out.printf("%6d  %14.6e  %14s%n", t, residual,
              t == 0 ? "-" : String.format("%.4f", residual / previous));
        }
        previous = residual;
        t++;
        if (residual <= tol) {
          break;
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      out.printf("%s after %d iterations (%.3f ms each, JIT warm-up included; %.2f s in all); "
              + "‖x − x*‖ ≤ residual/(η(1 − q)) = %.2e·‖b‖%n",
          residual <= tol ? "converged" : "stopped", t, 1e3 * seconds / t, seconds,
          residual / (eta * (1 - q)));
      out.flush();
      return residual <= tol ? 0 : 1;
    }
  }

  /** Largest singular value of {@code a} by power iteration on {@code AᵀA}. */
  static double spectralNorm(Backend backend, DMatrix a, DVector v, DVector av, int iterations) {
    backend.fill(1.0, v);
    double sigma = 0.0;
    for (int i = 0; i < iterations; i++) {
      backend.scal(1.0 / backend.nrm2(v), v);
      backend.gemv(1.0, a, v, 0.0, av);
      sigma = backend.nrm2(av);
      backend.gemvT(1.0, a, av, 0.0, v);
    }
    return sigma;
  }
}
