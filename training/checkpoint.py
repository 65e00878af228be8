"""Read and write safetensors checkpoints (single file or sharded with an index)."""

from __future__ import annotations

import json
from pathlib import Path

import torch

INDEX = "model.safetensors.index.json"


def load_state_dict(path: str | Path) -> dict[str, torch.Tensor]:
    """All tensors of a checkpoint directory (``model.safetensors`` or sharded)."""
    from safetensors.torch import load_file

    p = Path(path)
    if (p / INDEX).exists():
        index = json.loads((p / INDEX).read_text())
        sd: dict[str, torch.Tensor] = {}
        for shard in sorted(set(index["weight_map"].values())):
            sd.update(load_file(str(p / shard)))
        return sd
    files = sorted(p.glob("*.safetensors"))
    if not files:
        raise FileNotFoundError(f"no *.safetensors in {p}")
    sd = {}
    for f in files:
        sd.update(load_file(str(f)))
    return sd


def save_state_dict(
    sd: dict[str, torch.Tensor], out_dir: str | Path, max_shard_bytes: int = 4 * 2**30
) -> list[Path]:
    """Write tensors as one file, or as shards plus ``model.safetensors.index.json``."""
    from safetensors.torch import save_file

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    shards: list[dict[str, torch.Tensor]] = [{}]
    size = 0
    for name, t in sd.items():
        nbytes = t.numel() * t.element_size()
        if shards[-1] and size + nbytes > max_shard_bytes:
            shards.append({})
            size = 0
        shards[-1][name] = t.contiguous()
        size += nbytes
    if len(shards) == 1:
        path = out / "model.safetensors"
        save_file(shards[0], str(path), metadata={"format": "pt"})
        return [path]
    paths, weight_map = [], {}
    for i, shard in enumerate(shards, 1):
        fname = f"model-{i:05d}-of-{len(shards):05d}.safetensors"
        save_file(shard, str(out / fname), metadata={"format": "pt"})
        paths.append(out / fname)
        weight_map.update({k: fname for k in shard})
    total = sum(t.numel() * t.element_size() for t in sd.values())
    (out / INDEX).write_text(
        json.dumps({"metadata": {"total_size": total}, "weight_map": weight_map}, indent=2)
    )
    return paths
