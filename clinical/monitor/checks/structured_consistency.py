"""Consistency of the text with the structured engine result it was generated from.

Conventions for ``OutgoingMessage.structured`` (unknown keys are ignored):
- ``drug`` / ``medication`` (str), ``dose`` (str like "3mg" or {"value", "unit"}),
  ``time`` / ``times`` ("HH:MM", an ISO datetime, or a list), or a list ``medications`` of such objects:
  each named drug, dose and time MUST appear in the text (a reminder equals its order);
- every drug and every dose the text names must occur somewhere in ``structured``
  (an answer may not add a drug or a dose);
- reassurance wording needs ``reassurance: true``; never with ``triage`` review/urgent/emergency.
With no structured result this check does nothing.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from clinical.monitor import kb, lexicon
from clinical.monitor.checks._text import COUNT_UNITS, MASS_UNITS, negated
from clinical.monitor.types import CheckContext, Finding

NAME = "structured_consistency"
NEEDS_KB = True
SOURCE = "AM-Med safety policy: the message must equal the structured result it phrases"
_DOSE = re.compile(r"(\d+(?:\.\d+)?)(mg|g|μg|ug|[片粒颗袋支丸])")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")
# triage values that never go with reassurance; ``review`` (follow-up #15: words nothing reads,
# a clinician reads them within 24 h) is not reassured either
_URGENT = {"review", "urgent", "emergency", "紧急", "急诊", "立即就医"}


# Machine timestamps: they name no drug or dose, and a reminder's exact due instant would
# make every dose's structured text unique (its clock time is in ``time``).
_NOT_TEXT = frozenset({"due_at"})


def _strings(value: Any) -> list[str]:
    """Every string in ``value`` (nested), with {"value": 3, "unit": "mg"} rendered "3mg"
    (values under the keys in ``_NOT_TEXT`` left out)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        out = []
        if isinstance(value.get("value"), int | float) and isinstance(value.get("unit"), str):
            out.append(f"{value['value']:g}{value['unit']}")
        for k, v in value.items():
            if k not in _NOT_TEXT:
                out += _strings(v)
        return out
    if isinstance(value, list | tuple):
        return [s for v in value for s in _strings(v)]
    return []


@lru_cache(maxsize=16_384)
def _doses(text: str) -> frozenset[tuple[float, str]]:
    out = set()
    for m in _DOSE.finditer(text):
        value, unit = float(m.group(1)), m.group(2)
        if unit in MASS_UNITS:
            out.add((round(value * MASS_UNITS[unit], 6), "mg"))
        elif unit in COUNT_UNITS:
            out.add((value, "count"))
    return frozenset(out)


def _clock(value: str) -> tuple[int, int] | None:
    """(hour, minute) of "HH:MM" or of an ISO datetime (in the local time zone)."""
    if m := _TIME.match(value.strip()):
        return int(m.group(1)), int(m.group(2))
    when = parse_datetime(value.strip())
    if when is None:
        return None
    if timezone.is_aware(when):
        when = timezone.localtime(when)
    return when.hour, when.minute


def _time_forms(value: str) -> tuple[str, ...]:
    clock = _clock(value)
    if clock is None:
        return (lexicon.fold(value),)
    return _clock_forms(*clock)


@lru_cache(maxsize=4096)
def _clock_forms(h: int, mm: int) -> tuple[str, ...]:
    """The ways a text may write the clock time h:mm."""
    forms = [f"{h}:{mm:02d}", f"{h:02d}:{mm:02d}"]
    suffix = "" if mm == 0 else ("半" if mm == 30 else f"{mm}分")
    forms += [f"{h}点{suffix}"]
    if h > 12:
        forms += [f"{p}{h - 12}点{suffix}" for p in ("晚上", "下午", "傍晚", "晚")]
    return tuple(forms)


def _required(structured: dict[str, Any]) -> list[dict[str, Any]]:
    items = [structured]
    meds = structured.get("medications")
    if isinstance(meds, list):
        items += [m for m in meds if isinstance(m, dict)]
    return items


def check(ctx: CheckContext) -> list[Finding]:
    s = ctx.structured
    if not isinstance(s, dict) or not s:
        return []
    text = ctx.text
    folded = lexicon.fold(" ".join(_strings(s)))
    allowed_keys = {k for m in kb.find_mentions(folded) for k in m.all_keys}
    allowed_doses = _doses(folded)
    out: list[Finding] = []
    text_keys = {k for m in ctx.mentions() for k in m.all_keys}
    text_doses = _doses(text)
    for item in _required(s):
        drug = item.get("drug") or item.get("medication")
        if isinstance(drug, str) and drug:
            key = kb.resolve(drug)
            if (key and key not in text_keys) or (not key and lexicon.fold(drug) not in text):
                out.append(
                    ctx.finding(
                        NAME, "drug_missing", "high", f"消息未包含医嘱药品“{drug}”", None, SOURCE
                    )
                )
        dose = item.get("dose")
        if dose:
            want = _doses(lexicon.fold(" ".join(_strings(dose))))
            if want and not want & text_doses:
                out.append(
                    ctx.finding(
                        NAME,
                        "dose_mismatch",
                        "high",
                        f"消息中的剂量与医嘱剂量 {dose} 不一致",
                        None,
                        SOURCE,
                    )
                )
        times = item.get("times") or item.get("time")
        for t in [times] if isinstance(times, str) else (times if isinstance(times, list) else []):
            if isinstance(t, str) and not any(f in text for f in _time_forms(t)):
                out.append(
                    ctx.finding(
                        NAME,
                        "time_mismatch",
                        "high",
                        f"消息中的时间与医嘱时间 {t} 不一致",
                        None,
                        SOURCE,
                    )
                )
    for m in ctx.mentions():
        if m.key not in allowed_keys:
            out.append(
                ctx.finding(
                    NAME,
                    "drug_added",
                    "high",
                    f"消息提到了结构化结果中没有的药品“{m.name}”",
                    (m.start, m.end),
                    SOURCE,
                )
            )
            allowed_keys.add(m.key)
    for dm in _DOSE.finditer(text):
        d = _doses(dm.group(0))
        if d and not d & allowed_doses and not d <= {(1.0, "count")}:
            out.append(
                ctx.finding(
                    NAME,
                    "dose_added",
                    "high",
                    f"消息中的剂量“{dm.group(0)}”不在结构化结果中",
                    dm.span(),
                    SOURCE,
                )
            )
    urgent = str(s.get("triage") or "").lower() in _URGENT
    if not s.get("reassurance") or urgent:
        for pattern, row in lexicon.compiled("reassurance_phrases"):
            for m in pattern.finditer(text):
                if negated(text, m.start(), window=4) or pattern.search(folded):
                    continue
                out.append(
                    ctx.finding(
                        NAME,
                        "reassurance_added",
                        "high",
                        "消息加入了结构化结果没有的安抚/保证"
                        + ("（分诊为紧急）" if urgent else ""),
                        m.span(),
                        row["source"],
                    )
                )
    return out
