package io.github.bilevel.tests;

import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.Buffers;
import io.github.bilevel.kernels.DMatrix;
import io.github.bilevel.kernels.DVector;
import io.github.bilevel.kernels.Projections;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * One generated projection problem: a convex set with its parameters, a memory layout (offset,
 * stride or leading dimension), two points {@code x}, {@code y} to project, and points
 * {@code z} of the set. Everything is drawn from one seed, so QuickTheories' shrinking works on
 * (dimensions, seed, distribution) and a failure names the seed that reproduces it.
 *
 * @param set          the convex set
 * @param rows         rows of a matrix point (1 for vectors)
 * @param cols         columns of a matrix point, or the vector length
 * @param offset       element offset of the view in its segment
 * @param stride       vector stride
 * @param pad          matrix leading dimension minus columns
 * @param scale        magnitude of the set's parameters and of typical points
 * @param radius       radius (balls, simplex)
 * @param lower        scalar lower bound ({@link ConvexSet#BOX})
 * @param upper        scalar upper bound ({@link ConvexSet#BOX})
 * @param lowerBounds  vector lower bounds (vector box, ball ∩ box), else empty
 * @param upperBounds  vector upper bounds (vector box, ball ∩ box), else empty
 * @param x            a point to project
 * @param y            a second point (independent or a small perturbation of x)
 * @param pointsOfSet  points of the set: centre, vertices or corners, projections of random
 *                     points by the scalar backend, and convex combinations of these
 * @param distribution how x and y were drawn
 * @param seed         the seed everything was drawn from
 */
record ProjectionProblem(ConvexSet set, int rows, int cols, long offset, int stride, int pad,
    double scale, double radius, double lower, double upper, double[] lowerBounds,
    double[] upperBounds, double[] x, double[] y, List<SetPoint> pointsOfSet,
    Distribution distribution, long seed) {

  /** A point of the set, with the magnitude of the inputs it was computed from. */
  record SetPoint(String origin, double[] z, double inputScale) {}

  /** How the points to project are drawn. */
  enum Distribution {
    GAUSSIAN, UNIFORM, MIXED_SCALES, SPARSE, SAME_SIGN, TIES, TINY, HUGE, INSIDE,
    /** Matrices only: rank 1 or 2. */
    LOW_RANK,
    /** Matrices only: a scaled signed permutation (all singular values equal). */
    EQUAL_SINGULAR_VALUES;

    static final List<Distribution> FOR_VECTORS = List.of(GAUSSIAN, UNIFORM, MIXED_SCALES, SPARSE,
        SAME_SIGN, TIES, TINY, HUGE, INSIDE);
    static final List<Distribution> FOR_MATRICES = List.of(values());
  }

  /** Vector lengths always worth trying: empty, one, odd, around the 8-lane width, large odd. */
  static final List<Integer> SPECIAL_LENGTHS = List.of(0, 1, 3, 7, 8, 9, 63, 64, 65, 1023, 1025);

  /** Value the test writes into segment elements that are not part of the view. */
  private static final double SENTINEL = -0x1.abcdefp77;

  private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE_UNALIGNED;

  // ---------------------------------------------------------------- generators

  /** Vector lengths: the special ones half the time, else uniform in [0, 300]. */
  static Gen<Integer> vectorLengths() {
    return Generate.pick(SPECIAL_LENGTHS).mix(integers().between(0, 300), 50);
  }

  /** Matrix shapes up to 12 × 9, in both orientations. */
  static Gen<int[]> matrixShapes() {
    return integers().between(0, 12).zip(integers().between(0, 9), booleans().all(),
        (a, b, swap) -> swap ? new int[] {b, a} : new int[] {a, b});
  }

  /** Problems for {@code set}. */
  static Gen<ProjectionProblem> problems(ConvexSet set) {
    Gen<int[]> shapes =
        set.isMatrix() ? matrixShapes() : vectorLengths().map(n -> new int[] {1, n});
    List<Distribution> distributions =
        set.isMatrix() ? Distribution.FOR_MATRICES : Distribution.FOR_VECTORS;
    return shapes.zip(longs().all(), Generate.pick(distributions),
        (shape, seed, distribution) -> generate(set, shape[0], shape[1], seed, distribution));
  }

  // ---------------------------------------------------------------- generation

  /** Draws a whole problem from {@code seed}. */
  static ProjectionProblem generate(ConvexSet set, int rows, int cols, long seed,
      Distribution distribution) {
    SplittableRandom rnd = new SplittableRandom(seed);
    int n = rows * cols;
    double scale = Math.scalb(1.0 + rnd.nextDouble(), rnd.nextInt(-30, 31));
    long offset = new long[] {0, 0, 1, 5}[rnd.nextInt(4)];
    int stride = new int[] {1, 1, 1, 2, 3}[rnd.nextInt(5)];
    int pad = new int[] {0, 0, 1, 3}[rnd.nextInt(4)];

    double radius = 0.0;
    double lower = 0.0;
    double upper = 0.0;
    double[] lowerBounds = new double[0];
    double[] upperBounds = new double[0];
    double size = Math.sqrt(Math.max(n, 1));
    switch (set) {
      case BALL, FROBENIUS_BALL, BALL_BOX ->
          radius = rnd.nextInt(20) == 0 ? 0.0 : scale * size * Math.pow(2, rnd.nextDouble(-4, 2));
      case LINF_BALL ->
          radius = rnd.nextInt(20) == 0 ? 0.0 : scale * Math.pow(2, rnd.nextDouble(-3, 2));
      case SIMPLEX -> radius = scale * size * Math.pow(2, rnd.nextDouble(-4, 2));
      case SPECTRAL_BALL -> radius = rnd.nextInt(20) == 0 ? 0.0
          : scale * Math.sqrt(Math.max(1, Math.max(rows, cols)))
              * Math.pow(2, rnd.nextDouble(-3, 1));
      case BOX -> {
        double[] bounds = boxBounds(rnd, scale);
        lower = bounds[0];
        upper = bounds[1];
      }
      default -> { }
    }
    if (set == ConvexSet.BOX_VECTOR_BOUNDS) {
      lowerBounds = new double[n];
      upperBounds = new double[n];
      for (int i = 0; i < n; i++) {
        double[] bounds = boxBounds(rnd, scale);
        lowerBounds[i] = bounds[0];
        upperBounds[i] = bounds[1];
      }
    } else if (set == ConvexSet.BALL_BOX) {
      lowerBounds = new double[n];
      upperBounds = new double[n];
      for (int i = 0; i < n; i++) {
        lowerBounds[i] = -ballBoxBound(rnd, scale);
        upperBounds[i] = ballBoxBound(rnd, scale);
      }
    }
    ProjectionProblem shell = new ProjectionProblem(set, rows, cols, offset, stride, pad, scale,
        radius, lower, upper, lowerBounds, upperBounds, new double[n], new double[n], List.of(),
        distribution, seed);
    double[] x = shell.draw(rnd, distribution);
    double[] y;
    if (rnd.nextBoolean()) {
      y = shell.draw(rnd, distribution);
    } else {
      y = x.clone();
      double eps = scale * Math.pow(2, rnd.nextDouble(-40, 0));
      for (int i = 0; i < n; i++) {
        y[i] += eps * rnd.nextGaussian();
      }
    }
    List<SetPoint> points = shell.drawPointsOfSet(rnd);
    return new ProjectionProblem(set, rows, cols, offset, stride, pad, scale, radius, lower,
        upper, lowerBounds, upperBounds, x, y, List.copyOf(points), distribution, seed);
  }

  /** A pair lower ≤ upper, sometimes equal, sometimes with an infinite side. */
  private static double[] boxBounds(SplittableRandom rnd, double scale) {
    double lo = scale * rnd.nextGaussian();
    double hi = rnd.nextInt(10) == 0 ? lo : lo + 2 * scale * Math.abs(rnd.nextGaussian());
    if (rnd.nextInt(20) == 0) {
      lo = Double.NEGATIVE_INFINITY;
    }
    if (rnd.nextInt(20) == 0) {
      hi = Double.POSITIVE_INFINITY;
    }
    return new double[] {lo, hi};
  }

  /** A non-negative bound of a box containing 0: sometimes exactly 0, sometimes infinite. */
  private static double ballBoxBound(SplittableRandom rnd, double scale) {
    int kind = rnd.nextInt(20);
    if (kind < 4) {
      return 0.0;
    }
    if (kind == 4) {
      return Double.POSITIVE_INFINITY;
    }
    return 2 * scale * rnd.nextDouble();
  }

  private double[] draw(SplittableRandom rnd, Distribution distribution) {
    int n = rows * cols;
    double[] v = new double[n];
    switch (distribution) {
      case GAUSSIAN -> fillGaussian(rnd, v, scale);
      case UNIFORM -> {
        for (int i = 0; i < n; i++) {
          v[i] = scale * rnd.nextDouble(-1, 1);
        }
      }
      case MIXED_SCALES -> {
        for (int i = 0; i < n; i++) {
          v[i] = Math.scalb(scale * rnd.nextGaussian(), rnd.nextInt(-20, 21));
        }
      }
      case SPARSE -> {
        for (int i = 0; i < n; i++) {
          v[i] = rnd.nextInt(5) == 0 ? scale * rnd.nextGaussian() : 0.0;
        }
      }
      case SAME_SIGN -> {
        double sign = rnd.nextBoolean() ? 1 : -1;
        for (int i = 0; i < n; i++) {
          v[i] = sign * scale * Math.abs(rnd.nextGaussian());
        }
      }
      case TIES -> {
        double[] values = {-1, -0.5, 0, 0.5, 1, 2};
        for (int i = 0; i < n; i++) {
          v[i] = scale * values[rnd.nextInt(values.length)];
        }
      }
      case TINY -> fillGaussian(rnd, v, Math.scalb(scale, -30));
      case HUGE -> fillGaussian(rnd, v, Math.scalb(scale, 20));
      case INSIDE -> {
        if (n > 0 || set != ConvexSet.SIMPLEX) {
          double[] w = new double[n];
          fillGaussian(rnd, w, scale * Math.pow(2, rnd.nextDouble(-3, 3)));
          double[] z = project(BackendCases.scalar(), w);
          double t = rnd.nextInt(3) == 0 ? 1.0 : rnd.nextDouble();
          v = intoBox(Vectors.combination(t, z, center()));
        }
      }
      case LOW_RANK -> {
        int rank = 1 + rnd.nextInt(2);
        for (int l = 0; l < rank; l++) {
          double[] u = new double[rows];
          double[] w = new double[cols];
          fillGaussian(rnd, u, 1.0);
          fillGaussian(rnd, w, scale);
          for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
              v[i * cols + j] += u[i] * w[j];
            }
          }
        }
      }
      case EQUAL_SINGULAR_VALUES -> {
        int k = Math.min(rows, cols);
        int[] perm = permutation(rnd, Math.max(rows, cols));
        double c = scale * (1 + rnd.nextDouble());
        for (int i = 0; i < k; i++) {
          double value = rnd.nextBoolean() ? c : -c;
          if (rows <= cols) {
            v[i * cols + perm[i]] = value;
          } else {
            v[perm[i] * cols + i] = value;
          }
        }
      }
      default -> throw new AssertionError(distribution);
    }
    return v;
  }

  private static void fillGaussian(SplittableRandom rnd, double[] v, double sigma) {
    for (int i = 0; i < v.length; i++) {
      v[i] = sigma * rnd.nextGaussian();
    }
  }

  private static int[] permutation(SplittableRandom rnd, int n) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  /** A point of the set that every other point can be combined with. */
  double[] center() {
    int n = rows * cols;
    double[] c = new double[n];
    switch (set) {
      case BOX -> Arrays.fill(c, midpoint(lower, upper));
      case BOX_VECTOR_BOUNDS -> {
        for (int i = 0; i < n; i++) {
          c[i] = midpoint(lowerBounds[i], upperBounds[i]);
        }
      }
      case SIMPLEX -> Arrays.fill(c, n == 0 ? 0.0 : radius / n);
      default -> { } // every other set contains 0
    }
    return c;
  }

  /**
   * A convex combination of points of a box may leave it by an ulp when the box is thin; the
   * box membership checks are exact, so combinations are clipped back (a no-op otherwise).
   */
  private double[] intoBox(double[] v) {
    if (set == ConvexSet.BOX) {
      for (int i = 0; i < v.length; i++) {
        v[i] = Math.min(Math.max(v[i], lower), upper);
      }
    } else if (set == ConvexSet.BOX_VECTOR_BOUNDS) {
      for (int i = 0; i < v.length; i++) {
        v[i] = Math.min(Math.max(v[i], lowerBounds[i]), upperBounds[i]);
      }
    }
    return v;
  }

  private static double midpoint(double lo, double hi) {
    if (Double.isInfinite(lo) && Double.isInfinite(hi)) {
      return 0.0;
    }
    if (Double.isInfinite(lo)) {
      return hi;
    }
    if (Double.isInfinite(hi)) {
      return lo;
    }
    return 0.5 * lo + 0.5 * hi;
  }

  private List<SetPoint> drawPointsOfSet(SplittableRandom rnd) {
    int n = rows * cols;
    List<SetPoint> points = new ArrayList<>();
    if (n == 0 && set == ConvexSet.SIMPLEX) {
      return points; // the simplex in R^0 is empty
    }
    double[] center = center();
    points.add(new SetPoint("centre", center, Vectors.norm(center)));
    List<SetPoint> extremes = new ArrayList<>();
    for (int k = 0; k < 2; k++) {
      double[] e = extremePoint(rnd);
      if (e != null) {
        extremes.add(new SetPoint("extreme point", e, Vectors.norm(e)));
      }
    }
    for (int k = 0; k < 3; k++) {
      double[] w = new double[n];
      fillGaussian(rnd, w, scale * Math.pow(2, rnd.nextDouble(-3, 3)));
      double[] z = project(BackendCases.scalar(), w);
      extremes.add(new SetPoint("scalar projection of a random point", z,
          Math.max(Vectors.norm(w), Vectors.norm(z))));
    }
    points.addAll(extremes);
    for (SetPoint e : extremes.subList(0, 2)) {
      double t = rnd.nextDouble();
      points.add(new SetPoint("convex combination with the centre",
          intoBox(Vectors.combination(t, e.z(), center)),
          Math.max(e.inputScale(), Vectors.norm(center))));
    }
    return points;
  }

  /** A vertex, corner or boundary point of the set built in closed form, or null. */
  private double[] extremePoint(SplittableRandom rnd) {
    int n = rows * cols;
    double[] e = new double[n];
    switch (set) {
      case BALL, FROBENIUS_BALL -> {
        fillGaussian(rnd, e, 1.0);
        double norm = Vectors.norm(e);
        if (norm == 0.0) {
          return null;
        }
        return Vectors.scaled(radius / norm, e);
      }
      case BOX -> {
        for (int i = 0; i < n; i++) {
          e[i] = corner(rnd, lower, upper);
        }
      }
      case BOX_VECTOR_BOUNDS, BALL_BOX -> {
        for (int i = 0; i < n; i++) {
          e[i] = corner(rnd, lowerBounds[i], upperBounds[i]);
        }
        if (set == ConvexSet.BALL_BOX) {
          double norm = Vectors.norm(e);
          if (norm > radius) { // shrink a corner of the box into the ball
            e = Vectors.scaled(radius / norm * (1 - 0x1p-40), e);
          }
        }
      }
      case LINF_BALL -> {
        for (int i = 0; i < n; i++) {
          e[i] = rnd.nextBoolean() ? radius : -radius;
        }
      }
      case NON_NEGATIVE -> {
        for (int i = 0; i < n; i++) {
          e[i] = rnd.nextBoolean() ? 0.0 : scale * rnd.nextDouble();
        }
      }
      case SIMPLEX -> e[rnd.nextInt(n)] = radius;
      case SPECTRAL_BALL -> { // radius · u vᵀ with unit u, v
        double[] u = new double[rows];
        double[] v = new double[cols];
        fillGaussian(rnd, u, 1.0);
        fillGaussian(rnd, v, 1.0);
        double nu = Vectors.norm(u);
        double nv = Vectors.norm(v);
        if (nu == 0.0 || nv == 0.0) {
          return null;
        }
        for (int i = 0; i < rows; i++) {
          for (int j = 0; j < cols; j++) {
            e[i * cols + j] = radius * (u[i] / nu) * (v[j] / nv);
          }
        }
      }
      default -> throw new AssertionError(set);
    }
    return e;
  }

  private double corner(SplittableRandom rnd, double lo, double hi) {
    boolean takeLower = rnd.nextBoolean();
    double c = takeLower ? lo : hi;
    if (Double.isInfinite(c)) {
      c = takeLower ? hi : lo;
    }
    return Double.isInfinite(c) ? scale * rnd.nextGaussian() : c;
  }

  // ---------------------------------------------------------------- projection

  /**
   * Projects a copy of {@code point} with {@code backend}, through a view with this problem's
   * offset and stride (or leading dimension), and returns the result. Fails if the backend
   * wrote outside the view or into the bounds.
   */
  double[] project(Backend backend, double[] point) {
    try (Arena arena = Arena.ofConfined()) {
      if (set.isMatrix()) {
        int ld = Math.max(1, cols + pad);
        MemorySegment segment = sentinelSegment(arena, offset + (long) rows * ld + 3);
        DMatrix a = new DMatrix(segment, offset, rows, cols, ld).copyFrom(point);
        switch (set) {
          case FROBENIUS_BALL -> Projections.frobeniusBall(backend, a, radius);
          case SPECTRAL_BALL -> Projections.spectralBall(backend, a, radius);
          default -> throw new AssertionError(set);
        }
        checkSentinels(segment, j -> j >= offset && (j - offset) / ld < rows
            && (j - offset) % ld < cols, backend, "the matrix");
        return a.toArray();
      }
      int n = cols;
      DVector v = stridedCopy(arena, point);
      DVector lo = stridedCopy(arena, lowerBounds);
      DVector hi = stridedCopy(arena, upperBounds);
      switch (set) {
        case BALL -> Projections.ball(backend, v, radius);
        case BOX -> Projections.box(backend, v, lower, upper);
        case BOX_VECTOR_BOUNDS -> Projections.box(backend, v, lo, hi);
        case LINF_BALL -> Projections.linfBall(backend, v, radius);
        case NON_NEGATIVE -> Projections.nonNegative(backend, v);
        case SIMPLEX -> Projections.simplex(backend, v, radius);
        case BALL_BOX -> Projections.ballBox(backend, v, radius, lo, hi);
        default -> throw new AssertionError(set);
      }
      checkSentinels(v.segment(), j -> j >= offset && (j - offset) % stride == 0
          && (j - offset) / stride < n, backend, "the vector");
      if (lo.length() > 0 && !(Arrays.equals(lo.toArray(), lowerBounds)
          && Arrays.equals(hi.toArray(), upperBounds))) {
        throw new AssertionError(backend.name() + " modified the box bounds (" + this + ")");
      }
      return v.toArray();
    }
  }

  private DVector stridedCopy(Arena arena, double[] values) {
    int n = values.length;
    MemorySegment segment =
        sentinelSegment(arena, offset + (long) Math.max(0, n - 1) * stride + 1 + 3);
    return new DVector(segment, offset, n, stride).copyFrom(values);
  }

  private static MemorySegment sentinelSegment(Arena arena, long count) {
    MemorySegment segment = Buffers.allocate(arena, count);
    for (long j = 0; j < count; j++) {
      segment.setAtIndex(D, j, SENTINEL);
    }
    return segment;
  }

  private void checkSentinels(MemorySegment segment, java.util.function.LongPredicate isElement,
      Backend backend, String what) {
    long count = segment.byteSize() / Double.BYTES;
    for (long j = 0; j < count; j++) {
      if (!isElement.test(j) && Double.doubleToRawLongBits(segment.getAtIndex(D, j))
          != Double.doubleToRawLongBits(SENTINEL)) {
        throw new AssertionError(backend.name() + " wrote element " + j
            + " of the segment, outside " + what + " view (" + this + ")");
      }
    }
  }

  // ---------------------------------------------------------------- membership

  /** Relative tolerance of every property. */
  static final double TOLERANCE = 1e-12;

  /**
   * Fails unless {@code p} lies in the set: bounds exactly, norms within a relative
   * {@value #TOLERANCE}; the simplex sum within {@value #TOLERANCE} relative to the larger of
   * the radius and the input's largest element (the threshold is computed from the input).
   */
  void assertInSet(double[] p, double inputScale, String what) {
    int n = p.length;
    switch (set) {
      case BALL, FROBENIUS_BALL -> {
        double norm = Vectors.norm(p);
        check(norm <= radius * (1 + TOLERANCE), what, "has norm " + norm + " > radius " + radius);
      }
      case BOX -> {
        for (int i = 0; i < n; i++) {
          check(lower <= p[i] && p[i] <= upper, what,
              "element " + i + " = " + p[i] + " is outside [" + lower + ", " + upper + "]");
        }
      }
      case BOX_VECTOR_BOUNDS, BALL_BOX -> {
        for (int i = 0; i < n; i++) {
          check(lowerBounds[i] <= p[i] && p[i] <= upperBounds[i], what, "element " + i + " = "
              + p[i] + " is outside [" + lowerBounds[i] + ", " + upperBounds[i] + "]");
        }
        if (set == ConvexSet.BALL_BOX) {
          double norm = Vectors.norm(p);
          check(norm <= radius * (1 + TOLERANCE), what,
              "has norm " + norm + " > radius " + radius);
        }
      }
      case LINF_BALL -> {
        for (int i = 0; i < n; i++) {
          check(Math.abs(p[i]) <= radius, what,
              "element " + i + " = " + p[i] + " exceeds the radius " + radius);
        }
      }
      case NON_NEGATIVE -> {
        for (int i = 0; i < n; i++) {
          check(p[i] >= 0, what, "element " + i + " = " + p[i] + " is negative");
        }
      }
      case SIMPLEX -> {
        if (n == 0) {
          return;
        }
        double sum = 0.0;
        for (int i = 0; i < n; i++) {
          check(p[i] >= 0, what, "element " + i + " = " + p[i] + " is negative");
          sum += p[i];
        }
        check(Math.abs(sum - radius) <= TOLERANCE * Math.max(radius, inputScale), what,
            "sums to " + sum + ", not the radius " + radius);
      }
      case SPECTRAL_BALL -> {
        double sigma = SingularValues.largest(p, rows, cols);
        check(sigma <= radius * (1 + TOLERANCE), what,
            "has spectral norm " + sigma + " > radius " + radius);
      }
      default -> throw new AssertionError(set);
    }
  }

  private void check(boolean ok, String what, String problem) {
    if (!ok) {
      throw new AssertionError(what + " " + problem + " (" + this + ")");
    }
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(set.toString());
    if (set.isMatrix()) {
      sb.append(' ').append(rows).append('x').append(cols).append(" ld=cols+").append(pad);
    } else {
      sb.append(" n=").append(cols).append(" stride=").append(stride);
    }
    sb.append(" offset=").append(offset).append(' ').append(distribution)
        .append(" seed=").append(seed).append(" scale=").append(scale);
    if (set.hasRadius()) {
      sb.append(" radius=").append(radius);
    }
    if (set == ConvexSet.BOX) {
      sb.append(" bounds=[").append(lower).append(", ").append(upper).append(']');
    }
    if (lowerBounds.length > 0) {
      sb.append(" lower=").append(Vectors.preview(lowerBounds))
          .append(" upper=").append(Vectors.preview(upperBounds));
    }
    return sb.append(" x=").append(Vectors.preview(x)).toString();
  }
}
