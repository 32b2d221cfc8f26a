package io.github.bilevel.bsgm.runner;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What an experiment run does; saved as {@code run.json} in its directory so that
 * {@code --resume} continues it with the same settings.
 *
 * @param workload        the workload's name
 * @param algorithms      the algorithms, run one after the other
 * @param seeds           how many seeds: {@code firstSeed, firstSeed + 1, ...}
 * @param firstSeed       the first seed
 * @param budget          the sample budget of each run
 * @param maxIterations   an iteration cap of each run
 * @param evaluateEvery   evaluate every this many upper-level iterations (and at the end)
 * @param checkpointEvery checkpoint every this many iterations; the generator is re-seeded from
 *                        {@code (seed, iteration / checkpointEvery)} at each such boundary, so a
 *                        resumed run draws what the uninterrupted one would have
 * @param backend         the kernel backend's name
 * @param overrides       the user's overrides of the algorithms' defaults
 * @param options         the workload's own options (sizes, data directory, ...), kept sorted
 *                        by key so that run.json and summary.json list them in one order
 */
public record RunSettings(String workload, List<String> algorithms, int seeds, long firstSeed,
    long budget, int maxIterations, int evaluateEvery, int checkpointEvery, String backend,
    MethodOverrides overrides, Map<String, String> options) {

  public RunSettings {
    Objects.requireNonNull(workload, "workload");
    algorithms = List.copyOf(algorithms);
    options.forEach((key, value) -> Objects.requireNonNull(value, "option " + key));
    options = Collections.unmodifiableSortedMap(new TreeMap<>(options));
    Objects.requireNonNull(overrides, "overrides");
    if (algorithms.isEmpty()) {
      throw new IllegalArgumentException("at least one algorithm is needed");
    }
    if (seeds < 1 || budget < 1 || maxIterations < 1 || evaluateEvery < 1
        || checkpointEvery < 1) {
      throw new IllegalArgumentException("seeds, budget, max iterations, evaluation and "
          + "checkpoint periods must be >= 1, got " + seeds + ", " + budget + ", "
          + maxIterations + ", " + evaluateEvery + ", " + checkpointEvery);
    }
  }
}
