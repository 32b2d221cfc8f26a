/**
 * The library core: the problem APIs ({@link io.github.bilevel.bsgm.BilevelProblem},
 * {@link io.github.bilevel.bsgm.SeparableProblem}), SID, BSGM, their separable variants, step
 * and iteration schedules, and the baselines (warm-start presets, MRBO, VRBO). Depends on the
 * kernels alone.
 */
module io.github.bilevel.bsgm.core {
  requires transitive io.github.bilevel.kernels;

  exports io.github.bilevel.bsgm;
  exports io.github.bilevel.bsgm.baselines;

  // a cluster's estimator of the separable hypergradient (bsgm-spark provides one)
  uses io.github.bilevel.bsgm.DistributedHypergradients;
}
