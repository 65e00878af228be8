"""Plain transformers + peft fine-tuning (no xtuner): LoRA, QLoRA where bitsandbytes works.

``train()`` is one loop for both full training (``mode="full"``, used to give a randomly
initialised model something to adapt) and LoRA (``mode="lora"``). It logs train loss every
``log_every`` steps and validation loss every ``eval_every`` steps as JSON lines, and
returns a summary with tokens/s and peak memory. ``merge_adapter()`` folds a LoRA adapter
into its base and saves a plain Llama-layout safetensors checkpoint.
"""

from __future__ import annotations

import json
import math
import random
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import torch

from training.chat import IGNORE, tokenize_conversation

LORA_TARGETS = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]


@dataclass
class TrainConfig:
    mode: str = "lora"  # "lora" | "full"
    steps: int = 100
    batch_size: int = 8
    max_len: int = 512
    lr: float = 2e-4
    warmup: int = 10
    weight_decay: float = 0.0
    lora_r: int = 16
    lora_alpha: int = 32
    lora_dropout: float = 0.05
    qlora: bool = False
    eval_every: int = 20
    eval_batches: int = 8
    log_every: int = 5
    seed: int = 1234
    bf16: bool = False
    grad_clip: float = 1.0
    targets: list[str] = field(default_factory=lambda: list(LORA_TARGETS))


