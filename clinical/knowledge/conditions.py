"""The one condition table (issue #23): keys with Chinese terms, SNOMED CT codes and ICD-10
prefixes (``data/conditions.csv``), and conditions derived from labs
(``data/lab_conditions.csv``: eGFR, potassium, uric acid).

Invariant: a condition is recognised the same way by every consumer: an exact SNOMED CT
code, an ICD-10 code under one of the key's prefixes, or one of its Chinese/English terms
in the text. Every row carries its source.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from clinical.knowledge.drugs import fold, read_csv, split

SNOMED = "http://snomed.info/sct"
ICD10_SYSTEMS = ("http://hl7.org/fhir/sid/icd-10", "http://hl7.org/fhir/sid/icd-10-cn")


@dataclass(frozen=True)
class Condition:
    key: str
    name_zh: str
    terms: tuple[str, ...]  # name_zh first, then the aliases
    snomed: tuple[str, ...]
    icd10: tuple[str, ...]  # prefixes: "I10" matches I10, I10.x
    source: str


@dataclass(frozen=True)
class LabCondition:
    loinc: str
    label_zh: str
    units: tuple[str, ...]
    comparator: str  # "<" or ">"
    threshold: float
    condition: str
    source: str


@lru_cache(maxsize=1)
def conditions() -> dict[str, Condition]:
    return {
        r["key"]: Condition(
            r["key"],
            r["name_zh"],
            tuple(t for t in (r["name_zh"], *split(r["aliases"])) if t),
            tuple(split(r["snomed"])),
            tuple(split(r["icd10"])),
            r["source"],
        )
        for r in read_csv("conditions.csv")
    }


@lru_cache(maxsize=1)
def lab_conditions() -> tuple[LabCondition, ...]:
    out = []
    for r in read_csv("lab_conditions.csv"):
        out.append(
            LabCondition(
                r["loinc"],
                r["label_zh"],
                tuple(split(r["units"])),
                r["comparator"],
                float(r["threshold"]),
                r["condition"],
                r["source"],
            )
        )
    return tuple(out)


def _fold(text: str) -> str:
    return fold(text)  # the drug vocabulary's name fold (traditional, full-width, spaces)


def keys_for_code(system: str, code: str) -> set[str]:
    """Condition keys of one coding (SNOMED CT exact, ICD-10 by prefix)."""
    code = (code or "").strip()
    if not code:
        return set()
    out = set()
    for c in conditions().values():
        if system == SNOMED and code in c.snomed:
            out.add(c.key)
        elif (system in ICD10_SYSTEMS or system == "icd10") and any(
            code.upper().startswith(p.upper()) for p in c.icd10
        ):
            out.add(c.key)
    return out


def keys_for_text(text: str) -> set[str]:
    """Condition keys whose term appears in ``text`` (消化性溃疡, 胃溃疡 → peptic_ulcer)."""
    folded = _fold(text)
    if not folded:
        return set()
    return {c.key for c in conditions().values() if any(_fold(t) in folded for t in c.terms)}


def condition_keys(codings: Iterable[tuple[str, str]] = (), texts: Iterable[str] = ()) -> set[str]:
    """Condition keys of a Condition: its (system, code) codings and its texts."""
    out: set[str] = set()
    for system, code in codings:
        out |= keys_for_code(system, code)
    for t in texts:
        out |= keys_for_text(t)
    return out


def lab_condition(loinc: str, value: float, unit: str) -> str | None:
    """The condition a lab result implies (eGFR 45 mL/min/1.73m2 → ckd), or None."""
    for lc in lab_conditions():
        if lc.loinc != loinc or unit not in lc.units:
            continue
        if (lc.comparator == "<" and value < lc.threshold) or (
            lc.comparator == ">" and value > lc.threshold
        ):
            return lc.condition
    return None
