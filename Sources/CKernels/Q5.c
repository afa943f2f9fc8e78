// Matrix-vector kernels for Q5_0 and Q5_1 (AVX2 + FMA + F16C), the 32-element formats llama.cpp
// writes wherever a K-quant mix meets a row width that is not a multiple of 256 (SmolLM2's 576:
// most of its Q4_K_M / Q5_K_M file). Each output row is computed whole by one call in an order
// that depends on nothing but the row, so any row split over threads gives identical bits.
#include "CKernels.h"

#if defined(__x86_64__)
#include "Lanes.h"

/// The 32 five-bit codes of one block as bytes 0…31 (element order): qs's low nibbles are elements
/// 0–15, its high nibbles 16–31, and bit j of qh is element j's fifth bit. Each qh byte k is
/// spread over bytes 8k…8k+7, kept where its bit (1 << (j % 8)) is set, and turned into 0x10.
AVX2_FMA static inline __m256i q5_codes(const uint8_t *qh, const uint8_t *qs) {
    __m128i packed = _mm_loadu_si128((const __m128i *)qs);
    __m128i low = _mm_and_si128(packed, _mm_set1_epi8(0x0F));
    __m128i high = _mm_and_si128(_mm_srli_epi16(packed, 4), _mm_set1_epi8(0x0F));
    __m256i codes = _mm256_set_m128i(high, low);
    uint32_t bits;
    __builtin_memcpy(&bits, qh, 4);
    __m256i spread = _mm256_shuffle_epi8(_mm256_set1_epi32((int)bits),
                                         _mm256_setr_epi64x(0x0000000000000000, 0x0101010101010101,
                                                            0x0202020202020202, 0x0303030303030303));
    const __m256i select = _mm256_set1_epi64x((long long)0x8040201008040201ULL);
    __m256i set = _mm256_cmpeq_epi8(_mm256_and_si256(spread, select), select);
    return _mm256_or_si256(codes, _mm256_and_si256(set, _mm256_set1_epi8(0x10)));
}

/// Σ code_j · x_j over one block's 32 codes (bytes of `q`) and x (32 floats), in 8 lanes:
/// elements 0–7, 8–15, 16–23, 24–31 added in that order.
AVX2_FMA static inline __m256 q5_dot(__m256i q, const float *x) {
    __m128i lo = _mm256_castsi256_si128(q), hi = _mm256_extracti128_si256(q, 1);
    __m256 s = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(lo)), _mm256_loadu_ps(x));
    s = _mm256_fmadd_ps(_mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_srli_si128(lo, 8))), _mm256_loadu_ps(x + 8), s);
    s = _mm256_fmadd_ps(_mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(hi)), _mm256_loadu_ps(x + 16), s);
    s = _mm256_fmadd_ps(_mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_srli_si128(hi, 8))), _mm256_loadu_ps(x + 24), s);
    return s;
}

// Σ_b d_b · (Σ q·x − 16 · Σx_b) for Q5_0 (22-byte blocks: d, qh[4], qs[16]), and
// Σ_b d_b · Σ q·x + m_b · Σx_b for Q5_1 (24 bytes: d, m, qh[4], qs[16]); the offset terms read the
// per-block Σx that MatVecInput prepares for Q4_1.
AVX2_FMA void ck_q5_rows(const uint8_t *base, size_t row_bytes, size_t blocks, const float *x,
                         const float *block_sums, size_t r0, size_t r1, float *y, int accumulate, int with_min) {
    const size_t stride = with_min ? 24 : 22, codes_at = with_min ? 4 : 2;
    for (size_t r = r0; r < r1; r++) {
        const uint8_t *p = base + r * row_bytes;
        __m256 acc = _mm256_setzero_ps();
        float offsets = 0;
        for (size_t b = 0; b < blocks; b++, p += stride) {
            float d = half(p);
            __m256i q = q5_codes(p + codes_at, p + codes_at + 4);
            acc = _mm256_fmadd_ps(q5_dot(q, x + 32 * b), _mm256_set1_ps(d), acc);
            offsets += (with_min ? half(p + 2) : -16 * d) * block_sums[b];
        }
        float dot = hsum(acc) + offsets;
        y[r] = accumulate ? y[r] + dot : dot;
    }
}

#else  // not x86-64: no vector kernels; Numerics uses its portable Swift kernels.

void ck_q5_rows(const uint8_t *base, size_t row_bytes, size_t blocks, const float *x,
                const float *block_sums, size_t r0, size_t r1, float *y, int accumulate, int with_min) {
    (void)base; (void)row_bytes; (void)blocks; (void)x; (void)block_sums; (void)r0; (void)r1; (void)y;
    (void)accumulate; (void)with_min;
    __builtin_trap();
}

#endif
