package io.github.bilevel.kernels;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Every numerical kernel the bilevel algorithms need, on off-heap buffers.
 *
 * <p>Implementations: {@link ScalarBackend} (plain loops, the reference every other backend is
 * tested against), {@link SimdBackend} (Vector API, the default), and the native backends of
 * module {@code native-bindings} (OpenBLAS, cuBLAS). {@link Backends} chooses one.
 *
 * <p>Only kernels live here; the projections built on them are {@link Projections}.
 * Conventions, shared by all implementations (argument checks live once, in
 * {@link AbstractBackend}, with the messages of {@link Checks}):
 *
 * <ul>
 *   <li>vectors are {@link DVector} views (length, stride), matrices row-major {@link DMatrix}
 *       views (rows, cols, leading dimension);
 *   <li>lengths must match exactly; a mismatch is an {@link IllegalArgumentException} naming
 *       both arguments; a buffer whose arena is closed is an {@link IllegalStateException}
 *       naming the argument;
 *   <li>the output of an elementwise kernel may be the same view as an input; the output of
 *       {@code gemv}/{@code gemm} must not overlap the inputs;
 *   <li>length 0 is allowed everywhere and does nothing (reductions return 0).
 * </ul>
 */
public interface Backend {

  /** Short name ({@code scalar}, {@code simd}, {@code openblas}, ...). */
  String name();

  /**
   * {@code count} doubles of this backend's memory, zero-filled, owned by {@code arena}: host
   * memory for the CPU backends ({@link Buffers#allocate}); a device backend returns memory its
   * kernels work on without copies and that the host can still read and write. Algorithms
   * allocate their workspaces here, so that a run keeps its data where the backend computes.
   */
  default MemorySegment allocate(Arena arena, long count) {
    return Buffers.allocate(arena, count);
  }

  /** A zero-filled vector of length {@code n} in this backend's memory. */
  default DVector vector(Arena arena, int n) {
    return Buffers.vector(arena, n);
  }

  /** A vector holding {@code values}, in this backend's memory. */
  default DVector vector(Arena arena, double... values) {
    return Buffers.vector(arena, values);
  }

  /** A zero-filled row-major {@code rows × cols} matrix in this backend's memory. */
  default DMatrix matrix(Arena arena, int rows, int cols) {
    return Buffers.matrix(arena, rows, cols);
  }

  /** A row-major matrix holding {@code values}, in this backend's memory. */
  default DMatrix matrix(Arena arena, int rows, int cols, double... values) {
    return Buffers.matrix(arena, rows, cols, values);
  }

  /** Class labels as 32-bit integers, in this backend's memory. */
  default MemorySegment labels(Arena arena, int... labels) {
    return Buffers.labels(arena, labels);
  }

  // ---------------------------------------------------------------- BLAS-1

  /** {@code xᵀy}. */
  double dot(DVector x, DVector y);

  /**
   * Euclidean norm {@code ‖x‖₂}, without overflow or underflow in intermediate results (as the
   * reference BLAS {@code dnrm2}): correct for elements near {@code Double.MAX_VALUE} or
   * {@code Double.MIN_VALUE}.
   */
  double nrm2(DVector x);

  /** {@code Σ |x_i|}. */
  double asum(DVector x);

  /** {@code y ← αx + y}. */
  void axpy(double alpha, DVector x, DVector y);

  /** {@code y ← αx + βy}. */
  void axpby(double alpha, DVector x, double beta, DVector y);

  /** {@code x ← αx}. */
  void scal(double alpha, DVector x);

  /** {@code y ← x}. */
  void copy(DVector x, DVector y);

  /** {@code x_i ← value} for every i. */
  void fill(double value, DVector x);

  /** Plane rotation: {@code (x_i, y_i) ← (c x_i + s y_i, c y_i − s x_i)} (BLAS {@code drot}). */
  void rot(DVector x, DVector y, double c, double s);

