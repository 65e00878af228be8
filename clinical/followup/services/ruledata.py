"""Loading of the follow-up rule data files (``clinical/followup/data/*.yaml``), cached."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

DISPOSITIONS: tuple[str, ...] = ("self-care", "routine", "urgent", "emergency")
RANK = {d: i for i, d in enumerate(DISPOSITIONS)}


def rank(disposition: str) -> int:
    return RANK[disposition]


def most_urgent(*dispositions: str) -> str:
    return max(dispositions, key=rank) if dispositions else "self-care"


def escalate(disposition: str, levels: int) -> str:
    return DISPOSITIONS[min(len(DISPOSITIONS) - 1, RANK[disposition] + levels)]


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
        if row["disposition"] not in RANK:
            raise RuleDataError(f"{name}.yaml: {row['code']}: bad disposition")
    return rows


@cache
def rules(name: str) -> list[dict[str, Any]]:
    """The checked rule rows of ``name`` (a list file, or a mapping with a ``rules`` key)."""
    data = load(name)
    rows = data["rules"] if isinstance(data, dict) else data
    return check_rows(name, rows)
