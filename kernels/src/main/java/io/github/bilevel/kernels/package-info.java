/**
 * Off-heap vectors and matrices ({@link io.github.bilevel.kernels.DVector},
 * {@link io.github.bilevel.kernels.DMatrix}, {@link io.github.bilevel.kernels.Buffers}) and the
 * {@link io.github.bilevel.kernels.Backend} of numerical kernels with its scalar reference and
 * SIMD (Vector API) implementations, chosen by {@link io.github.bilevel.kernels.Backends}.
 */
package io.github.bilevel.kernels;
