package io.github.bilevel.bsgm.rates;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a rate experiment measured: per-seed values at a sequence of abscissae.
 *
 * @param x           the abscissae in original units (iterations, samples), increasing
 * @param values      {@code values[seed][i]}: the value one seed (independent run or instance)
 *                    gave at {@code x[i]}
 * @param fitIndices  the columns the slope is fitted on, increasing (e.g. a logarithmic grid
 *                    over a dense record, past a burn-in)
 * @param parameters  the experiment's settings and derived constants, for the JSON record
 *                    (numbers, strings, booleans or {@code double[]})
 * @param upperBound  a bound computed from the problem's constants that the aggregated curve
 *                    must not exceed at any abscissa (a second pass condition besides the
 *                    slope), or null where the experiment checks the slope alone
 */
public record Measurement(double[] x, double[][] values, int[] fitIndices,
    Map<String, Object> parameters, double[] upperBound) {

  /** A measurement whose pass rule looks at the slope alone. */
  public Measurement(double[] x, double[][] values, int[] fitIndices,
      Map<String, Object> parameters) {
    this(x, values, fitIndices, parameters, null);
  }

  public Measurement {
    Objects.requireNonNull(x, "x");
    Objects.requireNonNull(values, "values");
    Objects.requireNonNull(fitIndices, "fitIndices");
    if (values.length < 1) {
      throw new IllegalArgumentException("a measurement needs at least one seed");
    }
    for (int s = 0; s < values.length; s++) {
      if (values[s].length != x.length) {
        throw new IllegalArgumentException("seed " + s + " has " + values[s].length
            + " values for " + x.length + " abscissae");
      }
    }
    if (fitIndices.length < 2) {
      throw new IllegalArgumentException("a slope needs at least 2 fitted points, got "
          + fitIndices.length);
    }
    for (int j = 0; j < fitIndices.length; j++) {
      Objects.checkIndex(fitIndices[j], x.length);
      if (j > 0 && fitIndices[j] <= fitIndices[j - 1]) {
        throw new IllegalArgumentException("fit indices must increase, got " + fitIndices[j - 1]
            + " then " + fitIndices[j]);
      }
    }
    parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    if (upperBound != null) {
      if (upperBound.length != x.length) {
        throw new IllegalArgumentException("the bound has " + upperBound.length
            + " values for " + x.length + " abscissae");
      }
      for (int i = 0; i < upperBound.length; i++) {
        if (!(upperBound[i] > 0) || Double.isInfinite(upperBound[i])) {
          throw new IllegalArgumentException("the bound must be positive and finite, got "
              + upperBound[i] + " at x = " + x[i]);
        }
      }
      upperBound = upperBound.clone();
    }
  }

  /**
   * Whether {@code curve} stays at or below {@link #upperBound} at every abscissa (true when
   * there is no bound).
   */
  public boolean withinBound(double[] curve) {
    if (upperBound == null) {
      return true;
    }
    for (int i = 0; i < upperBound.length; i++) {
      if (!(curve[i] <= upperBound[i])) {
        return false;
      }
    }
    return true;
  }

  /** Every column is fitted. */
  public static int[] allIndices(int count) {
    int[] out = new int[count];
    for (int i = 0; i < count; i++) {
      out[i] = i;
    }
    return out;
  }

  /** The number of seeds. */
  public int seeds() {
    return values.length;
  }
}
