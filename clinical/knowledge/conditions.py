"""The one condition table (issue #23): keys with Chinese terms, SNOMED CT codes and ICD-10
prefixes (``data/conditions.csv``), and conditions derived from labs
(``data/lab_conditions.csv``: eGFR, potassium, uric acid, INR; a row may hold only while the
patient is, or is not, on a drug class: INR above the VKA range on a vitamin-K antagonist).

Invariant: a condition is recognised the same way by every consumer: an exact SNOMED CT
code, an ICD-10 code under one of the key's prefixes, or one of its Chinese/English terms
in the text. Every row carries its source.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from clinical.knowledge.drugs import KnowledgeError, canonical_class, fold, read_csv, split

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
    comparator: str  # "<", "<=", ">" or ">="
    threshold: float
    condition: str
    source: str
    when_on: str = ""  # "" always; "class:x" only on class x; "!class:x" only when not on it


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
        row = LabCondition(
            r["loinc"],
            r["label_zh"],
            tuple("" if u == NO_UNIT else u for u in split(r["units"])),
            r["comparator"],
            float(r["threshold"]),
            r["condition"],
            r["source"],
            r["when_on"],
        )
        if row.comparator not in _COMPARE:
            raise KnowledgeError(f"lab_conditions.csv {row.loinc}: comparator {row.comparator!r}")
        if row.condition not in conditions():
            raise KnowledgeError(f"lab_conditions.csv {row.loinc}: unknown {row.condition}")
        target = row.when_on.lstrip("!")
        if row.when_on and not (
            target.startswith("class:") and canonical_class(target[6:]) is not None
        ):
            raise KnowledgeError(f"lab_conditions.csv {row.loinc}: when_on {row.when_on!r}")
        out.append(row)
    return tuple(out)


NO_UNIT = "(none)"  # a dimensionless result sent without a unit (INR)
_COMPARE: dict[str, Callable[[float, float], bool]] = {
    "<": lambda v, t: v < t,
    "<=": lambda v, t: v <= t,
    ">": lambda v, t: v > t,
    ">=": lambda v, t: v >= t,
}


def _fold(text: str) -> str:
    return fold(text)  # the drug vocabulary's name fold (traditional, full-width, spaces)


def keys_for_code(system: str, code: str) -> set[str]:
    """Condition keys of one coding (SNOMED CT exact, ICD-10 by prefix, dots ignored: E11.2,
    E112). The one code matcher of every consumer."""
    code = (code or "").strip()
    if not code:
        return set()
    flat = code.replace(".", "").upper()
    out = set()
    for c in conditions().values():
        if system == SNOMED and code in c.snomed:
            out.add(c.key)
        elif (system in ICD10_SYSTEMS or system == "icd10") and any(
            flat.startswith(p.replace(".", "").upper()) for p in c.icd10
        ):
            out.add(c.key)
    return out


@dataclass(frozen=True)
class ConditionMention:
    """A condition named in text, with how it stands (the shared cues of
    ``symptom_negation.csv``, read by ``symptoms.statement_context``)."""

    key: str
    term: str  # the term as matched (matching form)
    span: tuple[int, int]  # in the original text
    negated: bool  # 无高血压, 否认糖尿病、高血压 (a denial carries over an enumeration)
    past: bool  # 以前得过脑梗, 高血压病史: history (still the patient's)
    family: bool  # 高血压家族史, 父亲有高血压: a relative's


@lru_cache(maxsize=1)
def _term_forms() -> tuple[tuple[str, str], ...]:
    from clinical.knowledge.symptoms import matching_form

    forms = {
        (matching_form(t)[0], c.key) for c in conditions().values() for t in c.terms if t.strip()
    }
    return tuple(sorted(f for f in forms if f[0]))


# Between two denied conditions of one enumeration (否认糖尿病、高血压, 无糖尿病及高血压).
_ENUMERATION = frozenset({"", "、", "和", "及", "或", "与", "/", "病、", "病及", "病和"})


@lru_cache(maxsize=4096)
def read_conditions(text: str) -> tuple[ConditionMention, ...]:
    """Every condition term in ``text`` (the shared matching form: width, traditional, spaces,
    case), each read for negation, history and a relative's (ConText: Harkema et al. 2009)."""
    from clinical.knowledge.symptoms import matching_form, statement_context

    form, index = matching_form(text or "")
    if not form:
        return ()
    found = []
    for term, key in _term_forms():
        pos = form.find(term)
        while pos != -1:
            found.append((pos, pos + len(term), key, term))
            pos = form.find(term, pos + 1)
    found.sort()
    out: list[ConditionMention] = []
    denied_until: int | None = None
    for start, end, key, term in found:
        ctx = statement_context(form, start, end)
        negated = ctx.negated
        if not negated and denied_until is not None:
            gap = form[denied_until:start] if start >= denied_until else ""
            negated = start < denied_until or gap in _ENUMERATION
        if negated:
            denied_until = max(end, denied_until or 0)
        span = (index[start], index[end - 1] + 1)
        out.append(ConditionMention(key, term, span, negated, ctx.past, ctx.family))
    return tuple(out)


def keys_for_text(text: str) -> set[str]:
    """Condition keys the patient has by ``text`` (消化性溃疡, 胃溃疡 → peptic_ulcer): a term
    denied (无高血压) or a relative's (高血压家族史) is not; a past one (以前得过胃出血) is."""
    return {m.key for m in read_conditions(text) if not m.negated and not m.family}


def condition_keys(codings: Iterable[tuple[str, str]] = (), texts: Iterable[str] = ()) -> set[str]:
    """Condition keys of a Condition: its (system, code) codings and its texts."""
    out: set[str] = set()
    for system, code in codings:
        out |= keys_for_code(system, code)
    for t in texts:
        out |= keys_for_text(t)
    return out


def lab_condition_rows(
    loinc: str, value: float, unit: str, on: Callable[[str], bool] | None = None
) -> tuple[LabCondition, ...]:
    """Every ``lab_conditions.csv`` row a lab result meets, in file order (eGFR 25
    mL/min/1.73m2 → ckd and ckd_severe). ``on(cls)`` says whether the patient takes a drug
    class (``class:x``); a row that names one holds only when it is (``class:x``) or is not
    (``!class:x``) taken. Without ``on`` nothing is taken."""
    out = []
    for lc in lab_conditions():
        if lc.loinc != loinc or unit not in lc.units:
            continue
        if not _COMPARE[lc.comparator](value, lc.threshold):
            continue
        if lc.when_on:
            taking = bool(on and on(lc.when_on.lstrip("!")))
            if taking == lc.when_on.startswith("!"):
                continue
        out.append(lc)
    return tuple(out)


def lab_condition_row(
    loinc: str, value: float, unit: str, on: Callable[[str], bool] | None = None
) -> LabCondition | None:
    """The first ``lab_conditions.csv`` row a lab result meets (eGFR 45 mL/min/1.73m2 →
    ckd), or None (``lab_condition_rows`` gives all of them)."""
    rows = lab_condition_rows(loinc, value, unit, on)
    return rows[0] if rows else None


def lab_condition(
    loinc: str, value: float, unit: str, on: Callable[[str], bool] | None = None
) -> str | None:
    """The condition key a lab result implies (``lab_condition_row``), or None."""
    row = lab_condition_row(loinc, value, unit, on)
    return row.condition if row else None
