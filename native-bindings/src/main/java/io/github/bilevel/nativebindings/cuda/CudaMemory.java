package io.github.bilevel.nativebindings.cuda;

import io.github.bilevel.kernels.Checks;
import io.github.bilevel.kernels.DMatrix;
import io.github.bilevel.kernels.DVector;
import io.github.bilevel.nativebindings.cuda.CudaException.Api;
import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

/**
 * The memory side of {@link CudaBackend}: allocation in CUDA managed memory, uploads and
 * downloads, prefetches, and the staging of operands that are not managed memory (copied into
 * scratch before a call and back after it, by the policy {@link CudaBackend.HostMemory}).
 */
abstract class CudaMemory extends CudaLaunch {

  CudaMemory(CudaBackend.HostMemory hostMemory) {
    super(hostMemory);
  }


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
    Api.RUNTIME.check("cudaMemsetAsync", CudaRuntime.cudaMemsetAsync(s, 0, s.byteSize(), stream));
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
      Api.RUNTIME.check("cudaMemPrefetchAsync", CudaRuntime.cudaMemPrefetchAsync(
          segment, segment.byteSize(), location, 0, stream));
    } else if (v >= 12020 && CudaLibrary.RUNTIME.hasSymbol("cudaMemPrefetchAsync_v2")) {
      Api.RUNTIME.check("cudaMemPrefetchAsync_v2",
          CudaRuntime.cudaMemPrefetchAsync_v2(segment, segment.byteSize(), location, 0,
              stream));
    }
  }

  /**
   * Starts a call: binds the device and prepares scratch space for up to {@code elements}
   * staged doubles (the sum of the operands' sizes).
   */
  void begin(long elements) {
    requireOpen();
    bind();
    stagingUsed = 0;
    stagingNeed = elements;
  }

  /**
   * Ends a call: waits for the stream, then copies staged outputs back to their host buffers.
   * Runs also when the call failed (outputs are then not copied back).
   */
  void end(boolean ok) {
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

  boolean accessible(MemorySegment s, String name) {
    if (ManagedMemory.contains(s)) {
      return true;
    }
    switch (hostMemory) {
      case REJECT -> throw new IllegalArgumentException(name + " is not memory of a CUDA "
          + "backend (allocate it with CudaBackend.vector/matrix/allocate, or set -D"
          + CudaBackend.HOST_MEMORY_PROPERTY + "=stage)");
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
  MemorySegment scratch(long bytes) {
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
  Operand vector(int slot, String name, DVector v, boolean read, boolean write) {
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
  Operand matrix(int slot, String name, DMatrix a, boolean read, boolean write) {
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

  void unpack(MemorySegment s, DVector v) {
    if (v.isContiguous()) {
      MemorySegment.copy(s, 0, v.segment(), v.byteOffset(0), 8L * v.length());
    } else {
      for (int i = 0; i < v.length(); i++) {
        v.set(i, s.getAtIndex(ValueLayout.JAVA_DOUBLE, i));
      }
    }
    bytesStaged += 8L * v.length();
  }

  void unpack(MemorySegment s, DMatrix a) {
    for (int i = 0; i < a.rows(); i++) {
      MemorySegment.copy(s, 8L * i * a.cols(), a.segment(), a.byteOffset(i, 0), 8L * a.cols());
    }
    bytesStaged += 8L * a.size();
  }
}
