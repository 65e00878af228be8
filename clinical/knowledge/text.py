"""The one text normaliser (issue #23): every consumer reads patient and reply text through it.

Invariant: every character of the normalised text maps to a character of the original, so a
finding's span can always be shown (highlighted) in what the clinician actually reads.

``normalize(text)`` steps: Unicode NFKC (full-width digits/letters/units → half-width, ``㎎`` →
``mg``), zero-width and control characters dropped, ASCII letters lower-cased, traditional →
simplified (OpenCC ``t2s``, character by character when a phrase conversion would change the
length, plus a few pharmacy characters OpenCC leaves alone: 醯 → 酰), every amount with a unit
that the shared reader (``clinical.knowledge.numbers``) reads exactly rewritten in Arabic digits
(``五百毫克`` → ``500mg``, ``零点五毫克`` → ``0.5mg``, ``半片`` → ``0.5片``, ``一片半`` → ``1.5片``,
``1/2片`` → ``0.5片``, ``吐了两次`` → ``吐了2次``), Chinese unit names turned into symbols
(``毫克`` → ``mg``); separators between the characters of a word written spaced out dropped
(``胸 口 痛``, ``胸-口-痛`` → ``胸口痛``; ``_spaced_out``), traditional 著 read as 着 outside the
words of 著 (活著, 睡不著).

``fold(text)`` is the length-preserving part (width, case, traditional → simplified, dash and
bracket variants): the medication KB indexes names with it and reads offsets straight back.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from fractions import Fraction
from functools import cache, lru_cache

from clinical.knowledge import counts, numbers

# The one test of a character that shows nothing (zero width, soft hyphen, Cf controls).
invisible = numbers.invisible

# Units and quantifiers after which a Chinese numeral is a quantity.
QUANTIFIERS = "片粒颗袋支丸滴次瓶盒包贴枚"
# Chinese names of mass and volume units → the lower-case symbol the checks match, from the
# shared units table (clinical/knowledge/data/units.csv).
UNITS_CN = {
    surface: unit.unit.lower()
    for surface, unit in numbers.units().items()
    if unit.unit in ("mg", "g", "μg", "kg", "mL")
    and all("\u4e00" <= c <= "\u9fff" for c in surface)
}


def cn_to_number(text: str) -> float | None:
    """``"五百"`` → 500, ``"十二"`` → 12, ``"零点五"`` → 0.5; None when not exactly one number.
    A thin wrapper over the shared reader (``clinical.knowledge.numbers``)."""
    value = numbers.read_number(text) if text else None
    return float(value) if isinstance(value, Fraction) else None


@dataclass(frozen=True)
class Normalized:
    """Normalised text plus, for each of its characters, the index in the original."""

    original: str
    text: str
    index: tuple[int, ...]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a ``[start, end)`` span of ``text`` back onto ``original``."""
        if not self.index or end <= start:
            return (0, 0)
        start = max(0, min(start, len(self.index) - 1))
        end = max(start + 1, min(end, len(self.index)))
        return (self.index[start], self.index[end - 1] + 1)


def _sub(
    text: str, index: list[int], pattern: re.Pattern[str], repl: Callable[[re.Match[str]], str]
) -> tuple[str, list[int]]:
    """Regex substitution that keeps the index map: replaced characters map to the match."""
    out: list[str] = []
    out_index: list[int] = []
    pos = 0
    for m in pattern.finditer(text):
        out.append(text[pos : m.start()])
        out_index.extend(index[pos : m.start()])
        new = repl(m)
        span_idx = index[m.start() : m.end()] or [index[m.start() - 1] if m.start() else 0]
        for i in range(len(new)):
            out_index.append(span_idx[min(i, len(span_idx) - 1)])
        out.append(new)
        pos = m.end()
    out.append(text[pos:])
    out_index.extend(index[pos:])
    return "".join(out), out_index


_CN_UNIT = re.compile("|".join(sorted(UNITS_CN, key=len, reverse=True)))
_CN_UNIT_AFTER_NUM = re.compile(
    rf"(?<=[\d.])\s*({'|'.join(sorted(UNITS_CN, key=len, reverse=True))})"
)
_NUM_SPACE = re.compile(
    r"(?<=\d)[ \t]+(?=(?:mg|g|μg|ug|ml|kg|[片粒颗袋支丸次]))|(?<=[\u4e00-\u9fff])[ \t]+(?=\d)"
    r"|(?<=\d)[ \t]+(?=[\u4e00-\u9fff])"
)


