"""The audit trail (#17 item 7): each clinician, integration and admin action is exactly one
append-only row (actor, role, patient, before/after), each read of patient data one row per
request naming the patients, and the trail reads back as FHIR AuditEvent; outsiders see none.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import Client, RequestFactory
from django.utils import timezone
from orders_support import OTHER, PID, med_request

from ammed_fhir import access, audit, store
from ammed_fhir.models import AuditRecord, PatientAssignment
from clinical.orders.models import DoseReminder, OrderSchedule, PatientRoutine
from clinical.orders.services.schedule import approve_order, sync_order

pytestmark = pytest.mark.django_db


def _rows(action: str, patient: str = PID) -> list[AuditRecord]:
    return list(AuditRecord.objects.for_patient(patient).filter(action=action))


@pytest.fixture
def order(people) -> OrderSchedule:
    store.write(med_request("aud-1", "阿托伐他汀钙片 20mg qn 口服", name="阿托伐他汀钙片 20mg"))
    row = sync_order("aud-1", now=timezone.now() - dt.timedelta(days=2))
    assert row is not None
    return row


@pytest.fixture
def integration(people):  # type: ignore[no-untyped-def]
    user = type(people["doctor"]).objects.create_user("o_emr")
    user.groups.add(Group.objects.get_or_create(name="integration")[0])
    return user


@pytest.fixture
def superuser(people):  # type: ignore[no-untyped-def]
    return type(people["doctor"]).objects.create_superuser("o_root")


@pytest.fixture
def dose(people, order) -> DoseReminder:
    approve_order("aud-1", people["doctor"], now=timezone.now() - dt.timedelta(days=2))
    DoseReminder.objects.filter(due_at__lte=timezone.now()).update(state="released")
    return DoseReminder.objects.filter(due_at__lte=timezone.now()).order_by("-due_at").first()


# ---- actions ----------------------------------------------------------------------------------


def test_order_approval_through_the_api_is_one_row_with_before_and_after(
    people, order, client_for
) -> None:
    resp = client_for(people["doctor"]).post("/api/v1/orders/aud-1/approve")
    assert resp.status_code == 200
    [row] = _rows("order.approve")
    assert row.actor == people["doctor"] and row.role == "physician"
    assert row.object_type == "orders.orderschedule" and row.object_id == "aud-1"
    assert row.before["approved_by_id"] is None and row.before["approved_fingerprint"] == ""
    assert row.after["approved_by_id"] == people["doctor"].pk
    assert row.after["approved_fingerprint"] == order.fingerprint


def test_each_approval_is_kept_though_the_row_keeps_only_the_latest(
    people, order, superuser
) -> None:
    approve_order("aud-1", people["doctor"])
    approve_order("aud-1", superuser)
    rows = _rows("order.approve")
    assert [(r.actor_name, r.role) for r in rows] == [("o_doc", "physician"), ("o_root", "admin")]
    assert rows[1].before["approved_by_id"] == people["doctor"].pk


def test_outsider_cannot_approve_and_leaves_no_action_row(people, order, client_for) -> None:
    resp = client_for(people["outsider"]).post("/api/v1/orders/aud-1/approve")
    assert resp.status_code == 404
    assert not AuditRecord.objects.filter(action="order.approve").exists()


def test_routine_change_is_one_row_with_before_and_after(people, client_for) -> None:
    PatientRoutine.objects.create(patient_id=PID)
    resp = client_for(people["doctor"]).put(
        f"/api/v1/patients/{PID}/routine", {"breakfast_time": "08:15"}, format="json"
    )
    assert resp.status_code == 200
    [row] = _rows("routine.change")
    assert row.actor == people["doctor"] and row.role == "physician"
    assert row.before["breakfast_time"] != "08:15:00" and row.after["breakfast_time"] == "08:15:00"


def test_assignment_create_and_delete_through_the_api(people, integration, client_for) -> None:
    c = client_for(integration)
    resp = c.post(
        "/api/v1/assignments", {"username": "o_nurse", "patient_id": OTHER}, format="json"
    )
    assert resp.status_code == 201
    [created] = _rows("assignment.create", OTHER)
    assert created.actor == integration and created.role == "integration"
    assert created.after == {"patient_id": OTHER, "user_id": people["outsider"].pk, "source": "api"}
    assert c.delete(f"/api/v1/assignments/{resp.json()['id']}").status_code == 204
    [deleted] = _rows("assignment.delete", OTHER)
    assert deleted.before["user_id"] == people["outsider"].pk and deleted.after is None


def test_assignment_outside_a_request_is_the_systems(people) -> None:
    access.assign(people["outsider"], OTHER, source="generalPractitioner")
    [row] = _rows("assignment.create", OTHER)
    assert row.actor is None and row.role == "system" and row.actor_name == "system"


def test_ack_by_an_integration_names_it_and_the_patient_apart(
    people, dose, integration, client_for
) -> None:
    resp = client_for(integration).post(
        f"/api/v1/reminders/{dose.pk}/ack", {"status": "taken"}, format="json"
    )
    assert resp.status_code == 200
    [row] = _rows("dose.ack")
    assert row.actor == integration and row.role == "integration"
    assert row.on_behalf_of == f"Patient/{PID}"
    assert row.before["response"] == "" and row.after["response"] == "taken"
    dose.refresh_from_db()
    assert dose.responded_by == integration


def test_the_patients_own_ack_is_no_proxy(people, dose, client_for) -> None:
    resp = client_for(people["patient"]).post(
        f"/api/v1/reminders/{dose.pk}/ack", {"status": "taken"}, format="json"
    )
    assert resp.status_code == 200
    assert not _rows("dose.ack")
    dose.refresh_from_db()
    assert dose.responded_by is None and dose.response == "taken"


# ---- reads ------------------------------------------------------------------------------------


def test_a_patient_endpoint_read_is_one_row_naming_the_patient(people, client_for) -> None:
    resp = client_for(people["doctor"]).get(f"/api/v1/patients/{PID}/orders")
    assert resp.status_code == 200
    [row] = _rows("read")
    assert row.actor == people["doctor"] and row.patient_ids == [PID]
    assert row.detail["path"] == f"/api/v1/patients/{PID}/orders" and row.before is None


def test_an_outsiders_refused_read_reads_nothing(people, client_for) -> None:
    assert client_for(people["outsider"]).get(f"/api/v1/patients/{PID}/orders").status_code == 404
    assert not AuditRecord.objects.filter(action="read").exists()


def test_fhir_read_and_search_name_the_patients_of_the_page(people, order, integration) -> None:
    c = Client()
    c.force_login(integration)
    assert c.get(f"/fhir/Patient/{PID}").status_code == 200
    assert c.get("/fhir/Patient?_count=50").status_code == 200
    reads = list(AuditRecord.objects.filter(action="read", actor=integration))
    assert len(reads) == 2
    assert reads[0].patient_ids == [PID]
    assert set(reads[1].patient_ids) >= {PID, OTHER}
    assert "张三" not in str(reads[1].detail) and reads[1].after is None  # ids only


def test_a_fhir_search_the_clinician_may_not_see_reads_no_patient(people, client_for) -> None:
    resp = client_for(people["outsider"]).get(f"/fhir/MedicationRequest?patient={PID}")
    assert resp.status_code == 200 and not resp.json().get("entry")
    assert not AuditRecord.objects.filter(action="read").exists()


# ---- admin ------------------------------------------------------------------------------------


class AuditedRoutineAdmin(audit.AuditedAdminMixin, admin.ModelAdmin):
    actions = ["touch"]

    @admin.action(description="touch")
    def touch(self, request, queryset):  # type: ignore[no-untyped-def]
        return None


def _admin_request(user: Any, method: str = "get"):  # type: ignore[no-untyped-def]
    request = getattr(RequestFactory(), method)("/admin/orders/patientroutine/")
    request.user = user
    return request


def test_admin_mixin_change_keeps_logentry_and_audits_before_and_after(superuser) -> None:
    from django.contrib.admin.models import LogEntry

    routine = PatientRoutine.objects.create(patient_id=PID)
    ma = AuditedRoutineAdmin(PatientRoutine, admin.site)
    request = _admin_request(superuser, "post")
    obj = ma.get_object(request, str(routine.pk))
    obj.breakfast_time = dt.time(6, 45)
    obj.save()
    ma.log_change(request, obj, [{"changed": {"fields": ["breakfast_time"]}}])
    [row] = _rows("admin.change")
    assert row.role == "admin" and row.object_id == str(routine.pk)
    assert row.before["breakfast_time"] != "06:45:00" and row.after["breakfast_time"] == "06:45:00"
    assert LogEntry.objects.filter(object_id=str(routine.pk)).count() == 1


def test_admin_mixin_delete_add_and_custom_action(superuser) -> None:
    ma = AuditedRoutineAdmin(PatientRoutine, admin.site)
    request = _admin_request(superuser, "post")
    routine = PatientRoutine.objects.create(patient_id=OTHER)
    ma.log_addition(request, routine, [{"added": {}}])
    func = ma.get_actions(request)["touch"][0]
    func(ma, request, PatientRoutine.objects.filter(pk=routine.pk))
    ma.log_deletions(request, [routine])
    actions = [r.action for r in AuditRecord.objects.for_patient(OTHER)]
    assert actions == ["admin.add", "admin.action.touch", "admin.delete"]
    deleted = AuditRecord.objects.get(action="admin.delete")
    assert deleted.before["patient_id"] == OTHER and deleted.after is None


def test_admin_change_page_shown_is_one_read(superuser, people) -> None:
    routine = PatientRoutine.objects.create(patient_id=PID)
    c = Client()
    c.force_login(superuser)
    assert c.get(f"/admin/orders/patientroutine/{routine.pk}/change/").status_code == 200
    [row] = _rows("read")
    assert row.actor == superuser and row.patient_ids == [PID]


def test_admin_change_page_refused_is_no_read(people) -> None:
    routine = PatientRoutine.objects.create(patient_id=PID)
    c = Client()
    c.force_login(people["outsider"])
    c.get(f"/admin/orders/patientroutine/{routine.pk}/change/")
    assert not AuditRecord.objects.filter(action="read").exists()


def test_admin_order_approval_action_is_the_action_and_the_approval(
    people, order, superuser
) -> None:
    c = Client()
    c.force_login(superuser)
    resp = c.post(
        "/admin/orders/orderschedule/", {"action": "approve", "_selected_action": [order.pk]}
    )
    assert resp.status_code == 302
    [action] = _rows("admin.action.approve")
    [approval] = _rows("order.approve")
    assert action.detail["ids"] == [str(order.pk)] and approval.actor == superuser
    assert approval.role == "admin"


def test_admin_assignment_add_is_one_row(people, superuser) -> None:
    c = Client()
    c.force_login(superuser)
    resp = c.post(
        "/admin/ammed_fhir/patientassignment/add/",
        {"patient_id": OTHER, "user": people["doctor"].pk, "source": "admin"},
    )
    assert resp.status_code == 302, resp.content[:500]
    [row] = AuditRecord.objects.for_patient(OTHER).exclude(action="read")
    assert row.action == "assignment.create" and row.actor == superuser


# ---- the trail itself -------------------------------------------------------------------------


def test_rows_refuse_update_and_delete(people) -> None:
    row = audit.record(people["doctor"], "test.action", patients=[PID])
    with pytest.raises(PermissionError):
        row.save()
    with pytest.raises(PermissionError):
        row.delete()
    with pytest.raises(PermissionError):
        AuditRecord.objects.filter(pk=row.pk).update(action="x")
    with pytest.raises(PermissionError):
        AuditRecord.objects.filter(pk=row.pk).delete()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("superuser", 200), ("doctor", 200), ("outsider", 404), ("patient", 404), ("emr", 404)],
)
def test_audit_export_as_fhir_auditevent(
    people, order, superuser, integration, client_for, persona, status
) -> None:
    approve_order("aud-1", people["doctor"])
    user = {"superuser": superuser, "emr": integration}.get(persona) or people[persona]
    resp = client_for(user).get(f"/api/v1/audit?patient={PID}")
    assert resp.status_code == status
    if status != 200:
        return
    body = resp.json()
    assert body["resourceType"] == "Bundle" and body["type"] == "searchset"
    events = [e["resource"] for e in body["entry"]]
    approval = next(e for e in events if e["subtype"][0]["code"] == "order.approve")
    assert approval["resourceType"] == "AuditEvent" and approval["action"] == "E"
    assert approval["agent"][0]["who"]["display"] == "o_doc"
    assert approval["agent"][0]["role"][0]["text"] == "physician"
    assert {"reference": f"Patient/{PID}"} in [e["what"] for e in approval["entity"]]


def test_the_whole_trail_is_for_administrators_only(people, superuser, client_for) -> None:
    assert client_for(people["doctor"]).get("/api/v1/audit").status_code == 403
    assert client_for(superuser).get("/api/v1/audit").status_code == 200


def test_a_nurse_of_the_patient_may_not_read_the_trail(people, client_for) -> None:
    PatientAssignment.objects.create(user=people["outsider"], patient_id=PID)
    assert client_for(people["outsider"]).get(f"/api/v1/audit?patient={PID}").status_code == 403
