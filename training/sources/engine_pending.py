"""Adapters for engines whose public API is not on this branch yet (follow-up: issue 5).
Each raises ``SourceUnavailable`` naming what it waits for, so the data card says why the
engine contributed no rows; wire the real call here once merged."""

from __future__ import annotations

import importlib
from typing import Any

from training.sources import SourceUnavailable


def _require(module: str, attr: str) -> Any:
    try:
        mod = importlib.import_module(module)
    except ImportError as exc:
        raise SourceUnavailable(f"{module} not present") from exc
    fn = getattr(mod, attr, None)
    if fn is None:
        raise SourceUnavailable(f"{module}.{attr} not present")
    return fn


def followup_pairs(v: dict[str, Any]) -> list[tuple[str, str, str]]:
    _require("clinical.followup.services", "triage")
    raise SourceUnavailable("clinical.followup is present but its adapter is not written yet")
