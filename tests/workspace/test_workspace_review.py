"""The review disposition (#15, task h-review) in the clinician's views: the worklist and the
admin show it between urgent and routine, with its Chinese label and its own filter."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from workspace_helpers import PATIENT, client_for
from workspace_helpers import demo_db as demo_db

from clinical.followup.models import AlertRecord, Assessment, FollowupState
from clinical.workspace import worklist

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_db")]
OTHER = "demo-htn-dm"
WORDS = "患者报告的不适未能自动识别：“今天去菜市场买了点菜”，需医护人员24小时内查看原文并联系患者"


def _state(pid: str, disposition: str, code: str, text: str) -> None:
    reason = {"code": code, "disposition": disposition, "text": text}
    a = Assessment.objects.create(
        patient_id=pid, disposition=disposition, result={"reasons": [reason]}
    )
    FollowupState.objects.update_or_create(
        patient_id=pid,
        defaults={"disposition": disposition, "assessed": timezone.now(), "assessment": a},
    )
    if disposition != "routine":
        AlertRecord.objects.create(
            patient_id=pid,
            finding_key=f"rv-{pid}",
            reason_code=code,
            disposition=disposition,
            reasons=[reason],
            assessment=a,
        )


def test_review_is_listed_after_urgent_and_before_routine() -> None:
    user = get_user_model().objects.get(username="dr_wang")
    _state(PATIENT, "review", "symptom-unrecognised", WORDS)
    _state(OTHER, "routine", "missing-bp", "近7天无血压记录")
    rows = worklist.build(user)
    assert [r.patient_id for r in rows][:2] == [PATIENT, OTHER]
    assert rows[0].disposition_label == "24小时内医护查看"
    assert rows[0].urgent_alerts == 0 and len(rows[0].open_alerts) == 1
    _state(OTHER, "urgent", "postop-fever", "术后发热")
    rows = worklist.build(user)
    assert [r.patient_id for r in rows][:2] == [OTHER, PATIENT]
    assert worklist.summary(rows)["review"] == 1 and worklist.summary(rows)["urgent"] == 1


def test_the_review_filter_and_page() -> None:
    _state(PATIENT, "review", "symptom-unrecognised", WORDS)
    _state(OTHER, "urgent", "postop-fever", "术后发热")
    page = client_for("dr_wang").get("/admin/workspace/worklist/?f=review").text
    assert f'data-patient="{PATIENT}"' in page and f'data-patient="{OTHER}"' not in page
    assert "24小时内医护查看" in page and "今天去菜市场买了点菜" in page
    urgent = client_for("dr_wang").get("/admin/workspace/worklist/?f=urgent").text
    assert f'data-patient="{PATIENT}"' not in urgent


def _results(url: str) -> str:
    """The admin change list's result table (not its filter sidebar)."""
    page = client_for("dr_wang").get(url).text
    return page.split('id="result_list"', 1)[1].split("</table>", 1)[0]


def test_admin_lists_review_alerts_between_urgent_and_routine() -> None:
    _state(PATIENT, "review", "symptom-unrecognised", WORDS)
    _state(OTHER, "urgent", "postop-fever", "术后发热")
    alerts = _results("/admin/followup/alertrecord/")
    assert alerts.index("24小时内就诊") < alerts.index("24小时内医护查看")
    only = _results("/admin/followup/alertrecord/?disposition__exact=review")
    assert "24小时内医护查看" in only and "24小时内就诊" not in only
    states = _results("/admin/followup/followupstate/")
    assert states.index("24小时内就诊") < states.index("24小时内医护查看")
