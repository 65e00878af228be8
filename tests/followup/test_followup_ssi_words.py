"""A wound going bad, in a patient's words (#15 SSI, the lead's probes).

WSES 2018 (necrotising soft-tissue infections): dusky or black skin beside a wound with pain out
of proportion is a hard sign for emergency exploration; the probe 伤口发黑了，周围一圈紫色，疼得要命
on day 7 after a laparotomy was urgent (a severe pain was not one of the rule's signs). NICE NG125
and CDC/NHSN: a yellow, foul discharge is pus; 伤口流出来的东西又黄又臭 was unread. Twins: dusky
skin with a mild pain; a yellow crust.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from clinical.followup.services.ruledata import rank
from clinical.knowledge.symptoms import present
from tests.followup.followup_vignette_builder import assess_words

NOW = datetime(2026, 6, 1, 9, tzinfo=UTC)
LAP = {"id": "ssi", "age": 60, "surgery": {"days_ago": 7, "text": "剖腹探查术"}}


def test_a_dusky_wound_with_pain_out_of_proportion_is_necrotising() -> None:
    out = assess_words("伤口发黑了，周围一圈紫色，疼得要命", NOW, **LAP)
    assert out["disposition"] == "emergency", out["reasons"]
    assert "syndrome-wound-necrotising" in {r["code"] for r in out["reasons"]}


def test_a_dusky_wound_with_a_mild_pain_stays_below_an_emergency() -> None:
    out = assess_words("伤口边上有点发暗，有一点疼", NOW, **LAP)
    assert rank(out["disposition"]) < rank("emergency"), out["reasons"]


@pytest.mark.parametrize(
    "text", ["伤口流出来的东西又黄又臭", "刀口渗出来的是黄脓", "伤口流的水又臭又黄"]
)
def test_a_yellow_foul_discharge_is_wound_pus(text: str) -> None:
    assert "wound_pus" in present(text)


def test_a_dry_yellow_crust_is_not_pus() -> None:
    assert "wound_pus" not in present("伤口上结了一层黄色的痂，干干的")
