"""What the guidance development-case tests share (test_medkb_guidance_sets.py): each case a
pytest param, a known miss a strict xfail with its reason (a fix makes the test say so)."""

from __future__ import annotations

from typing import Any

import pytest


def case_params(
    cases: list[dict[str, Any]], known_misses: dict[str, str], prefix: str = ""
) -> list[Any]:
    """``cases`` as pytest params named ``prefix`` + id, those in ``known_misses`` strict xfails
    with their reason."""
    return [
        pytest.param(
            c,
            id=f"{prefix}{c['id']}",
            marks=[pytest.mark.xfail(strict=True, reason=known_misses[c["id"]])]
            if c["id"] in known_misses
            else [],
        )
        for c in cases
    ]
