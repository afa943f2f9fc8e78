"""The llama.cpp anchor for Scripts/bench --reference: load, prefill and decode speed.

Measures llama.cpp (through llama-cpp-python) on the same GGUF and the same work as ptune-bench:
for run r = 0 ..< --runs, a prompt of --prompt-tokens pseudo-random ordinary token ids drawn
exactly as ptune's `DecodeBenchmark` draws them (SeededRNG(seed: r): xoshiro256** seeded through
SplitMix64, Lemire's bounded integers, ids from 17 up), prefilled in one batch, then
--decode-tokens greedy steps (argmax of the logits, stop tokens ignored). With --decode-context N
the decode runs after an N-token prompt instead (decode speed against context length).
--threads threads for both batch and single-token evaluation. Prints one JSON line (medians).
Run by Scripts/bench inside its virtual environment.
"""
import argparse
import json
import statistics
import time

import llama_cpp
import numpy as np

MASK = (1 << 64) - 1


class SeededRNG:
    """ptune's Numerics.SeededRNG, bit for bit."""

    def __init__(self, seed):
        x = seed

        def split_mix():
            nonlocal x
            x = (x + 0x9E3779B97F4A7C15) & MASK
            z = x
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
            return z ^ (z >> 31)

        self.s = [split_mix() for _ in range(4)]

    def next(self):
        s0, s1, s2, s3 = self.s
        r = ((s1 * 5) & MASK)
        result = (((r << 7) | (r >> 57)) & MASK) * 9 & MASK
        t = (s1 << 17) & MASK
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = ((s3 << 45) | (s3 >> 19)) & MASK
        self.s = [s0, s1, s2, s3]
        return result

    def next_int(self, n):
        return (self.next() * n) >> 64


def prompt_ids(seed, count, vocab, reserved=17):
    rng = SeededRNG(seed)
    skip = reserved if reserved < vocab else 0
    return [skip + rng.next_int(vocab - skip) for _ in range(count)]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--prompt-tokens", type=int, default=64)
    parser.add_argument("--decode-tokens", type=int, default=64)
    parser.add_argument("--decode-context", type=int, default=0,
                        help="decode after a prompt of this many tokens (0: the --prompt-tokens prompt)")
    args = parser.parse_args()

    context = max(args.prompt_tokens, args.decode_context) + args.decode_tokens + 16
    loads = []
    llm = None
    for _ in range(args.runs):
        llm = None
        start = time.perf_counter()
        llm = llama_cpp.Llama(model_path=args.model, n_ctx=context, n_batch=max(512, context),
                              n_ubatch=max(512, context), n_threads=args.threads, n_threads_batch=args.threads,
                              logits_all=False, verbose=False)
        loads.append(time.perf_counter() - start)
    vocab = llm.n_vocab()

    def run(seed, prompt_count):
        ids = prompt_ids(seed, prompt_count, vocab)
        llm.reset()  # eval drops cached positions from n_tokens (now 0) on
        start = time.perf_counter()
        llm.eval(ids)
        prefill = time.perf_counter() - start
        token = int(np.argmax(llm.scores[llm.n_tokens - 1]))
        start = time.perf_counter()
        for _ in range(args.decode_tokens):
            llm.eval([token])
            token = int(np.argmax(llm.scores[llm.n_tokens - 1]))
        decode = time.perf_counter() - start
        return prompt_count / prefill, args.decode_tokens / decode

    run(100, 16)  # warm-up
    prefill, decode = [], []
    for r in range(args.runs):
        p, d = run(r, args.decode_context or args.prompt_tokens)
        prefill.append(p)
        decode.append(d)
    print(json.dumps({
        "benchmark": "llama.cpp", "llama_cpp_python": llama_cpp.__version__, "threads": args.threads,
        "runs": args.runs, "load_s": round(statistics.median(loads), 3),
        "prompt_tokens": args.decode_context or args.prompt_tokens,
        "prefill_tokens_per_s": round(statistics.median(prefill)),
        "decode_tokens_per_s": round(statistics.median(decode), 1),
        "decode_tokens_per_s_range": [round(min(decode), 1), round(max(decode), 1)],
    }))


if __name__ == "__main__":
    main()
