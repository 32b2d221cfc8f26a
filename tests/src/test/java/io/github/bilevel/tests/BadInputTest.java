package io.github.bilevel.tests;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.BackendFactory;
import io.github.bilevel.kernels.Backends;
import io.github.bilevel.kernels.SimdBackend;
import io.github.bilevel.kernels.Buffers;
import io.github.bilevel.kernels.DMatrix;
import io.github.bilevel.kernels.DVector;
import io.github.bilevel.kernels.Projections;
import io.github.bilevel.kernels.Transpose;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input gets a clear exception that names what is wrong, on every backend, and never a
 * crash or a silent wrong answer.
 */
class BadInputTest {

  static Stream<Arguments> backends() {
    return BackendCases.factories().map(Arguments::of);
  }

  /** Asserts that {@code call} throws {@code type} with a message containing every fragment. */
  private static <T extends Throwable> T assertThrowsNaming(Class<T> type, Executable call,
      String... fragments) {
    T thrown = assertThrows(type, call);
    String message = thrown.getMessage();
    assertTrue(message != null, () -> type.getSimpleName() + " without a message");
    for (String fragment : fragments) {
      assertTrue(message.contains(fragment),
          () -> "message \"" + message + "\" does not mention \"" + fragment + "\"");
    }
    return thrown;
  }

