"""Value types of the medication knowledge base (re-exported by ``clinical.medkb.api``).

All are immutable: the KB is built once per process and shared between requests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["avoid", "caution"]
ReasonCode = Literal[
    "duplicate_ingredient",
    "interaction",
    "contraindication",
    "allergy",
    "age",
    "pregnancy",
    "breastfeeding",
    "prescription_only",
    "not_indicated",
    "max_dose",
    "masking",
    "needs_clinician",  # a caution without a quantitative limit: a clinician decides
    "unknown_composition",  # no curated ingredients: nothing to check, a pharmacist decides
    "emergency_first",  # an emergency red flag stands: no self-medication before a doctor
]


@dataclass(frozen=True)
class IngredientAmount:
    """One active ingredient of a product; ``strength_mg`` per unit (tablet, capsule, sachet,
    or per ml for liquids) when the label states it, else None (never guessed)."""

    key: str
    name_zh: str
    strength_mg: float | None = None


@dataclass(frozen=True)
class Ingredient:
    """A curated active ingredient (row of ``data/ingredients.csv``).

    Dose fields are the adult OTC self-medication limits from the cited label/formulary;
    None means "no self-medication dose" (prescription-only, or not curated) and the
    guidance engine then gives no dose. ``paediatric_mg_per_kg`` is a single dose;
    children get a dose only when their weight is known.
    """

    key: str
    name_zh: str
    name_en: str
    aliases: tuple[str, ...]
    classes: frozenset[str]
    allergy_classes: frozenset[str]
    rx_only: bool
    adult_dose_mg: float | None
    adult_max_single_mg: float | None
    adult_max_daily_mg: float | None
    interval_hours: float | None
    max_times_per_day: int | None
    paediatric_mg_per_kg: float | None
    paediatric_max_daily_mg_per_kg: float | None
    min_age_years: float | None
    pregnancy: tuple[str, str, str]  # trimester 1..3: "ok" | "caution" | "avoid"
    breastfeeding: str  # "ok" | "caution" | "avoid"
    source: str


@dataclass(frozen=True)
class Product:
    """A medicine product as a patient names it (brand, generic product, or a bare ingredient).

    ``rx_only`` is True when the product is not marked OTC or any ingredient is
    prescription-only (prescription wins over a noisy OTC tag). ``otc`` is "甲类"/"乙类"
    for OTC products, else None. ``indications`` are symptom keys (``data/symptoms.csv``).
    Label dosing (``units_per_dose``, ``max_units_per_day``) comes only from the curated
    override file; ``unit`` is what one ``strength_mg`` refers to ("片", "粒", "袋", "ml").
    """

    name: str
    ingredients: list[IngredientAmount]
    otc: str | None
    rx_only: bool
    aliases: tuple[str, ...] = ()
    indications: frozenset[str] = frozenset()
    other_components: tuple[str, ...] = ()
    unit: str | None = None
    units_per_dose: float | None = None
    max_units_per_day: float | None = None
    interval_hours: float | None = None
    dose_note: str = ""
    min_age_years: float | None = None
    source: str = ""
    curated: bool = False  # True when the row comes from data/products.csv

    @property
    def ingredient_keys(self) -> list[str]:
        return [i.key for i in self.ingredients]


@dataclass(frozen=True)
class Mention:
    """A drug name found in free text; ``start``/``end`` index the original string."""

    start: int
    end: int
    surface: str
    kind: Literal["product", "ingredient"]
    key: str  # product name or ingredient key


@dataclass(frozen=True)
class Reason:
    """Why an ingredient is unsuitable (``avoid``) or needs care (``caution``) for a patient.

    ``text`` is patient-facing simplified Chinese; ``source`` cites the data row's source.
    """

    code: ReasonCode
    severity: Severity
    text: str
    source: str
    ingredient: str | None = None  # ingredient key the reason is about
    max_daily_mg: float | None = None  # a lower daily cap this reason imposes, if any
    detail: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
