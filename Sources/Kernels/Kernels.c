// The hand-written kernels and their run-time dispatch (see include/Kernels.h). Each kernel has a
// portable body, an AVX2+FMA body and an AVX-512 body, chosen once from what the CPU reports (or
// forced by the tests). Leaves out: anything BLAS already does well (dense products).
#include "Kernels.h"

#include <math.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#define NT_X86 1
#include <immintrin.h>
#define NT_AVX512 __attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,bmi,bmi2,popcnt")))
#define NT_AVX2 __attribute__((target("avx2,fma,bmi,bmi2,popcnt")))
#endif

// MARK: Dispatch

static nt_path forced = NT_PATH_AUTO;
static nt_path detected = NT_PATH_AUTO;

int nt_path_supported(nt_path path) {
    switch (path) {
    case NT_PATH_AUTO:
    case NT_PATH_PORTABLE: return 1;
#ifdef NT_X86
    case NT_PATH_AVX512:
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl")
            && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq");
    case NT_PATH_AVX2:
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#endif
    default: return 0;
    }
}

nt_path nt_active_path(void) {
    if (forced != NT_PATH_AUTO) return forced;
    if (detected == NT_PATH_AUTO) {
        detected = nt_path_supported(NT_PATH_AVX512) ? NT_PATH_AVX512
            : nt_path_supported(NT_PATH_AVX2)        ? NT_PATH_AVX2
                                                     : NT_PATH_PORTABLE;
    }
    return detected;
}

int nt_force_path(nt_path path) {
    if (!nt_path_supported(path)) return 0;
    forced = path;
    return 1;
}

static inline int blocks_of(int rows) { return (rows + 63) / 64; }

// MARK: Where the non-zeros are

static int64_t masks_portable(int rows, int cols, const float *x, int64_t ldx, uint64_t *masks) {
    memset(masks, 0, sizeof(uint64_t) * (size_t)blocks_of(rows) * (size_t)cols);
    int64_t count = 0;
    for (int i = 0; i < rows; i++) {
        const float *row = x + (int64_t)i * ldx;
        uint64_t *m = masks + (int64_t)(i / 64) * cols;
        uint64_t bit = 1ull << (i % 64);
        for (int k = 0; k < cols; k++) {
            int nonzero = row[k] != 0.0f;  // true for NaN too
            m[k] |= nonzero ? bit : 0;
            count += nonzero;
        }
    }
    return count;
}

#ifdef NT_X86
/// Compares 16 columns of every row at once, keeping 16-bit row masks grouped by column chunk
/// (the 64 rows of a chunk side by side), then turns each chunk's 64 x 16 bits into 16 column words
/// with one bit test per column: no read-modify-write of the column words per row.
NT_AVX512 static int64_t masks_avx512(int rows, int cols, const float *x, int64_t ldx, uint64_t *masks) {
    int64_t count = 0;
    const __m512 zero = _mm512_setzero_ps();
    uint16_t chunk[64] __attribute__((aligned(64)));
    for (int b = 0; b < blocks_of(rows); b++) {
        int blockRows = rows - 64 * b < 64 ? rows - 64 * b : 64;
        uint64_t *m = masks + (int64_t)b * cols;
        for (int k = 0; k < cols; k += 16) {
            int left = cols - k;
            __mmask16 valid = left >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << left) - 1);
            for (int i = 0; i < blockRows; i++) {
                const float *row = x + (int64_t)(64 * b + i) * ldx + k;
                __mmask16 nonzero = _mm512_mask_cmp_ps_mask(valid, _mm512_maskz_loadu_ps(valid, row), zero, _CMP_NEQ_UQ);
                chunk[i] = nonzero;
                count += __builtin_popcount(nonzero);
            }
            for (int i = blockRows; i < 64; i++) chunk[i] = 0;
            __m512i low = _mm512_load_si512(chunk), high = _mm512_load_si512(chunk + 32);
            int width = left < 16 ? left : 16;
            for (int j = 0; j < width; j++) {
                __m512i bit = _mm512_set1_epi16((short)(1 << j));
                uint64_t lowRows = (uint32_t)_mm512_test_epi16_mask(low, bit);
                uint64_t highRows = (uint32_t)_mm512_test_epi16_mask(high, bit);
                m[k + j] = lowRows | (highRows << 32);
            }
        }
    }
    return count;
}
#endif

