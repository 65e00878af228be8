"""Instruction data for fine-tuning a real model on AM-Med's two model tasks (issue 20).

- **Understanding**: a patient message → the JSON object of
  ``clinical.agent.understanding.schema.UNDERSTANDING_SCHEMA`` (intent, medicines, foods,
  symptoms), prompted exactly as the product prompts (``understanding.model.messages_for``).
  The messages are Toyhom ``ask`` texts (MIT), clipped like the evaluation set, with every
  id of the labelled evaluation set (``bench/data/llm_eval_labels.csv``) and of the lexicon
  labels left out. The targets are **silver**: what the deterministic rules
  (``understanding.rules``) read. Nobody hand-labelled 7,000 messages; a model tuned on
  these learns to imitate the rules, so it can at best match them on the labelled set.
- **Phrasing**: an engine's draft → its phrasing, prompted exactly as the product prompts
  (``inference.phrasing.phrasing_messages``). Drafts are the guidance and diet engines'
  answers over synthetic vignettes (``training.sources.engines``); the target is the draft
  itself after a fixed greeting (您好，), since no human rewrites exist: the model learns to
  restate every fact, number, drug name and care advice and to add nothing.

Rows are OpenAI ``messages`` (the last one the assistant's), written as gzipped JSON lines.
Needs Django (the rules read the medication KB; the diet engine reads the database).
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
EVAL_LABELS = ROOT / "bench" / "data" / "llm_eval_labels.csv"
# Every lexicon label file (the 420-sample, the held-out slices, the development draws).
LEXICON_LABELS = ROOT / "bench" / "data"
GREETING = "您好，"
# Vignette seeds: training drafts and evaluation drafts never share a vignette.
TRAIN_VIGNETTE_SEED = 20261129  # training.vignettes' default
EVAL_VIGNETTE_SEED = 20261204


def held_out_ids() -> set[str]:
    """Ids that must never be trained on: the LLM evaluation set and every lexicon label file."""
    out: set[str] = set()
    for path in (EVAL_LABELS, *sorted(LEXICON_LABELS.glob("lexicon_*.csv"))):
        if path.is_file():
            with path.open(encoding="utf-8", newline="") as fh:
                out |= {row["id"] for row in csv.DictReader(fh)}
    return out


def toyhom_utterances(shared: Path) -> Iterator[tuple[str, str]]:
    """(id, clipped text) of the Toyhom asks, ids as ``bench/lexicon_eval.py`` makes them."""
    path = (
        shared
        / "toyhom-chinese-medical-dialogue"
        / "IM_internal_medicine_sample_5000-6000.utf8.csv"
    )
    with path.open(encoding="utf-8", newline="") as fh:
        for i, row in enumerate(csv.DictReader(fh)):
            text = " ".join(row["ask"].split())[:120]
            if len(text) < 4:
                continue
            key = f"toyhom:{path.name}:{i}:{hashlib.sha1(text.encode()).hexdigest()[:8]}"
            yield key, text


def understanding_target(text: str) -> dict[str, Any]:
    """What the rules read, in the schema's shape (the silver label)."""
    from clinical.agent.understanding import rules

    u = rules.understand(text)
    return {
        "intent": u.intent,
        "medicines": [m[:20] for m in u.medicines[:5]],
        "foods": [f[:20] for f in u.foods[:5]],
        "symptoms": [s[:20] for s in u.symptoms[:5]],
    }


def understanding_rows(shared: Path, limit: int | None = None) -> Iterator[dict[str, Any]]:
    from clinical.agent.understanding.model import messages_for

    skip = held_out_ids()
    seen: set[str] = set()
    n = 0
    for key, text in toyhom_utterances(shared):
        if key in skip or text in seen:
            continue
        seen.add(text)
        target = json.dumps(understanding_target(text), ensure_ascii=False)
        msgs = [*messages_for(text), {"role": "assistant", "content": target}]
        yield {"id": key, "task": "understanding", "messages": msgs}
        n += 1
        if limit and n >= limit:
            return


def engine_drafts(n_vignettes: int, seed: int) -> Iterator[dict[str, Any]]:
    """Engine drafts over vignettes: ``{id, kind, draft, structured, patient}``."""
    from training.sources import engine_guidance, engines
    from training.vignettes import make_vignettes

    ok, skipped = engines.available(make_vignettes(1, seed=seed)[0])
    for name, why in skipped.items():
        print(f"engine {name} skipped: {why}", file=sys.stderr)
    for v in make_vignettes(n_vignettes, seed=seed):
        for name, fn in ok.items():
            for i, (_q, answer, structured) in enumerate(fn(v)):
                yield {
                    "id": f"{seed}:{v['id']}:{name}:{i}",
                    "kind": engines.CATEGORY.get(name, name),
                    "draft": answer,
                    "structured": structured,
                    "patient": engine_guidance.patient_context(v),
                }


def phrasing_rows(n_vignettes: int, seed: int = TRAIN_VIGNETTE_SEED) -> Iterator[dict[str, Any]]:
    from inference.phrasing import phrasing_messages

    for d in engine_drafts(n_vignettes, seed):
        msgs = phrasing_messages(d["kind"], d["structured"], d["draft"])
        msgs.append({"role": "assistant", "content": GREETING + d["draft"]})
        yield {"id": d["id"], "task": "phrasing", "messages": msgs}


def split_of(key: str, val_share: float = 0.05) -> str:
    return "val" if hashlib.sha1(f"val:{key}".encode()).digest()[0] < 256 * val_share else "train"


def build(out: Path, shared: Path, *, n_vignettes: int = 300, limit: int | None = None) -> dict:
    """Write ``train.jsonl.gz`` and ``val.jsonl.gz`` under ``out``; returns the counts."""
    out.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    with (
        gzip.open(out / "train.jsonl.gz", "wt", encoding="utf-8") as train,
        gzip.open(out / "val.jsonl.gz", "wt", encoding="utf-8") as val,
    ):
        rows = [*understanding_rows(shared, limit), *phrasing_rows(n_vignettes)]
        for row in rows:
            part = split_of(row["id"])
            (val if part == "val" else train).write(json.dumps(row, ensure_ascii=False) + "\n")
            key = f"{row['task']}:{part}"
            counts[key] = counts.get(key, 0) + 1
    (out / "counts.json").write_text(json.dumps(counts, indent=2), encoding="utf-8")
    return counts


def main() -> None:
    import argparse
    import os

    import django

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--vignettes", type=int, default=300)
    ap.add_argument("--limit", type=int, default=None)
    args = ap.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ammed_fhir.settings")
    sys.path.insert(0, str(ROOT))
    django.setup()
    print(json.dumps(build(args.out, args.shared, n_vignettes=args.vignettes, limit=args.limit)))


if __name__ == "__main__":
    main()
