package io.github.bilevel.tests;

/** The closed convex sets onto which {@link io.github.bilevel.kernels.Backend} projects. */
enum ConvexSet {
  /** {@code projectBall}: {@code ‖x‖₂ ≤ radius}. */
  BALL,
  /** {@code projectBox} with scalar bounds. */
  BOX,
  /** {@code projectBox} with vector bounds. */
  BOX_VECTOR_BOUNDS,
  /** {@code projectLinfBall}: {@code max |x_i| ≤ radius}. */
  LINF_BALL,
  /** {@code projectNonNegative}. */
  NON_NEGATIVE,
  /** {@code projectSimplex}: {@code x ≥ 0, Σ x_i = radius}. */
  SIMPLEX,
  /** {@code projectBallBox}: ball ∩ box, the box containing 0. */
  BALL_BOX,
  /** {@code projectFrobeniusBall}: {@code ‖A‖_F ≤ radius}. */
  FROBENIUS_BALL,
  /** {@code projectSpectralBall}: {@code ‖A‖₂ ≤ radius}. */
  SPECTRAL_BALL;

  /** Whether the points of the set are matrices (else vectors). */
  boolean isMatrix() {
    return this == FROBENIUS_BALL || this == SPECTRAL_BALL;
  }

  /** Whether the set has a radius parameter. */
  boolean hasRadius() {
    return this == BALL || this == LINF_BALL || this == SIMPLEX || this == BALL_BOX
        || this == FROBENIUS_BALL || this == SPECTRAL_BALL;
  }
}
