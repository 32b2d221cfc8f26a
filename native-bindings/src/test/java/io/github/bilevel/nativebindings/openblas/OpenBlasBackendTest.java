package io.github.bilevel.nativebindings.openblas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.BackendFactory;
import io.github.bilevel.kernels.Backends;
import io.github.bilevel.kernels.Buffers;
import io.github.bilevel.kernels.DMatrix;
import io.github.bilevel.kernels.DVector;
import io.github.bilevel.kernels.ScalarBackend;
import io.github.bilevel.kernels.Transpose;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The backend's public face and the edge semantics of the {@link Backend} contract where
 * OpenBLAS takes shortcuts: NaN in an output that β = 0 says not to read, 0 · NaN with α = 0,
 * overflow-safe nrm2, heap segments, registration, threads.
 */
class OpenBlasBackendTest {

  private static final Backend REFERENCE = new ScalarBackend();
  private static Backend openblas;

  /** Skips (visibly, per test) where OpenBLAS is not installed. */
  @BeforeEach
  void requireOpenBlas() {
    openblas = OpenBlasTesting.backendOrSkip();
  }

  @Test
  void isNamedOpenblas() {
    assertEquals("openblas", openblas.name());
  }

  @Test
  void isFoundByNameThroughTheServiceLoader() {
    Backend b = Backends.byName("openblas");
    assertInstanceOf(OpenBlasBackend.class, b);
    assertEquals("openblas", b.name());
    BackendFactory f = Backends.factories().stream()
        .filter(x -> x.name().equals("openblas")).findFirst().orElseThrow();
    assertEquals(50, f.priority());
    assertTrue(f.unavailableReason().isEmpty());
  }

  @Test
  void autoStillPrefersSimd() {
    assumeTrue(Backends.vectorApiUnavailableReason().isEmpty(), "Vector API not present");
    assertNotEquals("openblas", Backends.byName("auto").name());
  }

  @Test
  void threadsCanBeSetAndRead() {
    int before = OpenBlasBackend.threads();
    assertTrue(before >= 1, "threads: " + before);
    try {
      OpenBlasBackend.setThreads(1);
      assertEquals(1, OpenBlasBackend.threads());
    } finally {
      OpenBlasBackend.setThreads(before);
    }
    assertEquals(before, OpenBlasBackend.threads());
    assertThrows(IllegalArgumentException.class, () -> OpenBlasBackend.setThreads(0));
  }

  @Test
  void threadsPropertyValuesAreParsed() {
    int before = OpenBlasBackend.threads();
    try {
      assertTrue(OpenBlasBackend.applyThreads(" 1 "));
      assertEquals(1, OpenBlasBackend.threads());
      OpenBlasBackend.setThreads(before);
      for (String bad : new String[] {"0", "-2", "two", ""}) {
        assertFalse(OpenBlasBackend.applyThreads(bad), bad);
        assertEquals(before, OpenBlasBackend.threads(), bad);
      }
    } finally {
      OpenBlasBackend.setThreads(before);
    }
  }

  @Test
  void configNamesOpenBlas() {
    String config = OpenBlasBackend.config();
    assertTrue(config.startsWith("OpenBLAS"), config);
    assertTrue(OpenBlasLibrary.loadedFrom().isPresent());
  }

  // ---------------------------------------------------------------- β = 0 does not read

  @Test
  void gemvWithBetaZeroIgnoresNanInY() {
    try (Arena arena = Arena.ofConfined()) {
      for (boolean transposed : new boolean[] {false, true}) {
        for (int size : new int[] {3, 200}) {
          DMatrix a = randomMatrix(arena, size, size + 1, 17);
          DVector x = randomVector(arena, transposed ? size : size + 1, 18);
          DVector expected = nanVector(arena, transposed ? size + 1 : size);
          DVector actual = nanVector(arena, transposed ? size + 1 : size);
          if (transposed) {
            REFERENCE.gemvT(2.0, a, x, 0.0, expected);
            openblas.gemvT(2.0, a, x, 0.0, actual);
          } else {
            REFERENCE.gemv(2.0, a, x, 0.0, expected);
            openblas.gemv(2.0, a, x, 0.0, actual);
          }
          assertNoNan(actual);
          assertArrayEquals(expected.toArray(), actual.toArray(), 1e-12 * size);
        }
      }
    }
  }

