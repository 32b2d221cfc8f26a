/**
 * Kernels on flat off-heap buffers: the {@link io.github.bilevel.kernels.Backend} op set, its
 * scalar reference and SIMD (Vector API) implementations, and the provider that picks one.
 * Native backends plug in as {@link io.github.bilevel.kernels.BackendFactory} services.
 */
module io.github.bilevel.kernels {
  requires transitive jdk.incubator.vector;

  exports io.github.bilevel.kernels;

  uses io.github.bilevel.kernels.BackendFactory;
}