int64_t nt_nonzero_masks(int rows, int cols, const float *x, int64_t ldx, uint64_t *masks) {
    switch (nt_active_path()) {
#ifdef NT_X86
    case NT_PATH_AVX512: return masks_avx512(rows, cols, x, ldx, masks);
#endif
    default: return masks_portable(rows, cols, x, ldx, masks);  // AVX2 gains little on a compare-and-or
    }
}

int64_t nt_grouped_work(int rows, int cols, const uint64_t *masks) {
    int64_t work = 0;
    for (int b = 0; b < blocks_of(rows); b++) {
        const uint64_t *m = masks + (int64_t)b * cols;
        int p = 0;
        for (; p + 4 <= cols; p += 4) work += 4 * __builtin_popcountll(m[p] | m[p + 1] | m[p + 2] | m[p + 3]);
        for (; p < cols; p++) work += __builtin_popcountll(m[p]);
    }
    return work;
}

// MARK: z = x * w over the non-zero x

static void zero_rows(int rows, int n, float *z, int64_t ldz) {
    for (int i = 0; i < rows; i++) memset(z + (int64_t)i * ldz, 0, sizeof(float) * (size_t)n);
}

void nt_sparse_product_naive(
    int rows, int n, int k, const float *x, int64_t ldx, const float *w, int64_t ldw, float *z, int64_t ldz) {
    for (int i = 0; i < rows; i++) {
        for (int j = 0; j < n; j++) {
            float sum = 0;
            for (int p = 0; p < k; p++) sum = fmaf(x[(int64_t)i * ldx + p], w[(int64_t)p * ldw + j], sum);
            z[(int64_t)i * ldz + j] = sum;
        }
    }
}

static void product_portable(
    int rows, int n, int k, const float *x, int64_t ldx, const uint64_t *masks, const float *w, int64_t ldw,
    float *z, int64_t ldz) {
    zero_rows(rows, n, z, ldz);
    for (int p = 0; p < k; p++) {
        const float *wp = w + (int64_t)p * ldw;
        for (int b = 0; b < blocks_of(rows); b++) {
            for (uint64_t m = masks[(int64_t)b * k + p]; m; m &= m - 1) {
                int64_t i = 64 * b + __builtin_ctzll(m);
                float xv = x[i * ldx + p];
                float *zp = z + i * ldz;
                for (int j = 0; j < n; j++) zp[j] = fmaf(xv, wp[j], zp[j]);
            }
        }
    }
}

