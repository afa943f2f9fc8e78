// The element-wise passes of the packed training path (RMSNorm with its residual add, RoPE,
// SwiGLU), forward and backward, in AVX2. Every row (or element) is computed by the same code
// whatever range a call covers, so a row split over threads gives identical bits.
//
// RMSNorm and RoPE round exactly as the Swift kernels in LanguageModel/Layers do (same products,
// same sums in the same order, no fused multiply-adds), so their results are bit-identical to
// them. SwiGLU uses the vector exponential below instead of libm's `expf` (within 2 ulp of it).
#include "CKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>
#include <math.h>

#pragma clang fp contract(off)

#define AVX2 __attribute__((target("avx2,avx,fma")))

// MARK: - RMSNorm

/// Eight float products into eight double lanes (the running sums of `lane_sum`).
AVX2 static inline void add_to_lanes(__m256d *lo, __m256d *hi, __m256 products) {
    *lo = _mm256_add_pd(*lo, _mm256_cvtps_pd(_mm256_castps256_ps128(products)));
    *hi = _mm256_add_pd(*hi, _mm256_cvtps_pd(_mm256_extractf128_ps(products, 1)));
}

/// The eight double lanes summed left to right from -0, as the Swift sums of `RMSNorm` do.
AVX2 static inline double lane_sum(__m256d lo, __m256d hi) {
    double lanes[8];
    _mm256_storeu_pd(lanes, lo);
    _mm256_storeu_pd(lanes + 4, hi);
    double total = -0.0;
    for (int l = 0; l < 8; l++) total += lanes[l];
    return total;
}

/// Σ x² of one row as the Swift `RMSNorm.sumOfSquares`: each square rounded to float, eight
/// double lanes, then the lanes summed left to right from -0.
AVX2 static inline float sum_of_squares(const float *x, size_t width) {
    __m256d lo = _mm256_setzero_pd(), hi = _mm256_setzero_pd();
    for (size_t i = 0; i < width; i += 8) {
        __m256 v = _mm256_loadu_ps(x + i);
        add_to_lanes(&lo, &hi, _mm256_mul_ps(v, v));
    }
    return (float)lane_sum(lo, hi);
}

AVX2 void ck_add_rmsnorm(float *sum, const float *a, const float *b, const float *weight, float *out,
                         float *rstd, size_t rows, size_t width, float eps) {
    for (size_t r = 0; r < rows; r++) {
        const float *x = a + r * width;
        if (b) {
            float *s = sum + r * width;
            const float *y = b + r * width;
            for (size_t i = 0; i < width; i += 8)
                _mm256_storeu_ps(s + i, _mm256_add_ps(_mm256_loadu_ps(x + i), _mm256_loadu_ps(y + i)));
            x = s;
        }
        float scale = 1.0f / sqrtf(sum_of_squares(x, width) / (float)width + eps);
        rstd[r] = scale;
        __m256 vs = _mm256_set1_ps(scale);
        float *o = out + r * width;
        for (size_t i = 0; i < width; i += 8) {
            __m256 v = _mm256_mul_ps(_mm256_loadu_ps(x + i), vs);
            _mm256_storeu_ps(o + i, _mm256_mul_ps(v, _mm256_loadu_ps(weight + i)));
        }
    }
}

AVX2 void ck_rmsnorm_backward(float *dx, const float *dy, const float *x, const float *weight,
                              const float *rstd, size_t rows, size_t width) {
    for (size_t r = 0; r < rows; r++) {
        const float *xr = x + r * width, *dyr = dy + r * width;
        float *dxr = dx + r * width;
        float s = rstd[r];
        // Σ dy·w·x: products rounded to float, eight double lanes, lanes summed left to right
        __m256d lo = _mm256_setzero_pd(), hi = _mm256_setzero_pd();
        for (size_t i = 0; i < width; i += 8) {
            add_to_lanes(&lo, &hi, _mm256_mul_ps(_mm256_mul_ps(_mm256_loadu_ps(dyr + i), _mm256_loadu_ps(weight + i)),
                                                 _mm256_loadu_ps(xr + i)));
        }
        float k = s * s * s * (float)lane_sum(lo, hi) / (float)width;
        __m256 vs = _mm256_set1_ps(s), vk = _mm256_set1_ps(k);
        for (size_t i = 0; i < width; i += 8) {
            __m256 t = _mm256_mul_ps(_mm256_mul_ps(vs, _mm256_loadu_ps(weight + i)), _mm256_loadu_ps(dyr + i));
            t = _mm256_sub_ps(t, _mm256_mul_ps(vk, _mm256_loadu_ps(xr + i)));
            _mm256_storeu_ps(dxr + i, _mm256_add_ps(_mm256_loadu_ps(dxr + i), t));
        }
    }
}

