"""A minimal InternLM2 reference forward pass in plain torch (no remote code).

Offline, transformers has no InternLM2 class and ``trust_remote_code`` cannot fetch
``modeling_internlm2.py``. This module re-implements the forward pass from the published
architecture so that (a) tests can build a tiny InternLM2-shaped checkpoint with random
weights, and (b) the InternLM2 -> Llama converter can be checked logit for logit.

Architecture facts relied on (InternLM2 / InternLM2.5):
- ``wqkv`` packs, for each key/value head, its ``n_heads // n_kv_heads`` query heads, then
  its key head, then its value head: rows reshape to ``[n_kv, groups + 2, head_dim]``.
- RoPE is the rotate-half form used by HF Llama (no interleaving), so no permutation is
  needed between InternLM2 and HF Llama weights.
- SwiGLU MLP: ``w2(silu(w1 x) * w3 x)``; RMSNorm before attention and MLP; untied output.
Dynamic NTK rope scaling (InternLM2.5's ``rope_scaling``) only changes positions beyond
``max_position_embeddings`` and is not implemented here.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import torch
from torch import nn


@dataclass
class InternLM2Config:
    vocab_size: int = 92544
    hidden_size: int = 4096
    intermediate_size: int = 14336
    num_hidden_layers: int = 32
    num_attention_heads: int = 32
    num_key_value_heads: int = 8
    max_position_embeddings: int = 32768
    rms_norm_eps: float = 1e-5
    rope_theta: float = 1_000_000.0
    bos_token_id: int = 1
    eos_token_id: int = 2
    pad_token_id: int = 0
    rope_scaling: dict[str, Any] | None = None
    tie_word_embeddings: bool = False

    @property
    def head_dim(self) -> int:
        return self.hidden_size // self.num_attention_heads

    @property
    def groups(self) -> int:
        return self.num_attention_heads // self.num_key_value_heads

    def to_hf_dict(self) -> dict[str, Any]:
        """``config.json`` as the InternLM2 remote code writes it."""
        d = asdict(self)
        d.update(
            {
                "architectures": ["InternLM2ForCausalLM"],
                "model_type": "internlm2",
                "bias": False,
                "hidden_act": "silu",
                "attn_implementation": "eager",
                "torch_dtype": "float32",
                "auto_map": {
                    "AutoConfig": "configuration_internlm2.InternLM2Config",
                    "AutoModelForCausalLM": "modeling_internlm2.InternLM2ForCausalLM",
                },
            }
        )
        return d

    @classmethod
    def from_hf_dict(cls, d: dict[str, Any]) -> InternLM2Config:
        names = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in d.items() if k in names})

    @classmethod
    def from_dir(cls, path: str | Path) -> InternLM2Config:
        return cls.from_hf_dict(json.loads((Path(path) / "config.json").read_text()))


class RMSNorm(nn.Module):
    def __init__(self, dim: int, eps: float) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))
        self.eps = eps

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        dtype = x.dtype
        x32 = x.float()
        x32 = x32 * torch.rsqrt(x32.pow(2).mean(-1, keepdim=True) + self.eps)
        return self.weight * x32.to(dtype)


def _rotate_half(x: torch.Tensor) -> torch.Tensor:
    x1, x2 = x.chunk(2, dim=-1)
    return torch.cat((-x2, x1), dim=-1)


def rope_cos_sin(
    seq_len: int, head_dim: int, theta: float, device: torch.device, dtype: torch.dtype
) -> tuple[torch.Tensor, torch.Tensor]:
    inv_freq = 1.0 / (theta ** (torch.arange(0, head_dim, 2, device=device).float() / head_dim))
    t = torch.arange(seq_len, device=device).float()
    freqs = torch.outer(t, inv_freq)
    emb = torch.cat((freqs, freqs), dim=-1)
    return emb.cos().to(dtype), emb.sin().to(dtype)


class Attention(nn.Module):
    def __init__(self, cfg: InternLM2Config) -> None:
        super().__init__()
        self.cfg = cfg
        out = (cfg.num_attention_heads + 2 * cfg.num_key_value_heads) * cfg.head_dim
        self.wqkv = nn.Linear(cfg.hidden_size, out, bias=False)
        self.wo = nn.Linear(cfg.num_attention_heads * cfg.head_dim, cfg.hidden_size, bias=False)

    def forward(self, x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
        c = self.cfg
        b, n, _ = x.shape
        qkv = self.wqkv(x).view(b, n, c.num_key_value_heads, c.groups + 2, c.head_dim)
        q = qkv[..., : c.groups, :].reshape(b, n, c.num_attention_heads, c.head_dim)
        k = qkv[..., -2, :]
        v = qkv[..., -1, :]
        q, k, v = (t.transpose(1, 2) for t in (q, k, v))  # [b, heads, n, hd]
        q = q * cos + _rotate_half(q) * sin
        k = k * cos + _rotate_half(k) * sin
        k = k.repeat_interleave(c.groups, dim=1)
        v = v.repeat_interleave(c.groups, dim=1)
        att = (q @ k.transpose(-1, -2)) / math.sqrt(c.head_dim)
        mask = torch.full((n, n), float("-inf"), device=x.device).triu(1)
        att = torch.softmax((att + mask).float(), dim=-1).to(q.dtype)
        y = (att @ v).transpose(1, 2).reshape(b, n, c.num_attention_heads * c.head_dim)
        return self.wo(y)


class FeedForward(nn.Module):
    def __init__(self, cfg: InternLM2Config) -> None:
        super().__init__()
        self.w1 = nn.Linear(cfg.hidden_size, cfg.intermediate_size, bias=False)
        self.w3 = nn.Linear(cfg.hidden_size, cfg.intermediate_size, bias=False)
        self.w2 = nn.Linear(cfg.intermediate_size, cfg.hidden_size, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.w2(nn.functional.silu(self.w1(x)) * self.w3(x))


class DecoderLayer(nn.Module):
    def __init__(self, cfg: InternLM2Config) -> None:
        super().__init__()
        self.attention = Attention(cfg)
        self.feed_forward = FeedForward(cfg)
        self.attention_norm = RMSNorm(cfg.hidden_size, cfg.rms_norm_eps)
        self.ffn_norm = RMSNorm(cfg.hidden_size, cfg.rms_norm_eps)

    def forward(self, x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
        x = x + self.attention(self.attention_norm(x), cos, sin)
        return x + self.feed_forward(self.ffn_norm(x))


class _Backbone(nn.Module):
    def __init__(self, cfg: InternLM2Config) -> None:
        super().__init__()
        self.tok_embeddings = nn.Embedding(cfg.vocab_size, cfg.hidden_size)
        self.layers = nn.ModuleList(DecoderLayer(cfg) for _ in range(cfg.num_hidden_layers))
        self.norm = RMSNorm(cfg.hidden_size, cfg.rms_norm_eps)


class InternLM2ForCausalLM(nn.Module):
    """State-dict compatible with the official ``InternLM2ForCausalLM`` (bias-free)."""

    def __init__(self, cfg: InternLM2Config) -> None:
        super().__init__()
        self.config = cfg
        self.model = _Backbone(cfg)
        self.output = nn.Linear(cfg.hidden_size, cfg.vocab_size, bias=False)

    def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
        x = self.model.tok_embeddings(input_ids)
        cos, sin = rope_cos_sin(
            input_ids.shape[1], self.config.head_dim, self.config.rope_theta, x.device, x.dtype
        )
        for layer in self.model.layers:
            x = layer(x, cos, sin)
        return self.output(self.model.norm(x))


def random_model(cfg: InternLM2Config, seed: int = 0, std: float = 0.02) -> InternLM2ForCausalLM:
    """A model with reproducible random weights (norm weights random too, so tests see them)."""
    gen = torch.Generator().manual_seed(seed)
    model = InternLM2ForCausalLM(cfg)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("norm.weight"):
                p.copy_(1.0 + 0.1 * torch.randn(p.shape, generator=gen))
            else:
                p.copy_(std * torch.randn(p.shape, generator=gen))
    return model


def save_checkpoint(model: InternLM2ForCausalLM, out_dir: str | Path) -> Path:
    """Write ``config.json`` + ``model.safetensors`` in the official InternLM2 layout."""
    from safetensors.torch import save_file

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "config.json").write_text(json.dumps(model.config.to_hf_dict(), indent=2))
    sd = {k: v.detach().contiguous() for k, v in model.state_dict().items()}
    save_file(sd, str(out / "model.safetensors"), metadata={"format": "pt"})
    return out


def load_checkpoint(path: str | Path) -> InternLM2ForCausalLM:
    from training.checkpoint import load_state_dict

    cfg = InternLM2Config.from_dir(path)
    model = InternLM2ForCausalLM(cfg)
    model.load_state_dict(load_state_dict(path))
    return model
