"""Does a language model help? Rules vs base model vs tuned model (issue 20).

On ``bench/data/llm_eval_labels.csv`` (340 real patient utterances, labelled by hand:
docs/llm_eval_labelling.md; dev and sealed halves) and on engine drafts for phrasing:

- understanding: intent accuracy, entity F1 (medicines, symptom concepts), red-flag symptom
  recall, JSON validity of the raw model output (schema-constrained decoding through the
  product backend). The model rows go through the product's own code
  (``clinical.agent.understanding.model.understand``: grounding, safer-reading union, rules
  fallback on invalid output), replaying the recorded raw output;
- phrasing: the share of model phrasings the guard (``inference.phrasing.guard``) accepts,
  and the share of the texts that would be sent (accepted phrasing, else the draft) the
  output monitor (``training.monitor_adapter.check``) releases;
- latency per call, where the generations were made (CPU here, GPU on the device).

The utterances are NOT in the repository (research-use corpora): ``prompts`` joins the
labels with ``../shared/data`` at run time into a transient file (keep it out of git).
Three steps, so generation can run on another machine::

    python bench/llm_eval.py prompts --out var/llm_eval/prompts.jsonl.xz
    python bench/llm_eval.py generate --model MODEL.gguf --prompts … --out gen-base.jsonl \
        [--gpu-layers 99] [--threads 2] [--limit N] [--split dev]
    python bench/llm_eval.py score --gen base=gen-base.jsonl --gen tuned=gen-tuned.jsonl \
        [--split dev|sealed|all] [--out bench/results/llm_eval.json]

``generate`` needs only llama-cpp-python and this checkout (no Django, no database).
Without ``../shared/data`` ``prompts`` says so and exits 0.
"""

from __future__ import annotations

import argparse
import csv
import json
import lzma
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
LABELS = ROOT / "bench" / "data" / "llm_eval_labels.csv"
PHRASING_VIGNETTES = 40


def _labels() -> list[dict[str, str]]:
    with LABELS.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _setup_django() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ammed_fhir.settings")
    django.setup()


# --------------------------------------------------------------------------- prompts
def cmd_prompts(args: argparse.Namespace) -> int:
    sys.path.insert(0, str(ROOT / "bench"))
    import lexicon_eval

    if not lexicon_eval.SHARED.is_dir():
        print(f"skipped: {lexicon_eval.SHARED} is not here (the corpora are not shipped)")
        return 0
    _setup_django()
    from clinical.agent.understanding.model import messages_for
    from inference.phrasing import phrasing_messages
    from training.instruct import EVAL_VIGNETTE_SEED, engine_drafts

    texts = lexicon_eval.utterances()
    rows: list[dict[str, Any]] = []
    missing = 0
    for lab in _labels():
        text = texts.get(lab["id"])
        if text is None:
            missing += 1
            continue
        rows.append(
            {
                "id": lab["id"],
                "task": "understanding",
                "split": lab["split"],
                "text": text,
                "messages": messages_for(text),
            }
        )
    for d in engine_drafts(PHRASING_VIGNETTES, EVAL_VIGNETTE_SEED):
        rows.append(
            {
                "id": d["id"],
                "task": "phrasing",
                "split": "dev",
                **d,
                "messages": phrasing_messages(d["kind"], d["structured"], d["draft"]),
            }
        )
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with lzma.open(out, "wt", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False, default=str) + "\n")
    n_u = sum(r["task"] == "understanding" for r in rows)
    print(f"{n_u} utterances ({missing} missing), {len(rows) - n_u} drafts -> {out}")
    return 0


