// Single-row causal attention over a KV cache (the decode step): per query head, scores against
// every cached key, softmax, and the weighted sum of values. Each head is computed whole by one
// call in a fixed order, so splitting heads over threads gives identical bits.
#include "CKernels.h"
#include <math.h>

// The body is compiled twice: for AVX + FMA (8-lane partial sums become one ymm register) and
// for the baseline target; both sum in the same order (8 interleaved partial sums, then a fixed
// tree), but FMA contraction may differ, so the two can differ in the last bits.
#define ATTEND_BODY                                                                                \
    for (size_t h = h0; h < h1; h++) {                                                             \
        const float *qh = q + h * head_size;                                                       \
        size_t g = h / group;                                                                      \
        const float *kg = keys + g * head_size, *vg = values + g * head_size;                      \
        float *sh = scores + h * positions;                                                        \
        float maximum = -INFINITY;                                                                 \
        for (size_t j = 0; j < positions; j++) {                                                   \
            const float *k = kg + j * kv_stride;                                                   \
            float lane[8] = {0, 0, 0, 0, 0, 0, 0, 0};                                              \
            for (size_t d = 0; d < head_size; d += 8)                                              \
                for (int l = 0; l < 8; l++) lane[l] += qh[d + l] * k[d + l];                       \
            float s = ((lane[0] + lane[4]) + (lane[1] + lane[5])) + ((lane[2] + lane[6]) + (lane[3] + lane[7])); \
            s *= scale;                                                                            \
            sh[j] = s;                                                                             \
            if (s > maximum) maximum = s;                                                          \
        }                                                                                          \
        float sum = 0;                                                                             \
        for (size_t j = 0; j < positions; j++) {                                                   \
            float e = expf(sh[j] - maximum);                                                       \
            sh[j] = e;                                                                             \
            sum += e;                                                                              \
        }                                                                                          \
        float inverse = 1 / sum;                                                                   \
        float *oh = out + h * head_size;                                                           \
        for (size_t d = 0; d < head_size; d++) oh[d] = 0;                                          \
        for (size_t j = 0; j < positions; j++) {                                                   \
            const float *v = vg + j * kv_stride;                                                   \
            float p = sh[j] * inverse;                                                             \
            for (size_t d = 0; d < head_size; d++) oh[d] += p * v[d];                              \
        }                                                                                          \
    }

#if defined(__x86_64__)
__attribute__((target("avx,fma,f16c")))
static void attend_avx(const float *q, const float *keys, const float *values, size_t kv_stride,
                       size_t positions, size_t head_size, size_t group, float scale, float *scores,
                       float *out, size_t h0, size_t h1) {
    ATTEND_BODY
}
#endif

static void attend_base(const float *q, const float *keys, const float *values, size_t kv_stride,
                        size_t positions, size_t head_size, size_t group, float scale, float *scores,
                        float *out, size_t h0, size_t h1) {
    ATTEND_BODY
}

void ck_attend(const float *q, const float *keys, const float *values, size_t kv_stride,
               size_t positions, size_t head_size, size_t group, float scale, float *scores,
               float *out, size_t h0, size_t h1, int level) {
#if defined(__x86_64__)
    if (level >= 1) {
        attend_avx(q, keys, values, kv_stride, positions, head_size, group, scale, scores, out, h0, h1);
        return;
    }
#endif
    (void)level;
    attend_base(q, keys, values, kv_stride, positions, head_size, group, scale, scores, out, h0, h1);
}
