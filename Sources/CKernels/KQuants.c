// Matrix-vector kernels for llama.cpp's K-quant super-blocks (Q4_K, Q5_K, Q6_K; 256 elements
// each) on AVX2 + FMA machines, reading the blocks in place with fp32 arithmetic. Same results as
// the Swift fast kernels up to rounding (fused multiply-adds, 8 lanes and two accumulators, not
// 4 lanes and one): each output row is computed whole by one call with an order that depends on
// nothing but the row, so any row partition over threads gives identical bits.
//
// The integer codes are gathered into whole bytes with 256-bit integer shifts, masks and ORs,
// which is why these need AVX2 (Numerics runs its portable Swift kernels on AVX-only CPUs).
// Then byte j of each 32-bit word is masked in place (value q·2^(8j), exact as a float) and
// multiplied by MatVecInput's `kq` group j, pre-scaled by 2^(−8j): eight lanes, no shuffles.
#include "CKernels.h"

#if defined(__x86_64__)
#include "Lanes.h"

// MARK: - Helpers

/// Σ_j float(w & (mask << 8j)) · x[8j…8j+7] for bytes j = 0…3 of eight words: 32 elements,
/// four products per lane added in order j = 0…3. w's bytes hold the codes (below 128, so byte 3
/// keeps the word positive); x is a `kq` group (4 × 8 floats).
AVX2_FMA static inline __m256 bytes_dot(__m256i w, uint32_t mask, const float *x) {
    __m256 s = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_and_si256(w, _mm256_set1_epi32((int)mask))), _mm256_loadu_ps(x));
    s = _mm256_fmadd_ps(_mm256_cvtepi32_ps(_mm256_and_si256(w, _mm256_set1_epi32((int)(mask << 8)))), _mm256_loadu_ps(x + 8), s);
    s = _mm256_fmadd_ps(_mm256_cvtepi32_ps(_mm256_and_si256(w, _mm256_set1_epi32((int)(mask << 16)))), _mm256_loadu_ps(x + 16), s);
    s = _mm256_fmadd_ps(_mm256_cvtepi32_ps(_mm256_and_si256(w, _mm256_set1_epi32((int)(mask << 24)))), _mm256_loadu_ps(x + 24), s);
    return s;
}

/// The eight 6-bit scales and mins of a Q4_K / Q5_K table (`KQuantScales`), as floats times d
/// and dmin: dl[s] = d·sc_s and ml[s] = dmin·m_s, each product rounded once as the dequantizer does.
AVX2_FMA static inline void scales_mins(const uint8_t *packed, float d, float dmin, __m256 *dl, __m256 *ml) {
    int32_t sc[8], mn[8];
    for (int s = 0; s < 4; s++) {
        sc[s] = packed[s] & 0x3F;
        mn[s] = packed[s + 4] & 0x3F;
        sc[s + 4] = (packed[8 + s] & 0x0F) | ((packed[s] >> 2) & 0x30);
        mn[s + 4] = (packed[8 + s] >> 4) | ((packed[4 + s] >> 2) & 0x30);
    }
    *dl = _mm256_mul_ps(_mm256_set1_ps(d), _mm256_cvtepi32_ps(_mm256_loadu_si256((const __m256i *)sc)));
    *ml = _mm256_mul_ps(_mm256_set1_ps(dmin), _mm256_cvtepi32_ps(_mm256_loadu_si256((const __m256i *)mn)));
}

/// Lane s of v in all eight lanes.
AVX2_FMA static inline __m256 lane(__m256 v, int s) {
    return _mm256_permutevar8x32_ps(v, _mm256_set1_epi32(s));
}

// MARK: - Q4_K

// Per super-block: sub-blocks 2c and 2c + 1 are the low and high nibbles of qs[32c…32c+31] (one
// 32-byte load; the high nibbles shifted down four). Even sub-blocks go to acc0, odd to acc1 (two
// chains, so the FMA latency is not the limit); the min terms dmin·m_s · Σx_s to a vector of 8.

