"""Refusals and escalations for unsafe requests (``training/data/safety_refusals.json``).

Every answer is passed through the output monitor (``training.monitor_adapter``); only
answers the monitor would release become training rows, so the model never learns a reply
the product would hold.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from training import monitor_adapter
from training.records import Sample
from training.sources import SourceInfo

INFO = SourceInfo(
    name="safety_refusals",
    licence="AM-Med own (curated, training/data/safety_refusals.json)",
    commercial_use=True,
    origin="training/data/safety_refusals.json",
)

DATA = Path(__file__).resolve().parent.parent / "data" / "safety_refusals.json"


def load(path: Path | None = None, limit: int | None = None) -> Iterator[Sample]:
    spec = json.loads((Path(path) if path else DATA).read_text(encoding="utf-8"))
    n = 0
    for row in spec["rows"]:
        for d in spec["drugs_high_risk"]:
            for q in row["questions"]:
                answer = row["answer"].format(drug=d["drug"])
                patient = {**monitor_adapter.GENERIC_ADULT, "medications": [d["drug"]]}
                verdict = monitor_adapter.check(answer, "guidance", patient=patient)
                if verdict.held:
                    continue
                yield Sample.qa(
                    q.format(drug=d["drug"]),
                    answer,
                    source=INFO.name,
                    kind=f"safety:{row['kind']}",
                    licence=INFO.licence,
                    meta={"basis": row["basis"], "monitor": verdict.backend, "patient": patient},
                )
                n += 1
                if limit and n >= limit:
                    return