// MARK: - RoPE

AVX2 void ck_rope_rows(float *out, const float *in, const int64_t *positions, const float *cosines,
                       const float *sines, size_t heads, size_t head_size, float direction, size_t r0, size_t r1) {
    size_t half = head_size / 2, width = heads * head_size;
    const __m256i duplicate = _mm256_setr_epi32(0, 0, 1, 1, 2, 2, 3, 3);
    const __m256 sign = _mm256_setr_ps(-direction, direction, -direction, direction,
                                       -direction, direction, -direction, direction);
    for (size_t r = r0; r < r1; r++) {
        const float *c = cosines + positions[r] * half, *s = sines + positions[r] * half;
        for (size_t i = 0; i < half; i += 4) {
            // [c0 c0 c1 c1 …] and [−s0 s0 −s1 s1 …]·direction for the four pairs at 2i…2i+7
            __m256 cc = _mm256_permutevar8x32_ps(_mm256_castps128_ps256(_mm_loadu_ps(c + i)), duplicate);
            __m256 ss = _mm256_mul_ps(_mm256_permutevar8x32_ps(_mm256_castps128_ps256(_mm_loadu_ps(s + i)), duplicate), sign);
            for (size_t h = 0; h < heads; h++) {
                size_t at = r * width + h * head_size + 2 * i;
                __m256 x = _mm256_loadu_ps(in + at);
                __m256 swapped = _mm256_permute_ps(x, 0xB1);  // [x1 x0 x3 x2 …]
                _mm256_storeu_ps(out + at, _mm256_add_ps(_mm256_mul_ps(x, cc), _mm256_mul_ps(swapped, ss)));
            }
        }
    }
}

// MARK: - SwiGLU

/// e^x for every lane: x = n·ln2 + r with |r| ≤ ln2/2 (ln2 in two parts), a degree-6 polynomial
/// for e^r (Cephes' expf coefficients), times 2^n. Inputs are clamped to ±88.376 (so large
/// arguments give 2.4e38 or 0 instead of ∞ or a denormal).
AVX2 static inline __m256 exp_ps(__m256 x) {
    x = _mm256_min_ps(_mm256_max_ps(x, _mm256_set1_ps(-88.3762626647949f)), _mm256_set1_ps(88.3762626647949f));
    __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)),
                               _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
    __m256 p = _mm256_set1_ps(1.9875691500e-4f);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
    p = _mm256_fmadd_ps(p, _mm256_mul_ps(r, r), _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
    __m256i e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(p, _mm256_castsi256_ps(e));
}

/// silu(g)·u = (g / (1 + e^(−g)))·u, rounded as the Swift `SwiGLU.forward` (exp aside).
AVX2 static inline __m256 swiglu8(__m256 g, __m256 u) {
    __m256 e = exp_ps(_mm256_xor_ps(g, _mm256_set1_ps(-0.0f)));
    return _mm256_mul_ps(_mm256_div_ps(g, _mm256_add_ps(_mm256_set1_ps(1.0f), e)), u);
}

/// Copies lanes [0, m) of `src` into `dst` (8 floats) and zeroes the rest: the tail of a call
/// goes through the same vector code as the body, so a split anywhere gives identical bits.
static inline void load_tail(float *dst, const float *src, size_t m) {
    for (size_t l = 0; l < 8; l++) dst[l] = l < m ? src[l] : 0.0f;
}

AVX2 void ck_exp(float *out, const float *x, size_t count) {
    size_t i = 0;
    for (; i + 8 <= count; i += 8) _mm256_storeu_ps(out + i, exp_ps(_mm256_loadu_ps(x + i)));
    if (i < count) {
        float in8[8], out8[8];
        load_tail(in8, x + i, count - i);
        _mm256_storeu_ps(out8, exp_ps(_mm256_loadu_ps(in8)));
        for (size_t l = 0; l < count - i; l++) out[i + l] = out8[l];
    }
}

