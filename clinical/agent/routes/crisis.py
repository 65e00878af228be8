"""Crisis route (issue #15): suicidal ideation, self-harm, overdose intent, stockpiled pills.

Invariants:
- decided by the shared symptom lexicon's crisis concepts (``data/crisis.csv`` names them:
  ``suicidal``, ``overdose_intent`` in ``clinical/knowledge/data``), never by the model, and
  before any other route: a crisis message that also names a medicine gets nothing about the
  medicine;
- the reply is the crisis wording with the hotlines (120 for danger to life, 12356 the
  national psychological assistance line), each row sourced;
- the care team gets an EMERGENCY alert, and the patient's words are stored as a survey
  Observation so the follow-up assessment sees them too.
"""

from __future__ import annotations

import csv
import logging
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ammed_fhir import store
from clinical.agent.routes.base import RouteContext, RouteResult

log = logging.getLogger(__name__)

DATA = Path(__file__).resolve().parent.parent / "data" / "crisis.csv"


@dataclass(frozen=True)
class CrisisData:
    concepts: frozenset[str]
    hotlines: tuple[tuple[str, str, str], ...]  # (number, text, source)
    opening: str
    closing: str
    sources: tuple[str, ...]


@cache
def data() -> CrisisData:
    from clinical.knowledge import symptoms

    with DATA.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for i, r in enumerate(rows, start=2):
        if not (r.get("source") or "").strip():
            raise ValueError(f"crisis.csv:{i}: row without a source")
    concepts = frozenset(r["key"] for r in rows if r["kind"] == "concept")
    unknown = concepts - set(symptoms.concepts())
    if unknown:
        raise ValueError(f"crisis.csv: concepts not in the shared lexicon: {sorted(unknown)}")
    by_kind = {r["kind"]: r for r in rows if r["kind"] in ("opening", "closing")}
    return CrisisData(
        concepts=concepts,
        hotlines=tuple(
            (r["key"], r["text_zh"], r["source"]) for r in rows if r["kind"] == "hotline"
        ),
        opening=by_kind["opening"]["text_zh"],
        closing=by_kind["closing"]["text_zh"],
        sources=tuple(dict.fromkeys(r["source"] for r in rows)),
    )


def reply_text() -> str:
    d = data()
    lines = "；".join(text for _n, text, _s in d.hotlines)
    return f"{d.opening}{lines}。{d.closing}"


def answer(ctx: RouteContext) -> RouteResult:
    from clinical.agent.routes.followup import symptom_observation

    refs: list[str] = []
    try:
        stored = store.write(symptom_observation(ctx.patient_id, ctx.text))
        refs.append(f"Observation/{stored['id']}")
    except Exception as exc:  # the reply and the alert must not depend on the record write
        log.warning("crisis: storing the patient's words failed: %s", exc.__class__.__name__)
    d = data()
    return RouteResult(
        "crisis",
        "escalated",
        {
            "route": "crisis",
            "crisis": True,
            "disposition": "emergency",
            "concepts": list(ctx.understanding.crisis_concepts),
            "hotlines": [n for n, _t, _s in d.hotlines],
            "sources": list(d.sources),
        },
        reply_text(),
        about=refs,
        alert_reason="agent-crisis:emergency",
        alert_priority="emergency",
    )