#ifdef NT_X86
/// Four input columns p..p+3 at a time (neighbouring pixels are mostly ink or background together):
/// each row that is non-zero in any of them loads and stores its z once for four fused
/// multiply-adds, p's first, as the dense order has them; a zero x adds exactly 0. On MNIST this
/// keeps the FMA units busy (measured: a third faster than one column at a time).
NT_AVX512 static void product_avx512(
    int rows, int n, int k, const float *x, int64_t ldx, const uint64_t *masks, const float *w, int64_t ldw,
    float *z, int64_t ldz) {
    zero_rows(rows, n, z, ldz);
    int blocks = blocks_of(rows);
    int p = 0;
    for (; p + 4 <= k; p += 4) {
        const float *w0 = w + (int64_t)p * ldw, *w1 = w0 + ldw, *w2 = w1 + ldw, *w3 = w2 + ldw;
        for (int b = 0; b < blocks; b++) {
            const uint64_t *mb = masks + (int64_t)b * k + p;
            uint64_t mask = mb[0] | mb[1] | mb[2] | mb[3];
            if (!mask) continue;
            const float *xb = x + (int64_t)64 * b * ldx + p;
            float *zb = z + (int64_t)64 * b * ldz;
            for (int j = 0; j < n; j += 16) {
                int left = n - j;
                __mmask16 t = left >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << left) - 1);
                if (left >= 64) {
                    // 64 columns: the four inputs' weights, 16 vectors, stay in registers.
                    __m512 a00 = _mm512_loadu_ps(w0 + j), a01 = _mm512_loadu_ps(w0 + j + 16);
                    __m512 a02 = _mm512_loadu_ps(w0 + j + 32), a03 = _mm512_loadu_ps(w0 + j + 48);
                    __m512 a10 = _mm512_loadu_ps(w1 + j), a11 = _mm512_loadu_ps(w1 + j + 16);
                    __m512 a12 = _mm512_loadu_ps(w1 + j + 32), a13 = _mm512_loadu_ps(w1 + j + 48);
                    __m512 a20 = _mm512_loadu_ps(w2 + j), a21 = _mm512_loadu_ps(w2 + j + 16);
                    __m512 a22 = _mm512_loadu_ps(w2 + j + 32), a23 = _mm512_loadu_ps(w2 + j + 48);
                    __m512 a30 = _mm512_loadu_ps(w3 + j), a31 = _mm512_loadu_ps(w3 + j + 16);
                    __m512 a32 = _mm512_loadu_ps(w3 + j + 32), a33 = _mm512_loadu_ps(w3 + j + 48);
                    for (uint64_t m = mask; m; m &= m - 1) {
                        int64_t i = __builtin_ctzll(m);
                        const float *xp = xb + i * ldx;
                        __m512 x0 = _mm512_set1_ps(xp[0]), x1 = _mm512_set1_ps(xp[1]);
                        __m512 x2 = _mm512_set1_ps(xp[2]), x3 = _mm512_set1_ps(xp[3]);
                        float *zp = zb + i * ldz + j;
#define NT_FOUR(offset, c0, c1, c2, c3)                                                                         \
    _mm512_storeu_ps(                                                                                          \
        zp + offset,                                                                                           \
        _mm512_fmadd_ps(                                                                                       \
            x3, c3, _mm512_fmadd_ps(x2, c2, _mm512_fmadd_ps(x1, c1, _mm512_fmadd_ps(x0, c0, _mm512_loadu_ps(zp + offset))))))
                        NT_FOUR(0, a00, a10, a20, a30);
                        NT_FOUR(16, a01, a11, a21, a31);
                        NT_FOUR(32, a02, a12, a22, a32);
                        NT_FOUR(48, a03, a13, a23, a33);
#undef NT_FOUR
                    }
                    j += 48;
                    continue;
                }
                __m512 c0 = _mm512_maskz_loadu_ps(t, w0 + j), c1 = _mm512_maskz_loadu_ps(t, w1 + j);
                __m512 c2 = _mm512_maskz_loadu_ps(t, w2 + j), c3 = _mm512_maskz_loadu_ps(t, w3 + j);
                for (uint64_t m = mask; m; m &= m - 1) {
                    int64_t i = __builtin_ctzll(m);
                    const float *xp = xb + i * ldx;
                    float *zp = zb + i * ldz + j;
                    __m512 v = _mm512_maskz_loadu_ps(t, zp);
                    v = _mm512_fmadd_ps(_mm512_set1_ps(xp[0]), c0, v);
                    v = _mm512_fmadd_ps(_mm512_set1_ps(xp[1]), c1, v);
                    v = _mm512_fmadd_ps(_mm512_set1_ps(xp[2]), c2, v);
                    v = _mm512_fmadd_ps(_mm512_set1_ps(xp[3]), c3, v);
                    _mm512_mask_storeu_ps(zp, t, v);
                }
            }
        }
    }
    for (; p < k; p++) {  // the last k % 4 columns one at a time
        const float *wp = w + (int64_t)p * ldw;
        for (int b = 0; b < blocks; b++) {
            uint64_t mask = masks[(int64_t)b * k + p];
            const float *xp = x + (int64_t)64 * b * ldx + p;
            float *zb = z + (int64_t)64 * b * ldz;
            for (int j = 0; j < n; j += 16) {
                int left = n - j;
                __mmask16 t = left >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << left) - 1);
                __m512 wv = _mm512_maskz_loadu_ps(t, wp + j);
                for (uint64_t m = mask; m; m &= m - 1) {
                    int64_t i = __builtin_ctzll(m);
                    float *zp = zb + i * ldz + j;
                    _mm512_mask_storeu_ps(
                        zp, t, _mm512_fmadd_ps(_mm512_set1_ps(xp[i * ldx]), wv, _mm512_maskz_loadu_ps(t, zp)));
                }
            }
        }
    }
}

