package io.github.bilevel.nativebindings.cuda;

import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.Checks;
import io.github.bilevel.kernels.DMatrix;
import io.github.bilevel.kernels.DVector;
import io.github.bilevel.kernels.ScalarBackend;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Locale;
import java.util.Optional;

/**
 * The {@link io.github.bilevel.kernels.Backend} on an NVIDIA GPU: BLAS through cuBLAS, the
 * kernels cuBLAS lacks (the KM step, activations, softmax and cross-entropy, clamp,
 * a fill, an {@code axpby}) as CUDA C compiled once per process by NVRTC
 * ({@link KernelCompiler}) and launched with {@code cuLaunchKernel}. One CUDA stream and one
 * cuBLAS handle per instance; scalars ({@code α}, {@code β}, results) by host pointer.
 *
 * <h2>Where buffers live: managed memory</h2>
 *
 * {@link DVector} and {@link DMatrix} are views of {@link MemorySegment}s that Java code reads
 * and writes directly ({@code get}, {@code set}, {@code toArray}, the problems of module bsgm
 * do so between kernels). A plain device pointer ({@code cudaMalloc}) wrapped in a segment
 * would crash the JVM on the first such read. So this backend's buffers are CUDA <em>managed
 * memory</em> ({@code cudaMallocManaged}): one address valid on host and device, pages
 * migrated on demand by the driver, so a host read is always safe and sees the device's
 * writes. Allocate them with {@link #allocate}, {@link #vector}, {@link #matrix},
 * {@link #labels} (zero-filled, owned by the caller's {@link Arena}; closing it frees them).
 * {@link #prefetchToDevice} and {@link #prefetchToHost} move them ahead of use
 * ({@code cudaMemPrefetchAsync}, CUDA ≥ 12.2), {@link #upload} and {@link #download} copy
 * arrays in and out and count the bytes ({@link #bytesUploaded()}, {@link #bytesDownloaded()}).
 * The backend requires a device with concurrent managed access (Linux, compute capability ≥
 * 6.0), where host and device may touch managed memory at any time.
 *
 * <p>Every call synchronizes the stream before it returns: when it returns, its results are in
 * memory and host code may read them (and a benchmark's time includes the GPU's work). A
 * kernel error surfaces as a {@link CudaException} from the call that launched it.
 *
 * <p>Buffers that are not this backend's (host memory from {@code Buffers}, heap arrays) are
 * handled as {@value #HOST_MEMORY_PROPERTY} says: {@code stage} copies them into managed
 * scratch memory and back (correct, slow, counted by {@link #bytesStaged()}); {@code direct}
 * passes native host memory as it is, which is right only on systems whose device reads
 * pageable host memory (HMM or ATS, {@link CudaDevice#pageableMemoryAccess()}); {@code reject}
 * throws an {@link IllegalArgumentException} naming the argument; {@code auto} (the default) is
 * {@code direct} where the device reads pageable memory and {@code stage} elsewhere. Heap
 * segments are always staged or rejected.
 *
 * <h2>Row-major on column-major cuBLAS</h2>
 *
 * A row-major {@code m × n} matrix with leading dimension {@code ld} is, to cuBLAS, the
 * column-major {@code n × m} matrix {@code Aᵀ} with the same {@code lda}: no copies.
 * {@code y ← αAx + βy} is {@code cublasDgemv(OP_T)} of that matrix, {@code Aᵀx} is
 * {@code OP_N}; {@code A ← A + αxyᵀ} is {@code cublasDger} with {@code x} and {@code y}
 * swapped; {@code C ← α op(A) op(B) + βC} is {@code Cᵀ ← α op(B)ᵀ op(A)ᵀ + βCᵀ}, i.e.
 * {@code cublasDgemm(opB, opA, n, m, k, α, B, ldb, A, lda, β, C, ldc)}.
 *
 * <h2>What runs on the host</h2>
 *
 * The simplex, ball ∩ box and spectral-norm projections of {@code Projections} are
 * algorithms (sorting, breakpoint search, Jacobi sweeps), not loops; they run on the host (the SIMD backend, or the scalar one
 * without the Vector API) directly on the managed memory. Labels of the cross-entropy are
 * checked on the host before the launch. Everything else runs on the GPU.
 *
 * <p>Semantics are those of the {@code Backend} contract, checked against
 * {@link ScalarBackend}: {@code scal} and {@code axpby} multiply (so {@code 0 · NaN = NaN});
 * with {@code β = 0}, {@code gemv}/{@code gemm}/{@code axpby} do not read the output;
 * {@code nrm2} is overflow-safe (cuBLAS's result is recomputed by a scaled two-pass kernel when
 * it is outside {@code [1e-150, 1e150]} or not finite); the kernels are compiled without fused
 * multiply-add, and clamp keeps Java's {@code Math.min}/{@code max} treatment of
 * NaN and signed zeros.
 *
 * <p>Thread safety: the kernels of one instance are serialized (its stream and scratch memory
 * are shared by them); several instances may run concurrently.
 */
