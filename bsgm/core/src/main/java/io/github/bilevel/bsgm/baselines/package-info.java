/**
 * The baselines BSGM is compared with (docs/mathematics.md §4), on the same
 * {@link io.github.bilevel.bsgm.BilevelProblem} interface:
 *
 * <ul>
 *   <li>{@link io.github.bilevel.bsgm.baselines.WarmStartBilevel}: the BSGM variants with warm
 *       starts — StocBiO, AmIGO, ALSET, ALSET†, BSA, and BSGM itself — as presets of one
 *       configurable algorithm;
 *   <li>{@link io.github.bilevel.bsgm.baselines.Mrbo} and
 *       {@link io.github.bilevel.bsgm.baselines.Vrbo}: the variance-reduced methods of Yang, Ji
 *       and Liang (2021) in the fixed-point form, where the lower-level "gradient" is the residual
 *       {@code w − Φ̂(w, λ, ξ)}.
 * </ul>
 *
 * <p>All of them report progress with {@link io.github.bilevel.bsgm.Bsgm.Progress} to a
 * {@link io.github.bilevel.bsgm.Bsgm.Listener}, stop by a {@link
 * io.github.bilevel.bsgm.Budget} (iterations, samples, time) and return a {@link
 * io.github.bilevel.bsgm.Bsgm.Result}, and they count samples the way
 * {@link io.github.bilevel.bsgm.Sid} does, so that every method is compared on one axis: a
 * sample counts once for every point at which an oracle evaluates it — one per sample of a map
 * {@code Φ̂} or residual evaluation, of a VJP {@code ∂₁Φ̂ᵀv} or {@code ∂₂Φ̂ᵀv}, and of the
 * gradient pair {@code (∇₁Ê, ∇₂Ê)} on one batch (the pair counts once, as in SID). A
 * variance-reduction correction, which evaluates the same batch at two points, counts it twice.
 */
package io.github.bilevel.bsgm.baselines;
