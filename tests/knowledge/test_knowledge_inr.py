"""INR is read as a lab and derives a condition (#23): above the VKA range on a vitamin-K
antagonist it is over-anticoagulation, without one a raised INR is a coagulopathy. Guidance,
follow-up and the monitor see it through the one PatientContext, with the clinically right
answer: no NSAID or aspirin, bleeding escalated."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from clinical.knowledge import conditions as kc
from clinical.knowledge import patient as kp
from tests.knowledge.test_patient_context import _mr, _obs, _record

PID = "pc-rich"  # the helpers' patient
WARFARIN = "华法林钠片 3mg"


def _inr(value: float, unit: str = "{INR}", days_ago: float = 1) -> dict[str, Any]:
    when = (datetime.now(UTC) - timedelta(days=days_ago)).isoformat()
    return _obs(f"inr-{value}", "6301-6", value, unit, when)


def _symptom(text: str, hours_ago: float = 2) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "id": f"said-{abs(hash(text)) % 10**6}",
        "status": "final",
        "category": [{"coding": [{"code": "survey"}]}],
        "code": {"text": "症状描述"},
        "effectiveDateTime": (datetime.now(UTC) - timedelta(hours=hours_ago)).isoformat(),
        "valueString": text,
    }


def _vka(cls: str) -> bool:
    return cls == "class:vitamin_k_antagonist"


@pytest.mark.parametrize(
    ("value", "unit", "on_vka", "expected"),
    [
        (4.2, "{INR}", True, "over_anticoagulation"),
        (3.1, "", True, "over_anticoagulation"),  # INR is dimensionless: no unit is read
        (3.0, "{INR}", True, None),  # top of the 2.0–3.0 range
        (2.4, "{INR}", True, None),  # in range
        (1.6, "{INR}", True, None),  # below range: under-, not over-anticoagulated
        (1.5, "{INR}", False, "bleeding_disorder"),  # coagulopathy without a VKA
        (4.2, "{INR}", False, "bleeding_disorder"),
        (1.2, "{INR}", False, None),  # normal
        (25.0, "s", False, None),  # a prothrombin time in seconds is not an INR: no guess
    ],
)
def test_the_inr_rows(value: float, unit: str, on_vka: bool, expected: str | None) -> None:
    on = _vka if on_vka else (lambda cls: False)
    assert kc.lab_condition("6301-6", value, unit, on) == expected


def test_every_inr_row_is_sourced_and_names_a_known_class() -> None:
    rows = [r for r in kc.lab_conditions() if r.loinc in kp.INR_LOINC]
    assert {r.loinc for r in rows} == set(kp.INR_LOINC)
    for r in rows:
        assert r.source and r.when_on.lstrip("!") == "class:vitamin_k_antagonist"
        assert r.condition in kc.conditions()


def test_the_context_derives_over_anticoagulation_only_on_a_vka() -> None:
    now = datetime.now(UTC)
    on = kp.build(_record(_mr("w", WARFARIN), _inr(4.2)), now)
    assert "over_anticoagulation" in on.condition_keys
    (fact,) = [c for c in on.conditions if c.source == "lab"]
    assert fact.ref == "Observation/inr-4.2" and "4.2" in fact.text and "抗凝过度" in fact.terms[0]
    # an on-hold warfarin still anticoagulates
    held = kp.build(_record(_mr("w", WARFARIN, status="on-hold"), _inr(4.2)), now)
    assert "over_anticoagulation" in held.condition_keys
    in_range = kp.build(_record(_mr("w", WARFARIN), _inr(2.5)), now)
    assert not {"over_anticoagulation", "bleeding_disorder"} & in_range.condition_keys
    off = kp.build(_record(_inr(1.8)), now)
    assert "bleeding_disorder" in off.condition_keys
    assert "over_anticoagulation" not in off.condition_keys
    # the latest INR counts: an old high value is not today's state
    back = kp.build(_record(_mr("w", WARFARIN), _inr(4.2, days_ago=9), _inr(2.6)), now)
    assert "over_anticoagulation" not in back.condition_keys


def _guidance(patient: dict[str, Any], cabinet: list[str]) -> dict[str, Any]:
    """The guidance answer for an inline patient (the endpoint's own path: the shared inline
    schema, then medkb's view of the shared context)."""
    from clinical.medkb import api
    from clinical.medkb.services.guidance import GuidanceRequest, advise

    ctx = api.PatientContext.from_knowledge(kp.PatientContext.from_inline(patient))
    answer = advise(GuidanceRequest(patient=ctx, cabinet=cabinet, symptoms=["头痛"]))
    return {i["input"]: i for i in answer["items"]}


def test_guidance_avoids_nsaids_and_aspirin_for_a_raised_inr() -> None:
    inr = {"loinc": "6301-6", "value": 1.8, "unit": "{INR}"}
    plain = _guidance({"age_years": 55}, ["布洛芬", "阿司匹林"])
    assert plain["布洛芬"]["verdict"] != "avoid"  # the control: nothing against it
    raised = _guidance({"age_years": 55, "labs": [inr]}, ["布洛芬", "阿司匹林"])
    for name in ("布洛芬", "阿司匹林"):
        assert raised[name]["verdict"] == "avoid"
        assert any(
            r["code"] == "contraindication" and "出血" in r["text"] for r in raised[name]["reasons"]
        )
    over = _guidance(
        {
            "age_years": 70,
            "current_medications": [{"text": WARFARIN}],
            "labs": [{"loinc": "6301-6", "value": 4.6, "unit": "{INR}"}],
        },
        ["布洛芬", "对乙酰氨基酚片"],
    )
    assert over["布洛芬"]["verdict"] == "avoid"
    texts = [r["text"] for r in over["布洛芬"]["reasons"] if r["code"] == "contraindication"]
    assert any("INR高于抗凝目标范围" in t for t in texts)
    para = [r for r in over["对乙酰氨基酚片"]["reasons"] if r["code"] == "contraindication"]
    assert para and para[0]["severity"] == "caution" and "INR" in para[0]["text"]
    assert over["对乙酰氨基酚片"]["verdict"] != "recommended"  # a clinician decides


def test_follow_up_escalates_bleeding_when_the_inr_is_above_range() -> None:
    from clinical.followup.services.engine import assess_facts
    from clinical.followup.services.facts import build_facts

    now = datetime.now(UTC)
    gums = _symptom("刷牙出血")
    over = build_facts(_record(_mr("w", WARFARIN), _inr(4.2), gums), now)
    assert over.has_condition("over_anticoagulation")
    result = assess_facts(over)
    codes = {r["code"]: r for r in result["reasons"]}
    assert "modifier-over-anticoagulation-bleeding" in codes
    assert codes["symptom-minor-bleeding"]["disposition"] in ("urgent", "emergency")
    assert "Observation/inr-4.2" in codes["modifier-over-anticoagulation-bleeding"]["evidence"]
    # in range: the anticoagulant modifier only
    ok = assess_facts(build_facts(_record(_mr("w", WARFARIN), _inr(2.4), gums), now))
    assert "modifier-over-anticoagulation-bleeding" not in {r["code"] for r in ok["reasons"]}
    # black stools with a raised INR and no VKA (a coagulopathy): emergency
    melena = build_facts(_record(_inr(2.2), _symptom("今天大便是黑色的，像柏油一样")), now)
    assert melena.has_condition("bleeding_disorder")
    result = assess_facts(melena)
    assert result["disposition"] == "emergency"
    assert "modifier-over-anticoagulation-major" in {r["code"] for r in result["reasons"]}


def test_the_monitor_holds_an_nsaid_for_a_raised_inr() -> None:
    from clinical.monitor import services as monitor
    from clinical.monitor.context import PatientContext as MonitorContext

    text = "头疼可以吃布洛芬片，一次0.2g，一天三次。"
    raised = MonitorContext.from_stored(PID, _record(_inr(1.9)))
    result = monitor.check_text(text, raised, None, "guidance")
    assert result.action == "hold"
    assert "contraindication" in {f.code for f in result.findings}
    over = MonitorContext.from_stored(PID, _record(_mr("w", WARFARIN), _inr(4.0)))
    result = monitor.check_text("头疼可以吃对乙酰氨基酚，一次0.5g。", over, None, "guidance")
    assert any("INR" in f.explanation for f in result.findings if f.code == "contraindication")
