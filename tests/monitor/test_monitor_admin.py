"""Admin review queue through the Django test client: who sees what, decisions, read-only audit."""

from __future__ import annotations

import pytest
from ammed_monitor_helpers import client_for
from ammed_monitor_helpers import demo_db as demo_db

from ammed_fhir import store
from clinical.monitor import gate
from clinical.monitor.admin import highlight
from clinical.monitor.models import AuditEvent, Review

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_db")]
HELD = "华法林最近可以停了，<b>INR</b>已经正常。"


def _held() -> Review:
    gate.submit(
        gate.OutgoingMessage(
            patient_id="demo-surgery", text=HELD, category="guidance", idempotency_key="adm-1"
        )
    )
    return Review.objects.get(communication_id="adm-1")


def test_highlight_marks_spans_and_escapes_html():
    html = highlight("a<b>停药</b>", [{"span": [4, 6], "severity": "high", "code": "x"}])
    assert "&lt;b&gt;" in html and '<mark class="finding" title="x: ">停药</mark>' in html


@pytest.mark.parametrize(
    ("persona", "sees"), [("dr_wang", True), ("nurse_li", True), ("nurse_zhao", False)]
)
def test_queue_lists_only_assigned_patients(persona, sees):
    review = _held()
    resp = client_for(persona).get("/admin/monitor/review/?status__exact=pending")
    assert resp.status_code == 200
    assert (f"/admin/monitor/review/{review.pk}/change/" in resp.text) is sees


@pytest.mark.parametrize("persona", ["zhang_wei", "emr"])
def test_patient_and_integration_cannot_open_the_admin_queue(persona):
    _held()
    resp = client_for(persona).get("/admin/monitor/review/")
    assert resp.status_code == 302 and "/admin/login/" in resp["Location"]


def test_change_page_highlights_findings_for_assigned_physician():
    review = _held()
    resp = client_for("dr_wang").get(f"/admin/monitor/review/{review.pk}/change/")
    assert resp.status_code == 200
    assert '<mark class="finding"' in resp.text and "&lt;b&gt;INR&lt;/b&gt;" in resp.text
    assert 'name="_edit_approve"' in resp.text


def test_unassigned_nurse_cannot_decide_through_the_admin():
    review = _held()
    resp = client_for("nurse_zhao").post(
        f"/admin/monitor/review/{review.pk}/change/", {"_approve": "1", "edited_text": HELD}
    )
    assert resp.status_code in (302, 403, 404)
    assert store.read("Communication", "adm-1")["status"] == "on-hold"


def test_reject_in_admin_without_reason_changes_nothing_then_with_reason():
    review = _held()
    url = f"/admin/monitor/review/{review.pk}/change/"
    c = client_for("dr_wang")
    c.post(url, {"_reject": "1", "decision_reason": ""})
    assert store.read("Communication", "adm-1")["status"] == "on-hold"
    resp = c.post(url, {"_reject": "1", "decision_reason": "停药须医生决定"})
    assert resp.status_code == 302
    comm = store.read("Communication", "adm-1")
    assert comm["status"] == "not-done" and comm["statusReason"]["text"] == "停药须医生决定"
    # a decided review is read-only in the admin
    page = client_for("dr_wang").get(url)
    assert page.status_code == 200 and 'name="_approve"' not in page.text


def test_audit_admin_is_read_only():
    review = _held()
    ev = AuditEvent.objects.filter(review=review).first()
    c = client_for("admin")
    assert c.get("/admin/monitor/auditevent/").status_code == 200
    assert c.get(f"/admin/monitor/auditevent/{ev.pk}/delete/").status_code in (302, 403)
    c.post(f"/admin/monitor/auditevent/{ev.pk}/change/", {"after": "tampered"})
    assert AuditEvent.objects.get(pk=ev.pk).after == ev.after
    assert c.get("/admin/monitor/auditevent/add/").status_code == 403
