package io.github.bilevel.bsgm.runner;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A workload's {@code key=value} options, read with defaults and checked: an unknown key or a
 * value that does not parse is an error naming it.
 */
public final class WorkloadOptions {

  private final String workload;
  private final Map<String, String> values;
  private final Set<String> read = new HashSet<>();

  /** The options given to {@code workload}. */
  public WorkloadOptions(String workload, Map<String, String> values) {
    this.workload = workload;
    this.values = values;
  }

  /** An integer option, {@code >= min}. */
  public int integer(String key, int fallback, int min) {
    read.add(key);
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
    read.add(key);
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
    read.add(key);
    return values.getOrDefault(key, fallback);
  }

  /** Fails naming any option that no reader asked for. */
  public void checkAllRead() {
    for (String key : values.keySet()) {
      if (!read.contains(key)) {
        throw new IllegalArgumentException(workload + " has no option '" + key + "'; it has "
            + read);
      }
    }
  }
}
