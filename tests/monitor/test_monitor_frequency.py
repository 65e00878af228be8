"""Frequency/period of a message about an ordered drug equals its order's (issue #16)."""

from __future__ import annotations

from clinical.monitor.context import Medication, PatientContext
from clinical.monitor.engine import run_monitor

WEEKLY = PatientContext(
    patient_id="p",
    age_years=58,
    medications=[Medication("甲氨蝶呤片 2.5mg", "甲氨蝶呤片 10mg 口服 每周一次 周五")],
)
DAILY = PatientContext(
    patient_id="q",
    age_years=70,
    medications=[Medication("华法林钠片 2.5mg", "华法林钠片 2.5mg 口服 qd 睡前")],
)


def codes(text: str, ctx: PatientContext, structured=None, category="guidance") -> set[str]:
    result = run_monitor(text, ctx, structured, category)
    return {f.code for f in result.findings if f.check == "frequency_consistency"}


def test_a_weekly_order_written_as_daily_holds() -> None:
    assert codes("甲氨蝶呤片请一天一次，每次10mg。", WEEKLY) == {"frequency_mismatch"}
    assert codes("甲氨蝶呤片隔天吃10mg。", WEEKLY) == {"frequency_mismatch"}


def test_a_reminder_whose_structured_payload_says_daily_holds() -> None:
    s = {"drug": "甲氨蝶呤片", "dose": "10mg", "time": "09:00", "instruction": "口服 qd"}
    assert codes("9点请服用甲氨蝶呤片10mg。", WEEKLY, s, "reminder") == {"frequency_mismatch"}


def test_a_different_daily_count_holds_and_the_same_releases() -> None:
    assert codes("华法林钠片2.5mg每日两次。", DAILY) == {"frequency_mismatch"}
    assert codes("华法林钠片2.5mg每天睡前一次。", DAILY) == set()


def test_the_order_period_and_a_prohibition_release() -> None:
    assert codes("甲氨蝶呤片每周一次，每次10mg。", WEEKLY) == set()
    assert codes("甲氨蝶呤片只在周五吃，不要每天吃。", WEEKLY) == set()
