"""Reading held messages is reading patient data (#17 item 7): one audit row per request
naming the patients shown; the outsider's empty list and refused detail write none."""

from __future__ import annotations

import pytest
from ammed_monitor_helpers import client_for
from ammed_monitor_helpers import demo_db as demo_db

from ammed_fhir.models import AuditRecord
from clinical.monitor import gate
from clinical.monitor.models import Review

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_db")]


def _held() -> Review:
    gate.submit(
        gate.OutgoingMessage(
            patient_id="demo-surgery",
            text="华法林最近可以停了，INR已经正常。",
            category="guidance",
            idempotency_key="reads-1",
        )
    )
    return Review.objects.get(communication_id="reads-1")


def test_the_review_list_and_detail_are_audited_reads() -> None:
    review = _held()
    c = client_for("dr_wang")
    assert c.get("/api/v1/reviews?status=pending").status_code == 200
    assert c.get(f"/api/v1/reviews/{review.pk}").status_code == 200
    rows = list(AuditRecord.objects.filter(action="read", actor_name="dr_wang"))
    assert len(rows) == 2 and all(r.patient_ids == ["demo-surgery"] for r in rows)


def test_the_outsider_reads_nothing_and_leaves_no_row() -> None:
    review = _held()
    c = client_for("nurse_zhao")
    assert c.get(f"/api/v1/reviews/{review.pk}").status_code == 404
    c.get("/api/v1/reviews?status=pending")
    assert not AuditRecord.objects.filter(action="read", actor_name="nurse_zhao").exists()


def test_a_review_page_in_the_admin_is_a_read() -> None:
    review = _held()
    assert (
        client_for("dr_wang").get(f"/admin/monitor/review/{review.pk}/change/").status_code == 200
    )
    [row] = AuditRecord.objects.filter(action="read", actor_name="dr_wang")
    assert row.patient_ids == ["demo-surgery"] and row.detail["path"].startswith("/admin/")
