"""The assess endpoint, CarePlan lifecycle, care-team alerts, event handler and sweep."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone
from followup_helpers import assess, push_bundle
from followup_vignette_builder import vignette_bundle

from ammed_fhir import events, store
from ammed_fhir.models import PatientAssignment, Resource
from clinical.followup.models import AlertRecord, Assessment, FollowupState
from clinical.followup.services.careplan import approve_careplan, careplan_id, revisit_disposition
from clinical.followup.services.sweep import load_records, patients_under_followup, sweep

pytestmark = pytest.mark.django_db

CHEST_PAIN = {
    "id": "api-cp",
    "age": 66,
    "obs": [["hr", 80, 2]],
    "survey": [["症状描述", "胸口疼", 1]],
}
DM = {
    "id": "api-dm",
    "age": 58,
    "conditions": ["diabetes", "hypertension"],
    "obs": [["fglu", 8.6, 6], ["hba1c", 7.8, 400], ["bp", [162, 98], 3]],
    "discharge_days_ago": 2,
}
POSTOP = {
    "id": "api-op",
    "age": 68,
    "conditions": ["af"],
    "meds": ["warfarin"],
    "surgery": {"days_ago": 9, "text": "右侧全膝关节置换术", "snomed": "609588000"},
    "discharge_days_ago": 3,
    "obs": [["temp", 37.4, 20], ["inr", 2.4, 40]],
}


def user_in(group: str, name: str) -> User:
    user = User.objects.create_user(name, password="x", is_staff=True)
    user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


def client_for(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def push(admin_client: Client, v: dict) -> str:
    push_bundle(admin_client, vignette_bundle(v, timezone.now()))
    return f"vg-{v['id']}"


def test_assess_returns_disposition_reasons_timeframe_and_draft_careplan(admin_client) -> None:
    pid = push(admin_client, DM)
    body = assess(admin_client, pid).json()
    assert body["disposition"] == "routine"
    assert body["timeframe"]["code"] == "planned-visit"
    codes = {r["code"] for r in body["reasons"]}
    assert {"fasting-glucose-above-target", "hba1c-above-target", "bp-grade2"} <= codes
    glucose = next(r for r in body["reasons"] if r["code"] == "fasting-glucose-above-target")
    assert any(e.startswith("Observation/") for e in glucose["evidence"])
    assert any(e.startswith("Condition/") for e in glucose["evidence"])
    plan = body["careplan"]
    assert plan["status"] == "draft" and plan["intent"] == "proposal"
    assert plan["subject"] == {"reference": f"Patient/{pid}"}
    assert len(plan["addresses"]) == 2
    codes = {a["detail"]["code"]["coding"][0]["code"] for a in plan["activity"]}
    assert {"self-bp", "self-glucose", "lab-hba1c-3m", "revisit"} <= codes
    hba1c = next(
        a for a in plan["activity"] if a["detail"]["code"]["coding"][0]["code"] == "lab-hba1c-3m"
    )
    discharge = (timezone.now() - timedelta(days=2)).date()
    assert (
        hba1c["detail"]["scheduledPeriod"]["start"] == (discharge + timedelta(days=90)).isoformat()
    )
    bp = next(a for a in plan["activity"] if a["detail"]["code"]["coding"][0]["code"] == "self-bp")
    assert bp["detail"]["scheduledTiming"]["repeat"]["frequency"] == 2
    # Stored in the FHIR store, readable through FHIR search.
    assert store.search("CarePlan", patient_id=pid)[0]["id"] == careplan_id(pid)
    found = admin_client.get(f"/fhir/CarePlan?patient={pid}")
    assert found.status_code == 200
    assert [e["resource"]["id"] for e in found.json()["entry"]] == [careplan_id(pid)]
    assert Assessment.objects.get(patient_id=pid).disposition == "routine"


def test_postop_warfarin_plan_has_contacts_and_inr_schedule(admin_client) -> None:
    pid = push(admin_client, POSTOP)
    body = assess(admin_client, pid).json()
    assert body["disposition"] == "self-care"
    codes = [a["detail"]["code"]["coding"][0]["code"] for a in body["careplan"]["activity"]]
    for code in (
        "contact-d1",
        "contact-d3",
        "contact-d7",
        "contact-d30",
        "lab-inr-weekly",
        "wound-check-d14",
    ):
        assert code in codes


def test_bad_requests_are_4xx_never_500(admin_client) -> None:
    r = admin_client.post("/api/v1/followup/assess", data={}, content_type="application/json")
    assert r.status_code == 400 and "patient_id" in r.json()
    r = admin_client.post("/api/v1/followup/assess", data="{nope", content_type="application/json")
    assert r.status_code == 400
    assert assess(admin_client, "does-not-exist").status_code == 404


def test_outsiders_see_nothing(admin_client) -> None:
    pid = push(admin_client, DM)
    stranger = client_for(user_in("nurse", "nurse_unassigned"))
    assert assess(stranger, pid).status_code == 404
    assert Client().post(
        "/api/v1/followup/assess", data={"patient_id": pid}, content_type="application/json"
    ).status_code in (401, 403)
    nurse = user_in("nurse", "nurse_assigned")
    PatientAssignment.objects.create(patient_id=pid, user=nurse)
    assert assess(client_for(nurse), pid).status_code == 200


def test_emergency_alerts_care_team_once(admin_client) -> None:
    pid = push(admin_client, CHEST_PAIN)
    doctor = user_in("physician", "doc")
    PatientAssignment.objects.create(patient_id=pid, user=doctor)
    assert assess(admin_client, pid).json()["disposition"] == "emergency"
    assert assess(admin_client, pid).json()["disposition"] == "emergency"
    alerts = [
        c
        for c in store.search("Communication", patient_id=pid)
        if c["category"][0]["coding"][0]["code"] == "alert"
    ]
    assert len(alerts) == 1
    assert "胸痛" in alerts[0]["payload"][0]["contentString"]
    assert AlertRecord.objects.filter(patient_id=pid, reason_code="redflag-chest-pain").count() == 1


def test_changed_disposition_revises_revisit(admin_client) -> None:
    pid = push(admin_client, DM)
    assess(admin_client, pid)
    plan = store.read("CarePlan", careplan_id(pid))
    assert revisit_disposition(plan) == "routine"
    store.write(
        {
            "resourceType": "Observation",
            "id": "api-dm-spo2",
            "status": "final",
            "code": {"coding": [{"system": "http://loinc.org", "code": "59408-5"}]},
            "subject": {"reference": f"Patient/{pid}"},
            "effectiveDateTime": timezone.now().isoformat(),
            "valueQuantity": {"value": 87, "unit": "%", "code": "%"},
        }
    )
    body = assess(admin_client, pid).json()
    assert body["disposition"] == "emergency"
    plan = store.read("CarePlan", careplan_id(pid))
    assert revisit_disposition(plan) == "emergency"
    assert plan["meta"]["versionId"] == "2"
    assert "调整" in plan["note"][-1]["text"]
    latest = Assessment.objects.filter(patient_id=pid).first()
    assert latest.changed and latest.previous_disposition == "routine"


def test_approve_careplan_activates_and_sends_summary(admin_client) -> None:
    pid = push(admin_client, DM)
    assess(admin_client, pid)
    cp = careplan_id(pid)
    outsider = user_in("physician", "doc_other")
    with pytest.raises(LookupError):
        approve_careplan(cp, outsider)
    emr = user_in("integration", "emr_sys")
    with pytest.raises(PermissionDenied):
        approve_careplan(cp, emr)
    doctor = user_in("physician", "doc_mine")
    PatientAssignment.objects.create(patient_id=pid, user=doctor)
    plan = approve_careplan(cp, doctor)
    assert plan["status"] == "active" and plan["intent"] == "plan"
    summaries = [
        c
        for c in store.search("Communication", patient_id=pid)
        if c["category"][0]["coding"][0]["code"] == "careplan"
    ]
    assert len(summaries) == 1
    assert "随访计划" in summaries[0]["payload"][0]["contentString"]
    assert summaries[0]["about"] == [{"reference": f"CarePlan/{cp}"}]


def test_admin_approve_action_and_chart(admin_client) -> None:
    pid = push(admin_client, DM)
    assess(admin_client, pid)
    row = Resource.objects.get(resource_type="CarePlan", resource_id=careplan_id(pid))
    r = admin_client.post(
        "/admin/followup/followupcareplan/",
        {"action": "approve", "_selected_action": [row.pk]},
    )
    assert r.status_code == 302
    assert store.read("CarePlan", careplan_id(pid))["status"] == "active"
    a = Assessment.objects.get(patient_id=pid)
    page = admin_client.get(f"/admin/followup/assessment/{a.pk}/change/").content.decode()
    assert "<svg" in page and "收缩压" in page and "160" in page


def test_new_observation_event_enqueues_assessment(
    admin_client, django_capture_on_commit_callbacks
) -> None:
    pid = push(admin_client, DM)
    assert "clinical.followup.handlers.on_resources_changed" in events.subscribers()
    with django_capture_on_commit_callbacks(execute=True):
        store.write(
            {
                "resourceType": "Observation",
                "id": "api-dm-temp",
                "status": "final",
                "code": {"coding": [{"system": "http://loinc.org", "code": "8310-5"}]},
                "subject": {"reference": f"Patient/{pid}"},
                "effectiveDateTime": timezone.now().isoformat(),
                "valueQuantity": {"value": 39.5, "unit": "Cel", "code": "Cel"},
            }
        )
    a = Assessment.objects.get(patient_id=pid)
    assert a.trigger == "observation" and a.disposition == "urgent"


def test_sweep_assesses_everyone_in_batches(admin_client, django_assert_max_num_queries) -> None:
    pids = [push(admin_client, {**DM, "id": f"sw-{i}"}) for i in range(3)]
    pids.append(push(admin_client, {**CHEST_PAIN, "id": "sw-cp", "discharge_days_ago": 1}))
    push(admin_client, {**CHEST_PAIN, "id": "sw-not-followed"})  # no discharge, plan or team
    now = timezone.now()
    assert set(patients_under_followup(now)) == set(pids)
    with django_assert_max_num_queries(1):
        records = load_records(pids, now)
    assert set(records) == set(pids)
    stats = sweep(now=now, batch_size=2)
    assert stats.patients == 4 and stats.batches == 2 and stats.errors == 0
    assert stats.by_disposition == {"routine": 3, "emergency": 1}
    assert stats.alerts == 1
    assert FollowupState.objects.get(patient_id="vg-sw-cp").disposition == "emergency"
    again = sweep(now=now + timedelta(minutes=1))
    assert again.alerts == 0 and again.changed == 0


def test_sweep_reads_what_the_rules_need_and_agrees_with_a_single_run(admin_client) -> None:
    """The sweep's trimmed batch load gives every vignette the same answer as the full record."""
    from followup_vignette_builder import load_vignettes

    from clinical.followup.services.engine import assess_record

    now = timezone.now()
    vignettes = load_vignettes()
    for v in vignettes:
        push_bundle(admin_client, vignette_bundle(v, now))
    # Extra history that no rule may use: readings 25 days old.
    old = {**DM, "id": "sw-old", "obs": [*DM["obs"], ["spo2", 80, 600], ["inr", 9.5, 600]]}
    push_bundle(admin_client, vignette_bundle(old, now))
    pids = [f"vg-{v['id']}" for v in vignettes] + ["vg-sw-old"]
    batch = load_records(pids, now)
    for pid in pids:
        full = assess_record(store.patient_record(pid), now)
        trimmed = assess_record(batch[pid], now)
        assert trimmed["disposition"] == full["disposition"], pid
        assert trimmed["reasons"] == full["reasons"], pid
    # PostgreSQL trims by each code's look-back (jsonb ``?|``); SQLite, the embedded default,
    # reads every observation in the overall window -- same answers, more rows.
    from django.db import connection

    trimmed_n = len(batch["vg-sw-old"].observations)
    full_n = len(store.patient_record("vg-sw-old").observations)
    if connection.vendor == "postgresql":
        assert trimmed_n < full_n
    else:
        assert trimmed_n == full_n


