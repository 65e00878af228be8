"""The demo section prints each demo patient's disposition, reasons and CarePlan in Chinese."""

from __future__ import annotations

import io

import pytest
from followup_helpers import push_bundle

from ammed_fhir import store
from ammed_fhir.demo import DemoContext
from ammed_fhir.demo_users import ensure_demo_users, link_demo_accounts
from clinical.followup import demo
from clinical.followup.services.careplan import careplan_id


@pytest.mark.django_db
def test_demo_section(admin_client, demo_bundles) -> None:
    ensure_demo_users()
    for bundle in demo_bundles:
        push_bundle(admin_client, bundle)
    link_demo_accounts()
    out = io.StringIO()
    demo.run(DemoContext(out=out, client=admin_client, patient_ids=["demo-surgery", "demo-htn-dm"]))
    text = out.getvalue()
    assert "患者 demo-htn-dm：常规复诊" in text
    assert "收缩压162mmHg" in text and "糖化血红蛋白7.8%" in text
    assert "患者 demo-surgery：" in text
    assert "出院后第1天电话随访" in text and "每周复查INR" in text
    assert store.read("CarePlan", careplan_id("demo-surgery"))["status"] == "active"
    # this section alone reminds no doses: no dose records, no recorded-adherence reason (the
    # whole demo, orders first, gives one: tests/fhir/test_fhir_demo.py)
    assert "服药记录显示" not in text
