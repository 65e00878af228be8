"""Fever with chills after an operation (#15, the lead's probes).

Day 6 after a colon resection, a 68-year-old writing 发烧寒战，浑身发抖，人没精神 got "routine"
(a reported fever without a number asks for a reading). NICE NG51 (2016, updated 2024) counts
surgery in the past 6 weeks as a risk factor and rigors as a moderate-to-high risk criterion:
with a fever said in words they are seen the same day (syndromes.yaml
``syndrome-postop-fever-rigors``, urgent). Twins: the same words with no recent operation; chills
without a fever said (a clinician reads them: review); a fever alone (the reading is asked for).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from clinical.followup.services.ruledata import rank
from tests.followup.followup_vignette_builder import assess_words

NOW = datetime(2026, 6, 1, 9, tzinfo=UTC)
COLON = {"days_ago": 6, "text": "腹腔镜结肠癌根治术"}
RULE = "syndrome-postop-fever-rigors"


def _assess(text: str, **record: object) -> dict:
    defaults = {"id": "rig", "age": 68, "discharge_days_ago": 2}
    return assess_words(text, NOW, label="症状描述", **{**defaults, **record})


@pytest.mark.parametrize(
    "text",
    ["发烧寒战，浑身发抖，人没精神", "发烧了，一阵阵打冷战", "發燒寒戰", "身上发烫，冷得直哆嗦"],
)
def test_fever_with_chills_within_30_days_of_surgery_is_urgent(text: str) -> None:
    out = _assess(text, surgery=COLON)
    assert rank(out["disposition"]) >= rank("urgent"), out["reasons"]
    assert RULE in {r["code"] for r in out["reasons"]}


def test_without_a_recent_operation_it_is_not_this_rule() -> None:
    out = _assess("发烧寒战，浑身发抖", surgery={"days_ago": 60, "text": "腹腔镜结肠癌根治术"})
    assert RULE not in {r["code"] for r in out["reasons"]}


def test_a_fever_alone_after_surgery_is_not_this_rule() -> None:
    out = _assess("有点发烧", surgery=COLON)
    assert RULE not in {r["code"] for r in out["reasons"]}


@pytest.mark.parametrize(
    "text", ["伤口流出来的东西有臭味", "刀口渗的水臭臭的", "傷口流出來的東西有臭味"]
)
def test_a_foul_discharge_named_later_in_the_clause_is_wound_pus(text: str) -> None:
    from clinical.knowledge.symptoms import present

    assert "wound_pus" in present(text)


def test_a_foul_wound_with_fever_after_surgery_is_urgent() -> None:
    out = _assess("伤口流出来的东西有臭味，发烧", surgery=COLON)
    assert rank(out["disposition"]) >= rank("urgent"), out["reasons"]
    assert "postop-wound-pus" in {r["code"] for r in out["reasons"]}
