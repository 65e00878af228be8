"""A relative's report that the patient is not themselves (#15, the lead's reading of NICE NG51).

NICE NG51 Suspected sepsis (2016, updated 2024) §1.4 lists, among the moderate to high risk
criteria, a history from a friend or relative of new onset of changed behaviour or change in
mental state; RCP NEWS2 scores new confusion. The probes found a carer's words for it unread and
sent to a clinician at *review*: 我妈今天不太对劲，跟平时不一样; 老爷子今天怪怪的; 我爸今天特别
安静，不像他. They name ``changed_behaviour`` (urgent: seen the same day). Twins: a body part
that feels off, the patient's own vague unease, a quiet child at a nap.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from clinical.followup.services.ruledata import rank
from clinical.knowledge.symptoms import present
from tests.followup.followup_vignette_builder import assess_words

NOW = datetime(2026, 6, 1, 9, tzinfo=UTC)

CHANGED = [
    "我妈今天不太对劲，跟平时不一样",
    "我爸今天怪怪的，问他话也不怎么说",
    "感觉他人不对劲",
    "我爸今天特别安静，不像他",
    "我妈今天老是发愣",
    "老人这两天像变了个人",
    "我媽今天不太對勁",  # traditional characters
]


@pytest.mark.parametrize("text", CHANGED)
def test_a_relatives_report_of_changed_behaviour_is_read(text: str) -> None:
    assert "changed_behaviour" in present(text)


@pytest.mark.parametrize("text", CHANGED[:4])
def test_it_is_seen_the_same_day(text: str) -> None:
    out = assess_words(text, NOW, id="cb", age=80)
    assert rank(out["disposition"]) >= rank("urgent"), out["reasons"]


@pytest.mark.parametrize(
    "text",
    ["肚子有点不对劲", "总觉得哪里不对劲，说不上来", "孩子午睡的时候很安静", "天气跟平时不一样"],
)
def test_a_body_part_ones_own_unease_or_a_quiet_nap_is_not_it(text: str) -> None:
    assert "changed_behaviour" not in present(text)