def _read(path: str | Path) -> list[dict[str, Any]]:
    p = Path(path)
    opener: Any = lzma.open if p.suffix == ".xz" else open
    with opener(p, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


# -------------------------------------------------------------------------- generate
def cmd_generate(args: argparse.Namespace) -> int:
    from clinical.agent.understanding.schema import UNDERSTANDING_SCHEMA
    from inference.backends.llamacpp import LlamaCppBackend
    from inference.base import LLMConfig
    from inference.errors import LLMError

    rows = [r for r in _read(args.prompts) if args.split in ("all", r["split"])]
    if args.task != "all":
        rows = [r for r in rows if r["task"] == args.task]
    if args.shard:
        i, n = (int(x) for x in args.shard.split("/"))
        rows = rows[i::n]
    if args.limit:
        per_task: dict[str, int] = {}
        keep = []
        for r in rows:
            if per_task.get(r["task"], 0) < args.limit:
                keep.append(r)
                per_task[r["task"]] = per_task.get(r["task"], 0) + 1
        rows = keep
    cfg = LLMConfig(
        backend="llamacpp",
        model=args.model,
        model_dir=Path(args.model_dir),
        ctx=2048,
        gpu_layers=args.gpu_layers,
        threads=args.threads,
        flash_attn=bool(args.gpu_layers),
        timeout_s=120,
        max_tokens=256,
    )
    be = LlamaCppBackend(cfg)
    fmt = {"type": "json_object", "schema": UNDERSTANDING_SCHEMA}
    started = time.perf_counter()
    with open(args.out, "w", encoding="utf-8") as out:
        for i, r in enumerate(rows, 1):
            t = time.perf_counter()
            rec: dict[str, Any] = {"id": r["id"], "task": r["task"]}
            try:
                if r["task"] == "understanding":
                    rec["raw"] = be._complete(
                        r["messages"],
                        max_tokens=160,
                        temperature=0.0,
                        timeout_s=120,
                        response_format=fmt,
                    )
                else:
                    rec["raw"] = be.chat(r["messages"], temperature=0.3, max_tokens=256)
            except LLMError as exc:
                rec["error"] = f"{exc.__class__.__name__}: {exc}"
            rec["seconds"] = round(time.perf_counter() - t, 3)
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
            if i % args.progress == 0 or i == len(rows):
                el = time.perf_counter() - started
                print(f"[{i}/{len(rows)}] {el:.0f}s elapsed, {el / i:.2f}s/item", flush=True)
    info = be.describe()
    be.close()
    meta = Path(args.out).with_suffix(".meta.json")
    meta.write_text(json.dumps({**info, "items": len(rows), "split": args.split}, indent=2))
    return 0


# ----------------------------------------------------------------------------- score
class Replay:
    """A backend that answers with recorded raw output (the product code runs on it)."""

    name = "replay"
    generative = True

    def __init__(self, rec: dict[str, Any] | None) -> None:
        self.rec = rec or {"error": "LLMError: no generation recorded"}

    def structured(self, messages: Any, schema: dict[str, Any], **_: Any) -> dict[str, Any]:
        from inference.base import parse_json_object
        from inference.errors import LLMError

        if "error" in self.rec:
            raise LLMError(self.rec["error"])
        return parse_json_object(self.rec["raw"], schema)

    def chat(self, messages: Any, **_: Any) -> str:
        from inference.errors import LLMError

        if "error" in self.rec:
            raise LLMError(self.rec["error"])
        return str(self.rec["raw"])


def _split_cell(cell: str) -> list[str]:
    return [c for c in cell.split("|") if c]


def _concepts(names: list[str]) -> set[str]:
    """Symptom names (labels or free words) → concept ids of the shared lexicon."""
    from clinical.knowledge import symptoms

    by_label = {symptoms.label(k): k for k in symptoms.concepts()}
    out: set[str] = set()
    for n in names:
        if n in by_label:
            out.add(by_label[n])
        else:
            out |= set(symptoms.present(n))
    return out


def _med_match(pred: str, gold: str) -> bool:
    from clinical.agent.understanding import rules
    from clinical.knowledge.text import fold

    p, g = fold(pred), fold(gold)
    if p and g and (p in g or g in p):
        return True
    return pred in rules.medicines(gold)[0]


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def score_understanding(
    rows: list[dict[str, Any]], labels: dict[str, dict[str, str]], gen: dict[str, dict] | None
) -> dict[str, Any]:
    """Metrics for the rules (``gen`` None) or a model's recorded generations."""
    from clinical.agent.understanding import model as umodel
    from clinical.agent.understanding import rules
    from clinical.agent.understanding.schema import UNDERSTANDING_SCHEMA
    from clinical.knowledge import symptoms
    from inference.base import parse_json_object
    from inference.errors import LLMError

    n = correct = valid = 0
    mtp = mfp = mfn = stp = sfp = sfn = rtp = rfn = 0
    confusion: dict[str, dict[str, int]] = {}
    for r in rows:
        lab = labels[r["id"]]
        if gen is None:
            u = rules.understand(r["text"])
        else:
            rec = gen.get(r["id"])
            try:
                if rec is None or "error" in rec:
                    raise LLMError("no output")
                parse_json_object(rec["raw"], UNDERSTANDING_SCHEMA)
                valid += 1
            except LLMError:
                pass
            u = umodel.understand(r["text"], backend=Replay(rec))  # type: ignore[arg-type]
        n += 1
        correct += u.intent == lab["intent"]
        confusion.setdefault(lab["intent"], {}).setdefault(u.intent, 0)
        confusion[lab["intent"]][u.intent] += 1
        gold_m = _split_cell(lab["medicines"])
        used: set[int] = set()
        for p in u.medicines:
            hit = next(
                (i for i, g in enumerate(gold_m) if i not in used and _med_match(p, g)), None
            )
            if hit is None:
                mfp += 1
            else:
                used.add(hit)
                mtp += 1
        mfn += len(gold_m) - len(used)
        gold_s = set(_split_cell(lab["symptoms"]))
        got_s = _concepts(u.symptoms)
        stp += len(gold_s & got_s)
        sfp += len(got_s - gold_s)
        sfn += len(gold_s - got_s)
        red = {c for c in gold_s if symptoms.at_least(c, "urgent")}
        rtp += len(red & got_s)
        rfn += len(red - got_s)
    out: dict[str, Any] = {
        "utterances": n,
        "intent_accuracy": correct / n if n else 0.0,
        "medicines": _prf(mtp, mfp, mfn),
        "symptoms": _prf(stp, sfp, sfn),
        "red_flag_recall": rtp / (rtp + rfn) if rtp + rfn else 1.0,
        "red_flag_gold": rtp + rfn,
        "confusion": confusion,
    }
    if gen is not None:
        out["json_valid"] = valid / n if n else 0.0
    return out


def score_phrasing(rows: list[dict[str, Any]], gen: dict[str, dict] | None) -> dict[str, Any]:
    from inference.phrasing import phrase
    from training import monitor_adapter

    n = accepted = released = released_model = 0
    reasons: dict[str, int] = {}
    for r in rows:
        n += 1
        if gen is None:
            text, source = r["draft"], "template"
        else:
            res = phrase(r["kind"], r["structured"], r["draft"], backend=Replay(gen.get(r["id"])))  # type: ignore[arg-type]
            text, source = res.text, res.source
            if source == "model":
                accepted += 1
            else:
                key = res.reason.split(" [")[0]
                reasons[key] = reasons.get(key, 0) + 1
        verdict = monitor_adapter.check(
            text, r["kind"], patient=r["patient"], structured=r["structured"]
        )
        released += not verdict.held
        released_model += (not verdict.held) and source == "model"
    out: dict[str, Any] = {"drafts": n, "monitor_released": released / n if n else 0.0}
    if gen is not None:
        out["guard_accepted"] = accepted / n if n else 0.0
        out["model_text_released"] = released_model / n if n else 0.0
        out["rejections"] = reasons
    return out


def _latency(gen: dict[str, dict], task: str) -> dict[str, float]:
    secs = sorted(g["seconds"] for g in gen.values() if g["task"] == task)
    if not secs:
        return {}
    return {
        "median_s": round(statistics.median(secs), 3),
        "p95_s": round(secs[min(len(secs) - 1, int(0.95 * len(secs)))], 3),
        "n": len(secs),
    }


def cmd_score(args: argparse.Namespace) -> int:
    _setup_django()
    labels = {r["id"]: r for r in _labels()}
    prompts = _read(args.prompts)
    gens: dict[str, dict[str, dict] | None] = {"rules": None}
    for spec in args.gen:
        name, paths = spec.split("=", 1)
        gens[name] = {g["id"]: g for path in paths.split(",") for g in _read(path)}
    common: set[str] | None = None
    if args.only_generated:  # every row scored for all (rules too) on the same items
        for gen in gens.values():
            if gen is not None:
                common = set(gen) if common is None else common & set(gen)
        prompts = [r for r in prompts if common is None or r["id"] in common]
    results: dict[str, Any] = {}
    for split in ("dev", "sealed") if args.split == "all" else (args.split,):
        u_rows = [r for r in prompts if r["task"] == "understanding" and r["split"] == split]
        p_rows = [r for r in prompts if r["task"] == "phrasing"]
        for name, gen in gens.items():
            u_rows_g = u_rows
            print(f"scoring {name} on {split} ({len(u_rows_g)} utterances)…", flush=True)
            res = {"understanding": score_understanding(u_rows_g, labels, gen)}
            if split == "dev":
                pr = [r for r in p_rows if gen is None or r["id"] in gen]
                res["phrasing"] = score_phrasing(pr, gen)
            if gen is not None:
                res["latency"] = {t: _latency(gen, t) for t in ("understanding", "phrasing")}
            results.setdefault(split, {})[name] = res
    print(json.dumps(results, ensure_ascii=False, indent=1))
    if args.out:
        Path(args.out).write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("prompts")
    p.add_argument("--out", default="var/llm_eval/prompts.jsonl.xz")
    g = sub.add_parser("generate")
    g.add_argument("--model", required=True, help="GGUF path or registered name")
    g.add_argument("--model-dir", default=os.environ.get("AMMED_MODEL_DIR", "var/models"))
    g.add_argument("--prompts", default="var/llm_eval/prompts.jsonl.xz")
    g.add_argument("--out", required=True)
    g.add_argument("--gpu-layers", type=int, default=0)
    g.add_argument("--threads", type=int, default=0)
    g.add_argument("--split", default="all", choices=("dev", "sealed", "all"))
    g.add_argument("--task", default="all", choices=("understanding", "phrasing", "all"))
    g.add_argument("--limit", type=int, default=0, help="at most N items per task")
    g.add_argument("--progress", type=int, default=10)
    g.add_argument("--shard", default="", help="I/N: every N-th item from the I-th (parallel runs)")
    s = sub.add_parser("score")
    s.add_argument("--prompts", default="var/llm_eval/prompts.jsonl.xz")
    s.add_argument("--gen", action="append", default=[], help="NAME=generations.jsonl")
    s.add_argument("--split", default="all", choices=("dev", "sealed", "all"))
    s.add_argument(
        "--only-generated", action="store_true", help="score only items every model generated"
    )
    s.add_argument("--out", default="")
    args = ap.parse_args()
    return {"prompts": cmd_prompts, "generate": cmd_generate, "score": cmd_score}[args.cmd](args)


if __name__ == "__main__":
    raise SystemExit(main())
