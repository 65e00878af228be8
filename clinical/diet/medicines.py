"""Medicine → (ingredients, classes): the ONE place the diet engine resolves a medicine.

Everything comes from the shared drug knowledge (``clinical.knowledge.drugs``, issue #23):
ingredient and product names, brands and aliases (``resolve``: exact, else the longest known
name inside the text), WHO ATC codes (an ingredient's own code, else a class's ATC prefix), and
class words (头孢, 沙星, 普利, 安眠药: a class's Chinese terms; ACEI, ARB: its other spellings).
Names in a question are found by the vocabulary's own finder (``drugs.find_names``); diet keeps
no name list of its own, only its food–drug rules (``data/drug_food.csv``).
Classes are the shared vocabulary closed upwards (amlodipine → dihydropyridine_ccb, ccb,
antihypertensive); diet's rules are read in that vocabulary (``knowledge.canonical``).

Clinical invariants: an unresolvable medicine returns None, and the engine then refuses to
answer ``ok`` (it cannot rule out an interaction it knows nothing about). A class word names no
particular member, so it also carries the classes below it (喹诺酮 → quinolone and
fluoroquinolone): a rule on any member's class may apply.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from clinical.knowledge import drugs as kd


@dataclass(frozen=True)
class ResolvedMedicine:
    text: str
    ingredients: tuple[str, ...]
    classes: frozenset[str]
    via: str  # "knowledge" (ingredient/product name), "atc" or "class-word"


@lru_cache(maxsize=1)
def _descendants() -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {c: {c} for c in kd.classes()}
    for c in kd.classes():
        for parent in kd.ancestors(c):
            out.setdefault(parent, {parent}).add(c)
    return {k: frozenset(v) for k, v in out.items()}


def _class_closure(class_keys: set[str]) -> frozenset[str]:
    out: set[str] = set()
    for c in class_keys:
        out |= kd.ancestors(c) | _descendants().get(c, frozenset({c}))
    return frozenset(out)


def class_words(text: str) -> set[str]:
    """Classes a class word in ``text`` names (头孢类 → cephalosporin; ACEI → acei)."""
    canon = kd.canonical_class(text.strip())
    if canon:
        return {canon}
    return {c for m in kd.name_mentions(text, class_words=True) for c in m.classes}


def _by_atc(codes: list[str]) -> tuple[list[str], set[str]]:
    keys: list[str] = []
    classes: set[str] = set()
    for code in codes:
        code = code.strip().upper()
        if not code:
            continue
        found = [k for k, ing in kd.ingredients().items() if code in ing.atc]
        keys += [k for k in found if k not in keys]
        if not found:  # class-level codes: J01DC (second-generation cephalosporins)
            classes |= {
                c.key for c in kd.classes().values() if any(code.startswith(p) for p in c.atc)
            }
    return keys, classes


def resolve_medicine(text: str, codes: list[str] | None = None) -> ResolvedMedicine | None:
    """Resolve a medicine name (and optional ATC codes) to ingredients and classes, or None."""
    text = (text or "").strip()
    keys, atc_classes = _by_atc(codes or [])
    via = "atc"
    if not keys and not atc_classes and text:
        keys = list(kd.resolve(text)) or list(kd.ingredient_mentions(text))
        via = "knowledge"
    words: set[str] = set()
    if not keys and not atc_classes and text:
        words = class_words(text)
        via = "class-word"
    if not keys and not atc_classes and not words:
        return None
    classes: set[str] = set()
    for k in keys:
        classes |= kd.classes_of(k)
    classes |= _class_closure(atc_classes | words)
    return ResolvedMedicine(text, tuple(dict.fromkeys(keys)), frozenset(classes), via)


def name_spans(norm: str) -> list[tuple[int, int]]:
    """Spans of every medicine name in diet's normalised text, overlapping ones included."""
    return [(m.start, m.end) for m in kd.name_mentions(norm, class_words=True)]


def names_in(norm: str) -> list[tuple[int, int]]:
    """Spans of the medicine names (drug names and class words of the shared vocabulary; not
    drinks) in diet's normalised text, longest first, none overlapping."""
    return [(m.start, m.end) for m in kd.find_names(norm, class_words=True)]
