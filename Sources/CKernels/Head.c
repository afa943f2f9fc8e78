// The LM head of the training step read from the Q8_0 table itself (the tied token embedding, as
// GGUF files store it): logits = x · Eᵀ and dx = dlogits · E for the few rows that have targets.
//
// With 16 rows, OpenBLAS spends its time packing the 49152 × 576 Float32 table (113 MB) each way,
// ~40 GFLOP/s. Here each thread dequantizes a few table rows at a time into an L1 buffer (34 bytes
// per 32 values: a quarter of the bytes) and runs them against every input row. A table value is
// q · d, the same float Q8_0Format.dequantize makes, so only the order of the sums differs from
// a product with the Float32 table. Each output element is summed by one thread in a fixed order
// whatever range a call covers, so the bits do not depend on the thread count.
#include "CKernels.h"

#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>

#define AVX2 __attribute__((target("avx2,avx,fma,f16c")))

enum { BLOCK = 32, BLOCK_BYTES = 34 };

/// One Q8_0 block's 32 values, q · d as Q8_0Format.dequantize makes them: the first 16 to `lo`,
/// the last 16 to `hi`.
AVX2 static inline void dequantize_block(const uint8_t *block, float *lo, float *hi) {
    uint16_t bits;
    memcpy(&bits, block, sizeof bits);
    __m256 d = _mm256_set1_ps(_cvtsh_ss(bits));
    for (int h = 0; h < 4; h++) {
        __m256i q = _mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)(block + 2 + 8 * h)));
        _mm256_storeu_ps((h < 2 ? lo : hi) + 8 * (h % 2), _mm256_mul_ps(_mm256_cvtepi32_ps(q), d));
    }
}

/// All blocks of one Q8_0 row into floats.
AVX2 static void dequantize_row(const uint8_t *row, size_t blocks, float *out) {
    for (size_t b = 0; b < blocks; b++, out += BLOCK) dequantize_block(row + b * BLOCK_BYTES, out, out + 16);
}

// The backward is a product (R, V) · (V, C) with V = 49152 deep: the 6 × 16 outer-product
// micro-kernel of a BLIS-style GEMM, C's tile held in 12 registers over a block of KC table rows.
// The table rows are dequantized straight into 16-column panels (the B operand) and dlogits is
// packed into 6-row panels (the A operand); each thread owns whole Q8_0 blocks of C's columns, so
// it dequantizes only its part of each row.
enum { MR = 6, NR = 16, KC = 128 };

/// The 6 × 16 micro-kernel both products use: acc (row i's 16 columns in acc[2i], acc[2i+1]) =
/// Σ_k a(i, k) ⊗ b[k, :] over one packed B panel (b[k·NR + j]) of length kc, with A's element
/// (i, k) at a[i·si + k·sk] (a packed panel: si 1, sk MR; six rows of a buffer: si lda, sk 1).
/// Inlined at each call, so the strides are constants where they are.
AVX2 __attribute__((always_inline)) static inline void tile_6x16(size_t kc, const float *restrict a, size_t si, size_t sk,
                                                                 const float *restrict b, __m256 acc[2 * MR]) {
    __m256 c00 = _mm256_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
    __m256 c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
    const float *a0 = a, *a1 = a + si, *a2 = a + 2 * si, *a3 = a + 3 * si, *a4 = a + 4 * si, *a5 = a + 5 * si;
    for (size_t k = 0; k < kc; k++) {
        __m256 b0 = _mm256_load_ps(b), b1 = _mm256_load_ps(b + 8), x;
        x = _mm256_broadcast_ss(a0); c00 = _mm256_fmadd_ps(x, b0, c00); c01 = _mm256_fmadd_ps(x, b1, c01);
        x = _mm256_broadcast_ss(a1); c10 = _mm256_fmadd_ps(x, b0, c10); c11 = _mm256_fmadd_ps(x, b1, c11);
        x = _mm256_broadcast_ss(a2); c20 = _mm256_fmadd_ps(x, b0, c20); c21 = _mm256_fmadd_ps(x, b1, c21);
        x = _mm256_broadcast_ss(a3); c30 = _mm256_fmadd_ps(x, b0, c30); c31 = _mm256_fmadd_ps(x, b1, c31);
        x = _mm256_broadcast_ss(a4); c40 = _mm256_fmadd_ps(x, b0, c40); c41 = _mm256_fmadd_ps(x, b1, c41);
        x = _mm256_broadcast_ss(a5); c50 = _mm256_fmadd_ps(x, b0, c50); c51 = _mm256_fmadd_ps(x, b1, c51);
        a0 += sk; a1 += sk; a2 += sk; a3 += sk; a4 += sk; a5 += sk;
        b += NR;
    }
    acc[0] = c00; acc[1] = c01; acc[2] = c10; acc[3] = c11; acc[4] = c20; acc[5] = c21;
    acc[6] = c30; acc[7] = c31; acc[8] = c40; acc[9] = c41; acc[10] = c50; acc[11] = c51;
}