public final class CudaBackend extends CudaBlas {

  /** The backend's name ({@code -Dbilevel.backend=cuda}). */
  public static final String NAME = "cuda";

  /** System property: {@code auto}, {@code stage}, {@code direct} or {@code reject}. */
  public static final String HOST_MEMORY_PROPERTY = "bilevel.cuda.hostMemory";

  /** What the backend does with buffers that are not its managed memory. */
  public enum HostMemory {
    /** Copy into managed scratch memory, run, copy the outputs back. */
    STAGE,
    /** Pass native host memory as it is (only where the device reads pageable memory). */
    DIRECT,
    /** Throw an {@link IllegalArgumentException} naming the argument. */
    REJECT
  }



  /**
   * Creates a backend on the device of {@link CudaDevice#current()}, with the host-memory
   * policy of {@value #HOST_MEMORY_PROPERTY}.
   *
   * @throws IllegalStateException when no CUDA device can be used here (the message says why:
   *     which library was not found under which names, or that there are 0 devices, ...)
   * @throws CudaException         when a CUDA call fails (kernel compilation, stream creation)
   */
  public CudaBackend() {
    this(hostMemoryPolicy(System.getProperty(HOST_MEMORY_PROPERTY)));
  }

  /**
   * Creates a backend with the given policy for buffers that are not managed memory.
   *
   * @throws IllegalStateException    when no CUDA device can be used here
   * @throws IllegalArgumentException for {@link HostMemory#DIRECT} on a device that cannot read
   *                                  pageable host memory
   */
  public CudaBackend(HostMemory hostMemory) {
    super(hostMemory);
  }


  /** Why this backend cannot run here, or empty when it can. */
  public static Optional<String> unavailableReason() {
    return CudaDevice.unavailableReason();
  }

  /**
   * The policy named by a {@value #HOST_MEMORY_PROPERTY} value ({@code auto} or null: DIRECT
   * where the device reads pageable memory, else STAGE).
   *
   * @throws IllegalArgumentException for any other value
   */
  static HostMemory hostMemoryPolicy(String value) {
    String v = value == null ? "auto" : value.trim().toLowerCase(Locale.ROOT);
    return switch (v) {
      case "auto", "" -> CudaDevice.current().map(CudaDevice::pageableMemoryAccess).orElse(false)
          ? HostMemory.DIRECT : HostMemory.STAGE;
      case "stage" -> HostMemory.STAGE;
      case "direct" -> HostMemory.DIRECT;
      case "reject" -> HostMemory.REJECT;
      default -> throw new IllegalArgumentException("-D" + HOST_MEMORY_PROPERTY + "=" + value
          + ": expected auto, stage, direct or reject");
    };
  }

  @Override
  public String name() {
    return NAME;
  }

  /** The GPU this backend runs on. */
  public CudaDevice device() {
    return device;
  }

