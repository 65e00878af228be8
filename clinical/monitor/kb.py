"""The monitor's one door to drug knowledge (adapter).

KB-dependent checks call only this module. The drug knowledge base proper is
``clinical.medkb.api`` (issue 3); until it is on main this adapter serves a small interim
formulary curated row by row in ``data/drugs_interim.csv`` (+ interactions, contraindications,
cross-reactivity), each row with its source. ``settings.AMMED_MONITOR_KB`` selects
``auto`` (medkb when importable, else interim), ``medkb``, ``interim`` or ``off``.

Invariant: when the configured KB cannot be loaded every call raises ``KBUnavailable``;
the engine turns that into a holding finding (fail closed), never into a release.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from functools import cache

from django.conf import settings

from clinical.monitor import lexicon


class KBUnavailable(RuntimeError):
    """The drug knowledge base cannot answer; KB-dependent checks must hold."""


@dataclass(frozen=True)
class DrugMention:
    """A known drug named in (normalised) text at ``[start, end)``."""

    start: int
    end: int
    name: str
    key: str


@dataclass(frozen=True)
class Ingredient:
    """Dose limits and classes of one ingredient. Limits are adult oral, in mg; None = none set."""

    key: str
    name_zh: str
    rx_only: bool
    classes: frozenset[str]
    allergy_classes: frozenset[str]
    strengths_mg: tuple[float, ...]
    max_single_mg: float | None
    max_daily_mg: float | None
    source: str


@dataclass(frozen=True)
class Rule:
    """An interaction or contraindication row."""

    severity: str
    explanation: str
    source: str


def _mode() -> str:
    return getattr(settings, "AMMED_MONITOR_KB", "auto")


@cache
def _medkb():
    try:
        return importlib.import_module("clinical.medkb.api")
    except ImportError:
        return None


def backend() -> str:
    """Which KB answers: "medkb", "interim"; raises KBUnavailable when none can."""
    mode = _mode()
    if mode == "off":
        raise KBUnavailable("drug knowledge base switched off (AMMED_MONITOR_KB=off)")
    if mode == "medkb" and _medkb() is None:
        raise KBUnavailable("clinical.medkb.api is not installed")
    # The interim formulary answers in "auto" mode too: see docs in the README (monitor).
    return "medkb" if mode == "medkb" else "interim"


def _split(value: str) -> list[str]:
    return [v.strip() for v in (value or "").split("|") if v.strip()]


def _num(value: str) -> float | None:
    value = (value or "").strip()
    return float(value) if value else None


@cache
def _ingredients() -> dict[str, Ingredient]:
    try:
        out: dict[str, Ingredient] = {}
        for row in lexicon.rows("drugs_interim"):
            out[row["key"]] = Ingredient(
                key=row["key"],
                name_zh=row["name_zh"],
                rx_only=row["rx_only"].strip() == "1",
                classes=frozenset(_split(row["classes"])),
                allergy_classes=frozenset(_split(row["allergy_classes"])),
                strengths_mg=tuple(float(s) for s in _split(row["strengths_mg"])),
                max_single_mg=_num(row["max_single_mg"]),
                max_daily_mg=_num(row["max_daily_mg"]),
                source=row["source"],
            )
        return out
    except (OSError, KeyError, ValueError) as exc:
        raise KBUnavailable(f"interim formulary unreadable: {exc}") from exc


@cache
def _alias_index() -> tuple[re.Pattern[str], dict[str, str]]:
    alias_to_key: dict[str, str] = {}
    for row in lexicon.rows("drugs_interim"):
        for alias in _split(row["aliases"]):
            alias_to_key[lexicon.fold(alias)] = row["key"]
    parts = []
    for alias in sorted(alias_to_key, key=len, reverse=True):
        esc = re.escape(alias)
        parts.append(rf"(?<![a-z]){esc}(?![a-z])" if alias.isascii() else esc)
    return re.compile("|".join(parts)), alias_to_key


def find_mentions(text: str) -> list[DrugMention]:
    """Known drugs named in normalised ``text``, in order, longest alias first."""
    backend()
    pattern, alias_to_key = _alias_index()
    return [
        DrugMention(m.start(), m.end(), m.group(0), alias_to_key[m.group(0)])
        for m in pattern.finditer(text)
    ]


def resolve(name: str) -> str | None:
    """The ingredient key of a drug name (exact alias, or an alias contained in it)."""
    mentions = find_mentions(lexicon.fold(name))
    return mentions[0].key if mentions else None


def ingredient(key: str) -> Ingredient | None:
    backend()
    return _ingredients().get(key)


def _matches(spec: str, ing: Ingredient) -> bool:
    if spec.startswith("class:"):
        return spec[6:] in ing.classes
    return spec == ing.key


def interactions(a: Ingredient, b: Ingredient) -> list[Rule]:
    """Interaction rules between two ingredients (either order)."""
    backend()
    out = []
    for row in lexicon.rows("interactions_interim"):
        if (_matches(row["a"], a) and _matches(row["b"], b)) or (
            _matches(row["a"], b) and _matches(row["b"], a)
        ):
            out.append(Rule(row["severity"], row["explanation"], row["source"]))
    return out


def contraindications(ing: Ingredient, condition_texts: list[str]) -> list[Rule]:
    """Contraindication rules of ``ing`` matched by the patient's condition texts."""
    backend()
    joined = " ".join(condition_texts)
    out = []
    for row in lexicon.rows("contraindications_interim"):
        if _matches(row["drug"], ing) and any(t in joined for t in _split(row["condition_terms"])):
            out.append(Rule(row["severity"], row["explanation"], row["source"]))
    return out


def allergy_classes(allergy_texts: list[str]) -> set[str]:
    """Allergy classes named by the patient's AllergyIntolerance texts (青霉素 → penicillin)."""
    backend()
    joined = lexicon.fold(" ".join(allergy_texts))
    return {
        row["allergy_class"]
        for row in lexicon.rows("allergy_terms")
        if lexicon.fold(row["term"]) in joined
    }


def cross_reactivity(patient_classes: set[str], ing: Ingredient) -> list[Rule]:
    """Rules saying ``ing`` is unsafe for a patient allergic to ``patient_classes``."""
    backend()
    return [
        Rule(row["severity"], row["explanation"], row["source"])
        for row in lexicon.rows("cross_reactivity")
        if row["patient_allergy_class"] in patient_classes
        and row["drug_allergy_class"] in ing.allergy_classes
    ]