/// C tile (rows × 16, rows ≤ 6) = (first ? 0 : C) + the product of one packed A panel
/// (a[k·MR + i]) and one packed B panel of length kc.
AVX2 static void micro_kernel(size_t kc, const float *restrict a, const float *restrict b, float *c, size_t ldc,
                              size_t rows, int first) {
    __m256 acc[2 * MR];
    tile_6x16(kc, a, 1, MR, b, acc);
    for (size_t i = 0; i < rows; i++) {
        float *row = c + i * ldc;
        __m256 lo = acc[2 * i], hi = acc[2 * i + 1];
        if (!first) {
            lo = _mm256_add_ps(_mm256_loadu_ps(row), lo);
            hi = _mm256_add_ps(_mm256_loadu_ps(row + 8), hi);
        }
        _mm256_storeu_ps(row, lo);
        _mm256_storeu_ps(row + 8, hi);
    }
}

AVX2 static void backward_avx2(const uint8_t *base, size_t row_bytes, size_t blocks, const float *dlogits, size_t ldl,
                               size_t rows, size_t vocab, float *dx, size_t b0, size_t b1, float *scratch) {
    size_t c = blocks * BLOCK, panels = (b1 - b0) * BLOCK / NR, row_panels = (rows + MR - 1) / MR;
    float *packed_b = scratch, *packed_a = scratch + panels * NR * KC;   // both 32-byte aligned
    for (size_t k0 = 0; k0 < vocab; k0 += KC) {
        size_t kc = vocab - k0 < KC ? vocab - k0 : KC;
        // B: table rows k0 ..< k0 + kc, blocks b0 ..< b1, dequantized into panels (two per block)
        for (size_t k = 0; k < kc; k++) {
            const uint8_t *row = base + (k0 + k) * row_bytes;
            for (size_t b = b0; b < b1; b++) {
                float *panel = packed_b + 2 * (b - b0) * NR * kc + k * NR;
                dequantize_block(row + b * BLOCK_BYTES, panel, panel + NR * kc);
            }
        }
        // A: dlogits rows in 6-row panels, k-major, rows past `rows` zero
        for (size_t p = 0; p < row_panels; p++) {
            float *panel = packed_a + p * MR * kc;
            for (size_t k = 0; k < kc; k++) {
                for (size_t i = 0; i < MR; i++) {
                    size_t r = p * MR + i;
                    panel[k * MR + i] = r < rows ? dlogits[r * ldl + k0 + k] : 0;
                }
            }
        }
        for (size_t n = 0; n < panels; n++) {
            for (size_t p = 0; p < row_panels; p++) {
                size_t left = rows - p * MR;
                micro_kernel(kc, packed_a + p * MR * kc, packed_b + n * NR * kc, dx + p * MR * c + b0 * BLOCK + n * NR, c,
                             left < MR ? left : MR, k0 == 0);
            }
        }
    }
}

// The forward is the product logitsᵀ (V, R) = E (V, C) · xᵀ (C, R) with the same micro-kernel:
// six table rows dequantized into an L1 buffer are the A operand (broadcast straight from their
// rows, so they need no packing), xᵀ packed once per call into 16-column panels is B, and each
// 6 × 16 tile is written transposed into logits.

