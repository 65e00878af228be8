"""The mechanisms behind the style families (#15, #23; development cases in
``style_families.yaml``): separators between the characters of a spaced-out word, traditional 著,
dialect function words and intensifiers, homophones in their frame, English and pinyin red-flag
terms. Each is checked on what it must read and on the look-alikes it must not reach."""

from __future__ import annotations

import pytest

from clinical.knowledge.symptoms import present
from clinical.knowledge.text import normalize
from clinical.knowledge.unread import unread


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("胸 口 痛", "胸口痛"),
        ("胸-口-痛", "胸口痛"),
        ("胸·口·痛", "胸口痛"),
        ("胸_口_痛", "胸口痛"),
        # not the characters of a regular expression (the monitor normalises its patterns), nor
        # a slash (1次/日)
        ("能|是", "能|是"),
        ("喝.酒", "喝.酒"),
        ("1次/日", "1次/日"),
        ("胸-口-痛得厉害", "胸口痛得厉害"),  # a dash beside one character goes
        ("我 头 晕 了", "我头晕了"),
        # a space between words of several characters stays a clause break
        ("胸口痛 喘不上气", "胸口痛 喘不上气"),
        ("好的 谢谢", "好的 谢谢"),
        # a dash between numerals is a range
        ("三-四天", "3-4天"),
        ("2-3天1次", "2-3天1次"),
        # traditional 著 is 着 outside the words of 著
        ("睡不著", "睡不着"),
        ("活著沒意思", "活着没意思"),
        ("著名專家", "著名专家"),
        ("效果顯著", "效果显著"),
    ],
)
def test_the_normaliser_joins_spaced_out_words_and_reads_traditional_zhe(
    text: str, expected: str
) -> None:
    n = normalize(text)
    assert n.text == expected
    assert n.original_span(0, len(n.text)) == (0, len(text))


def test_a_spaced_out_complaint_is_one_clause_read_not_three_unread() -> None:
    assert unread("胸 口 痛") == []
    assert present("胸 口 痛") == ["chest_pain"]


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("我头晕 心慌 胸 口 痛", "chest_pain"),
        ("睡不著", "insomnia"),
        ("讲嘢唔清楚", "slurred_speech"),  # 粤: 讲嘢 = 讲话, 唔 = 不
        ("屙唔出尿", "urinary_retention"),  # 粤/川: 屙 = 拉
        ("口歪咗", "facial_droop"),  # 粤: 咗 = 了
        ("左手冇力", "limb_weakness"),  # 粤: 冇 = 没, a sided limb
        ("唞唔到气", "dyspnea"),
        ("肚子痛到死", "abdominal_pain_severe"),
        ("头痛到爆", "severe_headache"),
        ("傷口流血止不住", "heavy_bleeding"),
        ("咳嗽带血丝", "hemoptysis"),
        ("脑壳痛惨了", "severe_headache"),  # 川: 脑壳 = 头
        ("I have chest pain", "chest_pain"),
        ("xiong kou teng", "chest_pain"),
    ],
)
def test_style_mechanisms_read_the_complaint(text: str, concept: str) -> None:
    assert concept in present(text)


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("唔该医生", {"headache"}),  # 粤 唔该 (thanks) is never 不该
        ("唔系好痛", {"pain"}),  # 粤: not very painful
        ("冇事，唔痛", {"pain"}),
        ("我唞下先", {"dyspnea"}),  # 粤 唞 alone: to rest
        ("咳嗽没有血", {"hemoptysis"}),
        ("咳嗽有血压高的病史", {"hemoptysis"}),
        ("I am confused about the dose", {"confusion"}),  # puzzled, not delirious
        ("别乱讲话", {"confusion"}),
        ("头发少了", {"fever"}),  # 发少 is no typo of 发烧 here
        ("开头运行正常", {"dizziness"}),
        ("把他拉黑了", {"melena"}),
        ("伤口开始拆线", {"wound_dehiscence"}),
        ("音响发烧友", {"fever"}),
        ("气得吐血", {"hematemesis"}),
        ("这事真让人头疼", {"headache"}),
        ("忙得喘不过气", {"dyspnea"}),
        ("说明书我看糊涂了", {"confusion"}),
        ("疼得要死", {"suicidal"}),
        ("肚子痛到死", {"suicidal"}),
        ("不 痛", {"pain"}),
        ("胸 口 不 痛", {"chest_pain"}),
    ],
)
def test_style_mechanisms_do_not_reach_look_alikes(text: str, absent: set[str]) -> None:
    assert not absent & set(present(text))


def test_a_blocked_figurative_phrase_still_goes_to_a_clinician() -> None:
    """A blocker names nothing, so the clause is unread (reviewed), never reassurance."""
    assert unread("这个药让人头疼")
