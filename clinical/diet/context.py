"""The patient context a diet answer is judged against: medicines, conditions, food allergies.

It comes from the request (``patient`` object), from the stored FHIR record (``patient_id``),
and from medicines/conditions/allergies named in a free-text question. Each item keeps the
patient's own wording (shown as ``because``) next to what it resolved to.

Clinical invariants: every active MedicationRequest counts; the latest eGFR, potassium and
uric acid results add CKD / hyperkalaemia / hyperuricaemia when they cross the thresholds in
``data/lab_conditions.csv`` (only when the unit matches: no guessed conversions) (and one stopped within the last
14 days, since several interactions outlast the last dose); an item that does not resolve is
kept as *unresolved* so the engine can refuse ``ok``; drug and environmental allergies never
block a food.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from clinical.diet.knowledge import Allergen, ConditionEntry, Food, KnowledgeBase, normalise
from clinical.diet.medicines import ResolvedMedicine, resolve_medicine

RECENT_STOP_DAYS = 14
POST_OP_DAYS = 90
_ACTIVE_MED = {"active", "on-hold"}
_ENDED_MED = {"completed", "stopped"}
_INACTIVE_CLINICAL = {"inactive", "resolved", "remission"}
_BAD_VERIFICATION = {"refuted", "entered-in-error"}
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
    entry: ConditionEntry | None


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
) -> ConditionEntry | None:
    """SNOMED CT code, then ICD-10 code (prefix), then Chinese/English text."""
    for system, code in codings or []:
        system = (system or "").lower()
        code = (code or "").strip()
        if not code:
            continue
        if "snomed" in system or not system:
            for entry in kb.conditions.values():
                if code in entry.snomed:
                    return entry
        if "icd" in system or not system:
            flat = code.replace(".", "").upper()
            for entry in kb.conditions.values():
                if any(flat.startswith(p.replace(".", "")) for p in entry.icd10):
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
    if any(t in raw for t in kb.non_food_allergens) or resolve_medicine(raw, kb=kb) is not None:
        return AllergyItem(raw, non_food=True)
    allergen = _longest_in(norm, kb.allergen_index, 8)
    if allergen is not None:
        return AllergyItem(raw, allergen=allergen)
    return AllergyItem(raw)


# --- from the request's ``patient`` object --------------------------------------------------


def _text_and_codes(item: Any) -> tuple[str, list[tuple[str, str]]]:
    """Accept "高血压", {"text", "code", "system"} or a FHIR CodeableConcept."""
    if isinstance(item, str):
        return item, []
    if not isinstance(item, dict):
        return "", []
    codings: list[tuple[str, str]] = []
    if item.get("code") and isinstance(item.get("code"), str):
        codings.append((str(item.get("system") or ""), item["code"]))
    concept = item.get("code") if isinstance(item.get("code"), dict) else item
    for c in concept.get("coding") or []:
        if isinstance(c, dict) and c.get("code"):
            codings.append((str(c.get("system") or ""), str(c["code"])))
    text = item.get("text") or item.get("name") or concept.get("text") or ""
    if not text:
        for c in concept.get("coding") or []:
            if isinstance(c, dict) and c.get("display"):
                text = c["display"]
                break
    return str(text), codings


def _atc(codings: list[tuple[str, str]]) -> list[str]:
    return [code for system, code in codings if "atc" in system.lower() or not system]


def from_payload(patient: dict[str, Any], kb: KnowledgeBase) -> PatientContext:
    ctx = PatientContext()
    for item in patient.get("current_medications") or []:
        text, codings = _text_and_codes(item)
        if text or codings:
            ctx.medicines.append(
                MedicineItem(text or codings[0][1], resolve_medicine(text, _atc(codings), kb))
            )
    for item in patient.get("conditions") or []:
        text, codings = _text_and_codes(item)
        if text or codings:
            ctx.conditions.append(
                ConditionItem(text or codings[0][1], resolve_condition(text, codings, kb))
            )
    for item in patient.get("allergies") or []:
        text, _ = _text_and_codes(item)
        categories = item.get("category") if isinstance(item, dict) else None
        if text:
            ctx.allergies.append(
                resolve_allergy(text, categories if isinstance(categories, list) else None, kb)
            )
    return ctx


# --- from the stored FHIR record ------------------------------------------------------------


def _status(resource: dict[str, Any], key: str) -> str:
    concept = resource.get(key) or {}
    for c in concept.get("coding") or []:
        if c.get("code"):
            return str(c["code"])
    return ""


def _concept(resource: dict[str, Any], key: str) -> tuple[str, list[tuple[str, str]]]:
    concept = resource.get(key) or {}
    codings = [
        (str(c.get("system") or ""), str(c["code"]))
        for c in concept.get("coding") or []
        if c.get("code")
    ]
    text = concept.get("text") or next(
        (c.get("display") for c in concept.get("coding") or [] if c.get("display")), ""
    )
    return str(text), codings


def _date(value: Any) -> date | None:
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _medication_end(mr: dict[str, Any]) -> date | None:
    ends = [_date(((mr.get("dispenseRequest") or {}).get("validityPeriod") or {}).get("end"))]
    for d in mr.get("dosageInstruction") or []:
        bounds = ((d.get("timing") or {}).get("repeat") or {}).get("boundsPeriod") or {}
        ends.append(_date(bounds.get("end")))
    known = [e for e in ends if e is not None]
    return max(known) if known else None


def from_record(record: Any, kb: KnowledgeBase, today: date) -> PatientContext:
    """Build the context from ``ammed_fhir.store.PatientRecord``."""
    ctx = PatientContext()
    for mr in record.medication_requests:
        status = mr.get("status", "")
        note = ""
        if status in _ENDED_MED:
            end = _medication_end(mr)
            if end is None or end < today - timedelta(days=RECENT_STOP_DAYS):
                continue
            note = f"近{RECENT_STOP_DAYS}天内停用"
        elif status not in _ACTIVE_MED:
            continue
        text, codings = _concept(mr, "medicationCodeableConcept")
        if not text:
            text = str((mr.get("medicationReference") or {}).get("display") or "")
        if not (text or codings):
            continue
        ctx.medicines.append(
            MedicineItem(text or codings[0][1], resolve_medicine(text, _atc(codings), kb), note)
        )
    for cond in record.conditions:
        if _status(cond, "clinicalStatus") in _INACTIVE_CLINICAL:
            continue
        if _status(cond, "verificationStatus") in _BAD_VERIFICATION:
            continue
        text, codings = _concept(cond, "code")
        if text or codings:
            ctx.conditions.append(
                ConditionItem(text or codings[0][1], resolve_condition(text, codings, kb))
            )
    for allergy in record.allergies:
        if _status(allergy, "clinicalStatus") in _INACTIVE_CLINICAL:
            continue
        if _status(allergy, "verificationStatus") in _BAD_VERIFICATION:
            continue
        text, _ = _concept(allergy, "code")
        if text:
            ctx.allergies.append(resolve_allergy(text, allergy.get("category"), kb))
    _lab_conditions(ctx, record, kb)
    for proc in record.procedures:
        if proc.get("status") not in (None, "completed", "in-progress"):
            continue
        when = _date(proc.get("performedDateTime")) or _date(
            (proc.get("performedPeriod") or {}).get("start")
        )
        if when is None or not (today - timedelta(days=POST_OP_DAYS) <= when <= today):
            continue
        text, _ = _concept(proc, "code")
        label = f"{text or '手术'}（{when.isoformat()}）"
        key = "cholecystectomy" if "胆囊切除" in text else "post_operative"
        ctx.conditions.append(ConditionItem(label, kb.conditions[key]))
    return ctx


_BAD_OBSERVATION = {"entered-in-error", "cancelled", "registered"}


def _lab_conditions(ctx: PatientContext, record: Any, kb: KnowledgeBase) -> None:
    """The latest result of each lab in ``lab_conditions.csv`` that crosses its threshold."""
    latest: dict[str, dict[str, Any]] = {}
    wanted = {lab.loinc for lab in kb.lab_conditions}
    for obs in record.observations:  # ordered by effective time: later ones win
        if obs.get("status") in _BAD_OBSERVATION:
            continue
        for c in (obs.get("code") or {}).get("coding") or []:
            if "loinc" in str(c.get("system", "")) and c.get("code") in wanted:
                latest[c["code"]] = obs
    have = ctx.condition_keys()
    for loinc, obs in latest.items():
        qty = obs.get("valueQuantity") or {}
        value = qty.get("value")
        if not isinstance(value, int | float):
            continue
        units = {str(qty.get("code") or ""), str(qty.get("unit") or "")}
        for lab in kb.lab_conditions:
            if lab.loinc != loinc or not units & set(lab.units) or not lab.matches(value):
                continue
            if lab.condition in have:
                break
            when = _date(obs.get("effectiveDateTime")) or _date(obs.get("issued"))
            label = f"{lab.label_zh} {value:g} {qty.get('unit') or qty.get('code')}"
            label += f"（{when.isoformat()}）" if when else ""
            ctx.conditions.append(ConditionItem(label, kb.conditions[lab.condition]))
            have.add(lab.condition)
            break


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
            ctx.medicines.append(MedicineItem(name, resolve_medicine(name, kb=kb)))
    have_conds = {c.entry.key for c in ctx.conditions if c.entry}
    for name in conditions:
        entry = resolve_condition(name, None, kb)
        if entry is None or entry.key not in have_conds:
            ctx.conditions.append(ConditionItem(name, entry))
    for name in allergies:
        ctx.allergies.append(resolve_allergy(name, None, kb))
    return ctx
