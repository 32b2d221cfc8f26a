package io.github.bilevel.bsgm.problems;

import io.github.bilevel.bsgm.io.Npy;
import io.github.bilevel.bsgm.io.NpyException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The per-sample arrays of one level of benchopt's simulated quadratic (one call of its
 * {@code gen_matrices}): sample {@code i} is the quadratic
 * {@code ½zᵀA_i z + ½xᵀB_i x + xᵀC_i z + a_iᵀz + b_iᵀx} in {@code z ∈ R^{d_in}},
 * {@code x ∈ R^{d_out}}. Arrays are row-major: {@code A} is {@code (n, d_in, d_in)}
 * ({@code hess_*_inner}), {@code B} {@code (n, d_out, d_out)} ({@code hess_*_outer}), {@code C}
 * {@code (n, d_out, d_in)} ({@code cross_*}), {@code a} {@code (n, d_in)}, {@code b}
 * {@code (n, d_out)} ({@code linear_*_inner}, {@code linear_*_outer}).
 *
 * @param samples   {@code n}
 * @param dimInner  {@code d_in}, the size of the lower-level variable
 * @param dimOuter  {@code d_out}, the size of the upper-level variable
 * @param hessInner {@code A}
 * @param hessOuter {@code B}
 * @param cross     {@code C}
 * @param linearInner {@code a}
 * @param linearOuter {@code b}
 */
