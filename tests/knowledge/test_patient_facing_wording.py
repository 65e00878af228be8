"""Care-team wording never reaches a patient (review of `make demo`: the agent answered
"根据您反映的情况：患者报告头晕；…" and "患者自述发热（请测量体温）").

The detector is the knowledge layer's one table (``clinical/knowledge/data/care_team_wording.csv``,
``clinical.knowledge.wording``). It runs here over the patient-facing output of every engine:
every message the demo story sends to a patient through the output monitor (agent replies,
reminders, the CarePlan summary, missed-dose guidance), the follow-up reply, timeframe and
CarePlan summary of every development vignette, the patient wording of every follow-up rule
row, medication guidance and diet answers.
"""

from __future__ import annotations

from datetime import datetime
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from clinical.knowledge.wording import care_team_phrases

NOW = datetime(2026, 11, 29, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # fixed: no today


# ----------------------------------------------------------------- the detector itself


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("患者报告头晕", "患者报告"),
        ("患者自述发热（请测量体温）", "患者自述"),
        ("患者表示非常难受或求助，需医护人员尽快联系", "患者表示"),
        ("患者报告胸痛，需排除急性冠脉综合征、肺栓塞等急症", "需排除"),
        ("NEWS2评分7分（≥7，高危）", "NEWS2"),
        ("qSOFA 2分（≥2）", "qSOFA"),
        ("INR 6.2（≥5），需停用或减量华法林并复查", "需停用"),
        ("患者自述“右边腰上怪怪的”未匹配到已知症状，请人工查看", "请人工查看"),
        ("可能多服一次，请尽快联系患者。", "联系患者"),
        ("患者報告頭暈", "患者報告"),  # traditional characters
        ("患者\u200b报告头晕", "患者\u200b报告"),  # a zero-width character inside
        ("ＮＥＷＳ２评分５分", "ＮＥＷＳ２"),  # full width
    ],
)
def test_care_team_wording_is_found(text: str, phrase: str) -> None:
    assert phrase in care_team_phrases(text)


@pytest.mark.parametrize(
    "text",
    [
        "您好，请今晚8点饭后服用华法林钠片3mg，每次1片。",
        "全谷物、杂粮升血糖较慢，适合糖尿病患者作为主食的一部分。",  # general advice
        "您反映的情况需要医生评估，请不要自行停药或改变剂量，医生会尽快联系您",
        "请在24小时内就诊（联系随访团队或到门诊/急诊）",
        "未能理解您描述的“怪怪的”：请尽快(24小时内)请医生查看",
    ],
)
def test_patient_wording_is_not_flagged(text: str) -> None:
    assert care_team_phrases(text) == []


# ----------------------------------------------------------------- follow-up (and the agent)


def _followup_outputs() -> list[tuple[str, str]]:
    from clinical.agent.routes.followup import assessment_text
    from clinical.followup.services.careplan import build_careplan, patient_summary
    from clinical.followup.services.engine import assess_record
    from clinical.followup.services.facts import build_facts
    from tests.followup.followup_vignette_builder import load_vignettes, vignette_record

    out: list[tuple[str, str]] = []
    for v in load_vignettes():
        record = vignette_record(v, NOW)
        assessment = assess_record(record, NOW)
        out.append((f"{v['id']}: agent reply", assessment_text(assessment)))
        out.append((f"{v['id']}: timeframe", assessment["timeframe"]["text"]))
        for r in assessment["reasons"]:
            out.append((f"{v['id']}: {r['code']} patient_text", r["patient_text"]))
        plan = build_careplan(build_facts(record, NOW), assessment["disposition"])
        plan["id"] = plan.get("id") or "fu-test"
        out.append((f"{v['id']}: CarePlan summary", patient_summary(plan)[0]))
    return out


def test_no_followup_patient_text_has_care_team_wording() -> None:
    outputs = _followup_outputs()
    assert len(outputs) > 1000
    bad = [(where, text, care_team_phrases(text)) for where, text in outputs]
    bad = [b for b in bad if b[2]]
    assert bad == [], bad[:10]


def _rule_rows() -> list[dict[str, Any]]:
    """Every follow-up rule row with a code and a text, from every data file and the shared
    syndrome table (nested lists and mappings included)."""
    import yaml

    from clinical.followup.services.ruledata import DATA_DIR
    from clinical.knowledge import syndromes

    rows: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("code"), str) and isinstance(node.get("text"), str):
                rows.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for path in sorted(DATA_DIR.glob("*.yaml")):
        if path.stem in ("careplan_templates", "patient_wording"):
            continue  # CarePlan activities are patient wording; the wording table itself
        walk(yaml.safe_load(path.read_text("utf-8")))
    walk(yaml.safe_load(syndromes.DATA.read_text("utf-8")))
    return rows


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return "5"