NT_AVX2 static void product_avx2(
    int rows, int n, int k, const float *x, int64_t ldx, const uint64_t *masks, const float *w, int64_t ldw,
    float *z, int64_t ldz) {
    zero_rows(rows, n, z, ldz);
    for (int p = 0; p < k; p++) {
        const float *wp = w + (int64_t)p * ldw;
        for (int b = 0; b < blocks_of(rows); b++) {
            uint64_t mask = masks[(int64_t)b * k + p];
            if (!mask) continue;
            const float *xp = x + (int64_t)64 * b * ldx + p;
            float *zb = z + (int64_t)64 * b * ldz;
            int j = 0;
            for (; j + 32 <= n; j += 32) {
                __m256 w0 = _mm256_loadu_ps(wp + j), w1 = _mm256_loadu_ps(wp + j + 8);
                __m256 w2 = _mm256_loadu_ps(wp + j + 16), w3 = _mm256_loadu_ps(wp + j + 24);
                for (uint64_t m = mask; m; m &= m - 1) {
                    int64_t i = __builtin_ctzll(m);
                    __m256 xv = _mm256_set1_ps(xp[i * ldx]);
                    float *zp = zb + i * ldz + j;
                    _mm256_storeu_ps(zp, _mm256_fmadd_ps(xv, w0, _mm256_loadu_ps(zp)));
                    _mm256_storeu_ps(zp + 8, _mm256_fmadd_ps(xv, w1, _mm256_loadu_ps(zp + 8)));
                    _mm256_storeu_ps(zp + 16, _mm256_fmadd_ps(xv, w2, _mm256_loadu_ps(zp + 16)));
                    _mm256_storeu_ps(zp + 24, _mm256_fmadd_ps(xv, w3, _mm256_loadu_ps(zp + 24)));
                }
            }
            for (; j < n; j++) {  // the last few columns one at a time
                for (uint64_t m = mask; m; m &= m - 1) {
                    int64_t i = __builtin_ctzll(m);
                    float *zp = zb + i * ldz + j;
                    *zp = fmaf(xp[i * ldx], wp[j], *zp);
                }
            }
        }
    }
}
#endif

void nt_sparse_product(
    int rows, int n, int k, const float *x, int64_t ldx, const uint64_t *masks, const float *w, int64_t ldw,
    float *z, int64_t ldz) {
    switch (nt_active_path()) {
#ifdef NT_X86
    case NT_PATH_AVX512: product_avx512(rows, n, k, x, ldx, masks, w, ldw, z, ldz); return;
    case NT_PATH_AVX2: product_avx2(rows, n, k, x, ldx, masks, w, ldw, z, ldz); return;
#endif
    default: product_portable(rows, n, k, x, ldx, masks, w, ldw, z, ldz); return;
    }
}

// MARK: c = alpha * x^T * dz + beta * c over the non-zero x

void nt_sparse_transposed_product_naive(
    int rows, int n, int k, const float *x, int64_t ldx, const float *dz, int64_t lddz, float alpha, float beta,
    float *c, int64_t ldc) {
    for (int p = 0; p < k; p++) {
        for (int j = 0; j < n; j++) {
            float g = 0;
            for (int i = 0; i < rows; i++) g = fmaf(x[(int64_t)i * ldx + p], dz[(int64_t)i * lddz + j], g);
            float *cp = c + (int64_t)p * ldc + j;
            *cp = fmaf(alpha, g, beta * *cp);
        }
    }
}