public record SimulatedLevel(int samples, int dimInner, int dimOuter, double[] hessInner,
    double[] hessOuter, double[] cross, double[] linearInner, double[] linearOuter) {

  /** Checks the sizes against {@code n}, {@code d_in}, {@code d_out}. */
  public SimulatedLevel {
    if (samples < 1 || dimInner < 1 || dimOuter < 1) {
      throw new IllegalArgumentException("samples, dim_inner and dim_outer must be >= 1, got "
          + samples + ", " + dimInner + ", " + dimOuter);
    }
    check("hess_inner", hessInner, samples, dimInner, dimInner);
    check("hess_outer", hessOuter, samples, dimOuter, dimOuter);
    check("cross", cross, samples, dimOuter, dimInner);
    check("linear_inner", linearInner, samples, dimInner);
    check("linear_outer", linearOuter, samples, dimOuter);
  }

  private static void check(String name, double[] values, int... shape) {
    long count = 1;
    for (int d : shape) {
      count *= d;
    }
    if (values.length != count) {
      throw new IllegalArgumentException(name + " must have shape " + Arrays.toString(shape)
          + " (" + count + " values), got " + values.length + " values");
    }
    for (int i = 0; i < values.length; i++) {
      if (!Double.isFinite(values[i])) {
        throw new IllegalArgumentException(name + " holds " + values[i] + " at flat index " + i);
      }
    }
  }

  /**
   * One level drawn as benchopt's {@code gen_matrices} draws it (with this project's seeded
   * generator, not JAX's PRNG, so the numbers differ while the distributions are the same):
   * {@code A_i = x_i x_iᵀ} with {@code x_i = S g_i}, {@code S = U diag(logspace(√μ, √L_inner))
   * Uᵀ} ({@code U} orthogonal with first column along a Gaussian vector), so that
   * {@code E A_i = S²} has spectrum {@code [μ, L_inner]}; {@code B_i} alike from
   * {@code diag(0, logspace(√μ, √L_outer))}; {@code C_i = (U D g_i)(V g_i)ᵀ} with {@code U},
   * {@code V} random orthogonal and {@code D} the rectangular diagonal
   * {@code logspace(μ, L_cross)}, so {@code E C_i = U D Vᵀ}; {@code a_i}, {@code b_i} standard
   * Gaussian.
   */
  public static SimulatedLevel generate(int samples, int dimInner, int dimOuter,
      double lipschitzInner, double lipschitzOuter, double lipschitzCross, double mu,
      SplittableRandom random) {
    if (!(mu > 0 && lipschitzInner > 0 && lipschitzOuter > 0 && lipschitzCross > 0)) {
      throw new IllegalArgumentException("mu_inner and the L_* constants must be > 0, got mu = "
          + mu + ", L_inner = " + lipschitzInner + ", L_outer = " + lipschitzOuter
          + ", L_cross = " + lipschitzCross);
    }
    double[] hessInner = rankOneSamples(random, samples,
        logspaced(Math.log10(mu) / 2, Math.log10(lipschitzInner) / 2, dimInner, 0));
    double[] hessOuter = rankOneSamples(random, samples,
        logspaced(Math.log10(mu) / 2, Math.log10(lipschitzOuter) / 2, dimOuter - 1, 1));
    int rank = Math.min(dimInner, dimOuter);
    double[] singular = logspaced(Math.log10(mu), Math.log10(lipschitzCross), rank, 0);
    double[] u = orthogonal(random, dimOuter, null);
    double[] v = orthogonal(random, dimInner, null);
    double[] cross = new double[samples * dimOuter * dimInner];
    double[] left = new double[dimOuter];
    double[] right = new double[dimInner];
    for (int s = 0; s < samples; s++) {
      double[] g = gaussian(random, dimInner);
      // left = U D g (D is d_out × d_in), right = V g
      Arrays.fill(left, 0);
      for (int k = 0; k < rank; k++) {
        double scaled = singular[k] * g[k];
        for (int i = 0; i < dimOuter; i++) {
          left[i] += u[i * dimOuter + k] * scaled;
        }
      }
      for (int i = 0; i < dimInner; i++) {
        double sum = 0;
        for (int k = 0; k < dimInner; k++) {
          sum += v[i * dimInner + k] * g[k];
        }
        right[i] = sum;
      }
      int base = s * dimOuter * dimInner;
      for (int i = 0; i < dimOuter; i++) {
        for (int j = 0; j < dimInner; j++) {
          cross[base + i * dimInner + j] = left[i] * right[j];
        }
      }
    }
    return new SimulatedLevel(samples, dimInner, dimOuter, hessInner, hessOuter, cross,
        gaussian(random, samples * dimInner), gaussian(random, samples * dimOuter));
  }

  /** numpy's {@code logspace(from, to, count)} after {@code zeros} leading zeros. */
  private static double[] logspaced(double from, double to, int count, int zeros) {
    double[] out = new double[count + zeros];
    for (int k = 0; k < count; k++) {
      double t = count == 1 ? 0 : (double) k / (count - 1);
      out[zeros + k] = Math.pow(10, from + (to - from) * t);
    }
    return out;
  }

  /** {@code n} samples {@code x xᵀ}, {@code x = S g}, {@code S = U diag(root) Uᵀ}. */
  private static double[] rankOneSamples(SplittableRandom random, int n, double[] root) {
    int d = root.length;
    double[] u = orthogonal(random, d, gaussian(random, d));
    double[] s = new double[d * d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        double sum = 0;
        for (int k = 0; k < d; k++) {
          sum += u[i * d + k] * root[k] * u[j * d + k];
        }
        s[i * d + j] = sum;
      }
    }
    double[] out = new double[n * d * d];
    double[] x = new double[d];
    for (int sample = 0; sample < n; sample++) {
      double[] g = gaussian(random, d);
      for (int i = 0; i < d; i++) {
        double sum = 0;
        for (int k = 0; k < d; k++) {
          sum += s[i * d + k] * g[k];
        }
        x[i] = sum;
      }
      int base = sample * d * d;
      for (int i = 0; i < d; i++) {
        for (int j = 0; j < d; j++) {
          out[base + i * d + j] = x[i] * x[j];
        }
      }
    }
    return out;
  }

  private static double[] gaussian(SplittableRandom random, int n) {
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = random.nextGaussian();
    }
    return out;
  }

  /**
   * A random {@code d × d} orthogonal matrix (row-major) by Gram–Schmidt on Gaussian columns,
   * whose first column is along {@code first} when given (the {@code U} of the SVD of a
   * {@code d × 1} Gaussian, as benchopt takes it).
   */
  private static double[] orthogonal(SplittableRandom random, int d, double[] first) {
    double[] q = gaussian(random, d * d);
    if (first != null) {
      for (int i = 0; i < d; i++) {
        q[i * d] = first[i];
      }
    }
    for (int j = 0; j < d; j++) {
      for (int pass = 0; pass < 2; pass++) {
        for (int k = 0; k < j; k++) {
          double dot = 0;
          for (int i = 0; i < d; i++) {
            dot += q[i * d + j] * q[i * d + k];
          }
          for (int i = 0; i < d; i++) {
            q[i * d + j] -= dot * q[i * d + k];
          }
        }
      }
      double norm = 0;
      for (int i = 0; i < d; i++) {
        norm += q[i * d + j] * q[i * d + j];
      }
      norm = Math.sqrt(norm);
      for (int i = 0; i < d; i++) {
        q[i * d + j] /= norm;
      }
    }
    return q;
  }

  /**
   * Reads one level exported from benchopt: in {@code directory}, {@code hess_<level>_inner.npy}
   * {@code (n, d_in, d_in)}, {@code hess_<level>_outer.npy} {@code (n, d_out, d_out)},
   * {@code cross_<level>.npy} {@code (n, d_out, d_in)}, {@code linear_<level>_inner.npy}
   * {@code (n, d_in)} and {@code linear_<level>_outer.npy} {@code (n, d_out)}.
   *
   * @param level {@code inner} or {@code outer}
   * @throws NpyException naming the file and the shape expected, for a missing or malformed
   *     file, a dtype other than float64/float32, or a shape that does not fit the others
   */
  public static SimulatedLevel read(Path directory, String level) throws IOException {
    if (!level.equals("inner") && !level.equals("outer")) {
      throw new IllegalArgumentException("level must be 'inner' or 'outer', got '" + level + "'");
    }
    Path hessInnerFile = directory.resolve("hess_" + level + "_inner.npy");
    Npy.Array hessInner = Npy.read(hessInnerFile, 3);
    int[] shape = hessInner.shape();
    if (shape[1] != shape[2] || shape[0] < 1 || shape[1] < 1) {
      throw new NpyException(hessInnerFile, hessInnerFile + " has shape "
          + hessInner.shapeText() + "; expected (n_samples, dim_inner, dim_inner) with"
          + " n_samples, dim_inner >= 1");
    }
    int n = shape[0];
    int dimInner = shape[1];
    Path hessOuterFile = directory.resolve("hess_" + level + "_outer.npy");
    Npy.Array hessOuter = Npy.read(hessOuterFile, 3);
    int dimOuter = hessOuter.shape()[1];
    expect(hessOuter, n, dimOuter, dimOuter);
    Npy.Array cross = Npy.read(directory.resolve("cross_" + level + ".npy"), 3);
    expect(cross, n, dimOuter, dimInner);
    Npy.Array linearInner = Npy.read(directory.resolve("linear_" + level + "_inner.npy"), 2);
    expect(linearInner, n, dimInner);
    Npy.Array linearOuter = Npy.read(directory.resolve("linear_" + level + "_outer.npy"), 2);
    expect(linearOuter, n, dimOuter);
    try {
      return new SimulatedLevel(n, dimInner, dimOuter, hessInner.values(), hessOuter.values(),
          cross.values(), linearInner.values(), linearOuter.values());
    } catch (IllegalArgumentException e) {
      throw new NpyException(directory, "the " + level + " arrays in " + directory + ": "
          + e.getMessage(), e);
    }
  }

  private static void expect(Npy.Array array, int... shape) throws NpyException {
    if (!Arrays.equals(array.shape(), shape)) {
      String wanted = new Npy.Array(array.file(), shape, new double[0]).shapeText();
      throw new NpyException(array.file(), array.file() + " has shape " + array.shapeText()
          + "; expected " + wanted + " to match hess_*_inner.npy (n_samples, dim_inner,"
          + " dim_inner) and hess_*_outer.npy (n_samples, dim_outer, dim_outer)");
    }
  }

  /** Writes the five arrays under benchopt's names (see {@link #read}), for tests and export. */
  public void write(Path directory, String level) throws IOException {
    Npy.write(directory.resolve("hess_" + level + "_inner.npy"), hessInner, samples, dimInner,
        dimInner);
    Npy.write(directory.resolve("hess_" + level + "_outer.npy"), hessOuter, samples, dimOuter,
        dimOuter);
    Npy.write(directory.resolve("cross_" + level + ".npy"), cross, samples, dimOuter, dimInner);
    Npy.write(directory.resolve("linear_" + level + "_inner.npy"), linearInner, samples,
        dimInner);
    Npy.write(directory.resolve("linear_" + level + "_outer.npy"), linearOuter, samples,
        dimOuter);
  }

  /** The mean over the samples of {@code values} viewed as {@code samples} blocks. */
  static double[] mean(double[] values, int samples) {
    int block = values.length / samples;
    double[] out = new double[block];
    for (int s = 0; s < samples; s++) {
      for (int k = 0; k < block; k++) {
        out[k] += values[s * block + k];
      }
    }
    for (int k = 0; k < block; k++) {
      out[k] /= samples;
    }
    return out;
  }
}
