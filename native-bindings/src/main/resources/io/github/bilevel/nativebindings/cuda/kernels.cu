// Kernels of the CUDA backend that cuBLAS does not have (io.github.bilevel.nativebindings.cuda).
//
// Compiled once per process by NVRTC (no headers: only built-in device functions), with
// --fmad=false so that a*b+c is rounded twice, as Java rounds it: the elementwise results are
// then those of the scalar backend up to the last bit of exp/tanh.
//
// Conventions: every integer argument is a 64-bit `long long` (the launcher passes 8-byte
// slots); a vector is (pointer, stride in elements); a row-major matrix is (pointer, leading
// dimension). Elementwise kernels use grid-stride loops. Reductions run with blockDim.x ==
// REDUCE_THREADS and write one partial result per block, which the host adds up in block order
// (deterministic for a given grid).
//
// Java's Math.min/Math.max semantics (NaN propagates, -0.0 < +0.0) are kept by jmin/jmax: the
// CUDA fmin/fmax would drop a NaN.

typedef long long i64;

#define REDUCE_THREADS 256

#define GRID_STRIDE_LOOP(i, n)                                                     \
  for (i64 i = (i64) blockIdx.x * blockDim.x + threadIdx.x; i < (n);               \
       i += (i64) blockDim.x * gridDim.x)

__device__ __forceinline__ bool negative_zero_or_less(double a) {
  return __double_as_longlong(a) < 0;
}

// Java's Math.max.
__device__ __forceinline__ double jmax(double a, double b) {
  if (a != a) return a;
  if (b != b) return b;
  if (a == 0.0 && b == 0.0) return negative_zero_or_less(a) ? b : a;
  return a >= b ? a : b;
}

// Java's Math.min.
__device__ __forceinline__ double jmin(double a, double b) {
  if (a != a) return a;
  if (b != b) return b;
  if (a == 0.0 && b == 0.0) return negative_zero_or_less(a) ? a : b;
  return a <= b ? a : b;
}

// Adds up the block's values; thread 0 writes the sum to partial[blockIdx.x].
__device__ void block_sum(double value, double* partial) {
  __shared__ double sums[REDUCE_THREADS];
  sums[threadIdx.x] = value;
  __syncthreads();
  for (int half = REDUCE_THREADS / 2; half > 0; half >>= 1) {
    if (threadIdx.x < half) sums[threadIdx.x] += sums[threadIdx.x + half];
    __syncthreads();
  }
  if (threadIdx.x == 0) partial[blockIdx.x] = sums[0];
}

// ------------------------------------------------------------------ BLAS-1 complements

// x_i <- value
extern "C" __global__ void fill(i64 n, double value, double* x, i64 incx) {
  GRID_STRIDE_LOOP(i, n) x[i * incx] = value;
}

// x_i <- alpha x_i (a true multiplication: 0 * NaN = NaN)
extern "C" __global__ void scale(i64 n, double alpha, double* x, i64 incx) {
  GRID_STRIDE_LOOP(i, n) x[i * incx] = alpha * x[i * incx];
}

// y_i <- alpha x_i + beta y_i; with beta == 0, y is not read
extern "C" __global__ void axpby(i64 n, double alpha, const double* x, i64 incx, double beta,
                                 double* y, i64 incy) {
  if (beta == 0.0) {
    GRID_STRIDE_LOOP(i, n) y[i * incy] = alpha * x[i * incx];
  } else {
    GRID_STRIDE_LOOP(i, n) y[i * incy] = alpha * x[i * incx] + beta * y[i * incy];
  }
}

// y_i <- alpha a_i x_i + beta y_i (y is not read when beta == 0)
extern "C" __global__ void hadamard(i64 n, double alpha, const double* a, i64 inca,
                                   const double* x, i64 incx, double beta, double* y, i64 incy) {
  if (beta == 0.0) {
    GRID_STRIDE_LOOP(i, n) y[i * incy] = alpha * (a[i * inca] * x[i * incx]);
  } else {
    GRID_STRIDE_LOOP(i, n) y[i * incy] = alpha * (a[i * inca] * x[i * incx]) + beta * y[i * incy];
  }
}

