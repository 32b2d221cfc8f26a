package io.github.bilevel.nativebindings.cuda;

import io.github.bilevel.kernels.AbstractBackend;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.Backends;
import io.github.bilevel.kernels.Checks;
import io.github.bilevel.kernels.DMatrix;
import io.github.bilevel.kernels.DVector;
import io.github.bilevel.kernels.ScalarBackend;
import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

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
public final class CudaBackend extends AbstractBackend implements AutoCloseable {

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

  /** Threads per block of every launch ({@code REDUCE_THREADS} of {@code kernels.cu}). */
  static final int THREADS = 256;

  /** Most blocks of a launch (grid-stride loops cover the rest); partial sums per reduction. */
  static final int MAX_BLOCKS = 1024;

  /**
   * Below this, a plain sum of squares may have lost accuracy to underflow (the SIMD backend's
   * threshold); {@code nrm2} then rescales by a power of two.
   */
  private static final double SUM_SQUARES_TINY = 0x1p-900;

  private static final int PARAMETER_SLOTS = 16;

  private static final System.Logger LOG = System.getLogger(CudaBackend.class.getName());

  private static final ThreadLocal<int[]> BOUND_DEVICE = ThreadLocal.withInitial(() -> new int[] {-1});

  private final CudaDevice device;
  private final CudaModule module;
  private final HostMemory hostMemory;
  private final Backend hostBackend;
  private final Arena arena = Arena.ofShared();
  private final MemorySegment stream;
  private final MemorySegment cublas;
  private final MemorySegment alpha;
  private final MemorySegment beta;
  private final MemorySegment result;
  private final MemorySegment parameterSlots;
  private final MemorySegment parameterPointers;
  private final MemorySegment location;
  private final MemorySegment partials;
  private final MemorySegment flag;
  private final MemorySegment[] functions;

  private Arena stagingArena = Arena.ofShared();
  private MemorySegment staging;
  private long stagingUsed;
  private long stagingNeed;
  private Arena rowLossArena = Arena.ofShared();
  private MemorySegment rowLoss;

  private final Operand[] operands = {new Operand(), new Operand(), new Operand(), new Operand()};

  private long bytesUploaded;
  private long bytesDownloaded;
  private long bytesStaged;
  private final AtomicBoolean warnedStaging = new AtomicBoolean();
  private boolean closed;

  // Kernel indices into functions (the order of KernelCompiler.KERNELS).
  private static final int FILL = index("fill");
  private static final int SCALE = index("scale");
  private static final int AXPBY = index("axpby");
  private static final int KM_STEP = index("km_step");
  private static final int KM_STEP_RESIDUAL = index("km_step_residual");
  private static final int MAX_ABS = index("max_abs");
  private static final int SUM_SQUARES_SCALED = index("sum_squares_scaled");
  private static final int TANH = index("tanh_forward");
  private static final int TANH_BACKWARD = index("tanh_backward");
  private static final int SIGMOID = index("sigmoid_forward");
  private static final int SIGMOID_BACKWARD = index("sigmoid_backward");
  private static final int RELU = index("relu_forward");
  private static final int RELU_BACKWARD = index("relu_backward");
  private static final int SOFTMAX = index("softmax_rows");
  private static final int SOFTMAX_CROSS_ENTROPY = index("softmax_cross_entropy_rows");
  private static final int CLAMP = index("clamp");
  private static final int CHECK_BOX = index("check_box");
  private static final int CLAMP_VECTOR = index("clamp_vector");
  private static final int HADAMARD = index("hadamard");

