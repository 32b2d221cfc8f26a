package io.github.bilevel.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The memory helpers and constants of the Vector API kernels ({@link SimdBackend} and its
 * helper classes): the preferred species, loads and stores at byte offsets of a
 * {@link MemorySegment}, element access to views of any stride, and the fixed-order lane sum.
 */
final class SimdSupport {

  private SimdSupport() {}

  static final VectorSpecies<Double> SPECIES = DoubleVector.SPECIES_PREFERRED;

  /** Lanes of the preferred species. */
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
