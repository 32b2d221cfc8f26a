package io.github.bilevel.kernels;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/** Placeholder: the Vector API backend (being written). */
public class SimdBackend extends ScalarBackend {

  static final VectorSpecies<Double> SPECIES = DoubleVector.SPECIES_PREFERRED;

  /** Double lanes of the preferred species. */
  public static int lanes() {
    return SPECIES.length();
  }

  @Override
  public String name() {
    return "simd";
  }
}
