"""Data sources for the training set, one module each.

Each module exposes ``INFO`` (a :class:`SourceInfo`) and ``load(path, limit) -> Iterator[Sample]``.
``path`` is the file or folder to read (public sets: under ``AMMED_SHARED_DATA_DIR``; our own
knowledge: ``None``). A source that cannot run here raises :class:`SourceUnavailable`; the
builder skips it and says why in the data card.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class SourceUnavailable(RuntimeError):
    """The source's package, engine or files are not present."""


@dataclass(frozen=True)
class SourceInfo:
    name: str
    licence: str
    commercial_use: bool
    origin: str
    shared_path: str | None = None  # relative to the shared data dir, for public sets


def jsonl_rows(path: Path | None, limit: int | None = None) -> Iterator[dict[str, Any]]:
    """The JSON objects of a JSON-lines file (blank lines skipped, at most ``limit`` lines)."""
    if path is None or not Path(path).exists():
        raise SourceUnavailable(f"{path} not found")
    with Path(path).open(encoding="utf-8") as f:
        for n, line in enumerate(f):
            if limit and n >= limit:
                return
            if line.strip():
                yield json.loads(line)


# name -> module (lazy: imported when the builder runs it).
SOURCES: dict[str, str] = {
    "cmekg_labels": "training.sources.cmekg",
    "engines": "training.sources.engines",
    "safety_refusals": "training.sources.refusals",
    "am_med_agent_labels": "training.sources.medicine_instructions",
    "toyhom_dialogue": "training.sources.toyhom",
    "shennong_tcm": "training.sources.shennong",
    "tianchi_ner": "training.sources.tianchi_ner",
    "huatuo": "training.sources.huatuo",
    "chatmed_consult": "training.sources.chatmed",
}


def get(name: str):  # -> module with INFO and load()
    return importlib.import_module(SOURCES[name])