// ------------------------------------------------------------------ Krasnoselskii-Mann

// x_i <- (1 - eta) x_i + eta phi_i
extern "C" __global__ void km_step(i64 n, double eta, const double* phi, i64 incphi, double* x,
                                   i64 incx) {
  GRID_STRIDE_LOOP(i, n) x[i * incx] = (1.0 - eta) * x[i * incx] + eta * phi[i * incphi];
}

// The KM step fused with the residual: partial[block] = sum over the block of (phi_i - x_i)^2
// (old x). blockDim.x must be REDUCE_THREADS.
extern "C" __global__ void km_step_residual(i64 n, double eta, const double* phi, i64 incphi,
                                            double* x, i64 incx, double* partial) {
  double ssq = 0.0;
  GRID_STRIDE_LOOP(i, n) {
    double xi = x[i * incx];
    double pi = phi[i * incphi];
    double d = pi - xi;
    ssq += d * d;
    x[i * incx] = (1.0 - eta) * xi + eta * pi;
  }
  block_sum(ssq, partial);
}

// ------------------------------------------------------------------ robust nrm2 (two passes)

// partial[block] = max |x_i| over the block, NaN if any x_i is NaN.
extern "C" __global__ void max_abs(i64 n, const double* x, i64 incx, double* partial) {
  __shared__ double maxima[REDUCE_THREADS];
  double m = 0.0;
  GRID_STRIDE_LOOP(i, n) m = jmax(m, fabs(x[i * incx]));
  maxima[threadIdx.x] = m;
  __syncthreads();
  for (int half = REDUCE_THREADS / 2; half > 0; half >>= 1) {
    if (threadIdx.x < half) maxima[threadIdx.x] = jmax(maxima[threadIdx.x], maxima[threadIdx.x + half]);
    __syncthreads();
  }
  if (threadIdx.x == 0) partial[blockIdx.x] = maxima[0];
}

// partial[block] = sum over the block of (x_i / scale)^2, scale > 0 finite.
extern "C" __global__ void sum_squares_scaled(i64 n, const double* x, i64 incx, double scale,
                                              double* partial) {
  double ssq = 0.0;
  GRID_STRIDE_LOOP(i, n) {
    double t = x[i * incx] / scale;
    ssq += t * t;
  }
  block_sum(ssq, partial);
}

// ------------------------------------------------------------------ activations

extern "C" __global__ void tanh_forward(i64 n, const double* x, i64 incx, double* out,
                                        i64 incout) {
  GRID_STRIDE_LOOP(i, n) out[i * incout] = tanh(x[i * incx]);
}

// out_i <- (1 - t_i^2) v_i
extern "C" __global__ void tanh_backward(i64 n, const double* t, i64 inct, const double* v,
                                         i64 incv, double* out, i64 incout) {
  GRID_STRIDE_LOOP(i, n) {
    double ti = t[i * inct];
    out[i * incout] = (1.0 - ti * ti) * v[i * incv];
  }
}

extern "C" __global__ void sigmoid_forward(i64 n, const double* x, i64 incx, double* out,
                                           i64 incout) {
  GRID_STRIDE_LOOP(i, n) out[i * incout] = 1.0 / (1.0 + exp(-x[i * incx]));
}

// out_i <- s_i (1 - s_i) v_i
extern "C" __global__ void sigmoid_backward(i64 n, const double* s, i64 incs, const double* v,
                                            i64 incv, double* out, i64 incout) {
  GRID_STRIDE_LOOP(i, n) {
    double si = s[i * incs];
    out[i * incout] = si * (1.0 - si) * v[i * incv];
  }
}

