package io.github.bilevel.bsgm.baselines;

import io.github.bilevel.bsgm.Budget;
import io.github.bilevel.bsgm.Bsgm;
import io.github.bilevel.kernels.DVector;
import java.util.SplittableRandom;

/**
 * The loop of {@link WarmStartBilevel#run}: iterations until the options' {@link Budget} says
 * stop, with the listener's progress after each (kept apart from the estimator's steps).
 */
final class WarmStartRun {

  private WarmStartRun() {}

  /** Runs {@code algorithm} from {@code state} and a projected {@code lambda}. */
  static Bsgm.Result run(WarmStartBilevel algorithm, WarmStartBilevel.State state,
      DVector lambda, WarmStartBilevel.Options options, SplittableRandom random,
      Bsgm.Listener listener) {
    Budget budget = options.budget();
    DVector hypergradient = algorithm.hypergradient;
    long start = System.nanoTime();
    long samples = 0;
    int s = 0;
    String reason;
    while ((reason = budget.stopReason(s, samples, System.nanoTime() - start)) == null) {
      samples += algorithm.estimate(state, lambda, options, s, random, hypergradient);
      double alpha = options.alpha(s);
      double hypergradientNorm = algorithm.backend.nrm2(hypergradient);
      double mappingNorm = Double.NaN;
      if (options.exact() != null) {
        mappingNorm = algorithm.gradientMappingNorm(lambda, alpha, options.exact());
      }
      double objective = Double.NaN;
      if (listener != null) {
        objective = algorithm.problem.objective(state.lowerIterate(), lambda,
            algorithm.lastUpper);
      }
      algorithm.backend.axpy(-alpha, hypergradient, lambda);
      algorithm.problem.projectUpper(lambda);
      if (listener != null) {
        listener.onIteration(new Bsgm.Progress(s, samples, objective, hypergradientNorm,
            mappingNorm, (System.nanoTime() - start) / 1e9));
      }
      s++;
      state.setIteration(s);
    }
    return new Bsgm.Result(s, samples, reason);
  }
}
