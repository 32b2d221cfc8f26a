package io.github.bilevel.bsgm.problems;

import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A fixed, seeded pool of {@code T} N-way K-shot classification tasks drawn from a labelled
 * data set, for {@link MetaLearning}. Task {@code t} picks {@code N} distinct classes (uniformly
 * among the allowed classes with at least {@code K + Q} examples) and, per class,
 * {@code K + Q} distinct examples: the first {@code K} form the support set, the other
 * {@code Q} the query set. Within a task the classes are relabelled {@code 0 .. N − 1} in the
 * order drawn; support and query rows are stored class by class. Examples may recur across
 * tasks, never within one.
 */
public final class FewShotTasks {

  private final int ways;
  private final int shots;
  private final int queries;
  private final int tasks;
  private final int examples;
  private final int[] taskClasses;
  private final int[] supportIndex;
  private final int[] supportLabel;
  private final int[] queryIndex;
  private final int[] queryLabel;

  private FewShotTasks(int ways, int shots, int queries, int tasks, int examples) {
    this.ways = ways;
    this.shots = shots;
    this.queries = queries;
    this.tasks = tasks;
    this.examples = examples;
    taskClasses = new int[tasks * ways];
    supportIndex = new int[tasks * ways * shots];
    supportLabel = new int[tasks * ways * shots];
    queryIndex = new int[tasks * ways * queries];
    queryLabel = new int[tasks * ways * queries];
  }

  /**
   * Draws {@code tasks} tasks from every class {@code 0 .. classes − 1}.
   *
   * @see #sample(int[], int[], int, int, int, int, long)
   */
  public static FewShotTasks sample(int[] labels, int classes, int ways, int shots,
      int queries, int tasks, long seed) {
    Inputs.checkClasses(classes);
    int[] pool = new int[classes];
    for (int c = 0; c < classes; c++) {
      pool[c] = c;
    }
    Inputs.checkLabels("labels", labels, -1, classes);
    return sample(labels, pool, ways, shots, queries, tasks, seed);
  }

