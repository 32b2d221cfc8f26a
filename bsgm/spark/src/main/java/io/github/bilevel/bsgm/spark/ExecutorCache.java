package io.github.bilevel.bsgm.spark;

import io.github.bilevel.bsgm.BlockedHypergradient;
import io.github.bilevel.bsgm.SeparableProblem;
import io.github.bilevel.bsgm.SeparableProblemSource;
import io.github.bilevel.bsgm.SeparableSid;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.Backends;
import io.github.bilevel.kernels.DVector;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The workspaces of one executor JVM, allocated once and reused across tasks and iterations:
 * per problem configuration ({@link Key}), a pool of workers, one per task running at a time
 * (an executor with {@code c} cores makes at most {@code c}), each holding the problem built
 * from its source and a {@link BlockedHypergradient} with its off-heap buffers.
 */
public final class ExecutorCache {

  /**
   * A problem configuration.
   *
   * @param source    the problem's recipe (a record: equal sources, equal problems)
   * @param backend   the backend's name
   * @param blockSize tasks per block
   */
  public record Key(SeparableProblemSource source, String backend, int blockSize) {}

  /** How the error of unreadable data starts (the driver finds it in Spark's failure). */
  static final String UNREADABLE = "an executor cannot read the data at ";

  private static final Map<Key, Queue<Worker>> POOLS = new ConcurrentHashMap<>();
  private static final AtomicInteger CREATED = new AtomicInteger();

  private ExecutorCache() {}

  /** A worker for {@code key}: an idle one, or a new one (reading the data). */
  static Worker borrow(Key key) {
    Worker idle = POOLS.computeIfAbsent(key, k -> new ConcurrentLinkedQueue<>()).poll();
    return idle != null ? idle : new Worker(key);
  }

  /** Returns a worker to its pool. */
  static void giveBack(Worker worker) {
    POOLS.get(worker.key).add(worker);
  }

  /** How many workers this JVM has made (for tests: reuse, not one per task). */
  public static int workersCreated() {
    return CREATED.get();
  }

  /** Frees every idle worker (tests; an executor's workers live as long as its JVM). */
  public static void clear() {
    for (Queue<Worker> pool : POOLS.values()) {
      for (Worker worker; (worker = pool.poll()) != null; ) {
        worker.close();
      }
    }
  }

  /** One task slot's problem and workspace. */
  static final class Worker implements AutoCloseable {
    private final Key key;
    private final SeparableProblemSource.Opened opened;
    private final BlockedHypergradient estimator;
    private final Arena arena = Arena.ofShared();
    private final DVector lambda;
    private final DVector sum;

    Worker(Key key) {
      this.key = key;
      Backend backend = Backends.byName(key.backend());
      try {
        opened = key.source().open(backend, DataLocation.localDirectory(key.source().data()));
      } catch (IOException e) {
        throw new UncheckedIOException(UNREADABLE + key.source().data() + ": " + e.getMessage(), e);
      }
      SeparableProblem problem = opened.problem();
      estimator = new BlockedHypergradient(problem, key.blockSize());
      lambda = backend.vector(arena, problem.upperDimension());
      sum = backend.vector(arena, problem.upperDimension());
      CREATED.incrementAndGet();
    }

    BlockTask.PartialSum partialSum(double[] lambdaValues, long drawSeed, int batch,
        int firstBlock, int endBlock, SeparableSid.Options options) {
      if (lambdaValues.length != lambda.length()) {
        throw new IllegalArgumentException("λ has " + lambdaValues.length + " entries; the"
            + " problem built from " + key.source() + " has m = " + lambda.length());
      }
      for (int i = 0; i < lambdaValues.length; i++) {
        lambda.set(i, lambdaValues[i]);
      }
      long samples = estimator.partialSum(lambda, drawSeed, batch, firstBlock, endBlock,
          options, sum);
      return new BlockTask.PartialSum(sum.toArray(), samples);
    }

    int tasks() {
      return opened.problem().tasks();
    }

    @Override
    public void close() {
      estimator.close();
      opened.close();
      arena.close();
    }
  }
}