/// Whether column p of x has any non-zero entry.
static inline int column_used(const uint64_t *masks, int blocks, int k, int p) {
    uint64_t any = 0;
    for (int b = 0; b < blocks; b++) any |= masks[(int64_t)b * k + p];
    return any != 0;
}

static void transposed_portable(
    int rows, int n, int k, const float *x, int64_t ldx, const uint64_t *masks, const float *dz, int64_t lddz,
    float alpha, float beta, float *c, int64_t ldc) {
    int blocks = blocks_of(rows);
    float g[64];
    for (int p = 0; p < k; p++) {
        float *cp = c + (int64_t)p * ldc;
        if (!column_used(masks, blocks, k, p)) {
            if (beta != 1.0f)
                for (int j = 0; j < n; j++) cp[j] = fmaf(alpha, 0.0f, beta * cp[j]);
            continue;
        }
        for (int j0 = 0; j0 < n; j0 += 64) {
            int width = n - j0 < 64 ? n - j0 : 64;
            for (int j = 0; j < width; j++) g[j] = 0;
            for (int b = 0; b < blocks; b++) {
                for (uint64_t m = masks[(int64_t)b * k + p]; m; m &= m - 1) {
                    int64_t i = 64 * b + __builtin_ctzll(m);
                    float xv = x[i * ldx + p];
                    const float *d = dz + i * lddz + j0;
                    for (int j = 0; j < width; j++) g[j] = fmaf(xv, d[j], g[j]);
                }
            }
            for (int j = 0; j < width; j++) cp[j0 + j] = fmaf(alpha, g[j], beta * cp[j0 + j]);
        }
    }
}

#ifdef NT_X86
/// c = fma(alpha, g, beta * c) for 16 columns of one row of c (t masks the tail).
NT_AVX512 static inline void finish_row(float *cp, __mmask16 t, __m512 a, __m512 be, __m512 g) {
    _mm512_mask_storeu_ps(cp, t, _mm512_fmadd_ps(a, g, _mm512_mul_ps(be, _mm512_maskz_loadu_ps(t, cp))));
}

