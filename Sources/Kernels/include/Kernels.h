// Hand-written hot loops of the training core that BLAS cannot see: a first layer that skips the
// inputs that are exactly zero (most MNIST pixels), and the byte-to-float fill of a batch. Each
// kernel is compiled three times (AVX-512, AVX2 with FMA, portable C) and chosen at run time, so
// the package builds for baseline x86-64 (and other CPUs) and still uses the widest vectors there
// are. Every path does the same arithmetic in the same order (fused multiply-adds, rows ascending),
// so they give the same bits; `nt_*_naive` are the plain loops the tests compare them with.
#ifndef NEURALTRACER_KERNELS_H
#define NEURALTRACER_KERNELS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The kernel paths, widest first. `NT_PATH_AUTO` means "the best this CPU runs".
typedef enum {
    NT_PATH_AUTO = 0,
    NT_PATH_AVX512 = 1,
    NT_PATH_AVX2 = 2,
    NT_PATH_PORTABLE = 3,
} nt_path;

/// The path the kernels take now (never NT_PATH_AUTO).
nt_path nt_active_path(void);
/// Whether this CPU can run `path`.
int nt_path_supported(nt_path path);
/// Forces `path` (tests run every path); NT_PATH_AUTO goes back to the CPU's best. Returns 0 and
/// changes nothing when the CPU cannot run `path`. Not for use while kernels run on other threads.
int nt_force_path(nt_path path);

/// Where the non-zero entries of x (rows, cols; leading dimension ldx) are: bit i % 64 of
/// masks[(i / 64) * cols + k] is set when x[i, k] != 0 (NaN counts as non-zero). `masks` holds
/// ceil(rows / 64) * cols words. Returns how many entries are non-zero.
int64_t nt_nonzero_masks(int rows, int cols, const float *x, int64_t ldx, uint64_t *masks);

/// The work the zero-skipping products do, from `masks` (as `nt_nonzero_masks` writes them): the
/// number of (row, group of four columns) pairs with a non-zero entry, each group costing four
/// multiply-adds per output column (the last k % 4 columns count alone, one each).
int64_t nt_grouped_work(int rows, int cols, const uint64_t *masks);

/// z (rows, n; ldz) = x (rows, k; ldx) * w (k, n; ldw), visiting only x's non-zero entries (from
/// `masks`, as `nt_nonzero_masks` writes them): z[i, j] = sum over k ascending of x[i,k]*w[k,j],
/// one fused multiply-add per non-zero x[i,k].
void nt_sparse_product(
    int rows, int n, int k, const float *x, int64_t ldx, const uint64_t *masks, const float *w, int64_t ldw,
    float *z, int64_t ldz);
void nt_sparse_product_naive(
    int rows, int n, int k, const float *x, int64_t ldx, const float *w, int64_t ldw, float *z, int64_t ldz);

/// c (k, n; ldc) = alpha * x^T * dz + beta * c, where x is (rows, k; ldx) with non-zero `masks`
/// and dz is (rows, n; lddz): for each row p of c, g = sum over rows i ascending of
/// x[i,p]*dz[i,:] (fused multiply-adds over x's non-zero entries), then c = fma(alpha, g, beta*c).
/// A row p whose column of x is all zero is left alone when beta == 1 (nothing to add).
void nt_sparse_transposed_product(
    int rows, int n, int k, const float *x, int64_t ldx, const uint64_t *masks, const float *dz, int64_t lddz,
    float alpha, float beta, float *c, int64_t ldc);
void nt_sparse_transposed_product_naive(
    int rows, int n, int k, const float *x, int64_t ldx, const float *dz, int64_t lddz, float alpha, float beta,
    float *c, int64_t ldc);

/// out[i] = bytes[i] / 255 (correctly rounded, 255 -> exactly 1) for i < count.
void nt_bytes_to_unit_floats(const uint8_t *bytes, float *out, int64_t count);
void nt_bytes_to_unit_floats_naive(const uint8_t *bytes, float *out, int64_t count);

/// Sets (on != 0) or clears this thread's flush-to-zero and denormals-are-zero modes, returning
/// the previous setting (1 if both were on). Values below about 1e-38 then count as 0 instead of
/// taking the CPU's slow path (a hundred times slower on x86). No effect on other CPUs (returns 0).
int nt_flush_denormals(int on);

/// Asks the CPU to start loading `bytes` bytes at `address` into its caches (a hint; no effect
/// on results).
void nt_prefetch(const void *address, int64_t bytes);

#ifdef __cplusplus
}
#endif

#endif
