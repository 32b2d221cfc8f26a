package io.github.bilevel.bsgm.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bilevel.kernels.Buffers;
import io.github.bilevel.kernels.DMatrix;
import java.lang.foreign.Arena;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Stratified splits and subsets: sizes, class shares, disjointness, seeds. */
class SplitsTest {

  /** Example i has feature 0 = i (so selected rows can be traced) and an unbalanced label. */
  private static Dataset data(Arena arena, int n, int classes, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    DMatrix x = Buffers.matrix(arena, n, 3);
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      x.set(i, 0, i);
      x.set(i, 1, random.nextDouble());
      // class c has weight c + 1
      int total = classes * (classes + 1) / 2;
      int r = random.nextInt(total);
      int c = 0;
      while (r >= c + 1) {
        r -= c + 1;
        c++;
      }
      y[i] = c;
    }
    return new Dataset(x, y, classes);
  }

  private static int[] ids(Dataset d) {
    int[] out = new int[d.size()];
    for (int i = 0; i < d.size(); i++) {
      out[i] = (int) d.features().get(i, 0);
    }
    return out;
  }

  @Test
  void apportionAddsUpAndFollowsTheShares() {
    SplittableRandom random = new SplittableRandom(7);
    for (int trial = 0; trial < 500; trial++) {
      int classes = 1 + random.nextInt(12);
      int[] counts = new int[classes];
      int n = 0;
      for (int c = 0; c < classes; c++) {
        counts[c] = random.nextInt(50);
        n += counts[c];
      }
      int size = random.nextInt(n + 1);
      int[] take = Splits.apportion(counts, size);
      assertEquals(size, Arrays.stream(take).sum());
      for (int c = 0; c < classes; c++) {
        double exact = n == 0 ? 0 : (double) size * counts[c] / n;
        assertTrue(take[c] <= counts[c]);
        assertTrue(Math.abs(take[c] - exact) < 1.0 + 1e-12,
            "class " + c + ": " + take[c] + " vs " + exact);
      }
    }
    assertArrayEquals(new int[] {1, 1, 1}, Splits.apportion(new int[] {5, 5, 5}, 3));
    assertThrows(IllegalArgumentException.class, () -> Splits.apportion(new int[] {2, 2}, 5));
  }

  @Test
  void splitIsDisjointCompleteStratifiedAndSeeded() {
    try (Arena arena = Arena.ofConfined()) {
      Dataset all = data(arena, 997, 5, 1);
      Splits.Split split = Splits.stratifiedSplit(all, 200, 42, arena);
      assertEquals(797, split.train().size());
      assertEquals(200, split.validation().size());
      Set<Integer> seen = new HashSet<>();
      for (Dataset part : new Dataset[] {split.train(), split.validation()}) {
        int[] id = ids(part);
        for (int r = 0; r < id.length; r++) {
          assertTrue(seen.add(id[r]), "example " + id[r] + " twice");
          assertEquals(all.label(id[r]), part.label(r));
          assertEquals(all.features().get(id[r], 1), part.features().get(r, 1), 0.0);
        }
        int[] sorted = id.clone();
        Arrays.sort(sorted);
        assertArrayEquals(sorted, id, "original order kept");
      }
      assertEquals(997, seen.size());
      assertArrayEquals(Splits.apportion(all.classCounts(), 200),
          split.validation().classCounts());
      Splits.Split again = Splits.stratifiedSplit(all, 200, 42, arena);
      assertArrayEquals(ids(split.validation()), ids(again.validation()));
      Splits.Split other = Splits.stratifiedSplit(all, 200, 43, arena);
      assertNotEquals(Arrays.toString(ids(split.validation())),
          Arrays.toString(ids(other.validation())));
    }
  }

  @Test
  void sizedSplitAndSubsetKeepClassShares() {
    try (Arena arena = Arena.ofConfined()) {
      Dataset all = data(arena, 1500, 6, 2);
      Splits.Split split = Splits.stratifiedSplit(all, 500, 120, 9, arena);
      assertEquals(500, split.train().size());
      assertEquals(120, split.validation().size());
      Set<Integer> train = new HashSet<>();
      for (int id : ids(split.train())) {
        train.add(id);
      }
      for (int id : ids(split.validation())) {
        assertTrue(!train.contains(id), "example " + id + " in both parts");
      }
      int[] counts = all.classCounts();
      for (Dataset part : new Dataset[] {split.train(), split.validation()}) {
        int[] partCounts = part.classCounts();
        for (int c = 0; c < counts.length; c++) {
          double expected = (double) part.size() * counts[c] / all.size();
          assertTrue(Math.abs(partCounts[c] - expected) <= 2.0,
              "class " + c + ": " + partCounts[c] + " vs " + expected);
        }
      }
      Dataset subset = Splits.stratifiedSubset(all, 333, 5, arena);
      assertEquals(333, subset.size());
      assertArrayEquals(Splits.apportion(counts, 333), subset.classCounts());
      assertEquals(new HashSet<>(Arrays.asList(Arrays.stream(ids(subset)).boxed()
          .toArray(Integer[]::new))).size(), 333, "no repeats");
      assertArrayEquals(ids(subset), ids(Splits.stratifiedSubset(all, 333, 5, arena)));
      assertThrows(IllegalArgumentException.class,
          () -> Splits.stratifiedSubset(all, 1501, 5, arena));
      assertThrows(IllegalArgumentException.class,
          () -> Splits.stratifiedSplit(all, 1000, 501, 5, arena));
    }
  }

  @Test
  void datasetChecksItsInput() {
    try (Arena arena = Arena.ofConfined()) {
      DMatrix x = Buffers.matrix(arena, 3, 2);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> new Dataset(x, new int[] {0, 1}, 2));
      assertTrue(e.getMessage().contains("3 rows"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class,
          () -> new Dataset(x, new int[] {0, 2, 1}, 2));
      assertTrue(e.getMessage().contains("label 2 of example 1"), e.getMessage());
      Dataset d = new Dataset(x, new int[] {0, 1, 1}, 2);
      int[] labels = d.labels();
      labels[0] = 1;
      assertEquals(0, d.label(0), "labels() returns a copy");
      assertThrows(IllegalArgumentException.class, () -> d.select(new int[] {3}, arena));
    }
  }
}