  private static int index(String kernel) {
    int i = KernelCompiler.KERNELS.indexOf(kernel);
    if (i < 0) {
      throw new AssertionError("kernel " + kernel + " not in KernelCompiler.KERNELS");
    }
    return i;
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
    Objects.requireNonNull(hostMemory, "hostMemory");
    Optional<String> reason = unavailableReason();
    if (reason.isPresent()) {
      throw new IllegalStateException("CUDA backend unavailable: " + reason.get());
    }
    device = CudaDevice.current().orElseThrow();
    if (hostMemory == HostMemory.DIRECT && !device.pageableMemoryAccess()) {
      throw new IllegalArgumentException("host memory policy DIRECT needs a device that reads "
          + "pageable host memory (HMM/ATS); " + device.describe() + " does not");
    }
    this.hostMemory = hostMemory;
    module = CudaModule.forDevice(device);
    functions = new MemorySegment[KernelCompiler.KERNELS.size()];
    for (int i = 0; i < functions.length; i++) {
      functions[i] = module.function(KernelCompiler.KERNELS.get(i));
    }
    bind();
    MemorySegment holder = arena.allocate(ValueLayout.ADDRESS);
    CudaException.checkRuntime("cudaStreamCreateWithFlags",
        CudaRuntime.cudaStreamCreateWithFlags(holder, CudaRuntime.cudaStreamNonBlocking));
    stream = holder.get(ValueLayout.ADDRESS, 0);
    int status = Cublas.cublasCreate_v2(holder);
    if (status != 0) {
      CudaRuntime.cudaStreamDestroy(stream);
      CudaException.checkCublas("cublasCreate_v2", status);
    }
    cublas = holder.get(ValueLayout.ADDRESS, 0);
    CudaException.checkCublas("cublasSetStream_v2", Cublas.cublasSetStream_v2(cublas, stream));
    CudaException.checkCublas("cublasSetPointerMode_v2",
        Cublas.cublasSetPointerMode_v2(cublas, Cublas.CUBLAS_POINTER_MODE_HOST));
    alpha = arena.allocate(ValueLayout.JAVA_DOUBLE);
    beta = arena.allocate(ValueLayout.JAVA_DOUBLE);
    result = arena.allocate(ValueLayout.JAVA_DOUBLE);
    parameterSlots = arena.allocate(8L * PARAMETER_SLOTS, 8);
    parameterPointers = arena.allocate(ValueLayout.ADDRESS, PARAMETER_SLOTS);
    for (int i = 0; i < PARAMETER_SLOTS; i++) {
      parameterPointers.setAtIndex(ValueLayout.ADDRESS, i, parameterSlots.asSlice(8L * i, 8));
    }
    location = arena.allocate(CudaRuntime.MEM_LOCATION);
    MemorySegment reduce = ManagedMemory.allocate(arena, 8L * MAX_BLOCKS + 8);
    partials = reduce.asSlice(0, 8L * MAX_BLOCKS);
    flag = reduce.asSlice(8L * MAX_BLOCKS, 8);
    hostBackend = createHostBackend();
    LOG.log(Level.DEBUG, () -> "CUDA backend on " + device.describe() + ", kernels for "
        + module.arch() + ", host memory " + hostMemory);
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

  private static Backend createHostBackend() {
    try {
      return Backends.byName("simd");
    } catch (RuntimeException | LinkageError e) {
      return new ScalarBackend();
    }
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

  /**
   * Destroys the cuBLAS handle and the stream and frees the scratch memory. Buffers allocated
   * by {@link #allocate} belong to their arenas and stay valid. Further kernel calls throw
   * {@link IllegalStateException}.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    bind();
    CudaRuntime.cudaStreamSynchronize(stream);
    Cublas.cublasDestroy_v2(cublas);
    CudaRuntime.cudaStreamDestroy(stream);
    stagingArena.close();
    rowLossArena.close();
    arena.close();
  }

  // ---------------------------------------------------------------- memory

  /**
   * A zero-filled segment of {@code count} doubles of managed memory, owned by {@code arena}
   * (closing it frees the memory), resident on the device.
   *
   * @throws CudaException when the allocation fails (out of device memory, ...)
   */
  public synchronized MemorySegment allocate(Arena arena, long count) {
    Objects.requireNonNull(arena, "arena");
    if (count < 0) {
      throw new IllegalArgumentException("count must be >= 0, got " + count);
    }
    return allocateBytes(arena, Math.max(1, count) * DVector.BYTES);
  }

  private MemorySegment allocateBytes(Arena owner, long bytes) {
    requireOpen();
    bind();
    MemorySegment s = ManagedMemory.allocate(owner, bytes);
    CudaException.checkRuntime("cudaMemsetAsync",
        CudaRuntime.cudaMemsetAsync(s, 0, s.byteSize(), stream));
    synchronize();
    return s;
  }

  /** A zero vector of length {@code n} in managed memory. */
  public DVector vector(Arena arena, int n) {
    if (n < 0) {
      throw new IllegalArgumentException("n must be >= 0, got " + n);
    }
    return new DVector(allocate(arena, n), 0, n, 1);
  }

  /** A vector in managed memory holding a copy of {@code values} (counted as uploaded). */
  public DVector vector(Arena arena, double... values) {
    DVector v = vector(arena, values.length);
    upload(values, v);
    return v;
  }

  /** A dense zero matrix in managed memory. */
  public DMatrix matrix(Arena arena, int rows, int cols) {
    if (rows < 0 || cols < 0) {
      throw new IllegalArgumentException("rows and cols must be >= 0, got " + rows + "x" + cols);
    }
    return new DMatrix(allocate(arena, (long) rows * cols), 0, rows, cols, Math.max(1, cols));
  }

  /** A dense matrix in managed memory holding the row-major {@code values}. */
  public DMatrix matrix(Arena arena, int rows, int cols, double... values) {
    DMatrix m = matrix(arena, rows, cols);
    if (values.length != m.size()) {
      throw new IllegalArgumentException("values has length " + values.length
          + " but the matrix has " + rows + "x" + cols + " = " + m.size() + " elements");
    }
    MemorySegment.copy(values, 0, m.segment(), ValueLayout.JAVA_DOUBLE, 0, values.length);
    countUpload(8L * values.length);
    prefetchToDevice(m.segment());
    return m;
  }

  /** 32-bit labels in managed memory (for {@code softmaxCrossEntropy}). */
  public synchronized MemorySegment labels(Arena arena, int... labels) {
    Objects.requireNonNull(arena, "arena");
    MemorySegment s = allocateBytes(arena, Math.max(1, labels.length) * (long) Integer.BYTES);
    MemorySegment.copy(labels, 0, s, ValueLayout.JAVA_INT, 0, labels.length);
    bytesUploaded += 4L * labels.length;
    prefetchToDevice(s);
    return s;
  }

  /** Whether {@code segment} is managed memory of a CUDA backend (passed to kernels as is). */
  public static boolean isManaged(MemorySegment segment) {
    return ManagedMemory.contains(segment);
  }

  /**
   * Copies {@code values} into {@code target} (host writes into managed memory, then a prefetch
   * to the device); counted by {@link #bytesUploaded()}.
   */
  public void upload(double[] values, DVector target) {
    Objects.requireNonNull(values, "values");
    Checks.checkAlive("target", target);
    target.copyFrom(values);
    countUpload(8L * values.length);
    if (target.length() > 0) {
      prefetchToDevice(target.segment().asSlice(target.byteOffset(0),
          (long) (target.length() - 1) * target.stride() * 8 + 8));
    }
  }

  /**
   * Copies {@code source} into {@code values} (a prefetch to the host, then host reads);
   * counted by {@link #bytesDownloaded()}.
   */
  public void download(DVector source, double[] values) {
    Objects.requireNonNull(values, "values");
    Checks.checkAlive("source", source);
    if (values.length != source.length()) {
      throw new IllegalArgumentException("values has length " + values.length
          + " but source has length " + source.length());
    }
    if (source.length() > 0) {
      prefetchToHost(source.segment().asSlice(source.byteOffset(0),
          (long) (source.length() - 1) * source.stride() * 8 + 8));
    }
    for (int i = 0; i < values.length; i++) {
      values[i] = source.get(i);
    }
    synchronized (this) {
      bytesDownloaded += 8L * values.length;
    }
  }

  private synchronized void countUpload(long bytes) {
    bytesUploaded += bytes;
  }

  /** Bytes copied in by {@link #upload} and the allocating helpers that take values. */
  public synchronized long bytesUploaded() {
    return bytesUploaded;
  }

  /** Bytes copied out by {@link #download}. */
  public synchronized long bytesDownloaded() {
    return bytesDownloaded;
  }

  /** Bytes of host buffers copied into and out of scratch memory by the STAGE policy. */
  public synchronized long bytesStaged() {
    return bytesStaged;
  }

  /**
   * Starts migrating a managed segment to the device ({@code cudaMemPrefetchAsync} on this
   * backend's stream; a hint, done only with CUDA ≥ 12.2 and for managed memory).
   */
  public synchronized void prefetchToDevice(MemorySegment segment) {
    prefetch(segment, CudaRuntime.cudaMemLocationTypeDevice, device.ordinal());
  }

  /** Migrates a managed segment to the host and waits for it (a hint, as above). */
  public synchronized void prefetchToHost(MemorySegment segment) {
    prefetch(segment, CudaRuntime.cudaMemLocationTypeHost, 0);
    synchronize();
  }

  private void prefetch(MemorySegment segment, int type, int id) {
    Objects.requireNonNull(segment, "segment");
    requireOpen();
    if (segment.byteSize() == 0 || !ManagedMemory.contains(segment)) {
      return;
    }
    bind();
    location.set(ValueLayout.JAVA_INT, 0, type);
    location.set(ValueLayout.JAVA_INT, 4, id);
    int v = device.runtimeVersion();
    if (v >= 13000) {
      CudaException.checkRuntime("cudaMemPrefetchAsync", CudaRuntime.cudaMemPrefetchAsync(
          segment, segment.byteSize(), location, 0, stream));
    } else if (v >= 12020 && CudaLibrary.RUNTIME.hasSymbol("cudaMemPrefetchAsync_v2")) {
      CudaException.checkRuntime("cudaMemPrefetchAsync_v2",
          CudaRuntime.cudaMemPrefetchAsync_v2(segment, segment.byteSize(), location, 0,
              stream));
    }
  }

  // ---------------------------------------------------------------- plumbing

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("this CUDA backend is closed");
    }
  }

