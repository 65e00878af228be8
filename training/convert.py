"""Convert checkpoints between the InternLM2 layout and the HF Llama layout, both ways.

InternLM2 -> Llama (per layer ``i``)::

    attention.wqkv  [(n_kv*(g+2))*hd, H]  -> q_proj [n_heads*hd, H], k_proj, v_proj [n_kv*hd, H]
    attention.wo                          -> self_attn.o_proj
    feed_forward.w1 / w3 / w2             -> mlp.gate_proj / up_proj / down_proj
    attention_norm / ffn_norm             -> input_layernorm / post_attention_layernorm
    model.tok_embeddings / output         -> model.embed_tokens / lm_head

``g = n_heads // n_kv``; the packed rows are ``[n_kv, g + 2, hd]``: ``g`` query heads, then the
key head, then the value head of each group. RoPE is rotate-half in both layouts, so the
split is a pure reshape: the round trip is exact (tensor-equal).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import torch

from training.checkpoint import load_state_dict, save_state_dict
from training.internlm2 import InternLM2Config

_LAYER = re.compile(r"^model\.layers\.(\d+)\.(.+)$")

_I2L = {
    "attention.wo.weight": "self_attn.o_proj.weight",
    "feed_forward.w1.weight": "mlp.gate_proj.weight",
    "feed_forward.w3.weight": "mlp.up_proj.weight",
    "feed_forward.w2.weight": "mlp.down_proj.weight",
    "attention_norm.weight": "input_layernorm.weight",
    "ffn_norm.weight": "post_attention_layernorm.weight",
}
_L2I = {v: k for k, v in _I2L.items()}
_TOP_I2L = {
    "model.tok_embeddings.weight": "model.embed_tokens.weight",
    "model.norm.weight": "model.norm.weight",
    "output.weight": "lm_head.weight",
}
_TOP_L2I = {v: k for k, v in _TOP_I2L.items()}


class ConversionError(ValueError):
    """The checkpoint does not have the tensors or shapes the layout requires."""


def split_wqkv(
    wqkv: torch.Tensor, n_heads: int, n_kv: int, head_dim: int
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    g = n_heads // n_kv
    hidden = wqkv.shape[-1]
    if wqkv.shape[0] != n_kv * (g + 2) * head_dim:
        raise ConversionError(
            f"wqkv has {wqkv.shape[0]} rows, expected {n_kv * (g + 2) * head_dim}"
        )
    w = wqkv.reshape(n_kv, g + 2, head_dim, hidden)
    q = w[:, :g].reshape(n_heads * head_dim, hidden)
    k = w[:, g].reshape(n_kv * head_dim, hidden)
    v = w[:, g + 1].reshape(n_kv * head_dim, hidden)
    return q.clone(), k.clone(), v.clone()


def pack_wqkv(
    q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, n_heads: int, n_kv: int, head_dim: int
) -> torch.Tensor:
    g = n_heads // n_kv
    hidden = q.shape[-1]
    qg = q.reshape(n_kv, g, head_dim, hidden)
    kg = k.reshape(n_kv, 1, head_dim, hidden)
    vg = v.reshape(n_kv, 1, head_dim, hidden)
    return torch.cat([qg, kg, vg], dim=1).reshape(n_kv * (g + 2) * head_dim, hidden).clone()


def internlm2_to_llama_state_dict(
    sd: dict[str, torch.Tensor], cfg: InternLM2Config
) -> dict[str, torch.Tensor]:
    out: dict[str, torch.Tensor] = {}
    for name, t in sd.items():
        if name in _TOP_I2L:
            out[_TOP_I2L[name]] = t
            continue
        m = _LAYER.match(name)
        if not m:
            raise ConversionError(f"unexpected InternLM2 tensor {name}")
        i, rest = m.groups()
        prefix = f"model.layers.{i}."
        if rest == "attention.wqkv.weight":
            q, k, v = split_wqkv(t, cfg.num_attention_heads, cfg.num_key_value_heads, cfg.head_dim)
            out[prefix + "self_attn.q_proj.weight"] = q
            out[prefix + "self_attn.k_proj.weight"] = k
            out[prefix + "self_attn.v_proj.weight"] = v
        elif rest in _I2L:
            out[prefix + _I2L[rest]] = t
        else:
            raise ConversionError(f"unexpected InternLM2 tensor {name}")
    return out


def llama_to_internlm2_state_dict(
    sd: dict[str, torch.Tensor], cfg: InternLM2Config
) -> dict[str, torch.Tensor]:
    out: dict[str, torch.Tensor] = {}
    pending: dict[str, dict[str, torch.Tensor]] = {}
    for name, t in sd.items():
        if name in _TOP_L2I:
            out[_TOP_L2I[name]] = t
            continue
        m = _LAYER.match(name)
        if not m:
            if name.endswith("rotary_emb.inv_freq"):
                continue
            raise ConversionError(f"unexpected Llama tensor {name}")
        i, rest = m.groups()
        if rest in (
            "self_attn.q_proj.weight",
            "self_attn.k_proj.weight",
            "self_attn.v_proj.weight",
        ):
            pending.setdefault(i, {})[rest.split(".")[1][0]] = t
        elif rest in _L2I:
            out[f"model.layers.{i}.{_L2I[rest]}"] = t
        elif rest.endswith("rotary_emb.inv_freq"):
            continue
        else:
            raise ConversionError(f"unexpected Llama tensor {name}")
    for i, qkv in pending.items():
        if set(qkv) != {"q", "k", "v"}:
            raise ConversionError(f"layer {i} lacks one of q/k/v projections")
        out[f"model.layers.{i}.attention.wqkv.weight"] = pack_wqkv(
            qkv["q"],
            qkv["k"],
            qkv["v"],
            cfg.num_attention_heads,
            cfg.num_key_value_heads,
            cfg.head_dim,
        )
    return out


def llama_config_dict(cfg: InternLM2Config) -> dict[str, Any]:
    """``config.json`` for ``LlamaForCausalLM`` equivalent to an InternLM2 config."""
    d: dict[str, Any] = {
        "architectures": ["LlamaForCausalLM"],
        "model_type": "llama",
        "vocab_size": cfg.vocab_size,
        "hidden_size": cfg.hidden_size,
        "intermediate_size": cfg.intermediate_size,
        "num_hidden_layers": cfg.num_hidden_layers,
        "num_attention_heads": cfg.num_attention_heads,
        "num_key_value_heads": cfg.num_key_value_heads,
        "head_dim": cfg.head_dim,
        "max_position_embeddings": cfg.max_position_embeddings,
        "rms_norm_eps": cfg.rms_norm_eps,
        "rope_theta": cfg.rope_theta,
        "hidden_act": "silu",
        "attention_bias": False,
        "mlp_bias": False,
        "tie_word_embeddings": cfg.tie_word_embeddings,
        "bos_token_id": cfg.bos_token_id,
        "eos_token_id": cfg.eos_token_id,
        "pad_token_id": cfg.pad_token_id,
        "torch_dtype": "float32",
    }
    if cfg.rope_scaling:
        rs = dict(cfg.rope_scaling)
        rs.setdefault("rope_type", rs.pop("type", "default"))
        d["rope_scaling"] = rs
    return d


def internlm2_config_from_llama(d: dict[str, Any]) -> InternLM2Config:
    rs = d.get("rope_scaling")
    if rs:
        rs = dict(rs)
        rs["type"] = rs.pop("rope_type", rs.get("type", "default"))
    rope_theta = d.get("rope_theta") or (d.get("rope_parameters") or {}).get("rope_theta", 1e6)
    return InternLM2Config(
        vocab_size=d["vocab_size"],
        hidden_size=d["hidden_size"],
        intermediate_size=d["intermediate_size"],
        num_hidden_layers=d["num_hidden_layers"],
        num_attention_heads=d["num_attention_heads"],
        num_key_value_heads=d.get("num_key_value_heads") or d["num_attention_heads"],
        max_position_embeddings=d["max_position_embeddings"],
        rms_norm_eps=d["rms_norm_eps"],
        rope_theta=float(rope_theta),
        bos_token_id=d.get("bos_token_id", 1),
        eos_token_id=d.get("eos_token_id", 2),
        pad_token_id=d.get("pad_token_id") or 0,
        rope_scaling=rs or None,
        tie_word_embeddings=bool(d.get("tie_word_embeddings", False)),
    )


_TOKENIZER_FILES = ("tokenizer.model", "tokenizer_config.json", "special_tokens_map.json")


def copy_tokenizer(src: Path, dst: Path) -> None:
    for f in _TOKENIZER_FILES:
        if (src / f).exists():
            shutil.copy2(src / f, dst / f)


def convert_internlm2_dir_to_llama(src: str | Path, dst: str | Path) -> Path:
    """InternLM2 checkpoint directory -> Llama-layout directory (tokenizer copied along)."""
    src, dst = Path(src), Path(dst)
    cfg = InternLM2Config.from_dir(src)
    sd = internlm2_to_llama_state_dict(load_state_dict(src), cfg)
    dst.mkdir(parents=True, exist_ok=True)
    save_state_dict(sd, dst)
    (dst / "config.json").write_text(json.dumps(llama_config_dict(cfg), indent=2))
    copy_tokenizer(src, dst)
    return dst


def convert_llama_dir_to_internlm2(src: str | Path, dst: str | Path) -> Path:
    """Llama-layout directory -> InternLM2 checkpoint directory (repacks ``wqkv``)."""
    src, dst = Path(src), Path(dst)
    cfg = internlm2_config_from_llama(json.loads((src / "config.json").read_text()))
    sd = llama_to_internlm2_state_dict(load_state_dict(src), cfg)
    dst.mkdir(parents=True, exist_ok=True)
    save_state_dict(sd, dst)
    (dst / "config.json").write_text(json.dumps(cfg.to_hf_dict(), indent=2))
    copy_tokenizer(src, dst)
    return dst
