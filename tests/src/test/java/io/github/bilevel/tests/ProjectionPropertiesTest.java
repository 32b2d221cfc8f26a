package io.github.bilevel.tests;

import static io.github.bilevel.tests.ProjectionProblem.TOLERANCE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.BackendFactory;
import io.github.bilevel.tests.ProjectionProblem.SetPoint;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.quicktheories.QuickTheory;

/**
 * Properties that characterise a Euclidean projection {@code P} onto a closed convex set
 * {@code C}, checked for every projection of {@code Backend} on every backend that runs here:
 *
 * <ol>
 *   <li>{@code P(x) ∈ C};
 *   <li>idempotence: {@code P(P(x)) = P(x)}, and points of {@code C} are left unchanged;
 *   <li>non-expansiveness: {@code ‖P(x) − P(y)‖ ≤ ‖x − y‖};
 *   <li>the variational inequality {@code ⟨x − P(x), z − P(x)⟩ ≤ 0} for every {@code z ∈ C},
 *       which together with (1) determines {@code P(x)} uniquely;
 *   <li>agreement with the scalar reference backend.
 * </ol>
 *
 * <p>Every comparison is relative ({@value ProjectionProblem#TOLERANCE}) to the magnitude of the
 * inputs, since a projection can only be computed accurately relative to them. Points are drawn
 * by {@link ProjectionProblem}: odd and lane-width lengths, strided views and padded matrices
 * (writes outside the view fail the test), varied scales, and points already in the set.
 */
class ProjectionPropertiesTest {

  private static final int EXAMPLES = 150;

  /** Every backend (named) × every convex set. */
  static Stream<Arguments> backendsAndSets() {
    return BackendCases.factories().flatMap(
        f -> Arrays.stream(ConvexSet.values()).map(set -> Arguments.of(f, set)));
  }

  /** Every backend (named). */
  static Stream<Arguments> backends() {
    return BackendCases.factories().map(Arguments::of);
  }

  private static QuickTheory theory(ConvexSet set, int property) {
    return qt().withFixedSeed(0x5EED_0000L + 100L * set.ordinal() + property)
        .withExamples(EXAMPLES);
  }

