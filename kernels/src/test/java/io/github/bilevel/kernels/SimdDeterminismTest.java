package io.github.bilevel.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Reductions and the transcendental activations give the same bits on the first (interpreted)
 * call as after the JIT compiled them, and the rescaled nrm2 path equals the plain one scaled by
 * a power of two.
 */
class SimdDeterminismTest {

  @Test
  void reductionsDoNotDependOnHowWarmTheJvmIs() {
    Backend simd = new SimdBackend();
    try (Arena arena = Arena.ofConfined()) {
      int n = 1029;
      SplittableRandom random = new SplittableRandom(7);
      DVector x = Buffers.vector(arena, n);
      DVector y = Buffers.vector(arena, n);
      for (int i = 0; i < n; i++) {
        x.set(i, random.nextDouble(-1, 1) * Math.scalb(1.0, random.nextInt(-30, 30)));
        y.set(i, random.nextDouble(-1, 1));
      }
      DVector small = x.slice(0, 37);
      double dot = simd.dot(x, y);
      double nrm2 = simd.nrm2(x);
      double asum = simd.asum(x);
      double smallDot = simd.dot(small, small);
      for (int rep = 0; rep < 30_000; rep++) {
        simd.dot(x, y);
        simd.nrm2(x);
        simd.asum(x);
        simd.dot(small, small);
      }
      assertEquals(dot, simd.dot(x, y), 0.0);
      assertEquals(nrm2, simd.nrm2(x), 0.0);
      assertEquals(asum, simd.asum(x), 0.0);
      assertEquals(smallDot, simd.dot(small, small), 0.0);
    }
  }

  /**
   * tanh and sigmoid, first call against the 20000th, and a strided view (scalar loop) against
   * a contiguous one (vector lanes and scalar tail): the same bits everywhere. With the Vector
   * API's own TANH and EXP lanes they differed (Math.tanh per lane before C2 compiled the loop,
   * the CPU's vector routine after).
   */
  @Test
  void activationsDoNotDependOnHowWarmTheJvmIsNorOnTheLayout() {
    Backend simd = new SimdBackend(1);
    try (Arena arena = Arena.ofConfined()) {
      int n = 1031;
      SplittableRandom random = new SplittableRandom(13);
      double[] values = new double[n];
      for (int i = 0; i < n; i++) {
        values[i] = random.nextDouble(-30, 30) * Math.scalb(1.0, random.nextInt(-12, 4));
      }
      DVector x = Buffers.vector(arena, values);
      DVector tanh = Buffers.vector(arena, n);
      DVector sigmoid = Buffers.vector(arena, n);
      simd.tanh(x, tanh);
      simd.sigmoid(x, sigmoid);
      double[] coldTanh = tanh.toArray();
      double[] coldSigmoid = sigmoid.toArray();
      for (int rep = 0; rep < 20_000; rep++) {
        simd.tanh(x, tanh);
        simd.sigmoid(x, sigmoid);
      }
      assertArrayEquals(coldTanh, tanh.toArray());
      assertArrayEquals(coldSigmoid, sigmoid.toArray());
      // every element of x also as element 0 .. n-1 of a stride-2 view: the scalar loop
      DVector strided = new DVector(Buffers.allocate(arena, 2L * n), 0, n, 2).copyFrom(values);
      DVector out = new DVector(Buffers.allocate(arena, 2L * n), 1, n, 2);
      simd.tanh(strided, out);
      assertArrayEquals(coldTanh, out.toArray());
      simd.sigmoid(strided, out);
      assertArrayEquals(coldSigmoid, out.toArray());
    }
  }

  /**
   * softmax and softmax cross-entropy, first call against the 20000th: the same bits. With the
   * Vector API's own EXP lane they differed by an ulp now and then, so a distributed run's
   * retried task could differ from the first attempt in its last bit.
   */
  @Test
  void softmaxDoesNotDependOnHowWarmTheJvmIs() {
    Backend simd = new SimdBackend(1);
    try (Arena arena = Arena.ofConfined()) {
      int rows = 97;
      int classes = 10; // not a multiple of the vector length: vector lanes and a scalar tail
      SplittableRandom random = new SplittableRandom(17);
      DMatrix logits = Buffers.matrix(arena, rows, classes);
      int[] labels = new int[rows];
      for (int i = 0; i < rows; i++) {
        labels[i] = random.nextInt(classes);
        for (int j = 0; j < classes; j++) {
          logits.set(i, j, random.nextDouble(-8, 8));
        }
      }
      var labelSegment = Buffers.labels(arena, labels);
      DMatrix probabilities = Buffers.matrix(arena, rows, classes);
      DMatrix gradient = Buffers.matrix(arena, rows, classes);
      simd.softmax(logits, probabilities);
      double coldLoss = simd.softmaxCrossEntropy(logits, labelSegment, gradient);
      double[] coldProbabilities = flat(probabilities);
      double[] coldGradient = flat(gradient);
      double loss = coldLoss;
      for (int rep = 0; rep < 20_000; rep++) {
        simd.softmax(logits, probabilities);
        loss = simd.softmaxCrossEntropy(logits, labelSegment, gradient);
      }
      assertEquals(coldLoss, loss, 0.0);
      assertArrayEquals(coldProbabilities, flat(probabilities));
      assertArrayEquals(coldGradient, flat(gradient));
    }
  }

  private static double[] flat(DMatrix m) {
    double[] out = new double[m.rows() * m.cols()];
    for (int i = 0; i < m.rows(); i++) {
      for (int j = 0; j < m.cols(); j++) {
        out[i * m.cols() + j] = m.get(i, j);
      }
    }
    return out;
  }

  @Test
  void rescaledNormEqualsThePlainNormScaledExactly() {
    Backend simd = new SimdBackend();
    try (Arena arena = Arena.ofConfined()) {
      SplittableRandom random = new SplittableRandom(11);
      for (int n : new int[] {8, 9, 40, 1025}) {
        DVector x = Buffers.vector(arena, n);
        for (int i = 0; i < n; i++) {
          x.set(i, random.nextGaussian());
        }
        double plain = simd.nrm2(x); // sum of squares in range: the one-pass path
        // 2^600 x overflows the sum of squares, 2^-600 x underflows it: the rescaled path.
        for (int k : new int[] {600, -600}) {
          DVector scaled = Buffers.vector(arena, n);
          simd.copy(x, scaled);
          simd.scal(Math.scalb(1.0, k), scaled);
          assertEquals(Math.scalb(plain, k), simd.nrm2(scaled), 0.0, "n = " + n + ", k = " + k);
        }
      }
    }
  }
}
