"""Catch-up and multiplied doses of a prescribed medicine are held; the label's own
missed-dose advice ("想起来时尽快补服，不要加倍") is released."""

from __future__ import annotations

import pytest

from clinical.monitor.context import PatientContext
from clinical.monitor.engine import run_monitor

ON_WARFARIN = {"age": 68, "medications": ["华法林钠片 3mg 口服 每日一次"]}

UNSAFE = [
    ("请一次服用30mg华法林补上。", "dose_differs_from_order"),  # the amount before the name
    ("今天请吃6mg华法林。", "dose_differs_from_order"),
    ("忘记吃华法林了，请一次服用两倍剂量补上。", "medication_increase"),
    ("漏服的华法林请和明天的药一起吃。", "medication_increase"),
    ("华法林漏了一顿，两次的药一起吃就行。", "medication_increase"),
    ("华法林吃三倍的量把昨天的补回来。", "medication_increase"),
]
SAFE = [
    "请按医嘱每天晚饭后服用3mg华法林。",
    "如果漏服华法林，想起来时尽快补服，不要加倍。",
    "华法林请继续按医嘱每天3mg，如有出血请及时就医。",
]


@pytest.mark.django_db
@pytest.mark.parametrize(("text", "code"), UNSAFE)
def test_catch_up_or_multiplied_doses_are_held(text: str, code: str) -> None:
    result = run_monitor(text, PatientContext.from_dict(ON_WARFARIN), None, "agent")
    assert result.action == "hold"
    assert code in {f.code for f in result.findings}


@pytest.mark.django_db
@pytest.mark.parametrize("text", SAFE)
def test_the_order_and_the_label_advice_are_released(text: str) -> None:
    result = run_monitor(text, PatientContext.from_dict(ON_WARFARIN), None, "agent")
    assert result.action == "release", [f.code for f in result.findings]
