package io.github.bilevel.kernels;

import java.lang.foreign.MemorySegment;

/**
 * The BLAS-1 and elementwise kernels of {@link SimdBackend} on its threads: long vectors are cut
 * into fixed chunks of {@value #CHUNK} elements, and a part of the work is a run of whole chunks
 * (part {@code p} of {@code P} takes chunks {@code [pC/P, (p+1)C/P)} of {@code C}).
 *
 * <p><b>Bit-identical for every thread count.</b> An elementwise kernel computes each element
 * by the same code whatever the cut: chunks are whole vectors, so an element lies in a vector
 * loop or in the scalar tail of the last chunk alike on one thread or several. A reduction over
 * more than one chunk is, on any thread count, the sum in chunk order of the chunks' partial
 * sums ({@code ((0 + s_0) + s_1) + ...}), each partial summed by the single-threaded kernel: the
 * same tree for 1, 2, 3 or 4 threads. A vector of at most one chunk is summed by the kernel
 * alone, as before chunking.
 *
 * <p><b>When to split.</b> {@link KernelThreads#parts} with the backend's streaming threshold
 * ({@link KernelThreads#minElementsPerPart}) and a work of {@code n × weight}: the weights below
 * convert an element of each kernel into elements of a streamed matrix (the unit of that
 * threshold), so that a part gets enough work to pay for the hand-off to a pool thread. Below
 * it, and for operands confined to the calling thread, everything runs inline.
 */
final class SimdParallel {

  // One method per Backend kernel, deliberately alike: each cuts its views into the same chunks
  // and calls the single-threaded kernel of SimdBlas1 or SimdActivations on each part.

  private SimdParallel() {}

  /** Elements per chunk: a multiple of every vector length, 128 KiB of each operand. */
  static final int CHUNK = 1 << 14;

  /**
   * Work per element of the memory-bound kernels (dot, nrm2, asum, axpy, scal, kmStep, the
   * Hadamard product, relu and the backward products), in streamed elements.
   */
  static final int STREAM_WEIGHT = 1;

  /**
   * Work per element of {@code tanh} and {@code sigmoid} (an exponential each): measured here,
   * tanh took about 9 ns an element where dot took 0.4 (from the caches) to 1.5 ns (from
   * memory), so 16 lies between.
   */
  static final int TRANSCENDENTAL_WEIGHT = 16;

  /** A kernel on elements {@code [from, from + count)} of its views. */
  @FunctionalInterface
  interface Range {
    void run(int from, int count);
  }

  /** A reduction over elements {@code [from, from + count)} of its views. */
  @FunctionalInterface
  interface PartialSum {
    double sum(int from, int count);
  }

  /**
   * Runs {@code kernel} over {@code n} elements: inline as one range when it does not pay to
   * split, else over whole units of {@code CHUNK / weight} elements (a multiple of every vector
   * length: an elementwise kernel needs no fixed chunks, only whole vectors) on the threads.
   */
  static void forEach(int n, int weight, KernelThreads threads, Range kernel,
      MemorySegment... segments) {
    int unit = CHUNK / weight;
    int chunks = Math.ceilDiv(n, unit);
    int parts = chunks < 2 ? 1 : threads.parts((double) n * weight,
        threads.minElementsPerPart(), chunks, segments);
    if (parts == 1) {
      kernel.run(0, n);
      return;
    }
    threads.run(parts, p -> {
      int from = first(p, parts, chunks, unit);
      int to = Math.min(n, first(p + 1, parts, chunks, unit));
      kernel.run(from, to - from);
    });
  }

  /**
   * The sum over {@code n} elements: {@code partial.sum(0, n)} for at most one chunk, else the
   * partial sums of the chunks added in chunk order, on the threads when it pays.
   */
  static double sum(int n, int weight, KernelThreads threads, PartialSum partial,
      MemorySegment... segments) {
    int chunks = Math.ceilDiv(n, CHUNK);
    if (chunks < 2) {
      return partial.sum(0, n);
    }
    int parts = threads.parts((double) n * weight, threads.minElementsPerPart(), chunks,
        segments);
    if (parts == 1) {
      double total = 0.0;
      for (int c = 0; c < chunks; c++) {
        int from = c * CHUNK;
        total += partial.sum(from, Math.min(CHUNK, n - from));
      }
      return total;
    }
    double[] sums = new double[chunks]; // one small array per threaded call of >= 2^19 elements
    threads.run(parts, p -> {
      for (int c = (int) ((long) p * chunks / parts); c < (long) (p + 1) * chunks / parts; c++) {
        int from = c * CHUNK;
        sums[c] = partial.sum(from, Math.min(CHUNK, n - from));
      }
    });
    double total = 0.0;
    for (double s : sums) {
      total += s;
    }
    return total;
  }

