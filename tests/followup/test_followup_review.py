"""The "clinician review within 24 h" disposition (#15, task h-review): words nothing reads
send the message to the care team's queue (``review``), not the patient to hospital; the
residue of a read complaint (its qualifier may be the red flag) stays ``urgent``; clear red flags
keep their disposition. Development set: followup_vignettes_review.yaml (written before the rule),
run with its shape by test_followup_sets.py (set ``review``); here, the ladder, the engine's
reading, the CarePlan and the alert.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from followup_helpers import push_bundle
from followup_vignette_builder import assess_vignette, vignette_bundle

# -- the ladder -------------------------------------------------------------------------------


def test_review_sits_between_routine_and_urgent_on_the_one_ladder() -> None:
    from clinical.followup.models import Disposition
    from clinical.followup.services.ruledata import DISPOSITIONS, LABELS

    assert DISPOSITIONS == ("self-care", "routine", "review", "urgent", "emergency")
    assert [c for c, _ in Disposition.choices] == list(DISPOSITIONS)
    assert dict(Disposition.choices)["review"] == LABELS["review"] == "24小时内医护查看"


def test_a_risk_modifier_steps_over_review() -> None:
    from clinical.followup.services.ruledata import escalate

    # routine + 1 stays urgent (as before review existed); review + 1 is urgent
    assert escalate("routine", 1) == "urgent"
    assert escalate("self-care", 1) == "routine"
    assert escalate("review", 1) == "urgent"
    assert escalate("review", 2) == "emergency"
    assert escalate("review", 0) == "review"


def test_the_worklist_keeps_no_copy_of_the_ladder() -> None:
    from clinical.workspace import worklist

    assert not hasattr(worklist, "DISPOSITION_RANK")


# -- the engine -------------------------------------------------------------------------------


def _words(text: str, **extra: object) -> dict:

    now = timezone.now()
    v = {"id": "rvw", "age": 62, "obs": [["temp", 36.6, 4]], "survey": [["今日感受", text, 3]]}
    return assess_vignette({**v, **extra}, now)


def _net(out: dict) -> dict:
    (reason,) = [r for r in out["reasons"] if r["code"] == "symptom-unrecognised"]
    return reason


def test_words_nothing_reads_are_for_clinician_review_quoted_with_high_uncertainty() -> None:
    out = _words("今天去菜市场买了点菜")
    assert out["disposition"] == "review"
    assert _net(out)["disposition"] == "review"
    assert "“今天去菜市场买了点菜”" in _net(out)["text"]
    assert out["uncertainty"]["level"] == "high"
    assert int(out["engine_version"]) >= 6  # the review disposition came with version 6


def test_the_patient_is_neither_reassured_nor_sent_to_hospital_and_hears_it_once() -> None:
    from clinical.agent.routes.followup import assessment_text

    out = _words("咳嗽好多了，就是嘴里没味儿")
    assert out["disposition"] == "review"
    said = assessment_text(out)
    assert said.count("24小时内查看并联系您") == 1 and said.count("120") == 1
    for wrong in ("就诊", "到医院", "急诊科", "居家观察", "无需"):
        assert wrong not in said, said
    # the read complaint stays for the clinician
    assert "symptom-minor" in {r["code"] for r in out["reasons"]}
    assert out["timeframe"] == {
        "code": "clinician-review-24h",
        "within": "PT24H",
        "text": said.removesuffix("。"),
    }


def test_the_residue_of_a_read_complaint_stays_urgent() -> None:
    out = _words("咳嗽带咖啡色的渣子")
    assert out["disposition"] == "urgent"
    assert _net(out)["disposition"] == "urgent"
    assert "带咖啡色的渣子" in _net(out)["text"]


def test_a_whole_unread_clause_beside_a_residue_stays_urgent() -> None:
    out = _words("今天去菜市场买了点菜，咳嗽带咖啡色的渣子")
    assert out["disposition"] == "urgent"


def test_a_reading_that_cannot_be_read_stays_urgent() -> None:
    out = _words("心率一百多")
    assert _net(out)["disposition"] == "urgent"


def test_a_read_red_flag_beside_unread_words_keeps_its_level() -> None:
    out = _words("胸口疼得厉害，出冷汗，今天去菜市场买了点菜")
    assert out["disposition"] == "emergency"
    assert _net(out)["disposition"] == "review"


def test_read_words_alone_never_give_review() -> None:
    out = _words("有点咳嗽，痰不多")
    assert out["disposition"] == "self-care"
    assert "symptom-unrecognised" not in {r["code"] for r in out["reasons"]}


# -- CarePlan, alert once ---------------------------------------------------------------------


def _push_words(client, pid: str, text: str, hours_ago: float = 3) -> None:
    v = {
        "id": pid,
        "age": 62,
        "surgery": {"days_ago": 10},
        "discharge_days_ago": 6,
        "obs": [["temp", 36.6, 4]],
        "survey": [["今日感受", text, hours_ago]],
    }
    push_bundle(client, vignette_bundle(v, timezone.now()))


def _activities(plan: dict, code: str) -> list[dict]:
    return [
        a["detail"]
        for a in plan["activity"]
        if any(c.get("code") == code for c in a["detail"]["code"]["coding"])
    ]


@pytest.mark.django_db
def test_review_careplan_keeps_the_routine_revisit_and_adds_a_24h_care_team_step(
    admin_client,
) -> None:
    from ammed_fhir import store
    from clinical.followup.services.careplan import careplan_id
    from clinical.followup.services.runs import run_assessment

    _push_words(admin_client, "rv-plan", "今天去菜市场买了点菜")
    now = timezone.now()
    a = run_assessment("vg-rv-plan", now=now)
    assert a.disposition == "review"
    plan = store.read("CarePlan", careplan_id("vg-rv-plan"))
    (revisit,) = _activities(plan, "revisit")
    assert revisit["code"]["coding"][1]["code"] == "review"
    assert revisit["scheduledPeriod"]["end"] == (now + dt.timedelta(days=7)).date().isoformat()
    (step,) = _activities(plan, "clinician-review-24h")
    assert step["kind"] == "Task" and step["status"] == "scheduled"
    due = dt.datetime.fromisoformat(step["scheduledPeriod"]["end"])
    assert dt.timedelta(hours=23) < due - now <= dt.timedelta(hours=24)
    assert "24小时内查看您描述的情况并联系您" in step["description"]

    # a later urgent finding revises the revisit; the care team's step is never lost
    _push_words(admin_client, "rv-plan", "咳嗽带咖啡色的渣子", hours_ago=1)
    later = run_assessment("vg-rv-plan", now=now + dt.timedelta(minutes=5))
    assert later.disposition == "urgent"
    plan = store.read("CarePlan", careplan_id("vg-rv-plan"))
    assert _activities(plan, "revisit")[0]["code"]["coding"][1]["code"] == "urgent"
    assert _activities(plan, "clinician-review-24h") == [step]
    # the revision is noted for clinicians in Chinese, with the ladder's labels, not its codes
    (note,) = [n["text"] for n in plan["note"] if "复诊安排已调整" in n["text"]]
    assert note == "随访评估由“24小时内医护查看”变为“24小时内就诊”，复诊安排已调整"


@pytest.mark.django_db
def test_review_alerts_the_care_team_once_per_episode(admin_client) -> None:
    from ammed_fhir import store
    from clinical.followup.models import AlertRecord
    from clinical.followup.services.runs import run_assessment

    _push_words(admin_client, "rv-alert", "今天去菜市场买了点菜")
    now = timezone.now()
    run_assessment("vg-rv-alert", now=now)
    run_assessment("vg-rv-alert", now=now + dt.timedelta(minutes=10))
    (alert,) = AlertRecord.objects.filter(patient_id="vg-rv-alert")
    assert alert.disposition == "review" and alert.reason_code == "symptom-unrecognised"
    assert alert.get_disposition_display() == "24小时内医护查看"
    alerts = [
        c
        for c in store.search("Communication", patient_id="vg-rv-alert")
        if c["category"][0]["coding"][0]["code"] == "alert"
    ]
    assert len(alerts) == 1
    assert alerts[0]["priority"] == "urgent"
    assert "24小时内医护查看" in alerts[0]["payload"][0]["contentString"]
    assert "今天去菜市场买了点菜" in alerts[0]["payload"][0]["contentString"]
