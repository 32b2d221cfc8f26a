package io.github.bilevel.bsgm.problems;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.Backends;
import io.github.bilevel.kernels.Buffers;
import io.github.bilevel.kernels.DMatrix;
import java.lang.foreign.Arena;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The linear softmax baseline against full-batch gradient descent written in plain Java. */
class LinearSoftmaxTest {

  private final Backend backend = Backends.byName("simd");

  /** One full-batch gradient step of mean CE + (l2/2)‖W‖² on heap arrays. */
  private static void referenceStep(double[] w, double[] b, double[] x, int[] y, int p, int c,
      double lr, double l2) {
    int n = y.length;
    double[] gw = new double[c * p];
    double[] gb = new double[c];
    for (int i = 0; i < n; i++) {
      double[] logits = new double[c];
      double max = Double.NEGATIVE_INFINITY;
      for (int k = 0; k < c; k++) {
        logits[k] = b[k];
        for (int j = 0; j < p; j++) {
          logits[k] += w[k * p + j] * x[i * p + j];
        }
        max = Math.max(max, logits[k]);
      }
      double sum = 0;
      for (int k = 0; k < c; k++) {
        sum += Math.exp(logits[k] - max);
      }
      for (int k = 0; k < c; k++) {
        double g = (Math.exp(logits[k] - max) / sum - (k == y[i] ? 1 : 0)) / n;
        gb[k] += g;
        for (int j = 0; j < p; j++) {
          gw[k * p + j] += g * x[i * p + j];
        }
      }
    }
    for (int k = 0; k < c * p; k++) {
      w[k] -= lr * (gw[k] + l2 * w[k]);
    }
    for (int k = 0; k < c; k++) {
      b[k] -= lr * gb[k];
    }
  }

  @Test
  void fullBatchSgdIsGradientDescent() {
    int n = 13;
    int p = 6;
    int c = 4;
    SplittableRandom random = new SplittableRandom(3);
    double[] x = random.doubles(n * p, 0, 1).toArray();
    int[] y = random.ints(n, 0, c).toArray();
    double[] w = new double[c * p];
    double[] b = new double[c];
    try (Arena arena = Arena.ofConfined(); LinearSoftmax model = new LinearSoftmax(backend, p, c)) {
      DMatrix xm = Buffers.matrix(arena, n, p, x);
      // batches of n are permutations of all examples: the full-batch gradient every step
      LinearSoftmax.Result result = model.train(xm, y,
          new LinearSoftmax.Options(0.7, n, 5L * n, 0.05, 11));
      assertEquals(5L * n, result.examples());
      assertEquals(5, result.steps());
      for (int s = 0; s < 5; s++) {
        referenceStep(w, b, x, y, p, c, 0.7, 0.05);
      }
      assertArrayEquals(w, model.weights().toArray(), 1e-13);
      assertArrayEquals(b, model.bias().toArray(), 1e-13);
    }
  }

  @Test
  void learnsASeparableProblemAndMeetsTheBudgetExactly() {
    int n = 400;
    int p = 5;
    int c = 3;
    SplittableRandom random = new SplittableRandom(5);
    double[] centres = random.doubles(c * p, -3, 3).toArray();
    double[] x = new double[n * p];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = i % c;
      for (int j = 0; j < p; j++) {
        x[i * p + j] = centres[y[i] * p + j] + 0.1 * random.nextGaussian();
      }
    }
    try (Arena arena = Arena.ofConfined(); LinearSoftmax model = new LinearSoftmax(backend, p, c)) {
      DMatrix xm = Buffers.matrix(arena, n, p, x);
      Evaluation before = model.evaluate(xm, y);
      assertEquals(Math.log(c), before.loss(), 1e-12, "zero parameters: uniform prediction");
      LinearSoftmax.Result result = model.train(xm, y,
          new LinearSoftmax.Options(0.5, 32, 20 * 400 + 7, 0.0, 1));
      assertEquals(20 * 400 + 7, result.examples());
      assertEquals(8007 / 32 + 1, result.steps()); // the last step takes the 7 left
      Evaluation after = model.evaluate(xm, y);
      assertEquals(1.0, after.accuracy(), 0.0);
      assertTrue(after.loss() < 0.05, "loss " + after.loss());
      int[] predicted = model.predict(xm);
      for (int i = 0; i < n; i++) {
        assertEquals(y[i], predicted[i]);
      }
      model.reset();
      assertEquals(0.0, model.weights().get(1, 1), 0.0);
    }
  }

  @Test
  void badInputIsReported() {
    try (Arena arena = Arena.ofConfined(); LinearSoftmax model = new LinearSoftmax(backend, 3, 2)) {
      DMatrix x = Buffers.matrix(arena, 2, 3);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> model.train(x, new int[] {0, 2}, new LinearSoftmax.Options(0.1, 1, 4, 0, 1)));
      assertTrue(e.getMessage().contains("label 2 of example 1"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class,
          () -> model.evaluate(Buffers.matrix(arena, 2, 4), new int[] {0, 1}));
      assertTrue(e.getMessage().contains("3 features"), e.getMessage());
      assertThrows(IllegalArgumentException.class,
          () -> new LinearSoftmax.Options(0, 1, 4, 0, 1));
      // a learning rate far too large on large features diverges: reported, not silent
      DMatrix huge = Buffers.matrix(arena, 2, 3, 1e200, 1e200, 1e200, -1e200, 1e200, 1e200);
      assertThrows(ArithmeticException.class,
          () -> model.train(huge, new int[] {0, 1}, new LinearSoftmax.Options(1e200, 2, 10, 0, 1)));
    }
  }
}
