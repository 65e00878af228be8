"""Medicine → (ingredients, classes): the ONE place the diet engine resolves a medicine.

Names resolve through the drug knowledge base first (``clinical.medkb.api.ingredients_of``,
issue 3). The classes come from our ``data/medicines.csv`` when it curates that ingredient
(diet-specific classes such as ``maoi_like`` for linezolid, ``dihydropyridine_ccb``), else
from medkb's classes mapped through ``data/medkb_classes.csv``. Medicines medkb does not know
(e.g. phenelzine, tacrolimus, the colloquial class word 头孢) and ATC codes resolve through
``data/medicines.csv``.

Clinical invariant: an unresolvable medicine returns None, and the engine then refuses to
answer ``ok`` (it cannot rule out an interaction it knows nothing about).
"""

from __future__ import annotations

import csv
import logging
from dataclasses import dataclass
from typing import Any

from clinical.diet.knowledge import DATA_DIR, KnowledgeBase, MedicineEntry, get_kb, normalise

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ResolvedMedicine:
    text: str
    ingredients: tuple[str, ...]
    classes: frozenset[str]
    via: str  # "diet-table" or "medkb"


def _medkb() -> Any | None:
    try:
        from clinical.medkb import api
    except ImportError:
        return None
    return api


def _by_ingredient(kb: KnowledgeBase) -> dict[str, MedicineEntry]:
    cache = getattr(kb, "_by_ingredient", None)
    if cache is None:
        cache = {m.ingredient: m for m in kb.medicines if m.ingredient}
        kb._by_ingredient = cache  # type: ignore[attr-defined]
    return cache


def _from_entries(text: str, entries: list[MedicineEntry], via: str) -> ResolvedMedicine:
    ingredients = tuple(dict.fromkeys(e.ingredient for e in entries if e.ingredient))
    classes = frozenset(c for e in entries for c in e.classes)
    return ResolvedMedicine(text, ingredients, classes, via)


def _table_lookup(text: str, kb: KnowledgeBase) -> list[MedicineEntry]:
    norm = normalise(text)
    if not norm:
        return []
    exact = kb.medicine_index.get(norm)
    if exact is not None:
        return [exact]
    found = [entry for _, _, entry in find_in_text(norm, kb)]
    return list(dict.fromkeys(found))


def _atc_lookup(codes: list[str], kb: KnowledgeBase) -> list[MedicineEntry]:
    out: list[MedicineEntry] = []
    for code in codes:
        code = code.strip().upper()
        if not code:
            continue
        for entry in kb.medicines:
            if entry.ingredient and code in entry.atc:
                out.append(entry)
        if not out:  # class-level rows: ATC prefixes such as J01DC
            out.extend(
                e
                for e in kb.medicines
                if not e.ingredient and any(code.startswith(a) for a in e.atc)
            )
    return out


def _class_map(kb: KnowledgeBase) -> dict[str, tuple[str, ...]]:
    cache = getattr(kb, "_medkb_class_map", None)
    if cache is None:
        with (DATA_DIR / "medkb_classes.csv").open(encoding="utf-8", newline="") as fh:
            cache = {
                r["medkb_class"].strip(): tuple(c for c in r["diet_classes"].split("|") if c)
                for r in csv.DictReader(fh)
            }
        kb._medkb_class_map = cache  # type: ignore[attr-defined]
    return cache


def _medkb_lookup(text: str, kb: KnowledgeBase) -> ResolvedMedicine | None:
    api = _medkb()
    if api is None:
        return None
    try:
        keys = [str(k) for k in (api.ingredients_of(text) or [])]
        if not keys:
            return None
        classes: set[str] = set()
        table = _by_ingredient(kb)
        mapping = _class_map(kb)
        for key in keys:
            if key in table:  # we curate this ingredient's diet classes
                classes |= set(table[key].classes)
                continue
            ingredient = api.ingredient(key)
            for c in getattr(ingredient, "classes", None) or ():
                classes |= set(mapping.get(str(c), (str(c),)))
        return ResolvedMedicine(text, tuple(keys), frozenset(classes), "medkb")
    except Exception:  # medkb trouble must never break a diet answer: fall back to our table
        log.warning("medkb lookup failed; using the diet medicine table", exc_info=True)
        return None


def medkb_mentions(text: str) -> list[str]:
    """Medicine names medkb finds in free text (our table's names are found by the caller)."""
    api = _medkb()
    if api is None or not text:
        return []
    try:
        return [m.surface for m in api.find_mentions(text)]
    except Exception:
        log.warning("medkb find_mentions failed", exc_info=True)
        return []


def resolve_medicine(
    text: str, codes: list[str] | None = None, kb: KnowledgeBase | None = None
) -> ResolvedMedicine | None:
    """Resolve a medicine name (and optional ATC codes) to ingredients and classes, or None."""
    kb = kb or get_kb()
    text = (text or "").strip()
    entries = _atc_lookup(codes or [], kb)
    if entries:
        return _from_entries(text, entries, "diet-table")
    via_medkb = _medkb_lookup(text, kb) if text else None
    if via_medkb is not None:
        return via_medkb
    entries = _table_lookup(text, kb)
    if entries:
        return _from_entries(text, entries, "diet-table")
    return None


def find_in_text(norm: str, kb: KnowledgeBase) -> list[tuple[int, int, MedicineEntry]]:
    """Longest-match medicine names inside normalised text: (start, end, entry) spans."""
    spans: list[tuple[int, int, MedicineEntry]] = []
    i = 0
    while i < len(norm):
        for length in range(min(kb.max_medicine_len, len(norm) - i), 0, -1):
            entry = kb.medicine_index.get(norm[i : i + length])
            if entry is not None:
                spans.append((i, i + length, entry))
                i += length
                break
        else:
            i += 1
    return spans
