package io.github.bilevel.bsgm.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

/** The allocation check against exact (BigInteger) products and the limits it names. */
class AllocationLimitsTest {

  @Test
  void acceptsExactlyTheSizesWithinTheLimit() {
    BigInteger heap = BigInteger.valueOf(Runtime.getRuntime().maxMemory());
    BigInteger array = BigInteger.valueOf(AllocationLimits.MAX_ARRAY_LENGTH);
    qt().withFixedSeed(0xA110_0001L).withExamples(500)
        .forAll(integers().between(0, Integer.MAX_VALUE), integers().between(0, Integer.MAX_VALUE),
            integers().between(0, 70_000))
        .checkAssert((a, b, c) -> {
          BigInteger count = BigInteger.valueOf(a).multiply(BigInteger.valueOf(b))
              .multiply(BigInteger.valueOf(c));
          BigInteger bytes = count.multiply(BigInteger.valueOf(Double.BYTES));
          if (count.compareTo(array) <= 0 && bytes.compareTo(heap) <= 0) {
            assertEquals(bytes.longValueExact(),
                AllocationLimits.arrayDoubles("--x " + a, "x", a, b, c));
          } else {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AllocationLimits.arrayDoubles("--x " + a, "the x", a, b, c));
            assertTrue(e.getMessage().startsWith("--x " + a + " is too large: the x needs"),
                e.getMessage());
          }
        });
  }

  @Test
  void overflowAndNegativeSizesNameTheOption() {
    IllegalArgumentException overflow = assertThrows(IllegalArgumentException.class,
        () -> AllocationLimits.offHeapDoubles("--n 2147483647", "the n × n matrix",
            Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE));
    assertTrue(overflow.getMessage().contains("--n 2147483647")
        && overflow.getMessage().contains("more than " + Long.MAX_VALUE + " doubles"),
        overflow.getMessage());
    IllegalArgumentException memory = assertThrows(IllegalArgumentException.class,
        () -> AllocationLimits.offHeapDoubles("--n 1048576", "the n × n matrix", 1 << 20,
            1 << 20));                                 // 8 TiB: fits a long, not a machine
    assertTrue(memory.getMessage().contains("this machine's memory")
        && memory.getMessage().contains("8796093022208 bytes"), memory.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> AllocationLimits.offHeapDoubles("--n -1", "v", -1));
    assertEquals(0, AllocationLimits.offHeapDoubles("--n 0", "v", 0, Integer.MAX_VALUE));
    assertEquals(8 * 6, AllocationLimits.offHeapDoubles("--n 2", "v", 2, 3));
  }
}
