"""The agent reads foods from diet's one food table (#23): a food only diet's table knew
(豆浆, 猕猴桃, 杨桃, 奶酪 …) reaches the diet consultation end to end, and the words that
look like foods inside a symptom, a lab value or a medicine name do not (look-alikes)."""

from __future__ import annotations

import pytest

from clinical.agent.understanding.rules import understand
from tests.agent.test_agent_real_engines import say

# (message, diet's food the agent must name) — real rows of clinical/diet/data/foods.csv the
# agent's own list lacked.
DIET_ONLY = [
    ("早上喝一杯豆浆行吗？", "豆浆"),
    ("猕猴桃对我有影响吗？", "猕猴桃"),
    ("杨桃可不可以吃？", "杨桃"),
    ("奶酪我能不能吃一点？", "奶酪"),
    ("晚上来一碗方便面行吗？", "方便面"),
    ("当归炖鸡汤可以喝吗？", "当归"),
]


@pytest.mark.parametrize("text,food", DIET_ONLY)
def test_a_food_only_diet_knew_is_a_diet_question(text: str, food: str) -> None:
    u = understand(text)
    assert (u.intent, u.foods[:1]) == ("diet_question", [food])


@pytest.mark.django_db
@pytest.mark.parametrize("text,food", DIET_ONLY[:3])
def test_a_food_only_diet_knew_reaches_the_diet_consultation(
    patient_client, text: str, food: str
) -> None:
    out = say(patient_client, text)
    assert out["route"] == "diet", out


# Look-alikes: must keep today's reading.
@pytest.mark.parametrize(
    "text,intent",
    [
        ("腿水肿怎么办？", "symptom_report"),  # 水 inside a symptom
        ("最近肌肉酸痛怎么办？", "symptom_report"),  # 肉 inside a symptom
        ("肝区疼怎么办？", "symptom_report"),  # 肝 inside a symptom
        ("尿蛋白高怎么办？", "other"),  # 蛋白 of a urine test, not egg white
        ("血糖多少算正常？", "other"),  # 糖 of a blood test
        ("肝功能怎么查？", "other"),
        ("奶奶问能不能吃阿司匹林", "medication_question"),
        ("藿香正气水能和头孢一起吃吗？", "medication_question"),  # a medicine, not a drink
        ("钙片和华法林能一起吃吗？", "medication_question"),
        ("可以喝酒吗", "diet_question"),
        ("酒可以喝吗", "diet_question"),
        ("吃了螃蟹没事吧？", "diet_question"),
        ("人参能吃吗？", "diet_question"),
        ("酒后头痛怎么办？", "symptom_report"),  # 酒 before 后: a headache, not a drink question
        # a complaint with a food is the follow-up engine's: diet reads no symptoms
        ("最近总是口渴，喝水很多，怎么回事？", "symptom_report"),
        ("喝水呛咳怎么办？", "symptom_report"),
        ("吃肉后恶心怎么回事？", "symptom_report"),
        ("喝了牛奶肚子胀怎么办？", "symptom_report"),
        ("枸杞泡水喝行吗？", "diet_question"),
    ],
)
def test_look_alikes_keep_their_reading(text: str, intent: str) -> None:
    assert understand(text).intent == intent
