package io.github.bilevel.nativebindings.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The struct {@code cudaMemLocation} of {@code driver_types.h}, in the layout {@code jextract}
 * generates for a struct: its {@link GroupLayout}, field accessors on a segment, and
 * allocation.
 * {@snippet lang=c :
 * struct cudaMemLocation {
 *     enum cudaMemLocationType type;
 *     int id;
 * }
 * }
 */
public final class cudaMemLocation {

  cudaMemLocation() {
    // Should not be called directly
  }

  private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
      cuda_runtime_h.C_INT.withName("type"),
      cuda_runtime_h.C_INT.withName("id")
  ).withName("cudaMemLocation");

  /** The layout of this struct. */
  public static GroupLayout layout() {
    return $LAYOUT;
  }

  private static final ValueLayout.OfInt type$LAYOUT =
      (ValueLayout.OfInt) $LAYOUT.select(MemoryLayout.PathElement.groupElement("type"));

  private static final long type$OFFSET = 0;

  /** Getter for field: {@snippet lang=c : enum cudaMemLocationType type } */
  public static int type(MemorySegment struct) {
    return struct.get(type$LAYOUT, type$OFFSET);
  }

  /** Setter for field: {@snippet lang=c : enum cudaMemLocationType type } */
  public static void type(MemorySegment struct, int fieldValue) {
    struct.set(type$LAYOUT, type$OFFSET, fieldValue);
  }

  private static final ValueLayout.OfInt id$LAYOUT =
      (ValueLayout.OfInt) $LAYOUT.select(MemoryLayout.PathElement.groupElement("id"));

  private static final long id$OFFSET = 4;

  /** Getter for field: {@snippet lang=c : int id } */
  public static int id(MemorySegment struct) {
    return struct.get(id$LAYOUT, id$OFFSET);
  }

  /** Setter for field: {@snippet lang=c : int id } */
  public static void id(MemorySegment struct, int fieldValue) {
    struct.set(id$LAYOUT, id$OFFSET, fieldValue);
  }

  /** Allocates a struct in {@code arena}. */
  public static MemorySegment allocate(Arena arena) {
    return arena.allocate(layout());
  }
}