  /** The policy for buffers that are not managed memory. */
  public HostMemory hostMemory() {
    return hostMemory;
  }

  /** The backend that runs the host-side algorithms (simplex, ball ∩ box, spectral). */
  public Backend hostBackend() {
    return hostBackend;
  }

  // ---------------------------------------------------------------- elementwise
  // The kernels below share CudaBlas's begin / launch / end(ok) shape on purpose (see there).

  /** {@code out ← f(x)} by kernel {@code k(n, x, incx, out, incout)}. */
  private void unary(int k, DVector x, DVector out) {
    begin((long) x.length() + out.length());
    boolean ok = false;
    try {
      Operand ox = vector(0, "x", x, true, false);
      Operand oo = vector(1, "out", out, false, true);
      arg(0, (long) x.length());
      arg(1, ox);
      arg(3, oo);
      launch(k, blocks(x.length()));
      ok = true;
    } finally {
      end(ok);
    }
  }

  /** {@code out ← f(u, v)} by kernel {@code k(n, u, incu, v, incv, out, incout)}. */
  private void binary(int k, String uName, DVector u, DVector v, DVector out) {
    begin((long) u.length() + v.length() + out.length());
    boolean ok = false;
    try {
      Operand ou = vector(0, uName, u, true, false);
      Operand ov = vector(1, "v", v, true, false);
      Operand oo = vector(2, "out", out, false, true);
      arg(0, (long) u.length());
      arg(1, ou);
      arg(3, ov);
      arg(5, oo);
      launch(k, blocks(u.length()));
      ok = true;
    } finally {
      end(ok);
    }
  }

  @Override
  protected synchronized void tanhKernel(DVector x, DVector out) {
    unary(TANH, x, out);
  }

  @Override
  protected synchronized void hadamardKernel(double alpha, DVector a, DVector x, double beta,
      DVector y) {
    begin((long) a.length() + x.length() + y.length());
    boolean ok = false;
    try {
      Operand oa = vector(0, "a", a, true, false);
      Operand ox = vector(1, "x", x, true, false);
      Operand oy = vector(2, "y", y, beta != 0.0, true);
      arg(0, (long) a.length());
      arg(1, alpha);
      arg(2, oa);
      arg(4, ox);
      arg(6, beta);
      arg(7, oy);
      launch(HADAMARD, blocks(a.length()));
      ok = true;
    } finally {
      end(ok);
    }
  }

  @Override
  protected synchronized void tanhBackwardKernel(DVector t, DVector v, DVector out) {
    binary(TANH_BACKWARD, "t", t, v, out);
  }

  @Override
  protected synchronized void sigmoidKernel(DVector x, DVector out) {
    unary(SIGMOID, x, out);
  }

  @Override
  protected synchronized void sigmoidBackwardKernel(DVector s, DVector v, DVector out) {
    binary(SIGMOID_BACKWARD, "s", s, v, out);
  }

  @Override
  protected synchronized void reluKernel(DVector x, DVector out) {
    unary(RELU, x, out);
  }

  @Override
  protected synchronized void reluBackwardKernel(DVector x, DVector v, DVector out) {
    binary(RELU_BACKWARD, "x", x, v, out);
  }

  // ---------------------------------------------------------------- softmax / cross-entropy

  @Override
  protected synchronized void softmaxKernel(DMatrix logits, DMatrix out) {
    begin(logits.size() + out.size());
    boolean ok = false;
    try {
      Operand oz = matrix(0, "logits", logits, true, false);
      Operand oo = matrix(1, "out", out, false, true);
      arg(0, (long) logits.rows());
      arg(1, (long) logits.cols());
      arg(2, oz);
      arg(4, oo);
      launch(SOFTMAX, blocks(logits.rows()));
      ok = true;
    } finally {
      end(ok);
    }
  }