/// Four rows of c (input columns p..p+3) at a time: each batch row non-zero in any of the four
/// loads its dz once for all four gradients. A zero x adds exactly 0: the sums are the dense order's.
NT_AVX512 static void transposed_avx512(
    int rows, int n, int k, const float *x, int64_t ldx, const uint64_t *masks, const float *dz, int64_t lddz,
    float alpha, float beta, float *c, int64_t ldc) {
    int blocks = blocks_of(rows);
    const __m512 a = _mm512_set1_ps(alpha), be = _mm512_set1_ps(beta);
    int p = 0;
    for (; p + 4 <= k; p += 4) {
        float *c0 = c + (int64_t)p * ldc, *c1 = c0 + ldc, *c2 = c1 + ldc, *c3 = c2 + ldc;
        uint64_t any = 0;
        for (int b = 0; b < blocks; b++) {
            const uint64_t *mb = masks + (int64_t)b * k + p;
            any |= mb[0] | mb[1] | mb[2] | mb[3];
        }
        if (!any) {  // nothing to add: c = fma(alpha, 0, beta * c), as for any other row
            if (beta != 1.0f)
                for (int q = 0; q < 4; q++)
                    for (int j = 0; j < n; j += 16) {
                        int left = n - j;
                        __mmask16 t = left >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << left) - 1);
                        finish_row(c0 + q * ldc + j, t, a, be, _mm512_setzero_ps());
                    }
            continue;
        }
        for (int j = 0; j < n; j += 16) {
            int left = n - j;
            __mmask16 t = left >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << left) - 1);
            if (left >= 64) {
                // 64 columns: sixteen gradient vectors in registers over the batch's rows.
                __m512 g00 = _mm512_setzero_ps(), g01 = g00, g02 = g00, g03 = g00, g10 = g00, g11 = g00;
                __m512 g12 = g00, g13 = g00, g20 = g00, g21 = g00, g22 = g00, g23 = g00, g30 = g00, g31 = g00;
                __m512 g32 = g00, g33 = g00;
                for (int b = 0; b < blocks; b++) {
                    const uint64_t *mb = masks + (int64_t)b * k + p;
                    const float *xb = x + (int64_t)64 * b * ldx + p;
                    const float *db = dz + (int64_t)64 * b * lddz + j;
                    for (uint64_t m = mb[0] | mb[1] | mb[2] | mb[3]; m; m &= m - 1) {
                        int64_t i = __builtin_ctzll(m);
                        const float *xp = xb + i * ldx, *d = db + i * lddz;
                        __m512 x0 = _mm512_set1_ps(xp[0]), x1 = _mm512_set1_ps(xp[1]);
                        __m512 x2 = _mm512_set1_ps(xp[2]), x3 = _mm512_set1_ps(xp[3]);
                        __m512 d0 = _mm512_loadu_ps(d), d1 = _mm512_loadu_ps(d + 16);
                        __m512 d2 = _mm512_loadu_ps(d + 32), d3 = _mm512_loadu_ps(d + 48);
                        g00 = _mm512_fmadd_ps(x0, d0, g00); g01 = _mm512_fmadd_ps(x0, d1, g01);
                        g02 = _mm512_fmadd_ps(x0, d2, g02); g03 = _mm512_fmadd_ps(x0, d3, g03);
                        g10 = _mm512_fmadd_ps(x1, d0, g10); g11 = _mm512_fmadd_ps(x1, d1, g11);
                        g12 = _mm512_fmadd_ps(x1, d2, g12); g13 = _mm512_fmadd_ps(x1, d3, g13);
                        g20 = _mm512_fmadd_ps(x2, d0, g20); g21 = _mm512_fmadd_ps(x2, d1, g21);
                        g22 = _mm512_fmadd_ps(x2, d2, g22); g23 = _mm512_fmadd_ps(x2, d3, g23);
                        g30 = _mm512_fmadd_ps(x3, d0, g30); g31 = _mm512_fmadd_ps(x3, d1, g31);
                        g32 = _mm512_fmadd_ps(x3, d2, g32); g33 = _mm512_fmadd_ps(x3, d3, g33);
                    }
                }
                finish_row(c0 + j, t, a, be, g00); finish_row(c0 + j + 16, t, a, be, g01);
                finish_row(c0 + j + 32, t, a, be, g02); finish_row(c0 + j + 48, t, a, be, g03);
                finish_row(c1 + j, t, a, be, g10); finish_row(c1 + j + 16, t, a, be, g11);
                finish_row(c1 + j + 32, t, a, be, g12); finish_row(c1 + j + 48, t, a, be, g13);
                finish_row(c2 + j, t, a, be, g20); finish_row(c2 + j + 16, t, a, be, g21);
                finish_row(c2 + j + 32, t, a, be, g22); finish_row(c2 + j + 48, t, a, be, g23);
                finish_row(c3 + j, t, a, be, g30); finish_row(c3 + j + 16, t, a, be, g31);
                finish_row(c3 + j + 32, t, a, be, g32); finish_row(c3 + j + 48, t, a, be, g33);
                j += 48;
                continue;
            }
            __m512 g0 = _mm512_setzero_ps(), g1 = g0, g2 = g0, g3 = g0;
            for (int b = 0; b < blocks; b++) {
                const uint64_t *mb = masks + (int64_t)b * k + p;
                const float *xb = x + (int64_t)64 * b * ldx + p;
                const float *db = dz + (int64_t)64 * b * lddz + j;
                for (uint64_t m = mb[0] | mb[1] | mb[2] | mb[3]; m; m &= m - 1) {
                    int64_t i = __builtin_ctzll(m);
                    const float *xp = xb + i * ldx;
                    __m512 d = _mm512_maskz_loadu_ps(t, db + i * lddz);
                    g0 = _mm512_fmadd_ps(_mm512_set1_ps(xp[0]), d, g0);
                    g1 = _mm512_fmadd_ps(_mm512_set1_ps(xp[1]), d, g1);
                    g2 = _mm512_fmadd_ps(_mm512_set1_ps(xp[2]), d, g2);
                    g3 = _mm512_fmadd_ps(_mm512_set1_ps(xp[3]), d, g3);
                }
            }
            finish_row(c0 + j, t, a, be, g0);
            finish_row(c1 + j, t, a, be, g1);
            finish_row(c2 + j, t, a, be, g2);
            finish_row(c3 + j, t, a, be, g3);
        }
    }
    for (; p < k; p++) {  // the last k % 4 rows of c one at a time
        float *cp = c + (int64_t)p * ldc;
        if (!column_used(masks, blocks, k, p) && beta == 1.0f) continue;
        for (int j = 0; j < n; j += 16) {
            int left = n - j;
            __mmask16 t = left >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << left) - 1);
            __m512 g = _mm512_setzero_ps();
            for (int b = 0; b < blocks; b++) {
                const float *xp = x + (int64_t)64 * b * ldx + p;
                const float *db = dz + (int64_t)64 * b * lddz + j;
                for (uint64_t m = masks[(int64_t)b * k + p]; m; m &= m - 1) {
                    int64_t i = __builtin_ctzll(m);
                    g = _mm512_fmadd_ps(_mm512_set1_ps(xp[i * ldx]), _mm512_maskz_loadu_ps(t, db + i * lddz), g);
                }
            }
            finish_row(cp + j, t, a, be, g);
        }
    }
}

