"""CarePlan approval: physicians only (admin action and POST /api/v1/careplans/{id}/approve),
audited; others refused, the outsider sees nothing."""

from __future__ import annotations

import pytest
from workspace_helpers import PATIENT, client_for
from workspace_helpers import demo_db as demo_db

from ammed_fhir import store
from ammed_fhir.models import AuditRecord

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_db")]


def _draft(cid: str) -> str:
    store.write(
        {
            "resourceType": "CarePlan",
            "id": cid,
            "status": "draft",
            "intent": "proposal",
            "title": "术后随访计划",
            "subject": {"reference": f"Patient/{PATIENT}"},
            "activity": [
                {
                    "detail": {
                        "status": "scheduled",
                        "code": {"text": "门诊复诊"},
                        "scheduledPeriod": {"start": "2026-01-10", "end": "2026-01-10"},
                    }
                }
            ],
        }
    )
    return cid


@pytest.mark.parametrize(
    ("persona", "status"),
    [("dr_wang", 200), ("pharm_sun", 403), ("nurse_li", 403), ("nurse_zhao", 404)],
)
def test_api_approval_is_for_physicians(persona, status):
    cid = _draft(f"cp-api-{persona}".replace("_", "-"))
    resp = client_for(persona).post(f"/api/v1/careplans/{cid}/approve")
    assert resp.status_code == status
    plan = store.read("CarePlan", cid)
    assert (plan["status"] == "active") is (status == 200)
    audited = AuditRecord.objects.filter(action="careplan.approve", object_id=cid)
    assert audited.exists() is (status == 200)
    if status == 200:
        row = audited.get()
        assert row.actor_name == "dr_wang" and row.after["status"] == "active"


def test_admin_action_approves_for_the_physician():
    from clinical.followup.models import FollowupCarePlan

    cid = _draft("cp-admin-1")
    row = FollowupCarePlan.objects.get(resource_id=cid)
    resp = client_for("dr_wang").post(
        "/admin/followup/followupcareplan/",
        {"action": "approve", "_selected_action": [row.pk]},
        follow=True,
    )
    assert resp.status_code == 200 and "已批准 1 份随访计划" in resp.text
    assert store.read("CarePlan", cid)["status"] == "active"
    assert AuditRecord.objects.filter(action="careplan.approve", object_id=cid).exists()
