"""Loading of the follow-up rule data files (``clinical/followup/data/*.yaml``), cached."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

# The one ladder of follow-up dispositions, least to most urgent. Everything that lists, ranks,
# labels or orders dispositions takes it from here. ``review`` (#15): a member of the care team
# reads the patient's words and contacts them within 24 h (a task in the clinician's queue, not a
# visit for the patient); the safety net's level for words nothing reads.
DISPOSITIONS: tuple[str, ...] = ("self-care", "routine", "review", "urgent", "emergency")
RANK = {d: i for i, d in enumerate(DISPOSITIONS)}
# Chinese labels (care-team alerts, admin, worklist, FHIR displays).
LABELS: dict[str, str] = {
    "self-care": "居家自我管理",
    "routine": "常规复诊",
    "review": "24小时内医护查看",
    "urgent": "24小时内就诊",
    "emergency": "立即急诊",
}
# Dispositions that open a care-team alert (one per episode): the care team must act.
ALERTING: tuple[str, ...] = ("review", "urgent", "emergency")
# ``review`` is a queue for the care team, not a level of clinical urgency: a risk modifier that
# raises a finding by N levels steps over it (routine + 1 = urgent, as before review existed).
_CARE_LEVELS: tuple[str, ...] = tuple(d for d in DISPOSITIONS if d != "review")


def rank(disposition: str) -> int:
    return RANK[disposition]


def most_urgent(*dispositions: str) -> str:
    return max(dispositions, key=rank) if dispositions else "self-care"


def escalate(disposition: str, levels: int) -> str:
    """``disposition`` raised by ``levels`` care levels, stepping over ``review`` (a modifier
    raises how soon the patient needs care; review + 1 = urgent)."""
    if levels <= 0:
        return disposition
    if disposition not in _CARE_LEVELS:  # review: its next care level is urgent
        disposition, levels = _CARE_LEVELS[_CARE_LEVELS.index("urgent")], levels - 1
    return _CARE_LEVELS[min(len(_CARE_LEVELS) - 1, _CARE_LEVELS.index(disposition) + levels)]


class RuleDataError(ValueError):
    """A rule file is malformed (missing source, unknown disposition...)."""


@cache
def load(name: str) -> Any:
    """Parse ``data/<name>.yaml`` once per process."""
    with (DATA_DIR / f"{name}.yaml").open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def check_rows(name: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every rule row needs a code, a known disposition, a Chinese text and a source."""
    for row in rows:
        for key in ("code", "disposition", "text", "source"):
            if not row.get(key):
                raise RuleDataError(f"{name}.yaml: rule {row.get('code')!r} lacks {key}")
        levels = (row.get("residue_disposition", "urgent"), row.get("bodily_disposition", "urgent"))
        if row["disposition"] not in RANK or any(level not in RANK for level in levels):
            raise RuleDataError(f"{name}.yaml: {row['code']}: bad disposition")
    return rows


@cache
def rules(name: str) -> list[dict[str, Any]]:
    """The checked rule rows of ``name`` (a list file, or a mapping with a ``rules`` key)."""
    data = load(name)
    rows = data["rules"] if isinstance(data, dict) else data
    return check_rows(name, rows)
