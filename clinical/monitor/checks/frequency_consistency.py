"""A message's frequency/period for an ordered drug must equal its order's (issue #16).

For every drug the message names that is one of the patient's active orders, the period
(weekly / every other day / daily, and times a day when daily) read from the sentence that
names it, and for a reminder from the whole text and its ``structured`` payload
(``instruction``/``frequency``), is compared with the period of the order's dosage text as
the shared sig reader reads it (``clinical.knowledge.sigs``, the lexicon orders schedule
from; the monitor's ``data/frequency_periods.csv`` only where it reads no repeat, e.g. 每周一). The
message's own wording is read with that table (messages are not sigs). A different period (weekly methotrexate as a daily
reminder) or a different daily count (warfarin qd as 早晚各一次) is ``high``. A period
marker under a prohibition (千万不要每天吃) is not a period. An order taken as needed
(必要时/prn/不超过) has no fixed count; a sentence with two different periods is left to
review elsewhere (nothing is inferred from it).
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import Any

from clinical.monitor import kb, lexicon
from clinical.monitor.checks._orders import ordered
from clinical.monitor.checks._text import SENTENCE_END, enclosing
from clinical.monitor.types import CheckContext, Finding

NAME = "frequency_consistency"
NEEDS_KB = True
_PRN = re.compile(r"必要时|prn|不超过|最多|按需")
_PROHIBIT = re.compile(r"(?:不要|不能|别|切勿|千万不要|不可|禁止|而不是|不是)[^,.!?;。]{0,3}$")
_NAMES = {"weekly": "每周", "alternate": "隔日", "daily": "每日"}


@cache
def _rows() -> tuple[tuple[re.Pattern[str], str, int | None, str], ...]:
    return tuple(
        (p, r["period"], int(r["per_day"]) if r["per_day"] else None, r["source"])
        for p, r in lexicon.compiled("frequency_periods")
    )


@lru_cache(maxsize=16_384)
def period(text: str, weekday_is_weekly: bool = False) -> tuple[str, int | None, str] | None:
    """(period, times a day or None, source) stated in ``text``; None when none or two
    different periods are stated."""
    found: dict[str, tuple[int | None, str]] = {}
    taken: list[tuple[int, int]] = []
    for pattern, name, per_day, source in _rows():
        for m in pattern.finditer(text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            if _PROHIBIT.search(text[: m.start()]):
                continue
            taken.append(m.span())
            old = found.get(name)
            if old is None or (old[0] is None and per_day is not None):
                found[name] = (per_day, source)
    if weekday_is_weekly and not found and re.search(r"(?:周|星期)[一二三四五六日天1-7]", text):
        found["weekly"] = (None, "order names a weekday")
    if len(found) != 1:
        return None
    ((name, (per_day, source)),) = found.items()
    return name, per_day, source


def warm() -> None:
    """Load the shared sig lexicon and this check's table, and read one sig through the
    shared sig reader (see ``checks.warm``): its first read imports the FHIR Dosage model
    (pydantic, ``fhir.resources``) to validate what it read, ~0.1 s of CPU that a worker's
    first reminder was charged (``sig_period`` of its order) until this read it here."""
    from clinical.knowledge.sigs import lexicon as sig_lexicon
    from clinical.knowledge.sigs import parse_sig

    sig_lexicon()
    _rows()
    parse_sig(_WARM_SIG)  # not through sig_period: its memo holds real orders' texts only


_WARM_SIG = "每日1次 每次1片 口服"


@lru_cache(maxsize=16_384)
def sig_period(text: str) -> tuple[str, int | None, str] | None:
    """(period, times a day or None, source) of ``text`` read by the shared sig reader
    (``clinical.knowledge.sigs``: the sig lexicon the order engine schedules from); None when it
    reads no repeat (the monitor's table, ``period``, is then the fallback)."""
    from clinical.knowledge.sigs import parse_sig

    try:
        dosage = parse_sig(text).dosage or {}
    except Exception:  # an unreadable sig is no period (the table may still read one)
        return None
    if dosage.get("asNeededBoolean"):
        return None
    repeat = (dosage.get("timing") or {}).get("repeat") or {}
    freq, per, unit = repeat.get("frequency"), repeat.get("period"), repeat.get("periodUnit")
    if not isinstance(freq, int | float) or not isinstance(per, int | float):
        return None
    source = "clinical/knowledge/data/sig_lexicon.yaml (shared sig reader)"
    if unit == "wk" and per == 1 and freq == 1:
        return "weekly", None, source
    if unit == "d" and per == 2 and freq == 1:
        return "alternate", None, source
    if unit == "d" and per == 1:
        return "daily", int(freq) if float(freq).is_integer() else None, source
    if unit == "h" and per > 0 and float(24 / per).is_integer():
        return "daily", int(freq * 24 / per), source
    return None


def _structured_text(s: dict[str, Any] | None) -> str:
    if not isinstance(s, dict):
        return ""
    parts = [s.get(k) for k in ("instruction", "frequency", "schedule", "period")]
    return lexicon.fold(" ".join(p for p in parts if isinstance(p, str)))


def _compare(
    ctx: CheckContext, key_text: str, order_text: str, said: str, span: Any
) -> list[Finding]:
    want = sig_period(order_text) or period(lexicon.fold(order_text), weekday_is_weekly=True)
    got = period(said)
    if want is None or got is None:
        return []
    if want[0] != got[0]:
        why = f"医嘱为{_NAMES[want[0]]}，消息却写成{_NAMES[got[0]]}"
    elif want[1] and got[1] and want[1] != got[1] and not _PRN.search(lexicon.fold(order_text)):
        why = f"医嘱每日{want[1]}次，消息却写成每日{got[1]}次"
    else:
        return []
    return [
        ctx.finding(
            NAME,
            "frequency_mismatch",
            "high",
            f"“{key_text}”的用药频次与医嘱不一致：{why}",
            span,
            f"{got[2]}; AM-Med safety policy: a message about an order states the order's frequency",
        )
    ]


def check(ctx: CheckContext) -> list[Finding]:
    orders = ordered(ctx)
    if not orders:
        return []
    text = ctx.text
    out: list[Finding] = []
    seen: set[str] = set()
    structured = _structured_text(ctx.structured)
    whole = ctx.category == "reminder" or bool(structured)
    for m in ctx.mentions():
        order = next((orders[k] for k in m.all_keys if k in orders), None)
        if order is None or order.key in seen:
            continue
        seen.add(order.key)
        if whole:
            said = text
        else:
            s, e = enclosing(text, m.start, SENTENCE_END)
            said = text[s:e]
        out += _compare(ctx, m.name, order.text, said, (m.start, m.end))
    if structured and isinstance(ctx.structured, dict):
        drug = ctx.structured.get("drug") or ctx.structured.get("medication")
        key = kb.resolve(drug) if isinstance(drug, str) and drug else None
        if key in orders and not any(f.code == "frequency_mismatch" for f in out):
            out += _compare(ctx, drug, orders[key].text, structured, None)
    return out
