/**
 * Data sets for the workloads: {@link io.github.bilevel.bsgm.data.Dataset} (features as an
 * off-heap row-major matrix, integer labels), the reader of MNIST-format IDX files
 * {@link io.github.bilevel.bsgm.data.IdxReader}, stratified splits and subsets
 * {@link io.github.bilevel.bsgm.data.Splits}, the Fashion-MNIST loader
 * {@link io.github.bilevel.bsgm.data.FashionMnist}, the loader of user data in {@code .npy}
 * files {@link io.github.bilevel.bsgm.data.NpyData}, and
 * {@link io.github.bilevel.bsgm.data.Datasets#load}, which picks one of the two for a directory.
 */
package io.github.bilevel.bsgm.data;