def read_jsonl(path: str | Path) -> list[dict[str, Any]]:
    """Rows of a JSONL file (``.gz`` read transparently)."""
    import gzip

    p = Path(path)
    if not p.exists() and Path(f"{p}.gz").exists():
        p = Path(f"{p}.gz")
    opener = gzip.open if p.suffix == ".gz" else open
    with opener(p, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def encode_records(
    records: Sequence[dict[str, Any]], sp: Any, max_len: int
) -> list[tuple[list[int], list[int]]]:
    """Tokenise ``messages`` records; drops those with nothing left to learn after truncation."""
    out = []
    for r in records:
        ids, labels = tokenize_conversation(r["messages"], sp, sp.bos_id(), max_len)
        if any(t != IGNORE for t in labels):
            out.append((ids, labels))
    return out


def batches(
    data: Sequence[tuple[list[int], list[int]]], batch_size: int, seed: int, pad_id: int
) -> Iterator[tuple[torch.Tensor, torch.Tensor, torch.Tensor]]:
    """Endless shuffled padded batches (deterministic for a seed)."""
    rng = random.Random(seed)
    order = list(range(len(data)))
    while True:
        rng.shuffle(order)
        for i in range(
            0, len(order) - batch_size + 1 if len(order) >= batch_size else 1, batch_size
        ):
            yield collate([data[j] for j in order[i : i + batch_size]], pad_id)


def collate(
    items: Sequence[tuple[list[int], list[int]]], pad_id: int
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    n = max(len(ids) for ids, _ in items)
    ids = torch.full((len(items), n), pad_id, dtype=torch.long)
    labels = torch.full((len(items), n), IGNORE, dtype=torch.long)
    mask = torch.zeros((len(items), n), dtype=torch.long)
    for i, (a, b) in enumerate(items):
        ids[i, : len(a)] = torch.tensor(a)
        labels[i, : len(b)] = torch.tensor(b)
        mask[i, : len(a)] = 1
    return ids, labels, mask


def load_model(model_dir: str | Path, cfg: TrainConfig, device: str) -> Any:
    """A ``LlamaForCausalLM`` (4-bit NF4 when ``cfg.qlora`` and bitsandbytes+CUDA exist)."""
    from transformers import LlamaForCausalLM

    dtype = torch.bfloat16 if cfg.bf16 else torch.float32
    if cfg.qlora:
        try:
            import bitsandbytes  # noqa: F401
            from transformers import BitsAndBytesConfig
        except ImportError as exc:
            raise RuntimeError(
                "QLoRA needs bitsandbytes (pip install bitsandbytes) and CUDA"
            ) from exc
        if not torch.cuda.is_available():
            raise RuntimeError("QLoRA needs a CUDA device")
        from peft import prepare_model_for_kbit_training

        bnb = BitsAndBytesConfig(
            load_in_4bit=True,
            bnb_4bit_quant_type="nf4",
            bnb_4bit_use_double_quant=True,
            bnb_4bit_compute_dtype=torch.bfloat16,
        )
        model = LlamaForCausalLM.from_pretrained(
            str(model_dir), quantization_config=bnb, dtype=torch.bfloat16, device_map={"": 0}
        )
        return prepare_model_for_kbit_training(model, use_gradient_checkpointing=True)
    model = LlamaForCausalLM.from_pretrained(str(model_dir), dtype=dtype)
    return model.to(device)


def wrap_lora(model: Any, cfg: TrainConfig) -> Any:
    from peft import LoraConfig, get_peft_model

    lcfg = LoraConfig(
        r=cfg.lora_r,
        lora_alpha=cfg.lora_alpha,
        lora_dropout=cfg.lora_dropout,
        target_modules=cfg.targets,
        bias="none",
        task_type="CAUSAL_LM",
    )
    return get_peft_model(model, lcfg)


@torch.no_grad()
def evaluate_loss(
    model: Any, data: Sequence, batch_size: int, n_batches: int, pad_id: int, device: str
) -> float:
    """Token-weighted mean cross-entropy over the first ``n_batches`` of ``data`` (fixed order)."""
    model.eval()
    total, count = 0.0, 0
    for b in range(min(n_batches, math.ceil(len(data) / batch_size))):
        ids, labels, mask = collate(data[b * batch_size : (b + 1) * batch_size], pad_id)
        ids, labels, mask = ids.to(device), labels.to(device), mask.to(device)
        logits = model(input_ids=ids, attention_mask=mask).logits.float()
        loss = torch.nn.functional.cross_entropy(
            logits[:, :-1].reshape(-1, logits.shape[-1]),
            labels[:, 1:].reshape(-1),
            ignore_index=IGNORE,
            reduction="sum",
        )
        total += loss.item()
        count += int((labels[:, 1:] != IGNORE).sum())
    model.train()
    return total / max(count, 1)


def train(
    model: Any,
    train_data: Sequence,
    val_data: Sequence,
    cfg: TrainConfig,
    *,
    device: str,
    pad_id: int,
    log: Callable[[dict[str, Any]], None] = lambda rec: None,
) -> dict[str, Any]:
    """Run ``cfg.steps`` optimiser steps; returns losses, tokens/s and peak memory."""
    torch.manual_seed(cfg.seed)
    if cfg.mode == "lora" and not hasattr(model, "peft_config"):
        model = wrap_lora(model, cfg)
    params = [p for p in model.parameters() if p.requires_grad]
    n_trainable = sum(p.numel() for p in params)
    n_total = sum(p.numel() for p in model.parameters())
    opt = torch.optim.AdamW(params, lr=cfg.lr, weight_decay=cfg.weight_decay, betas=(0.9, 0.95))

    def lr_at(step: int) -> float:
        if step < cfg.warmup:
            return cfg.lr * (step + 1) / cfg.warmup
        progress = (step - cfg.warmup) / max(1, cfg.steps - cfg.warmup)
        return cfg.lr * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * progress)))

    if torch.cuda.is_available() and device.startswith("cuda"):
        torch.cuda.reset_peak_memory_stats()
    model.train()
    it = batches(train_data, cfg.batch_size, cfg.seed, pad_id)
    first_val = evaluate_loss(model, val_data, cfg.batch_size, cfg.eval_batches, pad_id, device)
    log({"mode": cfg.mode, "step": 0, "val_loss": first_val})
    history = [{"step": 0, "val_loss": first_val}]
    tokens = 0
    t0 = time.perf_counter()
    train_time = 0.0
    last_loss = float("nan")
    for step in range(1, cfg.steps + 1):
        ts = time.perf_counter()
        ids, labels, mask = (t.to(device) for t in next(it))
        for g in opt.param_groups:
            g["lr"] = lr_at(step - 1)
        with torch.autocast(
            device_type="cuda", dtype=torch.bfloat16, enabled=cfg.bf16 and device.startswith("cuda")
        ):
            out = model(input_ids=ids, attention_mask=mask, labels=labels)
        out.loss.backward()
        if cfg.grad_clip:
            torch.nn.utils.clip_grad_norm_(params, cfg.grad_clip)
        opt.step()
        opt.zero_grad(set_to_none=True)
        tokens += int(mask.sum())
        last_loss = out.loss.item()  # syncs the device, so the step time below is real
        train_time += time.perf_counter() - ts
        if step % cfg.log_every == 0 or step == cfg.steps:
            log(
                {
                    "mode": cfg.mode,
                    "step": step,
                    "train_loss": last_loss,
                    "lr": lr_at(step - 1),
                    "tokens": tokens,
                    "elapsed_s": round(time.perf_counter() - t0, 3),
                }
            )
        if step % cfg.eval_every == 0 or step == cfg.steps:
            v = evaluate_loss(model, val_data, cfg.batch_size, cfg.eval_batches, pad_id, device)
            history.append({"step": step, "val_loss": v, "train_loss": last_loss})
            log({"mode": cfg.mode, "step": step, "val_loss": v})
    peak = torch.cuda.max_memory_allocated() if device.startswith("cuda") else None
    return {
        "model": model,
        "mode": cfg.mode,
        "config": asdict(cfg),
        "trainable_params": n_trainable,
        "total_params": n_total,
        "tokens": tokens,
        "train_seconds": round(train_time, 3),
        "tokens_per_s": round(tokens / train_time, 1) if train_time else None,
        "peak_mem_bytes": peak,
        "val_loss_first": first_val,
        "val_loss_last": history[-1]["val_loss"],
        "train_loss_last": last_loss,
        "history": history,
    }


def merge_adapter(peft_model: Any, out_dir: str | Path) -> Path:
    """Fold LoRA weights into the base and save a plain Llama checkpoint (fp32 safetensors)."""
    merged = peft_model.merge_and_unload()
    out = Path(out_dir)
    merged.to(torch.float32).save_pretrained(str(out), safe_serialization=True)
    return out


def merge_adapter_dirs(base_dir: str | Path, adapter_dir: str | Path, out_dir: str | Path) -> Path:
    """Merge a saved adapter (``save_pretrained`` output) into a saved base checkpoint."""
    from peft import PeftModel
    from transformers import LlamaForCausalLM

    from training.convert import copy_tokenizer

    base = LlamaForCausalLM.from_pretrained(str(base_dir), dtype=torch.float32)
    out = merge_adapter(PeftModel.from_pretrained(base, str(adapter_dir)), out_dir)
    copy_tokenizer(Path(base_dir), out)
    return out
