"""Build the instruction data set: sources -> PII scrub -> length filter -> de-dup -> split.

Writes into ``out_dir``:
- ``train.jsonl`` / ``val.jsonl``: OpenAI-style ``{"messages": [...], "source", "kind"}``
  (xtuner reads these with ``openai_map_fn``);
- ``train.xtuner.jsonl`` / ``val.xtuner.jsonl``: xtuner's ``{"conversation": [...]}``;
- ``eval_prompts.jsonl``: held-out prompts (validation rows of our own sources) with the
  reference answer, for ``training.evaluate``;
- ``data_card.json`` / ``data_card.md``: counts per source and split, licences, what was
  dropped and why, and which sources were skipped and why.
The split is a stable hash of (seed, question): rebuilding with the same seed and sources
gives byte-identical files.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from training import cleaning
from training.records import Sample
from training.sources import SOURCES, SourceUnavailable, get

OWN_SOURCES = ("cmekg_labels", "engines", "safety_refusals")
# Public sets whose licence allows use beyond research (default build).
DEFAULT_PUBLIC = ("toyhom_dialogue",)


@dataclass
class BuildConfig:
    out_dir: Path
    sources: tuple[str, ...] = OWN_SOURCES + DEFAULT_PUBLIC
    shared_dir: Path | None = None
    paths: dict[str, Path] = field(default_factory=dict)  # explicit file per source (tests)
    limit_per_source: int | None = None
    seed: int = 20261129
    val_ratio: float = 0.05
    allow_research_only: bool = False
    min_answer: int = 4
    max_chars: int = 2048


def _source_path(name: str, cfg: BuildConfig, shared_path: str | None) -> Path | None:
    if name in cfg.paths:
        return Path(cfg.paths[name])
    if shared_path and cfg.shared_dir:
        return Path(cfg.shared_dir) / shared_path
    return None


def _write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> int:
    n = 0
    with path.open("w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n")
            n += 1
    return n


def build(cfg: BuildConfig, progress: Callable[[str], None] = lambda s: None) -> dict[str, Any]:
    """Build the data set; returns the data card (also written to ``out_dir``)."""
    out = Path(cfg.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    card: dict[str, Any] = {
        "built": datetime.now(UTC).isoformat(timespec="seconds"),
        "seed": cfg.seed,
        "val_ratio": cfg.val_ratio,
        "filters": {"min_answer_chars": cfg.min_answer, "max_chars": cfg.max_chars},
        "sources": {},
        "skipped": {},
        "dropped": Counter(),
        "pii_replacements": 0,
    }
    kept: list[Sample] = []
    seen: set[str] = set()
    for name in cfg.sources:
        if name not in SOURCES:
            raise ValueError(f"unknown source {name!r}; known: {sorted(SOURCES)}")
        mod = get(name)
        info = mod.INFO
        if not info.commercial_use and not cfg.allow_research_only:
            card["skipped"][name] = (
                f"research-only licence ({info.licence}); pass --allow-research-only"
            )
            continue
        path = _source_path(name, cfg, info.shared_path)
        counts: Counter[str] = Counter()
        rows: list[Sample] = []
        keys: set[str] = set()
        try:
            for s in mod.load(path, cfg.limit_per_source):
                counts["read"] += 1
                card["pii_replacements"] += cleaning.scrub_sample(s)
                if not cleaning.length_ok(s, cfg.min_answer, cfg.max_chars):
                    card["dropped"]["length"] += 1
                    continue
                key = cleaning.dedup_key(s)
                if key in seen or key in keys:
                    card["dropped"]["duplicate"] += 1
                    continue
                keys.add(key)
                counts["kept"] += 1
                rows.append(s)
        except SourceUnavailable as exc:  # nothing of a failed source is kept
            card["skipped"][name] = str(exc)
            progress(f"skip {name}: {exc}")
            continue
        seen |= keys
        kept.extend(rows)
        if name == "engines":
            from training.sources import engines

            for eng, why in engines.SKIPPED.items():
                card["skipped"][f"engines.{eng}"] = why
            for eng, n in engines.HELD.items():
                card["dropped"][f"monitor_held.engines.{eng}"] += n
        card["sources"][name] = {
            "licence": info.licence,
            "commercial_use": info.commercial_use,
            "origin": info.origin,
            "path": str(path) if path else None,
            "read": counts["read"],
            "kept": counts["kept"],
        }
        progress(f"{name}: read {counts['read']}, kept {counts['kept']}")

    train, val = [], []
    for s in kept:
        (val if cleaning.is_validation(s, cfg.seed, cfg.val_ratio) else train).append(s)
    files = {
        "train.jsonl": _write_jsonl(out / "train.jsonl", (s.to_openai() for s in train)),
        "val.jsonl": _write_jsonl(out / "val.jsonl", (s.to_openai() for s in val)),
        "train.xtuner.jsonl": _write_jsonl(
            out / "train.xtuner.jsonl", (s.to_xtuner() for s in train)
        ),
        "val.xtuner.jsonl": _write_jsonl(out / "val.xtuner.jsonl", (s.to_xtuner() for s in val)),
        "eval_prompts.jsonl": _write_jsonl(
            out / "eval_prompts.jsonl",
            (
                {
                    "messages": s.messages[:-1],
                    "reference": s.assistant_text,
                    "source": s.source,
                    "kind": s.kind,
                    "meta": s.meta,
                }
                for s in val
                if s.source in OWN_SOURCES
            ),
        ),
    }
    split = {"train": Counter(s.source for s in train), "val": Counter(s.source for s in val)}
    for name, entry in card["sources"].items():
        entry["train"] = split["train"][name]
        entry["val"] = split["val"][name]
    card["dropped"] = dict(card["dropped"])
    card["files"] = files
    card["kinds"] = dict(Counter(s.kind.split(":")[0] for s in kept))
    card["totals"] = {"train": len(train), "val": len(val)}
    (out / "data_card.json").write_text(
        json.dumps(card, ensure_ascii=False, indent=2, sort_keys=True)
    )
    (out / "data_card.md").write_text(render_card_md(card), encoding="utf-8")
    return card


def render_card_md(card: dict[str, Any]) -> str:
    lines = [
        "# AM-Med training data card",
        "",
        f"Built {card['built']}, seed {card['seed']}, validation ratio {card['val_ratio']}.",
        f"Totals: {card['totals']['train']} train, {card['totals']['val']} validation.",
        f"Personal identifiers replaced: {card['pii_replacements']}. Dropped: {card['dropped'] or 'none'}.",
        "",
        "| source | licence | commercial use | read | kept | train | val |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, e in sorted(card["sources"].items()):
        lines.append(
            f"| {name} | {e['licence']} | {'yes' if e['commercial_use'] else 'no (research only)'} "
            f"| {e['read']} | {e['kept']} | {e['train']} | {e['val']} |"
        )
    if card["skipped"]:
        lines += ["", "Skipped:", ""]
        lines += [f"- `{k}`: {v}" for k, v in sorted(card["skipped"].items())]
    return "\n".join(lines) + "\n"
