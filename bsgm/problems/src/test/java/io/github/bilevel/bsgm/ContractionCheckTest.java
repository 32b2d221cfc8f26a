package io.github.bilevel.bsgm;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.bsgm.problems.QuadraticProblem;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.Backends;
import io.github.bilevel.kernels.Buffers;
import io.github.bilevel.kernels.DVector;
import java.lang.foreign.Arena;
import org.junit.jupiter.api.Test;

class ContractionCheckTest {

  private final Backend backend = Backends.byName("simd");

  @Test
  void estimatesTheKnownContractionConstantOfAQuadraticMap() {
    for (long seed = 1; seed <= 10; seed++) {
      try (QuadraticProblem problem = new QuadraticProblem(backend, 25, 3, 1.0, 5.0, 1, 0.0,
          seed); Arena arena = Arena.ofConfined()) {
        double q = problem.contractionConstant().orElseThrow(); // (L − μ)/(L + μ) = 2/3
        double estimate = ContractionCheck.requireContraction(problem,
            Buffers.vector(arena, 25), Buffers.vector(arena, 3), 300, seed);
        // a lower bound of q (spectral radius ≤ norm; here they are equal), close to it
        assertTrue(estimate <= q * (1 + 1e-12) && estimate >= q * (1 - 1e-3),
            "seed " + seed + ": estimate " + estimate + ", q = " + q);
      }
    }
  }

  @Test
  void aMapThatExpandsIsReportedAsAnError() {
    try (QuadraticProblem inner = new QuadraticProblem(backend, 4, 1, 1.0, 2.0, 1, 0.0, 1L);
        Arena arena = Arena.ofConfined()) {
      BilevelProblem expanding = new ScaledMapProblem(inner, 1.6 / inner.contractionConstant()
          .orElseThrow());
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> ContractionCheck.requireContraction(expanding, Buffers.vector(arena, 4),
              Buffers.vector(arena, 1), 200, 3L));
      assertTrue(e.getMessage().contains("not a contraction"), e.getMessage());
    }
  }

  /** The inner problem with its map's Jacobian scaled by {@code factor} (test only). */
  private record ScaledMapProblem(QuadraticProblem inner, double factor)
      implements BilevelProblem {
    @Override
    public Backend backend() {
      return inner.backend();
    }

    @Override
    public int lowerDimension() {
      return inner.lowerDimension();
    }

    @Override
    public int upperDimension() {
      return inner.upperDimension();
    }

    @Override
    public int lowerSamples() {
      return 1;
    }

    @Override
    public int upperSamples() {
      return 1;
    }

    @Override
    public void map(DVector w, DVector lambda, Batch xi, DVector out) {
      inner.map(w, lambda, xi, out);
      inner.backend().scal(factor, out);
    }

    @Override
    public Linearization linearization(java.lang.foreign.Arena arena) {
      Linearization linearization = inner.linearization(arena);
      return new Linearization() {
        @Override
        public void linearize(DVector w, DVector lambda, Batch xi) {
          linearization.linearize(w, lambda, xi);
        }

        @Override
        public void vjpW(DVector v, DVector out) {
          linearization.vjpW(v, out);
          inner.backend().scal(factor, out);
        }

        @Override
        public void vjpLambda(DVector v, DVector out) {
          linearization.vjpLambda(v, out);
          inner.backend().scal(factor, out);
        }
      };
    }

    @Override
    public double objective(DVector w, DVector lambda, Batch zeta) {
      return inner.objective(w, lambda, zeta);
    }

    @Override
    public void objectiveGradientW(DVector w, DVector lambda, Batch zeta, DVector out) {
      inner.objectiveGradientW(w, lambda, zeta, out);
    }

    @Override
    public void objectiveGradientLambda(DVector w, DVector lambda, Batch zeta, DVector out) {
      inner.objectiveGradientLambda(w, lambda, zeta, out);
    }

    @Override
    public void projectUpper(DVector lambda) {
      inner.projectUpper(lambda);
    }
  }
}
