package io.github.bilevel.bsgm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.Buffers;
import io.github.bilevel.kernels.DMatrix;
import io.github.bilevel.kernels.DVector;
import io.github.bilevel.kernels.ScalarBackend;
import java.lang.foreign.Arena;
import org.junit.jupiter.api.Test;

class DemoCommandTest {

  @Test
  void powerIterationFindsTheLargestSingularValueOfADiagonalMatrix() {
    Backend backend = new ScalarBackend();
    try (Arena arena = Arena.ofConfined()) {
      int n = 7;
      DMatrix a = Buffers.matrix(arena, n, n);
      double[] diagonal = {0.3, -2.5, 1.0, 0.7, 2.0, -0.1, 1.5};
      for (int i = 0; i < n; i++) {
        a.set(i, i, diagonal[i]);
      }
      DVector v = Buffers.vector(arena, n);
      DVector av = Buffers.vector(arena, n);
      assertEquals(2.5, DemoCommand.spectralNorm(backend, a, v, av, 200), 1e-9);
    }
  }

  @Test
  void demoConvergesOnEveryCpuBackend() {
    assertEquals(0, Main.run("demo", "--n", "60", "--q", "0.5", "--backend", "scalar"));
    assertEquals(0, Main.run("demo", "--n", "60", "--q", "0.5", "--eta", "0.7"));
  }

  @Test
  void badOptionsAreRejectedWithANonZeroStatus() {
    assertNotEquals(0, Main.run("demo", "--q", "1.5"));
    assertNotEquals(0, Main.run("demo", "--eta", "0"));
    assertNotEquals(0, Main.run("demo", "--backend", "nope"));
    assertNotEquals(0, Main.run("demo", "--n", "-3"));
  }
}
