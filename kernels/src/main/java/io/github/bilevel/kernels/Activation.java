package io.github.bilevel.kernels;

/**
 * The elementwise activation of a {@link GemmEpilogue}, the same function as the backend's
 * elementwise kernel of that name ({@link Backend#tanh}, {@link Backend#sigmoid},
 * {@link Backend#relu}). Independent of the floating-point precision: {@link #apply} is the
 * double-precision definition the reference backend uses.
 */
public enum Activation {
  /** {@code f(x) = x}. */
  IDENTITY,
  /** {@code f(x) = tanh(x)}. */
  TANH,
  /** The logistic sigmoid {@code f(x) = 1 / (1 + e^{−x})}. */
  SIGMOID,
  /** {@code f(x) = max(x, 0)}; NaN and {@code −0.0} map to {@code +0.0}. */
  RELU;

  /** The activation of one double, as {@link ScalarBackend} computes it. */
  public double apply(double x) {
    return switch (this) {
      case IDENTITY -> x;
      case TANH -> Math.tanh(x);
      case SIGMOID -> 1.0 / (1.0 + Math.exp(-x));
      case RELU -> x > 0.0 ? x : 0.0;
    };
  }
}
