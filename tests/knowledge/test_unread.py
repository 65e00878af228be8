"""The one reader of what is not understood (#15 safety net; ``clinical.knowledge.unread``).

Follow-up and guidance ask the same reader: the same clauses, the same readings and discourse,
and a residue check inside a clause read through a concept ("咳嗽带咖啡色的渣子" is one clause,
and 咳嗽 no longer makes all of it read).
"""

from __future__ import annotations

import pytest

from clinical.followup.services import lexicon as followup
from clinical.knowledge import symptoms, unread
from clinical.medkb.services import symptoms as guidance

# The words beside a recognised complaint carry the danger: quoted, never read as ordinary.
DANGER = [
    ("咳嗽带咖啡色的渣子", "带咖啡色的渣子"),
    ("胸口痛往左胳膊上窜", "往左胳膊上窜"),
    ("头痛像有根筋在跳", "像有根筋在跳"),
    ("咳嗽带铁锈色的痰", "带铁锈色"),
    # "一样的东西" is understood now (a comparison, #15 r4); the likeness itself stays quoted
    ("咳嗽咳出来像果冻一样的东西", "像果冻"),
    ("心口痛一直往后背钻", "往后背钻"),
    # the smell is read as wound pus since 2026-12-07 (third); what flowed is still quoted
    ("伤口痛流出来的水有臭味", "流出来的水"),
]

# Ordinary words around a recognised complaint: time, a circumstance before it, daily life.
ORDINARY = [
    "早上起床的时候头有点痛",
    "看电视久了眼睛有点干",
    "晚上翻身的时候伤口有点疼",
    "吃了火锅拉了两次肚子",
    "晚饭吃多了有点撑",
    "上下楼膝盖有点响",
    "觉睡不踏实",
    "被蚊子咬了个包，挺痒的",
    "头痛得像要裂开一样",  # the intensity word reads it (severe_headache), 一样 is a function word
]


@pytest.mark.parametrize(("text", "words"), DANGER)
def test_the_residue_beside_a_complaint_is_quoted(text: str, words: str) -> None:
    got = unread.unread(text)
    assert [u.partial for u in got] == [True], got
    assert words in got[0].words, got
    assert followup.unread_clauses(text) == [got[0].words]


@pytest.mark.parametrize(
    "text",
    [
        "咳嗽帶咖啡色的渣子",  # traditional
        "咳嗽带咖啡色的\u200b渣子",  # zero width
        "ＫＫ咳嗽带咖啡色的渣子",  # full width before
        "咳嗽，带咖啡色的渣子",  # two clauses: the second is unread whole
        "带咖啡色的渣子，咳嗽",  # word order
    ],
)
def test_the_residue_survives_paraphrase(text: str) -> None:
    got = unread.unread(text)
    assert any("咖啡色" in u.words for u in got), got


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_words_around_a_complaint_are_read(text: str) -> None:
    assert unread.unread(text) == []
    assert followup.unread_clauses(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "从梯子上掉下来腰痛",
        "被车撞了一下腿疼",
        "用力解大便以后头痛",
    ],
)
def test_an_injury_or_exertion_before_a_complaint_is_no_mere_circumstance(text: str) -> None:
    got = unread.unread(text)
    assert got and got[0].partial, got


def test_a_dog_bite_before_a_complaint_is_read_as_a_bite() -> None:
    # was a circumstance left unread (partial); since the lead's probes of 2026-12-07 (seventh) it
    # is animal_bite (a rabies exposure, urgent), read with the pain
    assert {"animal_bite", "wound_pain"} <= set(symptoms.present("被狗咬了伤口痛"))
    assert unread.unread("被狗咬了伤口痛") == []


def test_a_pesticide_swallowed_before_a_complaint_is_read_as_poisoning() -> None:
    # was a circumstance left unread (partial); since the lead's probes of 2026-12-07 (sixth) it
    # is poison_ingestion, an emergency, read with the pain
    assert {"poison_ingestion", "abdominal_pain"} <= set(symptoms.present("喝了农药肚子痛"))


def test_a_clause_is_read_on_its_own_words() -> None:
    # a pain word without a site of its own clause is not read with the site of another
    assert followup.unread_clauses("肚子有点胀，走路有点疼") == ["走路有点疼"]
    # a clause that names its own site (按着右下边就疼: right lower tenderness, h-gaps) is read
    assert followup.unread_clauses("肚子有点胀，按着右下边就疼") == []
    assert [(m.concept, m.site) for m in symptoms.find_symptoms("按着右下边就疼")] == [
        ("abdominal_pain", "right_lower_abdomen")
    ]


def test_readings_discourse_and_context_are_read_alike() -> None:
    for text in ("体温37.9度", "体重60公斤", "谢谢医生", "其他还好", "刚生完孩子", "体温：38.5"):
        assert unread.unread(text) == [], text
    for text in ("INR 2.5", "体温 38.5", "症状：头痛"):  # a label and its value across a space
        assert unread.unread(text) == [], text
    assert [u.words for u in unread.unread("体温 很高")] == ["体温", "很高"]
    assert unread.unread("头疼，要紧吗") == []
    assert [u.words for u in unread.unread("要紧吗")] == ["要紧吗"]


def test_follow_up_and_guidance_quote_the_same_words() -> None:
    from clinical.medkb.kb import get_kb

    kb = get_kb()
    for text in [t for t, _ in DANGER] + ORDINARY + ["说不清楚的不舒服", "头痛，浑身不得劲"]:
        assert guidance.read(kb, [text]).unrecognised == [u.words for u in unread.unread(text)], (
            text
        )


def test_follow_up_reads_only_the_concepts_its_rules_name() -> None:
    unknown = next(
        (c for c in unread.symptoms.concepts() if c not in followup.known_concepts()), None
    )
    assert unknown is not None
    term = next(t for t, c in unread.symptoms.concept_terms() if c == unknown)
    assert followup.unread_clauses(term), term
    assert unread.unread(term, known=None) == [] or unread.unread(term)[0].partial


@pytest.mark.parametrize(
    "text",
    ["他1天都没尿", "我一天都没尿", "拉肚子拉得一天都没尿", "他兩天都沒尿", "我\u200b一天都没尿"],
)
def test_a_duration_inside_a_retention_term_is_kept(text: str) -> None:
    # merge review: the quantity insert (1天) was taken out before 都 when a character stood
    # before it, so "他1天都没尿" read as nothing; durations are part of these terms.
    assert "urinary_retention" in symptoms.present(text)