  /** First element of part {@code p} of {@code parts} over {@code chunks} units. */
  private static int first(int p, int parts, int chunks, int unit) {
    return (int) ((long) p * chunks / parts) * unit;
  }

  // ---------------------------------------------------------------- BLAS-1 and KM

  static double dot(DVector x, DVector y, KernelThreads t) {
    if (x.length() <= CHUNK) {
      return SimdBlas1.dotKernel(x, y);
    }
    boolean streaming = x.length() >= SimdBlas1.DOT_STREAM_MIN;
    return sum(x.length(), STREAM_WEIGHT, t, (from, count) -> SimdBlas1.dotKernel(
        x.slice(from, count), y.slice(from, count), streaming), x.segment(), y.segment());
  }

  /**
   * {@code ‖x‖₂}: the plain sum of squares (chunked as {@link #sum}), and where it over- or
   * underflowed the sum of squares scaled by a power of two near {@code 1/max|x_i|}, chunked
   * alike, so that {@code nrm2(2^k x) = 2^k nrm2(x)} exactly whichever path each takes.
   */
  static double nrm2(DVector x, KernelThreads t) {
    if (x.length() <= CHUNK) {
      return SimdBlas1.nrm2Kernel(x);
    }
    int n = x.length();
    double ssq = scaledSumSquares(x, 1.0, t);
    if (ssq >= SimdBlas1.SUM_SQUARES_TINY && ssq < Double.POSITIVE_INFINITY) {
      return Math.sqrt(ssq);
    }
    if (Double.isNaN(ssq)) {
      return Double.NaN;
    }
    double max = SimdBlas1.maxAbs(x);
    if (max == 0.0 || !(max < Double.POSITIVE_INFINITY)) {
      return max;
    }
    int exponent = Math.getExponent(max);
    double scale = Math.scalb(1.0, -exponent);
    return Math.sqrt(scaledSumSquares(x, scale, t)) * Math.scalb(1.0, exponent);
  }

  private static double scaledSumSquares(DVector x, double scale, KernelThreads t) {
    return sum(x.length(), STREAM_WEIGHT, t,
        (from, count) -> SimdBlas1.scaledSumSquares(x.slice(from, count), scale), x.segment());
  }

  static double asum(DVector x, KernelThreads t) {
    if (x.length() <= CHUNK) {
      return SimdBlas1.asumKernel(x);
    }
    return sum(x.length(), STREAM_WEIGHT, t,
        (from, count) -> SimdBlas1.asumKernel(x.slice(from, count)), x.segment());
  }

  static void axpy(double alpha, DVector x, DVector y, KernelThreads t) {
    if (x.length() <= CHUNK) {
      SimdBlas1.axpyKernel(alpha, x, y);
      return;
    }
    forEach(x.length(), STREAM_WEIGHT, t,
        (from, count) -> SimdBlas1.axpyKernel(alpha, x.slice(from, count), y.slice(from, count)),
        x.segment(), y.segment());
  }

  static void axpby(double alpha, DVector x, double beta, DVector y, KernelThreads t) {
    if (x.length() <= CHUNK) {
      SimdBlas1.axpbyKernel(alpha, x, beta, y);
      return;
    }
    forEach(x.length(), STREAM_WEIGHT, t, (from, count) -> SimdBlas1.axpbyKernel(alpha,
        x.slice(from, count), beta, y.slice(from, count)), x.segment(), y.segment());
  }

  static void scal(double alpha, DVector x, KernelThreads t) {
    if (x.length() <= CHUNK) {
      SimdBlas1.scalKernel(alpha, x);
      return;
    }
    forEach(x.length(), STREAM_WEIGHT, t,
        (from, count) -> SimdBlas1.scalKernel(alpha, x.slice(from, count)), x.segment());
  }

  static void rot(DVector x, DVector y, double c, double s, KernelThreads t) {
    if (x.length() <= CHUNK) {
      SimdBlas1.rotKernel(x, y, c, s);
      return;
    }
    forEach(x.length(), STREAM_WEIGHT, t, (from, count) -> SimdBlas1.rotKernel(
        x.slice(from, count), y.slice(from, count), c, s), x.segment(), y.segment());
  }

