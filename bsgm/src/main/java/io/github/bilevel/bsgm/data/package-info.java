/**
 * Data sets for the workloads: {@link io.github.bilevel.bsgm.data.Dataset} (features as an
 * off-heap row-major matrix, integer labels), the reader of MNIST-format IDX files
 * {@link io.github.bilevel.bsgm.data.IdxReader}, stratified splits and subsets
 * {@link io.github.bilevel.bsgm.data.Splits}, and the Fashion-MNIST loader
 * {@link io.github.bilevel.bsgm.data.FashionMnist}.
 */
package io.github.bilevel.bsgm.data;