def test_every_followup_rule_row_has_patient_wording_free_of_care_team_wording() -> None:
    """Generalises beyond the vignettes: a rule row no vignette fires still speaks to the
    patient in patient wording (or says nothing, leaving it to the timeframe)."""
    from clinical.followup.services.wording import patient_text

    rows = _rule_rows()
    assert len(rows) > 150
    bad = []
    for row in rows:
        text = row["text"].format_map(_Blank())
        said = patient_text(row["code"], text)
        if care_team_phrases(said):
            bad.append((row["code"], text, said))
    assert bad == [], bad[:10]


# ----------------------------------------------------------------- guidance and diet

GUIDANCE = [
    {"cabinet": ["泰诺林", "布洛芬缓释胶囊"], "symptoms": ["发烧", "头痛"], "temperature_c": 38.5},
    {"cabinet": ["芬必得"], "symptoms": ["头痛", "呕吐"], "current_medications": ["华法林"]},
    {"cabinet": ["泰诺林"], "symptoms": ["右边腰上一跳一跳的怪怪的"]},
    {"cabinet": ["布洛芬片"], "symptoms": ["胸痛"], "age_years": 70},
    {"cabinet": ["阿莫西林胶囊"], "symptoms": ["咳嗽"], "allergies": ["青霉素"]},
    {"cabinet": ["感冒灵颗粒"], "symptoms": ["鼻塞"], "age_years": 80},
    {"cabinet": ["布洛芬片"], "symptoms": ["发烧"], "current_medications": ["甲氨蝶呤"]},
]


@pytest.mark.django_db
def test_guidance_patient_text_has_no_care_team_wording() -> None:
    from clinical.medkb import api
    from clinical.medkb.services.guidance import GuidanceRequest, advise

    texts = []
    for case in GUIDANCE:
        case = dict(case)
        cabinet, symptoms = case.pop("cabinet"), case.pop("symptoms")
        temperature = case.pop("temperature_c", None)
        case.setdefault("age_years", 35)
        answer = advise(
            GuidanceRequest(
                patient=api.PatientContext(**case),
                cabinet=cabinet,
                symptoms=symptoms,
                temperature_c=temperature,
            )
        )
        texts.append(answer["advice"])
        texts += [str(r) for r in (answer.get("see_doctor") or {}).get("reasons") or []]
    assert len(texts) > len(GUIDANCE)
    bad = [(t, care_team_phrases(t)) for t in texts if care_team_phrases(t)]
    assert bad == []


@pytest.mark.django_db
def test_diet_answers_have_no_care_team_wording() -> None:
    from pathlib import Path

    import yaml

    from clinical.diet.services import consult

    cases = yaml.safe_load(
        (Path(__file__).parents[1] / "diet" / "diet_cases.yaml").read_text(encoding="utf-8")
    )
    texts = []
    for case in cases:
        answer = consult(
            food=case.get("food") if "question" not in case else None,
            question=case.get("question"),
            patient=case.get("patient"),
        ).to_dict()
        advice = answer["advice"]
        texts += advice if isinstance(advice, list) else [str(advice)]
        texts += [str(r.get("text") or "") for r in answer["reasons"]]
    assert len(texts) > 60
    bad = [(t, care_team_phrases(t)) for t in texts if care_team_phrases(t)]
    assert bad == []


# ----------------------------------------------------------------- the whole demo story


@pytest.mark.django_db(transaction=True)
def test_no_message_the_demo_sends_a_patient_has_care_team_wording(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every message `manage.py demo` submits to a patient (agent replies, reminders, missed-
    dose guidance, the approved CarePlan's summary, the monitor demo) goes through the output
    monitor; none carries care-team wording."""
    from django.core.management import call_command

    from clinical.monitor import services

    sent: list[tuple[str, str]] = []
    real_submit, real_many = services.submit, services.submit_many

    def submit(msg: Any) -> Any:
        if not msg.recipients:
            sent.append((msg.category, msg.text))
        return real_submit(msg)

    def submit_many(msgs: list[Any], **kwargs: Any) -> Any:
        sent.extend((m.category, m.text) for m in msgs if not m.recipients)
        return real_many(msgs, **kwargs)

    monkeypatch.setattr(services, "submit", submit)
    monkeypatch.setattr(services, "submit_many", submit_many)
    out = StringIO()
    call_command("demo", stdout=out)
    categories = {c for c, _ in sent}
    assert {"careplan"} <= categories and len(sent) > 20, categories
    replies = [t for _, t in sent if "根据您反映的情况" in t]
    assert replies, "the demo's follow-up replies were not seen"
    bad = [(c, t, care_team_phrases(t)) for c, t in sent if care_team_phrases(t)]
    assert bad == [], bad
    assert "患者报告" not in out.getvalue().split("== 对话助手")[-1]
    # review h5: each instruction once (the wound reply said 请在24小时内就诊 twice) and no
    # request for a temperature the patient gave (（请测量体温） after 体温37.9℃)
    from clinical.followup.services.wording import repeated_instructions

    assert [(c, t) for c, t in sent if repeated_instructions(t)] == []
    assert [t for t in replies if "测量体温" in t and "℃" in t] == []
