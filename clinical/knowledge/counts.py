"""The one count vocabulary of patient phrasing (#23, "one text normaliser"): how many, how long.

Chinese count words with the least number each says (``DIGITS``, ``VAGUE``, ``count_words``) and
the unit families a count is said in (``TIMES``, ``DAYS``, ``MOUTHFULS`` …). Every reader of a
count composes its pattern from here: the bare-verb counts and the quantities inside a term
(``symptoms``), counts as filler of an unread clause (``unread``), qualifiers and durations
(``discourse``), a numeral that counts rather than measures (``readings``) and the exact reader's
ranges and vague words (``numbers``). Where a reader accepts less than a family, it names what it
leaves out (``alt(..., without=...)``) where it composes, so a difference is never silent.

Dose units (mg, 片, 滴 as a dose) are ``data/units.csv``'s (``numbers.units``), not these.
The normaliser writes a Chinese numeral before a unit of units.csv in digits (三次 → 3次, 两三天
→ 2-3天); before the other units here it stays as written (七八趟, 一大碗, 两阵).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

# --------------------------------------------------------------------------- count words

DIGITS: dict[str, int] = dict(
    zip("一二两三四五六七八九", (1, 2, 2, 3, 4, 5, 6, 7, 8, 9), strict=True)
)
"""The Chinese digits one to nine (两 and 二 both two)."""
NUMERALS = "".join(DIGITS)  # 一二两三四五六七八九, for character classes

# The least number a vague count word says. 几/数 "a few" (more than one, fewer than ten),
# 好几/好些 more than 几, 十来/十几/十多 about or over ten, 几十/数十 tens (现代汉语词典(第7版)
# 几, 来 and 多 after a numeral: an approximate number). 好多/很多 "many": six, the least
# that counts as frequent vomiting (NCI CTCAE v5.0 (2017) vomiting grade 3: ≥6 episodes in 24 h;
# UKONS 24-hour triage tool (2020): ≥6 a day → red), so that 吐了好多次 is never read as fewer.
# 半 says nought (抽了半小时: half of a time unit, left as written by the normaliser).
VAGUE = {"半": 0, "几": 2, "数": 2, "多": 2, "好几": 3, "好些": 3, "好多": 6, "很多": 6}  # 吐了多次
VAGUE |= {"十来": 10, "十几": 11, "十多": 11, "几十": 20, "数十": 20, "好几十": 20}

# What makes a number inexact for the exact reader (``numbers``: 几片, 若干, 数粒 are no dose).
INEXACT = ("几", "若干", "数")

# Two neighbouring numerals read as "this many or the next" by the exact reader: 两三片 = 2 to 3
# tablets (``numbers``; 一二 and 二两 are not among them: 二两 is a weight). The count grammar
# (``count_words``) reads every rising pair (三五次) by its upper end.
NEIGHBOURS = {"一两": (1, 2), "两三": (2, 3), "二三": (2, 3), "三四": (3, 4), "四五": (4, 5)}
NEIGHBOURS |= {"五六": (5, 6), "六七": (6, 7), "七八": (7, 8), "八九": (8, 9)}

# About ten, about twenty …: 十来次, 二十来回 (the normaliser leaves 来 as written).
ABOUT_TENS = rf"[{NUMERALS}]?十来"
# A number as the normaliser writes it: digits, a decimal, a range (5-6, the normaliser's 五六).
ARABIC = r"\d+(?:\.\d+)?(?:-\d+)?"
WHOLE_ARABIC = r"\d+(?:-\d+)?"  # the same without a decimal
# Before the number of a count: a particle and words of approximation (吐了快十次, 拉了有十几趟,
# 抽了将近10分钟).
LEAD = r"(?:了|过)?(?:有|了|快|将近|差不多|大概|已经|都)*"


@cache
def count_words() -> dict[str, int]:
    """Each Chinese count word with the least number it says: a numeral of one or two characters
    (三, 十二, 二十; a rising pair 七八, 两三, 三五 by its upper end), tens with 来/几/多 (十来,
    二十来, 三十几, 二十多) and the vague words (``VAGUE``)."""
    words = dict(VAGUE)
    words.update(DIGITS)
    words["十"] = 10
    for low_word, low in DIGITS.items():
        words[f"十{low_word}"] = 10 + low
        words[f"{low_word}十来"] = 10 * low
        if low > 1:
            words[f"{low_word}十"] = 10 * low
            words[f"{low_word}十几"] = words[f"{low_word}十多"] = 10 * low + 1
        for high_word, high in DIGITS.items():
            if high > low:
                words[low_word + high_word] = high
    return words


@cache
def count(at_least: int = 0) -> str:
    """The count grammar as a regular-expression group: a number of at least ``at_least`` (0 to
    9), in digits, a range of digits (by its upper end: 5-6 is six) or a Chinese count word
    (``count_words``); the unit is the reader's."""
    if not 0 <= at_least <= 9:
        raise ValueError(f"count floor {at_least}: 0 to 9")
    digits = r"\d+" if at_least <= 1 else rf"[{at_least}-9]|[1-9]\d+"
    words = sorted((w for w, n in count_words().items() if n >= at_least), key=len, reverse=True)
    return rf"(?:\d+-(?:{digits})|(?:{digits})|{'|'.join(words)})"


