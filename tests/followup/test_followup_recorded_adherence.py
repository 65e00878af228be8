"""Follow-up reads the orders' dose records (issue #15: "from … medication records").

The orders app records each reminded dose (taken / skipped / missed after the grace period);
``clinical.orders.services.adherence.recorded_adherence`` is its public read, and
``runs.evaluate`` passes it into the facts. The rules are ``adherence.yaml`` ``recorded`` rows,
whose limits are the orders' own (``critical_medicines.yaml``), never copied.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from followup_helpers import push_bundle
from followup_vignette_builder import vignette_bundle, vignette_record

from clinical.followup.services.engine import assess_facts, assess_record
from clinical.followup.services.facts import build_facts
from clinical.orders.models import DoseReminder, OrderSchedule, OrderStatus
from clinical.orders.services.adherence import (
    RecordedAdherence,
    recorded_adherence,
    recorded_adherence_many,
)
from clinical.orders.services.schedule import critical_classes

WARFARIN = "华法林钠片 3mg"
AMLODIPINE = "苯磺酸氨氯地平片 5mg"


def _class(cid: str) -> dict[str, Any]:
    return next(c for c in critical_classes()["classes"] if c["id"] == cid)


THRESHOLD = critical_classes()["adherence_threshold"]
LIMIT = int(_class("anticoagulant")["consecutive_missed"])  # the orders' limit, not a copy
MIN_DOSES = int(THRESHOLD["minimum_doses"])


def _summary(
    *,
    medication: str = WARFARIN,
    cls: str = "anticoagulant",
    taken: int = 0,
    skipped: int = 0,
    missed: int = 0,
    pending: int = 0,
    run: int | None = None,
    rid: str = "mr-1",
) -> RecordedAdherence:
    row = _class(cls) if cls else None
    answered = taken + skipped + missed
    return RecordedAdherence(
        medication_request=rid,
        medication=medication,
        critical_class=row["id"] if row else "",
        critical_label=row["label"] if row else "",
        consecutive_limit=int(row["consecutive_missed"]) if row else None,
        class_source=row["source"] if row else "",
        window_days=int(THRESHOLD["window_days"]),
        expected=answered + pending,
        taken=taken,
        skipped=skipped,
        missed=missed,
        pending=pending,
        longest_missed_run=missed if run is None else run,
        ratio=round(taken / answered, 3) if answered else None,
        ratio_threshold=float(THRESHOLD["ratio"]),
        minimum_doses=MIN_DOSES,
        threshold_source=THRESHOLD["source"],
    )


def _vignette(vid: str, meds: list[str] | None = None) -> dict[str, Any]:
    return {
        "id": vid,
        "age": 66,
        "meds": meds if meds is not None else ["warfarin"],
        "discharge_days_ago": 5,
        "obs": [["bp", [128, 78], 3], ["hr", 72, 3], ["inr", 2.4, 24]],
    }


def _assess(summaries: list[RecordedAdherence], meds: list[str] | None = None) -> dict[str, Any]:
    now = timezone.now()
    record = vignette_record(_vignette("radh", meds), now)
    return assess_facts(build_facts(record, now, summaries))


def _adh(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["code"]: r for r in result["reasons"] if r["code"].startswith("adherence-recorded")}


# -- the rule (pure: summaries as the orders give them) ---------------------------------------


def test_missed_critical_doses_at_the_orders_limit_are_routine_with_medicine_and_counts() -> None:
    result = _assess([_summary(taken=5, missed=LIMIT)])
    reason = _adh(result)["adherence-recorded-missed-critical"]
    assert reason["disposition"] == "routine"
    assert result["disposition"] in ("routine", "review", "urgent", "emergency")
    assert (
        f"（{WARFARIN}）：近7天应服{5 + LIMIT}次，已服5次、跳过0次、漏服{LIMIT}次" in reason["text"]
    )
    assert reason["text"].count(WARFARIN) == 1  # the medicine is named once, with its counts
    assert f"最长连续漏服{LIMIT}次" in reason["text"]
    assert "勿自行加倍补服" in reason["text"]
    assert reason["evidence"] == ["MedicationRequest/mr-1"]
    # the source carries the rule's and the orders' threshold's provenance
    assert _class("anticoagulant")["source"] in reason["source"]
    # the patient hears the medicine, never the counts, and never to double up
    assert (
        reason["patient_text"]
        == f"服药记录显示您漏服了{WARFARIN}：请不要自行加倍补服，医生会联系您核对剂量"
    )


def test_one_miss_below_the_limit_with_good_adherence_gives_no_reason() -> None:
    # benign twin: LIMIT - 1 misses, adherence above the orders' ratio
    taken = 10
    summary = _summary(taken=taken, missed=LIMIT - 1)
    assert summary.ratio is not None and summary.ratio >= THRESHOLD["ratio"]
    assert _adh(_assess([summary])) == {}


def test_every_dose_of_a_critical_medicine_missed_is_urgent_stopped() -> None:
    result = _assess([_summary(missed=MIN_DOSES)])
    reason = _adh(result)["adherence-recorded-stopped-critical"]
    assert reason["disposition"] == "urgent" and result["disposition"] == "urgent"
    assert set(_adh(result)) == {"adherence-recorded-stopped-critical"}  # one reason per medicine
    assert "请不要自行停药或改变剂量" in reason["patient_text"]
    assert "加倍" not in reason["patient_text"]


def test_all_missed_but_fewer_than_the_orders_minimum_is_missed_not_stopped() -> None:
    # twin: too few doses to say "stopped"; still the consecutive-miss reason
    found = _adh(_assess([_summary(missed=MIN_DOSES - 1)]))
    assert set(found) == {"adherence-recorded-missed-critical"}


def test_a_taken_or_skipped_dose_means_not_stopped() -> None:
    found = _adh(_assess([_summary(missed=MIN_DOSES, skipped=1, run=MIN_DOSES)]))
    assert "adherence-recorded-stopped-critical" not in found
    assert found["adherence-recorded-missed-critical"]["disposition"] == "routine"


def test_skipped_doses_are_not_misses_but_count_against_the_orders_adherence() -> None:
    # skipped with the patient's answer: no run of misses; under the orders' 80 % it is a
    # routine "关键药物服用不足" (their own alert counts it the same way)
    found = _adh(_assess([_summary(taken=5, skipped=2)]))
    assert set(found) == {"adherence-recorded-low-critical"}
    assert "跳过2次、漏服0次" in found["adherence-recorded-low-critical"]["text"]
    # one skipped dose out of seven answered keeps adherence above the threshold: nothing
    assert _adh(_assess([_summary(taken=6, skipped=1)])) == {}


def test_taken_doses_give_nothing_and_pending_doses_are_not_misses() -> None:
    assert _adh(_assess([_summary(taken=7)])) == {}
    assert _adh(_assess([_summary(taken=6, pending=3)])) == {}


def test_non_critical_low_adherence_is_a_self_care_reminder() -> None:
    s = _summary(medication=AMLODIPINE, cls="", taken=3, missed=4, rid="mr-2")
    result = _assess([s], meds=["amlodipine"])
    (reason,) = _adh(result).values()
    assert reason["code"] == "adherence-recorded-low" and reason["disposition"] == "self-care"
    assert AMLODIPINE in reason["text"] and "漏服4次" in reason["text"]
    assert "加倍" in reason["patient_text"] and "不要自行加倍" in reason["patient_text"]
    # a non-critical medicine never fires the critical rows, whatever its run of misses
    assert _adh(_assess([_summary(medication=AMLODIPINE, cls="", taken=9, missed=2)])) == {}


def test_the_orders_limit_is_read_from_the_summary_not_copied() -> None:
    # glucose-lowering drugs escalate after 3 misses in the orders' data: 2 are not enough
    gl = _class("glucose_lowering")
    assert int(gl["consecutive_missed"]) == LIMIT + 1
    twin = _summary(medication="二甲双胍片 0.5g", cls="glucose_lowering", taken=20, missed=LIMIT)
    assert _adh(_assess([twin])) == {}
    danger = _summary(medication="二甲双胍片 0.5g", cls="glucose_lowering", taken=20, missed=3)
    assert set(_adh(_assess([danger]))) == {"adherence-recorded-missed-critical"}


def test_no_records_is_the_assessment_of_before() -> None:
    now = timezone.now()
    record = vignette_record(_vignette("radh0"), now)
    assert assess_facts(build_facts(record, now, [])) == assess_record(record, now)


# -- the orders' read (database) -----------------------------------------------------------


def _dose(pid: str, rid: str, due: dt.datetime, response: str, med: str = WARFARIN, **kw: Any):
    return DoseReminder.objects.create(
        key=f"dose-{rid}-{due.timestamp():.0f}-{kw.pop('n', 0)}",
        patient_id=pid,
        request_id=rid,
        medication=med,
        due_at=due,
        state=kw.pop("state", "released"),
        response=response,
        **kw,
    )


def _order(pid: str, rid: str, med: str = WARFARIN, critical: str = "anticoagulant") -> None:
    OrderSchedule.objects.create(
        request_id=rid,
        patient_id=pid,
        medication=med,
        status=OrderStatus.SCHEDULED,
        critical_class=critical,
    )


@pytest.mark.django_db
def test_window_edges_and_doses_not_yet_due() -> None:
    now = timezone.now()
    week = dt.timedelta(days=7)
    _order("ra-p1", "ra-mr1")
    _dose("ra-p1", "ra-mr1", now - week, "missed")  # on the edge: counted
    _dose("ra-p1", "ra-mr1", now - week - dt.timedelta(minutes=1), "missed")  # outside
    _dose("ra-p1", "ra-mr1", now - dt.timedelta(days=3), "taken")
    _dose("ra-p1", "ra-mr1", now - dt.timedelta(minutes=10), "")  # in its grace period
    _dose("ra-p1", "ra-mr1", now, "")  # due now: not yet due
    _dose("ra-p1", "ra-mr1", now + dt.timedelta(hours=5), "")  # tomorrow's
    _dose("ra-p1", "ra-mr1", now - dt.timedelta(days=1), "missed", state="cancelled")
    (s,) = recorded_adherence("ra-p1", now)
    assert (s.expected, s.taken, s.skipped, s.missed, s.pending) == (3, 1, 0, 1, 1)
    assert s.critical_class == "anticoagulant" and s.consecutive_limit == LIMIT
    assert s.window_days == THRESHOLD["window_days"] and s.ratio == 0.5
    assert recorded_adherence("ra-p1", now, days=2)[0].expected == 1  # only the pending one
    assert recorded_adherence("ra-nobody", now) == []


@pytest.mark.django_db
def test_runs_of_misses_skipped_ends_a_run_snoozes_are_not_doses() -> None:
    now = timezone.now()
    _order("ra-p2", "ra-mr2")
    day = dt.timedelta(days=1)
    answers = ["taken", "missed", "skipped", "missed", "taken", "missed", "missed"]
    for i, answer in enumerate(answers):
        _dose("ra-p2", "ra-mr2", now - (7 - i) * day + dt.timedelta(hours=1), answer)
    _dose("ra-p2", "ra-mr2", now - day, "taken", n=1, snooze_of_key="x")  # a re-reminder
    (s,) = recorded_adherence("ra-p2", now)
    assert (s.taken, s.skipped, s.missed, s.longest_missed_run) == (2, 1, 4, 2)
    # an order without a schedule row is classed by name (warfarin: critical)
    _dose("ra-p3", "ra-mr3", now - day, "missed")
    assert recorded_adherence("ra-p3", now)[0].critical_class == "anticoagulant"
    many = recorded_adherence_many(["ra-p2", "ra-p3", "ra-nobody"], now)
    assert set(many) == {"ra-p2", "ra-p3"} and many["ra-p2"] == [s]


@pytest.mark.django_db
def test_run_assessment_reads_the_dose_records(admin_client) -> None:
    from clinical.followup.services.runs import run_assessment

    now = timezone.now()
    push_bundle(admin_client, vignette_bundle(_vignette("radh-run"), now))
    pid, rid = "vg-radh-run", "vg-radh-run-1"
    before = run_assessment(pid, now=now)
    assert not _adh(before.result)
    _order(pid, rid)
    for days, answer in ((3, "taken"), (2, "missed"), (1, "missed")):
        _dose(pid, rid, now - dt.timedelta(days=days), answer)
    after = run_assessment(pid, now=now + dt.timedelta(minutes=1))
    reason = _adh(after.result)["adherence-recorded-missed-critical"]
    assert reason["evidence"] == [f"MedicationRequest/{rid}"]
    assert "应服3次，已服1次、跳过0次、漏服2次" in reason["text"]
    assert after.result["disposition"] != "self-care"


@pytest.mark.django_db
def test_a_patient_without_orders_gets_a_byte_identical_assessment(admin_client) -> None:
    from clinical.followup.services.runs import evaluate

    now = timezone.now()
    v = {**_vignette("radh-none"), "survey": [["今日感受", "忘记吃药了", 2]]}
    push_bundle(admin_client, vignette_bundle(v, now))
    from ammed_fhir import store

    record = store.patient_record("vg-radh-none")
    result, _ = evaluate(record, now, None, create_plan=False)
    dump = json.dumps(result, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True)
    pure = json.dumps(
        assess_record(record, now), cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True
    )
    assert dump == pure
    assert "adherence-missed-critical" in dump  # the survey rule is untouched


@pytest.mark.django_db
def test_the_agents_assessment_reads_the_dose_records_as_the_runs_do(admin_client) -> None:
    """The agent's follow-up route compares the record before and after a patient's message;
    it assesses on the runs' footing, so the dose records the orders keep are in both."""
    from clinical.agent.routes.followup import _assess
    from clinical.followup.services.runs import run_assessment

    now = timezone.now()
    push_bundle(admin_client, vignette_bundle(_vignette("radh-agent"), now))
    pid, rid = "vg-radh-agent", "vg-radh-agent-1"
    assert not _adh(_assess(pid))
    _order(pid, rid)
    for days, answer in ((3, "taken"), (2, "missed"), (1, "missed")):
        _dose(pid, rid, now - dt.timedelta(days=days), answer)
    said = _adh(_assess(pid))
    assert list(said) == ["adherence-recorded-missed-critical"]
    assert (
        "应服3次，已服1次、跳过0次、漏服2次" in said["adherence-recorded-missed-critical"]["text"]
    )
    ran = run_assessment(pid, now=timezone.now())
    assert _adh(ran.result).keys() == said.keys()


def test_one_reason_for_two_medicines_names_each_with_its_counts_once() -> None:
    rivaroxaban = "利伐沙班片 10mg"
    result = _assess(
        [
            _summary(taken=5, missed=LIMIT),
            _summary(medication=rivaroxaban, taken=4, missed=LIMIT, rid="mr-2"),
        ],
        meds=["warfarin", "rivaroxaban"],
    )
    text = _adh(result)["adherence-recorded-missed-critical"]["text"]
    assert f"（{WARFARIN}、{rivaroxaban}）：{WARFARIN} 近7天应服{5 + LIMIT}次" in text
    assert f"；{rivaroxaban} 近7天应服{4 + LIMIT}次" in text
    assert text.count(WARFARIN) == 2 and text.count(rivaroxaban) == 2  # the list, then the counts
