// CKernels: the decode hot loops in C, compiled for AVX + FMA + F16C (and AVX2 where it helps)
// behind runtime checks, plus a small persistent thread pool. Numerics wraps every entry point;
// nothing else calls these directly. R = rows, K = columns, NB = K / 32 blocks per row.
#ifndef CKERNELS_H
#define CKERNELS_H

#include <stddef.h>
#include <stdint.h>

// MARK: - CPU features

/// The widest vector set the kernels may use on this CPU (and OS): 0 = none (use the portable
/// Swift kernels), 1 = AVX + FMA + F16C, 2 = the same plus AVX2. Computed once.
int ck_simd_level(void);

// MARK: - LM head from a Q8_0 table (level >= 2 only)

/// logits[i·ldl + j] = x[i, :] · E[j, :] for i < rows and table rows j in [j0, j1), E a Q8_0 matrix
/// (rows of NB = blocks 34-byte blocks at base + j·row_bytes), x (rows, 32·NB) row-major. Returns -1
/// (this call's logits untouched) when its buffer cannot be allocated, else 0.
int ck_q8_0_head_forward(const uint8_t *base, size_t row_bytes, size_t blocks, const float *x, size_t rows,
                         float *logits, size_t ldl, size_t j0, size_t j1);

/// dx[i, k] = Σ_{j < vocab} dlogits[i·ldl + j] · E[j, k] for i < rows and k in the columns of
/// blocks [b0, b1) (32 per block); overwrites those columns of dx (rows, 32·NB). Returns -1 (this
/// call's columns untouched) when its packing buffer (~0.3 MB) cannot be allocated, else 0.
int ck_q8_0_head_backward(const uint8_t *base, size_t row_bytes, size_t blocks, const float *dlogits, size_t ldl,
                          size_t rows, size_t vocab, float *dx, size_t b0, size_t b1);

// MARK: - Block matrix-vector products (level >= 1 only)

/// y[r] (+)= row r · x for r in [r0, r1) of a Q4_1 matrix (rows of NB 20-byte blocks at
/// base + r * row_bytes). q41: x in the reordered, pre-scaled layout of `MatVecInput` (NB, 8, 4);
/// block_sums: Σ x per block (NB).
void ck_q4_1_rows(const uint8_t *base, size_t row_bytes, size_t blocks, const float *q41,
                  const float *block_sums, size_t r0, size_t r1, float *y, int accumulate);

/// y[r] (+)= row r · x for r in [r0, r1) of a Q8_0 matrix (rows of NB 34-byte blocks).
/// x: (K) in natural order. level: 2 uses AVX2 sign extension, 1 the SSE4.1 + AVX path.
void ck_q8_0_rows(const uint8_t *base, size_t row_bytes, size_t blocks, const float *x,
                  size_t r0, size_t r1, float *y, int accumulate, int level);

// MARK: - K-quant matrix-vector products (level >= 2 only)

/// y[r] (+)= row r · x for r in [r0, r1) of a Q4_K matrix (rows of `blocks` = K / 256 super-blocks
/// of 144 bytes at base + r * row_bytes). kq: x in the reordered, pre-scaled K-quant layout of
/// `MatVecInput` (K / 32, 4, 8); block_sums: Σ x per 32 elements (K / 32).
void ck_q4_K_rows(const uint8_t *base, size_t row_bytes, size_t blocks, const float *kq,
                  const float *block_sums, size_t r0, size_t r1, float *y, int accumulate);

/// y[r] (+)= row r · x for r in [r0, r1) of a Q5_0 matrix (with_min 0: 22-byte blocks) or a
/// Q5_1 matrix (with_min 1: 24-byte blocks). x: (K) in natural order; block_sums: Σ x per 32
/// elements (NB). Level 2 (AVX2) only.
void ck_q5_rows(const uint8_t *base, size_t row_bytes, size_t blocks, const float *x,
                const float *block_sums, size_t r0, size_t r1, float *y, int accumulate, int with_min);