# --------------------------------------------------------------------------- unit families

TIMES = ("次", "回", "遍", "趟")
"""How many times something happened (吐了三次, 拉了七八趟, 吐了六遍): the unit of the vomiting
and diarrhoea counts (``symptoms``: ≥6 times vomiting, ≥3 times loose stools, with sources)."""
BOUTS = ("阵", "下")
"""A bout or a single jerk (抽了两阵, 疼一阵, 抽一下)."""
SOUNDS = ("声",)
"""A cough or a cry (咳了几声)."""
MEALS = ("顿",)
"""A meal (两顿没吃)."""
WHICH = ("这", "那", "前", "最近", "头")
"""Before a count of days: which ones (这2天, 前3天, 最近几天, 头2天)."""
DAYS = ("天", "日")
"""Days (3天, 2日)."""
LONG = ("周", "星期", "礼拜", "个月", "月", "年")
"""Weeks, months and years (2周, 两个礼拜, 3个月, 半年)."""
CLOCK = ("小时", "分钟", "分", "秒")
"""A duration by the clock (抽了十分钟, 半小时)."""
WHILE = ("会儿", "会")
"""A while (一会儿, 疼了一会)."""
MOUTHFULS = ("口", "大口", "小口", "滴")
"""What is brought up or passed by mouthfuls or drops (吐了一口血, 一大口, 几滴血)."""
VESSELS = ("碗", "大碗", "杯", "大杯", "盆", "大盆")
"""A bowl, a cup, a basin of what was brought up (吐了一大碗血: a large haematemesis, #15)."""
LUMPS = ("块", "坨", "片")
"""Lumps and patches (一块, 一坨, 一片红)."""
SOME = ("点", "些")
"""A little, some (一点, 一些)."""

_KNOWN = frozenset(TIMES + BOUTS + SOUNDS + MEALS + WHICH + DAYS + LONG + CLOCK + WHILE)
_KNOWN |= frozenset(MOUTHFULS + VESSELS + LUMPS + SOME)


def alt(*parts: Iterable[str] | str, without: Iterable[str] = ()) -> str:
    """A regex alternation of the words of ``parts`` (families, or single words of a family),
    less ``without``, longest first (分钟 before 分, 会儿 before 会). Every word must belong to
    a family of this module: a reader picks from the one vocabulary, it never adds its own."""
    words: set[str] = set()
    for part in parts:
        words.update((part,) if isinstance(part, str) else part)
    left_out = set(without)
    if unknown := (words | left_out) - _KNOWN:
        raise ValueError(f"not a count word of counts.py: {sorted(unknown)}")
    if missing := left_out - words:
        raise ValueError(f"left out but never in: {sorted(missing)}")
    return "|".join(sorted(words - left_out, key=lambda w: (-len(w), w)))
