/**
 * OpenBLAS through {@code java.lang.foreign}: the {@code jextract}-shaped bindings
 * ({@link io.github.bilevel.nativebindings.openblas.cblas_h}), the library search
 * ({@link io.github.bilevel.nativebindings.openblas.OpenBlasLibrary}) and the backend
 * ({@link io.github.bilevel.nativebindings.openblas.OpenBlasBackend}, registered as
 * {@code openblas}).
 */
package io.github.bilevel.nativebindings.openblas;
