"""Small text helpers shared by the checks (clauses, sentences, negation, dose parsing).

The helpers that read only their arguments (strings, offsets, the fixed lexicons) are
memoised: at the morning peak the same reminder text is checked for thousands of patients,
and its analysis is the same each time. Their arguments are immutable (mentions as tuples),
their results plain values or frozen dataclasses."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from clinical.knowledge import numbers
from clinical.monitor import lexicon

SENTENCE_END = re.compile(r"[。!?;\n]+")
CLAUSE_END = re.compile(r"[。!?;\n,:]+")


def spans(text: str, splitter: re.Pattern[str]) -> Iterator[tuple[int, int]]:
    pos = 0
    for m in splitter.finditer(text):
        if m.start() > pos:
            yield pos, m.start()
        pos = m.end()
    if pos < len(text):
        yield pos, len(text)


@lru_cache(maxsize=65_536)
def enclosing(text: str, pos: int, splitter: re.Pattern[str]) -> tuple[int, int]:
    """The (start, end) of the sentence/clause of ``text`` containing ``pos``."""
    for start, end in spans(text, splitter):
        if start <= pos < end:
            return start, end
    return pos, pos


@lru_cache(maxsize=65_536)
def negated(text: str, start: int, window: int = 14) -> bool:
    """True when a negation/prohibition marker precedes ``start`` within its clause."""
    cstart, _ = enclosing(text, start, CLAUSE_END)
    before = text[max(cstart, start - window) : start]
    return bool(lexicon.negation_re().search(before))


# --- dose statements -------------------------------------------------------------------------

MASS_UNITS = {"mg": 1.0, "g": 1000.0, "μg": 0.001, "ug": 0.001}
COUNT_UNITS = "片粒颗袋支丸"
# a number, a fraction (1/2) or a range (2-3, 1~2, 1到2); not the tail of 1/3, 1.5.5 or 1-2.
# Its value is read by the shared reader (``amount_value``), never by float() here.
_NUM = r"(?<![\d./\-~])(\d+(?:\.\d+)?(?:/\d+|\s*[-~到至]\s*\d+(?:\.\d+)?)?)"
_UNIT = r"(mg|g|μg|ug|ml|[片粒颗袋支丸])"
_TAKE = r"(?:(?:给|喂)?(?:孩子|宝宝|小孩|她|他)?(?:吃|服|服用|口服|用|含服|吞服|喂|给))?"
AMOUNT = re.compile(rf"(?:每次|1次|每回|单次|每顿|1顿)(?:最多|可以|可|只)?{_TAKE}{_NUM}{_UNIT}")
AMOUNT_LOOSE = re.compile(rf"(?:吃|服|服用|口服|吞服|吃了|吃下|加到|增加到|改为|改成){_NUM}{_UNIT}")
DAILY_AMOUNT = re.compile(
    rf"(?:每天|每日|1天|1日|24小时内?)(?:总量|总共|一共|共|最多|不超过|至多)?{_TAKE}{_NUM}{_UNIT}"
)
FREQ_DAILY = re.compile(
    rf"(?:每天|每日|1天|1日|24小时内?)(?:最多|不超过|至多|可以|可|共|总共)?{_TAKE}{_NUM}次"
)
FREQ_SLASH = re.compile(r"(\d+)次/[日天]")
# 每4小时, 每隔4小时, 隔4小时 (not 间隔1小时: spacing from other drugs)
FREQ_HOURS = re.compile(r"(?:每(?:隔)?|(?<!间)隔)(\d+(?:\.\d+)?)(?:个)?小时")
FREQ_ABBR = re.compile(r"(?<![a-z])(qd|bid|tid|qid|q(\d+)h)(?![a-z])")
_ABBR = {"qd": 1, "bid": 2, "tid": 3, "qid": 4}
STRENGTH = re.compile(rf"{_NUM}(mg|g|μg|ug)")
# a liquid's strength: "每1ml含100mg", "5ml含0.1g", "(100ml:2g)"
PER_ML = re.compile(r"(?:每)?(\d+(?:\.\d+)?)?ml(含|:)(\d+(?:\.\d+)?)(mg|g)")
ML_RATIO = re.compile(r"(\d+(?:\.\d+)?)ml[:/](\d+(?:\.\d+)?)(mg|g)")


@lru_cache(maxsize=16_384)
def amount_value(written: str) -> float:
    """The number ``written`` (digits, a fraction or a range) as the shared reader
    ``clinical.knowledge.numbers`` reads it; a range counts at its HIGH end, because a
    maximum is checked against the most the text allows (每次2-3片 → 3)."""
    amount = numbers.read_amount(written)
    if isinstance(amount, numbers.Amount):
        return float(amount.high if amount.high is not None else amount.value)
    raise ValueError(f"unreadable amount {written!r}")  # the check fails closed (holds)


def per_day_of(region: str) -> float | None:
    return frequency(region)[0]


@dataclass(frozen=True)
class Dose:
    """A dose statement about one drug: per-dose amount, times a day, explicit daily amount."""

    amount: float | None = None
    unit: str = ""
    per_day: float | None = None
    daily_amount: float | None = None
    daily_unit: str = ""
    strength_mg: float | None = None
    span: tuple[int, int] | None = None
    mg_per_ml: float | None = None  # a liquid's stated strength ("100ml:2g", "每5ml含0.1g")


def to_mg(
    value: float, unit: str, strength_mg: float | None, mg_per_ml: float | None = None
) -> float | None:
    if unit == "ml":
        return value * mg_per_ml if mg_per_ml is not None else None
    if unit in MASS_UNITS:
        return value * MASS_UNITS[unit]
    if unit and unit in COUNT_UNITS and strength_mg is not None:
        return value * strength_mg
    return None


def frequency(region: str) -> tuple[float | None, re.Match[str] | None]:
    if m := FREQ_DAILY.search(region):
        return amount_value(m.group(1)), m
    if m := FREQ_SLASH.search(region):
        return amount_value(m.group(1)), m
    if m := FREQ_ABBR.search(region):
        if m.group(2):
            return 24.0 / amount_value(m.group(2)), m
        return float(_ABBR[m.group(1)]), m
    if m := FREQ_HOURS.search(region):
        hours = amount_value(m.group(1))
        return (24.0 / hours if hours > 0 else None), m
    return None, None


@lru_cache(maxsize=16_384)
def parse_dose(region: str, offset: int = 0) -> Dose:
    """Parse the first dose statement of ``region`` (text following one drug mention).

    Memoised (pure, frozen result): reminders repeat the same regions for many patients."""
    found: dict[str, Any] = {}
    points: list[int] = []
    leading_mass = False
    stripped = region.lstrip("片胶囊缓释肠溶钠酯 ()（[")
    if (m := STRENGTH.match(stripped) or None) is not None:
        found["strength_mg"] = to_mg(amount_value(m.group(1)), m.group(2), None)
        # "布洛芬1g，…" may be the amount; "（布洛芬180mg）" is a bracketed strength
        leading_mass = stripped[m.end() : m.end() + 1] not in (")", "）")
    else:
        head = region[:12]
        if m := re.search(rf"[(（]?{_NUM}(mg|g|μg|ug)[)）]?", head):
            if not AMOUNT.search(head):
                found["strength_mg"] = to_mg(amount_value(m.group(1)), m.group(2), None)
    if m := AMOUNT.search(region) or AMOUNT_LOOSE.search(region):
        amount, unit = amount_value(m.group(1)), m.group(2)
        found["amount"], found["unit"] = amount, unit
        points += [m.start(), m.end()]
        # "每次1片(0.5g)": the bracketed mass is the strength of one unit
        tail = region[m.end() : m.end() + 10]
        if unit in COUNT_UNITS and (s := re.match(rf"\s*[(（]{_NUM}(mg|g)", tail)):
            per = to_mg(amount_value(s.group(1)), s.group(2), None)
            if per is not None and amount:
                found["strength_mg"] = per / amount
    if m := PER_ML.search(region):
        per = to_mg(amount_value(m.group(3)), m.group(4), None)
        volume = amount_value(m.group(1)) if m.group(1) else 1.0
        if per is not None and volume > 0:
            found["mg_per_ml"] = per / volume
    elif m := ML_RATIO.search(region):
        per = to_mg(amount_value(m.group(2)), m.group(3), None)
        if per is not None and amount_value(m.group(1)) > 0:
            found["mg_per_ml"] = per / amount_value(m.group(1))
    if found.get("amount") is None and leading_mass and per_day_of(region):
        # "对乙酰氨基酚1g，隔2小时吃一次": a mass right after the name with a frequency and no
        # other amount is the amount taken each time
        found["amount"], found["unit"] = found["strength_mg"], "mg"
    if m := DAILY_AMOUNT.search(region):
        found["daily_amount"], found["daily_unit"] = amount_value(m.group(1)), m.group(2)
        points += [m.start(), m.end()]
    per_day, fm = frequency(region)
    if fm is not None:
        found["per_day"] = per_day
        points += [fm.start(), fm.end()]
    if points:
        found["span"] = (offset + min(points), offset + max(points))
    return Dose(**found)


# --- negative advice ---------------------------------------------------------------------------

_LIST_GAP = re.compile(r"^[、,/和或及与跟以及等 ]*$")
_LEAD = re.compile(
    r"^(?:(?:停药|用药|服药|治疗)(?:后|期间)?(?:\d+(?:天|日|周|个月|小时))?(?:以?内|期间)?)?"
    r"(?:请|所以|因此|故|也|都|应|一定|千万|绝对|务必|您|你)*$"
)
_EXAMPLE = re.compile(r"\((?:如|比如|例如|包括)[^()]*$")


def _unnegated(text: str, pattern: re.Pattern[str], start: int, end: int) -> bool:
    """True when ``pattern`` matches in text[start:end] without a negation just before it."""
    for m in pattern.finditer(text, start, end):
        cstart, _ = enclosing(text, m.start(), CLAUSE_END)
        if not lexicon.negation_re().search(text[max(cstart, m.start() - 4) : m.start()]):
            return True
    return False


@lru_cache(maxsize=65_536)
def self_medication_wording(text: str, start: int, end: int) -> bool:
    """Self-medication wording (可以吃/买点/药店…) in text[start:end] that is not itself
    prohibited ("不要自行服用" is advice AGAINST self-medication, not a suggestion of it)."""
    return any(
        _unnegated(text, p, start, end) for p, _ in lexicon.compiled("self_medication_phrases")
    )


def _statement_only(text: str, mention: Any) -> bool:
    """A mention that names an allergy ("对青霉素类过敏"), a class ("属于青霉素类"), an
    ingredient ("含酒精") or an example in brackets ("含酒精的药物(如藿香正气水)") of what
    was named before it."""
    if text[mention.end : mention.end + 4].lstrip("类药物").startswith("过敏"):
        return True
    if _EXAMPLE.search(text[max(0, mention.start - 12) : mention.start]):
        return True
    if text[max(0, mention.start - 2) : mention.start].endswith(("含", "含有")):
        return True  # "藿香正气水含酒精": an ingredient of the drug named before it
    return class_statement(text, mention.start, mention.end)


@lru_cache(maxsize=65_536)
def advised_against(
    text: str, start: int, end: int, mentions: tuple[Any, ...] | None = None
) -> bool:
    """True when the drug named at text[start:end] is the object of negative advice.

    Either a negation precedes it in its clause ("不要使用布洛芬"), or its sentence ends a
    clause with a prohibition whose elided object is this drug ("布洛芬、阿司匹林等会增加出血
    风险，不要自行服用"). Fail-closed: the trailing form counts only when the sentence has no
    permissive/suggestion wording at all (可以/建议服用/放心/改用…, lexicon ``negative_advice``)
    and no self-medication suggestion, and every other drug named between this one and the
    prohibition is listed together with it (布洛芬、阿司匹林等), so that "布洛芬止痛好，阿司匹林
    伤胃，不要自行服用" still holds for 布洛芬.
    """
    if negated(text, start):
        return True
    s, e = enclosing(text, start, SENTENCE_END)
    rows = lexicon.compiled("negative_advice")
    if any(p.search(text, s, e) for p, row in rows if row["kind"] in ("permission", "instruction")):
        return False
    if self_medication_wording(text, s, e):
        return False
    if reason_of_prohibition(text, start, s, e):
        return True
    own_keys: set[str] = set()
    for x in mentions or []:
        if x.start == start:
            own_keys = set(x.all_keys)
    for p, row in rows:
        if row["kind"] != "prohibition":
            continue
        m = p.search(text, end, e)
        if m is None:
            continue
        between = sorted(
            (
                x
                for x in mentions or []
                if end <= x.start
                and x.end <= m.start()
                and not _statement_only(text, x)
                and not set(x.all_keys) & own_keys  # 酒精 … 饮酒: the same substance
            ),
            key=lambda x: x.start,
        )
        pos = end
        listed = True
        for other in between:
            if not _LIST_GAP.match(text[pos : other.start]):
                listed = False
                break
            pos = other.end
        if not listed:
            continue
        # the prohibition opens its clause, or directly follows the named drug(s)
        cstart, _ = enclosing(text, m.start(), CLAUSE_END)
        lead_from = pos if pos >= cstart else cstart
        if _LEAD.match(text[lead_from : m.start()]):
            return True
    return False


# "正在服用华法林", "正在或近期服用甲硝唑/替硝唑": the drug(s) stated as the patient's current
# medication (the text before the mention, within its clause).
CURRENT_STATEMENT = re.compile(
    r"(?:正在|目前|现在|长期|一直)(?:或近期)?(?:在)?(?:服用|使用|吃|用)(?:的)?"
    r"(?:[^,.:!?;/、]{1,10}[/、])*$|您(?:在)?(?:服用|吃)的$"
)
# "不要使用芬必得：有消化性溃疡…：布洛芬、阿司匹林等…禁用": a sentence that OPENS by prohibiting
# a drug and then gives the reason after a colon.
_PROHIBITION_HEAD = re.compile(
    r"(?:请)?(?:不要|不能|不宜|不可|禁止|避免|请勿|切勿|勿)(?:再)?(?:自行|擅自)?"
    r"(?:使用|服用|用|吃)[^,.!?;:]{1,20}:"
)


def reason_of_prohibition(text: str, start: int, s: int, e: int) -> bool:
    """True when the mention at ``start`` lies in the REASON part of a sentence text[s:e] that
    opens with a prohibition of a drug followed by a colon ("不要使用X：<reason>"). Names in
    the reason explain the warning (the ingredient, the patient's own medicine). The caller
    (``advised_against``) applies this only to sentences without any permissive, instruction
    or self-medication wording, so "不要使用芬必得：可以改用布洛芬" still holds for 布洛芬."""
    head = _PROHIBITION_HEAD.match(text[s:e].lstrip())
    if head is None:
        return False
    if start < s + (len(text[s:e]) - len(text[s:e].lstrip())) + head.end():
        return False
    cstart, _ = enclosing(text, start, CLAUSE_END)
    # "正在服用华法林": a claim about the patient's medication, left to the checks that
    # verify it against the orders and the structured engine result.
    return not CURRENT_STATEMENT.search(text[cstart:start])


# "服用辛伐他汀期间不要吃西柚": the drug names the period the advice applies to.
_WHILE_BEFORE = re.compile(r"(?:正在|您)?(?:服用|使用|吃|用)$")
_WHILE_AFTER = re.compile(
    r"(?:期间|的时候|时)(?:内)?[^,.!?;:]{0,4}?(?:不要|不宜|不能|不可|避免|勿|别|禁止|禁)"
    # "服用X期间不要停药/漏服" is about taking X itself: not a prohibition of something else
    r"(?![^,.!?;:]{0,4}(?:停|减|加|换|漏|忘|中断|断))"
)


@lru_cache(maxsize=65_536)
def while_on(text: str, start: int, end: int) -> bool:
    """True when the drug at text[start:end] only sets the period of a prohibition of
    something else ("服用辛伐他汀期间不要吃西柚"): the patient takes it; the text neither
    suggests nor doses it. Fail-closed like ``advised_against``: any permissive,
    instruction or self-medication wording in the sentence keeps the finding."""
    if not _WHILE_BEFORE.search(text[max(0, start - 4) : start]):
        return False
    if not _WHILE_AFTER.match(text, end):
        return False
    s, e = enclosing(text, start, SENTENCE_END)
    rows = lexicon.compiled("negative_advice")
    if any(p.search(text, s, e) for p, row in rows if row["kind"] in ("permission", "instruction")):
        return False
    return not self_medication_wording(text, s, e)


_CLASS_OF = re.compile(r"(?:属于|属|是|为)$")


def class_statement(text: str, start: int, end: int) -> bool:
    """True for "阿莫西林属于青霉素类": the drug class of the drug named before it, which the
    checks judge on its own mention; the class name itself is no suggestion."""
    return text[end : end + 1] == "类" and bool(_CLASS_OF.search(text[max(0, start - 2) : start]))


def question(text: str, pos: int) -> bool:
    """True when the sentence holding ``pos`` is a question ("您是否指：泰诺、泰诺林？",
    an example question "例如：吃头孢能喝酒吗？"): it asks, it does not advise."""
    _, end = enclosing(text, pos, SENTENCE_END)
    return text[end : end + 1] == "?"