/// The same for a Q5_K matrix (176-byte super-blocks).
void ck_q5_K_rows(const uint8_t *base, size_t row_bytes, size_t blocks, const float *kq,
                  const float *block_sums, size_t r0, size_t r1, float *y, int accumulate);

/// The same for a Q6_K matrix (210-byte super-blocks); half_sums: Σ x per 16 elements (K / 16).
void ck_q6_K_rows(const uint8_t *base, size_t row_bytes, size_t blocks, const float *kq,
                  const float *half_sums, size_t r0, size_t r1, float *y, int accumulate);

// MARK: - Decode attention

/// Causal attention of one query row over `positions` cached positions, for query heads
/// [h0, h1): scores (NH, P) = scale · q_h · K_gᵀ (g = h / group), softmax per head (max
/// subtracted, sum left to right), out_h (HS) = Σ_j p_j · V_g[j]. q: (NH, HS); keys, values:
/// (P, kv_stride) with kv head g at columns g·HS; out: (NH, HS). head_size: a multiple of 8.
/// level >= 1 runs the AVX + FMA build of the same loop.
void ck_attend(const float *q, const float *keys, const float *values, size_t kv_stride,
               size_t positions, size_t head_size, size_t group, float scale, float *scores,
               float *out, size_t h0, size_t h1, int level);

// MARK: - Training element-wise passes (level >= 2 only; Training.c)
// Rows are `width` floats (a multiple of 8); every row is computed alone, so any row split over
// threads gives identical bits. RMSNorm and RoPE round exactly as LanguageModel's Swift kernels.

/// For each of `rows` rows: when `b` is not NULL, sum = a + b (sum may alias a), then x = sum;
/// otherwise x = a. rstd = 1 / sqrt(mean(x²) + eps) and out = (x · rstd) · weight.
void ck_add_rmsnorm(float *sum, const float *a, const float *b, const float *weight, float *out,
                    float *rstd, size_t rows, size_t width, float eps);

/// dx += s·w·dy − (s³/C)·x·Σ(dy·w·x) per row, with s = rstd[row].
void ck_rmsnorm_backward(float *dx, const float *dy, const float *x, const float *weight,
                         const float *rstd, size_t rows, size_t width);

/// Rotates the pairs (2i, 2i+1) of every head of rows [r0, r1) by direction · angle(positions[row], i):
/// out = (x0·c − x1·s', x0·s' + x1·c), s' = direction·s. cosines, sines: (P, head_size/2);
/// rows are heads·head_size wide; head_size a multiple of 8. out may be in.
void ck_rope_rows(float *out, const float *in, const int64_t *positions, const float *cosines,
                  const float *sines, size_t heads, size_t head_size, float direction, size_t r0, size_t r1);

/// out = e^x element-wise (the vector exponential of the SwiGLU kernels; within 2 ulp of expf).
void ck_exp(float *out, const float *x, size_t count);

/// out = silu(gate) · up element-wise.
void ck_swiglu_forward(float *out, const float *gate, const float *up, size_t count);

/// dgate = dout·up·σ(g)·(1 + g·(1 − σ(g))), dup = dout·g·σ(g) element-wise (overwritten).
void ck_swiglu_backward(float *dgate, float *dup, const float *dout, const float *gate, const float *up,
                        size_t count);

// MARK: - Thread pool

/// One part of a parallel call: runs part `part` of `parts` on `context`.
typedef void (*ck_task)(void *context, int part, int parts);

/// Runs task(context, p, parts) for p = 0 ..< parts, part 0 on the calling thread and the others
/// on persistent workers (created on first use, spinning briefly between calls, then sleeping).
/// A call from inside a part runs its parts serially on that thread.
/// Returns when every part is done. Not reentrant: one caller at a time (callers serialize).
void ck_parallel(ck_task task, void *context, int parts);

/// Claims the next run of work items from a counter the parts of one parallel call share
/// (`*next`, starting at 0): a guided split, each claim taking max(1, remaining / (2·parts)) items,
/// so a part that starts late (a worker still waking) takes less and nobody waits long at the end.
/// Stores the run's first item in `*first` and returns its length, 0 when all `total` are claimed.
long ck_claim(long *next, long total, int parts, long *first);

#endif
