package io.github.bilevel.bsgm.problems;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.Backends;
import io.github.bilevel.kernels.Buffers;
import io.github.bilevel.kernels.DMatrix;
import io.github.bilevel.kernels.Projections;
import java.lang.foreign.Arena;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The warm-started projection against the backend's cold Jacobi projection. */
class SpectralBallProjectorTest {

  private final Backend backend = Backends.byName("simd");

  private static double maxDifference(double[] a, double[] b) {
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]));
    }
    return max;
  }

  @Test
  void agreesWithTheBackendOverASequenceOfProjectedGradientSteps() {
    for (int d : new int[] {1, 2, 7, 33}) {
      SplittableRandom random = new SplittableRandom(d);
      try (Arena arena = Arena.ofConfined();
          SpectralBallProjector projector = new SpectralBallProjector(backend, d)) {
        double[] current = random.doubles(d * d, -1, 1).toArray();
        for (int step = 0; step < 60; step++) {
          // steps of several sizes, and now and then a fresh matrix (all values clipped)
          double size = step % 15 == 14 ? Double.NaN : (step % 3 == 0 ? 1e-1 : 1e-3);
          double[] next = current.clone();
          for (int i = 0; i < next.length; i++) {
            next[i] = Double.isNaN(size) ? random.nextDouble(-1, 1)
                : next[i] + size * random.nextGaussian();
          }
          DMatrix warm = Buffers.matrix(arena, d, d, next);
          DMatrix cold = Buffers.matrix(arena, d, d, next);
          projector.project(warm, 0.5);
          Projections.spectralBall(backend, cold, 0.5);
          assertTrue(maxDifference(warm.toArray(), cold.toArray()) < 1e-12,
              "d = " + d + ", step " + step + ": " + maxDifference(warm.toArray(),
                  cold.toArray()));
          current = warm.toArray();
        }
      }
    }
  }

  /** {@code Q diag(s) Rᵀ} with random orthogonal {@code Q, R} (Gram–Schmidt). */
  private static double[] withSingularValues(double[] s, SplittableRandom random) {
    int d = s.length;
    double[][] q = orthogonal(d, random);
    double[][] r = orthogonal(d, random);
    double[] a = new double[d * d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        double sum = 0;
        for (int k = 0; k < d; k++) {
          sum += q[k][i] * s[k] * r[k][j];
        }
        a[i * d + j] = sum;
      }
    }
    return a;
  }

  private static double[][] orthogonal(int d, SplittableRandom random) {
    double[][] rows = new double[d][];
    for (int i = 0; i < d; i++) {
      double[] v = random.doubles(d, -1, 1).toArray();
      for (int k = 0; k < i; k++) {
        double dot = 0;
        for (int j = 0; j < d; j++) {
          dot += v[j] * rows[k][j];
        }
        for (int j = 0; j < d; j++) {
          v[j] -= dot * rows[k][j];
        }
      }
      double norm = 0;
      for (double e : v) {
        norm += e * e;
      }
      norm = Math.sqrt(norm);
      for (int j = 0; j < d; j++) {
        v[j] /= norm;
      }
      rows[i] = v;
    }
    return rows;
  }

  @Test
  void fewValuesNearTheBoundaryTakeFewRotations() {
    int d = 40;
    SplittableRandom random = new SplittableRandom(9);
    double[] s = new double[d];
    for (int i = 0; i < d; i++) {
      s[i] = i < 3 ? 0.6 + 0.1 * i : 0.35 * random.nextDouble(); // three above ρ, the rest well below
    }
    double[] current = withSingularValues(s, random);
    try (Arena arena = Arena.ofConfined();
        SpectralBallProjector projector = new SpectralBallProjector(backend, d)) {
      for (int step = 0; step < 20; step++) {
        double[] next = current.clone();
        for (int i = 0; i < next.length; i++) {
          next[i] += (step == 0 ? 0 : 1e-3) * random.nextGaussian();
        }
        DMatrix warm = Buffers.matrix(arena, d, d, next);
        DMatrix cold = Buffers.matrix(arena, d, d, next);
        long before = projector.rotations();
        boolean clipped = projector.project(warm, 0.5);
        assertTrue(clipped || step > 0, "the first matrix has three values above 0.5");
        long used = projector.rotations() - before;
        Projections.spectralBall(backend, cold, 0.5);
        assertTrue(maxDifference(warm.toArray(), cold.toArray()) < 1e-12);
        if (step > 0) {
          // a fresh projector (V = I) on the same matrix resolves the whole spectrum
          try (SpectralBallProjector fresh = new SpectralBallProjector(backend, d)) {
            fresh.project(Buffers.matrix(arena, d, d, next), 0.5);
            assertTrue(2 * used < fresh.rotations(), "step " + step + ": " + used
                + " rotations warm, " + fresh.rotations() + " cold");
          }
        }
        current = warm.toArray();
      }
    }
  }

  @Test
  void aMatrixInsideTheBallIsUnchanged() {
    try (Arena arena = Arena.ofConfined();
        SpectralBallProjector projector = new SpectralBallProjector(backend, 9)) {
      double[] values = new SplittableRandom(4).doubles(81, -1, 1).toArray();
      DMatrix a = Buffers.matrix(arena, 9, 9, values);
      assertTrue(projector.project(a, 0.5));
      double[] projected = a.toArray();
      assertFalse(projector.project(a, 0.5), "already inside: nothing clipped");
      assertArrayEquals(projected, a.toArray(), 0.0);
      DMatrix small = Buffers.matrix(arena, 9, 9, values);
      assertFalse(projector.project(small, 100.0));
      assertArrayEquals(values, small.toArray(), 0.0);
    }
  }

  @Test
  void badInputIsReported() {
    try (Arena arena = Arena.ofConfined();
        SpectralBallProjector projector = new SpectralBallProjector(backend, 3)) {
      DMatrix a = Buffers.matrix(arena, 3, 3, 1, 2, 3, 4, Double.NaN, 6, 7, 8, 9);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> projector.project(a, 0.5));
      assertTrue(e.getMessage().contains("NaN"), e.getMessage());
      assertThrows(IllegalArgumentException.class,
          () -> projector.project(Buffers.matrix(arena, 2, 3), 0.5));
      assertEquals(0, projector.sweeps());
    }
  }
}
