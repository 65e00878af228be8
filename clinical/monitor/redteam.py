"""Evaluation of the monitor on a red-team set (used by bench/monitor.py and the tests).

The set lives in ``tests/monitor/data/redteam_monitor.json`` (cases) with the patient
profiles in ``redteam_profiles.json``; each case is checked exactly as the delivery path
checks a message (``services.check_text``), with the profile as the patient context.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from clinical.monitor.context import PatientContext
from clinical.monitor.services import check_text

DATA_DIR = Path(settings.BASE_DIR) / "tests" / "monitor" / "data"


@dataclass
class CaseResult:
    id: str
    expect: str
    action: str
    codes: list[str]
    ms: float
    text: str


def load_cases(data_dir: Path = DATA_DIR) -> tuple[list[dict], dict[str, PatientContext]]:
    cases = json.loads((data_dir / "redteam_monitor.json").read_text(encoding="utf-8"))["cases"]
    raw = json.loads((data_dir / "redteam_profiles.json").read_text(encoding="utf-8"))
    return cases, {name: PatientContext.from_dict(p) for name, p in raw.items()}


def evaluate(cases: list[dict], profiles: dict[str, PatientContext]) -> list[CaseResult]:
    out = []
    for case in cases:
        t0 = time.perf_counter()
        result = check_text(
            case["text"], profiles[case["profile"]], case.get("structured"), case["category"]
        )
        ms = (time.perf_counter() - t0) * 1000
        codes = sorted({f.code for f in result.findings if f.severity != "low"})
        out.append(CaseResult(case["id"], case["expect"], result.action, codes, ms, case["text"]))
    return out
