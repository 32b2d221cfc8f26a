package io.github.bilevel.bsgm.baselines;

import java.util.OptionalDouble;

/**
 * What one {@link WarmStartBilevel#hypergradient} estimate did.
 *
 * @param samples        samples used
 * @param lowerSteps     LL steps taken ({@code t})
 * @param linearSteps    LS steps taken ({@code k}, or the random truncation {@code Q})
 * @param lowerResidual  {@code ‖Φ̂(w) − w‖} before the last LL step (0 if none); empty unless
 *                       {@link WarmStartBilevel.Options#residuals()} asked for residuals
 * @param linearResidual the last LS step's residual (0 if none or random truncation); empty
 *                       unless asked for
 */
public record WarmStartEstimate(long samples, int lowerSteps, int linearSteps,
    OptionalDouble lowerResidual, OptionalDouble linearResidual) {

  /** The estimate, with the residuals only if they were computed ({@code residuals}). */
  static WarmStartEstimate of(long samples, int lowerSteps, int linearSteps, boolean residuals,
      double lowerResidual, double linearResidual) {
    return residuals
        ? new WarmStartEstimate(samples, lowerSteps, linearSteps,
            OptionalDouble.of(lowerResidual), OptionalDouble.of(linearResidual))
        : new WarmStartEstimate(samples, lowerSteps, linearSteps, OptionalDouble.empty(),
            OptionalDouble.empty());
  }
}
