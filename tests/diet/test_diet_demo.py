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


@pytest.mark.django_db
def test_the_alcohol_answer_gives_each_instruction_once(demo_bundles: list[dict]) -> None:
    """The demo patient on cefuroxime and paracetamol after a joint replacement: three avoid
    rules (cephalosporin, paracetamol, post-operative) each say 不要饮酒. The answer says it
    once, with every rule's time span, and every rule stays a reason with its source."""
    from clinical.diet.services import consult

    answer = consult(
        question="能喝酒吗",
        patient={
            "conditions": ["心房颤动", "关节置换术后"],
            "current_medications": ["华法林钠片 3mg", "头孢呋辛酯片 0.25g", "对乙酰氨基酚片 0.5g"],
        },
    ).to_dict()
    advice = answer["advice"]
    assert advice.count("不要饮酒") == 1, advice
    for span in ("停药后至少7天内", "服药期间", "术后恢复期", "含酒精的饮料", "酒心巧克力"):
        assert span in advice, span
    codes = {r["code"] for r in answer["reasons"]}
    assert {"cephalosporin.ethanol", "paracetamol.ethanol", "post_op.ethanol"} <= codes
    assert len(answer["sources"]) >= 3


@pytest.mark.django_db
def test_one_avoid_rule_keeps_its_own_words() -> None:
    """A look-alike: one rule saying 不要饮酒 is left as its data wrote it."""
    from clinical.diet.services import consult

    answer = consult(
        question="能喝酒吗", patient={"current_medications": ["对乙酰氨基酚片 0.5g"]}
    ).to_dict()
    assert "服药期间不要饮酒或含酒精的饮料。" in answer["advice"].splitlines()