  @Override
  protected synchronized double softmaxCrossEntropyKernel(DMatrix logits, MemorySegment labels,
      DMatrix gradient) {
    int r = logits.rows();
    int c = logits.cols();
    for (int i = 0; i < r; i++) {
      label(labels, i, c); // host check: throws naming the row (managed memory is readable)
    }
    begin(logits.size() + (gradient == null ? 0 : gradient.size()) + (r + 1) / 2 + 1);
    if (rowLoss == null || rowLoss.byteSize() < 8L * r) {
      rowLossArena.close();
      rowLossArena = Arena.ofShared();
      rowLoss = ManagedMemory.allocate(rowLossArena, 8L * Math.max(r, 1024));
    }
    boolean ok = false;
    try {
      Operand oz = matrix(0, "logits", logits, true, false);
      long labelsAddress;
      MemorySegment labelsRows = labels.asSlice(0, 4L * r);
      if (accessible(labelsRows, "labels")) {
        labelsAddress = labelsRows.address();
      } else {
        MemorySegment s = scratch(4L * r);
        MemorySegment.copy(labelsRows, 0, s, 0, 4L * r);
        bytesStaged += 4L * r;
        labelsAddress = s.address();
      }
      arg(0, (long) r);
      arg(1, (long) c);
      arg(2, oz);
      arg(4, labelsAddress);
      if (gradient != null) {
        Operand og = matrix(1, "gradient", gradient, false, true);
        arg(5, og);
        arg(7, 1L);
      } else {
        arg(5, 0L);
        arg(6, 0L);
        arg(7, 0L);
      }
      arg(8, rowLoss.address());
      launch(SOFTMAX_CROSS_ENTROPY, blocks(r));
      ok = true;
    } finally {
      end(ok);
    }
    double total = 0.0;
    for (int i = 0; i < r; i++) {
      total += rowLoss.getAtIndex(ValueLayout.JAVA_DOUBLE, i);
    }
    return total / r;
  }

  // ---------------------------------------------------------------- clamp

  @Override
  protected synchronized void clampKernel(DVector x, double lower, double upper) {
    begin(x.length());
    boolean ok = false;
    try {
      Operand ox = vector(0, "x", x, true, true);
      arg(0, (long) x.length());
      arg(1, ox);
      arg(3, lower);
      arg(4, upper);
      launch(CLAMP, blocks(x.length()));
      ok = true;
    } finally {
      end(ok);
    }
  }

  /** Checks the bounds on the device first: on a bad bound, {@code x} is left unchanged. */
  @Override
  protected synchronized void clampKernel(DVector x, DVector lower, DVector upper) {
    int n = x.length();
    begin(3L * n);
    boolean ok = false;
    int firstBad;
    try {
      Operand ox = vector(0, "x", x, true, true);
      Operand olo = vector(1, "lower", lower, true, false);
      Operand ohi = vector(2, "upper", upper, true, false);
      flag.set(ValueLayout.JAVA_INT, 0, n);
      arg(0, (long) n);
      arg(1, olo);
      arg(3, ohi);
      arg(5, flag.address());
      launch(CHECK_BOX, blocks(n));
      synchronize();
      firstBad = flag.get(ValueLayout.JAVA_INT, 0);
      if (firstBad == n) {
        arg(0, (long) n);
        arg(1, ox);
        arg(3, olo);
        arg(5, ohi);
        launch(CLAMP_VECTOR, blocks(n));
      } else {
        operands[0].writeBackVector = null; // x unchanged
      }
      ok = true;
    } finally {
      end(ok);
    }
    if (firstBad != n) {
      throw Checks.badBox(firstBad, lower.get(firstBad), upper.get(firstBad));
    }
  }

  /**
   * The simplex, ball ∩ box and spectral-norm projections of {@code Projections} run on the
   * host ({@link #hostBackend()}), on the managed memory.
   */
  @Override
  protected synchronized Backend hostAlgorithms() {
    requireOpen();
    return hostBackend;
  }
}
