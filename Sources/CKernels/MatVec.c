// Block matrix-vector kernels for AVX + FMA + F16C machines. Same results as the Swift fast
// kernels up to rounding (they use fused multiply-adds and 8 lanes, not 4): each output row is
// computed whole by one call with an order that depends on nothing but the row, so any row
// partition over threads gives identical bits.
#include "CKernels.h"

#if defined(__x86_64__)
#include "Lanes.h"

// MARK: - Features

int ck_simd_level(void) {
    static int level = -1;
    if (level < 0) {
        __builtin_cpu_init();
        int avx = __builtin_cpu_supports("avx") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
        level = !avx ? 0 : (__builtin_cpu_supports("avx2") ? 2 : 1);
    }
    return level;
}

// MARK: - Q4_1

// The 16 nibble bytes as four 32-bit words, each in both halves of a 256-bit register; a float-
// domain AND keeps nibble 2k in lanes 0-3 and nibble 2k+1 in lanes 4-7 (value q·2^(4n), exact),
// converted to float and multiplied by the pre-scaled x group (x·2^(−4n)): exactly q·x before
// rounding. The top nibble is taken from the word shifted right by one so that it stays positive.
/// One block of row bytes `p` into the row's lane accumulator and offset sum (x0…x3: the block's
/// four pre-scaled x groups; b: the block index, for Σx).
#define Q4_1_BLOCK(p, acc, offsets)                                                               \
    {                                                                                             \
        __m128i w = _mm_loadu_si128((const __m128i *)((p) + 4));                                  \
        __m128 wf = _mm_castsi128_ps(w);                                                          \
        __m256 both = _mm256_insertf128_ps(_mm256_castps128_ps256(wf), wf, 1);                    \
        __m256 top = _mm256_insertf128_ps(_mm256_castps128_ps256(wf), _mm_castsi128_ps(_mm_srli_epi32(w, 1)), 1); \
        __m256 s = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_castps_si256(_mm256_and_ps(both, m0))), x0); \
        s = _mm256_fmadd_ps(_mm256_cvtepi32_ps(_mm256_castps_si256(_mm256_and_ps(both, m1))), x1, s); \
        s = _mm256_fmadd_ps(_mm256_cvtepi32_ps(_mm256_castps_si256(_mm256_and_ps(both, m2))), x2, s); \
        s = _mm256_fmadd_ps(_mm256_cvtepi32_ps(_mm256_castps_si256(_mm256_and_ps(top, m3))), x3, s); \
        acc = _mm256_fmadd_ps(s, _mm256_set1_ps(half(p)), acc);                                   \
        offsets += half((p) + 2) * block_sums[b];                                                 \
    }

AVX_FMA void ck_q4_1_rows(const uint8_t *base, size_t row_bytes, size_t blocks, const float *q41,
                          const float *block_sums, size_t r0, size_t r1, float *y, int accumulate) {
    const __m256 m0 = _mm256_castsi256_ps(_mm256_setr_epi32(0xF, 0xF, 0xF, 0xF, 0xF0, 0xF0, 0xF0, 0xF0));
    const __m256 m1 = _mm256_castsi256_ps(_mm256_setr_epi32(0xF00, 0xF00, 0xF00, 0xF00, 0xF000, 0xF000, 0xF000, 0xF000));
    const __m256 m2 = _mm256_castsi256_ps(_mm256_setr_epi32(0xF0000, 0xF0000, 0xF0000, 0xF0000,
                                                            0xF00000, 0xF00000, 0xF00000, 0xF00000));
    const __m256 m3 = _mm256_castsi256_ps(_mm256_setr_epi32(0xF000000, 0xF000000, 0xF000000, 0xF000000,
                                                            0x78000000, 0x78000000, 0x78000000, 0x78000000));
    for (size_t r = r0; r < r1; r++) {
        const uint8_t *p = base + r * row_bytes;
        const float *xb = q41;
        __m256 acc = _mm256_setzero_ps();
        float offsets = 0;
        for (size_t b = 0; b < blocks; b++, p += 20, xb += 32) {
            __m256 x0 = _mm256_loadu_ps(xb), x1 = _mm256_loadu_ps(xb + 8);
            __m256 x2 = _mm256_loadu_ps(xb + 16), x3 = _mm256_loadu_ps(xb + 24);
            Q4_1_BLOCK(p, acc, offsets)
        }
        float dot = hsum(acc) + offsets;
        y[r] = accumulate ? y[r] + dot : dot;
    }
}

