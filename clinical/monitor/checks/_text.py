"""Small text helpers shared by the checks (clauses, sentences, negation, dose parsing)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

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


def enclosing(text: str, pos: int, splitter: re.Pattern[str]) -> tuple[int, int]:
    """The (start, end) of the sentence/clause of ``text`` containing ``pos``."""
    for start, end in spans(text, splitter):
        if start <= pos < end:
            return start, end
    return pos, pos


def negated(text: str, start: int, window: int = 14) -> bool:
    """True when a negation/prohibition marker precedes ``start`` within its clause."""
    cstart, _ = enclosing(text, start, CLAUSE_END)
    before = text[max(cstart, start - window) : start]
    return bool(lexicon.negation_re().search(before))


# --- dose statements -------------------------------------------------------------------------

MASS_UNITS = {"mg": 1.0, "g": 1000.0, "μg": 0.001, "ug": 0.001}
COUNT_UNITS = "片粒颗袋支丸"
_NUM = r"(\d+(?:\.\d+)?)"
_UNIT = r"(mg|g|μg|ug|[片粒颗袋支丸])"
_TAKE = r"(?:吃|服|服用|口服|用|含服|吞服)?"
AMOUNT = re.compile(rf"(?:每次|1次|每回|单次|每顿|1顿)(?:最多|可以|可|只)?{_TAKE}{_NUM}{_UNIT}")
AMOUNT_LOOSE = re.compile(rf"(?:吃|服|服用|口服|吞服|吃了|吃下|加到|增加到|改为|改成){_NUM}{_UNIT}")
DAILY_AMOUNT = re.compile(
    rf"(?:每天|每日|1天|1日|24小时内?)(?:总量|总共|一共|共|最多|不超过|至多)?{_TAKE}{_NUM}{_UNIT}"
)
FREQ_DAILY = re.compile(
    rf"(?:每天|每日|1天|1日|24小时内?)(?:最多|不超过|至多|可以|可|共|总共)?{_TAKE}{_NUM}次"
)
FREQ_SLASH = re.compile(r"(\d+)次/[日天]")
FREQ_HOURS = re.compile(r"每(?:隔)?(\d+(?:\.\d+)?)(?:个)?小时")
FREQ_ABBR = re.compile(r"(?<![a-z])(qd|bid|tid|qid|q(\d+)h)(?![a-z])")
_ABBR = {"qd": 1, "bid": 2, "tid": 3, "qid": 4}
STRENGTH = re.compile(rf"{_NUM}(mg|g|μg|ug)")


@dataclass
class Dose:
    """A dose statement about one drug: per-dose amount, times a day, explicit daily amount."""

    amount: float | None = None
    unit: str = ""
    per_day: float | None = None
    daily_amount: float | None = None
    daily_unit: str = ""
    strength_mg: float | None = None
    span: tuple[int, int] | None = None


def to_mg(value: float, unit: str, strength_mg: float | None) -> float | None:
    if unit in MASS_UNITS:
        return value * MASS_UNITS[unit]
    if unit and unit in COUNT_UNITS and strength_mg is not None:
        return value * strength_mg
    return None


def frequency(region: str) -> tuple[float | None, re.Match[str] | None]:
    if m := FREQ_DAILY.search(region):
        return float(m.group(1)), m
    if m := FREQ_SLASH.search(region):
        return float(m.group(1)), m
    if m := FREQ_ABBR.search(region):
        if m.group(2):
            return 24.0 / float(m.group(2)), m
        return float(_ABBR[m.group(1)]), m
    if m := FREQ_HOURS.search(region):
        hours = float(m.group(1))
        return (24.0 / hours if hours > 0 else None), m
    return None, None


def parse_dose(region: str, offset: int = 0) -> Dose:
    """Parse the first dose statement of ``region`` (text following one drug mention)."""
    dose = Dose()
    points: list[int] = []
    if (m := STRENGTH.match(region.lstrip("片胶囊缓释肠溶钠酯 ()（[")) or None) is not None:
        dose.strength_mg = to_mg(float(m.group(1)), m.group(2), None)
    else:
        head = region[:12]
        if m := re.search(rf"[(（]?{_NUM}(mg|g|μg|ug)[)）]?", head):
            if not AMOUNT.search(head):
                dose.strength_mg = to_mg(float(m.group(1)), m.group(2), None)
    if m := AMOUNT.search(region) or AMOUNT_LOOSE.search(region):
        dose.amount, dose.unit = float(m.group(1)), m.group(2)
        points += [m.start(), m.end()]
        # "每次1片(0.5g)": the bracketed mass is the strength of one unit
        tail = region[m.end() : m.end() + 10]
        if dose.unit in COUNT_UNITS and (s := re.match(rf"\s*[(（]{_NUM}(mg|g)", tail)):
            per = to_mg(float(s.group(1)), s.group(2), None)
            if per is not None and dose.amount:
                dose.strength_mg = per / dose.amount
    if m := DAILY_AMOUNT.search(region):
        dose.daily_amount, dose.daily_unit = float(m.group(1)), m.group(2)
        points += [m.start(), m.end()]
    per_day, fm = frequency(region)
    if fm is not None:
        dose.per_day = per_day
        points += [fm.start(), fm.end()]
    if points:
        dose.span = (offset + min(points), offset + max(points))
    return dose
