package io.github.bilevel.kernels;

import java.util.Objects;

/**
 * What a fused GEMM does besides the product (see
 * {@link Backend#gemm(Transpose, Transpose, double, DMatrix, DMatrix, double, DMatrix,
 * GemmEpilogue)} for the exact semantics): a scale operand applied to {@code A} before the
 * product, an addend in place of {@code C}, a bias added to every row, an activation, and a
 * Krasnoselskii–Mann mix of the result into a target matrix:
 *
 * <pre>
 *   C ← act(α · op(S ⊙ A) · op(B) + β · Y + 1 biasᵀ)      (Y = addend, or C when null)
 *   X ← (1 − η) · X + η · C                               (when mixTarget X is set)
 * </pre>
 *
 * <p>An immutable value, built from {@link #of} or {@link #none} with the {@code with…}
 * methods. It is independent of the floating-point precision: {@code M} and {@code V} are the
 * matrix and vector views of the precision ({@link DMatrix}, {@link DVector} for doubles), so a
 * float path can take the same descriptor. Java infers them from the target type
 * ({@code GemmEpilogue<DMatrix, DVector> e = GemmEpilogue.of(Activation.TANH)}); in a chain,
 * name them: {@code GemmEpilogue.<DMatrix, DVector>of(Activation.TANH).withAddend(u)}.
 *
 * <p>Build an epilogue once and reuse it: the kernels check its operands on every call, and
 * the record allocates nothing.
 *
 * @param activation the activation applied to every element of the result, not null
 * @param bias       a vector with one element per column of {@code C}, added to every row;
 *                   null for none
 * @param addend     {@code Y}, a matrix of {@code C}'s shape scaled by {@code β} in place of
 *                   {@code C}; null for {@code C} itself
 * @param scale      {@code S}, a matrix of {@code A}'s stored shape multiplying {@code A}
 *                   elementwise before the transpose; null for none
 * @param mixRate    {@code η ∈ (0, 1]} of the mix, 0 when there is no mix target
 * @param mixTarget  {@code X}, a matrix of {@code C}'s shape; null for no mix
 * @param <M>        the matrix view type of the precision
 * @param <V>        the vector view type of the precision
 */
public record GemmEpilogue<M, V>(Activation activation, V bias, M addend, M scale,
    double mixRate, M mixTarget) {

  /**
   * Checks the activation and the mix rate (the shapes and overlaps are checked by the kernel,
   * against the GEMM's operands).
   *
   * @throws NullPointerException     if {@code activation} is null
   * @throws IllegalArgumentException if a mix target is set and {@code mixRate} is not in
   *                                  {@code (0, 1]}, or no target is set and it is not 0
   */
  public GemmEpilogue {
    Objects.requireNonNull(activation, "activation");
    if (mixTarget != null && !(mixRate > 0.0 && mixRate <= 1.0)) {
      throw new IllegalArgumentException("the mix rate eta must be in (0, 1], got " + mixRate);
    }
    if (mixTarget == null && mixRate != 0.0) {
      throw new IllegalArgumentException(
          "the mix rate eta = " + mixRate + " is given without a mix target");
    }
  }

  /** Only the activation: {@code C ← act(α op(A) op(B) + β C)}. */
  public static <M, V> GemmEpilogue<M, V> of(Activation activation) {
    return new GemmEpilogue<>(activation, null, null, null, 0.0, null);
  }

  /** Nothing: the plain {@code C ← α op(A) op(B) + β C}. */
  public static <M, V> GemmEpilogue<M, V> none() {
    return of(Activation.IDENTITY);
  }

  /** This epilogue with another activation. */
  public GemmEpilogue<M, V> withActivation(Activation activation) {
    return new GemmEpilogue<>(activation, bias, addend, scale, mixRate, mixTarget);
  }

  /** This epilogue with {@code bias} (null: none) added to every row. */
  public GemmEpilogue<M, V> withBias(V bias) {
    return new GemmEpilogue<>(activation, bias, addend, scale, mixRate, mixTarget);
  }

  /** This epilogue with {@code β Y} taken from {@code addend} (null: from {@code C}). */
  public GemmEpilogue<M, V> withAddend(M addend) {
    return new GemmEpilogue<>(activation, bias, addend, scale, mixRate, mixTarget);
  }

  /** This epilogue with {@code A} replaced by {@code S ⊙ A} ({@code scale} null: by A). */
  public GemmEpilogue<M, V> withScale(M scale) {
    return new GemmEpilogue<>(activation, bias, addend, scale, mixRate, mixTarget);
  }

  /**
   * This epilogue followed by {@code X ← (1 − η) X + η C} into {@code target}; a null target
   * (with {@code eta} 0) removes the mix.
   *
   * @throws IllegalArgumentException unless {@code eta ∈ (0, 1]} (with a target)
   */
  public GemmEpilogue<M, V> withMix(double eta, M target) {
    return new GemmEpilogue<>(activation, bias, addend, scale, eta, target);
  }

  /** Whether the epilogue does anything after the product's {@code α op(A) op(B) + β Y}. */
  public boolean hasPointwiseStage() {
    return activation != Activation.IDENTITY || bias != null || mixTarget != null;
  }
}