  /** Makes this backend's device and primary context current on the calling thread. */
  private void bind() {
    int[] bound = BOUND_DEVICE.get();
    if (bound[0] != device.ordinal()) {
      CudaException.checkRuntime("cudaSetDevice", CudaRuntime.cudaSetDevice(device.ordinal()));
      CudaException.checkDriver("cuCtxSetCurrent", CudaDriver.cuCtxSetCurrent(module.context()));
      bound[0] = device.ordinal();
    }
  }

  private void synchronize() {
    CudaException.checkRuntime("cudaStreamSynchronize",
        CudaRuntime.cudaStreamSynchronize(stream));
  }

  /** Where an operand lives for the duration of one call. */
  private static final class Operand {
    long address;
    int increment;
    DVector writeBackVector;
    DMatrix writeBackMatrix;
    MemorySegment stagedAt;
  }

  /**
   * Starts a call: binds the device and prepares scratch space for up to {@code elements}
   * staged doubles (the sum of the operands' sizes).
   */
  private void begin(long elements) {
    requireOpen();
    bind();
    stagingUsed = 0;
    stagingNeed = elements;
  }

  /**
   * Ends a call: waits for the stream, then copies staged outputs back to their host buffers.
   * Runs also when the call failed (outputs are then not copied back).
   */
  private void end(boolean ok) {
    try {
      if (ok) {
        synchronize();
        for (Operand o : operands) {
          if (o.writeBackVector != null) {
            unpack(o.stagedAt, o.writeBackVector);
          } else if (o.writeBackMatrix != null) {
            unpack(o.stagedAt, o.writeBackMatrix);
          }
        }
      }
    } finally {
      for (Operand o : operands) {
        o.writeBackVector = null;
        o.writeBackMatrix = null;
        o.stagedAt = null;
      }
    }
  }

