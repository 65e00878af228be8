"""The local model cache (``AMMED_MODEL_DIR``): download, checksum, list.

``manifest.json`` in the cache records, for every pulled file, where it came from
(Hugging Face repo + file + revision), its size and its SHA-256, so a deployment can
prove which weights it runs and ``llm list --verify`` can detect a corrupted file.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from inference.errors import LLMError, ModelNotFound

MANIFEST = "manifest.json"


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


@dataclass
class ListedModel:
    file: str
    size_bytes: int
    entry: ModelEntry | None
    verified: bool | None = None  # None: not checked


def list_models(model_dir: Path, *, verify: bool = False) -> list[ListedModel]:
    """Every GGUF in the cache, with its manifest entry (if pulled) and optional re-check."""
    entries = read_manifest(model_dir)
    out: list[ListedModel] = []
    if not model_dir.is_dir():
        return out
    for path in sorted(model_dir.rglob("*.gguf")):
        rel = str(path.relative_to(model_dir))
        entry = entries.get(rel)
        item = ListedModel(file=rel, size_bytes=path.stat().st_size, entry=entry)
        if verify and entry is not None:
            item.verified = sha256_of(path) == entry.sha256
        out.append(item)
    for rel in sorted(set(entries) - {m.file for m in out}):
        raise ModelNotFound(f"{rel} is in {MANIFEST} but missing from {model_dir}")
    return out
