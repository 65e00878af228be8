"""Roles: the groups' model permissions open the admin pages, compartments limit every page
and action, and medication content is signed off by a physician or pharmacist only."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from workspace_helpers import PATIENT, client_for
from workspace_helpers import demo_db as demo_db

from ammed_fhir import store
from clinical.followup.models import AlertRecord, Assessment, FollowupState
from clinical.monitor.models import AuditEvent, Review
from clinical.orders.models import OrderSchedule
from clinical.orders.services.schedule import sync_order
from clinical.workspace import signoff
from clinical.workspace.roles import ROLE_PERMISSIONS

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_db")]

PAGES = [
    "/admin/followup/assessment/",
    "/admin/followup/followupstate/",
    "/admin/followup/alertrecord/",
    "/admin/followup/followupcareplan/",
    "/admin/orders/orderschedule/",
    "/admin/orders/dosereminder/",
    "/admin/orders/patientroutine/",
    "/admin/ammed_fhir/patientresource/",
    "/admin/agent/agentmessage/",
    "/admin/monitor/review/",
]
MEDICATION = "华法林漏服了今天不用补，明天照常吃 3mg。"
NON_MEDICATION = "请按时复诊，伤口保持干燥。"


def _pending(key: str, category: str) -> Review:
    """A pending review made directly (the monitor may release plain text)."""
    store.write(
        {
            "resourceType": "Communication",
            "id": key,
            "status": "on-hold",
            "subject": {"reference": f"Patient/{PATIENT}"},
            "payload": [{"contentString": "x"}],
        }
    )
    return Review.objects.create(
        communication_id=key,
        patient_id=PATIENT,
        category=category,
        original_text=NON_MEDICATION if category == "careplan" else MEDICATION,
    )


def test_the_migration_made_every_role_group_with_its_permissions():
    for name, perms in ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=name)
        have = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        assert have == set(perms), name


@pytest.mark.parametrize("persona", ["dr_wang", "pharm_sun", "nurse_li", "nurse_zhao"])
@pytest.mark.parametrize("url", PAGES)
def test_every_clinician_opens_the_clinical_pages(persona, url):
    assert client_for(persona).get(url).status_code == 200


@pytest.mark.parametrize(
    ("persona", "sees"),
    [("dr_wang", True), ("pharm_sun", True), ("nurse_li", True), ("nurse_zhao", False)],
)
def test_rows_are_limited_to_assigned_patients(persona, sees):
    FollowupState.objects.update_or_create(
        patient_id=PATIENT, defaults={"disposition": "urgent", "assessed": "2026-01-01T00:00Z"}
    )
    AlertRecord.objects.create(
        patient_id=PATIENT, finding_key="k-ws-1", reason_code="fever", disposition="urgent"
    )
    c = client_for(persona)
    state = FollowupState.objects.get(patient_id=PATIENT)
    alert = AlertRecord.objects.get(finding_key="k-ws-1")
    for url, pk in [
        ("/admin/followup/followupstate/", state.pk),
        ("/admin/followup/alertrecord/", alert.pk),
    ]:
        page = c.get(url)
        assert (f"{url}{pk}/change/" in page.text) is sees
        detail = c.get(f"{url}{pk}/change/")
        assert (detail.status_code == 200) is sees
    patients = c.get("/admin/ammed_fhir/patientresource/").text
    assert (PATIENT in patients) is sees


def test_outsider_cannot_open_an_assessment_by_id():
    a = Assessment.objects.create(patient_id=PATIENT, disposition="routine", result={})
    assert client_for("nurse_zhao").get(
        f"/admin/followup/assessment/{a.pk}/change/"
    ).status_code in (
        302,
        404,
    )
    assert (
        client_for("dr_wang").get(f"/admin/followup/assessment/{a.pk}/change/").status_code == 200
    )


@pytest.fixture
def order() -> OrderSchedule:
    store.write(
        {
            "resourceType": "MedicationRequest",
            "id": "ws-mr-1",
            "status": "active",
            "intent": "order",
            "subject": {"reference": f"Patient/{PATIENT}"},
            "medicationCodeableConcept": {"text": "阿托伐他汀钙片 20mg"},
            "dosageInstruction": [{"text": "阿托伐他汀钙片 20mg qn 口服"}],
            "authoredOn": "2026-01-01",
        }
    )
    return sync_order("ws-mr-1")


@pytest.mark.parametrize(
    ("persona", "approves"),
    [("dr_wang", True), ("pharm_sun", True), ("nurse_li", False), ("nurse_zhao", False)],
)
def test_order_approval_needs_medication_signoff_and_the_compartment(persona, approves, order):
    resp = client_for(persona).post(
        "/admin/orders/orderschedule/",
        {"action": "approve", "_selected_action": [order.pk]},
        follow=True,
    )
    assert resp.status_code == 200
    assert (OrderSchedule.objects.get(pk=order.pk).approved_by is not None) is approves


@pytest.mark.parametrize(
    ("persona", "category", "released"),
    [
        ("dr_wang", "guidance", True),
        ("pharm_sun", "guidance", True),
        ("nurse_li", "guidance", False),
        ("nurse_li", "careplan", True),
        ("nurse_zhao", "careplan", False),
    ],
)
def test_medication_content_is_signed_off_by_physician_or_pharmacist(persona, category, released):
    review = _pending(f"ws-{persona}-{category}".replace("_", "-"), category)
    url = f"/admin/monitor/review/{review.pk}/change/"
    client_for(persona).post(url, {"_approve": "1"})
    review.refresh_from_db()
    assert (review.status == "approved") is released


def test_nurse_sees_escalate_instead_of_approve_and_escalation_is_audited():
    review = _pending("ws-esc", "guidance")
    url = f"/admin/monitor/review/{review.pk}/change/"
    c = client_for("nurse_li")
    page = c.get(url).text
    assert 'name="_approve"' not in page and 'name="_escalate"' in page
    assert "须医生或药师签发" in page
    c.post(url, {"_escalate": "1", "decision_reason": "剂量问题请医生看"})
    review.refresh_from_db()
    assert review.status == "pending"
    event = AuditEvent.objects.filter(review=review, action="escalate").get()
    assert event.actor_name == "nurse_li" and event.detail["note"] == "剂量问题请医生看"
    assert 'name="_approve"' in client_for("dr_wang").get(url).text


def test_review_api_refuses_a_nurse_on_medication_content():
    review = _pending("ws-api", "guidance")
    resp = client_for("nurse_li").post(f"/api/v1/reviews/{review.pk}/approve")
    assert resp.status_code == 403
    assert "医生或药师" in resp.json()["detail"]


def test_signoff_rules_are_configurable(settings):
    review = _pending("ws-cfg", "guidance")
    from django.contrib.auth import get_user_model

    nurse = get_user_model().objects.get(username="nurse_li")
    assert not signoff.may_approve(nurse, review)
    settings.AMMED_MEDICATION_SIGNOFF_ROLES = ["physician", "pharmacist", "nurse"]
    assert signoff.may_approve(nurse, review)
    settings.AMMED_MEDICATION_CATEGORIES = []
    settings.AMMED_MEDICATION_SIGNOFF_ROLES = ["physician"]
    assert signoff.may_approve(nurse, review)  # no finding, no intent: not medication


@pytest.mark.parametrize("persona", ["dr_wang", "pharm_sun", "nurse_li", "nurse_zhao"])
def test_careplan_approve_action_only_for_physicians(persona, rf):
    from django.contrib import admin
    from django.contrib.auth import get_user_model

    from clinical.followup.models import FollowupCarePlan

    request = rf.get("/admin/followup/followupcareplan/")
    request.user = get_user_model().objects.get(username=persona)
    actions = admin.site._registry[FollowupCarePlan].get_actions(request)
    assert ("approve" in actions) is (persona == "dr_wang")


@pytest.mark.parametrize(
    ("persona", "status"),
    [("dr_wang", 200), ("pharm_sun", 200), ("nurse_li", 403), ("nurse_zhao", 404)],
)
def test_order_approval_api_needs_medication_signoff(persona, status, order):
    resp = client_for(persona).post(f"/api/v1/orders/{order.request_id}/approve")
    assert resp.status_code == status


def test_order_page_shows_the_dosage_in_words(order):
    page = client_for("pharm_sun").get(f"/admin/orders/orderschedule/{order.pk}/change/").text
    assert "用法（结构化）" in page and "每 1 天 1 次" in page and "&quot;timing&quot;" not in page
