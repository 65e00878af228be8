"""The H200 run: ~100M-parameter InternLM2-shaped model, full pre-train then LoRA, on our data.

Plain script (no Django), so it runs on the device machine's image (python3 3.12, torch,
transformers, peft, sentencepiece). Usage::

    PYTHONPATH=.gpu/i9 python3 -m training.gpu_run --data .gpu/i9/data --out $OUT \
        --pretrain-s 120 --lora-s 100

Steps: (1) random InternLM2 weights -> converted to the Llama layout with
``training.convert`` (the same converter the 7B path uses); (2) short full pre-train on the
broad mix (drug-label Q&A, dialogue) so LoRA has a model that already reads Chinese label
text; (3) LoRA on the task split with validation loss every ``eval_every`` steps; (4) merge;
(5) a timed LoRA step benchmark on 7B-shaped decoder layers (InternLM2.5-7B dims, bf16)
at 2 and 4 layers, extrapolated to 32 layers, for the runbook's time estimate.
Writes ``loss_log.jsonl`` and ``summary.json`` into ``--out``.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path
from typing import Any

import torch

from training import convert, internlm2
from training.lora import TrainConfig, encode_records, merge_adapter, read_jsonl, train


def calibrate_steps(seconds: float, step_s: float, lo: int = 20) -> int:
    return max(lo, int(seconds / max(step_s, 1e-3)))


def time_per_step(model: Any, data: list, cfg: TrainConfig, device: str, pad_id: int) -> float:
    """Seconds per optimiser step, measured after a warm-up probe (CUDA start-up excluded)."""
    base = {**cfg.__dict__, "eval_every": 10**9, "eval_batches": 0, "log_every": 10**9}
    warm = TrainConfig(**{**base, "steps": 4})
    train(model, data, data[:1], warm, device=device, pad_id=pad_id)
    probe = TrainConfig(**{**base, "steps": 10})
    res = train(model, data, data[:1], probe, device=device, pad_id=pad_id)
    return res["train_seconds"] / probe.steps


def bench_7b_layers(device: str, seq: int = 2048, batch: int = 1) -> dict[str, Any]:
    """LoRA train-step time for InternLM2.5-7B-shaped stacks of 2 and 4 layers (bf16)."""
    from peft import LoraConfig, get_peft_model
    from transformers import LlamaConfig, LlamaForCausalLM

    out: dict[str, Any] = {"seq": seq, "batch": batch, "layers": {}}
    for n_layers in (2, 4):
        cfg = LlamaConfig(
            vocab_size=92544,
            hidden_size=4096,
            intermediate_size=14336,
            num_hidden_layers=n_layers,
            num_attention_heads=32,
            num_key_value_heads=8,
            max_position_embeddings=32768,
            rms_norm_eps=1e-5,
            rope_theta=1e6,
            tie_word_embeddings=False,
        )
        with torch.device(device):
            model = LlamaForCausalLM(cfg).to(torch.bfloat16)
        model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
        model.enable_input_require_grads()
        model = get_peft_model(
            model,
            LoraConfig(
                r=64,
                lora_alpha=16,
                lora_dropout=0.1,
                task_type="CAUSAL_LM",
                target_modules=[
                    "q_proj",
                    "k_proj",
                    "v_proj",
                    "o_proj",
                    "gate_proj",
                    "up_proj",
                    "down_proj",
                ],
            ),
        )
        opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-4)
        ids = torch.randint(0, 92544, (batch, seq), device=device)
        times = []
        for i in range(8):
            torch.cuda.synchronize()
            t = time.perf_counter()
            loss = model(input_ids=ids, labels=ids).loss
            loss.backward()
            opt.step()
            opt.zero_grad(set_to_none=True)
            torch.cuda.synchronize()
            if i >= 3:
                times.append(time.perf_counter() - t)
        times.sort()
        out["layers"][n_layers] = {"step_s_median": times[len(times) // 2]}
        del model, opt
        torch.cuda.empty_cache()
    t2, t4 = out["layers"][2]["step_s_median"], out["layers"][4]["step_s_median"]
    per_layer = (t4 - t2) / 2
    fixed = t2 - 2 * per_layer
    step32 = fixed + 32 * per_layer
    out.update(
        {
            "per_layer_s": per_layer,
            "fixed_s": fixed,
            "est_step_s_32_layers": step32,
            "est_tokens_per_s_7b_bf16_lora": batch * seq / step32,
        }
    )
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--pretrain-s", type=float, default=120)
    ap.add_argument("--lora-s", type=float, default=100)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--max-len", type=int, default=384)
    ap.add_argument("--skip-7b-bench", action="store_true")
    ap.add_argument(
        "--smoke", action="store_true", help="tiny model, for a CPU check of the script"
    )
    args = ap.parse_args()
    data, out = Path(args.data), Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    log_f = (out / "loss_log.jsonl").open("w")
    t_start = time.perf_counter()

    def log(rec: dict[str, Any]) -> None:
        rec = {"t": round(time.perf_counter() - t_start, 2), **rec}
        log_f.write(json.dumps(rec) + "\n")
        log_f.flush()
        if "val_loss" in rec:
            print(json.dumps(rec), flush=True)

    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_file=str(data / "tokenizer.model"))
    pre_train = encode_records(read_jsonl(data / "pretrain_train.jsonl"), sp, args.max_len)
    pre_val = encode_records(read_jsonl(data / "pretrain_val.jsonl"), sp, args.max_len)
    ft_train = encode_records(read_jsonl(data / "train.jsonl"), sp, args.max_len)
    ft_val = encode_records(read_jsonl(data / "val.jsonl"), sp, args.max_len)
    print(
        f"examples: pretrain {len(pre_train)}/{len(pre_val)}, finetune {len(ft_train)}/{len(ft_val)}",
        flush=True,
    )

    # (1) InternLM2-shaped random init -> Llama layout through the converter.
    dims = (
        {
            "hidden_size": 64,
            "intermediate_size": 128,
            "num_hidden_layers": 2,
            "num_attention_heads": 4,
        }
        if args.smoke
        else {
            "hidden_size": 768,
            "intermediate_size": 2048,
            "num_hidden_layers": 12,
            "num_attention_heads": 12,
        }
    )
    icfg = internlm2.InternLM2Config(
        vocab_size=sp.vocab_size(),
        num_key_value_heads=dims["num_attention_heads"] // 3 if not args.smoke else 2,
        max_position_embeddings=2048,
        rope_theta=1e6,
        **dims,
    )
    ckpt = Path("/tmp/ammed_gpu")
    internlm2.save_checkpoint(internlm2.random_model(icfg, seed=7), ckpt / "internlm2")
    convert.convert_internlm2_dir_to_llama(ckpt / "internlm2", ckpt / "llama")
    from transformers import LlamaForCausalLM

    model = LlamaForCausalLM.from_pretrained(str(ckpt / "llama"), dtype=torch.float32).to(device)
    n_params = sum(p.numel() for p in model.parameters())
    print(f"model params: {n_params / 1e6:.1f}M", flush=True)
    pad = sp.unk_id()

    # (2) full pre-train.
    pcfg = TrainConfig(
        mode="full",
        batch_size=args.batch,
        max_len=args.max_len,
        lr=1e-3,
        warmup=50,
        weight_decay=0.1,
        bf16=True,
        eval_every=100,
        eval_batches=8,
        log_every=10,
    )
    step_s = time_per_step(model, pre_train, pcfg, device, pad)
    pcfg.steps = calibrate_steps(args.pretrain_s, step_s)
    pcfg.eval_every = max(20, pcfg.steps // 15)
    print(f"pretrain: {step_s * 1000:.1f} ms/step -> {pcfg.steps} steps", flush=True)
    pre = train(model, pre_train, pre_val, pcfg, device=device, pad_id=pad, log=log)

    # (3) LoRA on the task split.
    lcfg = TrainConfig(
        mode="lora",
        batch_size=args.batch,
        max_len=args.max_len,
        lr=1e-3,
        warmup=20,
        lora_r=16,
        lora_alpha=32,
        bf16=True,
        eval_every=25,
        eval_batches=16,
        log_every=5,
    )
    lcfg.steps = 30
    probe_model = pre["model"]
    from training.lora import wrap_lora

    peft_model = wrap_lora(probe_model, lcfg)
    step_s = time_per_step(peft_model, ft_train, lcfg, device, pad)
    # The probe trained the adapter for 6 steps; start LoRA from a fresh adapter.
    peft_model = peft_model.unload() if hasattr(peft_model, "unload") else probe_model
    lcfg.steps = calibrate_steps(args.lora_s, step_s)
    lcfg.eval_every = max(10, lcfg.steps // 20)
    print(f"lora: {step_s * 1000:.1f} ms/step -> {lcfg.steps} steps", flush=True)
    ft = train(peft_model, ft_train, ft_val, lcfg, device=device, pad_id=pad, log=log)

    # (4) merge.
    merge_adapter(ft["model"], ckpt / "merged")

    summary = {
        "device": torch.cuda.get_device_name(0) if device == "cuda" else platform.processor(),
        "torch": torch.__version__,
        "model_params": n_params,
        "model_config": icfg.__dict__,
        "pretrain": {k: v for k, v in pre.items() if k != "model"},
        "lora": {k: v for k, v in ft.items() if k != "model"},
        "merged_files": sorted(p.name for p in (ckpt / "merged").iterdir()),
    }
    del pre, ft, model, peft_model, probe_model
    torch.cuda.empty_cache()
    (out / "summary.json").write_text(json.dumps(summary, indent=2, default=str))
    if device == "cuda" and not args.skip_7b_bench:
        try:
            summary["bench_7b_layers"] = bench_7b_layers(device)
        except Exception as exc:  # the small run's results must come back regardless
            summary["bench_7b_layers"] = {"error": repr(exc)}
    summary["wall_s"] = round(time.perf_counter() - t_start, 1)
    (out / "summary.json").write_text(json.dumps(summary, indent=2, default=str))
    print(json.dumps({k: summary[k] for k in ("device", "model_params", "wall_s")}), flush=True)
    for phase in ("pretrain", "lora"):
        s = summary[phase]
        print(
            phase,
            {
                k: s[k]
                for k in (
                    "steps" if False else "tokens",
                    "tokens_per_s",
                    "peak_mem_bytes",
                    "val_loss_first",
                    "val_loss_last",
                    "trainable_params",
                )
            },
            flush=True,
        )
    if "bench_7b_layers" in summary:
        print("bench_7b", json.dumps(summary["bench_7b_layers"]), flush=True)


if __name__ == "__main__":
    main()
