package io.github.bilevel.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Closed-form checks of the reference backend itself, so that the comparisons of the other
 * backends against it rest on something checked independently.
 */
class ScalarBackendTest {

  private final Backend b = new ScalarBackend();
  private final Arena arena = Arena.ofConfined();

  @AfterEach
  void close() {
    arena.close();
  }

  private DVector v(double... values) {
    return Buffers.vector(arena, values);
  }

  @Test
  void blas1() {
    assertEquals(32.0, b.dot(v(1, 2, 3), v(4, 5, 6)));
    assertEquals(0.0, b.dot(v(), v()));
    assertEquals(6.0, b.asum(v(-1, 2, -3)));
    assertEquals(5.0, b.nrm2(v(3, 4)));
    assertEquals(5e300, b.nrm2(v(3e300, 4e300)), 1e285);
    assertEquals(5e-300, b.nrm2(v(3e-300, 4e-300)), 1e-315);
    assertEquals(Double.MAX_VALUE, b.nrm2(v(Double.MAX_VALUE, 0, 0)));
    assertTrue(Double.isNaN(b.nrm2(v(1, Double.NaN))));
    assertEquals(Double.POSITIVE_INFINITY,
        b.nrm2(v(1, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY)));
    assertTrue(Double.isNaN(b.nrm2(v(Double.POSITIVE_INFINITY, Double.NaN))));

    DVector y = v(3, 4);
    b.axpy(2, v(1, 2), y);
    assertArrayEquals(new double[] {5, 8}, y.toArray());
    b.axpby(1, v(1, 1), 0.5, y);
    assertArrayEquals(new double[] {3.5, 5}, y.toArray());
    DVector nan = v(Double.NaN, Double.NaN);
    b.axpby(2, v(1, 2), 0.0, nan);
    assertArrayEquals(new double[] {2, 4}, nan.toArray());
    DVector h = v(Double.NaN, Double.NaN);
    b.hadamard(2, v(1, 3), v(5, -2), 0.0, h); // β = 0: the NaN in y is not read
    assertArrayEquals(new double[] {10, -12}, h.toArray());
    b.hadamard(-1, v(2, 0.5), h, 0.5, h); // y aliasing x: y ← −a ⊙ y + y/2
    assertArrayEquals(new double[] {-15, 0}, h.toArray());
    b.scal(-2, y);
    assertArrayEquals(new double[] {-7, -10}, y.toArray());
    b.copy(v(9, 8), y);
    assertArrayEquals(new double[] {9, 8}, y.toArray());
    b.fill(1.5, y);
    assertArrayEquals(new double[] {1.5, 1.5}, y.toArray());

    DVector x = v(1, 2);
    DVector z = v(3, 4);
    b.rot(x, z, 0.0, 1.0); // (x, z) ← (z, −x)
    assertArrayEquals(new double[] {3, 4}, x.toArray());
    assertArrayEquals(new double[] {-1, -2}, z.toArray());
  }

  @Test
  void kmStep() {
    DVector x = v(0, 2);
    b.kmStep(0.25, v(4, 2), x);
    assertArrayEquals(new double[] {1, 2}, x.toArray());
    DVector w = v(1, 1);
    assertEquals(5.0, b.kmStepResidual(0.5, v(4, 5), w)); // ‖(3, 4)‖
    assertArrayEquals(new double[] {2.5, 3}, w.toArray());
  }

  @Test
  void blas2() {
    DMatrix a = Buffers.matrix(arena, 2, 3, 1, 2, 3, 4, 5, 6);
    DVector y = v(1, 1);
    b.gemv(2, a, v(1, 0, -1), 3, y); // A x = (−2, −2)
    assertArrayEquals(new double[] {-1, -1}, y.toArray());
    DVector yt = v(Double.NaN, Double.NaN, Double.NaN);
    b.gemvT(1, a, v(1, 1), 0, yt); // Aᵀ (1, 1) = (5, 7, 9)
    assertArrayEquals(new double[] {5, 7, 9}, yt.toArray());
    b.ger(1, v(1, 2), v(1, 0, 1), a);
    assertArrayEquals(new double[] {2, 2, 4, 6, 5, 8}, a.toArray());
  }