NT_AVX2 static void transposed_avx2(
    int rows, int n, int k, const float *x, int64_t ldx, const uint64_t *masks, const float *dz, int64_t lddz,
    float alpha, float beta, float *c, int64_t ldc) {
    int blocks = blocks_of(rows);
    const __m256 a = _mm256_set1_ps(alpha), be = _mm256_set1_ps(beta);
    for (int p = 0; p < k; p++) {
        float *cp = c + (int64_t)p * ldc;
        if (!column_used(masks, blocks, k, p) && beta == 1.0f) continue;  // else the loops below add 0
        int j = 0;
        for (; j + 32 <= n; j += 32) {
            __m256 g0 = _mm256_setzero_ps(), g1 = _mm256_setzero_ps();
            __m256 g2 = _mm256_setzero_ps(), g3 = _mm256_setzero_ps();
            for (int b = 0; b < blocks; b++) {
                const float *xp = x + (int64_t)64 * b * ldx + p;
                const float *db = dz + (int64_t)64 * b * lddz + j;
                for (uint64_t m = masks[(int64_t)b * k + p]; m; m &= m - 1) {
                    int64_t i = __builtin_ctzll(m);
                    __m256 xv = _mm256_set1_ps(xp[i * ldx]);
                    const float *d = db + i * lddz;
                    g0 = _mm256_fmadd_ps(xv, _mm256_loadu_ps(d), g0);
                    g1 = _mm256_fmadd_ps(xv, _mm256_loadu_ps(d + 8), g1);
                    g2 = _mm256_fmadd_ps(xv, _mm256_loadu_ps(d + 16), g2);
                    g3 = _mm256_fmadd_ps(xv, _mm256_loadu_ps(d + 24), g3);
                }
            }
            _mm256_storeu_ps(cp + j, _mm256_fmadd_ps(a, g0, _mm256_mul_ps(be, _mm256_loadu_ps(cp + j))));
            _mm256_storeu_ps(cp + j + 8, _mm256_fmadd_ps(a, g1, _mm256_mul_ps(be, _mm256_loadu_ps(cp + j + 8))));
            _mm256_storeu_ps(cp + j + 16, _mm256_fmadd_ps(a, g2, _mm256_mul_ps(be, _mm256_loadu_ps(cp + j + 16))));
            _mm256_storeu_ps(cp + j + 24, _mm256_fmadd_ps(a, g3, _mm256_mul_ps(be, _mm256_loadu_ps(cp + j + 24))));
        }
        for (; j < n; j++) {
            float g = 0;
            for (int b = 0; b < blocks; b++) {
                for (uint64_t m = masks[(int64_t)b * k + p]; m; m &= m - 1) {
                    int64_t i = 64 * b + __builtin_ctzll(m);
                    g = fmaf(x[i * ldx + p], dz[i * lddz + j], g);
                }
            }
            cp[j] = fmaf(alpha, g, beta * cp[j]);
        }
    }
}
#endif

