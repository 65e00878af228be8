"""The `make demo` diet section answers the demo patients' questions in readable Chinese."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from ammed_fhir import store
from ammed_fhir.demo import DemoContext
from ammed_fhir.demo_users import ensure_demo_users, link_demo_accounts
from clinical.diet import demo


@pytest.fixture(autouse=True)
def _fast_passwords(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _ctx() -> tuple[DemoContext, io.StringIO]:
    ensure_demo_users()
    client = Client()
    client.force_login(get_user_model().objects.get(username="admin"))
    out = io.StringIO()
    return DemoContext(out=out, client=client, patient_ids=["demo-surgery", "demo-htn-dm"]), out


@pytest.mark.django_db
def test_demo_answers_from_the_records(demo_bundles: list[dict]) -> None:
    for bundle in demo_bundles:
        for entry in bundle["entry"]:
            store.write(entry["resource"])
    ctx, out = _ctx()
    link_demo_accounts()
    demo.run(ctx)
    text = out.getvalue()
    assert text.count("依据患者记录") == 3
    assert "结论：不建议（avoid）—— 酒" in text
    assert "因为：头孢呋辛酯片 0.25g" in text
    assert "结论：需注意（caution）—— 菠菜" in text
    assert "结论：需注意（caution）—— 西柚" in text
    assert "因为：阿托伐他汀钙片 20mg" in text


@pytest.mark.django_db
def test_demo_still_answers_when_the_records_are_missing() -> None:
    ctx, out = _ctx()
    demo.run(ctx)
    text = out.getvalue()
    assert text.count("记录不可用") == 3
    assert "结论：不建议（avoid）—— 酒" in text
