"""Grounded answers from AM-Med's deterministic engines over synthetic vignettes.

Pluggable: ``ENGINES`` maps an engine name to the dotted path of an adapter callable
``f(vignette: dict) -> list[tuple[question, answer, grounding]]`` living in this package
(``engine_*.py``). The engines (medication guidance, issue 3; diet, issue 6; follow-up,
issue 5) land on main over time; an adapter whose engine is not present raises
``SourceUnavailable`` on its first call and the engine is named in the data card
(``skipped``) with the reason.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterator
from pathlib import Path

from training import monitor_adapter
from training.records import Sample
from training.sources import SourceInfo, SourceUnavailable, engine_guidance
from training.vignettes import make_vignettes

INFO = SourceInfo(
    name="engines",
    licence="AM-Med own (engine output over synthetic vignettes)",
    commercial_use=True,
    origin="clinical.* engines over training.vignettes",
)

ENGINES: dict[str, str] = {
    "guidance": "training.sources.engine_guidance:pairs",
    "diet": "training.sources.engine_diet:pairs",
    "followup": "training.sources.engine_pending:followup_pairs",
}

CATEGORY = {"guidance": "guidance", "diet": "diet", "followup": "followup"}
SKIPPED: dict[str, str] = {}
HELD: dict[str, int] = {}  # engine answers the monitor held (not used)


def _adapter(path: str):
    mod, attr = path.split(":")
    try:
        module = importlib.import_module(mod)
    except ImportError as exc:
        raise SourceUnavailable(f"{mod} not present ({exc.__class__.__name__})") from exc
    fn = getattr(module, attr, None)
    if not callable(fn):
        raise SourceUnavailable(f"{mod}.{attr} not found")
    return fn


def available(probe: dict | None = None) -> tuple[dict[str, object], dict[str, str]]:
    """Adapters that run, and why the others do not (each is tried on one vignette)."""
    probe = probe or make_vignettes(1)[0]
    ok, skipped = {}, {}
    for name, path in ENGINES.items():
        try:
            fn = _adapter(path)
            fn(probe)
            ok[name] = fn
        except SourceUnavailable as exc:
            skipped[name] = str(exc)
    return ok, skipped


def load(
    path: Path | None = None, limit: int | None = None, n_vignettes: int = 300
) -> Iterator[Sample]:
    ok, skipped = available()
    SKIPPED.clear()
    SKIPPED.update(skipped)
    HELD.clear()
    if not ok:
        raise SourceUnavailable(
            "no engine present: " + "; ".join(f"{k}: {v}" for k, v in skipped.items())
        )
    n = 0
    for v in make_vignettes(n_vignettes):
        for name, fn in ok.items():
            for q, a, structured in fn(v):
                patient = engine_guidance.patient_context(v)
                grounding = json.dumps(structured, ensure_ascii=False)
                verdict = monitor_adapter.check(
                    a,
                    CATEGORY.get(name, name),
                    grounding=grounding,
                    patient=patient,
                    structured=structured,
                )
                if verdict.held:  # the product would not send it, so never learn it
                    HELD[name] = HELD.get(name, 0) + 1
                    continue
                yield Sample.qa(
                    q,
                    a,
                    source=INFO.name,
                    kind=f"engine:{name}",
                    licence=INFO.licence,
                    meta={"vignette": v["id"], "patient": patient, "structured": structured},
                )
                n += 1
                if limit and n >= limit:
                    return
