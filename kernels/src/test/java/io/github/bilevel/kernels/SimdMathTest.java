package io.github.bilevel.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;
import jdk.incubator.vector.DoubleVector;
import org.junit.jupiter.api.Test;

/**
 * {@link SimdMath} against {@code Math} (exp within 1 ulp, tanh within 2, the sigmoid within 3
 * of {@code 1 / (1 + Math.exp(−x))}, itself a few roundings from the exact value) on
 * wide ranges of random inputs, the special values, and the same bits on the first
 * (interpreted) calls as after compilation.
 */
class SimdMathTest {

  private static final int L = SimdBackend.lanes();

  private static double[] apply(UnaryOperator<DoubleVector> f, double[] x) {
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i += L) {
      f.apply(DoubleVector.fromArray(SimdSupport.SPECIES, x, i)).intoArray(out, i);
    }
    return out;
  }

  /** {@code |got − want|} in ulps of {@code want} (0 when both are the same non-finite value). */
  private static double ulps(double got, double want) {
    if (Double.compare(got, want) == 0) {
      return 0.0;
    }
    return Math.abs(got - want) / Math.ulp(want);
  }

  private static void check(String name, UnaryOperator<DoubleVector> f, DoubleUnaryOperator ref,
      double lo, double hi, double maxUlps) {
    Random random = new Random(name.hashCode());
    double[] x = new double[1 << 16];
    for (int i = 0; i < x.length; i++) {
      x[i] = lo + (hi - lo) * random.nextDouble();
    }
    double[] got = apply(f, x);
    double worst = 0.0;
    for (int i = 0; i < x.length; i++) {
      double want = ref.applyAsDouble(x[i]);
      double u = ulps(got[i], want);
      worst = Math.max(worst, u);
      if (!(u <= maxUlps)) {
        fail(name + "(" + x[i] + ") = " + got[i] + ", Math gives " + want + ": " + u + " ulps");
      }
    }
    assertTrue(worst <= maxUlps, name + ": " + worst + " ulps");
  }

  private static double sigmoid(double x) {
    return 1.0 / (1.0 + Math.exp(-x));
  }

  @Test
  void expIsWithinOneUlpOfMath() {
    check("exp", SimdMath::exp, Math::exp, -1, 1, 1);
    check("exp", SimdMath::exp, Math::exp, -50, 50, 1);
    check("exp", SimdMath::exp, Math::exp, -708, 709.7, 1);
    check("exp", SimdMath::exp, Math::exp, -1e-8, 1e-8, 1);
  }

  @Test
  void tanhIsWithinTwoUlpsOfMath() {
    check("tanh", SimdMath::tanh, Math::tanh, -1e-9, 1e-9, 2);
    check("tanh", SimdMath::tanh, Math::tanh, -0.1, 0.1, 2);
    check("tanh", SimdMath::tanh, Math::tanh, -1, 1, 2);
    check("tanh", SimdMath::tanh, Math::tanh, -5, 5, 2);
    check("tanh", SimdMath::tanh, Math::tanh, -30, 30, 2);
  }

  @Test
  void sigmoidIsWithinThreeUlpsOfTheDefinition() {
    check("sigmoid", SimdMath::sigmoid, SimdMathTest::sigmoid, -1, 1, 3);
    check("sigmoid", SimdMath::sigmoid, SimdMathTest::sigmoid, -40, 40, 3);
    check("sigmoid", SimdMath::sigmoid, SimdMathTest::sigmoid, -700, 700, 3);
  }

  @Test
  void specialValues() {
    double[] x = new double[Math.max(L, 8)];
    double[] specials = {0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY, 800.0, -800.0, Double.MIN_VALUE};
    for (int i = 0; i < x.length; i++) {
      x[i] = specials[i % specials.length];
    }
    for (int start = 0; start < specials.length; start += L) {
      double[] chunk = new double[L];
      for (int i = 0; i < L && start + i < specials.length; i++) {
        chunk[i] = specials[start + i];
      }
      double[] e = apply(SimdMath::exp, chunk);
      double[] t = apply(SimdMath::tanh, chunk);
      double[] s = apply(SimdMath::sigmoid, chunk);
      for (int i = 0; i < L && start + i < specials.length; i++) {
        double v = chunk[i];
        assertTrue(ulps(e[i], Math.exp(v)) <= 1 || Double.isNaN(v) && Double.isNaN(e[i]),
            "exp(" + v + ") = " + e[i]);
        assertEquals(Math.tanh(v), t[i], 0.0, "tanh(" + v + ")"); // exact at these, sign too
        assertEquals(Double.doubleToLongBits(Math.tanh(v)) >>> 63,
            Double.doubleToLongBits(t[i]) >>> 63, "sign of tanh(" + v + ")");
        assertEquals(sigmoid(v), s[i], 0.0, "sigmoid(" + v + ")");
      }
    }
  }

  /** Pure IEEE arithmetic: the first calls (interpreted) give the bits of compiled code. */
  @Test
  void theSameBitsHoweverWarmTheJvmIs() {
    Random random = new Random(9);
    double[] x = new double[64 * L];
    for (int i = 0; i < x.length; i++) {
      x[i] = 40 * random.nextDouble() - 20;
    }
    double[] coldTanh = apply(SimdMath::tanh, x);
    double[] coldSigmoid = apply(SimdMath::sigmoid, x);
    for (int rep = 0; rep < 20_000; rep++) {
      apply(SimdMath::tanh, x);
      apply(SimdMath::sigmoid, x);
    }
    assertTrue(java.util.Arrays.equals(coldTanh, apply(SimdMath::tanh, x)));
    assertTrue(java.util.Arrays.equals(coldSigmoid, apply(SimdMath::sigmoid, x)));
  }
}
