package io.github.bilevel.bsgm.problems;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.bsgm.Batch;
import io.github.bilevel.bsgm.DenseSolver;
import io.github.bilevel.bsgm.GradientCheck;
import io.github.bilevel.bsgm.io.Npy;
import io.github.bilevel.bsgm.io.NpyException;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.Backends;
import io.github.bilevel.kernels.DVector;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** benchopt's simulated quadratic: derivatives and exact answers against finite differences. */
class SimulatedQuadraticTest {

  private static final int N_INNER = 16;
  private static final int N_OUTER = 12;
  private static final int D_IN = 7;
  private static final int D_OUT = 5;
  private static final double[] L = {1, 1, 1, 1, 0.1, 0.1};

  private final Backend backend = Backends.byName("simd");

  @TempDir
  Path directory;

  private SimulatedQuadratic problem(long seed) {
    return SimulatedQuadratic.generate(backend, N_INNER, N_OUTER, D_IN, D_OUT, 0.1, L, seed,
        1.0);
  }

  private static double[] random(SplittableRandom random, int n) {
    return random.doubles(n, -1, 1).toArray();
  }

  @Test
  void vjpsAndGradientsMatchFiniteDifferences() {
    try (SimulatedQuadratic problem = problem(3); Arena arena = Arena.ofConfined()) {
      SplittableRandom random = new SplittableRandom(5);
      DVector w = backend.vector(arena, random(random, D_IN));
      DVector lambda = backend.vector(arena, random(random, D_OUT));
      Batch xi = new Batch(4).assign(N_INNER, 3, 0, 3, 11);
      Batch zeta = new Batch(3).assign(N_OUTER, 7, 2, 9);
      GradientCheck.check(problem, w, lambda, xi, zeta).assertPassed(1e-6);
      // the full batches take the precomputed means
      GradientCheck.check(problem, w, lambda, new Batch(N_INNER).all(N_INNER),
          new Batch(N_OUTER).all(N_OUTER)).assertPassed(1e-6);
    }
  }

  @Test
  void fullBatchMeansAgreeWithThePerSampleSum() {
    try (SimulatedQuadratic problem = problem(4); Arena arena = Arena.ofConfined()) {
      SplittableRandom random = new SplittableRandom(6);
      DVector w = backend.vector(arena, random(random, D_IN));
      DVector lambda = backend.vector(arena, random(random, D_OUT));
      int[] every = new int[N_INNER];
      for (int i = 0; i < N_INNER; i++) {
        every[i] = i;
      }
      DVector viaMeans = backend.vector(arena, D_IN);
      DVector viaSamples = backend.vector(arena, D_IN);
      problem.map(w, lambda, new Batch(N_INNER).all(N_INNER), viaMeans);
      problem.map(w, lambda, new Batch(N_INNER).assign(N_INNER, every), viaSamples);
      assertArrayEquals(viaSamples.toArray(), viaMeans.toArray(), 1e-12);
      assertEquals(problem.lowerObjective(w, lambda, new Batch(N_INNER).assign(N_INNER, every)),
          problem.lowerObjective(w, lambda, new Batch(N_INNER).all(N_INNER)), 1e-12);
    }
  }

  @Test
  void mapIsTheGradientStepOfTheLowerObjective() {
    try (SimulatedQuadratic problem = problem(7); Arena arena = Arena.ofConfined()) {
      SplittableRandom random = new SplittableRandom(8);
      DVector w = backend.vector(arena, random(random, D_IN));
      DVector lambda = backend.vector(arena, random(random, D_OUT));
      Batch xi = new Batch(3).assign(N_INNER, 1, 5, 5);
      DVector mapped = backend.vector(arena, D_IN);
      problem.map(w, lambda, xi, mapped);
      DVector gradLambda = backend.vector(arena, D_OUT);
      problem.lowerObjectiveGradientLambda(w, lambda, xi, gradLambda);
      double h = 1e-6;
      for (int i = 0; i < D_IN; i++) {
        double fd = centred(() -> problem.lowerObjective(w, lambda, xi), w, i, h);
        assertEquals((w.get(i) - mapped.get(i)) / problem.mapStep(), fd, 1e-7, "∇₁G " + i);
      }
      for (int j = 0; j < D_OUT; j++) {
        double fd = centred(() -> problem.lowerObjective(w, lambda, xi), lambda, j, h);
        assertEquals(gradLambda.get(j), fd, 1e-7, "∇₂G " + j);
      }
    }
  }