def _amounts_to_digits(text: str, index: list[int]) -> tuple[str, list[int]]:
    """Every amount with a unit that the shared reader reads exactly, rewritten in Arabic
    digits (``五百毫克`` → ``500毫克``, ``一片半`` → ``1.5片``, ``零点五克`` → ``0.5克``,
    ``一到两片`` → ``1-2片``). Unreadable spellings and values without an exact decimal (1/3)
    are left as written; 半 of a time unit (半小时) too."""
    out: list[str] = []
    out_index: list[int] = []
    pos = 0
    for found in numbers.find_amounts(text):
        if not isinstance(found, numbers.Amount) or found.unit_text is None:
            continue
        if found.kind == "time" and "半" in found.text:
            continue
        low = numbers.decimal_text(found.value)
        high = numbers.decimal_text(found.high) if found.high is not None else ""
        if low is None or high is None:
            continue
        new = f"{low}-{high}" if high else low
        new += found.unit_text
        start, end = found.span
        if new == text[start:end]:
            continue
        out.append(text[pos:start])
        out_index.extend(index[pos:start])
        out.append(new)
        # The unit, written the same on both sides, keeps its own positions (二十六岁 → 26岁:
        # 岁 maps to 岁, not to 六), so a span ending on it covers the whole amount as written.
        unit = found.unit_text if text[start:end].endswith(found.unit_text) else ""
        digits = len(new) - len(unit)
        out_index.extend(
            index[start + min(i, end - start - len(unit) - 1)]
            if i < digits
            else index[end - len(new) + i]
            for i in range(len(new))
        )
        pos = end
    out.append(text[pos:])
    out_index.extend(index[pos:])
    return "".join(out), out_index


def span_around(text: str, start: int, end: int, stops: Iterable[str]) -> tuple[int, int]:
    """The widest ``[a, b)`` around ``text[start:end]`` that holds none of ``stops``: the clause
    or sentence of a match, as its reader's stop characters define it."""
    stop = set(stops)
    a, b = start, end
    while a > 0 and text[a - 1] not in stop:
        a -= 1
    while b < len(text) and text[b] not in stop:
        b += 1
    return a, b


def strip_invisible(text: str) -> str:
    """``text`` without its invisible characters (``invisible``)."""
    return "".join(ch for ch in text if not invisible(ch))


def _fold_char(ch: str) -> str:
    """What one character of the original becomes (possibly nothing, possibly several)."""
    if invisible(ch):
        return ""
    folded = unicodedata.normalize("NFKC", ch)
    if ch in "。．":  # keep the ideographic full stop a sentence end, not a decimal point
        folded = "。" if ch == "。" else "."
    return "".join(f.lower() if f.isascii() else f for f in folded)


class _FoldTable(dict):
    """``str.translate`` table of ``_fold_char``, filled on first sight of each character;
    characters that do not fold to exactly one character are remembered in ``irregular``."""

    def __init__(self) -> None:
        super().__init__()
        self.irregular: set[str] = set()

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        self[code] = folded = _fold_char(ch)
        if len(folded) != 1:
            self.irregular.add(ch)
        return folded


_FOLD = _FoldTable()


def _fold(original: str) -> tuple[str, list[int]]:
    """The folded text and, per folded character, its index in ``original``."""
    text = original.translate(_FOLD)
    if _FOLD.irregular.isdisjoint(original):  # one character each: the identity map
        return _simplified(text), list(range(len(original)))
    chars: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(original):
        for f in _FOLD[ord(ch)]:
            chars.append(f)
            index.append(i)
    return _simplified("".join(chars)), index


# Characters OpenCC's t2s keeps but that simplified drug labels never use, and punctuation
# variants NFKC leaves apart.
_EXTRA = str.maketrans({"醯": "酰", "—": "-", "–": "-", "®": " ", "™": " "})
# Traditional 著 is both simplified 着 (活著, 睡不著, 著急) and 著 (著名, 显著); OpenCC's t2s keeps
# it, so 睡不著 and 活著沒意思 were not read. It is 着 except in the words of 著 (#15/#23 style
# families; 现代汉语词典 著 zhù).
_ZHE = re.compile(r"(?<![显土名原巨专论编卓昭遗])著(?![名作称述者录])")


@lru_cache(maxsize=1)
def _converter():  # opencc has no type hints
    import opencc  # pinned in requirements/base.txt

    return opencc.OpenCC("t2s")


def _simplified(text: str) -> str:
    """Traditional → simplified without changing the length (so index maps stay valid)."""
    if text.isascii():
        return text
    text = text.translate(_EXTRA)
    converted = _converter().convert(text)
    if len(converted) != len(text):  # a phrase conversion changed the length: per character
        converted = "".join(c2 if len(c2 := _converter().convert(c)) == 1 else c for c in text)
    return _ZHE.sub("着", converted) if "著" in converted else converted


