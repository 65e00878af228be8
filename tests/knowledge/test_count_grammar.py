"""The one count vocabulary (``clinical.knowledge.counts``, #23): the least number each count
word says, the count grammar by its floor, the unit families, and each reader that composes its
pattern from them still reading its own examples (with the differences it keeps)."""

from __future__ import annotations

import re
from fractions import Fraction

import pytest

from clinical.knowledge import counts, discourse, readings, unread
from clinical.knowledge.numbers import Amount, Unreadable, read_amount
from clinical.knowledge.symptoms import present


@pytest.mark.parametrize(
    ("word", "least"),
    [
        ("三", 3),
        ("两", 2),
        ("十二", 12),
        ("二十", 20),
        ("七八", 8),  # a rising pair by its upper end
        ("两三", 3),
        ("三五", 5),
        ("十来", 10),
        ("二十来", 20),
        ("三十几", 31),
        ("二十多", 21),
        ("几", 2),
        ("好几", 3),
        ("很多", 6),
        ("几十", 20),
        ("半", 0),
    ],
)
def test_each_count_word_says_its_least_number(word: str, least: int) -> None:
    assert counts.count_words()[word] == least


def test_words_that_say_no_count_are_not_count_words() -> None:
    words = counts.count_words()
    assert "一十" not in words  # 十 alone is ten
    assert "八七" not in words  # a pair rises
    assert "若干" not in words  # inexact for the exact reader only


@pytest.mark.parametrize(
    ("at_least", "number", "counts_as"),
    [
        (6, "6", True),
        (6, "12", True),
        (6, "5", False),
        (6, "5-6", True),  # a range by its upper end
        (6, "2-3", False),
        (6, "七八", True),
        (6, "五六", True),
        (6, "十来", True),
        (6, "二十来", True),
        (6, "很多", True),
        (6, "好几", False),
        (3, "三", True),
        (3, "两三", True),
        (3, "好几", True),
        (3, "两", False),
        (3, "几", False),
        (2, "几", True),
        (2, "1", False),
        (1, "半", False),
        (0, "半", True),
    ],
)
def test_the_count_grammar(at_least: int, number: str, counts_as: bool) -> None:
    assert bool(re.fullmatch(counts.count(at_least), number)) is counts_as


def test_a_count_floor_is_a_digit() -> None:
    with pytest.raises(ValueError, match="count floor 10"):
        counts.count(10)


def test_alt_puts_longer_words_first_and_leaves_out_what_it_is_told() -> None:
    assert counts.alt(counts.CLOCK) == "分钟|小时|分|秒"  # 分钟 is tried before 分
    assert counts.alt(counts.TIMES, without=("趟",)) == "回|次|遍"
    assert counts.alt("次", "下") == "下|次"


def test_alt_takes_only_words_of_the_vocabulary() -> None:
    with pytest.raises(ValueError, match="not a count word"):
        counts.alt(counts.TIMES, "钟头")
    with pytest.raises(ValueError, match="left out but never in"):
        counts.alt(counts.TIMES, without=("天",))


def test_the_exact_reader_takes_its_neighbours_and_refuses_inexact_words() -> None:
    assert read_amount("两三片") == Amount(
        Fraction(2), Fraction(3), "片", None, "count", Fraction(1), True, (0, 3), "两三片", "片"
    )
    assert isinstance(read_amount("一二片"), Unreadable)  # no neighbour pair
    for text in ("几片", "若干片"):
        assert read_amount(text) == Unreadable(f"不确定的数量: {text[:-1]}", (0, len(text)), text)


@pytest.mark.parametrize(
    ("text", "concepts"),
    [
        ("今天吐了七八次", {"vomiting", "persistent_vomiting"}),  # ≥6 by the upper end
        ("吐了五六遍", {"vomiting", "persistent_vomiting"}),
        # 趟: a time of the bare-verb counts; seven or more is grade 3 (diarrhea_severe, CTCAE v5)
        ("拉了七八趟", {"diarrhea", "diarrhea_severe"}),
        ("他抽了快十分钟了还没停", {"seizure"}),  # a clock duration of the fit
        ("抽了3分钟血", set()),  # 分钟 is not shrunk to 分 to slip past the sample
        ("吐了一大碗血", {"hematemesis"}),  # a vessel inside a term
        ("拉了好几次黑便", {"melena"}),  # a count inside a term
    ],
)
def test_the_symptom_readers_read_their_counts(text: str, concepts: set[str]) -> None:
    assert set(present(text)) == concepts


@pytest.mark.parametrize(
    ("text", "left"),
    [
        ("头疼了两三次", []),
        ("头晕了好几回", []),
        ("头疼，咳了两声", []),
        ("头疼了半天", []),
        ("头疼了十来趟", []),  # about ten times: 趟 too
        ("头疼了两三趟", ["趟"]),  # after a plain number the filler count has no 趟
        ("头疼了两顿饭", ["饭"]),  # 两顿 is a count, 饭 is not
    ],
)
def test_a_filler_count_is_read_in_an_unread_clause(text: str, left: list[str]) -> None:
    assert [u.words for u in unread.unread(text)] == left


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("1天2次", {"qualifier_phrases"}),
        ("2-3天1次", {"qualifier_phrases"}),
        ("这2天", {"qualifier_phrases"}),
        ("3个", {"qualifier_phrases"}),
        ("两年了", {"background_phrases"}),
        ("2个星期", {"background_phrases"}),  # 星期 is a duration's, not a count's
        ("出院第10天了", {"qualifier_phrases"}),
    ],
)
def test_discourse_reads_counts_and_durations(text: str, kinds: set[str]) -> None:
    assert discourse.phrase_kinds(text) == kinds


def test_medicine_talk_holds_a_count_of_times_only() -> None:
    assert discourse.medicine_talk("药吃了1次")
    assert not discourse.medicine_talk("药吃了1遍")  # 次 and 回 only
    assert not discourse.medicine_talk("药吃了3片")  # an amount is for a clinician


def test_a_counted_numeral_is_no_reading_but_a_rate_counts_beats() -> None:
    assert readings.read_vitals("体温量了三次")[0] == []
    (rate,) = readings.read_vitals("心率一百下")[0]
    assert (rate.kind, rate.values) == ("heart_rate", [100.0])


# The lead's probes (#15, 2026-12-07 sixth): a count said with its period after the complaint
# (拉肚子一天十几次, 吐了，一天吐了七八次) was only diarrhoea or vomiting; the period word (一天,
# 今天, 一晚上) and the repeated verb between the complaint and its count are read through.
@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("拉肚子一天十几次", "diarrhea_severe"),
        ("孩子拉肚子一天十多次", "diarrhea_severe"),
        ("拉肚子，今天已经拉了十来次了", "diarrhea_severe"),
        ("呕吐，一天吐了七八次", "persistent_vomiting"),
        ("拉肚子一晚上拉了8次", "diarrhea_severe"),
        ("吃了抗生素后拉肚子，一天七八次，有黏液", "diarrhea_severe"),
    ],
)
def test_a_count_with_its_period_after_the_complaint_is_read(text: str, concept: str) -> None:
    assert concept in present(text)


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("拉肚子一天三四次", "diarrhea_severe"),
        ("吐了，一天吐了两次", "persistent_vomiting"),
        ("拉肚子，一天吃了十几次药", "diarrhea_severe"),  # the count is of something else
    ],
)
def test_a_small_count_or_a_count_of_something_else_is_not_severe(text: str, concept: str) -> None:
    assert concept not in present(text)