  private static double centred(java.util.function.DoubleSupplier f, DVector x, int i,
      double h) {
    double keep = x.get(i);
    x.set(i, keep + h);
    double plus = f.getAsDouble();
    x.set(i, keep - h);
    double minus = f.getAsDouble();
    x.set(i, keep);
    return (plus - minus) / (2 * h);
  }

  @Test
  void exactSolutionIsTheFixedPointAndTheHypergradientMatchesFiniteDifferences() {
    try (SimulatedQuadratic problem = problem(9); Arena arena = Arena.ofConfined()) {
      double[] x = random(new SplittableRandom(10), D_OUT);
      double[] z = problem.exactLowerSolution(x);
      DVector w = backend.vector(arena, z);
      DVector mapped = backend.vector(arena, D_IN);
      problem.map(w, backend.vector(arena, x), new Batch(N_INNER).all(N_INNER), mapped);
      assertArrayEquals(z, mapped.toArray(), 1e-10, "z* = Φ(z*, x)");
      double[] gradient = problem.exactHypergradient(x);
      double h = 1e-5;
      for (int j = 0; j < D_OUT; j++) {
        double[] plus = x.clone();
        double[] minus = x.clone();
        plus[j] += h;
        minus[j] -= h;
        double fd = (problem.exactValue(plus) - problem.exactValue(minus)) / (2 * h);
        assertEquals(fd, gradient[j], 1e-6 * Math.max(1, Math.abs(fd)), "∇h " + j);
      }
      assertEquals(problem.objective(w, backend.vector(arena, x),
          new Batch(N_OUTER).all(N_OUTER)), problem.exactValue(x), 1e-10, "h(x) = F(z*, x)");
    }
  }

  @Test
  void generatedMeansHaveBenchoptsSpectrumShape() {
    // E A_i has spectrum [mu, L]; the sample mean of many rank-one samples approaches it
    SimulatedLevel level = SimulatedLevel.generate(20_000, 4, 3, 1.0, 1.0, 0.1, 0.1,
        new SplittableRandom(1));
    double[] spectrum = DenseSolver.symmetricEigenvalues(
        SimulatedLevel.mean(level.hessInner(), level.samples()), 4);
    assertEquals(0.1, spectrum[0], 0.02);
    assertEquals(1.0, spectrum[3], 0.1);
    double[] outer = DenseSolver.symmetricEigenvalues(
        SimulatedLevel.mean(level.hessOuter(), level.samples()), 3);
    assertEquals(0.0, outer[0], 1e-12, "B has a zero eigenvalue, as benchopt's");
    for (int i = 0; i < level.samples(); i += 997) {
      double trace = 0;
      for (int k = 0; k < 4; k++) {
        trace += level.hessInner()[i * 16 + k * 5];
      }
      double[] one = new double[16];
      System.arraycopy(level.hessInner(), i * 16, one, 0, 16);
      double[] eig = DenseSolver.symmetricEigenvalues(one, 4);
      assertEquals(trace, eig[3], 1e-9 * Math.max(1, trace), "A_i is rank one");
      assertEquals(0.0, eig[2], 1e-9 * Math.max(1, trace));
    }
  }

