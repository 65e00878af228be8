"""The orders demo section runs on the fixture patients and tells the whole story."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from ammed_fhir import store
from ammed_fhir.demo import DemoContext
from ammed_fhir.demo_users import DEMO_PATIENTS, ensure_demo_users, link_demo_accounts
from clinical.orders import demo

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_demo_section(demo_bundles) -> None:
    ensure_demo_users()
    for bundle in demo_bundles:
        for entry in bundle["entry"]:
            store.write(entry["resource"])  # /fhir is issue 2's; the store is the same path
    link_demo_accounts()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(username="admin"))
    out = io.StringIO()
    demo.run(DemoContext(out=out, client=client, patient_ids=list(DEMO_PATIENTS)))
    text = out.getvalue()
    assert "药品=泮托拉唑钠肠溶片" in text and "提前=30分钟" in text
    assert "频次矛盾" in text
    assert "华法林钠片 3mg → 已排程" in text
    assert "对乙酰氨基酚片 0.5g: 按需(不定时提醒)" in text
    assert "未来24小时的服药提醒" in text
    assert "依从性" in text and "漏服" in text
    assert "已通知医护团队: Communication/alert-miss-" in text
    assert "切勿加倍服用华法林" in text
