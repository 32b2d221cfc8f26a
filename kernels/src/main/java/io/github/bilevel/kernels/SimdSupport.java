package io.github.bilevel.kernels;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The memory helpers and constants of the Vector API kernels ({@link SimdBackend} and its
 * helper classes, except {@link SimdGemm}, which keeps its own species): the species of the
 * CPU's variant, loads and stores at byte offsets of a {@link MemorySegment}, element access to
 * views of any stride, and the fixed-order lane sum.
 *
 * <p><b>Variant.</b> The vector width of the BLAS-1/2 and elementwise kernels is chosen once, at
 * class initialization, by {@value #VARIANT_PROPERTY}:
 * <ul>
 *   <li>{@code preferred}: the JVM's preferred species (512 bits where AVX-512 is usable, else
 *       256 on AVX2);
 *   <li>{@code 256}, {@code 128}: that width, when the JVM offers it (narrower than preferred);
 *   <li>{@code auto} (default): {@code 256} on an AMD CPU whose preferred species is wider (Zen 4
 *       executes each 512-bit operation as two 256-bit halves, so 512-bit registers add no
 *       throughput to a streaming kernel, only cache-line-crossing loads; not measured on the
 *       development machine, whose hypervisor hides AVX-512), else {@code preferred}. The
 *       vendor is read from {@code /proc/cpuinfo} (Linux); where it cannot be read,
 *       {@code preferred}.
 * </ul>
 * {@link #VARIANT} describes the choice and why (printed by the benchmarks). A bad value fails
 * the class's initialization with an {@link IllegalArgumentException} naming the property.
 */
final class SimdSupport {

  private SimdSupport() {}

  /** System property of the variant: {@code auto}, {@code preferred}, {@code 256}, {@code 128}. */
  static final String VARIANT_PROPERTY = "bilevel.simd.variant";

  /** The CPU vendor in {@code /proc/cpuinfo} ({@code AuthenticAMD}, {@code GenuineIntel}) or "". */
  static final String CPU_VENDOR = cpuVendor();

  /** The species of the chosen variant. */
  static final VectorSpecies<Double> SPECIES = species(System.getProperty(VARIANT_PROPERTY),
      CPU_VENDOR, DoubleVector.SPECIES_PREFERRED);

  /** The chosen variant in words: its width and why it was chosen. */
  static final String VARIANT = SPECIES.vectorBitSize() + "-bit ("
      + describe(System.getProperty(VARIANT_PROPERTY), CPU_VENDOR) + ", preferred "
      + DoubleVector.SPECIES_PREFERRED.vectorBitSize() + "-bit)";

  /**
   * The species of {@code variant} (null or blank: {@code auto}) on a CPU of {@code vendor}
   * whose preferred species is {@code preferred}.
   *
   * @throws IllegalArgumentException for an unknown variant or a width wider than preferred
   */
  static VectorSpecies<Double> species(String variant, String vendor,
      VectorSpecies<Double> preferred) {
    String v = variant == null || variant.isBlank() ? "auto"
        : variant.trim().toLowerCase(Locale.ROOT);
    int bits = switch (v) {
      case "auto" -> vendor.equals("AuthenticAMD") && preferred.vectorBitSize() > 256 ? 256
          : preferred.vectorBitSize();
      case "preferred" -> preferred.vectorBitSize();
      case "256" -> 256;
      case "128" -> 128;
      default -> throw new IllegalArgumentException("-D" + VARIANT_PROPERTY
          + " must be auto, preferred, 256 or 128, got '" + variant + "'");
    };
    if (bits > preferred.vectorBitSize()) {
      throw new IllegalArgumentException("-D" + VARIANT_PROPERTY + "=" + v + " asks for "
          + bits + "-bit vectors, wider than this JVM's preferred "
          + preferred.vectorBitSize() + "-bit ones");
    }
    return bits == preferred.vectorBitSize() ? preferred
        : VectorSpecies.of(double.class, VectorShape.forBitSize(bits));
  }

  private static String describe(String variant, String vendor) {
    if (variant != null && !variant.isBlank()) {
      return "-D" + VARIANT_PROPERTY + "=" + variant.trim();
    }
    return "auto, CPU " + (vendor.isEmpty() ? "vendor unknown" : vendor);
  }

  private static String cpuVendor() {
    try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
      return lines.filter(l -> l.startsWith("vendor_id"))
          .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("");
    } catch (IOException | RuntimeException e) {
      return ""; // not Linux, or not readable: the preferred species
    }
  }

  /** Lanes of the variant's species. */
  static final int L = SPECIES.length();

  /** Elements of the four-register unrolled loops. */
  static final int L4 = 4 * L;

  /** Bytes of one vector register. */
  static final long VB = (long) L * Double.BYTES;

  static final ByteOrder ORDER = ByteOrder.nativeOrder();

  static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE_UNALIGNED;

  static DoubleVector load(MemorySegment s, long byteOffset) {
    return DoubleVector.fromMemorySegment(SPECIES, s, byteOffset, ORDER);
  }

  static void store(DoubleVector v, MemorySegment s, long byteOffset) {
    v.intoMemorySegment(s, byteOffset, ORDER);
  }

  static double get(MemorySegment s, long byteOffset) {
    return s.get(D, byteOffset);
  }

  static void set(MemorySegment s, long byteOffset, double value) {
    s.set(D, byteOffset, value);
  }

  /** Byte offset of element {@code i} of a contiguous run starting at byte {@code base}. */
  static long at(long base, int i) {
    return base + ((long) i << 3);
  }

  /** Byte offset of element 0 of {@code v}. */
  static long base(DVector v) {
    return v.offset() << 3;
  }

  /** Element {@code i} of a view of any stride. */
  static double get(DVector v, int i) {
    return v.segment().get(D, v.byteOffset(i));
  }

  static void set(DVector v, int i, double value) {
    v.segment().set(D, v.byteOffset(i), value);
  }

  static boolean contiguous(DVector a, DVector b) {
    return a.stride() == 1 && b.stride() == 1;
  }

  static boolean contiguous(DVector a, DVector b, DVector c) {
    return a.stride() == 1 && b.stride() == 1 && c.stride() == 1;
  }

  /**
   * The sum of the lanes of {@code v}, in a fixed order (pairwise). Used instead of
   * {@code reduceLanes(ADD)}, whose order is unspecified and differs between the interpreter
   * and compiled code, so that a kernel gives the same bits however warm the JVM is.
   */
  static double sumLanes(DoubleVector v) {
    // Constant lane indices: each lane(k) compiles to one extract (a variable index does not).
    if (L == 8) {
      return ((v.lane(0) + v.lane(1)) + (v.lane(2) + v.lane(3)))
          + ((v.lane(4) + v.lane(5)) + (v.lane(6) + v.lane(7)));
    }
    if (L == 4) {
      return (v.lane(0) + v.lane(1)) + (v.lane(2) + v.lane(3));
    }
    if (L == 2) {
      return v.lane(0) + v.lane(1);
    }
    double sum = 0.0;
    for (int lane = 0; lane < L; lane++) {
      sum += v.lane(lane);
    }
    return sum;
  }
}