  private boolean accessible(MemorySegment s, String name) {
    if (ManagedMemory.contains(s)) {
      return true;
    }
    switch (hostMemory) {
      case REJECT -> throw new IllegalArgumentException(name + " is not memory of a CUDA "
          + "backend (allocate it with CudaBackend.vector/matrix/allocate, or set -D"
          + HOST_MEMORY_PROPERTY + "=stage)");
      case DIRECT -> {
        if (s.isNative()) {
          return true;
        }
      }
      case STAGE -> { }
    }
    if (warnedStaging.compareAndSet(false, true)) {
      LOG.log(Level.WARNING, "CUDA backend: " + name + " is host memory; it is copied to and "
          + "from managed memory around each call (slow). Allocate buffers with "
          + "CudaBackend.vector/matrix/allocate to avoid it.");
    }
    return false;
  }

  /** Scratch space for {@code bytes} in the staging buffer (grown before the first use). */
  private MemorySegment scratch(long bytes) {
    if (staging == null || staging.byteSize() < stagingNeed * 8) {
      // Nothing of this call is staged yet (growth happens at its first staged operand).
      stagingArena.close();
      stagingArena = Arena.ofShared();
      staging = ManagedMemory.allocate(stagingArena, Math.max(stagingNeed * 8, 1 << 16));
    }
    long at = (stagingUsed + 7) & ~7L;
    MemorySegment s = staging.asSlice(at, Math.max(bytes, 8));
    stagingUsed = at + Math.max(bytes, 8);
    return s;
  }