  /**
   * Elementwise (Hadamard) product: {@code y_i ← α a_i x_i + β y_i}, that is
   * {@code y ← α diag(a) x + βy}. With {@code β = 0}, {@code y} is not read (a NaN there does not
   * propagate). {@code y} may be {@code a} or {@code x}. Per-feature penalties use it
   * ({@code λ ⊙ w}), so that they run where the data lives (on a GPU too).
   */
  void hadamard(double alpha, DVector a, DVector x, double beta, DVector y);

  // ---------------------------------------------------------------- Krasnoselskii–Mann

  /** The Krasnoselskii–Mann step {@code x ← (1 − η) x + η φ}. */
  void kmStep(double eta, DVector phi, DVector x);

  /**
   * The Krasnoselskii–Mann step {@code x ← (1 − η) x + η φ}, fused with the fixed-point residual
   * of the old iterate, returned: {@code ‖φ − x_old‖₂} (one pass over memory). The step moved
   * {@code x} by {@code η} times the returned value. The residual is a plain sum of squares: it
   * is {@code +∞} if that overflows (an iterate that large has diverged anyway).
   */
  double kmStepResidual(double eta, DVector phi, DVector x);

  // ---------------------------------------------------------------- BLAS-2

  /** {@code y ← α A x + β y}, {@code A} is {@code m × n}, {@code x} has n, {@code y} m elements. */
  void gemv(double alpha, DMatrix a, DVector x, double beta, DVector y);

  /** {@code y ← α Aᵀ x + β y}, {@code A} is {@code m × n}, {@code x} has m, {@code y} n elements. */
  void gemvT(double alpha, DMatrix a, DVector x, double beta, DVector y);

  /** Rank-one update {@code A ← A + α x yᵀ}, {@code A} is {@code m × n}. */
  void ger(double alpha, DVector x, DVector y, DMatrix a);

  // ---------------------------------------------------------------- BLAS-3

  /**
   * {@code C ← α op(A) op(B) + β C} where {@code op(M)} is {@code M} or {@code Mᵀ}; {@code op(A)}
   * is {@code m × k}, {@code op(B)} {@code k × n}, {@code C} {@code m × n}. With {@code β = 0},
   * {@code C} is not read (NaN in it does not propagate).
   */
  void gemm(Transpose transA, Transpose transB, double alpha, DMatrix a, DMatrix b, double beta,
      DMatrix c);

  /**
   * GEMM fused with an epilogue, in one pass over {@code C} where the backend fuses it (the SIMD
   * backend does; the others compose their unfused kernels, with the same result up to
   * rounding). With {@code S = epilogue.scale()}, {@code Y = epilogue.addend()} (or {@code C}
   * when null), {@code bias = epilogue.bias()} (or 0 when null), {@code act =
   * epilogue.activation()} and, when {@code X = epilogue.mixTarget()} is set,
   * {@code η = epilogue.mixRate()}:
   *
   * <pre>
   *   op(A) = op(S ⊙ A)                  (the scale multiplies A as stored, before the transpose)
   *   C_ij ← act(α Σ_l op(A)_il op(B)_lj + β Y_ij + bias_j)     for every i &lt; m, j &lt; n
   *   X_ij ← (1 − η) X_ij + η C_ij                              (after C_ij is computed)
   * </pre>
   *
   * {@code op(A)} is {@code m × k}, {@code op(B)} {@code k × n}; {@code C}, {@code Y} and
   * {@code X} are {@code m × n}, {@code S} has the shape of {@code A}, the bias {@code n}
   * elements. With {@code β = 0}, {@code Y} is not read (NaN in it does not propagate); with
   * {@code α = 0} or {@code k = 0}, {@code A}, {@code B} and {@code S} are not read. The
   * activation is the backend's elementwise kernel of that name ({@link #tanh},
   * {@link #sigmoid}, {@link #relu}); the mix is {@link #kmStep} on the rows of {@code X}.
   *
   * <p>What may share memory: the inputs {@code A}, {@code B}, {@code S}, {@code Y} and the
   * bias may overlap one another (they are only read). {@code C} must not overlap {@code A},
   * {@code B}, {@code S} or the bias; {@code Y} is either {@code C} itself (the same view) or
   * disjoint from it. {@code X} must not overlap any other operand. Views with different
   * leading dimensions whose spans of memory intersect count as overlapping.
   *
   * @param epilogue the scale, addend, bias, activation and mix; {@link GemmEpilogue#none()}
   *                 is the plain {@link #gemm(Transpose, Transpose, double, DMatrix, DMatrix,
   *                 double, DMatrix) gemm}
   * @throws IllegalArgumentException naming the operand and both shapes when a shape does not
   *                                  match, naming both operands when two overlap, and when
   *                                  {@code α} or {@code β} is not finite
   */
  void gemm(Transpose transA, Transpose transB, double alpha, DMatrix a, DMatrix b, double beta,
      DMatrix c, GemmEpilogue<DMatrix, DVector> epilogue);

