"""Post-operative fever and wound signs within the surgical-site-infection window."""

from __future__ import annotations

from datetime import datetime

from clinical.followup.services.facts import Facts
from clinical.followup.services.ruledata import load, rules
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


def _window_days(facts: Facts) -> int:
    data = load("postop")
    last = facts.last_surgery()
    if last and _implant(facts, last[0], last[2]):
        return data["implant_window_days"]
    return data["window_days"]


def evaluate(facts: Facts) -> list[Reason]:
    day = facts.days_since_surgery()
    last = facts.last_surgery()
    if day is None or last is None:
        return []
    data = load("postop")
    temp = facts.current_group("temp")
    max_temp = max(temp, key=lambda r: r.value) if temp else None
    wound = [s for c in data["wound_signs"] if (s := facts.present(c))]
    out: list[Reason] = []
    for row in rules("postop"):
        limit = row.get("max_day", _window_days(facts))
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
    """Only the most specific fever rule is reported (rows are ordered most specific first)."""
    fever_codes = [
        r
        for r in reasons
        if r.code
        in ("postop-fever-wound", "postop-wound-fever", "postop-fever", "postop-early-fever")
    ]
    if len(fever_codes) <= 1:
        return reasons
    keep = fever_codes[0]
    return [r for r in reasons if r not in fever_codes or r is keep]
