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
/// Two input columns p and p + 1 at a time (neighbouring pixels are mostly ink or background
/// together): each row that is non-zero in either loads and stores its z once for two fused
/// multiply-adds, p's then p + 1's, as the dense order has them. A zero x adds exactly 0.
NT_AVX512 static void product_avx512(
    int rows, int n, int k, const float *x, int64_t ldx, const uint64_t *masks, const float *w, int64_t ldw,
    float *z, int64_t ldz) {
    zero_rows(rows, n, z, ldz);
    for (int p = 0; p < k; p += 2) {
        int pair = p + 1 < k;
        const float *wa = w + (int64_t)p * ldw, *wb = wa + (pair ? ldw : 0);
        for (int b = 0; b < blocks_of(rows); b++) {
            uint64_t ma = masks[(int64_t)b * k + p], mb = pair ? masks[(int64_t)b * k + p + 1] : 0;
            uint64_t mask = ma | mb;
            if (!mask) continue;
            const float *xp = x + (int64_t)64 * b * ldx + p;
            float *zb = z + (int64_t)64 * b * ldz;
            int j = 0;
            if (!pair || !mb || !ma) {  // one column has all the non-zeros here
                const float *wp = ma ? wa : wb;
                const float *xq = ma ? xp : xp + 1;
                for (; j + 64 <= n; j += 64) {
                    __m512 w0 = _mm512_loadu_ps(wp + j), w1 = _mm512_loadu_ps(wp + j + 16);
                    __m512 w2 = _mm512_loadu_ps(wp + j + 32), w3 = _mm512_loadu_ps(wp + j + 48);
                    for (uint64_t m = mask; m; m &= m - 1) {
                        int64_t i = __builtin_ctzll(m);
                        __m512 xv = _mm512_set1_ps(xq[i * ldx]);
                        float *zp = zb + i * ldz + j;
                        _mm512_storeu_ps(zp, _mm512_fmadd_ps(xv, w0, _mm512_loadu_ps(zp)));
                        _mm512_storeu_ps(zp + 16, _mm512_fmadd_ps(xv, w1, _mm512_loadu_ps(zp + 16)));
                        _mm512_storeu_ps(zp + 32, _mm512_fmadd_ps(xv, w2, _mm512_loadu_ps(zp + 32)));
                        _mm512_storeu_ps(zp + 48, _mm512_fmadd_ps(xv, w3, _mm512_loadu_ps(zp + 48)));
                    }
                }
                for (; j < n; j += 16) {
                    int left = n - j;
                    __mmask16 t = left >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << left) - 1);
                    __m512 wv = _mm512_maskz_loadu_ps(t, wp + j);
                    for (uint64_t m = mask; m; m &= m - 1) {
                        int64_t i = __builtin_ctzll(m);
                        float *zp = zb + i * ldz + j;
                        __m512 zv = _mm512_fmadd_ps(_mm512_set1_ps(xq[i * ldx]), wv, _mm512_maskz_loadu_ps(t, zp));
                        _mm512_mask_storeu_ps(zp, t, zv);
                    }
                }
                continue;
            }
            for (; j + 64 <= n; j += 64) {
                __m512 a0 = _mm512_loadu_ps(wa + j), a1 = _mm512_loadu_ps(wa + j + 16);
                __m512 a2 = _mm512_loadu_ps(wa + j + 32), a3 = _mm512_loadu_ps(wa + j + 48);
                __m512 b0 = _mm512_loadu_ps(wb + j), b1 = _mm512_loadu_ps(wb + j + 16);
                __m512 b2 = _mm512_loadu_ps(wb + j + 32), b3 = _mm512_loadu_ps(wb + j + 48);
                for (uint64_t m = mask; m; m &= m - 1) {
                    int64_t i = __builtin_ctzll(m);
                    __m512 xa = _mm512_set1_ps(xp[i * ldx]), xb = _mm512_set1_ps(xp[i * ldx + 1]);
                    float *zp = zb + i * ldz + j;
                    _mm512_storeu_ps(zp, _mm512_fmadd_ps(xb, b0, _mm512_fmadd_ps(xa, a0, _mm512_loadu_ps(zp))));
                    _mm512_storeu_ps(
                        zp + 16, _mm512_fmadd_ps(xb, b1, _mm512_fmadd_ps(xa, a1, _mm512_loadu_ps(zp + 16))));
                    _mm512_storeu_ps(
                        zp + 32, _mm512_fmadd_ps(xb, b2, _mm512_fmadd_ps(xa, a2, _mm512_loadu_ps(zp + 32))));
                    _mm512_storeu_ps(
                        zp + 48, _mm512_fmadd_ps(xb, b3, _mm512_fmadd_ps(xa, a3, _mm512_loadu_ps(zp + 48))));
                }
            }
            for (; j < n; j += 16) {
                int left = n - j;
                __mmask16 t = left >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << left) - 1);
                __m512 av = _mm512_maskz_loadu_ps(t, wa + j), bv = _mm512_maskz_loadu_ps(t, wb + j);
                for (uint64_t m = mask; m; m &= m - 1) {
                    int64_t i = __builtin_ctzll(m);
                    float *zp = zb + i * ldz + j;
                    __m512 zv = _mm512_fmadd_ps(_mm512_set1_ps(xp[i * ldx]), av, _mm512_maskz_loadu_ps(t, zp));
                    zv = _mm512_fmadd_ps(_mm512_set1_ps(xp[i * ldx + 1]), bv, zv);
                    _mm512_mask_storeu_ps(zp, t, zv);
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
/// Two rows of c (input columns p and p + 1) at a time: each batch row non-zero in either loads its
/// dz once for both gradients. A zero x adds exactly 0, so the sums are the dense order's.
NT_AVX512 static void transposed_avx512(
    int rows, int n, int k, const float *x, int64_t ldx, const uint64_t *masks, const float *dz, int64_t lddz,
    float alpha, float beta, float *c, int64_t ldc) {
    int blocks = blocks_of(rows);
    const __m512 a = _mm512_set1_ps(alpha), be = _mm512_set1_ps(beta);
    for (int p = 0; p < k; p += 2) {
        int pair = p + 1 < k;
        int usedA = column_used(masks, blocks, k, p), usedB = pair && column_used(masks, blocks, k, p + 1);
        float *ca = c + (int64_t)p * ldc, *cb = ca + ldc;
        if (!usedA && beta != 1.0f)
            for (int j = 0; j < n; j++) ca[j] = fmaf(alpha, 0.0f, beta * ca[j]);
        if (pair && !usedB && beta != 1.0f)
            for (int j = 0; j < n; j++) cb[j] = fmaf(alpha, 0.0f, beta * cb[j]);
        if (!usedA && !usedB) continue;
        if (!usedA || !usedB) {  // one row of c on its own
            int q = usedA ? p : p + 1;
            float *cp = usedA ? ca : cb;
            int j = 0;
            for (; j + 64 <= n; j += 64) {
                __m512 g0 = _mm512_setzero_ps(), g1 = _mm512_setzero_ps();
                __m512 g2 = _mm512_setzero_ps(), g3 = _mm512_setzero_ps();
                for (int b = 0; b < blocks; b++) {
                    const float *xp = x + (int64_t)64 * b * ldx + q;
                    const float *db = dz + (int64_t)64 * b * lddz + j;
                    for (uint64_t m = masks[(int64_t)b * k + q]; m; m &= m - 1) {
                        int64_t i = __builtin_ctzll(m);
                        __m512 xv = _mm512_set1_ps(xp[i * ldx]);
                        const float *d = db + i * lddz;
                        g0 = _mm512_fmadd_ps(xv, _mm512_loadu_ps(d), g0);
                        g1 = _mm512_fmadd_ps(xv, _mm512_loadu_ps(d + 16), g1);
                        g2 = _mm512_fmadd_ps(xv, _mm512_loadu_ps(d + 32), g2);
                        g3 = _mm512_fmadd_ps(xv, _mm512_loadu_ps(d + 48), g3);
                    }
                }
                _mm512_storeu_ps(cp + j, _mm512_fmadd_ps(a, g0, _mm512_mul_ps(be, _mm512_loadu_ps(cp + j))));
                _mm512_storeu_ps(cp + j + 16, _mm512_fmadd_ps(a, g1, _mm512_mul_ps(be, _mm512_loadu_ps(cp + j + 16))));
                _mm512_storeu_ps(cp + j + 32, _mm512_fmadd_ps(a, g2, _mm512_mul_ps(be, _mm512_loadu_ps(cp + j + 32))));
                _mm512_storeu_ps(cp + j + 48, _mm512_fmadd_ps(a, g3, _mm512_mul_ps(be, _mm512_loadu_ps(cp + j + 48))));
            }
            for (; j < n; j += 16) {
                int left = n - j;
                __mmask16 t = left >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << left) - 1);
                __m512 g = _mm512_setzero_ps();
                for (int b = 0; b < blocks; b++) {
                    const float *xp = x + (int64_t)64 * b * ldx + q;
                    const float *db = dz + (int64_t)64 * b * lddz + j;
                    for (uint64_t m = masks[(int64_t)b * k + q]; m; m &= m - 1) {
                        int64_t i = __builtin_ctzll(m);
                        g = _mm512_fmadd_ps(_mm512_set1_ps(xp[i * ldx]), _mm512_maskz_loadu_ps(t, db + i * lddz), g);
                    }
                }
                _mm512_mask_storeu_ps(
                    cp + j, t, _mm512_fmadd_ps(a, g, _mm512_mul_ps(be, _mm512_maskz_loadu_ps(t, cp + j))));
            }
            continue;
        }
        int j = 0;
        for (; j + 64 <= n; j += 64) {
            __m512 ga0 = _mm512_setzero_ps(), ga1 = _mm512_setzero_ps(), ga2 = _mm512_setzero_ps();
            __m512 ga3 = _mm512_setzero_ps(), gb0 = _mm512_setzero_ps(), gb1 = _mm512_setzero_ps();
            __m512 gb2 = _mm512_setzero_ps(), gb3 = _mm512_setzero_ps();
            for (int b = 0; b < blocks; b++) {
                const float *xp = x + (int64_t)64 * b * ldx + p;
                const float *db = dz + (int64_t)64 * b * lddz + j;
                for (uint64_t m = masks[(int64_t)b * k + p] | masks[(int64_t)b * k + p + 1]; m; m &= m - 1) {
                    int64_t i = __builtin_ctzll(m);
                    __m512 xa = _mm512_set1_ps(xp[i * ldx]), xb = _mm512_set1_ps(xp[i * ldx + 1]);
                    const float *d = db + i * lddz;
                    __m512 d0 = _mm512_loadu_ps(d), d1 = _mm512_loadu_ps(d + 16);
                    __m512 d2 = _mm512_loadu_ps(d + 32), d3 = _mm512_loadu_ps(d + 48);
                    ga0 = _mm512_fmadd_ps(xa, d0, ga0);
                    ga1 = _mm512_fmadd_ps(xa, d1, ga1);
                    ga2 = _mm512_fmadd_ps(xa, d2, ga2);
                    ga3 = _mm512_fmadd_ps(xa, d3, ga3);
                    gb0 = _mm512_fmadd_ps(xb, d0, gb0);
                    gb1 = _mm512_fmadd_ps(xb, d1, gb1);
                    gb2 = _mm512_fmadd_ps(xb, d2, gb2);
                    gb3 = _mm512_fmadd_ps(xb, d3, gb3);
                }
            }
            _mm512_storeu_ps(ca + j, _mm512_fmadd_ps(a, ga0, _mm512_mul_ps(be, _mm512_loadu_ps(ca + j))));
            _mm512_storeu_ps(ca + j + 16, _mm512_fmadd_ps(a, ga1, _mm512_mul_ps(be, _mm512_loadu_ps(ca + j + 16))));
            _mm512_storeu_ps(ca + j + 32, _mm512_fmadd_ps(a, ga2, _mm512_mul_ps(be, _mm512_loadu_ps(ca + j + 32))));
            _mm512_storeu_ps(ca + j + 48, _mm512_fmadd_ps(a, ga3, _mm512_mul_ps(be, _mm512_loadu_ps(ca + j + 48))));
            _mm512_storeu_ps(cb + j, _mm512_fmadd_ps(a, gb0, _mm512_mul_ps(be, _mm512_loadu_ps(cb + j))));
            _mm512_storeu_ps(cb + j + 16, _mm512_fmadd_ps(a, gb1, _mm512_mul_ps(be, _mm512_loadu_ps(cb + j + 16))));
            _mm512_storeu_ps(cb + j + 32, _mm512_fmadd_ps(a, gb2, _mm512_mul_ps(be, _mm512_loadu_ps(cb + j + 32))));
            _mm512_storeu_ps(cb + j + 48, _mm512_fmadd_ps(a, gb3, _mm512_mul_ps(be, _mm512_loadu_ps(cb + j + 48))));
        }
        for (; j < n; j += 16) {
            int left = n - j;
            __mmask16 t = left >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << left) - 1);
            __m512 ga = _mm512_setzero_ps(), gb = _mm512_setzero_ps();
            for (int b = 0; b < blocks; b++) {
                const float *xp = x + (int64_t)64 * b * ldx + p;
                const float *db = dz + (int64_t)64 * b * lddz + j;
                for (uint64_t m = masks[(int64_t)b * k + p] | masks[(int64_t)b * k + p + 1]; m; m &= m - 1) {
                    int64_t i = __builtin_ctzll(m);
                    __m512 d = _mm512_maskz_loadu_ps(t, db + i * lddz);
                    ga = _mm512_fmadd_ps(_mm512_set1_ps(xp[i * ldx]), d, ga);
                    gb = _mm512_fmadd_ps(_mm512_set1_ps(xp[i * ldx + 1]), d, gb);
                }
            }
            _mm512_mask_storeu_ps(ca + j, t, _mm512_fmadd_ps(a, ga, _mm512_mul_ps(be, _mm512_maskz_loadu_ps(t, ca + j))));
            _mm512_mask_storeu_ps(cb + j, t, _mm512_fmadd_ps(a, gb, _mm512_mul_ps(be, _mm512_maskz_loadu_ps(t, cb + j))));
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
        if (!column_used(masks, blocks, k, p)) {
            if (beta != 1.0f)
                for (int j = 0; j < n; j++) cp[j] = fmaf(alpha, 0.0f, beta * cp[j]);
            continue;
        }
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
