package io.github.bilevel.bsgm.baselines;

import io.github.bilevel.bsgm.Bsgm;
import io.github.bilevel.bsgm.Budget;

/**
 * The loop of the baselines' {@code run} methods: iterations until the budget stops them, each
 * reported to the listener (if any) with the method's last monitored values.
 */
final class BudgetLoop {

  private BudgetLoop() {}

  /** One iteration of a method on its state; returns the samples it used. */
  @FunctionalInterface
  interface Iteration {
    long run();
  }

  /** The progress after iteration {@code k}: the method's last monitored values. */
  @FunctionalInterface
  interface Report {
    Bsgm.Progress after(int k, long samples, double seconds);
  }

  /** Runs {@code iteration} until {@code budget} stops it. */
  static Bsgm.Result run(Budget budget, Bsgm.Listener listener, Iteration iteration,
      Report report) {
    long start = System.nanoTime();
    long samples = 0;
    int k = 0;
    String reason;
    while ((reason = budget.stopReason(k, samples, System.nanoTime() - start)) == null) {
      samples += iteration.run();
      if (listener != null) {
        listener.onIteration(report.after(k, samples, (System.nanoTime() - start) / 1e9));
      }
      k++;
    }
    return new Bsgm.Result(k, samples, reason);
  }
}
