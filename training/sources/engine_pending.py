"""Adapters not written yet (follow-up: issue 5, merged late). Each raises
``SourceUnavailable`` naming what is missing, so the data card says why the engine
contributed no rows."""

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


def followup_pairs(v: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    _require("clinical.followup.services.engine", "assess_record")
    raise SourceUnavailable(
        "clinical.followup is present, but it assesses stored FHIR records (assess_record); "
        "the adapter that writes each vignette as a FHIR bundle is not written yet"
    )
