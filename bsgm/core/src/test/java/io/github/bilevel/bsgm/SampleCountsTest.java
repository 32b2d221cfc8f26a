package io.github.bilevel.bsgm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

/** The sample counts against the same formulas in exact (BigInteger) arithmetic. */
class SampleCountsTest {

  private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

  private static BigInteger big(long v) {
    return BigInteger.valueOf(v);
  }

  /** Equal to {@code exact} where it fits a long, an ArithmeticException where it does not. */
  private static void check(BigInteger exact, java.util.function.LongSupplier count) {
    if (exact.compareTo(LONG_MAX) <= 0) {
      assertEquals(exact.longValueExact(), count.getAsLong());
    } else {
      assertThrows(ArithmeticException.class, count::getAsLong);
    }
  }

  @Test
  void sidCountsAsTheFormulaSaysOrRefusesToOverflow() {
    qt().withFixedSeed(0x5A3B_0001L).withExamples(400)
        .forAll(integers().between(0, Integer.MAX_VALUE), integers().between(0, Integer.MAX_VALUE),
            integers().between(1, Integer.MAX_VALUE), integers().between(1, Integer.MAX_VALUE))
        .checkAssert((t, k, batch, b) -> {
          check(big(t).add(big(k)).multiply(big(b)).add(big(2).multiply(big(batch))),
              () -> SampleCounts.sid(t, k, batch, b, false, 0, 0));
          // full batch: populations as large as a long allows, to reach the overflow
          long population = (long) b * b;         // up to about 2^62
          check(big(t).add(big(k)).add(BigInteger.ONE).multiply(big(population)).add(big(batch)),
              () -> SampleCounts.sid(t, k, 1, 1, true, population, batch));
          check(big(batch).multiply(big(t).add(big(k)).add(big(2))),
              () -> SampleCounts.separableSid(t, k, batch));
        });
  }

  @Test
  void edgesOfTheRange() {
    int max = Integer.MAX_VALUE;
    assertEquals(2L * max * max + 2L * max,
        SampleCounts.sid(max, max, max, max, false, 0, 0));          // fits: about 2^63
    assertEquals(0 + 2, SampleCounts.sid(0, 0, 1, 1, false, 0, 0));
    assertEquals(7, SampleCounts.sid(0, 0, 1, 1, true, 4, 3));        // one VJP pass + n_ζ
    assertThrows(ArithmeticException.class,
        () -> SampleCounts.sid(max, max, 1, 1, true, Long.MAX_VALUE / 2, 0));
    assertThrows(ArithmeticException.class,
        () -> SampleCounts.sid(Long.MAX_VALUE, 1, 1, 1, false, 0, 0));
    assertEquals(2, SampleCounts.separableSid(0, 0, 1));
  }
}
