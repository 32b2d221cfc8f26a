package io.github.bilevel.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.kernels.ScalarBackend;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The benchmarks measure what they claim: the netlib calls (column-major, on heap arrays) give
 * the same results as the scalar reference backend (row-major, off-heap) on the same seeded
 * data, the projections' constraints are active, and unavailable implementations are skipped.
 */
class BenchmarkSetupTest {

  private static final double TOL = 1e-12;

  private static void assertClose(double[] expected, double[] actual, String what) {
    assertEquals(expected.length, actual.length, what + ": length");
    double scale = 0;
    for (double e : expected) {
      scale = Math.max(scale, Math.abs(e));
    }
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], TOL * Math.max(1, scale) * 10,
          what + ": element " + i);
    }
  }

  private static <T> T setUp(T bench, Consumer<T> setup) {
    setup.accept(bench);
    return bench;
  }

  private static Blas1Bench blas1(String impl, int n) {
    Blas1Bench b = new Blas1Bench();
    b.impl = impl;
    b.n = n;
    return setUp(b, Blas1Bench::setup);
  }

  private static Blas2Bench blas2(String impl, int n) {
    Blas2Bench b = new Blas2Bench();
    b.impl = impl;
    b.n = n;
    return setUp(b, Blas2Bench::setup);
  }

  private static Blas3Bench blas3(String impl, int n) {
    return blas3(impl, 0, n, 0, "NN");
  }

  private static Blas3Bench blas3(String impl, int m, int n, int k, String trans) {
    Blas3Bench b = new Blas3Bench();
    b.impl = impl;
    b.m = m;
    b.n = n;
    b.k = k;
    b.trans = trans;
    return setUp(b, Blas3Bench::setup);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 7, 8, 9, 63, 64, 65, 1023, 1025})
  void blas1NetlibMatchesScalar(int n) {
    Blas1Bench s = blas1("scalar", n);
    Blas1Bench j = blas1("netlib", n);
    try {
      assertTrue(s.backend instanceof ScalarBackend);
      assertEquals(s.dot(), j.dot(), TOL * n, "dot");
      assertEquals(s.nrm2(), j.nrm2(), TOL * s.nrm2(), "nrm2");
      s.axpy();
      j.axpy();
      assertClose(s.y.toArray(), j.ya, "axpy");
      s.kmStep();
      j.kmStep();
      assertClose(s.x.toArray(), j.xa, "kmStep");
      // The axpy coefficient alternates in sign: two calls give y back (up to rounding).
      double[] before = s.y.toArray();
      s.axpy();
      s.axpy();
      assertClose(before, s.y.toArray(), "axpy twice");
    } finally {
      s.tearDown();
      j.tearDown();
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 7, 8, 9, 63, 64, 65, 127})
  void gemvNetlibMatchesScalar(int n) {
    Blas2Bench s = blas2("scalar", n);
    Blas2Bench j = blas2("netlib", n);
    try {
      s.gemv();
      j.gemv();
      assertClose(s.y.toArray(), j.ya, "gemv");
      s.gemvT();
      j.gemvT();
      assertClose(s.y.toArray(), j.ya, "gemvT");
      // A is not symmetric: A x and Aᵀ x differ, so the two checks are not the same check.
      if (n > 1) {
        s.gemv();
        double[] ax = s.y.toArray();
        s.gemvT();
        assertTrue(!java.util.Arrays.equals(ax, s.y.toArray()), "A x != Aᵀ x");
      }
    } finally {
      s.tearDown();
      j.tearDown();
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 7, 8, 9, 63, 65})
  void gemmNetlibMatchesScalar(int n) {
    Blas3Bench s = blas3("scalar", n);
    Blas3Bench j = blas3("netlib", n);
    try {
      s.gemm();
      j.gemm();
      assertClose(s.c.toArray(), j.ca, "gemm");
    } finally {
      s.tearDown();
      j.tearDown();
    }
  }

  /** The workloads' shapes, scaled down, in every transpose case: netlib and simd as scalar. */
  @ParameterizedTest
  @ValueSource(strings = {"NN", "NT", "TN", "TT"})
  void gemmShapesAndTransposesMatchScalar(String trans) {
    int[][] shapes = {{6, 2, 2}, {6, 2, 8}, {6, 8, 2}, {2, 6, 2}, {13, 7, 11}};
    for (int[] mnk : shapes) {
      Blas3Bench s = blas3("scalar", mnk[0], mnk[1], mnk[2], trans);
      Blas3Bench j = blas3("netlib", mnk[0], mnk[1], mnk[2], trans);
      Blas3Bench v = blas3("simd", mnk[0], mnk[1], mnk[2], trans);
      try {
        assertEquals(mnk[0] * mnk[1], s.c.toArray().length);
        s.gemm();
        j.gemm();
        v.gemm();
        String what = "gemm " + mnk[0] + "x" + mnk[1] + "x" + mnk[2] + " " + trans;
        assertClose(s.c.toArray(), j.ca, what + " netlib");
        assertClose(s.c.toArray(), v.c.toArray(), what + " simd");
      } finally {
        s.tearDown();
        j.tearDown();
        v.tearDown();
      }
    }
    assertThrows(IllegalArgumentException.class, () -> blas3("scalar", 2, 2, 2, "NX"));
  }

  @Test
  void projectionConstraintsAreActive() {
    ProjectionBench bench = new ProjectionBench();
    ProjectionBench.VectorState v = new ProjectionBench.VectorState();
    v.impl = "scalar";
    v.n = 1025;
    v.setup();
    try {
      v.restore();
      double norm = v.backend.nrm2(v.x);
      bench.ball(v);
      assertEquals(v.ballRadius, v.backend.nrm2(v.x), 1e-12 * norm, "ball: on the sphere");
      assertTrue(norm > v.ballRadius, "ball: the input is outside");
      bench.simplex(v);
      double sum = 0;
      for (double e : v.x.toArray()) {
        assertTrue(e >= 0, "simplex: non-negative");
        sum += e;
      }
      assertEquals(1.0, sum, 1e-12, "simplex: sums to 1");
      bench.ballBox(v);
      assertEquals(v.ballBoxRadius, v.backend.nrm2(v.x), 1e-9, "ballBox: on the sphere");
      for (double e : v.x.toArray()) {
        assertTrue(Math.abs(e) <= 0.5, "ballBox: in the box");
      }
      // Restoring gives the original input back.
      v.restore();
      assertEquals(norm, v.backend.nrm2(v.x), 0.0, "restore");
    } finally {
      v.tearDown();
    }
  }

  @Test
  void spectralProjectionClipsSomething() {
    ProjectionBench bench = new ProjectionBench();
    ProjectionBench.MatrixState m = new ProjectionBench.MatrixState();
    m.impl = "scalar";
    m.n = 16;
    m.setup();
    try {
      m.restore();
      double before = m.backend.nrm2(m.a.asVector());
      bench.spectral(m);
      double after = m.backend.nrm2(m.a.asVector());
      assertTrue(after < before, "some singular values were clipped: " + before + " -> " + after);
      assertTrue(after > 0);
    } finally {
      m.tearDown();
    }
  }

  @Test
  void netlibIsVectorBlasAndHasNoProjections() {
    assertEquals("dev.ludovic.netlib.blas.VectorBLAS", Impls.netlibClassName());
    assertTrue(Impls.unavailableReason("netlib").isEmpty());
    ProjectionBench.VectorState v = new ProjectionBench.VectorState();
    v.impl = "netlib";
    v.n = 10;
    Impls.Skipped e = assertThrows(Impls.Skipped.class, v::setup);
    assertTrue(e.getMessage().startsWith("SKIPPED impl 'netlib'"), e.getMessage());
  }

  @Test
  void unknownImplIsAnErrorAndOpenBlasIsEitherThereOrSkipped() {
    assertThrows(IllegalArgumentException.class, () -> Impls.backendOrNull("fortran"));
    try {
      assertEquals("openblas", Impls.backendOrNull("openblas").name());
    } catch (Impls.Skipped e) {
      assertTrue(Impls.unavailableReason("openblas").isPresent());
      assertTrue(e.getMessage().contains("openblas"), e.getMessage());
    }
    assertEquals("scalar", Impls.backendOrNull("scalar").name());
    assertEquals(null, Impls.backendOrNull("netlib"));
  }

  @Test
  void cublasIsEitherSkippedWithTheReasonOrMatchesScalar() {
    try {
      Impls.backendOrNull("cublas");
    } catch (Impls.Skipped e) {
      assertTrue(e.getMessage().startsWith("SKIPPED impl 'cublas': backend 'cuda' cannot run"),
          e.getMessage());
      assertTrue(Impls.unavailableReason("cublas").isPresent());
      return;
    }
    // A GPU is here: the benchmarks' cublas buffers are managed memory and give the scalar
    // results.
    Blas1Bench s = blas1("scalar", 1025);
    Blas1Bench g = blas1("cublas", 1025);
    Blas3Bench s3 = blas3("scalar", 65);
    Blas3Bench g3 = blas3("cublas", 65);
    try {
      assertTrue(io.github.bilevel.nativebindings.cuda.CudaBackend.isManaged(g.x.segment()));
      assertEquals(s.dot(), g.dot(), TOL * 1025, "dot");
      s.kmStep();
      g.kmStep();
      assertClose(s.x.toArray(), g.x.toArray(), "kmStep");
      s3.gemm();
      g3.gemm();
      assertClose(s3.c.toArray(), g3.c.toArray(), "gemm");
    } finally {
      s.tearDown();
      g.tearDown();
      s3.tearDown();
      g3.tearDown();
    }
  }

  // ---------------------------------------------------------------- workload benchmarks

  /** {@code a} and {@code b} agree entrywise within {@code 1e-10} of the largest entry of a. */
  private static void assertRelativelyClose(double[] a, double[] b, String what) {
    assertEquals(a.length, b.length, what + ": length");
    double scale = 0;
    for (double e : a) {
      scale = Math.max(scale, Math.abs(e));
    }
    assertTrue(scale > 0, what + ": the hypergradient is not zero");
    for (int i = 0; i < a.length; i++) {
      assertEquals(a[i], b[i], 1e-10 * scale, what + ": entry " + i);
    }
  }

  private static EquilibriumBench equilibrium(String impl) {
    EquilibriumBench b = new EquilibriumBench();
    b.impl = impl;
    b.threads = 1;
    b.allowFashionMnist = false;
    b.n = 13;
    b.t = 4;
    b.d = 7;
    b.setup();
    return b;
  }

  @Test
  void equilibriumBenchSimdMatchesScalarAndNudgesLambda() {
    EquilibriumBench s = equilibrium("scalar");
    EquilibriumBench v = equilibrium("simd");
    try {
      assertEquals(BenchImages.SYNTHETIC, s.dataSource);
      assertRelativelyClose(s.out.toArray(), v.out.toArray(), "set-up");
      double lambda0 = s.lambda.get(0);
      s.hypergradient();
      v.hypergradient();
      assertEquals(lambda0 + WorkloadBench.NUDGE, s.lambda.get(0), 0.0, "first op nudges up");
      assertRelativelyClose(s.out.toArray(), v.out.toArray(), "one op");
      s.hypergradient();
      assertEquals(lambda0, s.lambda.get(0), 1e-24, "second op nudges back");
    } finally {
      s.tearDown();
      v.tearDown();
    }
  }

  private static MetaBench meta(String impl) {
    MetaBench b = new MetaBench();
    b.impl = impl;
    b.threads = 1;
    b.allowFashionMnist = false;
    b.images = 60;
    b.tasks = 3;
    b.t = 5;
    b.ways = 3;
    b.shots = 2;
    b.queries = 2;
    b.rank = 4;
    b.setup();
    return b;
  }

  @Test
  void metaBenchSimdMatchesScalar() {
    MetaBench s = meta("scalar");
    MetaBench v = meta("simd");
    try {
      assertRelativelyClose(s.out.toArray(), v.out.toArray(), "set-up");
      s.hypergradient();
      v.hypergradient();
      assertRelativelyClose(s.out.toArray(), v.out.toArray(), "one op");
    } finally {
      s.tearDown();
      v.tearDown();
    }
  }

  private static PoisoningBench poisoning(String impl, boolean fullBatch) {
    PoisoningBench b = new PoisoningBench();
    b.impl = impl;
    b.threads = 1;
    b.allowFashionMnist = false;
    b.t = 4;
    b.fullBatch = fullBatch;
    b.clean = 20;
    b.poisoned = 6;
    b.validation = 15;
    b.batch = 7;
    b.lowerBatch = 5;
    b.setup();
    return b;
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void poisoningBenchSimdMatchesScalar(boolean fullBatch) {
    PoisoningBench s = poisoning("scalar", fullBatch);
    PoisoningBench v = poisoning("simd", fullBatch);
    try {
      assertRelativelyClose(s.out.toArray(), v.out.toArray(), "set-up");
      assertEquals(s.hypergradient(), v.hypergradient(), "samples");
      assertRelativelyClose(s.out.toArray(), v.out.toArray(), "one op");
    } finally {
      s.tearDown();
      v.tearDown();
    }
  }

  @Test
  void workloadBenchRefusesThreadsAndNetlib() {
    EquilibriumBench b = new EquilibriumBench();
    b.impl = "simd";
    b.threads = 0;
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, b::setup);
    assertTrue(e.getMessage().contains("threads = 0"), e.getMessage());
    b.impl = "scalar";
    b.threads = 2;
    Impls.Skipped skipped = assertThrows(Impls.Skipped.class, b::setup);
    assertTrue(skipped.getMessage().contains("threads = 2"), skipped.getMessage());
    b.impl = "netlib";
    b.threads = 1;
    assertThrows(Impls.Skipped.class, b::setup);
  }

  @Test
  void syntheticImagesHaveTheShapeOfFashionMnist() {
    try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
      BenchImages images = BenchImages.first(25, arena, false);
      assertEquals(25, images.pixels().rows());
      assertEquals(784, images.pixels().cols());
      for (double p : images.pixels().toArray()) {
        assertTrue(p >= 0 && p < 1, "pixel in [0, 1)");
      }
      for (int label : images.labels()) {
        assertTrue(label >= 0 && label < 10, "label in [0, 10)");
      }
      assertThrows(IllegalArgumentException.class, () -> BenchImages.first(0, arena, false));
    }
  }
}