  // ---------------------------------------------------------------- elementwise

  /** {@code out_i ← tanh(x_i)}. */
  void tanh(DVector x, DVector out);

  /**
   * Backward product of tanh: {@code out_i ← (1 − t_i²) v_i}, where {@code t = tanh(u)} is the
   * stored forward value (so {@code 1 − t²} is {@code tanh'(u)}).
   */
  void tanhBackward(DVector t, DVector v, DVector out);

  /** Logistic sigmoid {@code out_i ← 1 / (1 + e^{−x_i})}. */
  void sigmoid(DVector x, DVector out);

  /** Backward product of the sigmoid: {@code out_i ← s_i (1 − s_i) v_i}, {@code s = σ(u)}. */
  void sigmoidBackward(DVector s, DVector v, DVector out);

  /** {@code out_i ← max(x_i, 0)}. */
  void relu(DVector x, DVector out);

  /** Backward product of ReLU: {@code out_i ← v_i if x_i > 0 else 0} ({@code x} the input). */
  void reluBackward(DVector x, DVector v, DVector out);

  // ---------------------------------------------------------------- softmax / cross-entropy

  /** Row-wise softmax {@code out_ij ← exp(z_ij − max_j z_ij) / Σ_j exp(z_ij − max_j z_ij)}. */
  void softmax(DMatrix logits, DMatrix out);

  /**
   * Mean cross-entropy of a batch of logits (one row per example) against integer labels, and
   * its gradient with respect to the logits, in one pass over the rows:
   * {@code loss = (1/r) Σ_i [logsumexp(z_i) − z_{i, y_i}]},
   * {@code gradient_i = (softmax(z_i) − e_{y_i}) / r}.
   *
   * @param logits   {@code r × c} logits
   * @param labels   {@code r} 32-bit integer labels in {@code [0, c)}
   * @param gradient {@code r × c} output, may be the same view as {@code logits}; {@code null}
   *                 to compute the loss only
   * @return the mean loss (0 for r = 0)
   */
  double softmaxCrossEntropy(DMatrix logits, MemorySegment labels, DMatrix gradient);

  // ---------------------------------------------------------------- clamp (in place)

  /**
   * {@code x_i ← min(max(x_i, lower), upper)}, the elementwise kernel of the box projections
   * ({@link Projections#box}).
   *
   * @throws IllegalArgumentException unless {@code lower <= upper} (NaN is rejected)
   */
  void clamp(DVector x, double lower, double upper);

  /**
   * {@code x_i ← min(max(x_i, lower_i), upper_i)}.
   *
   * @throws IllegalArgumentException naming the index where {@code lower_i > upper_i} or a bound
   *                                  is NaN (elements before it may have been clamped, except on
   *                                  backends that check all bounds first)
   */
  void clamp(DVector x, DVector lower, DVector upper);
}
