"""Post-operative fever and wound signs within the surgical-site-infection window.

An operation the record gives without a usable date (an undated episode of the shared
PatientContext, noticed bugs #15/#23 item 1) is never read as "too long ago": the rules are
judged for every day of the window and the most urgent that could fire is a clinician's question
at its level (``postop-undated-window``), as the syndrome rules do for undated records."""

from __future__ import annotations

from datetime import datetime

from clinical.followup.services.facts import Facts
from clinical.followup.services.ruledata import load, rank, rules
from clinical.followup.services.rules.base import Reason, fmt
from clinical.knowledge import drugs as kd
from clinical.knowledge import syndromes as ks


def _implant(facts: Facts, when: datetime, text: str) -> bool:
    """The operation left an implant: its wording (folded: 關節置換 = 关节置换) or an
    ICD-9-CM-3 code under one of ``postop.yaml`` ``implant_icd9cm3``."""
    data = load("postop")
    folded = kd.fold(text)
    if any(kd.fold(w) in folded for w in data["implant_words"]):
        return True
    prefixes = [ks.ICD9CM_TAG + c.replace(".", "") for c in data["implant_icd9cm3"]]
    codes = [
        c for cs, t, at in facts.procedures_codes if at == when and t == text for c in cs.split()
    ]
    return any(c.startswith(p) for c in codes for p in prefixes)


def _window_days(facts: Facts, last: tuple[datetime, str, str]) -> int:
    data = load("postop")
    if _implant(facts, last[0], last[2]):
        return data["implant_window_days"]
    return data["window_days"]


def evaluate(facts: Facts) -> list[Reason]:
    day = facts.days_since_surgery()
    last = facts.last_surgery()
    if day is None or last is None:
        return _undated(facts)
    return _fired(facts, day, last)


def _undated(facts: Facts) -> list[Reason]:
    """The most urgent rule that would fire on some day of the window after an operation with
    no usable date, as ``postop-undated-window`` at that rule's level (its evidence: the
    operations, then the rule's own)."""
    ctx = facts.patient
    ops = [
        e
        for e in (ctx.episodes if ctx is not None else ())
        if e.day is None and e.ref.startswith("Procedure/")
    ]
    if not ops:
        return []
    worst: Reason | None = None
    for op in ops:
        last = (facts.now, op.ref, op.text)
        for d in range(_window_days(facts, last) + 1):
            for r in _fired(facts, d, last):
                if worst is None or rank(r.disposition) > rank(worst.disposition):
                    worst = r
    if worst is None:
        return []
    names = "、".join(f"“{e.text[:30]}”" for e in ops)
    refs = [e.ref for e in ops]
    return [
        Reason(
            code="postop-undated-window",
            text=f"您的手术记录（{names}）没有写明日期，结合您现在伤口或体温的情况，需要医护人员核实并评估",
            disposition=worst.disposition,
            family="postop",
            source=f"{ks.UNDATED_SOURCE}; {worst.source}",
            evidence=[*refs, *(r for r in worst.evidence if r not in refs)],
            clinician=f"手术时间不明：{names}没有可用日期，按仍在术后观察期内判断：{worst.text}",
        )
    ]


def _fired(facts: Facts, day: int, last: tuple[datetime, str, str]) -> list[Reason]:
    """The rules that fire ``day`` days after the operation ``last``."""
    data = load("postop")
    temp = facts.current_group("temp")
    max_temp = max(temp, key=lambda r: r.value) if temp else None
    wound = [s for c in data["wound_signs"] if (s := facts.present(c))]
    out: list[Reason] = []
    for row in rules("postop"):
        limit = row.get("max_day", _window_days(facts, last))
        if day > limit or day < row.get("min_day", 0):
            continue
        evidence = [last[1]]
        value = ""
        text_key = "text"
        if "fever_ge" in row:
            reported = facts.present(row["or_symptom"]) if row.get("or_symptom") else None
            if max_temp is not None and max_temp.value >= row["fever_ge"]:
                evidence.append(max_temp.ref)
                value = fmt(max_temp.value)
            elif reported is not None:  # "发烧" in the patient's words, no thermometer reading
                evidence.append(reported.ref)
                text_key = "text_reported"
            else:
                continue
        if row.get("wound_signs"):
            if not wound:
                continue
            evidence += [s.ref for s in wound]
        if row.get("wound_concepts"):
            hits = [s for c in row["wound_concepts"] if (s := facts.present(c))]
            if not hits:
                continue
            evidence += [s.ref for s in hits]
        out.append(
            Reason(
                code=row["code"],
                text=row[text_key].format(day=day, value=value),
                disposition=row["disposition"],
                family="postop",
                source=row["source"],
                evidence=evidence,
            )
        )
    fired = {r.code for r in out}
    dropped = {row["code"] for row in rules("postop") if fired & set(row.get("superseded_by", []))}
    return _dedupe_fever([r for r in out if r.code not in dropped])


def _dedupe_fever(reasons: list[Reason]) -> list[Reason]:
    """Only the most specific fever rule is reported: of the fired rows that read a temperature
    (``fever_ge``), the first in the data (rows are ordered most specific first)."""
    fever_rows = {row["code"] for row in rules("postop") if "fever_ge" in row}
    fever = [r for r in reasons if r.code in fever_rows]
    if len(fever) <= 1:
        return reasons
    keep = fever[0]
    return [r for r in reasons if r not in fever or r is keep]
