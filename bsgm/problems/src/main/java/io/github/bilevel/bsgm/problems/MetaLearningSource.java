package io.github.bilevel.bsgm.problems;

import io.github.bilevel.bsgm.SeparableProblemSource;
import io.github.bilevel.bsgm.data.Dataset;
import io.github.bilevel.bsgm.data.Datasets;
import io.github.bilevel.bsgm.data.Splits;
import io.github.bilevel.bsgm.data.TrainTest;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.DMatrix;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Path;

/**
 * The meta-learning problem of {@code bin/bsgm run meta} as a {@link SeparableProblemSource}: a
 * seeded stratified subset of {@code images} training images (all of them if fewer), features
 * scaled to unit mean squared norm, a seeded pool of {@code tasks} N-way K-shot tasks, and
 * {@link MetaLearning} on them. The runner (one JVM) and a cluster's executors build it with the
 * same code, so they hold the same numbers.
 *
 * @param data    the data directory (IDX or {@code .npy}, {@link Datasets}), or a URI a cluster
 *                copies from
 * @param images  training images to use
 * @param tasks   tasks in the pool
 * @param ways    classes per task {@code N}
 * @param shots   support examples per class {@code K}
 * @param queries query examples per class
 * @param r       the representation's width
 * @param rho     the heads' ridge {@code ρ}
 * @param radius  the bound {@code s} of {@code ‖R‖_F}
 */
public record MetaLearningSource(String data, int images, int tasks, int ways, int shots,
    int queries, int r, double rho, double radius) implements SeparableProblemSource {

  private static final long IMAGES_SEED = 1L;
  private static final long POOL_SEED = 1L;

  /**
   * The training images (subset and scaled) and the test images scaled the same way.
   *
   * @param train the training images the pool is drawn from
   * @param test  the test images, for held-out tasks
   */
  public record Images(Dataset train, Dataset test) {}

  /** Reads and scales the images of {@code directory} into {@code arena}. */
  public Images images(Backend backend, Path directory, Arena arena) throws IOException {
    TrainTest loaded = Datasets.load(directory, arena);
    Dataset all = loaded.train();
    Dataset train = images >= all.size() ? all
        : Splits.stratifiedSubset(all, images, IMAGES_SEED, arena);
    Dataset test = loaded.test();
    // features scaled to unit mean squared norm (the training images' scale for both)
    double sum = 0;
    DMatrix x = train.features();
    for (int i = 0; i < x.rows(); i++) {
      double norm = backend.nrm2(x.row(i));
      sum += norm * norm;
    }
    double scale = 1 / Math.sqrt(sum / x.rows());
    backend.scal(scale, x.asVector());
    backend.scal(scale, test.features().asVector());
    return new Images(train, test);
  }

  /** The problem on the training images of {@link #images} (which it references). */
  public MetaLearning problem(Backend backend, Dataset train) {
    FewShotTasks pool = FewShotTasks.sample(train.labels(), train.classes(), ways, shots,
        queries, tasks, POOL_SEED);
    return new MetaLearning(backend, train.features(), pool, r, rho, radius);
  }

  @Override
  public Opened open(Backend backend, Path directory) throws IOException {
    Arena arena = Arena.ofShared();
    try {
      MetaLearning problem = problem(backend, images(backend, directory, arena).train());
      return new Opened() {
        @Override
        public MetaLearning problem() {
          return problem;
        }

        @Override
        public void close() {
          problem.close();
          arena.close();
        }
      };
    } catch (IOException | RuntimeException e) {
      arena.close();
      throw e;
    }
  }
}
