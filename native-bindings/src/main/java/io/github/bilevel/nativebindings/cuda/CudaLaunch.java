package io.github.bilevel.nativebindings.cuda;

import io.github.bilevel.kernels.AbstractBackend;
import io.github.bilevel.kernels.Backend;
import io.github.bilevel.kernels.Backends;
import io.github.bilevel.kernels.DMatrix;
import io.github.bilevel.kernels.DVector;
import io.github.bilevel.kernels.ScalarBackend;
import io.github.bilevel.nativebindings.cuda.CudaException.Api;
import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The launch plumbing of {@link CudaBackend}: the device binding, the CUDA stream and the cuBLAS
 * handle, the compiled module's functions, the kernel parameter slots, launch configurations,
 * stream synchronisation, and the state every call shares (scratch, operands). Its subclasses
 * add the memory and staging ({@link CudaMemory}) and the kernels ({@link CudaBackend}).
 */
abstract class CudaLaunch extends AbstractBackend implements AutoCloseable {

  /** Threads per block of every launch ({@code REDUCE_THREADS} of {@code kernels.cu}). */
  static final int THREADS = 256;

  /** Most blocks of a launch (grid-stride loops cover the rest); partial sums per reduction. */
  static final int MAX_BLOCKS = 1024;

  /**
   * Below this, a plain sum of squares may have lost accuracy to underflow (the SIMD backend's
   * threshold); {@code nrm2} then rescales by a power of two.
   */
  static final double SUM_SQUARES_TINY = 0x1p-900;

  static final int PARAMETER_SLOTS = 16;

  static final System.Logger LOG = System.getLogger(CudaBackend.class.getName());

  static final ThreadLocal<int[]> BOUND_DEVICE = ThreadLocal.withInitial(() -> new int[] {-1});

  final CudaDevice device;
  final CudaModule module;
  final CudaBackend.HostMemory hostMemory;
  final Backend hostBackend;
  final Arena arena = Arena.ofShared();
  final MemorySegment stream;
  final MemorySegment cublas;
  final MemorySegment alpha;
  final MemorySegment beta;
  final MemorySegment result;
  final MemorySegment parameterSlots;
  final MemorySegment parameterPointers;
  final MemorySegment location;
  final MemorySegment partials;
  final MemorySegment flag;
  final MemorySegment[] functions;

  Arena stagingArena = Arena.ofShared();
  MemorySegment staging;
  long stagingUsed;
  long stagingNeed;
  Arena rowLossArena = Arena.ofShared();
  MemorySegment rowLoss;

  final Operand[] operands = {new Operand(), new Operand(), new Operand(), new Operand()};

  long bytesUploaded;
  long bytesDownloaded;
  long bytesStaged;
  final AtomicBoolean warnedStaging = new AtomicBoolean();
  boolean closed;

  // Kernel indices into functions (the order of KernelCompiler.KERNELS).

  static final int FILL = index("fill");
  static final int SCALE = index("scale");
  static final int AXPBY = index("axpby");
  static final int KM_STEP = index("km_step");
  static final int KM_STEP_RESIDUAL = index("km_step_residual");
  static final int MAX_ABS = index("max_abs");
  static final int SUM_SQUARES_SCALED = index("sum_squares_scaled");
  static final int TANH = index("tanh_forward");
  static final int TANH_BACKWARD = index("tanh_backward");
  static final int SIGMOID = index("sigmoid_forward");
  static final int SIGMOID_BACKWARD = index("sigmoid_backward");
  static final int RELU = index("relu_forward");
  static final int RELU_BACKWARD = index("relu_backward");
  static final int SOFTMAX = index("softmax_rows");
  static final int SOFTMAX_CROSS_ENTROPY = index("softmax_cross_entropy_rows");
  static final int CLAMP = index("clamp");
  static final int CHECK_BOX = index("check_box");
  static final int CLAMP_VECTOR = index("clamp_vector");
  static final int HADAMARD = index("hadamard");

  static int index(String kernel) {
    int i = KernelCompiler.KERNELS.indexOf(kernel);
    if (i < 0) {
      throw new AssertionError("kernel " + kernel + " not in KernelCompiler.KERNELS");
    }
    return i;
  }

