// The lane helpers MatVec.c and KQuants.c share (x86-64 only): a fixed-order horizontal sum and
// the half-precision scale load. Compiled for AVX + FMA + F16C, so AVX2 callers inline them too.
#ifndef CKERNELS_LANES_H
#define CKERNELS_LANES_H
#if defined(__x86_64__)
#include <immintrin.h>
#include <stdint.h>

#define AVX_FMA __attribute__((target("avx,fma,f16c")))
#define AVX2_FMA __attribute__((target("avx2,avx,fma,f16c")))

/// Sums the 8 lanes in a fixed order: (0+4, 1+5, 2+6, 3+7), then pairs, then the two halves.
AVX_FMA static inline float hsum(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

/// The little-endian binary16 at p as a float.
AVX_FMA static inline float half(const uint8_t *p) {
    uint16_t bits = (uint16_t)(p[0] | (p[1] << 8));
    return _cvtsh_ss(bits);
}

#endif
#endif
