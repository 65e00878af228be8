"""The whole pipeline at small scale (what the CPU proof test and ``manage.py train_small`` run).

data set -> sentencepiece tokenizer -> tiny InternLM2 checkpoint (random) -> Llama layout ->
LoRA -> merge -> GGUF (F16) -> Q8_0 and Q4_K_M -> registry -> llama.cpp load + generate.
Sizes default to something a 2-core machine does in about a minute.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from training.lora import TrainConfig, encode_records, merge_adapter, read_jsonl, train


@dataclass
class SmallConfig:
    hidden: int = 256
    layers: int = 2
    heads: int = 4
    kv_heads: int = 2
    intermediate: int = 512
    vocab: int = 1200
    lora_steps: int = 8
    batch: int = 4
    max_len: int = 128
    seed: int = 0
    quants: tuple[str, ...] = ("Q8_0", "Q4_K_M")
    name: str = "ammed-tiny"


def run_small_pipeline(
    data_dir: str | Path,
    work_dir: str | Path,
    model_dir: str | Path,
    cfg: SmallConfig | None = None,
    progress: Callable[[str], None] = lambda s: None,
) -> dict[str, Any]:
    import torch

    from training import convert, internlm2, tokenizer
    from training.gguf_export import export_gguf
    from training.quantize import quantize
    from training.registry import register_model

    cfg = cfg or SmallConfig()
    torch.manual_seed(cfg.seed)
    data_dir, work, models = Path(data_dir), Path(work_dir), Path(model_dir)
    work.mkdir(parents=True, exist_ok=True)
    models.mkdir(parents=True, exist_ok=True)
    train_rows = read_jsonl(data_dir / "train.jsonl")
    val_rows = read_jsonl(data_dir / "val.jsonl") or train_rows[:4]
    texts = [m["content"] for r in train_rows for m in r["messages"]]
    sp_path = tokenizer.train_sentencepiece(texts, work / "tokenizer.model", vocab_size=cfg.vocab)
    sp = tokenizer.load(sp_path)
    progress(f"tokenizer: {sp.vocab_size()} pieces")

    icfg = internlm2.InternLM2Config(
        vocab_size=sp.vocab_size(),
        hidden_size=cfg.hidden,
        intermediate_size=cfg.intermediate,
        num_hidden_layers=cfg.layers,
        num_attention_heads=cfg.heads,
        num_key_value_heads=cfg.kv_heads,
        max_position_embeddings=512,
    )
    ilm = internlm2.save_checkpoint(internlm2.random_model(icfg, seed=cfg.seed), work / "internlm2")
    (ilm / "tokenizer.model").write_bytes(sp_path.read_bytes())
    llama_dir = convert.convert_internlm2_dir_to_llama(ilm, work / "llama")
    progress("converted InternLM2 -> Llama layout")

    from transformers import LlamaForCausalLM

    model = LlamaForCausalLM.from_pretrained(str(llama_dir), dtype=torch.float32)
    tcfg = TrainConfig(
        mode="lora",
        steps=cfg.lora_steps,
        batch_size=cfg.batch,
        max_len=cfg.max_len,
        lr=5e-3,
        warmup=1,
        eval_every=cfg.lora_steps,
        eval_batches=2,
        log_every=1,
        lora_r=8,
        lora_alpha=16,
        lora_dropout=0.0,
    )
    log: list[dict[str, Any]] = []
    res = train(
        model,
        encode_records(train_rows, sp, cfg.max_len),
        encode_records(val_rows, sp, cfg.max_len),
        tcfg,
        device="cpu",
        pad_id=sp.unk_id(),
        log=log.append,
    )
    progress(
        f"LoRA {cfg.lora_steps} steps: val {res['val_loss_first']:.3f} -> {res['val_loss_last']:.3f}"
    )
    merged = merge_adapter(res["model"], work / "merged")
    (merged / "tokenizer.model").write_bytes(sp_path.read_bytes())

    f16 = export_gguf(merged, models / f"{cfg.name}-f16.gguf", name=cfg.name)
    outputs = {"F16": f16}
    for q in cfg.quants:
        outputs[q] = quantize(f16, models / f"{cfg.name}-{q.lower()}.gguf", q)
        register_model(
            models,
            f"{cfg.name}-{q.lower()}",
            outputs[q],
            quant=q,
            n_ctx=512,
            base="random-init tiny InternLM2 (test)",
            adapter="LoRA r=8",
            data_card=str(data_dir / "data_card.json"),
        )
    progress("GGUF exported, quantised, registered")
    return {
        "train": {k: v for k, v in res.items() if k != "model"},
        "log": log,
        "gguf": {k: str(v) for k, v in outputs.items()},
        "tokenizer": str(sp_path),
        "merged": str(merged),
    }


def generate(
    gguf_path: str | Path, messages: list[dict[str, str]], max_tokens: int = 16
) -> dict[str, Any]:
    """Load a GGUF with llama-cpp-python and complete a ChatML prompt (greedy).

    Loaded through ``inference.llama_runtime.load_llama``: on an AMX CPU llama.cpp's AMX
    kernels crash the process on quantised weights (see that module)."""
    from inference.llama_runtime import load_llama
    from training.chat import render

    llm = load_llama(gguf_path, n_ctx=512, n_threads=2, verbose=False, seed=0)
    out = llm.create_completion(
        render(messages, add_generation_prompt=True),
        max_tokens=max_tokens,
        temperature=0.0,
        stop=["<|im_end|>"],
    )
    return {
        "text": out["choices"][0]["text"],
        "usage": out["usage"],
        "metadata": dict(llm.metadata),
    }


def write_json(path: str | Path, obj: Any) -> None:
    Path(path).write_text(json.dumps(obj, ensure_ascii=False, indent=2, default=str))