  @Test
  void gemmWithBetaZeroIgnoresNanInC() {
    try (Arena arena = Arena.ofConfined()) {
      for (Transpose ta : Transpose.values()) {
        for (Transpose tb : Transpose.values()) {
          DMatrix a = randomMatrix(arena, 9, 9, 21);
          DMatrix b = randomMatrix(arena, 9, 9, 22);
          DMatrix expected = Buffers.matrix(arena, 9, 9);
          DMatrix actual = Buffers.matrix(arena, 9, 9);
          fillNan(expected.asVector());
          fillNan(actual.asVector());
          REFERENCE.gemm(ta, tb, 1.0, a, b, 0.0, expected);
          openblas.gemm(ta, tb, 1.0, a, b, 0.0, actual);
          assertNoNan(actual.asVector());
          assertArrayEquals(expected.toArray(), actual.toArray(), 1e-12);
        }
      }
    }
  }

  @Test
  void axpbyWithBetaZeroIgnoresNanInY() {
    try (Arena arena = Arena.ofConfined()) {
      DVector x = randomVector(arena, 65, 23);
      DVector y = nanVector(arena, 65);
      openblas.axpby(-3.0, x, 0.0, y);
      for (int i = 0; i < 65; i++) {
        assertEquals(-3.0 * x.get(i), y.get(i), 0.0);
      }
    }
  }

  // ---------------------------------------------------------------- α = 0 multiplies

  @Test
  void scalByZeroPropagatesNanLikeTheReference() {
    try (Arena arena = Arena.ofConfined()) {
      DVector expected = Buffers.vector(arena, 1.0, Double.NaN, Double.POSITIVE_INFINITY, -2.0);
      DVector actual = Buffers.vector(arena, expected.toArray());
      REFERENCE.scal(0.0, expected);
      openblas.scal(0.0, actual);
      assertArrayEquals(expected.toArray(), actual.toArray(), 0.0);
      assertTrue(Double.isNaN(actual.get(1)) && Double.isNaN(actual.get(2)));
    }
  }

  @Test
  void axpbyWithAlphaZeroPropagatesNanInXLikeTheReference() {
    try (Arena arena = Arena.ofConfined()) {
      for (double beta : new double[] {0.0, 2.0}) {
        DVector x = Buffers.vector(arena, 1.0, Double.NaN, 3.0);
        DVector expected = Buffers.vector(arena, 4.0, 5.0, 6.0);
        DVector actual = Buffers.vector(arena, 4.0, 5.0, 6.0);
        REFERENCE.axpby(0.0, x, beta, expected);
        openblas.axpby(0.0, x, beta, actual);
        assertArrayEquals(expected.toArray(), actual.toArray(), 0.0);
        assertTrue(Double.isNaN(actual.get(1)));
      }
    }
  }

  // ---------------------------------------------------------------- nrm2

  @Test
  void nrm2DoesNotOverflowOrUnderflow() {
    try (Arena arena = Arena.ofConfined()) {
      DVector big = Buffers.vector(arena, 1e300, -1e300, 1e300, 1e300);
      assertEquals(2e300, openblas.nrm2(big), 2e300 * 1e-15);
      DVector huge = Buffers.vector(arena, Double.MAX_VALUE / 2, Double.MAX_VALUE / 2);
      assertEquals(Double.MAX_VALUE / Math.sqrt(2), openblas.nrm2(huge),
          Double.MAX_VALUE * 1e-15);
      DVector tiny = Buffers.vector(arena, 3e-200, 4e-200);
      assertEquals(5e-200, openblas.nrm2(tiny), 5e-200 * 1e-15);
      DVector subnormal = Buffers.vector(arena, Double.MIN_VALUE, 0.0, Double.MIN_VALUE);
      assertEquals(REFERENCE.nrm2(subnormal), openblas.nrm2(subnormal), Double.MIN_VALUE);
      assertTrue(openblas.nrm2(subnormal) > 0);
    }
  }

