"""The patient context a diet answer is judged against: medicines, conditions, food allergies.

Diet's view of the one shared ``clinical.knowledge.patient.PatientContext``, built from the
stored FHIR record (``patient_id``) or the inline ``patient`` object (the shared inline
schema), plus medicines/conditions/allergies named in a free-text question. Each item keeps the
patient's own wording (shown as ``because``) next to what it resolved to.

Clinical invariants (which facts count is decided by the shared builder): active and on-hold
orders count, and a stopped one within its washout window (``knowledge/data/washout.csv``:
a cephalosporin for 7 days, since the disulfiram-like reaction outlasts the last dose);
refuted/entered-in-error conditions and allergies count nowhere; the latest eGFR, potassium
and uric acid results add CKD / hyperkalaemia / hyperuricaemia (``lab_conditions.csv``, unit
must match); an item that does not resolve is kept as *unresolved* so the engine can refuse
``ok``; drug and environmental allergies never block a food.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from clinical.diet.knowledge import Allergen, Food, KnowledgeBase, normalise
from clinical.diet.medicines import ResolvedMedicine, resolve_medicine
from clinical.knowledge import conditions as kc
from clinical.knowledge import patient as kp

POST_OP_DAYS = kp.SURGERY_WINDOW_DAYS
_NON_FOOD_ALLERGY_CATEGORIES = {"medication", "environment", "biologic"}


@dataclass(frozen=True)
class MedicineItem:
    text: str
    resolved: ResolvedMedicine | None
    note: str = ""  # e.g. "近14天内停用"

    @property
    def because(self) -> str:
        return f"{self.text}（{self.note}）" if self.note else self.text


@dataclass(frozen=True)
class ConditionItem:
    text: str
    entry: kc.Condition | None


@dataclass(frozen=True)
class AllergyItem:
    text: str
    allergen: Allergen | None = None
    food: Food | None = None
    non_food: bool = False

    @property
    def resolved(self) -> bool:
        return self.non_food or self.allergen is not None or self.food is not None


@dataclass
class PatientContext:
    medicines: list[MedicineItem] = field(default_factory=list)
    conditions: list[ConditionItem] = field(default_factory=list)
    allergies: list[AllergyItem] = field(default_factory=list)
    # the shared context it was built from (age, weight, pregnancy, labs …); None when the
    # question alone is the context
    patient: kp.PatientContext | None = None

    def condition_keys(self) -> set[str]:
        return {c.entry.key for c in self.conditions if c.entry is not None}

    def unresolved(self) -> dict[str, list[str]]:
        return {
            "medicines": [m.text for m in self.medicines if m.resolved is None],
            "conditions": [c.text for c in self.conditions if c.entry is None],
            "allergies": [a.text for a in self.allergies if not a.resolved],
        }


# --- resolution of single items -------------------------------------------------------------


def _longest_in(norm: str, index: dict[str, Any], max_len: int) -> Any | None:
    best = None
    best_len = 0
    for i in range(len(norm)):
        for length in range(min(max_len, len(norm) - i), best_len, -1):
            hit = index.get(norm[i : i + length])
            if hit is not None:
                best, best_len = hit, length
                break
    return best


def resolve_condition(
    text: str, codings: list[tuple[str, str]] | None, kb: KnowledgeBase
) -> kc.Condition | None:
    """A coding the shared code matcher knows (``conditions.keys_for_code``: SNOMED CT exact,
    ICD-10 by prefix; the first such condition of the table), else the Chinese/English text."""
    for system, code in codings or []:
        keys = kc.keys_for_code(system, code)
        entry = next((c for k, c in kb.conditions.items() if k in keys), None)
        if entry is not None:
            return entry
    norm = normalise(text or "")
    if not norm:
        return None
    return kb.condition_index.get(norm) or _longest_in(
        norm, kb.condition_index, kb.max_condition_len
    )


def resolve_allergy(text: str, categories: list[str] | None, kb: KnowledgeBase) -> AllergyItem:
    """A food allergen, a specific food, or a non-food allergy (drug, pollen); else unresolved."""
    raw = (text or "").strip()
    norm = normalise(raw).removesuffix("过敏")
    if categories and set(categories) <= _NON_FOOD_ALLERGY_CATEGORIES:
        return AllergyItem(raw, non_food=True)
    allergen = kb.allergen_index.get(norm)
    if allergen is not None:
        return AllergyItem(raw, allergen=allergen)
    food = kb.food_index.get(norm)
    if food is not None:
        return AllergyItem(raw, food=food)
    if any(t in raw for t in kb.non_food_allergens) or resolve_medicine(raw) is not None:
        return AllergyItem(raw, non_food=True)
    allergen = _longest_in(norm, kb.allergen_index, 8)
    if allergen is not None:
        return AllergyItem(raw, allergen=allergen)
    return AllergyItem(raw)


# --- from the shared patient context ---------------------------------------------------------


def from_knowledge(shared: kp.PatientContext, kb: KnowledgeBase) -> PatientContext:
    """Diet's view of the shared context: its orders, conditions (lab-derived ones by key),
    allergies and recent surgeries resolved against the diet knowledge base."""
    ctx = PatientContext(patient=shared)
    for order in shared.orders:
        ctx.medicines.append(
            MedicineItem(order.text, resolve_medicine(order.text, list(order.atc)), order.note_zh)
        )
    for cond in shared.conditions:
        entry = None
        if cond.source == "lab":
            entry = next((kb.conditions[k] for k in sorted(cond.keys) if k in kb.conditions), None)
        if entry is None:
            entry = resolve_condition(cond.text, list(cond.codings), kb)
        ctx.conditions.append(ConditionItem(cond.text, entry))
    for allergy in shared.allergies:
        ctx.allergies.append(resolve_allergy(allergy.text, list(allergy.categories) or None, kb))
    for surgery in shared.surgeries:  # within the last 90 days (the shared builder)
        text = surgery.text
        label = f"{text or '手术'}（{surgery.day.isoformat()}）"
        key = "cholecystectomy" if "胆囊切除" in text else "post_operative"
        ctx.conditions.append(ConditionItem(label, kb.conditions[key]))
    return ctx


def from_payload(data: dict[str, Any] | kp.PatientContext, kb: KnowledgeBase) -> PatientContext:
    """From the inline ``patient`` object (raw JSON, validated by the shared inline schema:
    ``InlinePatientError`` when malformed) or an already built shared context."""
    shared = data if isinstance(data, kp.PatientContext) else kp.PatientContext.from_inline(data)
    return from_knowledge(shared, kb)


def from_record(record: Any, kb: KnowledgeBase, today: date) -> PatientContext:
    """Build the context from ``ammed_fhir.store.PatientRecord`` through the shared builder."""
    from django.utils import timezone

    now = timezone.make_aware(datetime.combine(today, time(12)))
    return from_knowledge(kp.build(record, now=now), kb)


def with_names(
    ctx: PatientContext,
    *,
    medicines: list[str],
    conditions: list[str],
    allergies: list[str],
    kb: KnowledgeBase,
) -> PatientContext:
    """Add what a free-text question named (deduplicated against what is already there)."""
    have_meds = {normalise(m.text) for m in ctx.medicines}
    for name in medicines:
        if normalise(name) not in have_meds:
            ctx.medicines.append(MedicineItem(name, resolve_medicine(name)))
    have_conds = {c.entry.key for c in ctx.conditions if c.entry}
    for name in conditions:
        entry = resolve_condition(name, None, kb)
        if entry is None or entry.key not in have_conds:
            ctx.conditions.append(ConditionItem(name, entry))
    for name in allergies:
        ctx.allergies.append(resolve_allergy(name, None, kb))
    return ctx