AVX2_FMA void ck_q4_K_rows(const uint8_t *base, size_t row_bytes, size_t blocks, const float *kq,
                           const float *block_sums, size_t r0, size_t r1, float *y, int accumulate) {
    for (size_t r = r0; r < r1; r++) {
        const uint8_t *p = base + r * row_bytes;
        const float *xb = kq, *sums = block_sums;
        __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps(), mins = _mm256_setzero_ps();
        for (size_t b = 0; b < blocks; b++, p += 144, xb += 256, sums += 8) {
            __m256 dl, ml;
            scales_mins(p + 4, half(p), half(p + 2), &dl, &ml);
            mins = _mm256_fmadd_ps(ml, _mm256_loadu_ps(sums), mins);
            for (int c = 0; c < 4; c++) {
                __m256i q = _mm256_loadu_si256((const __m256i *)(p + 16 + 32 * c));
                acc0 = _mm256_fmadd_ps(bytes_dot(q, 0x0F, xb + 64 * c), lane(dl, 2 * c), acc0);
                acc1 = _mm256_fmadd_ps(bytes_dot(_mm256_srli_epi32(q, 4), 0x0F, xb + 64 * c + 32), lane(dl, 2 * c + 1), acc1);
            }
        }
        float dot = hsum(_mm256_add_ps(acc0, acc1)) - hsum(mins);
        y[r] = accumulate ? y[r] + dot : dot;
    }
}

// MARK: - Q5_K

// As Q4_K, with each sub-block's nibbles ORed with its fifth bits (bit s of the 32 bytes qh,
// brought to bit 4 of each byte; qh is shifted down one bit per sub-block) into 5-bit bytes.

AVX2_FMA void ck_q5_K_rows(const uint8_t *base, size_t row_bytes, size_t blocks, const float *kq,
                           const float *block_sums, size_t r0, size_t r1, float *y, int accumulate) {
    const __m256i nibbles = _mm256_set1_epi8(0x0F), bits = _mm256_set1_epi8(0x01);
    for (size_t r = r0; r < r1; r++) {
        const uint8_t *p = base + r * row_bytes;
        const float *xb = kq, *sums = block_sums;
        __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps(), mins = _mm256_setzero_ps();
        for (size_t b = 0; b < blocks; b++, p += 176, xb += 256, sums += 8) {
            __m256 dl, ml;
            scales_mins(p + 4, half(p), half(p + 2), &dl, &ml);
            mins = _mm256_fmadd_ps(ml, _mm256_loadu_ps(sums), mins);
            __m256i qh = _mm256_loadu_si256((const __m256i *)(p + 16));
            for (int c = 0; c < 4; c++) {
                __m256i q = _mm256_loadu_si256((const __m256i *)(p + 48 + 32 * c));
                __m256i lo = _mm256_or_si256(_mm256_and_si256(q, nibbles), _mm256_slli_epi32(_mm256_and_si256(qh, bits), 4));
                qh = _mm256_srli_epi32(qh, 1);
                __m256i hi = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi32(q, 4), nibbles),
                                             _mm256_slli_epi32(_mm256_and_si256(qh, bits), 4));
                qh = _mm256_srli_epi32(qh, 1);
                acc0 = _mm256_fmadd_ps(bytes_dot(lo, 0xFF, xb + 64 * c), lane(dl, 2 * c), acc0);
                acc1 = _mm256_fmadd_ps(bytes_dot(hi, 0xFF, xb + 64 * c + 32), lane(dl, 2 * c + 1), acc1);
            }
        }
        float dot = hsum(_mm256_add_ps(acc0, acc1)) - hsum(mins);
        y[r] = accumulate ? y[r] + dot : dot;
    }
}

// MARK: - Q6_K

// Per half h of a super-block: 32-element group k (0…3) is nibble k/2 of ql bytes 64h + 32·(k%2)…
// ORed with field k of qh bytes 128 + 32h… (shifted up four; qh shifted down two per group) into
// 6-bit bytes u. Words 0–3 of a group are sub-block 2g, words 4–7 sub-block 2g + 1 (g = 4h + k), so
// the scale vector is d·sc_2g in the low half and d·sc_(2g+1) in the high half. Σ u·x is scaled
// into acc0 / acc1 by group parity; the −32 offsets d·sc_s · Σx_s (16 elements) go to a vector of 8
// and are subtracted at the end, times 32 (exact).