  static void kmStep(double eta, DVector phi, DVector x, KernelThreads t) {
    if (x.length() <= CHUNK) {
      SimdBlas1.kmStepKernel(eta, phi, x);
      return;
    }
    forEach(x.length(), STREAM_WEIGHT, t, (from, count) -> SimdBlas1.kmStepKernel(eta,
        phi.slice(from, count), x.slice(from, count)), phi.segment(), x.segment());
  }

  static double kmStepResidual(double eta, DVector phi, DVector x, KernelThreads t) {
    if (x.length() <= CHUNK) {
      return Math.sqrt(SimdBlas1.kmStepSquares(eta, phi, x));
    }
    return Math.sqrt(sum(x.length(), STREAM_WEIGHT, t, (from, count) -> SimdBlas1.kmStepSquares(
        eta, phi.slice(from, count), x.slice(from, count)), phi.segment(), x.segment()));
  }

  // ---------------------------------------------------------------- elementwise

  static void hadamard(double alpha, DVector a, DVector x, double beta, DVector y,
      KernelThreads t) {
    if (a.length() <= CHUNK) {
      SimdActivations.hadamardKernel(alpha, a, x, beta, y);
      return;
    }
    forEach(a.length(), STREAM_WEIGHT, t, (from, count) -> SimdActivations.hadamardKernel(alpha,
        a.slice(from, count), x.slice(from, count), beta, y.slice(from, count)),
        a.segment(), x.segment(), y.segment());
  }

  static void tanh(DVector x, DVector out, KernelThreads t) {
    if (x.length() <= CHUNK / TRANSCENDENTAL_WEIGHT) { // one unit of forEach
      SimdActivations.tanhKernel(x, out);
      return;
    }
    forEach(x.length(), TRANSCENDENTAL_WEIGHT, t, (from, count) -> SimdActivations.tanhKernel(
        x.slice(from, count), out.slice(from, count)), x.segment(), out.segment());
  }

  static void tanhBackward(DVector tanh, DVector v, DVector out, KernelThreads t) {
    if (tanh.length() <= CHUNK) {
      SimdActivations.tanhBackwardKernel(tanh, v, out);
      return;
    }
    forEach(tanh.length(), STREAM_WEIGHT, t, (from, count) ->
        SimdActivations.tanhBackwardKernel(tanh.slice(from, count), v.slice(from, count),
            out.slice(from, count)), tanh.segment(), v.segment(), out.segment());
  }

  static void sigmoid(DVector x, DVector out, KernelThreads t) {
    if (x.length() <= CHUNK / TRANSCENDENTAL_WEIGHT) { // one unit of forEach
      SimdActivations.sigmoidKernel(x, out);
      return;
    }
    forEach(x.length(), TRANSCENDENTAL_WEIGHT, t, (from, count) ->
        SimdActivations.sigmoidKernel(x.slice(from, count), out.slice(from, count)),
        x.segment(), out.segment());
  }

  static void sigmoidBackward(DVector s, DVector v, DVector out, KernelThreads t) {
    if (s.length() <= CHUNK) {
      SimdActivations.sigmoidBackwardKernel(s, v, out);
      return;
    }
    forEach(s.length(), STREAM_WEIGHT, t, (from, count) ->
        SimdActivations.sigmoidBackwardKernel(s.slice(from, count), v.slice(from, count),
            out.slice(from, count)), s.segment(), v.segment(), out.segment());
  }

  static void relu(DVector x, DVector out, KernelThreads t) {
    if (x.length() <= CHUNK) {
      SimdActivations.reluKernel(x, out);
      return;
    }
    forEach(x.length(), STREAM_WEIGHT, t, (from, count) -> SimdActivations.reluKernel(
        x.slice(from, count), out.slice(from, count)), x.segment(), out.segment());
  }

  static void reluBackward(DVector x, DVector v, DVector out, KernelThreads t) {
    if (x.length() <= CHUNK) {
      SimdActivations.reluBackwardKernel(x, v, out);
      return;
    }
    forEach(x.length(), STREAM_WEIGHT, t, (from, count) ->
        SimdActivations.reluBackwardKernel(x.slice(from, count), v.slice(from, count),
            out.slice(from, count)), x.segment(), v.segment(), out.segment());
  }
}
