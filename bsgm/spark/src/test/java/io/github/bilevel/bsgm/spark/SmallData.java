package io.github.bilevel.bsgm.spark;

import io.github.bilevel.bsgm.io.Npy;
import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;

/** A small seeded classification data set in {@code .npy} files, for the workloads on Spark. */
final class SmallData {

  static final int P = 12;
  static final int CLASSES = 5;

  private SmallData() {}

  /** Writes {@code train} and {@code test} examples into {@code directory}; returns it. */
  static Path write(Path directory, int train, int test) throws IOException {
    part(directory, "train", train, 1L);
    part(directory, "test", test, 2L);
    return directory;
  }

  private static void part(Path directory, String name, int n, long seed) throws IOException {
    SplittableRandom random = new SplittableRandom(seed);
    double[] x = new double[n * P];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      int label = i % CLASSES;
      y[i] = label;
      for (int j = 0; j < P; j++) {
        x[i * P + j] = (j % CLASSES == label ? 0.7 : 0.3) + 0.2 * random.nextGaussian();
      }
    }
    Npy.writeMatrix(directory.resolve(name + "-x.npy"), x, n, P);
    Npy.writeVector(directory.resolve(name + "-y.npy"), y);
  }
}
