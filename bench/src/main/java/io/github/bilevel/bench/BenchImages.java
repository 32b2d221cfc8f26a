package io.github.bilevel.bench;

import io.github.bilevel.bsgm.data.Dataset;
import io.github.bilevel.bsgm.data.FashionMnist;
import io.github.bilevel.kernels.Buffers;
import io.github.bilevel.kernels.DMatrix;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The images of the workload benchmarks ({@link EquilibriumBench}, {@link MetaBench},
 * {@link PoisoningBench}): the first {@code n} Fashion-MNIST training images (pixels in
 * {@code [0, 1]}, 784 per image, 10 classes) when {@code dataset-fashion-mnist} is installed in
 * {@link FashionMnist#DEFAULT_DIRECTORY}, else seeded synthetic images of the same shape (pixels
 * uniform in {@code [0, 1)}, label {@code i mod 10}). The arithmetic of every workload depends on
 * the shapes only, so the choice changes the numbers, not the cost.
 */
final class BenchImages {

  /** Pixels per image (28 × 28). */
  static final int PIXELS = 784;

  /** Classes of Fashion-MNIST (and of the synthetic images). */
  static final int CLASSES = FashionMnist.CLASSES;

  /** The source names {@link #source()} reports. */
  static final String FASHION_MNIST = "fashion-mnist";
  static final String SYNTHETIC = "synthetic";

  private final DMatrix pixels;
  private final int[] labels;
  private final String source;

  private BenchImages(DMatrix pixels, int[] labels, String source) {
    this.pixels = pixels;
    this.labels = labels;
    this.source = source;
  }

  /**
   * The first {@code n} images, allocated in {@code arena}: Fashion-MNIST's when
   * {@code allowFashionMnist} and it is installed, synthetic otherwise.
   *
   * @throws IllegalArgumentException if {@code n} is not in {@code [1, 60000]}
   */
  static BenchImages first(int n, Arena arena, boolean allowFashionMnist) {
    if (n < 1 || n > 60_000) {
      throw new IllegalArgumentException("the benchmarks take 1 to 60000 images, got " + n);
    }
    Path directory = FashionMnist.DEFAULT_DIRECTORY;
    if (allowFashionMnist && FashionMnist.isAvailable(directory)) {
      // the whole training set lives only while its first n rows are copied
      try (Arena all = Arena.ofConfined()) {
        Dataset train = FashionMnist.loadTrain(directory, all);
        DMatrix pixels = Buffers.matrix(arena, n, PIXELS)
            .copyFrom(train.features().rowSlice(0, n));
        int[] labels = Arrays.copyOf(train.labels(), n);
        return new BenchImages(pixels, labels, FASHION_MNIST);
      } catch (IOException e) {
        throw new UncheckedIOException("reading Fashion-MNIST from " + directory, e);
      }
    }
    SplittableRandom random = new SplittableRandom(Impls.SEED);
    DMatrix pixels = Buffers.matrix(arena, n, PIXELS);
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < PIXELS; j++) {
        pixels.set(i, j, random.nextDouble());
      }
      labels[i] = i % CLASSES;
    }
    return new BenchImages(pixels, labels, SYNTHETIC);
  }

  /** The images, one per row ({@code n × 784}). */
  DMatrix pixels() {
    return pixels;
  }

  /** Their labels in {@code [0, 10)}. */
  int[] labels() {
    return labels;
  }

  /** {@value #FASHION_MNIST} or {@value #SYNTHETIC}. */
  String source() {
    return source;
  }

  /** The rows {@code from .. from + count − 1} as a view. */
  DMatrix rows(int from, int count) {
    return pixels.rowSlice(from, count);
  }

  /** Their labels. */
  int[] labels(int from, int count) {
    return Arrays.copyOfRange(labels, from, from + count);
  }
}