  /** Operand {@code slot} for vector {@code v}; {@code read}/{@code write}: how it is used. */
  private Operand vector(int slot, String name, DVector v, boolean read, boolean write) {
    Operand o = operands[slot];
    if (accessible(v.segment(), name)) {
      o.address = v.segment().address() + v.byteOffset(0);
      o.increment = v.stride();
      return o;
    }
    MemorySegment s = scratch(8L * v.length());
    if (read) {
      if (v.isContiguous()) {
        MemorySegment.copy(v.segment(), v.byteOffset(0), s, 0, 8L * v.length());
      } else {
        for (int i = 0; i < v.length(); i++) {
          s.setAtIndex(ValueLayout.JAVA_DOUBLE, i, v.get(i));
        }
      }
      bytesStaged += 8L * v.length();
    }
    if (write) {
      o.writeBackVector = v;
      o.stagedAt = s;
    }
    o.address = s.address();
    o.increment = 1;
    return o;
  }

  /** Operand {@code slot} for matrix {@code a} (staged densely, {@code ld = cols}). */
  private Operand matrix(int slot, String name, DMatrix a, boolean read, boolean write) {
    Operand o = operands[slot];
    if (accessible(a.segment(), name)) {
      o.address = a.segment().address() + a.byteOffset(0, 0);
      o.increment = a.ld();
      return o;
    }
    MemorySegment s = scratch(8L * a.size());
    if (read) {
      for (int i = 0; i < a.rows(); i++) {
        MemorySegment.copy(a.segment(), a.byteOffset(i, 0), s, 8L * i * a.cols(), 8L * a.cols());
      }
      bytesStaged += 8L * a.size();
    }
    if (write) {
      o.writeBackMatrix = a;
      o.stagedAt = s;
    }
    o.address = s.address();
    o.increment = Math.max(1, a.cols());
    return o;
  }

  private void unpack(MemorySegment s, DVector v) {
    if (v.isContiguous()) {
      MemorySegment.copy(s, 0, v.segment(), v.byteOffset(0), 8L * v.length());
    } else {
      for (int i = 0; i < v.length(); i++) {
        v.set(i, s.getAtIndex(ValueLayout.JAVA_DOUBLE, i));
      }
    }
    bytesStaged += 8L * v.length();
  }

  private void unpack(MemorySegment s, DMatrix a) {
    for (int i = 0; i < a.rows(); i++) {
      MemorySegment.copy(s, 8L * i * a.cols(), a.segment(), a.byteOffset(i, 0), 8L * a.cols());
    }
    bytesStaged += 8L * a.size();
  }

  private static MemorySegment at(long address) {
    return MemorySegment.ofAddress(address);
  }

  private static MemorySegment at(Operand o) {
    return MemorySegment.ofAddress(o.address);
  }

  private MemorySegment alpha(double value) {
    alpha.set(ValueLayout.JAVA_DOUBLE, 0, value);
    return alpha;
  }

  private MemorySegment beta(double value) {
    beta.set(ValueLayout.JAVA_DOUBLE, 0, value);
    return beta;
  }

  // Kernel arguments: 8-byte slots (every integer of kernels.cu is a long long).

  private void arg(int i, long value) {
    parameterSlots.setAtIndex(ValueLayout.JAVA_LONG, i, value);
  }

  private void arg(int i, double value) {
    parameterSlots.setAtIndex(ValueLayout.JAVA_DOUBLE, i, value);
  }

