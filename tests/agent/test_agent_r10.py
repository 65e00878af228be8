"""Issue #15, agent round 10: red flags hidden in a medicine or diet question, indirect crisis.
The round's messages (tests/agent/agent_messages_r10.yaml, written before the rules change, a
third the transfer check) run in the agent set runner, tests/agent/test_agent_sets.py (set
``r10``). This file holds the mechanisms the round added, each with a dangerous and a benign
twin in words of their own (not the set's rows):

- crisis grammar (``clinical/knowledge/data/symptom_crisis.csv``): a farewell (a last message
  with an apology, an apology to the family sent through someone else), valued belongings given
  away with no more use for them, a lethal-amount question however long (English too);
- the shared lexicon's English layer: a calf word, linking words and a swelling or pain word
  (``symptoms._EN_LINK``); an English drug name is whole between spaces (``drugs.name_mentions``);
- routing: a red flag before 能喝…吗 goes to follow-up, a drug name with no food wins the
  medication route over diet (多少 is no food), the medication route never lowers a red flag;
- a product question (a new box, another maker: ``medication.PRODUCT_QUESTION``) is no
  medicine change and no symptom: handed to a pharmacist or the prescriber at reply level.

Scores (round 10, h-wag10 41f06e9 → this round): tuning 34/42 → 42/42, transfer 18/21 → 19/21.
"""

from __future__ import annotations

import pytest

from tests.agent.test_agent_conversation import say
from tests.agent.test_agent_sets import _spy_alerts, level


def _crisis(text: str) -> bool:
    from clinical.agent.understanding.rules import understand

    return bool(understand(text).crisis_concepts)


@pytest.mark.parametrize(
    ("text", "crisis"),
    [
        # a farewell: a last message with an apology or farewell in it, or an apology sent home
        ("这是最后一次给大家发消息了，以后你们多保重", True),
        ("麻烦帮我向爸妈说声抱歉", True),
        ("最后一次回消息了，明天我要去旅游啦", False),
        ("替我跟家里人说声谢谢，这段时间辛苦了", False),
        # valued belongings given away with no more use for them
        ("我把积蓄都留给女儿了，留着也没用", True),
        ("金镯子送给孙女了，我以后用不着了", True),
        ("轮椅送给邻居了，腿好了以后也用不上了", False),
        ("存折交给儿子保管了，我眼睛花了看不清", False),
        # a lethal-amount question, short or long, Chinese or English
        ("降压药要吃多少片才会致命", True),
        ("How much of my sleeping medicine would it take to kill myself", True),
        ("how many of the heart pills in my drawer would it take to kill me", True),
        ("布洛芬一天最多吃多少片", False),
        ("How many paracetamol tablets can I take in one day", False),
        ("how many of these would it take to kill the pain", False),
    ],
)
def test_crisis_frames_and_their_benign_twins(text: str, crisis: bool) -> None:
    assert _crisis(text) is crisis, text


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Since my knee operation my calf is really swollen", True),
        ("my calves have been sore and swollen for two days", True),
        ("I have a painful calf after the op", True),
        ("I did calf raises at the gym today", False),
        ("the calf stretch the physio showed me is helping", False),
    ],
)
def test_english_calf_swelling_is_the_shared_concept(text: str, found: bool) -> None:
    from clinical.knowledge import symptoms

    assert ("calf_pain_swelling" in symptoms.present(text)) is found, text


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("my dad takes warfarin every night", True),
        ("WARFARIN 3mg", True),
        ("warfarinum", False),
        ("see warfarin.txt", False),
    ],
)
def test_an_english_drug_name_is_whole_between_spaces(text: str, found: bool) -> None:
    from clinical.knowledge import drugs

    keys = {k for m in drugs.name_mentions(text) for k in m.keys}
    assert ("warfarin" in keys) is found, text


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        # a red flag before 能喝…吗 is follow-up's; a routine complaint stays the diet premise
        ("刚做完手术，突然憋得喘不过气，能喝点蜂蜜水吗", "symptom_report"),
        ("最近有点咳嗽，能喝点梨汤吗", "diet_question"),
        # a drug name with no food: the medicine is asked about (多少 is no food)
        ("阿莫西林一天能吃多少", "medication_question"),
        ("吃着华法林，能吃柚子吗", "diet_question"),
        ("Is it fine to have a coffee in the morning?", "diet_question"),
    ],
)
def test_routing_red_flag_and_drug_name_before_diet(text: str, intent: str) -> None:
    from clinical.agent.understanding.rules import understand

    assert understand(text).intent == intent, text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "at_least", "at_most"),
    [
        # a product question is no change and no symptom: a reply request, never 不要使用
        ("医院药房给的二甲双胍换了个厂家，药盒也不一样了，还是原来那个药吗", 1, 1),
        # a red flag said with it is still triaged
        ("换了厂家的华法林吃了三天，牙龈出血一直止不住，小便也发红", 2, 3),
        # an English red flag in a medicine question is never lowered by the guidance
        ("My mum takes warfarin and now has the worst headache ever, is ibuprofen ok?", 3, 3),
        ("My mum takes warfarin, is paracetamol ok for her sore knee?", 0, 2),
    ],
)
def test_product_questions_and_red_flags_in_medicine_questions(
    patient_client, monkeypatch, text: str, at_least: int, at_most: int
) -> None:
    reasons = _spy_alerts(monkeypatch)
    out = say(patient_client, text)
    got = max((level(r) for r in reasons), default=0)
    assert at_least <= got <= at_most, (out, reasons)
    if at_most <= 1:
        assert out["route"] == "medication" and "不要使用" not in out["reply"], out
        assert "12356" not in out["reply"], out


@pytest.mark.xfail(
    strict=True,
    reason="known over-triage (lead's probe, round 10): an apology relayed home with an ordinary "
    "reason after it reads as a farewell. Kept on purpose: narrowing the relayed-apology frame "
    "to farewell words after it would also miss 替我跟女儿说对不起，没能陪她长大; a crisis "
    "reading here costs the care team an emergency alert, a missed farewell costs more",
)
@pytest.mark.parametrize(
    "text", ["你帮我跟儿子说声对不起，今天接不了他放学", "帮我和女儿说对不起，生日没能陪她"]
)
def test_an_apology_relayed_home_with_an_ordinary_reason_is_no_crisis(text: str) -> None:
    assert _crisis(text) is False, text


@pytest.mark.parametrize(
    ("text", "product"),
    [
        ("这次拿的药片颜色和以前不一样，是不是拿错了", True),
        ("胶囊的样子变了，还能吃吗", True),
        ("氨氯地平换了厂家，是同一种药吗", True),
        # how the body looks after a medicine is an effect, not the product (lead's reread)
        ("吃阿莫西林以后皮肤颜色变了", False),
        ("吃了利福平以后尿的颜色变了，正常吗", False),
        ("用了药膏，伤口的样子变了", False),
    ],
)
def test_a_product_question_is_said_of_the_medicine(text: str, product: bool) -> None:
    from clinical.agent.routes.medication import PRODUCT_QUESTION
    from clinical.knowledge.text import fold_visible

    assert bool(PRODUCT_QUESTION.search(fold_visible(text))) is product, text