// MARK: - Q8_0

/// 8 int8s at p, sign-extended and converted (AVX2: one vpmovsxbd).
AVX2_FMA static inline __m256 int8x8_avx2(const uint8_t *p) {
    return _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)p)));
}

/// 8 int8s at p, sign-extended in two SSE4.1 halves and joined (AVX without AVX2).
AVX_FMA static inline __m256 int8x8_avx(const uint8_t *p) {
    int lo, hi;
    __builtin_memcpy(&lo, p, 4);
    __builtin_memcpy(&hi, p + 4, 4);
    __m128i a = _mm_cvtepi8_epi32(_mm_cvtsi32_si128(lo)), b = _mm_cvtepi8_epi32(_mm_cvtsi32_si128(hi));
    return _mm256_cvtepi32_ps(_mm256_insertf128_si256(_mm256_castsi128_si256(a), b, 1));
}

#define Q8_0_BODY(convert)                                                                       \
    for (size_t r = r0; r < r1; r++) {                                                           \
        const uint8_t *p = base + r * row_bytes;                                                 \
        const float *xb = x;                                                                     \
        __m256 acc = _mm256_setzero_ps();                                                        \
        for (size_t b = 0; b < blocks; b++, p += 34, xb += 32) {                                 \
            __m256 s = _mm256_mul_ps(convert(p + 2), _mm256_loadu_ps(xb));                       \
            s = _mm256_fmadd_ps(convert(p + 10), _mm256_loadu_ps(xb + 8), s);                    \
            s = _mm256_fmadd_ps(convert(p + 18), _mm256_loadu_ps(xb + 16), s);                   \
            s = _mm256_fmadd_ps(convert(p + 26), _mm256_loadu_ps(xb + 24), s);                   \
            acc = _mm256_fmadd_ps(s, _mm256_set1_ps(half(p)), acc);                              \
        }                                                                                        \
        float dot = hsum(acc);                                                                   \
        y[r] = accumulate ? y[r] + dot : dot;                                                    \
    }

AVX2_FMA static void q8_0_avx2(const uint8_t *base, size_t row_bytes, size_t blocks, const float *x,
                               size_t r0, size_t r1, float *y, int accumulate) {
    Q8_0_BODY(int8x8_avx2)
}

AVX_FMA static void q8_0_avx(const uint8_t *base, size_t row_bytes, size_t blocks, const float *x,
                             size_t r0, size_t r1, float *y, int accumulate) {
    Q8_0_BODY(int8x8_avx)
}

void ck_q8_0_rows(const uint8_t *base, size_t row_bytes, size_t blocks, const float *x,
                  size_t r0, size_t r1, float *y, int accumulate, int level) {
    if (level >= 2) q8_0_avx2(base, row_bytes, blocks, x, r0, r1, y, accumulate);
    else q8_0_avx(base, row_bytes, blocks, x, r0, r1, y, accumulate);
}

#else  // not x86-64: no vector kernels; Numerics uses its portable Swift kernels.

int ck_simd_level(void) { return 0; }

void ck_q4_1_rows(const uint8_t *base, size_t row_bytes, size_t blocks, const float *q41,
                  const float *block_sums, size_t r0, size_t r1, float *y, int accumulate) {
    (void)base; (void)row_bytes; (void)blocks; (void)q41; (void)block_sums; (void)r0; (void)r1; (void)y; (void)accumulate;
    __builtin_trap();
}

void ck_q8_0_rows(const uint8_t *base, size_t row_bytes, size_t blocks, const float *x,
                  size_t r0, size_t r1, float *y, int accumulate, int level) {
    (void)base; (void)row_bytes; (void)blocks; (void)x; (void)r0; (void)r1; (void)y; (void)accumulate; (void)level;
    __builtin_trap();
}

#endif