  /**
   * Binds the device, loads the module, creates the stream and the cuBLAS handle and allocates
   * the per-instance scratch ({@link CudaBackend#CudaBackend(CudaBackend.HostMemory)}).
   */
  CudaLaunch(CudaBackend.HostMemory hostMemory) {
    Objects.requireNonNull(hostMemory, "hostMemory");
    Optional<String> reason = CudaBackend.unavailableReason();
    if (reason.isPresent()) {
      throw new IllegalStateException("CUDA backend unavailable: " + reason.get());
    }
    device = CudaDevice.current().orElseThrow();
    if (hostMemory == CudaBackend.HostMemory.DIRECT && !device.pageableMemoryAccess()) {
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
    Api.RUNTIME.check("cudaStreamCreateWithFlags",
        CudaRuntime.cudaStreamCreateWithFlags(holder, CudaRuntime.cudaStreamNonBlocking));
    stream = holder.get(ValueLayout.ADDRESS, 0);
    int status = Cublas.cublasCreate_v2(holder);
    if (status != 0) {
      CudaRuntime.cudaStreamDestroy(stream);
      Api.CUBLAS.check("cublasCreate_v2", status);
    }
    cublas = holder.get(ValueLayout.ADDRESS, 0);
    Api.CUBLAS.check("cublasSetStream_v2", Cublas.cublasSetStream_v2(cublas, stream));
    Api.CUBLAS.check("cublasSetPointerMode_v2",
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

  static Backend createHostBackend() {
    try {
      return Backends.byName("simd");
    } catch (RuntimeException | LinkageError e) {
      return new ScalarBackend();
    }
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


  void requireOpen() {
    if (closed) {
      throw new IllegalStateException("this CUDA backend is closed");
    }
  }

  /** Makes this backend's device and primary context current on the calling thread. */
  void bind() {
    int[] bound = BOUND_DEVICE.get();
    if (bound[0] != device.ordinal()) {
      Api.RUNTIME.check("cudaSetDevice", CudaRuntime.cudaSetDevice(device.ordinal()));
      Api.DRIVER.check("cuCtxSetCurrent", CudaDriver.cuCtxSetCurrent(module.context()));
      bound[0] = device.ordinal();
    }
  }

  void synchronize() {
    Api.RUNTIME.check("cudaStreamSynchronize", CudaRuntime.cudaStreamSynchronize(stream));
  }

  /** Where an operand lives for the duration of one call. */
  static final class Operand {
    long address;
    int increment;
    DVector writeBackVector;
    DMatrix writeBackMatrix;
    MemorySegment stagedAt;
  }

  static MemorySegment at(long address) {
    return MemorySegment.ofAddress(address);
  }

  static MemorySegment at(Operand o) {
    return MemorySegment.ofAddress(o.address);
  }

  MemorySegment alpha(double value) {
    alpha.set(ValueLayout.JAVA_DOUBLE, 0, value);
    return alpha;
  }

  MemorySegment beta(double value) {
    beta.set(ValueLayout.JAVA_DOUBLE, 0, value);
    return beta;
  }

  // Kernel arguments: 8-byte slots (every integer of kernels.cu is a long long).

  void arg(int i, long value) {
    parameterSlots.setAtIndex(ValueLayout.JAVA_LONG, i, value);
  }

  void arg(int i, double value) {
    parameterSlots.setAtIndex(ValueLayout.JAVA_DOUBLE, i, value);
  }

  void arg(int i, Operand o) {
    parameterSlots.setAtIndex(ValueLayout.JAVA_LONG, i, o.address);
    parameterSlots.setAtIndex(ValueLayout.JAVA_LONG, i + 1, o.increment);
  }

  /** Blocks for {@code work} items: enough for one item per thread, at most MAX_BLOCKS. */
  static int blocks(long work) {
    return (int) Math.max(1, Math.min(MAX_BLOCKS, (work + THREADS - 1) / THREADS));
  }

  /** Launches kernel {@code k} on {@code blocks} blocks of {@link #THREADS} threads. */
  void launch(int k, int blocks) {
    int status = CudaDriver.cuLaunchKernel(functions[k], blocks, 1, 1, THREADS, 1, 1, 0, stream,
        parameterPointers, MemorySegment.NULL);
    if (status != 0) {
      throw new CudaException(CudaException.Api.DRIVER, "cuLaunchKernel", status,
          Api.DRIVER.describe(status), "kernel " + KernelCompiler.KERNELS.get(k)
              + " on " + blocks + " x " + THREADS + " threads");
    }
  }

  /** Sum of the first {@code count} partial results, in block order. */
  double sumPartials(int count) {
    double sum = 0.0;
    for (int i = 0; i < count; i++) {
      sum += partials.getAtIndex(ValueLayout.JAVA_DOUBLE, i);
    }
    return sum;
  }
}