void nt_sparse_transposed_product(
    int rows, int n, int k, const float *x, int64_t ldx, const uint64_t *masks, const float *dz, int64_t lddz,
    float alpha, float beta, float *c, int64_t ldc) {
    switch (nt_active_path()) {
#ifdef NT_X86
    case NT_PATH_AVX512: transposed_avx512(rows, n, k, x, ldx, masks, dz, lddz, alpha, beta, c, ldc); return;
    case NT_PATH_AVX2: transposed_avx2(rows, n, k, x, ldx, masks, dz, lddz, alpha, beta, c, ldc); return;
#endif
    default: transposed_portable(rows, n, k, x, ldx, masks, dz, lddz, alpha, beta, c, ldc); return;
    }
}

// MARK: Bytes to floats in [0, 1]

void nt_bytes_to_unit_floats_naive(const uint8_t *bytes, float *out, int64_t count) {
    for (int64_t i = 0; i < count; i++) out[i] = (float)bytes[i] / 255.0f;
}

#ifdef NT_X86
// b / 255 without a division (a vector division costs ten cycles or more): q = b * (1/255),
// then one Newton correction with the exact remainder b - 255q (a fused multiply-add) gives the
// correctly rounded quotient; the tests check all 256 bytes against b / 255.
NT_AVX512 static void bytes_avx512(const uint8_t *bytes, float *out, int64_t count) {
    const __m512 d = _mm512_set1_ps(255.0f), r = _mm512_set1_ps(1.0f / 255.0f);
    int64_t i = 0;
    for (; i + 16 <= count; i += 16) {
        __m512 b = _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)(bytes + i))));
        __m512 q = _mm512_mul_ps(b, r);
        __m512 remainder = _mm512_fnmadd_ps(q, d, b);
        _mm512_storeu_ps(out + i, _mm512_fmadd_ps(remainder, r, q));
    }
    for (; i < count; i++) out[i] = (float)bytes[i] / 255.0f;
}

NT_AVX2 static void bytes_avx2(const uint8_t *bytes, float *out, int64_t count) {
    const __m256 d = _mm256_set1_ps(255.0f), r = _mm256_set1_ps(1.0f / 255.0f);
    int64_t i = 0;
    for (; i + 8 <= count; i += 8) {
        __m256 b = _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(bytes + i))));
        __m256 q = _mm256_mul_ps(b, r);
        _mm256_storeu_ps(out + i, _mm256_fmadd_ps(_mm256_fnmadd_ps(q, d, b), r, q));
    }
    for (; i < count; i++) out[i] = (float)bytes[i] / 255.0f;
}
#endif

void nt_bytes_to_unit_floats(const uint8_t *bytes, float *out, int64_t count) {
    switch (nt_active_path()) {
#ifdef NT_X86
    case NT_PATH_AVX512: bytes_avx512(bytes, out, count); return;
    case NT_PATH_AVX2: bytes_avx2(bytes, out, count); return;
#endif
    default: nt_bytes_to_unit_floats_naive(bytes, out, count); return;
    }
}

void nt_prefetch(const void *address, int64_t bytes) {
    const char *start = (const char *)address;
    for (int64_t offset = 0; offset < bytes; offset += 64) __builtin_prefetch(start + offset, 0, 3);
}

int nt_flush_denormals(int on) {
#ifdef NT_X86
    const unsigned int modes = 0x8040;  // MXCSR: flush to zero (bit 15), denormals are zero (bit 6)
    unsigned int state = _mm_getcsr();
    _mm_setcsr(on ? (state | modes) : (state & ~modes));
    return (state & modes) == modes;
#else
    (void)on;
    return 0;
#endif
}
