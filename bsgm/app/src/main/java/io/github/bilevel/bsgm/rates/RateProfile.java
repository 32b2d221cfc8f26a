package io.github.bilevel.bsgm.rates;

/** How much work a suite run does: sizes and default seeds of every experiment. */
public enum RateProfile {

  /** Seconds in all: for tests of the machinery only; its verdicts are not meaningful. */
  TINY,

  /** About a minute on two cores, still in the asymptotic regime of every experiment. */
  QUICK,

  /** More seeds and sizes: several minutes, tighter intervals. */
  FULL;

  /** Lower-case name, as in the JSON output. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
