package io.github.bilevel.bsgm.problems;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The seeded few-shot task pool: structure, reproducibility, class pools, bad input. */
class FewShotTasksTest {

  private static int[] labels(int n, int classes, long seed) {
    return new SplittableRandom(seed).ints(n, 0, classes).toArray();
  }

  private static int[] flatten(FewShotTasks pool) {
    int[] out = new int[pool.tasks() * (pool.supportSize() + pool.querySize())];
    int k = 0;
    for (int t = 0; t < pool.tasks(); t++) {
      for (int j = 0; j < pool.supportSize(); j++) {
        out[k++] = pool.supportIndex(t, j);
      }
      for (int j = 0; j < pool.querySize(); j++) {
        out[k++] = pool.queryIndex(t, j);
      }
    }
    return out;
  }

  @Test
  void everyTaskHasDistinctClassesAndDisjointExamplesWithConsistentLabels() {
    int[] labels = labels(400, 10, 1);
    FewShotTasks pool = FewShotTasks.sample(labels, 10, 5, 3, 4, 50, 2);
    assertEquals(15, pool.supportSize());
    assertEquals(20, pool.querySize());
    for (int t = 0; t < pool.tasks(); t++) {
      Set<Integer> classes = new HashSet<>();
      for (int way = 0; way < 5; way++) {
        classes.add(pool.taskClass(t, way));
      }
      assertEquals(5, classes.size(), "distinct classes in task " + t);
      Set<Integer> examples = new HashSet<>();
      for (int j = 0; j < pool.supportSize(); j++) {
        int i = pool.supportIndex(t, j);
        assertTrue(examples.add(i), "example repeated in task " + t);
        assertEquals(labels[i], pool.taskClass(t, pool.supportLabel(t, j)));
        assertEquals(j / 3, pool.supportLabel(t, j), "support rows are class by class");
      }
      for (int j = 0; j < pool.querySize(); j++) {
        int i = pool.queryIndex(t, j);
        assertTrue(examples.add(i), "query example repeated in task " + t);
        assertEquals(labels[i], pool.taskClass(t, pool.queryLabel(t, j)));
        assertEquals(j / 4, pool.queryLabel(t, j));
      }
    }
  }

  @Test
  void sameSeedSamePoolAndClassPoolsAreRespected() {
    int[] labels = labels(300, 6, 3);
    assertArrayEquals(flatten(FewShotTasks.sample(labels, 6, 3, 2, 2, 20, 9)),
        flatten(FewShotTasks.sample(labels, 6, 3, 2, 2, 20, 9)));
    FewShotTasks restricted = FewShotTasks.sample(labels, new int[] {1, 4, 5}, 2, 2, 2, 30, 4);
    Set<Integer> used = new HashSet<>();
    for (int t = 0; t < restricted.tasks(); t++) {
      for (int way = 0; way < 2; way++) {
        used.add(restricted.taskClass(t, way));
      }
    }
    assertEquals(Set.of(1, 4, 5), used);
  }

  @Test
  void badInputIsReportedClearly() {
    int[] labels = {0, 0, 0, 1, 1, 2};
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> FewShotTasks.sample(labels, 3, 2, 2, 1, 5, 1));
    assertTrue(e.getMessage().contains("only 1 classes"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> FewShotTasks.sample(labels, 3, 1, 1, 1, 5, 1));
    assertTrue(e.getMessage().contains("ways >= 2"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> FewShotTasks.sample(labels, 2, 2, 1, 1, 5, 1));
    assertTrue(e.getMessage().contains("labels[5] = 2"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> FewShotTasks.sample(labels, new int[] {0, 1, 0}, 2, 1, 1, 5, 1));
    assertTrue(e.getMessage().contains("twice"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> FewShotTasks.sample(new int[] {0, -1}, new int[] {0}, 2, 1, 1, 5, 1));
    assertTrue(e.getMessage().contains("negative"), e.getMessage());
  }
}
