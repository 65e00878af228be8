"""The worklist home page: urgency order, Chinese reasons, pending reviews with their age,
the SLA count, compartments."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from workspace_helpers import PATIENT, client_for
from workspace_helpers import demo_db as demo_db

from clinical.followup.models import AlertRecord, Assessment, FollowupState
from clinical.monitor.models import Review
from clinical.workspace import worklist

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_db")]
OTHER = "demo-htn-dm"
FEVER = "术后第5天发热38.6℃并伴伤口红肿/渗液，警惕手术部位感染"


def _urgent_surgery_patient() -> None:
    a = Assessment.objects.create(
        patient_id=PATIENT,
        disposition="urgent",
        result={
            "reasons": [{"code": "postop-fever-wound", "disposition": "urgent", "text": FEVER}]
        },
    )
    FollowupState.objects.update_or_create(
        patient_id=PATIENT,
        defaults={"disposition": "urgent", "assessed": timezone.now(), "assessment": a},
    )
    AlertRecord.objects.create(
        patient_id=PATIENT,
        finding_key="wl-1",
        reason_code="postop-fever-wound",
        disposition="urgent",
        assessment=a,
    )


def _review(pid: str, minutes_ago: int) -> Review:
    r = Review.objects.create(
        communication_id=f"wl-{pid}-{minutes_ago}", patient_id=pid, original_text="请复诊"
    )
    Review.objects.filter(pk=r.pk).update(
        created=timezone.now() - dt.timedelta(minutes=minutes_ago)
    )
    return r


def test_clinicians_land_on_their_worklist():
    resp = client_for("dr_wang").get("/admin/")
    assert resp.status_code == 302 and resp["Location"] == "/admin/workspace/worklist/"
    assert client_for("dr_wang").get("/admin/?all=1").status_code == 200


def test_rows_ordered_by_urgency_with_chinese_reasons_and_review_age(settings):
    settings.AMMED_REVIEW_SLA_MIN = 30
    _urgent_surgery_patient()
    _review(OTHER, 90)
    user = get_user_model().objects.get(username="dr_wang")
    rows = worklist.build(user)
    assert [r.patient_id for r in rows][:2] == [PATIENT, OTHER]
    assert rows[0].reasons == [FEVER] and FEVER in rows[0].open_alerts[0]
    assert rows[1].overdue_reviews == 1
    page = client_for("dr_wang").get("/admin/workspace/worklist/").text
    assert FEVER in page and "postop-fever-wound" not in page
    assert "已等待 1 小时 30 分" in page and "超时" in page
    assert "超过审核时限（30 分钟）1 条" in page
    assert page.index(f'data-patient="{PATIENT}"') < page.index(f'data-patient="{OTHER}"')


def test_filters_keep_only_matching_patients():
    _review(OTHER, 5)
    page = client_for("nurse_li").get("/admin/workspace/worklist/?f=pending").text
    assert f'data-patient="{OTHER}"' in page and f'data-patient="{PATIENT}"' not in page


def test_outsider_nurse_sees_no_patient():
    _urgent_surgery_patient()
    page = client_for("nurse_zhao").get("/admin/workspace/worklist/")
    assert page.status_code == 200 and "data-patient=" not in page.text


@pytest.mark.parametrize("persona", ["zhang_wei", "emr"])
def test_patients_and_integrations_have_no_worklist(persona):
    resp = client_for(persona).get("/admin/workspace/worklist/")
    assert resp.status_code == 302 and "/admin/login/" in resp["Location"]