  /**
   * Draws {@code tasks} tasks whose classes come from {@code classPool} (for instance
   * disjoint class sets for meta-training and meta-testing).
   *
   * @param labels    the class of each example (row of the feature matrix), {@code >= 0}
   * @param classPool the classes tasks may use (distinct)
   * @param ways      {@code N ≥ 2} classes per task
   * @param shots     {@code K ≥ 1} support examples per class
   * @param queries   {@code Q ≥ 1} query examples per class
   * @param tasks     {@code T ≥ 1}
   * @param seed      the seed of the draws
   * @throws IllegalArgumentException for sizes out of range, a negative label, or fewer than
   *     {@code N} pool classes with at least {@code K + Q} examples
   */
  public static FewShotTasks sample(int[] labels, int[] classPool, int ways, int shots,
      int queries, int tasks, long seed) {
    Objects.requireNonNull(labels, "labels");
    Objects.requireNonNull(classPool, "classPool");
    if (ways < 2 || shots < 1 || queries < 1 || tasks < 1) {
      throw new IllegalArgumentException("need ways >= 2, shots >= 1, queries >= 1 and tasks"
          + " >= 1, got " + ways + ", " + shots + ", " + queries + ", " + tasks);
    }
    if ((long) tasks * ways * (shots + queries) > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("too many tasks: " + tasks + " x " + ways + " x "
          + (shots + queries) + " rows overflow an int");
    }
    int maxClass = -1;
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0) {
        throw new IllegalArgumentException("labels[" + i + "] = " + labels[i] + " is negative");
      }
      maxClass = Math.max(maxClass, labels[i]);
    }
    int[] perClass = new int[maxClass + 1];
    for (int label : labels) {
      perClass[label]++;
    }
    // the examples of each pool class with enough of them
    int[][] members = new int[classPool.length][];
    int[] eligible = new int[classPool.length];
    int eligibleCount = 0;
    boolean[] seen = new boolean[Math.max(maxClass + 1, 1)];
    for (int c = 0; c < classPool.length; c++) {
      int cls = classPool[c];
      if (cls < 0) {
        throw new IllegalArgumentException("classPool[" + c + "] = " + cls + " is negative");
      }
      if (cls <= maxClass && seen[cls]) {
        throw new IllegalArgumentException("classPool lists class " + cls + " twice");
      }
      if (cls > maxClass) {
        continue;
      }
      seen[cls] = true;
      if (perClass[cls] < shots + queries) {
        continue;
      }
      int[] list = new int[perClass[cls]];
      int filled = 0;
      for (int i = 0; i < labels.length; i++) {
        if (labels[i] == cls) {
          list[filled++] = i;
        }
      }
      members[eligibleCount] = list;
      eligible[eligibleCount++] = cls;
    }
    if (eligibleCount < ways) {
      throw new IllegalArgumentException("only " + eligibleCount + " classes of the pool "
          + Arrays.toString(classPool) + " have at least shots + queries = " + (shots + queries)
          + " examples; a " + ways + "-way task needs " + ways);
    }
    FewShotTasks pool = new FewShotTasks(ways, shots, queries, tasks, labels.length);
    SplittableRandom random = new SplittableRandom(seed);
    int[] classOrder = new int[eligibleCount];
    for (int c = 0; c < eligibleCount; c++) {
      classOrder[c] = c;
    }
    for (int t = 0; t < tasks; t++) {
      partialShuffle(classOrder, ways, random);
      for (int way = 0; way < ways; way++) {
        int c = classOrder[way];
        pool.taskClasses[t * ways + way] = eligible[c];
        int[] list = members[c];
        partialShuffle(list, shots + queries, random);
        for (int s = 0; s < shots; s++) {
          int row = (t * ways + way) * shots + s;
          pool.supportIndex[row] = list[s];
          pool.supportLabel[row] = way;
        }
        for (int s = 0; s < queries; s++) {
          int row = (t * ways + way) * queries + s;
          pool.queryIndex[row] = list[shots + s];
          pool.queryLabel[row] = way;
        }
      }
    }
    return pool;
  }

  /** Moves a uniform draw without replacement of {@code count} elements to the front. */
  private static void partialShuffle(int[] values, int count, SplittableRandom random) {
    for (int i = 0; i < count; i++) {
      int pick = i + random.nextInt(values.length - i);
      int swap = values[pick];
      values[pick] = values[i];
      values[i] = swap;
    }
  }

  /** {@code N}. */
  public int ways() {
    return ways;
  }

  /** {@code K}. */
  public int shots() {
    return shots;
  }

  /** {@code Q}. */
  public int queries() {
    return queries;
  }

  /** {@code T}. */
  public int tasks() {
    return tasks;
  }

  /** The number of examples of the data set the tasks index. */
  public int examples() {
    return examples;
  }

  /** {@code N·K}, support rows per task. */
  public int supportSize() {
    return ways * shots;
  }

  /** {@code N·Q}, query rows per task. */
  public int querySize() {
    return ways * queries;
  }

  /** The original class of task {@code task}'s local class {@code way}. */
  public int taskClass(int task, int way) {
    Objects.checkIndex(way, ways);
    return taskClasses[Objects.checkIndex(task, tasks) * ways + way];
  }

  /** The data-set row of support row {@code row} of task {@code task}. */
  public int supportIndex(int task, int row) {
    return supportIndex[supportRow(task, row)];
  }

  /** The task-local label ({@code 0 .. N − 1}) of support row {@code row} of {@code task}. */
  public int supportLabel(int task, int row) {
    return supportLabel[supportRow(task, row)];
  }

  /** The data-set row of query row {@code row} of task {@code task}. */
  public int queryIndex(int task, int row) {
    return queryIndex[queryRow(task, row)];
  }

  /** The task-local label of query row {@code row} of task {@code task}. */
  public int queryLabel(int task, int row) {
    return queryLabel[queryRow(task, row)];
  }

  private int supportRow(int task, int row) {
    Objects.checkIndex(row, supportSize());
    return Objects.checkIndex(task, tasks) * supportSize() + row;
  }

  private int queryRow(int task, int row) {
    Objects.checkIndex(row, querySize());
    return Objects.checkIndex(task, tasks) * querySize() + row;
  }
}
