package io.github.bilevel.bsgm.rates;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs independent seeds on a few worker threads. Worker {@code w} handles seeds
 * {@code w, w + workers, ...} with its own resources (problem, estimator, buffers), and every
 * seed draws from its own derived generator, so the results do not depend on the number of
 * workers.
 */
final class SeedParallel {

  /** The work for one seed on one worker. */
  @FunctionalInterface
  interface SeedTask {
    void run(int worker, int seed) throws Exception;
  }

  private SeedParallel() {}

  /** How many workers to use for {@code seeds} seeds and {@code threads} allowed threads. */
  static int workers(int threads, int seeds) {
    return Math.max(1, Math.min(threads, seeds));
  }

  /**
   * Runs {@code task} for every seed in {@code [0, seeds)} on {@code workers} threads and waits;
   * the first failure is rethrown (unchecked exceptions as they are).
   */
  static void forEachSeed(int workers, int seeds, SeedTask task) {
    if (workers == 1) {
      for (int r = 0; r < seeds; r++) {
        runUnchecked(task, 0, r);
      }
      return;
    }
    ExecutorService pool = Executors.newFixedThreadPool(workers, runnable -> {
      Thread thread = new Thread(runnable, "rates-worker");
      thread.setDaemon(true);
      return thread;
    });
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int w = 0; w < workers; w++) {
        int worker = w;
        futures.add(pool.submit(() -> {
          for (int r = worker; r < seeds; r += workers) {
            runUnchecked(task, worker, r);
          }
        }));
      }
      for (Future<?> future : futures) {
        try {
          future.get();
        } catch (ExecutionException e) {
          futures.forEach(f -> f.cancel(true));
          if (e.getCause() instanceof RuntimeException runtime) {
            throw runtime;
          }
          if (e.getCause() instanceof Error error) {
            throw error;
          }
          throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while waiting for the seeds", e);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Closes each worker's resources that were made (non-null): worker by worker, in the order
   * of the arrays (e.g. the estimators before the problems they use).
   */
  static void closeEach(AutoCloseable[]... perWorker) {
    for (int w = 0; w < perWorker[0].length; w++) {
      for (AutoCloseable[] resources : perWorker) {
        if (resources[w] != null) {
          try {
            resources[w].close();
          } catch (RuntimeException e) {
            throw e;
          } catch (Exception e) {
            throw new IllegalStateException("closing worker " + w + ": " + e.getMessage(), e);
          }
        }
      }
    }
  }

  /**
   * The sample counts every seed shares (row 0 of {@code samples}, one row per seed).
   *
   * @throws IllegalStateException when a seed's counts differ from seed 0's
   */
  static double[] commonSamples(double[][] samples) {
    for (int r = 1; r < samples.length; r++) {
      if (!java.util.Arrays.equals(samples[r], samples[0])) {
        throw new IllegalStateException("the sample counts of seeds 0 and " + r + " differ");
      }
    }
    return samples[0];
  }

  private static void runUnchecked(SeedTask task, int worker, int seed) {
    try {
      task.run(worker, seed);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("seed " + seed + ": " + e.getMessage(), e);
    }
  }
}
