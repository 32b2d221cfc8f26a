package io.github.bilevel.bsgm.baselines;

import io.github.bilevel.bsgm.IterationSchedule;
import java.util.Locale;
import java.util.Objects;

/**
 * The named variants of {@link WarmStartBilevel} (docs/mathematics.md §4);
 * {@link WarmStartBilevel.Options#builder(WarmStartPreset)} fills their defaults in.
 */
public enum WarmStartPreset {
  /** BSGM itself: no warm start, {@code t = k = J = s + 1}, KM with decreasing steps. */
  BSGM("bsgm"),
  /** StocBiO (Ji, Yang, Liang 2021): warm {@code w}, {@code v} from 0, {@code Q}-term Neumann. */
  STOCBIO("stocbio"),
  /** AmIGO (Arbel, Mairal 2021): warm {@code w} and {@code v}, SGD on the quadratic. */
  AMIGO("amigo"),
  /** ALSET (Chen, Sun, Yin 2021): warm {@code w}, one LL step, {@code v} from 0, Neumann. */
  ALSET("alset"),
  /** ALSET†: warm {@code w} and {@code v}, one LL and one LS KM step, {@code J = 1}. */
  ALSET_DAGGER("alset-dagger"),
  /** BSA (Ghadimi, Wang 2018): {@code w} from 0, growing {@code t}, random truncation. */
  BSA("bsa");

  private final String cliName;

  WarmStartPreset(String cliName) {
    this.cliName = cliName;
  }

  /** The name on the command line ({@code alset-dagger} for {@link #ALSET_DAGGER}). */
  public String cliName() {
    return cliName;
  }

  /** The preset of a command-line name (case-insensitive; {@code _} and {@code -} alike). */
  public static WarmStartPreset fromName(String name) {
    Objects.requireNonNull(name, "name");
    String key = name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    for (WarmStartPreset preset : values()) {
      if (preset.cliName.equals(key)) {
        return preset;
      }
    }
    throw new IllegalArgumentException("unknown warm-start preset '" + name + "'; expected one"
        + " of bsgm, stocbio, amigo, alset, alset-dagger, bsa");
  }

  /** BSA's schedule: {@code t_s = ⌈c √(s + 1)⌉}, {@code k_s = k}, {@code J_s = J}. */
  public static IterationSchedule growingSchedule(double c, int k, int batch) {
    if (!(c > 0) || Double.isInfinite(c) || k < 0 || batch < 1) {
      throw new IllegalArgumentException("a growing schedule needs finite c > 0, k >= 0 and"
          + " batch >= 1, got c = " + c + ", k = " + k + ", batch = " + batch);
    }
    return new IterationSchedule() {
      @Override
      public int lowerSteps(int s) {
        return (int) Math.ceil(c * Math.sqrt(s + 1.0));
      }

      @Override
      public int linearSteps(int s) {
        return k;
      }

      @Override
      public int batch(int s) {
        return batch;
      }
    };
  }
}
