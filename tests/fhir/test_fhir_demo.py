"""`manage.py demo` (the main job of `make demo`) on the real URL stack."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command

from ammed_fhir import access
from ammed_fhir.models import PatientAssignment, Resource

# transaction=True: change events run on commit, as in `make demo` (orders, follow-up)
pytestmark = pytest.mark.django_db(transaction=True)


def test_demo_pushes_fixtures_and_prints_chinese_summary() -> None:
    out = StringIO()
    call_command("demo", stdout=out)
    text = out.getvalue()
    assert "zhang_wei" in text and "EMR 令牌" in text
    assert "01-post-surgery-zhang-wei.json：16 条资源已写入" in text
    assert "张伟（demo-surgery），男，68 岁" in text
    assert "过敏：青霉素" in text
    assert "国际标准化比值 INR 2.4" in text
    assert "李秀英（demo-htn-dm），女，58 岁" in text
    # The same story on any day (fixtures moved to today; CI re-runs this with the clock ahead):
    # the surgical patient is on post-operative day 9 and his wound + 37.9 ℃ is urgent ...
    # the wound reply gives the 24 h instruction once (the timeframe's) and asks no
    # temperature the patient gave (review h5)
    # (the agent assesses as the follow-up runs do, so the warfarin doses the demo leaves
    # unanswered are said too, without a double dose)
    assert (
        "术后第9天伤口红肿伴体温37.9℃，警惕手术部位感染；您提到发热；"
        "服药记录显示您漏服了华法林钠片 3mg：请不要自行加倍补服，医生会联系您核对剂量。"
        "请在24小时内就诊"
    ) in text
    assert "（请测量体温）" not in text
    # ... the hypertension-diabetes patient is routine for her BP and HbA1c ...
    assert "患者 demo-htn-dm：常规复诊（routine）" in text
    assert "收缩压162mmHg" in text and "糖化血红蛋白7.8%" in text
    # ... a dangerous message is held, the safe reminders are released, adherence is counted.
    assert "→ hold：Communication/demo-monitor-held status=on-hold" in text
    # How many doses fall due depends on the time of day the demo runs; all are released.
    due = re.search(
        r"到期提醒 (\d+) 条经输出监控: 放行 (\d+) 条 \(站内信/渠道\), 拦截待审 0 条", text
    )
    assert due is not None and int(due[1]) >= 20 and due[1] == due[2]
    # The demo answers every dose but the last two warfarin ones: 1 of 3 warfarin doses taken.
    assert re.search(r"demo-surgery 近7天依从性 \d+% \(已服\d+ 跳过\d+ 漏服2\)", text)
    assert "华法林钠片 3mg: 33%" in text
    # ... and follow-up reads the same records (#15): the orders alerted the care team about the
    # two missed warfarin doses, and the assessment of the same patient says so too (it said
    # "依据现有记录暂未发现异常", self-care, before follow-up read the dose records)
    assert "已通知医护团队: Communication/alert-miss-" in text
    assert "患者 demo-surgery：常规复诊（routine）" in text
    assert (
        "服药记录显示患者漏服关键药物（华法林钠片 3mg）：近7天应服3次，已服1次、"
        "跳过0次、漏服2次，最长连续漏服2次，需核对剂量并复查（勿自行加倍补服）"
    ) in text
    assert "证据：MedicationRequest/surgery-mr-warfarin" in text
    fixture_ids = {"demo-surgery", "surgery-encounter", "surgery-mr-warfarin", "surgery-obs-inr"}
    stored = set(
        Resource.objects.filter(patient_id="demo-surgery").values_list("resource_id", flat=True)
    )
    assert fixture_ids <= stored
    # other apps' demo sections add their own resources; the EMR's conditions are ours
    conditions = Resource.objects.filter(patient_id="demo-surgery", resource_type="Condition")
    assert conditions.count() == 2
    # dr_wang through generalPractitioner, nurse_li explicitly, nurse_zhao nobody
    sources = dict(
        PatientAssignment.objects.filter(patient_id="demo-surgery").values_list(
            "user__username", "source"
        )
    )
    assert sources == {"dr_wang": "generalPractitioner", "pharm_sun": "demo", "nurse_li": "demo"}
    from django.contrib.auth import get_user_model

    zhao = get_user_model().objects.get(username="nurse_zhao")
    assert access.visible_patient_ids(zhao) == set()
    # running it again changes nothing but versions (idempotent fixtures)
    call_command("demo", stdout=StringIO())
    assert conditions.count() == 2
    assert conditions.get(resource_id="surgery-cond-af").version_id == 2
