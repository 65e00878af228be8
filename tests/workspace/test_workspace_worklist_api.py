"""GET /api/v1/worklist: the admin worklist's rows for the authenticated clinician (only
their patients), in the OpenAPI schema; the worklist's query count does not grow with the
number of patients."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from rest_framework.test import APIClient
from workspace_helpers import PATIENT
from workspace_helpers import demo_db as demo_db

from ammed_fhir import access, store
from clinical.agent.models import AgentMessage
from clinical.followup.models import AlertRecord, Assessment, FollowupState
from clinical.monitor.models import Review
from clinical.workspace import worklist

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_db")]
FEVER = "术后第5天发热38.6℃并伴伤口红肿/渗液，警惕手术部位感染"


def _api(username: str) -> APIClient:
    c = APIClient()
    c.force_authenticate(get_user_model().objects.get(username=username))
    return c


def _urgent(pid: str) -> None:
    result = {"reasons": [{"code": "postop-fever-wound", "disposition": "urgent", "text": FEVER}]}
    a = Assessment.objects.create(patient_id=pid, disposition="urgent", result=result)
    FollowupState.objects.update_or_create(
        patient_id=pid,
        defaults={"disposition": "urgent", "assessed": timezone.now(), "assessment": a},
    )
    AlertRecord.objects.create(
        patient_id=pid,
        finding_key=f"api-{pid}",
        reason_code="postop-fever-wound",
        disposition="urgent",
        reasons=[result["reasons"][0]],
        assessment=a,
    )


def test_api_rows_match_the_admin_worklist_for_the_clinician():
    _urgent(PATIENT)
    Review.objects.create(communication_id="api-wl-1", patient_id=PATIENT, original_text="请复诊")
    body = _api("dr_wang").get("/api/v1/worklist").json()
    user = get_user_model().objects.get(username="dr_wang")
    assert [r["patient_id"] for r in body["rows"]] == [r.patient_id for r in worklist.build(user)]
    top = body["rows"][0]
    assert top["patient_id"] == PATIENT and top["disposition_label"] == "24小时内就诊"
    assert top["reasons"] == [FEVER] and FEVER in top["open_alerts"][0]
    assert len(top["pending_reviews"]) == 1 and body["totals"]["pending"] == 1
    assert body["totals"]["patients"] == len(body["rows"])
    urgent = _api("dr_wang").get("/api/v1/worklist?f=urgent").json()["rows"]
    assert [r["patient_id"] for r in urgent] == [PATIENT]


def test_api_shows_only_the_clinicians_patients():
    _urgent(PATIENT)
    assert _api("nurse_zhao").get("/api/v1/worklist").json()["rows"] == []
    nurse = get_user_model().objects.get(username="nurse_li")
    ids = {r["patient_id"] for r in _api("nurse_li").get("/api/v1/worklist").json()["rows"]}
    assert ids and ids <= access.visible_patient_ids(nurse)


@pytest.mark.parametrize("persona", ["zhang_wei", "emr"])
def test_patients_and_integrations_get_403(persona):
    assert _api(persona).get("/api/v1/worklist").status_code == 403


def test_anonymous_gets_401_and_a_bad_filter_400():
    assert APIClient().get("/api/v1/worklist").status_code in (401, 403)
    assert _api("dr_wang").get("/api/v1/worklist?f=nope").status_code == 400


def test_worklist_is_in_the_openapi_schema():
    schema = _api("dr_wang").get("/api/schema/", HTTP_ACCEPT="application/json").json()
    op = schema["paths"]["/api/v1/worklist"]["get"]
    assert "200" in op["responses"] and any(p["name"] == "f" for p in op["parameters"])


def _patients(n: int, doctor) -> list[str]:
    """``n`` patients assigned to ``doctor``, each with a state, an open alert, a pending
    review, a message and critical-medicine doses."""
    from clinical.orders.models import DoseReminder, OrderSchedule

    ids = []
    now = timezone.now()
    for i in range(n):
        pid = f"qc-{n}-{i}"
        store.write(
            {
                "resourceType": "Patient",
                "id": pid,
                "name": [{"text": f"患者{i}"}],
                "gender": "female",
                "birthDate": "1950-01-01",
            }
        )
        access.assign(doctor, pid)
        _urgent(pid)
        Review.objects.create(communication_id=f"qc-{pid}", patient_id=pid, original_text="请复诊")
        AgentMessage.objects.create(patient_id=pid, direction="in", text="头晕", status="received")
        OrderSchedule.objects.create(
            request_id=f"mr-{pid}",
            patient_id=pid,
            status="scheduled",
            critical_class="anticoagulant",
        )
        for d, response in enumerate(("taken", "missed", "taken")):
            DoseReminder.objects.create(
                key=f"{pid}-{d}",
                request_id=f"mr-{pid}",
                patient_id=pid,
                medication="华法林",
                due_at=now - dt.timedelta(days=d + 1),
                response=response,
            )
        ids.append(pid)
    return ids


def test_query_count_is_constant_in_the_number_of_patients(django_assert_max_num_queries):
    User = get_user_model()
    one, twenty = User.objects.create_user("qc_one"), User.objects.create_user("qc_twenty")
    from django.contrib.auth.models import Group

    for u in (one, twenty):
        u.groups.add(Group.objects.get(name="physician"))
    _patients(1, one)
    _patients(20, twenty)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        rows_one = worklist.build(one)
    assert len(rows_one) == 1 and rows_one[0].critical_adherence == ["华法林 67%"]
    with django_assert_max_num_queries(len(small.captured_queries)):
        rows = worklist.build(twenty)
    assert len(rows) == 20 and all(r.critical_adherence == ["华法林 67%"] for r in rows)
    assert all(r.last_contact is not None and r.pending_reviews for r in rows)