  private void arg(int i, Operand o) {
    parameterSlots.setAtIndex(ValueLayout.JAVA_LONG, i, o.address);
    parameterSlots.setAtIndex(ValueLayout.JAVA_LONG, i + 1, o.increment);
  }

  /** Blocks for {@code work} items: enough for one item per thread, at most MAX_BLOCKS. */
  static int blocks(long work) {
    return (int) Math.max(1, Math.min(MAX_BLOCKS, (work + THREADS - 1) / THREADS));
  }

  /** Launches kernel {@code k} on {@code blocks} blocks of {@link #THREADS} threads. */
  private void launch(int k, int blocks) {
    int status = CudaDriver.cuLaunchKernel(functions[k], blocks, 1, 1, THREADS, 1, 1, 0, stream,
        parameterPointers, MemorySegment.NULL);
    if (status != 0) {
      throw new CudaException(CudaException.Api.DRIVER, "cuLaunchKernel", status,
          CudaException.describeDriver(status), "kernel " + KernelCompiler.KERNELS.get(k)
              + " on " + blocks + " x " + THREADS + " threads");
    }
  }

  /** Sum of the first {@code count} partial results, in block order. */
  private double sumPartials(int count) {
    double sum = 0.0;
    for (int i = 0; i < count; i++) {
      sum += partials.getAtIndex(ValueLayout.JAVA_DOUBLE, i);
    }
    return sum;
  }

  // ---------------------------------------------------------------- BLAS-1

  @Override
  protected synchronized double dotKernel(DVector x, DVector y) {
    begin((long) x.length() + y.length());
    boolean ok = false;
    try {
      Operand ox = vector(0, "x", x, true, false);
      Operand oy = vector(1, "y", y, true, false);
      CudaException.checkCublas("cublasDdot_v2", Cublas.cublasDdot_v2(cublas, x.length(),
          at(ox), ox.increment, at(oy), oy.increment, result));
      ok = true;
    } finally {
      end(ok);
    }
    return result.get(ValueLayout.JAVA_DOUBLE, 0);
  }

  @Override
  protected synchronized double nrm2Kernel(DVector x) {
    begin(x.length());
    boolean ok = false;
    double norm;
    try {
      Operand ox = vector(0, "x", x, true, false);
      // Our own reduction on both paths (not cublasDnrm2): the same summation order with and
      // without the power-of-two rescaling, so ‖2^k x‖ = 2^k ‖x‖ exactly across the threshold.
      double ssq = sumSquaresScaled(ox, x.length(), 1.0);
      if (ssq >= SUM_SQUARES_TINY && ssq < Double.POSITIVE_INFINITY) {
        norm = Math.sqrt(ssq);
      } else if (Double.isNaN(ssq)) {
        norm = Double.NaN;
      } else {
        norm = scaledNorm(ox, x.length());
      }
      ok = true;
    } finally {
      end(ok);
    }
    return norm;
  }

  /**
   * {@code ‖x‖₂} as {@code 2^e · sqrt(Σ (x_i / 2^e)²)}, {@code 2^e} the power of two at
   * {@code max |x_i|}: no overflow or harmful underflow, and the division is exact.
   */
  private double scaledNorm(Operand ox, int n) {
    int blocks = blocks(n);
    arg(0, (long) n);
    arg(1, ox);
    arg(3, partials.address());
    launch(MAX_ABS, blocks);
    synchronize();
    double max = 0.0;
    for (int i = 0; i < blocks; i++) {
      double m = partials.getAtIndex(ValueLayout.JAVA_DOUBLE, i);
      if (Double.isNaN(m)) {
        return Double.NaN;
      }
      max = Math.max(max, m);
    }
    if (max == 0.0 || Double.isInfinite(max)) {
      return max;
    }
    double scale = Math.scalb(1.0, Math.getExponent(max));
    return Math.sqrt(sumSquaresScaled(ox, n, scale)) * scale;
  }

  /** {@code Σ (x_i / scale)²}, summed in a fixed order (blocks, then the partials on the host). */
  private double sumSquaresScaled(Operand ox, int n, double scale) {
    int blocks = blocks(n);
    arg(0, (long) n);
    arg(1, ox);
    arg(3, scale);
    arg(4, partials.address());
    launch(SUM_SQUARES_SCALED, blocks);
    synchronize();
    return sumPartials(blocks);
  }

