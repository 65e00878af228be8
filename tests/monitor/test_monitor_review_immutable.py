"""A decided review is immutable (#17 item 7): its decider, decision, time and final text
cannot change and it cannot be deleted, through the model, its queryset and (PostgreSQL)
the database itself; the decision is one row of the audit trail with the decider's role."""

from __future__ import annotations

import pytest
from ammed_monitor_helpers import demo_db as demo_db
from django.contrib.auth import get_user_model
from django.db import DatabaseError, connection, transaction

from ammed_fhir.models import AuditRecord
from clinical.monitor import gate, services
from clinical.monitor.models import Review

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_db")]
HELD = "华法林最近可以停了，INR已经正常。"


def _held(key: str = "imm-1") -> Review:
    gate.submit(
        gate.OutgoingMessage(
            patient_id="demo-surgery", text=HELD, category="guidance", idempotency_key=key
        )
    )
    return Review.objects.get(communication_id=key)


def _decided() -> Review:
    doctor = get_user_model().objects.get(username="dr_wang")
    return services.approve(_held().pk, doctor, text="请遵医嘱继续服用华法林，按时复查INR。")


def test_the_decision_is_one_audit_row_with_the_deciders_role() -> None:
    review = _decided()
    [row] = AuditRecord.objects.for_patient("demo-surgery").filter(action="review.edit_approve")
    assert row.actor_name == "dr_wang" and row.role == "physician"
    assert row.before["text"] == HELD and row.after["text"] == review.final_text
    assert row.object_type == "monitor.review" and row.object_id == str(review.pk)


@pytest.mark.parametrize(
    ("field", "value"),
    [("final_text", "改过的文字"), ("status", "rejected"), ("reason", "x"), ("decided_at", None)],
)
def test_a_decided_review_refuses_a_changed_decision(field, value) -> None:
    review = _decided()
    setattr(review, field, value)
    with pytest.raises(PermissionError):
        review.save()


def test_a_decided_review_refuses_another_decider() -> None:
    review = _decided()
    review.decided_by = get_user_model().objects.get(username="nurse_li")
    with pytest.raises(PermissionError):
        review.save()


def test_a_decided_review_cannot_be_deleted() -> None:
    review = _decided()
    with pytest.raises(PermissionError):
        review.delete()
    with pytest.raises(PermissionError):
        Review.objects.filter(pk=review.pk).delete()


def test_bulk_update_of_a_decision_is_refused_but_escalation_fields_are_not() -> None:
    review = _decided()
    with pytest.raises(PermissionError):
        Review.objects.filter(pk=review.pk).update(final_text="x")
    assert Review.objects.filter(pk=review.pk).update(escalation_level=2) == 1


def test_a_pending_review_stays_editable_and_deletable() -> None:
    review = _held("imm-pending")
    review.final_text = "草稿"
    review.save()
    assert Review.objects.filter(pk=review.pk).update(reason="r") == 1


@pytest.mark.postgres
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE monitor_review SET final_text = 'x' WHERE id = %s",
        "UPDATE monitor_review SET decided_by_id = NULL WHERE id = %s",
        "UPDATE monitor_review SET status = 'pending' WHERE id = %s",
        "DELETE FROM monitor_review WHERE id = %s",
    ],
)
def test_the_database_refuses_raw_changes_to_a_decided_review(sql) -> None:
    review = _decided()
    with pytest.raises(DatabaseError, match="decided review"):
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql, [review.pk])
    review.refresh_from_db()
    assert review.status == "approved" and review.final_text != "x"


@pytest.mark.postgres
def test_the_database_allows_raw_changes_to_a_pending_review() -> None:
    review = _held("imm-raw")
    with connection.cursor() as cur:
        cur.execute("UPDATE monitor_review SET final_text = 'draft' WHERE id = %s", [review.pk])
    review.refresh_from_db()
    assert review.final_text == "draft"
