"""Paediatric and geriatric restrictions by class (``data/age_restrictions.csv``, each row
sourced: MHRA/FDA cough-and-cold notices, NMPA codeine notice, AGS Beers Criteria 2023).

A row applies to an ingredient of its target class when the patient's age is in
``[min_age_years, max_age_years)`` and, if the row names conditions, the patient has one of
them. ``scope`` narrows a row: ``antitussive`` (the ingredient is also an antitussive: an
opioid cough suppressant, not an opioid analgesic) and ``cough_cold_combination`` (the
product also contains a decongestant, an antitussive or an antipyretic/analgesic: chlorphenamine
alone for hay fever is not restricted under 6, a cold remedy containing it (小儿氨酚黄那敏, 感冒灵)
is). Unknown age: no row applies (the
dose step refuses to dose without an age).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from clinical.medkb.checks.contraindication import matches
from clinical.medkb.checks.profile import Profile
from clinical.medkb.entities import Reason
from clinical.medkb.kb import KnowledgeBase, read_data_csv

# a sedating antihistamine combined with any of these is a cough/cold remedy (氨酚黄那敏)
_COUGH_COLD = ("decongestant", "antitussive", "antipyretic", "analgesic")


@dataclass(frozen=True)
class Restriction:
    target: str
    scope: str
    min_age: float | None
    max_age: float | None
    conditions: frozenset[str]
    severity: str
    text: str
    source: str


@cache
def restrictions() -> tuple[Restriction, ...]:
    out = []
    for r in read_data_csv("age_restrictions.csv"):
        if r["severity"] not in ("avoid", "caution"):
            raise ValueError(f"age_restrictions.csv {r['target']}: severity {r['severity']!r}")
        if r["scope"] not in ("", "antitussive", "cough_cold_combination"):
            raise ValueError(f"age_restrictions.csv {r['target']}: scope {r['scope']!r}")
        out.append(
            Restriction(
                target=r["target"],
                scope=r["scope"],
                min_age=float(r["min_age_years"]) if r["min_age_years"] else None,
                max_age=float(r["max_age_years"]) if r["max_age_years"] else None,
                conditions=frozenset(c for c in r["conditions"].split("|") if c),
                severity=r["severity"],
                text=r["text_zh"],
                source=r["source"],
            )
        )
    return tuple(out)


def _in_scope(kb: KnowledgeBase, row: Restriction, key: str, keys: list[str]) -> bool:
    if row.scope == "antitussive":
        return "antitussive" in kb.ingredients[key].classes
    if row.scope == "cough_cold_combination":
        return any(k != key and kb.ingredients[k].classes & set(_COUGH_COLD) for k in keys)
    return True


def check(kb: KnowledgeBase, keys: list[str], p: Profile) -> list[Reason]:
    out: list[Reason] = []
    age = p.age_years
    if age is None:
        return out
    for row in restrictions():
        if row.min_age is not None and age < row.min_age:
            continue
        if row.max_age is not None and age >= row.max_age:
            continue
        if row.conditions and not row.conditions & p.conditions:
            continue
        for key in keys:
            if matches(kb, row.target, key) and _in_scope(kb, row, key, keys):
                out.append(Reason("age", row.severity, row.text, row.source, key))  # type: ignore[arg-type]
                break  # one reason per row and product
    return out