def _fold_one(ch: str) -> str:
    if ord(ch) < 128:
        return ch.lower()
    folded = unicodedata.normalize("NFKC", ch)
    if len(folded) == 1:
        lowered = folded.lower()
        return lowered if len(lowered) == 1 else folded  # "İ".lower() has two characters
    return ch


class _OneCharTable(dict):
    """``str.translate`` table of ``_fold_one`` (one character in, one out)."""

    def __missing__(self, code: int) -> str:
        self[code] = folded = _fold_one(chr(code))
        return folded


_ONE = _OneCharTable()


@lru_cache(maxsize=50_000)
def fold(text: str) -> str:
    """Length-preserving normalisation: ``len(fold(s)) == len(s)`` (simplified, half-width,
    lower case). Memoised (pure): lookups fold the same names again and again."""
    if not text:
        return ""
    return _simplified(text.translate(_ONE))


def fold_visible(text: str) -> str:
    """``fold`` of ``text`` without its invisible characters (dropped first): the form in which
    the readings reader and the agent read a patient's words (華法林可以吃兩片嗎 →
    华法林可以吃两片吗; 华\u200b法林 → 华法林); not length-preserving when a character is
    dropped."""
    return fold(strip_invisible(text))


_CJK = "\u4e00-\u9fff"
_NUMERALS = f"零〇{counts.NUMERALS}十百千万半"
# Characters people put between the characters of a word (胸 口 痛, 胸-口-痛, 胸·口·痛). Not the
# characters of a regular expression (. * |: the monitor's patterns are normalised too) nor / (次/日).
_SEPARATORS = re.compile(rf"(?<=[{_CJK}])[ \t\-_·•~・]+(?=[{_CJK}])")
_HAN = re.compile(f"[{_CJK}]")


def _spaced_out(text: str, index: list[int]) -> tuple[str, list[int]]:
    """Separators dropped between the characters of a word written spaced out (#15/#23 style
    families): a run of separators between two Chinese characters goes when both are words of
    one character (胸 口 痛, 头 晕), or, for a separator that is no space, when either is
    (胸-口-痛得厉害). A space between words of several characters stays a clause break (胸口痛
    喘不上气), and so does a dash, tilde or slash between numerals (三-四天)."""

    def keep(m: re.Match[str]) -> bool:
        a, b = m.start() - 1, m.end()
        single_a = a == 0 or not _HAN.match(text[a - 1])
        single_b = b + 1 >= len(text) or not _HAN.match(text[b + 1])
        spaces = m.group().strip(" \t") == ""
        if text[a] in _NUMERALS and text[b] in _NUMERALS and not spaces:
            return True
        return not (single_a and single_b) if spaces else not (single_a or single_b)

    if not _SEPARATORS.search(text):
        return text, index
    out: list[str] = []
    out_index: list[int] = []
    pos = 0
    for m in _SEPARATORS.finditer(text):
        if keep(m):
            continue
        out.append(text[pos : m.start()])
        out_index.extend(index[pos : m.start()])
        pos = m.end()
    out.append(text[pos:])
    out_index.extend(index[pos:])
    return "".join(out), out_index


@lru_cache(maxsize=16_384)
def normalize(original: str) -> Normalized:
    """Normalise ``original`` for matching (see module docstring).

    Memoised: a pure function with an immutable result, and the morning peak checks the same
    reminder text (drug, dose, clock time) for many patients."""
    text, index = _fold(original)
    text, index = _spaced_out(text, index)
    text, index = _amounts_to_digits(text, index)
    text, index = _sub(text, index, _CN_UNIT_AFTER_NUM, lambda m: UNITS_CN[m.group(1)])
    text, index = _sub(text, index, _NUM_SPACE, lambda m: "")
    return Normalized(original=original, text=text, index=tuple(index))


@cache
def confusable_letters() -> frozenset[str]:
    """Every character ``script_of`` calls cyrillic, greek or armenian (computed once: the
    scripts a Latin drug name can be disguised with). No such script has letters beyond
    plane 1."""
    scripts = ("CYRILLIC", "GREEK", "ARMENIAN")
    return frozenset(
        chr(c) for c in range(0x20000) if unicodedata.name(chr(c), "").startswith(scripts)
    )


def script_of(ch: str) -> str:
    """A coarse script name for mixed-script detection ('latin', 'cyrillic', 'greek', 'han', ...)."""
    if ch.isascii():
        return "latin" if ch.isalpha() else "other"
    try:
        name = unicodedata.name(ch)
    except ValueError:
        return "other"
    for script in ("CYRILLIC", "GREEK", "CJK", "LATIN", "ARMENIAN", "HEBREW", "ARABIC"):
        if name.startswith(script):
            return "han" if script == "CJK" else script.lower()
    return "other"