  private static double inputScale(double[]... points) {
    double s = 0.0;
    for (double[] p : points) {
      s = Math.max(s, Vectors.norm(p));
    }
    return s;
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("backendsAndSets")
  void projectionLiesInTheSet(BackendFactory factory, ConvexSet set) {
    Backend backend = BackendCases.create(factory);
    theory(set, 1).forAll(ProjectionProblem.problems(set)).checkAssert(problem -> {
      double[] px = problem.project(backend, problem.x());
      problem.assertInSet(px, Vectors.normInf(problem.x()), "P(x)");
      double[] py = problem.project(backend, problem.y());
      problem.assertInSet(py, Vectors.normInf(problem.y()), "P(y)");
    });
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("backendsAndSets")
  void projectionIsIdempotent(BackendFactory factory, ConvexSet set) {
    Backend backend = BackendCases.create(factory);
    theory(set, 2).forAll(ProjectionProblem.problems(set)).checkAssert(problem -> {
      double[] px = problem.project(backend, problem.x());
      double[] ppx = problem.project(backend, px);
      double tolerance = TOLERANCE * inputScale(problem.x(), px);
      assertTrue(Vectors.distance(ppx, px) <= tolerance, () -> "P(P(x)) = "
          + Vectors.preview(ppx) + " differs from P(x) = " + Vectors.preview(px) + " by "
          + Vectors.distance(ppx, px) + " > " + tolerance + " (" + problem + ")");
    });
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("backendsAndSets")
  void pointsOfTheSetAreUnchanged(BackendFactory factory, ConvexSet set) {
    Backend backend = BackendCases.create(factory);
    theory(set, 3).forAll(ProjectionProblem.problems(set)).checkAssert(problem -> {
      for (SetPoint point : problem.pointsOfSet()) {
        double[] z = point.z();
        problem.assertInSet(z, point.inputScale(), "the " + point.origin());
        double[] pz = problem.project(backend, z);
        double tolerance = TOLERANCE * Math.max(point.inputScale(), Vectors.norm(z));
        assertTrue(Vectors.distance(pz, z) <= tolerance, () -> "the " + point.origin() + " z = "
            + Vectors.preview(z) + " moved to P(z) = " + Vectors.preview(pz) + " by "
            + Vectors.distance(pz, z) + " > " + tolerance + " (" + problem + ")");
      }
    });
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("backendsAndSets")
  void projectionIsNonExpansive(BackendFactory factory, ConvexSet set) {
    Backend backend = BackendCases.create(factory);
    theory(set, 4).forAll(ProjectionProblem.problems(set)).checkAssert(problem -> {
      double[] px = problem.project(backend, problem.x());
      double[] py = problem.project(backend, problem.y());
      double moved = Vectors.distance(px, py);
      double apart = Vectors.distance(problem.x(), problem.y());
      double bound = apart * (1 + TOLERANCE)
          + TOLERANCE * inputScale(problem.x(), problem.y(), px, py);
      assertTrue(moved <= bound, () -> "‖P(x) − P(y)‖ = " + moved + " > ‖x − y‖ = " + apart
          + " (bound " + bound + "; " + problem + ")");
    });
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("backendsAndSets")
  void variationalInequalityHolds(BackendFactory factory, ConvexSet set) {
    Backend backend = BackendCases.create(factory);
    theory(set, 5).forAll(ProjectionProblem.problems(set)).checkAssert(problem -> {
      for (double[] x : new double[][] {problem.x(), problem.y()}) {
        double[] px = problem.project(backend, x);
        double[] residual = Vectors.minus(x, px);
        double residualNorm = Vectors.norm(residual);
        for (SetPoint point : problem.pointsOfSet()) {
          double[] toZ = Vectors.minus(point.z(), px);
          double toZNorm = Vectors.norm(toZ);
          double product = Vectors.dot(residual, toZ);
          // a projection accurate to TOLERANCE · (input scale) moves the product by about that
          // times the two distances
          double scale = Math.max(inputScale(x, px), point.inputScale());
          double tolerance = TOLERANCE
              * (residualNorm * toZNorm + scale * (residualNorm + toZNorm));
          assertTrue(product <= tolerance, () -> "⟨x − P(x), z − P(x)⟩ = " + product + " > "
              + tolerance + " for the " + point.origin() + " z = " + Vectors.preview(point.z())
              + ", x = " + Vectors.preview(x) + ", P(x) = " + Vectors.preview(px) + " ("
              + problem + ")");
        }
      }
    });
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("backendsAndSets")
  void agreesWithTheScalarBackend(BackendFactory factory, ConvexSet set) {
    Backend backend = BackendCases.create(factory);
    Backend scalar = BackendCases.scalar();
    theory(set, 6).forAll(ProjectionProblem.problems(set)).checkAssert(problem -> {
      for (double[] x : new double[][] {problem.x(), problem.y()}) {
        double[] expected = problem.project(scalar, x);
        double[] actual = problem.project(backend, x);
        double tolerance = TOLERANCE * inputScale(x, expected);
        assertTrue(Vectors.distance(actual, expected) <= tolerance, () -> backend.name()
            + " gives " + Vectors.preview(actual) + ", scalar " + Vectors.preview(expected)
            + ": apart by " + Vectors.distance(actual, expected) + " > " + tolerance + " ("
            + problem + ")");
      }
    });
  }

  /**
   * The spectral projection keeps the singular vectors and clips the singular values:
   * {@code σ_i(P(A)) = min(σ_i(A), radius)}, with the singular values computed independently.
   * Squares are compared, with a tolerance relative to the largest square (see
   * {@link SingularValues}).
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void spectralProjectionClipsTheSingularValues(BackendFactory factory) {
    Backend backend = BackendCases.create(factory);
    theory(ConvexSet.SPECTRAL_BALL, 7).forAll(ProjectionProblem.problems(ConvexSet.SPECTRAL_BALL))
        .checkAssert(problem -> {
          int rows = problem.rows();
          int cols = problem.cols();
          double[] before = SingularValues.squared(problem.x(), rows, cols);
          double[] after =
              SingularValues.squared(problem.project(backend, problem.x()), rows, cols);
          double r2 = problem.radius() * problem.radius();
          double largest = before.length == 0 ? 0.0 : Math.max(before[0], r2);
          for (int i = 0; i < before.length; i++) {
            double expected = Math.min(before[i], r2);
            int index = i;
            assertEquals(expected, after[i], 1e-12 * largest, () -> "σ_" + index + "² after "
                + "projection; before: " + Arrays.toString(before) + ", after: "
                + Arrays.toString(after) + " (" + problem + ")");
          }
        });
  }

  /** Closed forms the generic properties cannot see directly (exact values). */
  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void closedForms(BackendFactory factory) {
    Backend backend = BackendCases.create(factory);
    // ball: x ↦ r x / ‖x‖ for the 3-4-5 triangle
    ProjectionProblem ball = fixed(ConvexSet.BALL, 1, 2, 1.0, new double[] {3, 4});
    assertArrayEquals(new double[] {0.6, 0.8}, ball.project(backend, ball.x()), 1e-15);
    // simplex of radius 1 from (0.5, 0.5, 2): θ = 1 ⇒ (0, 0, 1)
    ProjectionProblem simplex = fixed(ConvexSet.SIMPLEX, 1, 3, 1.0, new double[] {0.5, 0.5, 2});
    assertArrayEquals(new double[] {0, 0, 1}, simplex.project(backend, simplex.x()), 1e-15);
    // simplex: a constant shift is removed, (1, 2, 3) + 10 ↦ (0, 0.5, 1.5) with radius 2
    ProjectionProblem shifted = fixed(ConvexSet.SIMPLEX, 1, 3, 2.0, new double[] {11, 12, 13});
    assertArrayEquals(new double[] {0, 0.5, 1.5}, shifted.project(backend, shifted.x()), 1e-14);
    // spectral: diag(3, 1) with radius 2 ↦ diag(2, 1); a 2×3 rank-one 5 u vᵀ ↦ 2 u vᵀ
    ProjectionProblem diag = fixed(ConvexSet.SPECTRAL_BALL, 2, 2, 2.0, new double[] {3, 0, 0, 1});
    assertArrayEquals(new double[] {2, 0, 0, 1}, diag.project(backend, diag.x()), 1e-14);
    double[] u = {0.6, 0.8};
    double[] v = {2.0 / 3, 1.0 / 3, 2.0 / 3};
    double[] rankOne = new double[6];
    double[] clipped = new double[6];
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 3; j++) {
        rankOne[i * 3 + j] = 5 * u[i] * v[j];
        clipped[i * 3 + j] = 2 * u[i] * v[j];
      }
    }
    ProjectionProblem wide = fixed(ConvexSet.SPECTRAL_BALL, 2, 3, 2.0, rankOne);
    assertArrayEquals(clipped, wide.project(backend, rankOne), 1e-14);
    ProjectionProblem tall = fixed(ConvexSet.SPECTRAL_BALL, 3, 2, 2.0, transpose(rankOne, 2, 3));
    assertArrayEquals(transpose(clipped, 2, 3), tall.project(backend, tall.x()), 1e-14);
    // ball ∩ box: (3, 4) into the unit ball ∩ [-1, 1] × [-0.5, 0.5] ⇒ (√0.75, 0.5)
    ProjectionProblem ballBox = new ProjectionProblem(ConvexSet.BALL_BOX, 1, 2, 0, 1, 0, 1.0,
        1.0, 0, 0, new double[] {-1, -0.5}, new double[] {1, 0.5}, new double[] {3, 4},
        new double[] {3, 4}, java.util.List.of(), ProjectionProblem.Distribution.GAUSSIAN, 0);
    assertArrayEquals(new double[] {Math.sqrt(0.75), 0.5},
        ballBox.project(backend, ballBox.x()), 1e-15);
  }

  /**
   * Matrices whose zero pattern forces their rank below the number of nonzero rows of the
   * shorter side: after the first rotations a row is rounding noise confined to the span of the
   * others, so no rotation can make it orthogonal to them; the one-sided Jacobi SVD must treat
   * such rows as zero rather than rotate forever.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void spectralProjectionOfStructurallyRankDeficientMatrices(BackendFactory factory) {
    Backend backend = BackendCases.create(factory);
    // rank one, a zero column: P(A) = (r / σ) A with σ = ‖A‖_F
    double[] a = {0.8327860018843269, 0.0, 2.836947450198, 0.0};
    double sigma = Math.hypot(a[0], a[2]);
    double radius = 1.9980509238633661;
    ProjectionProblem twoByTwo = fixed(ConvexSet.SPECTRAL_BALL, 2, 2, radius, a);
    assertArrayEquals(Vectors.scaled(radius / sigma, a), twoByTwo.project(backend, a),
        1e-14 * sigma);
    // 5 u vᵀ, 3 × 4 with two nonzero columns, and its transpose: P = 2 u vᵀ for radius 2
    double[] u = {1.0 / 3, 2.0 / 3, 2.0 / 3};
    double[] v = {0.6, 0.0, 0.8, 0.0};
    double[] rankOne = new double[12];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 4; j++) {
        rankOne[i * 4 + j] = 5 * u[i] * v[j];
      }
    }
    ProjectionProblem wide = fixed(ConvexSet.SPECTRAL_BALL, 3, 4, 2.0, rankOne);
    assertArrayEquals(Vectors.scaled(0.4, rankOne), wide.project(backend, rankOne), 1e-14);
    double[] tallA = transpose(rankOne, 3, 4);
    ProjectionProblem tall = fixed(ConvexSet.SPECTRAL_BALL, 4, 3, 2.0, tallA);
    assertArrayEquals(Vectors.scaled(0.4, tallA), tall.project(backend, tallA), 1e-14);
    // rank two, 3 × 3 with a zero column: the singular values are clipped to the radius
    double[] rankTwo = {1, 2, 0, 3, 4, 0, 5, 6, 0};
    ProjectionProblem square = fixed(ConvexSet.SPECTRAL_BALL, 3, 3, 3.0, rankTwo);
    double[] before = SingularValues.squared(rankTwo, 3, 3);
    double[] after = SingularValues.squared(square.project(backend, rankTwo), 3, 3);
    for (int i = 0; i < 3; i++) {
      assertEquals(Math.min(before[i], 9.0), after[i], 1e-12 * before[0]);
    }
  }

  private static ProjectionProblem fixed(ConvexSet set, int rows, int cols, double radius,
      double[] x) {
    return new ProjectionProblem(set, rows, cols, 0, 1, 0, 1.0, radius, 0, 0, new double[0],
        new double[0], x, x, java.util.List.of(), ProjectionProblem.Distribution.GAUSSIAN, 0);
  }

  private static double[] transpose(double[] a, int rows, int cols) {
    double[] t = new double[a.length];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        t[j * rows + i] = a[i * cols + j];
      }
    }
    return t;
  }

  /** The test's own singular values, checked on matrices with known ones. */
  @Test
  void referenceSingularValuesAreRight() {
    // Q1 diag(3, 2, 0.5) Q2ᵀ with rotations Q1 (3×3) and a 4×3 column-orthonormal Q2
    double c = Math.cos(0.7);
    double s = Math.sin(0.7);
    double[][] q1 = {{c, -s, 0}, {s, c, 0}, {0, 0, 1}};
    double[][] q2 = {{0.5, 0.5, 0.5}, {0.5, -0.5, 0.5}, {0.5, 0.5, -0.5}, {0.5, -0.5, -0.5}};
    double[] sigma = {3, 2, 0.5};
    double[] a = new double[12];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 4; j++) {
        for (int l = 0; l < 3; l++) {
          a[i * 4 + j] += q1[i][l] * sigma[l] * q2[j][l];
        }
      }
    }
    assertArrayEquals(sigma, SingularValues.of(a, 3, 4), 1e-14);
    assertArrayEquals(sigma, SingularValues.of(transpose(a, 3, 4), 4, 3), 1e-14);
  }

  /** The generators cover what they promise: every distribution and the special lengths. */
  @ParameterizedTest
  @EnumSource(ConvexSet.class)
  void generatedProblemsAreWellFormed(ConvexSet set) {
    Backend scalar = BackendCases.scalar();
    theory(set, 0).forAll(ProjectionProblem.problems(set)).checkAssert(problem -> {
      assertEquals(problem.rows() * problem.cols(), problem.x().length);
      for (SetPoint point : problem.pointsOfSet()) {
        problem.assertInSet(point.z(), point.inputScale(), "the " + point.origin());
      }
      if (problem.distribution() == ProjectionProblem.Distribution.INSIDE) {
        double[] x = problem.x();
        assertTrue(Vectors.distance(problem.project(scalar, x), x)
            <= TOLERANCE * Math.max(problem.scale(), Vectors.norm(x)) * 8, problem::toString);
      }
    });
  }
}
