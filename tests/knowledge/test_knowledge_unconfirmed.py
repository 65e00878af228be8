"""An unconfirmed allergy or condition counts and is SHOWN (#23): guidance names the
unconfirmed allergy it still honoured, the monitor's reason says so, and the clinician's
patient page marks it 未确认 (a confirmed one carries no mark; a refuted one counts nowhere)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from clinical.knowledge import patient as kp
from tests.knowledge.test_patient_context import PID, _allergy, _condition, _record


def _answer(record: Any, cabinet: list[str]) -> dict[str, Any]:
    from clinical.medkb import api
    from clinical.medkb.services.guidance import GuidanceRequest, advise

    ctx = api.PatientContext.from_fhir(record)
    return advise(GuidanceRequest(patient=ctx, cabinet=cabinet, symptoms=["头痛"]))


def _reasons(answer: dict[str, Any], item: str, code: str) -> list[dict[str, Any]]:
    (found,) = [i for i in answer["items"] if i["input"] == item]
    return [r for r in found["reasons"] if r["code"] == code]


def test_guidance_names_the_unconfirmed_allergy_it_still_honoured() -> None:
    answer = _answer(_record(_allergy("a", "青霉素", "unconfirmed")), ["阿莫西林胶囊", "布洛芬"])
    (reason,) = _reasons(answer, "阿莫西林胶囊", "allergy")
    assert reason["severity"] == "avoid"  # honoured, never dropped
    assert reason["unconfirmed"] == ["青霉素"]
    assert "尚未确认的过敏史“青霉素”" in reason["text"] and "请医生核实" in reason["text"]
    (listed,) = answer["unconfirmed"]
    assert listed["kind"] == "allergy" and listed["text"] == "青霉素"
    assert listed["honoured_for"] and "阿莫西林" in listed["honoured_for"][0]
    assert not _reasons(answer, "布洛芬", "allergy")


def test_a_confirmed_allergy_carries_no_mark_and_a_refuted_one_counts_nowhere() -> None:
    confirmed = _answer(_record(_allergy("a", "青霉素")), ["阿莫西林胶囊"])
    (reason,) = _reasons(confirmed, "阿莫西林胶囊", "allergy")
    assert "unconfirmed" not in reason and "未确认" not in reason["text"]
    assert confirmed["unconfirmed"] == []
    refuted = _answer(_record(_allergy("a", "青霉素", "refuted")), ["阿莫西林胶囊"])
    assert not _reasons(refuted, "阿莫西林胶囊", "allergy") and refuted["unconfirmed"] == []


def test_guidance_names_an_unconfirmed_condition_behind_a_contraindication() -> None:
    record = _record(_condition("c", "消化性溃疡", verification="provisional"))
    answer = _answer(record, ["布洛芬"])
    reasons = _reasons(answer, "布洛芬", "contraindication")
    assert reasons and all(r["severity"] == "avoid" for r in reasons)
    assert any(r.get("unconfirmed") == ["消化性溃疡"] for r in reasons)
    (listed,) = answer["unconfirmed"]
    assert listed["kind"] == "condition" and listed["text"] == "消化性溃疡"
    assert listed["honoured_for"] and "布洛芬" in listed["honoured_for"][0]


def test_the_monitor_reason_says_the_allergy_is_unconfirmed() -> None:
    from clinical.monitor import services as monitor
    from clinical.monitor.context import PatientContext as MonitorContext

    text = "可以吃阿莫西林胶囊，一次0.5g，一天三次。"
    ctx = MonitorContext.from_stored(PID, _record(_allergy("a", "青霉素", "unconfirmed")))
    assert ctx.unconfirmed_allergies == ["青霉素"]
    result = monitor.check_text(text, ctx, None, "guidance")
    assert result.action == "hold"
    allergy = [f for f in result.findings if f.code == "allergy"]
    assert allergy and "尚未确认的过敏史“青霉素”" in allergy[0].explanation
    confirmed = MonitorContext.from_stored(PID, _record(_allergy("a", "青霉素")))
    result = monitor.check_text(text, confirmed, None, "guidance")
    assert result.action == "hold"
    assert all("未确认" not in f.explanation for f in result.findings)


@pytest.mark.django_db
def test_the_patient_page_marks_unconfirmed_diagnoses_and_allergies() -> None:
    from ammed_fhir import store
    from clinical.workspace.patient_page import summary

    pid = "unconfirmed-page"
    store.write({"resourceType": "Patient", "id": pid, "gender": "male", "birthDate": "1960-05-01"})
    store.write(_allergy("u-a1", "青霉素", "unconfirmed", pid=pid))
    store.write(_allergy("u-a2", "磺胺", pid=pid))
    store.write(_condition("u-c1", "消化性溃疡", verification="differential", pid=pid))
    store.write(_condition("u-c2", "高血压", pid=pid))
    s = summary(pid, now=datetime.now(UTC))
    assert s is not None
    assert sorted(s["allergies"]) == ["磺胺", "青霉素（未确认）"]
    assert sorted(s["diagnoses"]) == ["消化性溃疡（未确认）", "高血压"]
    # the age comes from the one age helper on the patient's calendar
    assert s["age"] == f"{int(kp.patient_age(store.read('Patient', pid)))} 岁"
