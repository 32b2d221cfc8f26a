package io.github.bilevel.bsgm.rates;

/** The coordinates a rate is fitted and plotted in; the ordinate is always logarithmic. */
public enum Scale {

  /** {@code log y} against {@code log x}: the slope is the exponent of a power law. */
  LOG_LOG("log-log"),

  /** {@code log y} against {@code x}: the slope is the log of a geometric rate per unit of x. */
  LOG_LINEAR("log-linear");

  private final String label;

  Scale(String label) {
    this.label = label;
  }

  /** The abscissa as fitted: {@code log x} or {@code x}. */
  public double fitX(double x) {
    return this == LOG_LOG ? Math.log(x) : x;
  }

  /** The inverse of {@link #fitX}. */
  public double fromFitX(double u) {
    return this == LOG_LOG ? Math.exp(u) : u;
  }

  /** {@code "log-log"} or {@code "log-linear"}. */
  public String label() {
    return label;
  }
}
