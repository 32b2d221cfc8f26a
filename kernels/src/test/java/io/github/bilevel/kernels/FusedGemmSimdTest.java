package io.github.bilevel.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.bilevel.kernels.FusedGemmTest.Case;
import io.github.bilevel.kernels.FusedGemmTest.Data;
import io.github.bilevel.kernels.FusedGemmTest.Features;
import io.github.bilevel.kernels.FusedGemmTest.Operands;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fused GEMM of {@link SimdBackend}: bit-identical for every thread count (as
 * {@link SimdGemmThreadsTest} checks the plain one), bit-identical to the plain gemm when the
 * epilogue adds nothing pointwise, and its activations the backend's elementwise kernels:
 * identity and ReLU bit for bit, tanh within 3 ulps and the sigmoid within 4 (the fused
 * kernel's {@link SimdMath} against the Vector API's functions).
 */
class FusedGemmSimdTest {

  /** Odd shapes: row cuts, column-panel cuts, ragged edges, k over one k block (512). */
  private static final int[][] SHAPES = {
      {9, 7, 5}, {17, 3, 11}, {33, 35, 1}, {5, 61, 13}, {3, 97, 7}, {67, 29, 131},
      {101, 13, 29}, {13, 101, 29}, {255, 37, 517}, {31, 301, 63}, {40, 50, 1100},
  };

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

  private static double[] run(Backend backend, Case cs, Data d, boolean mixTarget) {
    try (Arena arena = Arena.ofShared()) {
      Operands o = FusedGemmTest.operands(arena, d);
      FusedGemmTest.run(backend, o, cs);
      return mixTarget ? o.epilogue().mixTarget().toArray() : o.c().toArray();
    }
  }

  /**
   * C and X of every epilogue for threads 1 .. 4 (threshold 0: every product is cut into as
   * many parts as it has row blocks or column panels), each bitwise equal to one thread.
   */
  @ParameterizedTest(name = "{0}x{1}x{2} transA={3} transB={4}")
  @MethodSource("shapesAndTransposes")
  void everyThreadCountGivesTheSameBits(int m, int n, int k, boolean ta, boolean tb) {
    Case[] cases = {
        new Case(m, n, k, ta, tb, Activation.TANH, new Features(true, true, true, true),
            0.3, -0.7, 0.35),
        new Case(m, n, k, ta, tb, Activation.SIGMOID, new Features(false, true, false, false),
            -0.3, 0.0, 0.0),
        new Case(m, n, k, ta, tb, Activation.RELU, new Features(true, false, true, true),
            0.3, -0.7, 1.0),
    };
    long seed = 31L * m + 17L * n + k;
    for (Case cs : cases) {
      Data d = new Data(cs, seed++);
      double[] oneC = run(new SimdBackend(new KernelThreads(1, 0)), cs, d, false);
      double[] oneX = cs.f().mix() ? run(new SimdBackend(new KernelThreads(1, 0)), cs, d, true)
          : null;
      for (int threads = 2; threads <= 4; threads++) {
        Backend simd = new SimdBackend(new KernelThreads(threads, 0));
        if (!Arrays.equals(oneC, run(simd, cs, d, false))) {
          fail(cs + ": C on " + threads + " threads differs from 1 thread");
        }
        if (oneX != null && !Arrays.equals(oneX, run(simd, cs, d, true))) {
          fail(cs + ": X on " + threads + " threads differs from 1 thread");
        }
      }
    }
  }

  /**
   * The fused activation against the SIMD gemm followed by the SIMD elementwise kernel on the
   * whole of C; with nothing pointwise, the fused gemm is the plain gemm bit for bit (the
   * addend then is C copied from Y first).
   */
  @ParameterizedTest(name = "{0}x{1}x{2} transA={3} transB={4}")
  @MethodSource("shapesAndTransposes")
  void activationsAreTheElementwiseKernels(int m, int n, int k, boolean ta, boolean tb) {
    Backend simd = new SimdBackend(new KernelThreads(2, 0));
    for (Activation act : Activation.values()) {
      for (boolean addend : new boolean[] {false, true}) {
        Case cs = new Case(m, n, k, ta, tb, act, new Features(false, addend, false, false),
            2.0 / Math.sqrt(k), addend ? 0.6 : 0.0, 0.0);
        Data d = new Data(cs, 11L * m + n + k);
        double[] fused = run(simd, cs, d, false);
        double[] unfused;
        try (Arena arena = Arena.ofShared()) {
          DMatrix a = Buffers.matrix(arena, d.aRows(), d.aCols()).copyFrom(d.a);
          DMatrix b = Buffers.matrix(arena, d.bRows(), d.bCols()).copyFrom(d.b);
          DMatrix c = Buffers.matrix(arena, m, n).copyFrom(addend ? d.y : new double[m * n]);
          simd.gemm(Transpose.of(ta), Transpose.of(tb), cs.alpha(), a, b, cs.beta(), c);
          DVector flat = c.asVector();
          switch (act) {
            case IDENTITY -> { }
            case TANH -> simd.tanh(flat, flat);
            case SIGMOID -> simd.sigmoid(flat, flat);
            case RELU -> simd.relu(flat, flat);
          }
          unfused = c.toArray();
        }
        if (act != Activation.SIGMOID) {   // the elementwise tanh is SimdMath's too
          assertArrayEquals(unfused, fused, cs.toString());
          continue;
        }
        // SimdMath's sigmoid (within 3 ulps of 1/(1 + Math.exp(−x))) against the elementwise
        // kernel's own IEEE one (about 2 ulps): at most the sum apart
        double ulps = 6;
        for (int e = 0; e < fused.length; e++) {
          if (!(Math.abs(fused[e] - unfused[e]) <= ulps * Math.ulp(unfused[e]))) {
            fail(cs + ": C(" + e / n + ", " + e % n + ") = " + fused[e] + " fused, "
                + unfused[e] + " unfused: more than " + ulps + " ulps apart");
          }
        }
      }
    }
  }
}
