package io.github.bilevel.bsgm.cli;

/**
 * The problems {@code generate}, {@code hypergrad} and {@code solve} take as their first
 * parameter ({@code bsgm hypergrad ridge ...}); a new problem is a new value here.
 */
enum ProblemName {
  /** Per-feature ridge regression ({@code PerFeatureRidge}). */
  ridge
}
