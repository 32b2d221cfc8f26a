package io.github.bilevel.nativebindings.openblas;

import static org.junit.jupiter.api.Assertions.fail;

import io.github.bilevel.kernels.Activation;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.Buffers;
import io.github.bilevel.kernels.DMatrix;
import io.github.bilevel.kernels.DVector;
import io.github.bilevel.kernels.GemmEpilogue;
import io.github.bilevel.kernels.ScalarBackend;
import io.github.bilevel.kernels.Transpose;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fused GEMM of {@link OpenBlasBackend} (the composed default of the kernels module on
 * OpenBLAS's dgemm) against {@link ScalarBackend}'s definition: all four transposes, each
 * activation, with and without scale, addend, bias and mix, β zero (NaN in the addend) and
 * not, shapes with k = 1 and k above one block.
 */
class OpenBlasFusedGemmTest {

  private static final Backend REFERENCE = new ScalarBackend();
  private static Backend openblas;

  /** Skips (visibly, per test) where OpenBLAS is not installed. */
  @BeforeEach
  void requireOpenBlas() {
    openblas = OpenBlasTesting.backendOrSkip();
  }

  private static final int[][] SHAPES = {{1, 1, 1}, {7, 9, 5}, {5, 3, 1}, {67, 29, 64},
      {33, 23, 517}};

  static Stream<Arguments> shapesAndTransposes() {
    List<Arguments> out = new ArrayList<>();
    for (int[] s : SHAPES) {
      for (boolean ta : new boolean[] {false, true}) {
        for (boolean tb : new boolean[] {false, true}) {
          out.add(Arguments.of(s[0], s[1], s[2], ta, tb));
        }
      }
    }
    return out.stream();
  }

  private static DMatrix random(Arena arena, int rows, int cols, Random random) {
    DMatrix m = Buffers.matrix(arena, rows, cols);
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        m.set(i, j, 2 * random.nextDouble() - 1);
      }
    }
    return m;
  }

  @ParameterizedTest(name = "{0}x{1}x{2} transA={3} transB={4}")
  @MethodSource("shapesAndTransposes")
  void matchesTheScalarDefinition(int m, int n, int k, boolean ta, boolean tb) {
    Random random = new Random(31L * m + 7L * n + k + (ta ? 1 : 0) + (tb ? 2 : 0));
    double alpha = 1.5 / Math.sqrt(k);
    try (Arena arena = Arena.ofShared()) {
      DMatrix a = ta ? random(arena, k, m, random) : random(arena, m, k, random);
      DMatrix s = ta ? random(arena, k, m, random) : random(arena, m, k, random);
      DMatrix b = tb ? random(arena, n, k, random) : random(arena, k, n, random);
      DMatrix y = random(arena, m, n, random);
      DVector bias = Buffers.vector(arena, n);
      for (int j = 0; j < n; j++) {
        bias.set(j, 2 * random.nextDouble() - 1);
      }
      double[] x0 = random(arena, m, n, random).toArray();
      double[] c0 = random(arena, m, n, random).toArray();
      for (Activation act : Activation.values()) {
        for (int features = 0; features < 16; features++) {
          for (double beta : new double[] {0.0, -0.7}) {
            DMatrix[] c = {Buffers.matrix(arena, m, n), Buffers.matrix(arena, m, n)};
            DMatrix[] x = {Buffers.matrix(arena, m, n), Buffers.matrix(arena, m, n)};
            Backend[] backends = {REFERENCE, openblas};
            for (int r = 0; r < 2; r++) {
              c[r].copyFrom(c0);
              x[r].copyFrom(x0);
              GemmEpilogue<DMatrix, DVector> e = GemmEpilogue.of(act);
              e = (features & 1) != 0 ? e.withScale(s) : e;
              e = (features & 2) != 0 ? e.withAddend(y) : e;
              e = (features & 4) != 0 ? e.withBias(bias) : e;
              e = (features & 8) != 0 ? e.withMix(0.3, x[r]) : e;
              backends[r].gemm(Transpose.of(ta), Transpose.of(tb), alpha, a, b, beta, c[r], e);
            }
            String what = m + "x" + n + "x" + k + " " + act + " features " + features + " β "
                + beta;
            compare(what + ": C", c[0].toArray(), c[1].toArray());
            compare(what + ": X", x[0].toArray(), x[1].toArray());
          }
        }
      }
    }
  }

  private static void compare(String what, double[] want, double[] got) {
    for (int i = 0; i < want.length; i++) {
      if (!(Math.abs(got[i] - want[i]) <= 1e-12 * (1 + Math.abs(want[i])) * 64)) {
        fail(what + " element " + i + ": " + got[i] + ", expected " + want[i]);
      }
    }
  }
}