def test_nightly_sweep_task_is_scheduled_and_runs(admin_client, settings) -> None:
    from clinical.followup.tasks import nightly_sweep

    assert (
        settings.CELERY_BEAT_SCHEDULE["followup-nightly-sweep"]["task"] == "followup.nightly_sweep"
    )
    push(admin_client, DM)
    assert nightly_sweep.delay().get() == {"patients": 1, "alerts": 0, "errors": 0}


def test_sweep_query_count_does_not_grow_with_patients(admin_client) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for i in range(2):
        push(admin_client, {**DM, "id": f"qc-a{i}"})
    now = timezone.now()
    with CaptureQueriesContext(connection) as small:
        sweep(now=now)
    for i in range(6):
        push(admin_client, {**DM, "id": f"qc-b{i}"})
    with CaptureQueriesContext(connection) as large:
        stats = sweep(now=now + timedelta(minutes=1))
    assert stats.patients == 8
    assert len(large) == len(small)


def test_unrecognised_words_alert_care_team_once_with_the_words(admin_client) -> None:
    """#15 safety net: unreadable patient words alert the care team once, quoting them."""
    v = {"id": "unr-alert", "age": 70, "survey": [["今日感受", "脚趾头发凉变白", 2]]}
    push_bundle(admin_client, vignette_bundle(v, timezone.now()))
    pid = "vg-unr-alert"
    PatientAssignment.objects.create(patient_id=pid, user=user_in("physician", "doc_unr"))
    for _ in range(2):
        body = assess(admin_client, pid).json()
        # wholly unread but naming the body (脚趾头): partly understood, urgent (h-partial)
        assert body["disposition"] == "urgent"
        assert body["uncertainty"]["level"] == "high"
    alerts = [
        c
        for c in store.search("Communication", patient_id=pid)
        if c["category"][0]["coding"][0]["code"] == "alert"
    ]
    assert len(alerts) == 1
    assert "脚趾头发凉变白" in alerts[0]["payload"][0]["contentString"]
