package io.github.bilevel.bsgm.runner;

import java.lang.management.ManagementFactory;

/**
 * The one check of an allocation sized by the user's options, before it is made: the count of
 * doubles (the product of the dimensions) is computed with overflow checks and compared with a
 * limit, so that {@code --n 2147483647} is an error naming {@code --n}, not a negative
 * allocation size from deep inside the kernels.
 */
public final class AllocationLimits {

  /** The longest Java array the JVMs allocate ({@code Integer.MAX_VALUE − 8} elements). */
  public static final long MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8L;

  private AllocationLimits() {}

  /**
   * Checks {@code dimensions[0] · dimensions[1] ⋯} doubles off-heap (a {@code DVector} or
   * {@code DMatrix}) against this machine's physical memory.
   *
   * @param options what sizes it, as the user wrote it ({@code "--n 2147483647"})
   * @param what    what is allocated ({@code "the n × n matrix A"})
   * @return the bytes
   * @throws IllegalArgumentException naming {@code options}, {@code what} and the limit when the
   *     size overflows a {@code long} or exceeds the limit
   */
  public static long offHeapDoubles(String options, String what, long... dimensions) {
    return check(options, what, Long.MAX_VALUE / Double.BYTES, physicalMemoryBytes(),
        "this machine's memory", dimensions);
  }

  /**
   * Checks {@code dimensions[0] · dimensions[1] ⋯} doubles in one Java array against
   * {@link #MAX_ARRAY_LENGTH} and the heap's maximum ({@code -Xmx}).
   *
   * @return the bytes
   * @throws IllegalArgumentException as {@link #offHeapDoubles}
   */
  public static long arrayDoubles(String options, String what, long... dimensions) {
    return check(options, what, MAX_ARRAY_LENGTH, Runtime.getRuntime().maxMemory(),
        "the Java heap (-Xmx)", dimensions);
  }

  /**
   * The sum of example counts set by options ({@code n_train + n_val}), checked to fit the
   * {@code int} a data set is indexed by.
   *
   * @param options the options, as the user wrote them ({@code "-o n_train=…, n_val=…"})
   * @param what    what the counts add up to ({@code "training and validation examples"})
   * @throws IllegalArgumentException naming {@code options} when the sum exceeds
   *     {@code Integer.MAX_VALUE}
   */
  public static int exampleCount(String options, String what, int... counts) {
    long sum = 0;
    for (int count : counts) {
      sum += count; // at most 2^31 terms of at most 2^31: a long cannot overflow here
    }
    if (sum > Integer.MAX_VALUE) {
      throw tooLarge(options, what, sum + " examples", Integer.MAX_VALUE + " examples");
    }
    return (int) sum;
  }

  private static long check(String options, String what, long maxCount, long maxBytes,
      String memory, long... dimensions) {
    long count = 1;
    try {
      for (long dimension : dimensions) {
        if (dimension < 0) {
          throw new IllegalArgumentException(options + ": " + what + " would have a negative"
              + " dimension " + dimension);
        }
        count = Math.multiplyExact(count, dimension);
      }
    } catch (ArithmeticException overflow) {
      throw tooLarge(options, what, "more than " + Long.MAX_VALUE + " doubles",
          maxCount + " doubles");
    }
    if (count > maxCount) {
      throw tooLarge(options, what, count + " doubles", maxCount + " doubles"
          + (maxCount == MAX_ARRAY_LENGTH ? " (one Java array)" : ""));
    }
    long bytes = count * Double.BYTES;
    if (bytes > maxBytes) {
      throw tooLarge(options, what, bytes + " bytes", maxBytes + " bytes, " + memory);
    }
    return bytes;
  }

  private static IllegalArgumentException tooLarge(String options, String what, String size,
      String limit) {
    return new IllegalArgumentException(options + " is too large: " + what + " needs " + size
        + ", more than the limit of " + limit);
  }

  /** The machine's physical memory, or {@code Long.MAX_VALUE} where the JVM does not say. */
  static long physicalMemoryBytes() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      long total = os.getTotalMemorySize();
      return total > 0 ? total : Long.MAX_VALUE;
    }
    return Long.MAX_VALUE;
  }
}