  @Test
  void gemm() {
    DMatrix a = Buffers.matrix(arena, 2, 2, 1, 2, 3, 4);
    DMatrix bm = Buffers.matrix(arena, 2, 2, 5, 6, 7, 8);
    DMatrix c = Buffers.matrix(arena, 2, 2, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    b.gemm(Transpose.NO, Transpose.NO, 1, a, bm, 0, c);
    assertArrayEquals(new double[] {19, 22, 43, 50}, c.toArray());
    b.gemm(Transpose.YES, Transpose.NO, 1, a, bm, 0, c); // Aᵀ B
    assertArrayEquals(new double[] {26, 30, 38, 44}, c.toArray());
    b.gemm(Transpose.NO, Transpose.YES, 1, a, bm, 1, c); // A Bᵀ + C
    assertArrayEquals(new double[] {26 + 17, 30 + 23, 38 + 39, 44 + 53}, c.toArray());
    DMatrix r = Buffers.matrix(arena, 2, 3);
    b.gemm(Transpose.YES, Transpose.NO, 2, Buffers.matrix(arena, 1, 2, 1, 2),
        Buffers.matrix(arena, 1, 3, 1, 0, -1), 0, r); // 2 (1, 2)ᵀ (1, 0, −1)
    assertArrayEquals(new double[] {2, 0, -2, 4, 0, -4}, r.toArray());
  }

  @Test
  void activations() {
    DVector out = v(0, 0, 0);
    b.tanh(v(0, Double.POSITIVE_INFINITY, -1), out);
    assertArrayEquals(new double[] {0, 1, -0.7615941559557649}, out.toArray(), 1e-15);
    b.sigmoid(v(0, -800, Math.log(3)), out);
    assertArrayEquals(new double[] {0.5, 0, 0.75}, out.toArray(), 1e-15);
    b.relu(v(-1, 0, 2), out);
    assertArrayEquals(new double[] {0, 0, 2}, out.toArray());
    b.reluBackward(v(-1, 0, 2), v(5, 6, 7), out);
    assertArrayEquals(new double[] {0, 0, 7}, out.toArray());
    b.tanhBackward(v(0, 0.5, 1), v(2, 2, 2), out);
    assertArrayEquals(new double[] {2, 1.5, 0}, out.toArray());
    b.sigmoidBackward(v(0.5, 0, 1), v(4, 4, 4), out);
    assertArrayEquals(new double[] {1, 0, 0}, out.toArray());
  }

  @Test
  void softmaxAndCrossEntropy() {
    int c = 4;
    DMatrix z = Buffers.matrix(arena, 2, c, 3, 3, 3, 3, -7, -7, -7, -7);
    DMatrix p = Buffers.matrix(arena, 2, c);
    b.softmax(z, p);
    for (double e : p.toArray()) {
      assertEquals(0.25, e, 1e-16);
    }
    MemorySegment labels = Buffers.labels(arena, 1, 3);
    DMatrix g = Buffers.matrix(arena, 2, c);
    assertEquals(Math.log(c), b.softmaxCrossEntropy(z, labels, g), 1e-15);
    assertArrayEquals(new double[] {0.125, -0.375, 0.125, 0.125, 0.125, 0.125, 0.125, -0.375},
        g.toArray(), 1e-16);
    // large logits: no overflow; loss of a confident correct prediction is ~ e^{−1000}
    DMatrix big = Buffers.matrix(arena, 1, 2, 1000, 0);
    assertEquals(0.0, b.softmaxCrossEntropy(big, Buffers.labels(arena, 0), null), 1e-300);
    assertEquals(1000.0, b.softmaxCrossEntropy(big, Buffers.labels(arena, 1), null), 1e-12);
    assertThrows(IllegalArgumentException.class,
        () -> b.softmaxCrossEntropy(z, Buffers.labels(arena, 0, 4), null));
  }

  @Test
  void projections() {
    DVector s = v(2, 0, 0);
    Projections.simplex(b, s, 1);
    assertArrayEquals(new double[] {1, 0, 0}, s.toArray());
    DVector t = v(1, 1, 1);
    Projections.simplex(b, t, 3);
    assertArrayEquals(new double[] {1, 1, 1}, t.toArray());
    DVector u = v(0.5, 0.1, -3);
    Projections.simplex(b, u, 1); // τ = (0.6 − 1)/2 = −0.2
    assertArrayEquals(new double[] {0.7, 0.3, 0}, u.toArray(), 1e-15);
    assertThrows(IllegalArgumentException.class, () -> Projections.simplex(b, v(1, Double.NaN), 1));

    DVector x = v(-2, 0.5, 3);
    Projections.box(b, x, -1, 1);
    assertArrayEquals(new double[] {-1, 0.5, 1}, x.toArray());
    DVector w = v(3, 4);
    Projections.ball(b, w, 1);
    assertArrayEquals(new double[] {0.6, 0.8}, w.toArray(), 2e-16);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Projections.box(b, v(0, 0, 0), v(0, 1, 0), v(1, 0, 1)));
    assertTrue(e.getMessage().contains("index 1"), e.getMessage());
  }
}
