/**
 * CUDA through {@code java.lang.foreign}: hand-written bindings of the functions called, to the
 * runtime ({@link io.github.bilevel.nativebindings.cuda.CudaRuntime}), cuBLAS
 * ({@link io.github.bilevel.nativebindings.cuda.Cublas}), NVRTC
 * ({@link io.github.bilevel.nativebindings.cuda.Nvrtc}) and the driver API
 * ({@link io.github.bilevel.nativebindings.cuda.CudaDriver}); the library search
 * ({@link io.github.bilevel.nativebindings.cuda.CudaLibrary}); status checks
 * ({@link io.github.bilevel.nativebindings.cuda.CudaException}); the backend
 * ({@link io.github.bilevel.nativebindings.cuda.CudaBackend}, registered as {@code cuda}) and
 * the CUDA C source of its own kernels, compiled by NVRTC
 * ({@link io.github.bilevel.nativebindings.cuda.KernelCompiler}).
 */
package io.github.bilevel.nativebindings.cuda;
