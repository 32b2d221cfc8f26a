package io.github.bilevel.bsgm.runner;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A workload's {@code key=value} options, read with defaults and checked: an unknown key or a
 * value that does not parse is an error naming it. When the workload declares its options
 * ({@link WorkloadOption}), reading a key it does not declare, or with another default than the
 * declared one, is an {@link IllegalStateException} (a bug: the help would be wrong).
 */
public final class WorkloadOptions {

  private final String workload;
  private final Map<String, String> values;
  private final Map<String, WorkloadOption> declared = new LinkedHashMap<>();
  private final Set<String> read = new HashSet<>();

  /** The options given to {@code workload}, which declares none. */
  public WorkloadOptions(String workload, Map<String, String> values) {
    this(workload, values, List.of());
  }

  /** The options given to {@code workload}, which declares {@code declared}. */
  public WorkloadOptions(String workload, Map<String, String> values,
      List<WorkloadOption> declared) {
    this.workload = workload;
    this.values = values;
    for (WorkloadOption option : declared) {
      this.declared.put(option.key(), option);
    }
  }

  /** Records a read of {@code key}, checked against the declaration when there is one. */
  private void read(String key, Object fallback) {
    read.add(key);
    if (declared.isEmpty()) {
      return;
    }
    WorkloadOption option = declared.get(key);
    if (option == null) {
      throw new IllegalStateException(workload + " reads option '" + key
          + "', which it does not declare");
    }
    if (!option.defaultValue().equals(fallback)) {
      throw new IllegalStateException(workload + " option " + key + " is declared with default "
          + option.defaultValue() + " but read with default " + fallback);
    }
  }

  /** An integer option, {@code >= min}. */
  public int integer(String key, int fallback, int min) {
    read(key, fallback);
    String text = values.get(key);
    if (text == null) {
      return fallback;
    }
    int value;
    try {
      value = Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(workload + " option " + key + "=" + text
          + " is not an integer");
    }
    if (value < min) {
      throw new IllegalArgumentException(workload + " option " + key + "=" + value
          + " must be >= " + min);
    }
    return value;
  }

  /** A finite real option in {@code [min, max]}. */
  public double real(String key, double fallback, double min, double max) {
    read(key, fallback);
    String text = values.get(key);
    if (text == null) {
      return fallback;
    }
    double value;
    try {
      value = Double.parseDouble(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(workload + " option " + key + "=" + text
          + " is not a number");
    }
    if (!(value >= min && value <= max)) {
      throw new IllegalArgumentException(workload + " option " + key + "=" + value
          + " must lie in [" + min + ", " + max + "]");
    }
    return value;
  }

  /** A text option. */
  public String text(String key, String fallback) {
    read(key, fallback);
    return values.getOrDefault(key, fallback);
  }

  /**
   * Fails naming any option that no reader asked for, and listing the workload's options in
   * {@link WorkloadOption#KEY_ORDER}.
   */
  public void checkAllRead() {
    for (String key : new TreeSet<>(values.keySet())) {
      if (!read.contains(key)) {
        Set<String> known = new TreeSet<>(WorkloadOption.KEY_ORDER);
        known.addAll(declared.isEmpty() ? read : declared.keySet());
        throw new IllegalArgumentException(workload + " has no option '" + key + "'; it has "
            + String.join(", ", known) + " (bsgm run --help lists them)");
      }
    }
  }
}