AVX2 void ck_swiglu_forward(float *out, const float *gate, const float *up, size_t count) {
    size_t i = 0;
    for (; i + 8 <= count; i += 8)
        _mm256_storeu_ps(out + i, swiglu8(_mm256_loadu_ps(gate + i), _mm256_loadu_ps(up + i)));
    if (i < count) {
        float g8[8], u8[8], o8[8];
        load_tail(g8, gate + i, count - i);
        load_tail(u8, up + i, count - i);
        _mm256_storeu_ps(o8, swiglu8(_mm256_loadu_ps(g8), _mm256_loadu_ps(u8)));
        for (size_t l = 0; l < count - i; l++) out[i + l] = o8[l];
    }
}

/// With s = 1 / (1 + e^(−g)): dg = dh·u·s·(1 + g·(1 − s)), du = dh·g·s, rounded as the Swift
/// `SwiGLU.backwardOverwriting` (exp aside).
AVX2 static inline void swiglu_backward8(__m256 dh, __m256 g, __m256 u, __m256 *dg, __m256 *du) {
    __m256 one = _mm256_set1_ps(1.0f);
    __m256 s = _mm256_div_ps(one, _mm256_add_ps(one, exp_ps(_mm256_xor_ps(g, _mm256_set1_ps(-0.0f)))));
    __m256 t = _mm256_add_ps(one, _mm256_mul_ps(g, _mm256_sub_ps(one, s)));
    *dg = _mm256_mul_ps(_mm256_mul_ps(_mm256_mul_ps(dh, u), s), t);
    *du = _mm256_mul_ps(_mm256_mul_ps(dh, g), s);
}

AVX2 void ck_swiglu_backward(float *dgate, float *dup, const float *dout, const float *gate, const float *up,
                             size_t count) {
    size_t i = 0;
    __m256 dg, du;
    for (; i + 8 <= count; i += 8) {
        swiglu_backward8(_mm256_loadu_ps(dout + i), _mm256_loadu_ps(gate + i), _mm256_loadu_ps(up + i), &dg, &du);
        _mm256_storeu_ps(dgate + i, dg);
        _mm256_storeu_ps(dup + i, du);
    }
    if (i < count) {
        float h8[8], g8[8], u8[8], dg8[8], du8[8];
        load_tail(h8, dout + i, count - i);
        load_tail(g8, gate + i, count - i);
        load_tail(u8, up + i, count - i);
        swiglu_backward8(_mm256_loadu_ps(h8), _mm256_loadu_ps(g8), _mm256_loadu_ps(u8), &dg, &du);
        _mm256_storeu_ps(dg8, dg);
        _mm256_storeu_ps(du8, du);
        for (size_t l = 0; l < count - i; l++) { dgate[i + l] = dg8[l]; dup[i + l] = du8[l]; }
    }
}

#else  // not x86-64: ck_simd_level() is 0 and LanguageModel keeps its Swift kernels.

void ck_add_rmsnorm(float *sum, const float *a, const float *b, const float *weight, float *out,
                    float *rstd, size_t rows, size_t width, float eps) {
    (void)sum; (void)a; (void)b; (void)weight; (void)out; (void)rstd; (void)rows; (void)width; (void)eps;
    __builtin_trap();
}
void ck_rmsnorm_backward(float *dx, const float *dy, const float *x, const float *weight,
                         const float *rstd, size_t rows, size_t width) {
    (void)dx; (void)dy; (void)x; (void)weight; (void)rstd; (void)rows; (void)width;
    __builtin_trap();
}
void ck_rope_rows(float *out, const float *in, const int64_t *positions, const float *cosines,
                  const float *sines, size_t heads, size_t head_size, float direction, size_t r0, size_t r1) {
    (void)out; (void)in; (void)positions; (void)cosines; (void)sines; (void)heads; (void)head_size;
    (void)direction; (void)r0; (void)r1;
    __builtin_trap();
}
void ck_exp(float *out, const float *x, size_t count) { (void)out; (void)x; (void)count; __builtin_trap(); }
void ck_swiglu_forward(float *out, const float *gate, const float *up, size_t count) {
    (void)out; (void)gate; (void)up; (void)count;
    __builtin_trap();
}
void ck_swiglu_backward(float *dgate, float *dup, const float *dout, const float *gate, const float *up,
                        size_t count) {
    (void)dgate; (void)dup; (void)dout; (void)gate; (void)up; (void)count;
    __builtin_trap();
}
#endif