  @Override
  protected synchronized double asumKernel(DVector x) {
    begin(x.length());
    boolean ok = false;
    try {
      Operand ox = vector(0, "x", x, true, false);
      CudaException.checkCublas("cublasDasum_v2", Cublas.cublasDasum_v2(cublas, x.length(),
          at(ox), ox.increment, result));
      ok = true;
    } finally {
      end(ok);
    }
    return result.get(ValueLayout.JAVA_DOUBLE, 0);
  }

  @Override
  protected synchronized void axpyKernel(double a, DVector x, DVector y) {
    begin((long) x.length() + y.length());
    boolean ok = false;
    try {
      Operand ox = vector(0, "x", x, true, false);
      Operand oy = vector(1, "y", y, true, true);
      CudaException.checkCublas("cublasDaxpy_v2", Cublas.cublasDaxpy_v2(cublas, x.length(),
          alpha(a), at(ox), ox.increment, at(oy), oy.increment));
      ok = true;
    } finally {
      end(ok);
    }
  }

  @Override
  protected synchronized void axpbyKernel(double a, DVector x, double b, DVector y) {
    begin((long) x.length() + y.length());
    boolean ok = false;
    try {
      Operand ox = vector(0, "x", x, true, false);
      Operand oy = vector(1, "y", y, b != 0.0, true);
      arg(0, (long) x.length());
      arg(1, a);
      arg(2, ox);
      arg(4, b);
      arg(5, oy);
      launch(AXPBY, blocks(x.length()));
      ok = true;
    } finally {
      end(ok);
    }
  }

  @Override
  protected synchronized void scalKernel(double a, DVector x) {
    begin(x.length());
    boolean ok = false;
    try {
      Operand ox = vector(0, "x", x, true, true);
      if (a == 0.0) {
        // The contract multiplies (0 · NaN = NaN); cuBLAS may write zeros.
        arg(0, (long) x.length());
        arg(1, a);
        arg(2, ox);
        launch(SCALE, blocks(x.length()));
      } else {
        CudaException.checkCublas("cublasDscal_v2", Cublas.cublasDscal_v2(cublas,
            x.length(), alpha(a), at(ox), ox.increment));
      }
      ok = true;
    } finally {
      end(ok);
    }
  }

  @Override
  protected synchronized void copyKernel(DVector x, DVector y) {
    begin((long) x.length() + y.length());
    boolean ok = false;
    try {
      Operand ox = vector(0, "x", x, true, false);
      Operand oy = vector(1, "y", y, false, true);
      CudaException.checkCublas("cublasDcopy_v2", Cublas.cublasDcopy_v2(cublas, x.length(),
          at(ox), ox.increment, at(oy), oy.increment));
      ok = true;
    } finally {
      end(ok);
    }
  }

  @Override
  protected synchronized void fillKernel(double value, DVector x) {
    begin(x.length());
    boolean ok = false;
    try {
      Operand ox = vector(0, "x", x, false, true);
      arg(0, (long) x.length());
      arg(1, value);
      arg(2, ox);
      launch(FILL, blocks(x.length()));
      ok = true;
    } finally {
      end(ok);
    }
  }

  @Override
  protected synchronized void rotKernel(DVector x, DVector y, double c, double s) {
    begin((long) x.length() + y.length());
    boolean ok = false;
    try {
      Operand ox = vector(0, "x", x, true, true);
      Operand oy = vector(1, "y", y, true, true);
      CudaException.checkCublas("cublasDrot_v2", Cublas.cublasDrot_v2(cublas, x.length(),
          at(ox), ox.increment, at(oy), oy.increment, alpha(c), beta(s)));
      ok = true;
    } finally {
      end(ok);
    }
  }

  // ---------------------------------------------------------------- KM

  @Override
  protected synchronized void kmStepKernel(double eta, DVector phi, DVector x) {
    begin((long) phi.length() + x.length());
    boolean ok = false;
    try {
      Operand op = vector(0, "phi", phi, true, false);
      Operand ox = vector(1, "x", x, true, true);
      arg(0, (long) x.length());
      arg(1, eta);
      arg(2, op);
      arg(4, ox);
      launch(KM_STEP, blocks(x.length()));
      ok = true;
    } finally {
      end(ok);
    }
  }

