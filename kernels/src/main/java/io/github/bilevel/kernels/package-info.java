/**
 * Off-heap vectors and matrices ({@link io.github.bilevel.kernels.DVector},
 * {@link io.github.bilevel.kernels.DMatrix}, {@link io.github.bilevel.kernels.Buffers}) and the
 * {@link io.github.bilevel.kernels.Backend} of numerical kernels with its scalar reference and
 * SIMD (Vector API) implementations, chosen by {@link io.github.bilevel.kernels.Backends}.
 *
 * <p>Threads: the SIMD backend runs large {@code gemm}s on several threads, by default the
 * available processors; set the count with {@code -Dbilevel.threads=N} ({@code N >= 1}; 1 keeps
 * every kernel on the calling thread) or {@code new SimdBackend(N)}. Results are bit-identical
 * for every thread count (see {@link io.github.bilevel.kernels.SimdBackend}).
 */
package io.github.bilevel.kernels;
