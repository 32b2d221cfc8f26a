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
    Blas3Bench b = new Blas3Bench();
    b.impl = impl;
    b.n = n;
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
}
