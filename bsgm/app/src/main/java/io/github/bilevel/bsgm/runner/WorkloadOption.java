package io.github.bilevel.bsgm.runner;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * One {@code -o key=value} option of a workload, as documented in {@code bsgm run --help} and
 * the README: its key, its default and what it sets. A workload declares its options once
 * ({@link WorkloadFactory#options()}); {@link WorkloadOptions} refuses to read an undeclared key
 * or one whose default differs from the declared one, so the documentation cannot drift from
 * the code.
 *
 * @param key          the key, e.g. {@code n_train}
 * @param defaultValue the default: an {@link Integer}, a {@link Double} or a {@link String}
 * @param description  what it sets, a few words
 */
public record WorkloadOption(String key, Object defaultValue, String description) {

  /** Keys in help order: alphabetical, ignoring case ({@code alpha, d, J, k, L, ...}). */
  public static final Comparator<String> KEY_ORDER =
      String.CASE_INSENSITIVE_ORDER.thenComparing(Comparator.naturalOrder());

  /** Checks the parts. */
  public WorkloadOption {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(description, "description");
    if (!(defaultValue instanceof Integer || defaultValue instanceof Double
        || defaultValue instanceof String)) {
      throw new IllegalArgumentException("option " + key + ": the default must be an Integer,"
          + " a Double or a String, got " + defaultValue);
    }
  }

  /** The default as the help shows it ({@code 0.001}, {@code 1000000}, {@code 1e-5}, {@code 50}). */
  public String defaultText() {
    if (defaultValue instanceof Double d) {
      String text = Double.toString(d);
      if (text.endsWith(".0") && Math.abs(d) < 1e7) {
        return text.substring(0, text.length() - 2);
      }
      return text.replace(".0E", "E").replace("E", "e");
    }
    return defaultValue.toString();
  }

  /** {@code options} sorted by {@link #KEY_ORDER}. */
  public static List<WorkloadOption> sorted(List<WorkloadOption> options) {
    return options.stream().sorted(Comparator.comparing(WorkloadOption::key, KEY_ORDER))
        .toList();
  }
}
