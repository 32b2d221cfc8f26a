package io.github.bilevel.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jdk.incubator.vector.DoubleVector;
import org.junit.jupiter.api.Test;

/**
 * The choice of the SIMD variant ({@link SimdSupport#species}) for each CPU family and property
 * value, on species given explicitly (so a 512-bit CPU is tested on any machine).
 */
class SimdSupportTest {

  private static final String AMD = "AuthenticAMD";
  private static final String INTEL = "GenuineIntel";

  @Test
  void autoTakes256BitsOnAmdWithWiderVectorsAndThePreferredWidthElsewhere() {
    assertEquals(DoubleVector.SPECIES_256,
        SimdSupport.species(null, AMD, DoubleVector.SPECIES_512));
    assertEquals(DoubleVector.SPECIES_256,
        SimdSupport.species(" AUTO ", AMD, DoubleVector.SPECIES_512));
    assertEquals(DoubleVector.SPECIES_512,
        SimdSupport.species("", INTEL, DoubleVector.SPECIES_512));
    assertEquals(DoubleVector.SPECIES_512,
        SimdSupport.species(null, "", DoubleVector.SPECIES_512));
    assertEquals(DoubleVector.SPECIES_256,
        SimdSupport.species(null, AMD, DoubleVector.SPECIES_256));
    assertEquals(DoubleVector.SPECIES_256,
        SimdSupport.species(null, INTEL, DoubleVector.SPECIES_256));
  }

  @Test
  void thePropertyOverridesTheCpu() {
    assertEquals(DoubleVector.SPECIES_512,
        SimdSupport.species("preferred", AMD, DoubleVector.SPECIES_512));
    assertEquals(DoubleVector.SPECIES_256,
        SimdSupport.species("256", INTEL, DoubleVector.SPECIES_512));
    assertEquals(DoubleVector.SPECIES_128,
        SimdSupport.species("128", INTEL, DoubleVector.SPECIES_256));
  }

  @Test
  void badValuesNameTheProperty() {
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
        () -> SimdSupport.species("avx512", INTEL, DoubleVector.SPECIES_512));
    assertTrue(unknown.getMessage().contains("bilevel.simd.variant")
        && unknown.getMessage().contains("avx512"), unknown.getMessage());
    IllegalArgumentException tooWide = assertThrows(IllegalArgumentException.class,
        () -> SimdSupport.species("256", INTEL, DoubleVector.SPECIES_128));
    assertTrue(tooWide.getMessage().contains("wider"), tooWide.getMessage());
  }

  /** This JVM's variant: its species, lanes and description agree. */
  @Test
  void theVariantInUseIsDescribed() {
    assertEquals(SimdSupport.SPECIES.length(), SimdBackend.lanes());
    assertTrue(SimdBackend.simdVariant().startsWith(SimdSupport.SPECIES.vectorBitSize()
        + "-bit ("), SimdBackend.simdVariant());
  }
}
