package io.github.bilevel.bsgm.problems;

/** The logistic function and loss, evaluated without overflow for any argument. */
final class Logistic {

  private Logistic() {}

  /** {@code σ(z) = 1/(1 + e^{−z})}. */
  static double sigmoid(double z) {
    return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
  }

  /** {@code log(1 + e^{−z})}, the logistic loss of the margin {@code z}. */
  static double loss(double z) {
    return z >= 0 ? Math.log1p(Math.exp(-z)) : -z + Math.log1p(Math.exp(z));
  }
}
