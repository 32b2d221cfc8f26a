/**
 * CUDA through {@code java.lang.foreign}: {@code jextract}-shaped bindings to the runtime
 * ({@link io.github.bilevel.nativebindings.cuda.cuda_runtime_h}), cuBLAS
 * ({@link io.github.bilevel.nativebindings.cuda.cublas_v2_h}), NVRTC
 * ({@link io.github.bilevel.nativebindings.cuda.nvrtc_h}) and the driver API
 * ({@link io.github.bilevel.nativebindings.cuda.cuda_h}); the library search
 * ({@link io.github.bilevel.nativebindings.cuda.CudaLibrary}); status checks
 * ({@link io.github.bilevel.nativebindings.cuda.CudaException}); the backend
 * ({@link io.github.bilevel.nativebindings.cuda.CudaBackend}, registered as {@code cuda}) and
 * the CUDA C source of its own kernels, compiled by NVRTC
 * ({@link io.github.bilevel.nativebindings.cuda.KernelCompiler}).
 */
package io.github.bilevel.nativebindings.cuda;
