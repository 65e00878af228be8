"""Issue #15, agent: the crisis route, understanding through the shared lexicon and normaliser
(traditional, full-width, zero-width, English red-flag concepts), and no greeting for a message
nothing was understood in. Development cases written from the issue text; paraphrase families
through tests/monitor/paraphrase.py's rewrites.
"""

from __future__ import annotations

from typing import Any

import pytest

from ammed_fhir import store
from clinical.agent.routes import crisis
from clinical.agent.services import GENERIC_TEXT
from clinical.agent.understanding.rules import understand
from tests.agent.test_agent_conversation import say
from tests.monitor.paraphrase import full_width, traditional, zero_width

CRISIS = [
    "我不想活了",
    "攒了一瓶安眠药",
    "想一次吃完",
    "我攒了一瓶安眠药，想一次吃完",
    "活着没意思，想死",
    "我想自杀",
    "最近总想伤害自己",
    "I want to kill myself",
]


def family(text: str) -> list[str]:
    """The message, in traditional characters, full-width, with zero-width characters, and
    with a question about a medicine around it."""
    return [
        text,
        traditional(text),
        full_width(text),
        zero_width(text),
        f"医生你好，{text}",
        f"{text}。华法林能多吃几片吗？",
    ]


def alerts(patient_id: str) -> list[dict[str, Any]]:
    return [
        c
        for c in store.search("Communication", patient_id=patient_id)
        if c["category"][0]["coding"][0]["code"] == "alert"
    ]


# ---- understanding (no database) -------------------------------------------------------------


@pytest.mark.parametrize("text", CRISIS)
def test_crisis_statements_are_crisis_across_the_family(text: str) -> None:
    for variant in family(text):
        u = understand(variant)
        assert u.crisis_concepts, variant
        assert set(u.crisis_concepts) <= {"suicidal", "overdose_intent"}


@pytest.mark.parametrize(
    "text",
    ["我没有想自杀的念头", "睡不好，安眠药能吃吗", "这盒药吃完了要不要再开", "华法林吃过了"],
)
def test_ordinary_messages_are_not_crisis(text: str) -> None:
    assert understand(text).crisis_concepts == []


@pytest.mark.parametrize(
    "text",
    [
        "華法林可以吃兩片嗎",
        "华法林可以吃两片吗",
        "华\u200b法林可以吃两片吗",
        "ＨＵＡ華法林可以吃２片嗎",
    ],
)
def test_traditional_double_warfarin_is_a_warfarin_dose_question(text: str) -> None:
    u = understand(text)
    assert u.intent == "medication_question", u
    assert u.medicines == ["华法林"]
    assert u.dose_amount is True
    assert u.foods == []


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("I have chest pain", "胸痛"),
        ("can't breathe", "呼吸困难/气短"),
        ("I CAN’T BREATHE", "呼吸困难/气短"),
        ("ｃａｎｎｏｔ ｂｒｅａｔｈｅ", "呼吸困难/气短"),
        ("he fainted", "晕厥"),
        ("vomiting blood", "呕血"),
        ("胸\u200b口\u200b痛", "胸痛"),
        ("胸口疼", "胸痛"),
        ("胸口痛", "胸痛"),
        ("喘不上氣", "呼吸困难/气短"),
    ],
)
def test_red_flag_concepts_in_english_and_odd_characters(text: str, label: str) -> None:
    u = understand(text)
    assert u.intent == "symptom_report", (text, u)
    assert label in u.symptoms


@pytest.mark.parametrize("text", ["你好", "谢谢医生", "在吗？", "好的，谢谢", "hello"])
def test_pleasantries_are_greetings(text: str) -> None:
    u = understand(text)
    assert (u.intent, u.greeting) == ("other", True)


@pytest.mark.parametrize("text", ["走路老打晃", "身上说不出的别扭", "今天有点怪怪的"])
def test_unrecognised_words_are_not_greetings(text: str) -> None:
    assert understand(text).greeting is False


def test_crisis_reply_names_the_hotlines_and_every_row_is_sourced() -> None:
    text = crisis.reply_text()
    assert "12356" in text and "120" in text
    d = crisis.data()
    # infant_harm_thoughts since the lead's probes of 2026-12-07 (seventh): NICE CG192 §1.10
    assert d.concepts == {"suicidal", "overdose_intent", "infant_harm_thoughts"}
    assert all(src for _n, _t, src in d.hotlines)


