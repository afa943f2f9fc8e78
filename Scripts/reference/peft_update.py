"""The PyTorch + HF transformers + PEFT anchor for Scripts/bench --reference.

Times one prompt-tuning update on the same GGUF and the same data as ptune-bench: the first
`--batch` pairs of `--pairs` (Scripts/bench passes the file `ptune-bench --write-pairs` made, whose
examples are exactly `--length` tokens each), `--virtual-tokens` rows initialized from the
reference init text (PEFT TEXT init), Adam lr 0.03, full batch, fp32, `--threads` threads.
Also the peak resident memory while training (the high-water mark is reset after loading, as
ptune-bench does). Prints one JSON line. Run by Scripts/bench inside its virtual environment.
"""
import argparse
import json
import os
import resource
import statistics
import time

import torch
from peft import PromptTuningConfig, PromptTuningInit, TaskType, get_peft_model
from transformers import AutoModelForCausalLM, AutoTokenizer

INIT_TEXT = "Classify the sentiment of this review:"


def reset_peak():
    """Resets the kernel's resident high-water mark (VmHWM) to the current resident set (Linux)."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def peak_mib():
    """VmHWM in MiB, or None where /proc is missing."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024)
    except OSError:
        return None
    return None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True)
    parser.add_argument("--pairs", default="Docs/examples/sentiment.jsonl")
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--virtual-tokens", type=int, default=20)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--warmups", type=int, default=2)
    parser.add_argument("--updates", type=int, default=10)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)

    directory, name = os.path.split(os.path.abspath(args.model))
    start = time.perf_counter()
    tokenizer = AutoTokenizer.from_pretrained(directory, gguf_file=name)
    model = AutoModelForCausalLM.from_pretrained(directory, gguf_file=name, torch_dtype=torch.float32)
    load_s = time.perf_counter() - start
    model.eval()
    config = PromptTuningConfig(
        task_type=TaskType.CAUSAL_LM, num_virtual_tokens=args.virtual_tokens,
        prompt_tuning_init=PromptTuningInit.TEXT, prompt_tuning_init_text=INIT_TEXT,
        tokenizer_name_or_path=directory, tokenizer_kwargs={"gguf_file": name})
    model = get_peft_model(model, config)

    with open(args.pairs) as f:
        pairs = [json.loads(line) for line in f if line.strip()][: args.batch]
    rows, labels = [], []
    for pair in pairs:
        text_in = tokenizer("Input: " + pair["input"] + " Output:", add_special_tokens=False).input_ids
        target = tokenizer(" " + pair["output"], add_special_tokens=False).input_ids + [2]
        rows.append(text_in + target)
        labels.append([-100] * len(text_in) + target)
    width = max(len(r) for r in rows)
    input_ids = torch.tensor([r + [2] * (width - len(r)) for r in rows])
    attention = torch.tensor([[1] * len(r) + [0] * (width - len(r)) for r in rows])
    label_ids = torch.tensor([l + [-100] * (width - len(l)) for l in labels])

    reset_peak()
    optimizer = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=0.03)

    def update():
        optimizer.zero_grad()
        loss = model(input_ids=input_ids, attention_mask=attention, labels=label_ids).loss
        loss.backward()
        optimizer.step()
        return loss.item()

    for _ in range(args.warmups):
        update()
    times = []
    for _ in range(args.updates):
        start = time.perf_counter()
        update()
        times.append(time.perf_counter() - start)
    print(json.dumps({
        "benchmark": "pytorch+peft", "torch": torch.__version__, "threads": args.threads,
        "load_s": round(load_s, 3), "train_update_s": round(statistics.median(times), 3),
        "train_update_s_range": [min(times), max(times)],
        "positions": int(input_ids.numel()) + args.batch * args.virtual_tokens,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "train_peak_rss_mib": peak_mib(),
        "train_shape": f"batch {len(rows)} x {sorted(set(len(r) for r in rows))} tokens + {args.virtual_tokens} virtual tokens",
    }))


if __name__ == "__main__":
    main()