/// Tile (6 × 16) = Σ_k a_i[k] ⊗ b[k, :] over K = kc, a_i the six rows at a + i·lda, b one packed
/// panel; written transposed: logits[n·ldl + i] for i < rows, n < cols.
AVX2 static void transposed_kernel(size_t kc, const float *restrict a, size_t lda, const float *restrict b,
                                   float *logits, size_t ldl, size_t rows, size_t cols) {
    __m256 acc[2 * MR];
    tile_6x16(kc, a, lda, 1, b, acc);
    float tile[MR][NR];
    for (size_t i = 0; i < MR; i++) {
        _mm256_storeu_ps(tile[i], acc[2 * i]);
        _mm256_storeu_ps(tile[i] + 8, acc[2 * i + 1]);
    }
    for (size_t n = 0; n < cols; n++) {
        for (size_t i = 0; i < rows; i++) logits[n * ldl + i] = tile[i][n];
    }
}

AVX2 static void forward_avx2(const uint8_t *base, size_t row_bytes, size_t blocks, const float *x, size_t rows,
                              float *logits, size_t ldl, size_t j0, size_t j1, float *scratch) {
    size_t c = blocks * BLOCK, panels = (rows + NR - 1) / NR;
    float *packed_x = scratch, *table = scratch + panels * NR * c;   // both 32-byte aligned
    // B: xᵀ in 16-column panels, k-major; columns past `rows` zero
    for (size_t p = 0; p < panels; p++) {
        for (size_t k = 0; k < c; k++) {
            for (size_t n = 0; n < NR; n++) {
                size_t r = p * NR + n;
                packed_x[(p * c + k) * NR + n] = r < rows ? x[r * c + k] : 0;
            }
        }
    }
    for (size_t j = j0; j < j1; j += MR) {
        size_t nj = j1 - j < MR ? j1 - j : MR;
        for (size_t t = 0; t < MR; t++) {
            if (t < nj) dequantize_row(base + (j + t) * row_bytes, blocks, table + t * c);
            else memset(table + t * c, 0, sizeof(float) * c);
        }
        for (size_t p = 0; p < panels; p++) {
            size_t cols = rows - p * NR < NR ? rows - p * NR : NR;
            transposed_kernel(c, table, c, packed_x + p * c * NR, logits + p * NR * ldl + j, ldl, nj, cols);
        }
    }
}

int ck_q8_0_head_forward(const uint8_t *base, size_t row_bytes, size_t blocks, const float *x, size_t rows,
                         float *logits, size_t ldl, size_t j0, size_t j1) {
    if (rows == 0 || j0 >= j1) return 0;
    size_t c = blocks * BLOCK, panels = (rows + NR - 1) / NR;
    float *scratch = aligned_alloc(32, sizeof(float) * c * (panels * NR + MR));
    if (!scratch) return -1;
    forward_avx2(base, row_bytes, blocks, x, rows, logits, ldl, j0, j1, scratch);
    free(scratch);
    return 0;
}

int ck_q8_0_head_backward(const uint8_t *base, size_t row_bytes, size_t blocks, const float *dlogits, size_t ldl,
                          size_t rows, size_t vocab, float *dx, size_t b0, size_t b1) {
    if (rows == 0 || b0 >= b1) return 0;
    size_t panels = (b1 - b0) * BLOCK / NR, row_panels = (rows + MR - 1) / MR;
    float *scratch = aligned_alloc(32, sizeof(float) * KC * (panels * NR + row_panels * MR));
    if (!scratch) return -1;
    if (vocab == 0) {
        for (size_t i = 0; i < rows; i++) memset(dx + i * blocks * BLOCK + b0 * BLOCK, 0, sizeof(float) * (b1 - b0) * BLOCK);
    } else {
        backward_avx2(base, row_bytes, blocks, dlogits, ldl, rows, vocab, dx, b0, b1, scratch);
    }
    free(scratch);
    return 0;
}

#else

int ck_q8_0_head_forward(const uint8_t *base, size_t row_bytes, size_t blocks, const float *x, size_t rows,
                         float *logits, size_t ldl, size_t j0, size_t j1) {
    (void)base; (void)row_bytes; (void)blocks; (void)x; (void)rows; (void)logits; (void)ldl; (void)j0; (void)j1;
    __builtin_trap();
}

int ck_q8_0_head_backward(const uint8_t *base, size_t row_bytes, size_t blocks, const float *dlogits, size_t ldl,
                          size_t rows, size_t vocab, float *dx, size_t b0, size_t b1) {
    (void)base; (void)row_bytes; (void)blocks; (void)dlogits; (void)ldl; (void)rows; (void)vocab; (void)dx;
    (void)b0; (void)b1;
    __builtin_trap();
}

#endif