# ---- conversation (database) -----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text",
    [
        "我不想活了",
        "我攒了一瓶安眠药，想一次吃完",
        "我不想活了，布洛芬能吃吗",
        "刚吞了一瓶安眠药",
        "生完孩子总是想把孩子扔掉，安眠药能吃吗",
    ],
)
def test_crisis_message_gets_crisis_wording_and_an_emergency_alert(
    patient_client, text: str
) -> None:
    out = say(patient_client, text)
    assert (out["route"], out["outcome"], out["status"]) == ("crisis", "escalated", "released")
    assert "12356" in out["reply"] and "120" in out["reply"]
    for medicine_word in ("布洛芬", "安眠药", "剂量", "可以吃"):
        assert medicine_word not in out["reply"]
    sent = alerts("demo-surgery")
    assert len(sent) == 1
    body = sent[0]["payload"][0]["contentString"]
    assert body.startswith("【紧急】") and text in body
    # the patient's words are on the record for the follow-up assessment
    observations = store.search("Observation", patient_id="demo-surgery")
    assert any(o.get("valueString") == text for o in observations)


@pytest.mark.django_db
def test_traditional_warfarin_double_dose_is_never_do_not_use(patient_client) -> None:
    out = say(patient_client, "華法林可以吃兩片嗎")
    assert out["route"] == "medication" and out["outcome"] == "escalated"
    assert "不要使用华法林" not in out["reply"]
    assert out["entities"]["medicines"] == ["华法林"]


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["I have chest pain", "can't breathe", "胸\u200b口\u200b痛"])
def test_english_and_zero_width_red_flags_never_get_the_greeting(patient_client, text) -> None:
    out = say(patient_client, text)
    assert out["reply"] != GENERIC_TEXT
    assert out["route"] == "followup"
    assert out["outcome"] == "answered" and "120" in out["reply"]  # follow-up: emergency


@pytest.mark.django_db
def test_unrecognised_message_is_handed_to_a_clinician(patient_client) -> None:
    out = say(patient_client, "走路老打晃")
    assert out["reply"] != GENERIC_TEXT
    assert (out["route"], out["outcome"]) == ("general", "escalated")
    body = alerts("demo-surgery")[0]["payload"][0]["contentString"]
    assert "走路老打晃" in body


@pytest.mark.django_db
def test_greeting_still_gets_the_help_text_and_no_alert(patient_client) -> None:
    out = say(patient_client, "你好")
    assert out["reply"] == GENERIC_TEXT
    assert alerts("demo-surgery") == []


def test_the_model_cannot_talk_a_crisis_away() -> None:
    """A model that calls a stockpiling statement a medication question changes nothing: the
    crisis concepts are the rules' (the shared lexicon's), and the crisis route goes first."""
    from clinical.agent.understanding import model
    from tests.agent.test_agent_model_understanding import Scripted

    be = Scripted({"intent": "medication_question", "medicines": [], "foods": [], "symptoms": []})
    u = model.understand("我攒了一瓶安眠药，想一次吃完", backend=be)
    assert u.source == "model"
    assert u.crisis_concepts == ["overdose_intent"]


@pytest.mark.django_db
def test_unread_words_in_a_medication_question_reach_the_guidance(patient_client) -> None:
    """The words nothing understood are not dropped because the message also asks about a
    medicine: guidance quotes them, sends the patient to a clinician and masks analgesics."""
    out = say(patient_client, "能吃布洛芬吗，走路老打晃")
    assert out["route"] == "medication"
    assert "走路老打晃" in out["reply"]
    assert "不要使用布洛芬" in out["reply"]


def test_the_question_and_pleasantries_are_not_unread_words() -> None:
    from clinical.agent.routes.medication import symptom_clauses, symptom_text

    for text in ("能吃布洛芬吗", "医生你好，能吃布洛芬吗", "请问一下，这个药能吃吗？"):
        assert symptom_clauses(symptom_text(text)) == [], text
    assert symptom_clauses(symptom_text("头痛，能吃泰诺林吗")) == ["头痛"]


@pytest.mark.django_db
def test_a_class_question_with_a_stated_allergy_goes_to_the_prescriber(patient_client) -> None:
    """我对青霉素过敏，头孢能吃吗: the question is about cephalosporins (a class); the answer
    must not be about the penicillin the patient is allergic to."""
    out = say(patient_client, "我对青霉素过敏，头孢能吃吗")
    assert (out["route"], out["outcome"]) == ("medication", "escalated")
    assert "不要使用青霉素" not in out["reply"]


def test_the_agent_understands_what_the_shared_lexicon_understands() -> None:
    """#15/#23 consistency: a term of the shared lexicon, as a message, is reported by the
    agent as the concept the lexicon reads in it (every 7th term of symptom_terms.csv, in
    traditional characters every other time)."""
    import csv

    from clinical.knowledge import symptoms

    path = symptoms.DATA / "symptom_terms.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        terms = [r["term"] for r in csv.DictReader(fh)][::7]
    assert len(terms) > 100
    missed = []
    for i, term in enumerate(terms):
        text = traditional(term) if i % 2 else term
        want = {symptoms.label(c) for c in symptoms.present(term)}
        if not want <= set(understand(text).symptoms):
            missed.append(text)
    assert missed == []