  @Override
  protected synchronized double kmStepResidualKernel(double eta, DVector phi, DVector x) {
    begin((long) phi.length() + x.length());
    boolean ok = false;
    int blocks = blocks(x.length());
    try {
      Operand op = vector(0, "phi", phi, true, false);
      Operand ox = vector(1, "x", x, true, true);
      arg(0, (long) x.length());
      arg(1, eta);
      arg(2, op);
      arg(4, ox);
      arg(6, partials.address());
      launch(KM_STEP_RESIDUAL, blocks);
      ok = true;
    } finally {
      end(ok);
    }
    return Math.sqrt(sumPartials(blocks));
  }

  // ---------------------------------------------------------------- BLAS-2

  @Override
  protected synchronized void gemvKernel(double a, DMatrix m, DVector x, double b, DVector y) {
    gemv(Cublas.CUBLAS_OP_T, a, m, x, b, y);
  }

  @Override
  protected synchronized void gemvTKernel(double a, DMatrix m, DVector x, double b, DVector y) {
    gemv(Cublas.CUBLAS_OP_N, a, m, x, b, y);
  }

  /** The row-major {@code m} is the column-major {@code mᵀ} ({@code cols × rows}, same ld). */
  private void gemv(int op, double a, DMatrix m, DVector x, double b, DVector y) {
    begin(m.size() + x.length() + y.length());
    boolean ok = false;
    try {
      Operand om = matrix(0, "a", m, true, false);
      Operand ox = vector(1, "x", x, true, false);
      Operand oy = vector(2, "y", y, b != 0.0, true);
      CudaException.checkCublas("cublasDgemv_v2", Cublas.cublasDgemv_v2(cublas, op,
          m.cols(), m.rows(), alpha(a), at(om), om.increment, at(ox), ox.increment, beta(b),
          at(oy), oy.increment));
      ok = true;
    } finally {
      end(ok);
    }
  }

  @Override
  protected synchronized void gerKernel(double a, DVector x, DVector y, DMatrix m) {
    begin(m.size() + x.length() + y.length());
    boolean ok = false;
    try {
      Operand ox = vector(0, "x", x, true, false);
      Operand oy = vector(1, "y", y, true, false);
      Operand om = matrix(2, "a", m, true, true);
      // Aᵀ ← Aᵀ + α y xᵀ on the column-major cols × rows matrix.
      CudaException.checkCublas("cublasDger_v2", Cublas.cublasDger_v2(cublas, m.cols(),
          m.rows(), alpha(a), at(oy), oy.increment, at(ox), ox.increment, at(om),
          om.increment));
      ok = true;
    } finally {
      end(ok);
    }
  }

  // ---------------------------------------------------------------- BLAS-3

  @Override
  protected synchronized void gemmKernel(boolean transA, boolean transB, double a, DMatrix ma,
      DMatrix mb, double b, DMatrix mc) {
    int m = mc.rows();
    int n = mc.cols();
    int k = transA ? ma.rows() : ma.cols();
    begin(ma.size() + mb.size() + mc.size());
    boolean ok = false;
    try {
      Operand oa = matrix(0, "a", ma, true, false);
      Operand ob = matrix(1, "b", mb, true, false);
      Operand oc = matrix(2, "c", mc, b != 0.0, true);
      // Cᵀ ← α op(B)ᵀ op(A)ᵀ + β Cᵀ, all column-major views of the row-major storage.
      CudaException.checkCublas("cublasDgemm_v2", Cublas.cublasDgemm_v2(cublas,
          transB ? Cublas.CUBLAS_OP_T : Cublas.CUBLAS_OP_N,
          transA ? Cublas.CUBLAS_OP_T : Cublas.CUBLAS_OP_N,
          n, m, k, alpha(a), at(ob), ob.increment, at(oa), oa.increment, beta(b), at(oc),
          oc.increment));
      ok = true;
    } finally {
      end(ok);
    }
  }

  // ---------------------------------------------------------------- elementwise

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
