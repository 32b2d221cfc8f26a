package io.github.bilevel.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

class DMatrixCopyTest {

  @Test
  void copiesRowByRowBetweenLeadingDimensionsAndLeavesThePaddingAlone() {
    try (Arena arena = Arena.ofConfined()) {
      // a 2×3 view with leading dimension 5, padded with NaN, into one with leading dimension 4
      var from = arena.allocate(ValueLayout.JAVA_DOUBLE, 10);
      var to = arena.allocate(ValueLayout.JAVA_DOUBLE, 8);
      for (int i = 0; i < 10; i++) {
        from.setAtIndex(ValueLayout.JAVA_DOUBLE, i, Double.NaN);
      }
      for (int i = 0; i < 8; i++) {
        to.setAtIndex(ValueLayout.JAVA_DOUBLE, i, -7.0);
      }
      DMatrix source = new DMatrix(from, 0, 2, 3, 5).copyFrom(new double[] {1, 2, 3, 4, 5, 6});
      DMatrix target = new DMatrix(to, 0, 2, 3, 4);
      assertTrue(target.copyFrom(source) == target);
      assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, target.toArray());
      assertEquals(-7.0, to.getAtIndex(ValueLayout.JAVA_DOUBLE, 3), 0.0);
      assertEquals(-7.0, to.getAtIndex(ValueLayout.JAVA_DOUBLE, 7), 0.0);
    }
  }

  @Test
  void aShapeMismatchNamesBothShapes() {
    try (Arena arena = Arena.ofConfined()) {
      DMatrix a = Buffers.matrix(arena, 2, 3);
      DMatrix b = Buffers.matrix(arena, 3, 2);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> a.copyFrom(b));
      assertTrue(e.getMessage().contains("3x2") && e.getMessage().contains("2x3"),
          e.getMessage());
    }
  }
}