  // ---------------------------------------------------------------- mismatched shapes

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void mismatchedVectorLengthsNameBothArguments(BackendFactory factory) {
    Backend backend = BackendCases.create(factory);
    try (Arena arena = Arena.ofConfined()) {
      DVector x = Buffers.vector(arena, 3);
      DVector y = Buffers.vector(arena, 4);
      assertThrowsNaming(IllegalArgumentException.class, () -> backend.dot(x, y),
          "x has length 3", "y has length 4");
      assertThrowsNaming(IllegalArgumentException.class, () -> backend.axpy(2.0, x, y),
          "x has length 3", "y has length 4");
      assertThrowsNaming(IllegalArgumentException.class, () -> backend.kmStep(0.5, x, y),
          "phi has length 3", "x has length 4");
      assertThrowsNaming(IllegalArgumentException.class, () -> backend.kmStepResidual(0.5, y, x),
          "phi has length 4", "x has length 3");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void gemvWithTheWrongVectorLengthsNamesTheArgument(BackendFactory factory) {
    Backend backend = BackendCases.create(factory);
    try (Arena arena = Arena.ofConfined()) {
      DMatrix a = Buffers.matrix(arena, 2, 3);
      assertThrowsNaming(IllegalArgumentException.class,
          () -> backend.gemv(1.0, a, Buffers.vector(arena, 4), 0.0, Buffers.vector(arena, 2)),
          "x has length 4", "3", "columns of a");
      assertThrowsNaming(IllegalArgumentException.class,
          () -> backend.gemv(1.0, a, Buffers.vector(arena, 3), 0.0, Buffers.vector(arena, 3)),
          "y has length 3", "2", "rows of a");
      assertThrowsNaming(IllegalArgumentException.class,
          () -> backend.gemvT(1.0, a, Buffers.vector(arena, 3), 0.0, Buffers.vector(arena, 3)),
          "x has length 3", "rows of a");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void gemmWithMismatchedInnerDimensionsSaysSo(BackendFactory factory) {
    Backend backend = BackendCases.create(factory);
    try (Arena arena = Arena.ofConfined()) {
      DMatrix a = Buffers.matrix(arena, 2, 3);
      DMatrix b = Buffers.matrix(arena, 4, 5);
      DMatrix c = Buffers.matrix(arena, 2, 5);
      assertThrowsNaming(IllegalArgumentException.class,
          () -> backend.gemm(Transpose.NO, Transpose.NO, 1.0, a, b, 0.0, c),
          "inner dimensions", "2x3", "4x5");
      assertThrowsNaming(IllegalArgumentException.class,
          () -> backend.gemm(Transpose.YES, Transpose.NO, 1.0, a, b, 0.0, c),
          "inner dimensions", "3x2", "4x5");
      DMatrix square = Buffers.matrix(arena, 3, 3);
      assertThrowsNaming(IllegalArgumentException.class,
          () -> backend.gemm(Transpose.NO, Transpose.NO, 1.0, a, square, 0.0, square),
          "c is 3x3", "2x3");
    }
  }

  // ---------------------------------------------------------------- sizes and views

  @Test
  void negativeSizesNameTheArgument() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment segment = Buffers.allocate(arena, 16);
      assertThrowsNaming(IllegalArgumentException.class, () -> new DVector(segment, 0, -1, 1),
          "length", "-1");
      assertThrowsNaming(IllegalArgumentException.class, () -> new DVector(segment, 0, 2, 0),
          "stride", "0");
      assertThrowsNaming(IllegalArgumentException.class, () -> new DVector(segment, -1, 2, 1),
          "offset", "-1");
      assertThrowsNaming(IllegalArgumentException.class, () -> Buffers.vector(arena, -3),
          "n must be >= 0", "-3");
      assertThrowsNaming(IllegalArgumentException.class, () -> Buffers.allocate(arena, -2),
          "count", "-2");
      assertThrowsNaming(IllegalArgumentException.class, () -> Buffers.matrix(arena, -1, 2),
          "rows", "-1x2");
      assertThrowsNaming(IllegalArgumentException.class, () -> new DMatrix(segment, 0, -2, 3, 3),
          "rows", "-2");
      assertThrowsNaming(IllegalArgumentException.class, () -> new DMatrix(segment, 0, 2, -3, 3),
          "cols", "-3");
      assertThrowsNaming(IllegalArgumentException.class, () -> new DMatrix(segment, 0, 2, 5, 3),
          "ld", "5", "3");
    }
  }

  @Test
  void viewsOutsideTheSegmentAreRejected() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment segment = Buffers.allocate(arena, 10);
      assertThrows(IndexOutOfBoundsException.class, () -> new DVector(segment, 0, 11, 1));
      assertThrows(IndexOutOfBoundsException.class, () -> new DVector(segment, 5, 6, 1));
      assertThrows(IndexOutOfBoundsException.class, () -> new DVector(segment, 0, 4, 4));
      assertThrows(IndexOutOfBoundsException.class, () -> new DMatrix(segment, 0, 3, 3, 4));
      assertThrows(IndexOutOfBoundsException.class, () -> new DMatrix(segment, 2, 3, 3, 3));
      DVector whole = DVector.of(segment);
      assertThrows(IndexOutOfBoundsException.class, () -> whole.slice(8, 3));
      assertThrows(IndexOutOfBoundsException.class, () -> whole.get(10));
      // the largest views that do fit are fine
      new DVector(segment, 0, 4, 3);
      new DVector(segment, 9, 1, 7);
      new DMatrix(segment, 1, 3, 3, 3);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void buffersOfAClosedArenaAreRejectedByName(BackendFactory factory) {
    Backend backend = BackendCases.create(factory);
    Arena arena = Arena.ofConfined();
    DVector x = Buffers.vector(arena, 1.0, 2.0, 3.0);
    DVector y = Buffers.vector(arena, 4.0, 5.0, 6.0);
    DMatrix a = Buffers.matrix(arena, 3, 3);
    arena.close();
    try (Arena open = Arena.ofConfined()) {
      DVector live = Buffers.vector(open, 3);
      assertThrowsNaming(IllegalStateException.class, () -> backend.dot(x, y), "x:", "closed");
      assertThrowsNaming(IllegalStateException.class, () -> backend.dot(live, y), "y:", "closed");
      assertThrowsNaming(IllegalStateException.class, () -> backend.axpy(1.0, x, live), "x:",
          "closed");
      assertThrowsNaming(IllegalStateException.class, () -> backend.axpy(1.0, live, y), "y:",
          "closed");
      assertThrowsNaming(IllegalStateException.class, () -> backend.gemv(1.0, a, live, 0.0, live),
          "a:", "closed");
      DMatrix liveA = Buffers.matrix(open, 3, 3);
      assertThrowsNaming(IllegalStateException.class, () -> backend.gemv(1.0, liveA, x, 0.0, live),
          "x:", "closed");
      assertThrowsNaming(IllegalStateException.class, () -> backend.nrm2(x), "x:", "closed");
      assertThrowsNaming(IllegalStateException.class, () -> Projections.ball(backend, x, 1.0), "x:",
          "closed");
    }
  }

  // ---------------------------------------------------------------- projection parameters

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void nanOrNonPositiveRadiiAreRejected(BackendFactory factory) {
    Backend backend = BackendCases.create(factory);
    try (Arena arena = Arena.ofConfined()) {
      DVector x = Buffers.vector(arena, 1.0, -2.0, 3.0);
      DVector lower = Buffers.vector(arena, -1.0, -1.0, -1.0);
      DVector upper = Buffers.vector(arena, 1.0, 1.0, 1.0);
      DMatrix a = Buffers.matrix(arena, 2, 2, 1, 2, 3, 4);
      assertThrowsNaming(IllegalArgumentException.class,
          () -> Projections.ball(backend, x, Double.NaN), "radius", "NaN");
      assertThrowsNaming(IllegalArgumentException.class,
          () -> Projections.ball(backend, x, -1.0), "radius", "-1");
      assertThrowsNaming(IllegalArgumentException.class,
          () -> Projections.linfBall(backend, x, Double.NaN), "radius", "NaN");
      assertThrowsNaming(IllegalArgumentException.class,
          () -> Projections.ballBox(backend, x, Double.NaN, lower, upper), "radius", "NaN");
      assertThrowsNaming(IllegalArgumentException.class,
          () -> Projections.spectralBall(backend, a, Double.NaN), "radius", "NaN");
      assertThrowsNaming(IllegalArgumentException.class,
          () -> Projections.frobeniusBall(backend, a, Double.NaN), "radius", "NaN");
      assertThrowsNaming(IllegalArgumentException.class,
          () -> Projections.simplex(backend, x, 0.0), "radius", "0");
      assertThrowsNaming(IllegalArgumentException.class,
          () -> Projections.simplex(backend, x, Double.NaN), "radius", "NaN");
      assertThrowsNaming(IllegalArgumentException.class,
          () -> Projections.simplex(backend, x, Double.POSITIVE_INFINITY), "radius", "Infinity");
      // nothing was modified by the rejected calls
      org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {1.0, -2.0, 3.0},
          x.toArray());
      org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {1, 2, 3, 4}, a.toArray());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void invertedBoxesAreRejected(BackendFactory factory) {
    Backend backend = BackendCases.create(factory);
    try (Arena arena = Arena.ofConfined()) {
      DVector x = Buffers.vector(arena, 6);
      assertThrowsNaming(IllegalArgumentException.class, () -> Projections.box(backend, x, 2.0, 1.0),
          "lower <= upper", "2.0", "1.0");
      assertThrowsNaming(IllegalArgumentException.class,
          () -> Projections.box(backend, x, Double.NaN, 1.0), "lower <= upper", "NaN");
      DVector lower = Buffers.vector(arena, -1, -1, -1, 5, -1, -1);
      DVector upper = Buffers.vector(arena, 1, 1, 1, 4, 1, 1);
      assertThrowsNaming(IllegalArgumentException.class,
          () -> Projections.box(backend, x, lower, upper), "index 3", "5.0", "4.0");
      DVector nanLower = Buffers.vector(arena, -1, -1, -1, Double.NaN, -1, -1);
      assertThrowsNaming(IllegalArgumentException.class,
          () -> Projections.box(backend, x, nanLower, upper), "index 3", "NaN");
      assertThrowsNaming(IllegalArgumentException.class,
          () -> Projections.box(backend, x, Buffers.vector(arena, 5), upper), "lower has length 5",
          "x has length 6");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void ballBoxNeedsABoxContainingTheCentre(BackendFactory factory) {
    Backend backend = BackendCases.create(factory);
    try (Arena arena = Arena.ofConfined()) {
      DVector x = Buffers.vector(arena, 3.0, 3.0, 3.0, 3.0);
      DVector lower = Buffers.vector(arena, -1, -1, 0.5, -1);
      DVector upper = Buffers.vector(arena, 1, 1, 1, 1);
      assertThrowsNaming(IllegalArgumentException.class,
          () -> Projections.ballBox(backend, x, 1.0, lower, upper), "contain", "0", "index 2");
      DVector inverted = Buffers.vector(arena, 1, 1, 1, -0.5);
      DVector below = Buffers.vector(arena, -1, -1, -1, -1);
      assertThrowsNaming(IllegalArgumentException.class,
          () -> Projections.ballBox(backend, x, 1.0, below, inverted), "contain", "index 3");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void outOfRangeLabelsNameTheRow(BackendFactory factory) {
    Backend backend = BackendCases.create(factory);
    try (Arena arena = Arena.ofConfined()) {
      DMatrix logits = Buffers.matrix(arena, 4, 5);
      DMatrix gradient = Buffers.matrix(arena, 4, 5);
      MemorySegment tooLarge = Buffers.labels(arena, 0, 4, 7, 1);
      assertThrowsNaming(IllegalArgumentException.class,
          () -> backend.softmaxCrossEntropy(logits, tooLarge, gradient), "labels[2]", "7",
          "[0, 5)");
      MemorySegment negative = Buffers.labels(arena, 0, 1, 2, -1);
      assertThrowsNaming(IllegalArgumentException.class,
          () -> backend.softmaxCrossEntropy(logits, negative, null), "labels[3]", "-1");
      MemorySegment tooFew = Buffers.labels(arena, 0, 1);
      assertThrowsNaming(IllegalArgumentException.class,
          () -> backend.softmaxCrossEntropy(logits, tooFew, gradient), "labels", "4 rows");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void spectralProjectionOfNonFiniteMatricesIsRejected(BackendFactory factory) {
    Backend backend = BackendCases.create(factory);
    try (Arena arena = Arena.ofConfined()) {
      DMatrix nan = Buffers.matrix(arena, 3, 2, 1, 2, 3, Double.NaN, 5, 6);
      assertThrowsNaming(IllegalArgumentException.class,
          () -> Projections.spectralBall(backend, nan, 1.0), "NaN");
      DMatrix infinite = Buffers.matrix(arena, 2, 3, 1, 2, Double.POSITIVE_INFINITY, 4, 5, 6);
      assertThrowsNaming(IllegalArgumentException.class,
          () -> Projections.spectralBall(backend, infinite, 1.0), "infinite");
    }
  }

  @Test
  void unknownBackendNamesListTheKnownOnes() {
    IllegalArgumentException thrown = assertThrowsNaming(IllegalArgumentException.class,
        () -> Backends.byName("nope"), "nope", "known", "scalar", "simd");
    for (BackendFactory f : Backends.factories()) {
      assertTrue(thrown.getMessage().contains(f.name()),
          () -> "message \"" + thrown.getMessage() + "\" does not list backend " + f.name());
    }
  }

  @Test
  void backendThreadsAreSetWhereThereAreCpuKernelThreadsAndRefusedElsewhere() {
    assertEquals(3, ((SimdBackend) Backends.byName("simd", 3)).kernelThreads());
    assertThrowsNaming(IllegalArgumentException.class, () -> Backends.byName("scalar", 2),
        "scalar", "no CPU kernel threads");
    assertThrowsNaming(IllegalArgumentException.class, () -> Backends.byName("simd", 0),
        "threads", ">= 1", "0");
    assertThrowsNaming(IllegalArgumentException.class, () -> Backends.byName("nope", 2),
        "nope", "known");
  }
}