  @Test
  void jacobiEigenvaluesMatchAKnownSpectrum() {
    // Q diag(s) Qᵀ with Q a rotation in two planes
    double c = Math.cos(0.7);
    double s = Math.sin(0.7);
    double[] q = {c, -s, 0, s, c, 0, 0, 0, 1};
    double[] spectrum = {3, -1, 0.5};
    double[] a = new double[9];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        for (int k = 0; k < 3; k++) {
          a[i * 3 + j] += q[i * 3 + k] * spectrum[k] * q[j * 3 + k];
        }
      }
    }
    assertArrayEquals(new double[] {-1, 0.5, 3}, DenseSolver.symmetricEigenvalues(a, 3),
        1e-12);
  }

  @Test
  void npyInstanceRoundTripsToTheSameProblem() throws IOException {
    SplittableRandom random = new SplittableRandom(11);
    SimulatedLevel inner = SimulatedLevel.generate(N_INNER, D_IN, D_OUT, 1, 1, 0.1, 0.1, random);
    SimulatedLevel outer = SimulatedLevel.generate(N_OUTER, D_IN, D_OUT, 1, 1, 0.1, 0.1, random);
    inner.write(directory, "inner");
    outer.write(directory, "outer");
    SimulatedLevel readInner = SimulatedLevel.read(directory, "inner");
    SimulatedLevel readOuter = SimulatedLevel.read(directory, "outer");
    assertArrayEquals(inner.hessInner(), readInner.hessInner());
    assertArrayEquals(inner.cross(), readInner.cross());
    assertArrayEquals(outer.linearOuter(), readOuter.linearOuter());
    assertEquals(N_OUTER, readOuter.samples());
    try (SimulatedQuadratic built = new SimulatedQuadratic(backend, inner, outer, 1.0);
        SimulatedQuadratic read = new SimulatedQuadratic(backend, readInner, readOuter, 1.0)) {
      double[] x = random(random, D_OUT);
      assertArrayEquals(built.exactHypergradient(x), read.exactHypergradient(x), 0.0);
      assertEquals(built.exactValue(x), read.exactValue(x), 0.0);
    }
    // the file names are benchopt's, and a 3-D array reads back in C order
    Npy.Array cross = Npy.read(directory.resolve("cross_inner.npy"), 3);
    assertArrayEquals(new int[] {N_INNER, D_OUT, D_IN}, cross.shape());
    assertEquals(inner.cross()[(2 * D_OUT + 3) * D_IN + 4],
        cross.values()[(2 * D_OUT + 3) * D_IN + 4], 0.0);
  }

  @Test
  void badInstanceFilesAreRefusedNamingTheFileAndTheShape() throws IOException {
    SplittableRandom random = new SplittableRandom(12);
    SimulatedLevel inner = SimulatedLevel.generate(N_INNER, D_IN, D_OUT, 1, 1, 0.1, 0.1, random);
    inner.write(directory, "inner");
    // the cross matrix transposed: (n, d_in, d_out) instead of (n, d_out, d_in)
    Path cross = directory.resolve("cross_inner.npy");
    Npy.write(cross, inner.cross(), N_INNER, D_IN, D_OUT);
    NpyException e = assertThrows(NpyException.class,
        () -> SimulatedLevel.read(directory, "inner"));
    assertTrue(e.getMessage().contains("cross_inner.npy")
        && e.getMessage().contains("(" + N_INNER + ", " + D_OUT + ", " + D_IN + ")"),
        e.getMessage());
    // a 2-D file where a stack of matrices is expected
    Npy.write(cross, new double[N_INNER * D_OUT], N_INNER, D_OUT);
    e = assertThrows(NpyException.class, () -> SimulatedLevel.read(directory, "inner"));
    assertTrue(e.getMessage().contains("cross_inner.npy") && e.getMessage().contains("3-D"),
        e.getMessage());
    // a missing file
    e = assertThrows(NpyException.class, () -> SimulatedLevel.read(directory, "outer"));
    assertTrue(e.getMessage().contains("hess_outer_inner.npy"), e.getMessage());
    // the wrong number of samples in one file
    inner.write(directory, "inner");
    Npy.write(directory.resolve("linear_inner_outer.npy"), new double[3 * D_OUT], 3, D_OUT);
    e = assertThrows(NpyException.class, () -> SimulatedLevel.read(directory, "inner"));
    assertTrue(e.getMessage().contains("linear_inner_outer.npy")
        && e.getMessage().contains("(" + N_INNER + ", " + D_OUT + ")"), e.getMessage());
    // an integer dtype
    Files.write(directory.resolve("hess_inner_inner.npy"), io.github.bilevel.bsgm.io
        .NpyTestFiles.npy("<i8", "(1, 1, 1)", new byte[8]));
    e = assertThrows(NpyException.class, () -> SimulatedLevel.read(directory, "inner"));
    assertTrue(e.getMessage().contains("hess_inner_inner.npy")
        && e.getMessage().contains("int64"), e.getMessage());
  }

  @Test
  void aMapStepThatIsNoContractionIsRefused() {
    SplittableRandom random = new SplittableRandom(13);
    SimulatedLevel inner = SimulatedLevel.generate(N_INNER, D_IN, D_OUT, 1, 1, 0.1, 0.1, random);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new SimulatedQuadratic(backend, inner, inner, 1e6));
    assertTrue(e.getMessage().contains("map_step"), e.getMessage());
  }
}
