package io.github.bilevel.kernels;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * The threads of one {@link SimdBackend}: a thread count and a lazily created pool of
 * {@code threads - 1} daemon threads that, with the calling thread, run the parts of a kernel's
 * fixed static partition (part 0 on the caller, part {@code p} on a pool thread). The partition
 * is the kernel's, never work stealing, so each part does the same arithmetic whatever the
 * thread count.
 *
 * <p>Idle pool threads end after {@link #KEEP_ALIVE_SECONDS} and are restarted on demand, so a
 * backend that is dropped leaves no threads behind.
 */
final class KernelThreads {

  /** Seconds an idle pool thread waits for work before it ends. */
  static final long KEEP_ALIVE_SECONDS = 30;

  /**
   * A thread that is never started: a segment it may access is accessible from any thread
   * (global, automatic, shared arena, heap), one it may not is confined to its owner.
   */
  private static final Thread STRANGER = Thread.ofPlatform().unstarted(() -> { });

  private final int threads;
  /** Smallest FLOP count per part worth a hand-off to another thread. */
  private final long minFlopsPerPart;
  /** Smallest count of matrix elements per part of a streaming kernel (gemv) worth a hand-off. */
  private final long minElementsPerPart;
  private volatile ThreadPoolExecutor pool;

  /**
   * Threads with one threshold for both work measures (tests: 0 cuts every kernel into as many
   * parts as it has units).
   *
   * @param threads    threads per kernel call, caller included, {@code >= 1}
   * @param minPerPart smallest work a part must have, in FLOPs or matrix elements, {@code >= 0}
   */
  KernelThreads(int threads, long minPerPart) {
    this(threads, minPerPart, minPerPart);
  }

  /**
   * @param threads            threads per kernel call, caller included, {@code >= 1}
   * @param minFlopsPerPart    smallest amount of work a part must have ({@code >= 0}); below
   *                           {@code 2 ×} this a kernel runs inline on the caller
   * @param minElementsPerPart the same for kernels that stream a matrix once (gemv), in
   *                           elements of the matrix ({@code >= 0})
   */
  KernelThreads(int threads, long minFlopsPerPart, long minElementsPerPart) {
    this.threads = checkThreads(threads, "threads");
    if (minFlopsPerPart < 0) {
      throw new IllegalArgumentException("minFlopsPerPart must be >= 0, got " + minFlopsPerPart);
    }
    if (minElementsPerPart < 0) {
      throw new IllegalArgumentException("minElementsPerPart must be >= 0, got "
          + minElementsPerPart);
    }
    this.minFlopsPerPart = minFlopsPerPart;
    this.minElementsPerPart = minElementsPerPart;
  }

  /** Returns {@code threads} if it is at least 1; else throws naming {@code what}. */
  static int checkThreads(int threads, String what) {
    if (threads < 1) {
      throw new IllegalArgumentException(what + " must be >= 1 (the calling thread counts as "
          + "one), got " + threads);
    }
    return threads;
  }

  /**
   * The thread count set by the system property {@code property}, or the available processors
   * when it is unset or blank.
   *
   * @throws IllegalArgumentException if the property is not an integer {@code >= 1}
   */
  static int fromProperty(String property) {
    String value = System.getProperty(property);
    if (value == null || value.isBlank()) {
      return Math.max(1, Runtime.getRuntime().availableProcessors());
    }
    int threads;
    try {
      threads = Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("-D" + property + " must be an integer >= 1, got '"
          + value + "'", e);
    }
    return checkThreads(threads, "-D" + property);
  }

  int threads() {
    return threads;
  }

  /**
   * How many parts to cut a kernel of {@code flops} floating-point operations into, when it can
   * be cut into at most {@code units} independent pieces: 1 (inline) unless every segment is
   * accessible from other threads and each part gets at least {@code minFlopsPerPart}.
   */
  int parts(double flops, int units, MemorySegment... segments) {
    return parts(flops, minFlopsPerPart, units, segments);
  }

  /** Smallest count of matrix elements per part of a streaming kernel (gemv). */
  long minElementsPerPart() {
    return minElementsPerPart;
  }

  /**
   * How many parts to cut a kernel of {@code work} into, when each part must get at least
   * {@code minWorkPerPart} (in the same measure) and it can be cut into at most {@code units}
   * pieces; 1 when any segment is confined to the calling thread.
   */
  int parts(double work, long minWorkPerPart, int units, MemorySegment... segments) {
    int parts = Math.min(threads, units);
    if (minWorkPerPart > 0) {
      parts = (int) Math.min(parts, work / minWorkPerPart);
    }
    if (parts < 2) {
      return 1;
    }
    for (MemorySegment s : segments) {
      if (!s.isAccessibleBy(STRANGER)) {
        return 1; // confined to the caller: no other thread may touch it
      }
    }
    return parts;
  }

  /**
   * Runs {@code part.accept(p)} for {@code p = 0 .. parts-1}: part 0 on the calling thread, the
   * others on the pool; returns when all are done, rethrowing the first failure.
   */
  void run(int parts, IntConsumer part) {
    if (parts <= 1) {
      part.accept(0);
      return;
    }
    if (parts > threads) {
      throw new IllegalArgumentException(parts + " parts for " + threads + " threads");
    }
    ThreadPoolExecutor executor = pool();
    Future<?>[] futures = new Future<?>[parts];
    for (int p = 1; p < parts; p++) {
      int index = p;
      futures[p] = executor.submit(() -> part.accept(index));
    }
    Throwable failure = null;
    try {
      part.accept(0);
    } catch (RuntimeException | Error e) {
      failure = e;
    }
    boolean interrupted = false;
    for (int p = 1; p < parts; p++) {
      while (true) {
        try {
          futures[p].get();
          break;
        } catch (InterruptedException e) {
          interrupted = true; // the parts write into the caller's memory: wait for them anyway
        } catch (ExecutionException e) {
          if (failure == null) {
            failure = e.getCause();
          }
          break;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (failure instanceof RuntimeException e) {
      throw e;
    }
    if (failure instanceof Error e) {
      throw e;
    }
    if (failure != null) {
      throw new IllegalStateException("a kernel part failed", failure);
    }
  }

  private ThreadPoolExecutor pool() {
    ThreadPoolExecutor p = pool;
    if (p == null) {
      synchronized (this) {
        p = pool;
        if (p == null) {
          p = new ThreadPoolExecutor(threads - 1, threads - 1, KEEP_ALIVE_SECONDS,
              TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
              Thread.ofPlatform().daemon().name("bilevel-kernel-", 1).factory());
          p.allowCoreThreadTimeOut(true);
          pool = p;
        }
      }
    }
    return p;
  }
}
