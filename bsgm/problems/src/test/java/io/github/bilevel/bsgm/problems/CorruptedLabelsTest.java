package io.github.bilevel.bsgm.problems;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Seeded label corruption: exact counts, always-wrong labels, reproducibility, bad input. */
class CorruptedLabelsTest {

  private static int[] clean(int n, int classes, long seed) {
    return new SplittableRandom(seed).ints(n, 0, classes).toArray();
  }

  @Test
  void corruptsExactlyTheRoundedFractionWithWrongLabels() {
    for (double rate : new double[] {0, 0.1, 0.25, 0.5, 0.77, 1}) {
      for (int classes : new int[] {2, 3, 10}) {
        int[] labels = clean(203, classes, 1);
        CorruptedLabels noisy = CorruptedLabels.corrupt(labels, classes, rate, 42);
        int[] after = noisy.labels();
        boolean[] mask = noisy.corrupted();
        int count = 0;
        for (int i = 0; i < labels.length; i++) {
          if (mask[i]) {
            count++;
            assertNotEquals(labels[i], after[i], "corrupted label " + i + " changed");
            assertTrue(after[i] >= 0 && after[i] < classes);
          } else {
            assertEquals(labels[i], after[i], "clean label " + i + " kept");
          }
          assertEquals(mask[i], noisy.isCorrupted(i));
        }
        assertEquals(Math.round(rate * labels.length), count);
        assertEquals(count, noisy.count());
      }
    }
  }

  @Test
  void sameSeedSameCorruptionAndInputUntouched() {
    int[] labels = clean(500, 10, 2);
    int[] copy = labels.clone();
    CorruptedLabels a = CorruptedLabels.corrupt(labels, 10, 0.3, 7);
    CorruptedLabels b = CorruptedLabels.corrupt(labels, 10, 0.3, 7);
    CorruptedLabels c = CorruptedLabels.corrupt(labels, 10, 0.3, 8);
    assertArrayEquals(copy, labels);
    assertArrayEquals(a.labels(), b.labels());
    assertArrayEquals(a.corrupted(), b.corrupted());
    assertFalse(java.util.Arrays.equals(a.corrupted(), c.corrupted()));
  }

  @Test
  void wrongLabelsAreUniformOverTheOtherClasses() {
    int[] labels = new int[30_000];                           // every label 0
    CorruptedLabels noisy = CorruptedLabels.corrupt(labels, 4, 1.0, 3);
    int[] counts = new int[4];
    for (int y : noisy.labels()) {
      counts[y]++;
    }
    assertEquals(0, counts[0]);
    for (int c = 1; c < 4; c++) {
      assertEquals(10_000, counts[c], 400, "class " + c);   // about 7 standard deviations
    }
  }

  @Test
  void badInputIsReportedClearly() {
    int[] labels = {0, 1, 2};
    for (double rate : new double[] {-0.1, 1.1, Double.NaN}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> CorruptedLabels.corrupt(labels, 3, rate, 1));
      assertTrue(e.getMessage().contains("[0, 1]"), e.getMessage());
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> CorruptedLabels.corrupt(labels, 2, 0.5, 1));
    assertTrue(e.getMessage().contains("labels[2] = 2"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> CorruptedLabels.corrupt(new int[] {0}, 1, 0.5, 1));
    assertTrue(e.getMessage().contains("at least 2 classes"), e.getMessage());
  }
}