  @Test
  void nrm2OfNanIsNan() {
    try (Arena arena = Arena.ofConfined()) {
      DVector v = Buffers.vector(arena, 1.0, Double.NaN, 2.0);
      assertTrue(Double.isNaN(openblas.nrm2(v)));
    }
  }

  // ---------------------------------------------------------------- heap and inherited

  @Test
  void heapSegmentsFallBackToTheInheritedKernels() {
    double[] xs = {1, -2, 3, -4, 5, -6, 7};
    double[] ys = {0.5, 0.25, -1, 2, -3, 4, 8};
    DVector x = DVector.of(MemorySegment.ofArray(xs.clone()));
    DVector y = DVector.of(MemorySegment.ofArray(ys.clone()));
    assertEquals(REFERENCE.dot(x, y), openblas.dot(x, y), 1e-12);
    assertEquals(REFERENCE.nrm2(x), openblas.nrm2(x), 1e-12);
    openblas.axpy(2.0, x, y);
    for (int i = 0; i < xs.length; i++) {
      assertEquals(2.0 * xs[i] + ys[i], y.get(i), 1e-15);
    }
    DMatrix a = DMatrix.of(MemorySegment.ofArray(new double[] {1, 2, 3, 4, 5, 6}), 2, 3);
    DVector v = DVector.of(MemorySegment.ofArray(new double[] {1, 1, 1}));
    DVector out = DVector.of(MemorySegment.ofArray(new double[2]));
    openblas.gemv(1.0, a, v, 0.0, out);
    assertArrayEquals(new double[] {6, 15}, out.toArray(), 0.0);
  }

  @Test
  void inheritedKernelsStillWork() {
    try (Arena arena = Arena.ofConfined()) {
      DVector phi = Buffers.vector(arena, 1.0, 2.0, 3.0);
      DVector x = Buffers.vector(arena, 3.0, 2.0, 1.0);
      double residual = openblas.kmStepResidual(0.5, phi, x);
      assertEquals(Math.sqrt(8), residual, 1e-15);
      assertArrayEquals(new double[] {2, 2, 2}, x.toArray(), 0.0);
    }
  }

  // ---------------------------------------------------------------- property

  @Test
  void gemmAgreesWithTheReferenceOnRandomShapes() {
    qt().withFixedSeed(0x5EED_0004L).withExamples(150)
        .forAll(integers().between(1, 40), integers().between(1, 40), integers().between(1, 40),
            integers().between(0, 15))
        .checkAssert((m, n, k, bits) -> OpenBlasKernelsTest.checkGemm(m, n, k,
            Transpose.of((bits & 1) != 0), Transpose.of((bits & 2) != 0), (bits >> 2),
            (bits & 4) != 0 ? 0.0 : 0.75, 31L * m + 7L * n + k + bits));
  }

  // ---------------------------------------------------------------- helpers

  private static DVector randomVector(Arena arena, int n, long seed) {
    Random random = new Random(seed);
    DVector v = Buffers.vector(arena, n);
    for (int i = 0; i < n; i++) {
      v.set(i, 2 * random.nextDouble() - 1);
    }
    return v;
  }

  private static DMatrix randomMatrix(Arena arena, int rows, int cols, long seed) {
    Random random = new Random(seed);
    DMatrix a = Buffers.matrix(arena, rows, cols);
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        a.set(i, j, 2 * random.nextDouble() - 1);
      }
    }
    return a;
  }

  private static DVector nanVector(Arena arena, int n) {
    DVector v = Buffers.vector(arena, n);
    fillNan(v);
    return v;
  }

  private static void fillNan(DVector v) {
    for (int i = 0; i < v.length(); i++) {
      v.set(i, Double.NaN);
    }
  }

  private static void assertNoNan(DVector v) {
    for (int i = 0; i < v.length(); i++) {
      assertFalse(Double.isNaN(v.get(i)), "NaN at " + i);
    }
  }
}
