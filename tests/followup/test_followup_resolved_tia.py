"""Follow-up on a deficit that resolved by itself (#15/#23 tidy, NICE NG128 §1.1.3): a suspected
TIA is urgent or worse through ``transient_focal_deficit`` (redflag-tia); the context concept
``resolved_spontaneously`` is named by no follow-up rule, so a benign complaint that resolved is
not raised by it (its clause stays unread: the care team reviews it, never urgent)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from clinical.followup.services.lexicon import known_concepts
from clinical.followup.services.ruledata import rank
from tests.followup.followup_vignette_builder import assess_vignette

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


def _assess(text: str) -> dict:
    v = {"id": "tidy-resolved", "family": "syndromes", "age": 68, "conditions": ["hypertension"]}
    v["survey"] = [["患者自述", text, 2]]
    return assess_vignette(v, NOW)


@pytest.mark.parametrize(
    "text", ["昨天左手突然没劲，半小时后自己好了", "说话不清楚了十分钟，后来自己就好了"]
)
def test_a_resolved_focal_deficit_is_at_least_urgent(text: str) -> None:
    out = _assess(text)
    assert rank(out["disposition"]) >= rank("urgent")
    assert "redflag-tia" in {r["code"] for r in out["reasons"]}


def test_a_resolved_headache_is_not_raised() -> None:
    out = _assess("头疼了一会儿，后来自己好了")
    assert rank(out["disposition"]) < rank("urgent")
    assert "redflag-tia" not in {r["code"] for r in out["reasons"]}


def test_no_follow_up_rule_names_the_resolved_words() -> None:
    assert "resolved_spontaneously" not in known_concepts()
