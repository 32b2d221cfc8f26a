package io.github.bilevel.bench;

import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.DMatrix;
import io.github.bilevel.kernels.DVector;
import io.github.bilevel.kernels.Projections;
import io.github.bilevel.nativebindings.cuda.CudaBackend;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Projections onto the constraint sets of the upper-level problems: Euclidean ball
 * ({@code ball}), simplex ({@code simplex}), ball ∩ box ({@code ballBox}) on vectors of length
 * {@code n}, and the spectral-norm ball ({@code spectral}) on {@code n × n} matrices.
 *
 * <p>A projection is idempotent, so each call first restores the input from a pristine copy
 * (one {@link MemorySegment#copy} of n, resp. n², doubles, the same for every implementation)
 * and then projects it; the radii are chosen so that every constraint is active. netlib has no
 * projections: its runs are skipped.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector",
    "--enable-native-access=ALL-UNNAMED", "-Dbilevel.openblas.threads=1",
    "-Dbilevel.threads=1"})
public class ProjectionBench {

  /** Backend of {@code impl}; netlib (no projections) and unavailable backends are skipped. */
  static Backend backendFor(String impl) {
    Backend backend = Impls.backendOrNull(impl);
    if (backend == null) {
      throw new Impls.Skipped(impl, "dev.ludovic.netlib's BLAS has no projections");
    }
    return backend;
  }

  /** Vectors of length {@code n} for the ball, simplex and ball ∩ box projections. */
  @State(Scope.Benchmark)
  public static class VectorState {

    /** Which implementation runs (see {@link Impls}). */
    @Param({"scalar", "simd", "openblas", "cublas", "netlib"})
    public String impl;

    /** Vector length. */
    @Param({"1000", "100003"})
    public int n;

    Backend backend;
    private Arena arena;
    private MemorySegment pristine;
    DVector x;
    DVector lower;
    DVector upper;
    /** Half the norm of the input: the ball projection always scales. */
    double ballRadius;
    /** Half the norm of the input clipped to the box: the ball constraint is active. */
    double ballBoxRadius;

    /** Allocates and fills the buffers once per trial (fixed seed). */
    @Setup(Level.Trial)
    public void setup() {
      backend = backendFor(impl);
      double[] values = Impls.random(Impls.SEED, n);
      arena = Arena.ofShared();
      pristine = Impls.allocate(backend, arena, n);
      Impls.copy(values, pristine);
      x = Impls.vector(backend, arena, n);
      lower = Impls.vector(backend, arena, n);
      upper = Impls.vector(backend, arena, n);
      backend.fill(-0.5, lower);
      backend.fill(0.5, upper);
      double sum = 0;
      double clippedSum = 0;
      for (double v : values) {
        sum += v * v;
        double c = Math.max(-0.5, Math.min(0.5, v));
        clippedSum += c * c;
      }
      ballRadius = 0.5 * Math.sqrt(sum);
      ballBoxRadius = 0.5 * Math.sqrt(clippedSum);
    }

    /** Puts the unprojected input back into {@code x}. */
    void restore() {
      if (backend instanceof CudaBackend) {
        backend.copy(DVector.of(pristine, 0, n), x); // on the device: no page migration
      } else {
        MemorySegment.copy(pristine, 0, x.segment(), 0, (long) n * DVector.BYTES);
      }
    }

    /** Frees the off-heap buffers. */
    @TearDown(Level.Trial)
    public void tearDown() {
      if (arena != null) {
        arena.close();
        arena = null;
      }
    }
  }

  /** An {@code n × n} matrix for the spectral-norm ball projection. */
  @State(Scope.Benchmark)
  public static class MatrixState {

    /** Which implementation runs (see {@link Impls}). */
    @Param({"scalar", "simd", "openblas", "cublas", "netlib"})
    public String impl;

    /** Matrix order. */
    @Param({"64", "200"})
    public int n;

    Backend backend;
    private Arena arena;
    private MemorySegment pristine;
    DMatrix a;
    /**
     * {@code σ √n} for entries of standard deviation {@code σ = 1/√3}: about the middle of the
     * singular-value range {@code [0, 2σ√n]}, so a good share of them is clipped.
     */
    double radius;

    /** Allocates and fills the buffers once per trial (fixed seed). */
    @Setup(Level.Trial)
    public void setup() {
      backend = backendFor(impl);
      double[] values = Impls.random(Impls.SEED, Math.multiplyExact(n, n));
      arena = Arena.ofShared();
      pristine = Impls.allocate(backend, arena, values.length);
      Impls.copy(values, pristine);
      a = Impls.matrix(backend, arena, n, n);
      radius = Math.sqrt(n / 3.0);
    }

    /** Puts the unprojected input back into {@code a}. */
    void restore() {
      if (backend instanceof CudaBackend) {
        backend.copy(DVector.of(pristine, 0, n * n), a.asVector()); // on the device
      } else {
        MemorySegment.copy(pristine, 0, a.segment(), 0, (long) n * n * DVector.BYTES);
      }
    }

    /** Frees the off-heap buffers. */
    @TearDown(Level.Trial)
    public void tearDown() {
      if (arena != null) {
        arena.close();
        arena = null;
      }
    }
  }

  /** Restore, then project onto {@code ‖x‖₂ ≤ r}. */
  @Benchmark
  public void ball(VectorState s) {
    s.restore();
    Projections.ball(s.backend, s.x, s.ballRadius);
  }

  /** Restore, then project onto {@code {y ≥ 0, Σ y_i = 1}}. */
  @Benchmark
  public void simplex(VectorState s) {
    s.restore();
    Projections.simplex(s.backend, s.x, 1.0);
  }

  /** Restore, then project onto {@code ‖x‖₂ ≤ r} ∩ {@code [−½, ½]ⁿ} (exact, by breakpoints). */
  @Benchmark
  public void ballBox(VectorState s) {
    s.restore();
    Projections.ballBox(s.backend, s.x, s.ballBoxRadius, s.lower, s.upper);
  }

  /** Restore, then clip the singular values of the {@code n × n} matrix to the radius. */
  @Benchmark
  public void spectral(MatrixState s) {
    s.restore();
    Projections.spectralBall(s.backend, s.a, s.radius);
  }
}
