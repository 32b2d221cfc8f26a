/**
 * OpenBLAS through {@code java.lang.foreign}: hand-written bindings of the functions called
 * ({@link io.github.bilevel.nativebindings.openblas.Cblas}), the library search
 * ({@link io.github.bilevel.nativebindings.openblas.OpenBlasLibrary}) and the backend
 * ({@link io.github.bilevel.nativebindings.openblas.OpenBlasBackend}, registered as
 * {@code openblas}).
 */
package io.github.bilevel.nativebindings.openblas;
