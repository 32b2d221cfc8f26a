/**
 * Native backends through {@code java.lang.foreign}: OpenBLAS ({@code cblas_*}) and CUDA
 * (runtime, cuBLAS, NVRTC). Found by the kernels' provider as services; nothing needs to
 * reference this module in code. Native access is needed:
 * {@code --enable-native-access=io.github.bilevel.nativebindings}.
 */
module io.github.bilevel.nativebindings {
  requires io.github.bilevel.kernels;

  exports io.github.bilevel.nativebindings.openblas;
  exports io.github.bilevel.nativebindings.cuda;

  provides io.github.bilevel.kernels.BackendFactory with
      io.github.bilevel.nativebindings.openblas.OpenBlasBackendFactory,
      io.github.bilevel.nativebindings.cuda.CudaBackendFactory;
}
