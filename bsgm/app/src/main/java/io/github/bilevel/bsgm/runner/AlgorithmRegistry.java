package io.github.bilevel.bsgm.runner;

import io.github.bilevel.bsgm.runner.MethodOverrides.Setting;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Algorithms by name for one kind of problem: each {@link Entry} says what the algorithm is,
 * which command-line settings it reads and how to make it. A setting the user overrides that the
 * algorithm does not read is an error naming both, never silently ignored.
 *
 * @param <P> the problem type ({@link io.github.bilevel.bsgm.BilevelProblem},
 *     {@link io.github.bilevel.bsgm.SeparableProblem})
 * @param <D> the workload's defaults for the settings
 */
public final class AlgorithmRegistry<P, D> {

  /** Makes an algorithm's method from the problem, the workload's defaults and the overrides. */
  @FunctionalInterface
  public interface Factory<P, D> {
    /** The method; the overrides are already checked against {@link Entry#uses()}. */
    UpperLevelMethod<?> create(P problem, D defaults, MethodOverrides overrides);
  }

  /**
   * One algorithm.
   *
   * @param name        its command-line name
   * @param description one line on what it is
   * @param uses        the overridable settings it reads
   * @param factory     how to make it
   */
  public record Entry<P, D>(String name, String description, Set<Setting> uses,
      Factory<P, D> factory) {

    public Entry {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(description, "description");
      uses = uses.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(uses));
      Objects.requireNonNull(factory, "factory");
    }

    /**
     * Checks that {@code overrides} sets only settings this algorithm reads.
     *
     * @throws IllegalArgumentException "vrbo does not use --alpha (it uses: --k)"
     */
    public void check(MethodOverrides overrides) {
      for (Setting given : overrides.given()) {
        if (!uses.contains(given)) {
          throw new IllegalArgumentException(name + " does not use " + given.flag() + " ("
              + usesText() + ")");
        }
      }
    }

    /** "it uses: --alpha, --k", in the order of {@link Setting}, or that it uses none. */
    public String usesText() {
      if (uses.isEmpty()) {
        return "it uses none of --alpha, --t, --k, --batch, --rho";
      }
      return "it uses: " + EnumSet.copyOf(uses).stream().map(Setting::flag)
          .collect(Collectors.joining(", "));
    }
  }

  private final String kind;
  private final Map<String, Entry<P, D>> entries = new LinkedHashMap<>();

  /**
   * A registry of {@code entries} for problems of {@code kind} (in messages).
   *
   * @throws IllegalArgumentException if two entries share a name
   */
  @SafeVarargs
  public AlgorithmRegistry(String kind, Entry<P, D>... entries) {
    this.kind = Objects.requireNonNull(kind, "kind");
    for (Entry<P, D> entry : entries) {
      if (this.entries.putIfAbsent(entry.name(), entry) != null) {
        throw new IllegalArgumentException("two algorithms named " + entry.name());
      }
    }
  }

  /**
   * This registry without the algorithms {@code excluded}, for the problems they do not apply
   * to, described as {@code kind}.
   *
   * @throws IllegalArgumentException naming an excluded algorithm this registry does not have
   */
  public AlgorithmRegistry<P, D> without(String kind, Collection<String> excluded) {
    for (String name : excluded) {
      entry(name);
    }
    AlgorithmRegistry<P, D> out = new AlgorithmRegistry<>(kind);
    entries.forEach((name, entry) -> {
      if (!excluded.contains(name)) {
        out.entries.put(name, entry);
      }
    });
    return out;
  }

  /** The names, in registration order. */
  public List<String> names() {
    return List.copyOf(entries.keySet());
  }

  /** The entries, in registration order. */
  public List<Entry<P, D>> entries() {
    return List.copyOf(new ArrayList<>(entries.values()));
  }

  /**
   * The entry called {@code name}.
   *
   * @throws IllegalArgumentException naming the unknown algorithm and the known ones
   */
  public Entry<P, D> entry(String name) {
    Entry<P, D> entry = entries.get(name);
    if (entry == null) {
      throw new IllegalArgumentException("unknown algorithm '" + name + "' for " + kind
          + "; known: " + String.join(", ", entries.keySet()));
    }
    return entry;
  }

  /**
   * The method called {@code name} on {@code problem}, after checking the overrides.
   *
   * @throws IllegalArgumentException naming an unknown algorithm, or a setting it does not use
   */
  public UpperLevelMethod<?> create(String name, P problem, D defaults,
      MethodOverrides overrides) {
    Entry<P, D> entry = entry(name);
    entry.check(overrides);
    return entry.factory().create(problem, defaults, overrides);
  }
}