AVX2_FMA void ck_q6_K_rows(const uint8_t *base, size_t row_bytes, size_t blocks, const float *kq,
                           const float *half_sums, size_t r0, size_t r1, float *y, int accumulate) {
    const __m256i nibbles = _mm256_set1_epi8(0x0F), fields = _mm256_set1_epi8(0x03);
    for (size_t r = r0; r < r1; r++) {
        const uint8_t *p = base + r * row_bytes;
        const float *xb = kq, *sums = half_sums;
        __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps(), offsets = _mm256_setzero_ps();
        for (size_t b = 0; b < blocks; b++, p += 210, xb += 256, sums += 16) {
            // dl: (16) = d · scales, as two vectors of 8; the offsets of all 16 sub-blocks at once.
            __m256 d = _mm256_set1_ps(half(p + 208));
            __m128i sc = _mm_loadu_si128((const __m128i *)(p + 192));
            __m256 dl0 = _mm256_mul_ps(d, _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(sc)));
            __m256 dl1 = _mm256_mul_ps(d, _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_srli_si128(sc, 8))));
            offsets = _mm256_fmadd_ps(dl0, _mm256_loadu_ps(sums), offsets);
            offsets = _mm256_fmadd_ps(dl1, _mm256_loadu_ps(sums + 8), offsets);
            for (int h = 0; h < 2; h++) {
                __m256i ql0 = _mm256_loadu_si256((const __m256i *)(p + 64 * h));
                __m256i ql1 = _mm256_loadu_si256((const __m256i *)(p + 64 * h + 32));
                __m256i qh = _mm256_loadu_si256((const __m256i *)(p + 128 + 32 * h));
                __m256 dl = h == 0 ? dl0 : dl1;  // sub-blocks 8h…8h+7
                for (int k = 0; k < 4; k++) {
                    __m256i ql = (k & 1) ? ql1 : ql0;
                    if (k >= 2) ql = _mm256_srli_epi32(ql, 4);
                    __m256i u = _mm256_or_si256(_mm256_and_si256(ql, nibbles), _mm256_slli_epi32(_mm256_and_si256(qh, fields), 4));
                    qh = _mm256_srli_epi32(qh, 2);
                    // lanes 0–3: dl[2k], lanes 4–7: dl[2k + 1] (within this half's 8 sub-blocks)
                    __m256 scale = _mm256_permutevar8x32_ps(dl, _mm256_setr_epi32(2 * k, 2 * k, 2 * k, 2 * k,
                                                                                  2 * k + 1, 2 * k + 1, 2 * k + 1, 2 * k + 1));
                    const float *xg = xb + 128 * h + 32 * k;
                    if (k & 1) acc1 = _mm256_fmadd_ps(bytes_dot(u, 0xFF, xg), scale, acc1);
                    else acc0 = _mm256_fmadd_ps(bytes_dot(u, 0xFF, xg), scale, acc0);
                }
            }
        }
        float dot = hsum(_mm256_add_ps(acc0, acc1)) - 32 * hsum(offsets);
        y[r] = accumulate ? y[r] + dot : dot;
    }
}

#else  // not x86-64: no vector kernels; Numerics uses its portable Swift kernels.

void ck_q4_K_rows(const uint8_t *base, size_t row_bytes, size_t blocks, const float *kq,
                  const float *block_sums, size_t r0, size_t r1, float *y, int accumulate) {
    (void)base; (void)row_bytes; (void)blocks; (void)kq; (void)block_sums; (void)r0; (void)r1; (void)y; (void)accumulate;
    __builtin_trap();
}

void ck_q5_K_rows(const uint8_t *base, size_t row_bytes, size_t blocks, const float *kq,
                  const float *block_sums, size_t r0, size_t r1, float *y, int accumulate) {
    (void)base; (void)row_bytes; (void)blocks; (void)kq; (void)block_sums; (void)r0; (void)r1; (void)y; (void)accumulate;
    __builtin_trap();
}

void ck_q6_K_rows(const uint8_t *base, size_t row_bytes, size_t blocks, const float *kq,
                  const float *half_sums, size_t r0, size_t r1, float *y, int accumulate) {
    (void)base; (void)row_bytes; (void)blocks; (void)kq; (void)half_sums; (void)r0; (void)r1; (void)y; (void)accumulate;
    __builtin_trap();
}

#endif
