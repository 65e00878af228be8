"""The model registry ``inference/`` reads: ``$AMMED_MODEL_DIR/registry.json``.

Format (version 1; documented in docs/training.md)::

    {"version": 1,
     "models": {
       "<name>": {"path": "<file relative to the registry's folder>", "format": "gguf",
                  "quant": "Q4_K_M", "arch": "llama", "chat_template": "chatml",
                  "stop": ["<|im_end|>"], "n_ctx": 4096, "base": "...", "adapter": "...",
                  "data_card": "...", "sha256": "...", "size_bytes": 123, "created": "ISO-8601"}}}

One writer: the file is read and written only through ``inference.models`` (``read_registry``,
``register``: atomic temp file + rename, so a reader never sees half a registry); this module
adds what training needs on top (the entry for an exported GGUF, its checksum, the
manifest line) and no longer writes the file itself.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REGISTRY = "registry.json"


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_registry(model_dir: str | Path) -> dict[str, Any]:
    """``{"version": 1, "models": {...}}`` (read through ``inference.models``)."""
    from inference.models import read_registry as read_models

    return {"version": 1, "models": read_models(Path(model_dir))}


def register_model(
    model_dir: str | Path,
    name: str,
    gguf_path: str | Path,
    *,
    quant: str,
    n_ctx: int = 4096,
    base: str = "",
    adapter: str = "",
    data_card: str = "",
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Add or replace ``name``; the GGUF must lie inside ``model_dir`` (paths stay relative)."""
    model_dir = Path(model_dir).resolve()
    gguf_path = Path(gguf_path).resolve()
    try:
        rel = gguf_path.relative_to(model_dir)
    except ValueError as exc:
        raise ValueError(f"{gguf_path} is not inside the model dir {model_dir}") from exc
    entry: dict[str, Any] = {
        "path": str(rel),
        "format": "gguf",
        "quant": quant,
        "arch": "llama",
        "chat_template": "chatml",
        "stop": ["<|im_end|>"],
        "n_ctx": n_ctx,
        "base": base,
        "adapter": adapter,
        "data_card": data_card,
        "sha256": _sha256(gguf_path),
        "size_bytes": gguf_path.stat().st_size,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        **(extra or {}),
    }
    from inference.models import register

    register(model_dir, name, entry)
    return entry


def record_in_inference_manifest(model_dir: str | Path, entry: dict[str, Any]) -> bool:
    """Also list the file in ``inference``'s ``manifest.json`` (issue 8), so ``manage.py llm
    list --verify`` checks its checksum. False when the inference app is not present."""
    try:
        from inference.models import ModelEntry, read_manifest, write_manifest
    except ImportError:
        return False
    model_dir = Path(model_dir)
    entries = read_manifest(model_dir)
    entries[entry["path"]] = ModelEntry(
        file=entry["path"],
        repo="local:training",
        filename=Path(entry["path"]).name,
        revision=entry.get("base", "") or "local",
        size_bytes=entry["size_bytes"],
        sha256=entry["sha256"],
        pulled_at=entry["created"],
    )
    write_manifest(model_dir, entries)
    return True


def resolve(model_dir: str | Path, name: str) -> Path:
    """Absolute GGUF path for ``name`` (KeyError when not registered)."""
    reg = read_registry(model_dir)
    return (Path(model_dir) / reg["models"][name]["path"]).resolve()