extern "C" __global__ void relu_forward(i64 n, const double* x, i64 incx, double* out,
                                        i64 incout) {
  GRID_STRIDE_LOOP(i, n) {
    double xi = x[i * incx];
    out[i * incout] = xi > 0.0 ? xi : 0.0;
  }
}

// out_i <- v_i if x_i > 0 else 0
extern "C" __global__ void relu_backward(i64 n, const double* x, i64 incx, const double* v,
                                         i64 incv, double* out, i64 incout) {
  GRID_STRIDE_LOOP(i, n) out[i * incout] = x[i * incx] > 0.0 ? v[i * incv] : 0.0;
}

// ------------------------------------------------------------------ softmax / cross-entropy

// One thread per row: out_ij <- exp(z_ij - max_j z_ij) / sum_j exp(z_ij - max_j z_ij).
// out may be z (the row is read before it is written, element by element).
extern "C" __global__ void softmax_rows(i64 rows, i64 cols, const double* z, i64 ldz,
                                        double* out, i64 ldout) {
  GRID_STRIDE_LOOP(i, rows) {
    const double* zi = z + i * ldz;
    double* oi = out + i * ldout;
    double max = -1.0 / 0.0;
    for (i64 j = 0; j < cols; j++) max = jmax(max, zi[j]);
    double sum = 0.0;
    for (i64 j = 0; j < cols; j++) {
      double e = exp(zi[j] - max);
      oi[j] = e;
      sum += e;
    }
    for (i64 j = 0; j < cols; j++) oi[j] = oi[j] / sum;
  }
}

// One thread per row: rowLoss_i <- logsumexp(z_i) - z_{i, y_i}; with a gradient,
// g_ij <- (softmax(z_i)_j - [j == y_i]) / rows. Labels are checked by the host before the
// launch. g may be z.
extern "C" __global__ void softmax_cross_entropy_rows(i64 rows, i64 cols, const double* z,
                                                      i64 ldz, const int* labels, double* g,
                                                      i64 ldg, i64 withGradient,
                                                      double* rowLoss) {
  GRID_STRIDE_LOOP(i, rows) {
    const double* zi = z + i * ldz;
    int y = labels[i];
    double max = -1.0 / 0.0;
    for (i64 j = 0; j < cols; j++) max = jmax(max, zi[j]);
    double sum = 0.0;
    for (i64 j = 0; j < cols; j++) sum += exp(zi[j] - max);
    double logSumExp = max + log(sum);
    rowLoss[i] = logSumExp - zi[y];
    if (withGradient) {
      double* gi = g + i * ldg;
      for (i64 j = 0; j < cols; j++) {
        double p = exp(zi[j] - logSumExp);
        gi[j] = (p - (j == y ? 1.0 : 0.0)) / (double) rows;
      }
    }
  }
}

// ------------------------------------------------------------------ clamp (box projections)

// x_i <- min(max(x_i, lower), upper)
extern "C" __global__ void clamp(i64 n, double* x, i64 incx, double lower, double upper) {
  GRID_STRIDE_LOOP(i, n) x[i * incx] = jmin(jmax(x[i * incx], lower), upper);
}

// *firstBad <- min over i with !(lower_i <= upper_i) of i (the host sets it to n first).
extern "C" __global__ void check_box(i64 n, const double* lower, i64 inclo, const double* upper,
                                     i64 inchi, int* firstBad) {
  GRID_STRIDE_LOOP(i, n) {
    if (!(lower[i * inclo] <= upper[i * inchi])) atomicMin(firstBad, (int) i);
  }
}

// x_i <- min(max(x_i, lower_i), upper_i); the bounds are checked first (check_box).
extern "C" __global__ void clamp_vector(i64 n, double* x, i64 incx, const double* lower,
                                        i64 inclo, const double* upper, i64 inchi) {
  GRID_STRIDE_LOOP(i, n) x[i * incx] = jmin(jmax(x[i * incx], lower[i * inclo]), upper[i * inchi]);
}
