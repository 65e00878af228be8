"""The bare verbs 抽, 吐 and 拉 (``clinical.knowledge.symptoms``): one reader of a bare 抽 with one
list of what 抽 may draw instead (``_bare_convulsions``, ``symptom_draw_objects.csv``), and one
count grammar (``counts.count``: test_count_grammar.py) under the readers of a count (frequent
vomiting, diarrhoea, loose stools, a convulsion counted or timed, a sample drawn). Which
utterances read a convulsion, vomiting, frequent vomiting or diarrhoea, and which do not."""

from __future__ import annotations

import pytest

from clinical.knowledge.symptoms import _convulsion_grammar, _rows, present


@pytest.mark.parametrize(
    "text",
    [
        "孩子今天抽了三次",  # a count
        "他抽了快十分钟了还没停",  # a duration
        "抽了两阵，叫不醒",  # a count the normaliser leaves in Chinese
        "一直抽个不停",
        "宝宝一抽一抽的，眼睛往上翻",  # a motor complement
        "女儿时不时抽一下",  # a frequency word
        "孩子昨晚突然抽起来了",
    ],
)
def test_a_bare_chou_of_a_fit_is_a_convulsion(text: str) -> None:
    assert "seizure" in present(text)


@pytest.mark.parametrize(
    "text",
    [
        "抽了三管血",  # a blood draw with its count and measure
        "胳膊上抽了两管血",  # no mention cuts through the draw
        "抽血",
        "抽了两次血",
        "抽完血回来了",
        "抽积液",
        "昨天抽了骨髓",
        "抽烟",
        "他经常抽烟",
        "他烟抽得很厉害",  # the cigarette as topic
        "我去抽血，抽得很厉害",  # a motor 抽 in a sentence of a draw
        "帮我抽一下时间",
        "抽空去医院",
        "胃一抽一抽的疼",  # a cramping pain
        "没有抽过",
        "抽了3分钟血",  # a blood draw timed: the unit may not shrink from 分钟 to 分 (#15/#23 look)
        "抽了三分钟血",
    ],
)
def test_a_bare_chou_of_drawing_smoking_or_a_cramping_pain_is_no_convulsion(text: str) -> None:
    assert "seizure" not in present(text)


@pytest.mark.parametrize("text", ["抽了三管血", "抽血", "抽积液", "抽了20毫升胸水"])
def test_a_draw_reads_nothing(text: str) -> None:
    assert present(text) == []


def test_the_draw_objects_are_one_list_in_data() -> None:
    """Every object of symptom_draw_objects.csv blocks a counted 抽 right after its count."""
    grammar = _convulsion_grammar()
    for r in _rows("symptom_draw_objects.csv"):
        if r["where"] in ("sample", "after", "next"):
            assert not grammar.counted.search(f"抽了3次{r['object']}"), r["object"]
        if r["where"] == "sample":
            assert grammar.drawn.fullmatch(f"抽了三管{r['object']}"), r["object"]


@pytest.mark.parametrize(
    ("text", "vomiting", "frequent"),
    [
        ("吐了两次", True, False),
        ("一天吐了三回", True, False),
        ("吐了五六次", True, True),  # a range by its upper end: six
        ("化疗后一天吐了六七次", True, True),
        ("今天吐了8次", True, True),
        ("吐了十来次", True, True),
        ("刚才吐了", True, False),
        ("吐痰", False, False),
        ("谈吐不错", False, False),
    ],
)
def test_vomiting_and_frequent_vomiting_by_the_count(
    text: str, vomiting: bool, frequent: bool
) -> None:
    read = present(text)
    assert ("vomiting" in read) is vomiting
    assert ("persistent_vomiting" in read) is frequent


@pytest.mark.parametrize(
    ("text", "diarrhoea"),
    [
        ("拉了七八趟", True),  # a Chinese range the normaliser leaves before 趟
        ("今天拉了七八次", True),
        ("一天拉十来次", True),
        ("拉了好几次了", True),
        ("今天拉了3次", True),
        ("吃坏肚子了，拉了几次", True),  # two or more, clause-final
        ("拉了1次", False),
        ("拉了三趟货", False),
        ("拉了五次窗帘", False),
        ("做事拖拉", False),
    ],
)
def test_diarrhoea_by_the_count(text: str, diarrhoea: bool) -> None:
    assert ("diarrhea" in present(text)) is diarrhoea
