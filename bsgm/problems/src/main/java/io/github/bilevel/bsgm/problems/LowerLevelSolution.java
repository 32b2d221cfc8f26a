package io.github.bilevel.bsgm.problems;

/**
 * How a lower-level solve to tolerance ended (retraining a classifier from scratch).
 *
 * @param iterations   gradient evaluations used
 * @param gradientNorm {@code ‖∇_w g‖₂} at the returned point
 * @param converged    whether the norm reached the tolerance within the iteration limit
 */
public record LowerLevelSolution(int iterations, double gradientNorm, boolean converged) {}
