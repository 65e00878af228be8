"""The one patient context (issue #23): what every engine and the monitor know about a patient.

Built ONCE per patient, from the stored FHIR record (``PatientContext.from_record``) or from
the inline ``patient`` object of an API request (``PatientContext.from_inline``, validated by
``clinical.knowledge.serializers.InlinePatientSerializer``). Medication guidance (medkb), the
output monitor, diet, follow-up and orders adapt it to their own view; none of them reads
statuses, dates or codes of a record on its own any more.

Clinical invariants:
- an order counts while it is ``active`` or ``on-hold`` (a held warfarin still anticoagulates)
  or has no status, and for its washout window after it was stopped or completed
  (``data/washout.csv``, per ingredient or class, with its source: a cephalosporin stopped 5
  days ago still reacts with alcohol). A stopped order without a washout row no longer counts;
- a Condition or AllergyIntolerance whose verification status is ``refuted`` or
  ``entered-in-error`` counts nowhere; ``unconfirmed``/``provisional``/``differential`` ones
  count and are flagged (``unconfirmed``); an inactive/resolved/remission one does not count;
  an unknown status counts (what we do not understand is never benign);
- the latest result of each lab in ``data/lab_conditions.csv`` adds every condition whose row
  it meets (eGFR 45 → ckd; eGFR 25 → ckd and ckd_severe), only when its unit is one the row
  names (no guessed conversion); a row may hold only on (or off) a drug class: INR > 3.0 on
  a vitamin-K antagonist is ``over_anticoagulation``, INR ≥ 1.5 without one is a
  coagulopathy (``bleeding_disorder``);
- the windows of the shared syndrome rules (#15 task E) open from Conditions and Encounters as
  well as Procedures (``episodes``): a delivery coded as a Condition (ICD-10 O80–O84, Z37, Z39…)
  or as an admission's reason, an inpatient stay (Encounter class IMP), post-operative
  hypoparathyroidism (E89.2). A refuted or entered-in-error Condition, or a planned, cancelled or
  entered-in-error Encounter, opens nothing; a resolved or inactive Condition still dates its
  event (a delivery is over when it is resolved: the window asks when it happened). The date is
  the Condition's onset, else its recorded date, else its abatement, else the date of the
  Encounter it belongs to; an Encounter's period end, else its start. Without one (or with a
  date in the future) the episode is kept undated: the engines say so, never assume it closed.
  A Procedure done without a usable performed date (none, or in the future) is kept the same
  way, as an undated episode of the windows its wording and codes open
  (``syndromes.procedure_windows``; not a chemotherapy course), never dropped (noticed bugs
  #15/#23 item 1); a dated one is a ``Surgery`` within ``SURGERY_WINDOW_DAYS``.
  A Condition that opens a window with ``not_current_conditions`` is not read by the syndrome
  rules as those keys (``syndrome_condition_keys``, ``syndrome_pregnant``: a delivery coded O82 is
  not a current pregnancy); every other reader keeps the keys;
- the weight is the latest body weight in kg (g converted; any other unit is left out);
- age is computed by ONE helper (``age_years``) on the patient's own calendar: the date in the
  patient's time zone (FHIR ``Patient.extension`` timezone, else the site's ``TIME_ZONE``), not
  the UTC date; completed years plus the fraction of the current year (a 6-month-old is 0.5;
  ``int(age)`` is the age in completed years);
- unknown is ``None``, never "no": ``pregnant``/``breastfeeding`` are ``None`` when nothing in
  the record says either way;
- a stored vital sign (temperature, BP, heart rate, respiratory rate, SpO2, glucose) describes
  the patient now when taken within its kind's ``current_hours`` (``data/observations.yaml``,
  the one currency window follow-up judges with: 72 h): the latest of each kind and any taken
  within an hour before it (``recorded_vitals``; a rule judges the group on its most concerning value),
  read with the one observations table (``data/observations.yaml``: LOINC codes, panels, exact
  unit conversions); an unknown unit or an implausible value is left out with a note.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from clinical.knowledge import conditions as kc
from clinical.knowledge import drugs as kd
from clinical.knowledge import observations as kobs
from clinical.knowledge import syndromes as ks

SNOMED = kc.SNOMED
LOINC = "http://loinc.org"
ATC = "http://www.whocc.no/atc"
TIMEZONE_EXTENSION = "http://hl7.org/fhir/StructureDefinition/timezone"

CURRENT_ORDER = frozenset({"active", "on-hold", ""})
ENDED_ORDER = frozenset({"stopped", "completed"})
INACTIVE_CLINICAL = frozenset({"inactive", "resolved", "remission"})
EXCLUDED_VERIFICATION = frozenset({"refuted", "entered-in-error"})
UNCONFIRMED_VERIFICATION = frozenset({"unconfirmed", "provisional", "differential"})
BAD_OBSERVATION = frozenset({"entered-in-error", "cancelled", "registered"})
DONE_PROCEDURE = frozenset({"completed", "in-progress", ""})
NOT_HAPPENED_ENCOUNTER = frozenset({"planned", "cancelled", "entered-in-error"})

WEIGHT_LOINC = ("29463-7", "3141-9")  # body weight; body weight measured
INR_LOINC = ("6301-6", "34714-6", "46418-0")
GESTATIONAL_AGE_LOINC = ("49051-6", "11884-4", "18185-9")  # gestational age in weeks
PREGNANCY_STATUS_LOINC = "82810-3"  # answers LA15173-0 pregnant, LA26683-5 not pregnant
PREGNANT_ANSWERS = {"LA15173-0": True, "LA26683-5": False}
SURGERY_WINDOW_DAYS = 90

# Current vital signs (inline ``patient.vitals``, or a stored record's): key → (the reading kind
# of ``data/observations.yaml``, which is also the shared syndrome table's vital kind; LOINC of
# the FHIR vital-signs profile). Unit and plausible range are the observations table's (outside
# the range a value is an entry error, answered 400 inline, never judged).
_VITAL_KINDS: dict[str, tuple[str, str]] = {
    "bp_systolic": ("sbp", "8480-6"),
    "bp_diastolic": ("dbp", "8462-4"),
    "heart_rate": ("hr", "8867-4"),
    "temperature_c": ("temp", "8310-5"),
    "spo2": ("spo2", "59408-5"),
    "resp_rate": ("rr", "9279-1"),
    "glucose_mmol_l": ("glucose", "15074-8"),
}
# key → (kind, LOINC, canonical unit, plausible low, plausible high)
VITALS: dict[str, tuple[str, str, str, float, float]] = {
    key: (kind, loinc, kobs.spec(kind)["unit"], *kobs.spec(kind)["plausible"])
    for key, (kind, loinc) in _VITAL_KINDS.items()
}
# observations.yaml kind → VITALS key (a fasting glucose is a glucose, as in follow-up)
_KIND_KEYS: dict[str, str] = {kind: key for key, (kind, _loinc) in _VITAL_KINDS.items()} | {
    "glucose_fasting": "glucose_mmol_l"
}


class InlinePatientError(ValueError):
    """An inline ``patient`` object is malformed; ``errors`` names each bad key (API → 400)."""

    def __init__(self, errors: dict[str, Any]):
        self.errors = errors
        super().__init__("; ".join(f"patient.{k}: {v}" for k, v in errors.items()))


# --------------------------------------------------------------------------- facts


@dataclass(frozen=True)
class ConditionFact:
    """A condition the patient has: their words, its codings, the shared condition keys."""

    text: str  # the primary wording (CodeableConcept text, else the first display)
    keys: frozenset[str]
    codings: tuple[tuple[str, str], ...] = ()
    unconfirmed: bool = False
    source: str = "record"  # record | inline | lab
    ref: str = ""
    terms: tuple[str, ...] = ()  # every wording (text and displays) used for matching
    # keys the syndrome rules do not read from it: it is a past event read through its window
    # (a delivery coded O82 is under the pregnancy key's prefix, but it is not a pregnancy now)
    not_current: frozenset[str] = frozenset()

    @property
    def search_text(self) -> str:
        return " ".join(self.terms) if self.terms else self.text


@dataclass(frozen=True)
class AllergyFact:
    """An allergy or intolerance as recorded (``category``: food, medication, environment…)."""

    text: str
    categories: tuple[str, ...] = ()
    unconfirmed: bool = False
    ref: str = ""
    terms: tuple[str, ...] = ()

    @property
    def search_text(self) -> str:
        return " ".join(self.terms) if self.terms else self.text


@dataclass(frozen=True)
class Order:
    """A medicine the patient takes or took within its washout window."""

    text: str  # the medication as written (CodeableConcept text, displays)
    dosage: str = ""
    atc: tuple[str, ...] = ()
    ingredients: tuple[str, ...] = ()  # shared drug keys (empty: unknown to the knowledge)
    status: str = "active"
    stopped_on: dt.date | None = None
    washout_until: dt.date | None = None  # last day it still counts after stopping
    washout_source: str = ""
    ref: str = ""
    terms: tuple[str, ...] = ()

    @property
    def search_text(self) -> str:
        return " ".join(self.terms) if self.terms else self.text

    @property
    def current(self) -> bool:
        """Active, on hold or without status (not a stopped order within its washout)."""
        return self.status in CURRENT_ORDER

    @property
    def unread(self) -> bool:
        """The knowledge layer cannot tell what this medicine is: no ingredient, no ATC code,
        no class term in its wording (a bare local code, an unknown name). It is never read
        as "not an anticoagulant": consumers name it to a clinician."""
        return not self.ingredients and not self.atc and not kd.classes_named_in(self.search_text)

    @property
    def note_zh(self) -> str:
        """``2026-05-01停用，停药后7天内仍需注意`` for an order counted through its washout."""
        if self.current or self.stopped_on is None or self.washout_until is None:
            return ""
        days = (self.washout_until - self.stopped_on).days
        return f"{self.stopped_on.isoformat()}停用，停药后{days}天内仍需注意"


class Surgery(NamedTuple):
    """A procedure done within the surgery window (``SURGERY_WINDOW_DAYS``): the day, its
    wording, the FHIR reference, and its codes as the syndrome windows read them (SNOMED CT;
    ICD-9-CM-3 as ``icd9cm3:064``: ``syndromes.procedure_codes``; a delivery is one too)."""

    day: dt.date
    text: str
    ref: str
    codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class WindowEpisode:
    """A Condition or an Encounter that opens windows of the shared syndrome rules (#15 task
    E): the windows (``syndromes.episode_windows``), its day (None: no usable date), wording
    and FHIR reference."""

    windows: frozenset[str]
    day: dt.date | None
    text: str
    ref: str

    def finding(self, today: dt.date | None) -> ks.Episode:
        """The episode as the shared evaluator reads it: days since it on ``today``."""
        days = None if self.day is None or today is None else float((today - self.day).days)
        return ks.Episode(self.windows, days, self.text, self.ref)


@dataclass(frozen=True)
class Vital:
    """A stored vital sign that describes the patient now: ``VITALS`` key, value in its unit."""

    key: str
    value: float
    at: dt.datetime
    ref: str = ""


@dataclass(frozen=True)
class Lab:
    """The latest result of one LOINC code."""

    loinc: str
    value: float
    unit: str
    at: dt.datetime | None
    ref: str = ""


@dataclass(frozen=True)
class PatientContext:
    """Everything the engines and the monitor know about one patient (immutable)."""

    patient_id: str = ""
    birth_date: dt.date | None = None
    age_years: float | None = None
    sex: str | None = None  # male | female | other | unknown | None
    time_zone: str = ""
    weight_kg: float | None = None
    pregnant: bool | None = None
    pregnancy_weeks: float | None = None
    breastfeeding: bool | None = None
    conditions: tuple[ConditionFact, ...] = ()
    allergies: tuple[AllergyFact, ...] = ()
    orders: tuple[Order, ...] = ()
    labs: tuple[Lab, ...] = ()
    recent_surgery_days: float | None = None
    surgeries: tuple[Surgery, ...] = ()  # within SURGERY_WINDOW_DAYS, oldest first
    # current vital signs given inline (``VITALS`` keys → value in its unit)
    vitals: tuple[tuple[str, float], ...] = ()
    # a stored record's current vital signs (each kind's ``current_hours``): per key the latest and
    # any taken within an hour before it, oldest first; inline ``vitals`` win over them
    recorded_vitals: tuple[Vital, ...] = ()
    today: dt.date | None = None  # the patient's local date the context was built for
    notes: tuple[str, ...] = ()  # what was left out and why (unit unknown …)
    # Conditions and Encounters that open syndrome windows (delivery, inpatient stay…), #15 E
    episodes: tuple[WindowEpisode, ...] = ()
    # pregnant as the syndrome rules read it: a delivery Condition is not a current pregnancy
    syndrome_pregnant: bool | None = None

    # -- views every consumer uses -----------------------------------------------------------
    @property
    def condition_keys(self) -> frozenset[str]:
        out: set[str] = set()
        for c in self.conditions:
            out |= c.keys
        return frozenset(out)

    @property
    def syndrome_condition_keys(self) -> frozenset[str]:
        """Condition keys as the syndrome rules read them (without ``not_current`` ones)."""
        out: set[str] = set()
        for c in self.conditions:
            out |= c.keys - c.not_current
        return frozenset(out)

    @property
    def condition_texts(self) -> list[str]:
        """Each condition's wordings joined (lab-derived ones name their condition)."""
        return [c.search_text for c in self.conditions if c.search_text]

    @property
    def allergy_texts(self) -> list[str]:
        return [a.search_text for a in self.allergies if a.search_text]

    @property
    def medication_texts(self) -> list[str]:
        return [o.search_text for o in self.orders if o.search_text]

    @property
    def current_orders(self) -> tuple[Order, ...]:
        return tuple(o for o in self.orders if o.current)

    @property
    def unread_orders(self) -> tuple[Order, ...]:
        """Current orders whose medicine the knowledge layer cannot read (``Order.unread``)."""
        return tuple(o for o in self.current_orders if o.unread)

    @property
    def ingredient_keys(self) -> frozenset[str]:
        return frozenset(k for o in self.orders for k in o.ingredients)

    @property
    def unconfirmed(self) -> list[str]:
        """Conditions and allergies counted although not confirmed (shown, never dropped)."""
        return [c.text for c in self.conditions if c.unconfirmed] + [
            a.text for a in self.allergies if a.unconfirmed
        ]

    def lab(self, *loinc: str) -> Lab | None:
        """The latest result of any of these LOINC codes."""
        found = [x for x in self.labs if x.loinc in loinc]
        return max(found, key=lambda x: x.at or _EPOCH) if found else None

    def on(self, cls_or_key: str) -> list[Order]:
        """Orders of an ingredient key or a class (any spelling; parents count)."""
        out = []
        for o in self.orders:
            if cls_or_key in o.ingredients or kd.medication_in_class(
                o.search_text, cls_or_key, o.atc
            ):
                out.append(o)
        return out

    # -- builders ------------------------------------------------------------------------------
    @classmethod
    def from_record(
        cls, record: Any, now: dt.datetime | None = None, tz: str | None = None
    ) -> PatientContext:
        """Build from a stored ``ammed_fhir.store.PatientRecord`` (pure: no queries)."""
        return build(record, now=now, tz=tz)

    @classmethod
    def for_patient(
        cls, patient_id: str, now: dt.datetime | None = None, tz: str | None = None
    ) -> PatientContext | None:
        """Read the record and build (None for an unknown patient). Callers check access."""
        record = context_records([patient_id]).get(patient_id)
        return None if record is None else build(record, now=now, tz=tz)

    @classmethod
    def from_inline(cls, data: Any) -> PatientContext:
        """Build from the raw inline ``patient`` JSON object (validated here by
        ``InlinePatientSerializer``); raises ``InlinePatientError`` naming every bad or unknown
        key. A view that already validated it calls ``patient.from_inline(validated_data)``."""
        from clinical.knowledge.serializers import validate_inline

        return from_inline(validate_inline(data))


_EPOCH = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)


# --------------------------------------------------------------------------- time and age


def site_time_zone() -> str:
    from django.conf import settings

    return str(getattr(settings, "TIME_ZONE", "") or "UTC")


def time_zone_of(patient: dict[str, Any] | None) -> str:
    """The patient's IANA time zone (FHIR timezone extension), else the site's."""
    for ext in (patient or {}).get("extension") or []:
        if isinstance(ext, dict) and ext.get("url") == TIMEZONE_EXTENSION:
            code = ext.get("valueCode")
            if isinstance(code, str) and _zone(code) is not None:
                return code
    return site_time_zone()


def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def local_date(now: dt.datetime | None, tz: str) -> dt.date:
    """The patient's calendar date at ``now`` (the date in their zone, not the UTC date)."""
    from django.utils import timezone

    now = now or timezone.now()
    if timezone.is_naive(now):
        return now.date()
    return now.astimezone(_zone(tz) or ZoneInfo("UTC")).date()


def birth_date_of(value: Any) -> dt.date | None:
    """``Patient.birthDate`` (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``); a partial date takes
    its first day."""
    if not isinstance(value, str) or len(value) < 4:
        return None
    parts = (value[:10].split("-") + ["1", "1"])[:3]
    try:
        return dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        return None


def age_years(birth: dt.date | str | None, today: dt.date) -> float | None:
    """THE age helper: completed years on ``today`` plus the fraction of the current year
    (``int()`` of it is the age in completed years; birthdays on 29 February turn on 1 March
    in other years). None when unknown or in the future."""
    if isinstance(birth, str) or birth is None:
        birth = birth_date_of(birth)
    if birth is None or birth > today:
        return None
    years = today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
    last = _anniversary(birth, birth.year + years)
    nxt = _anniversary(birth, birth.year + years + 1)
    return round(years + (today - last).days / (nxt - last).days, 4)


def _anniversary(birth: dt.date, year: int) -> dt.date:
    try:
        return birth.replace(year=year)
    except ValueError:  # 29 February in a common year
        return dt.date(year, 3, 1)


def patient_age(
    patient: dict[str, Any] | None, now: dt.datetime | None = None, tz: str | None = None
) -> float | None:
    """Age of a FHIR Patient at ``now`` on the patient's calendar."""
    zone = tz or time_zone_of(patient)
    return age_years((patient or {}).get("birthDate"), local_date(now, zone))


# --------------------------------------------------------------------------- washout


@dataclass(frozen=True)
class Washout:
    target: str  # ingredient key or class:<name>
    days: int
    reason_zh: str
    source: str


@lru_cache(maxsize=1)
def washouts() -> tuple[Washout, ...]:
    out = []
    for r in kd.read_csv("washout.csv"):
        target = r["target"]
        if target.startswith("class:"):
            if kd.canonical_class(target[6:]) is None:
                raise kd.KnowledgeError(f"washout.csv: unknown class {target}")
        elif kd.ingredient(target) is None:
            raise kd.KnowledgeError(f"washout.csv: unknown ingredient {target}")
        out.append(Washout(target, int(r["days"]), r["reason_zh"], r["source"]))
    return tuple(out)


def washout_of(ingredient_keys: Iterable[str]) -> Washout | None:
    """The longest washout window of these ingredients (None: none is sourced)."""
    found = [w for w in washouts() for k in ingredient_keys if kd.matches(w.target, k)]
    return max(found, key=lambda w: w.days) if found else None


# --------------------------------------------------------------------------- FHIR helpers


def _codings(concept: Any) -> list[dict[str, Any]]:
    if not isinstance(concept, dict):
        return []
    return [c for c in concept.get("coding") or [] if isinstance(c, dict)]


def _status(resource: dict[str, Any], key: str) -> str:
    for c in _codings(resource.get(key)):
        if c.get("code"):
            return str(c["code"])
    return ""


def _contained_medication(mr: dict[str, Any]) -> dict[str, Any] | None:
    """The code of the Medication a ``medicationReference`` points to inside the order
    (``#id`` of a contained Medication), with its ingredients' names as displays."""
    target = str((mr.get("medicationReference") or {}).get("reference") or "")
    if not target.startswith("#"):
        return None
    for res in mr.get("contained") or []:
        if not isinstance(res, dict) or res.get("resourceType") != "Medication":
            continue
        if res.get("id") != target[1:]:
            continue
        code = dict(res.get("code") or {}) if isinstance(res.get("code"), dict) else {}
        codings = list(_codings(code))
        for ing in res.get("ingredient") or []:
            item = (ing or {}).get("itemCodeableConcept") if isinstance(ing, dict) else None
            if isinstance(item, dict):
                if item.get("text"):
                    codings.append({"display": str(item["text"])})
                codings += _codings(item)
        code["coding"] = codings
        return code
    return None


def _concept_terms(concept: Any) -> tuple[str, ...]:
    """Text of a CodeableConcept and its codings' displays (so 中文 and English both match)."""
    if not isinstance(concept, dict):
        return ()
    parts = [str(concept.get("text") or "")]
    parts += [str(c.get("display") or "") for c in _codings(concept)]
    return tuple(dict.fromkeys(p.strip() for p in parts if p and p.strip()))


def _concept_text(concept: Any) -> str:
    """The primary wording: the text, else the first display."""
    terms = _concept_terms(concept)
    return terms[0] if terms else ""


def _pairs(concept: Any) -> tuple[tuple[str, str], ...]:
    return tuple(
        (str(c.get("system") or ""), str(c["code"])) for c in _codings(concept) if c.get("code")
    )


def _ref(resource: dict[str, Any]) -> str:
    return f"{resource.get('resourceType', '')}/{resource.get('id', '')}"


def _date(value: Any) -> dt.date | None:
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _when(value: Any) -> dt.datetime | None:
    from ammed_fhir.search_columns import parse_fhir_datetime

    return parse_fhir_datetime(value)


def condition_keys_of(text: str, codings: Iterable[tuple[str, str]] = ()) -> frozenset[str]:
    """Shared condition keys of a condition's text and codings (SNOMED CT exact, ICD-10
    prefix; ``system|code`` written as text is read as a coding)."""
    codings = list(codings)
    texts = []
    for part in (text or "").split():
        if "|" in part and part.count("|") == 1:
            system, code = part.split("|")
            codings.append((system, code))
        else:
            texts.append(part)
    return frozenset(kc.condition_keys(codings, [" ".join(texts)] if texts else []))


def _order_end(mr: dict[str, Any], today: dt.date) -> dt.date:
    """When a stopped/completed order stopped: the latest end date it states that is not
    after today (its dosage bounds, its validity period); without one, the day the order
    was last written (when it was set to stopped); else today (unknown: counted from today,
    the safe side)."""
    ends = [_date(((mr.get("dispenseRequest") or {}).get("validityPeriod") or {}).get("end"))]
    for d in mr.get("dosageInstruction") or []:
        if isinstance(d, dict):
            bounds = ((d.get("timing") or {}).get("repeat") or {}).get("boundsPeriod") or {}
            ends.append(_date(bounds.get("end")))
    known = [e for e in ends if e is not None and e <= today]
    if known:
        return max(known)
    written = _date((mr.get("meta") or {}).get("lastUpdated"))
    return written if written is not None and written <= today else today


def _order(mr: dict[str, Any], today: dt.date) -> Order | None:
    status = str(mr.get("status") or "")
    if status not in CURRENT_ORDER and status not in ENDED_ORDER:
        return None  # cancelled, draft, entered-in-error, unknown: not taken
    concept = mr.get("medicationCodeableConcept") or _contained_medication(mr)
    terms = _concept_terms(concept)
    reference = str((mr.get("medicationReference") or {}).get("display") or "").strip()
    if reference:
        terms = (*terms, reference)
    text = terms[0] if terms else ""
    atc = tuple(code for system, code in _pairs(concept) if system == ATC)
    if not text and not atc and (concept or mr.get("medicationReference")):
        # an order whose medicine has no wording we can read (a bare local code, a reference
        # we cannot resolve) is kept, named by its code: it is unread, never absent
        local = _pairs(concept)
        text = (
            local[0][1]
            if local
            else str((mr.get("medicationReference") or {}).get("reference") or "")
        )
    if not text and not atc:
        return None
    joined = " ".join(terms)
    keys = list(kd.ingredient_mentions(joined) or kd.resolve(text))
    for code in atc:
        keys += [k for k, ing in kd.ingredients().items() if code in ing.atc and k not in keys]
    dosage = " ".join(
        str(d.get("text") or "") for d in mr.get("dosageInstruction") or [] if isinstance(d, dict)
    ).strip()
    order = Order(
        text=text or atc[0],
        dosage=dosage,
        atc=atc,
        ingredients=tuple(dict.fromkeys(keys)),
        status=status,
        ref=_ref(mr),
        terms=terms,
    )
    if status in CURRENT_ORDER:
        return order
    washout = washout_of(order.ingredients)
    if washout is None:
        return None
    stopped = _order_end(mr, today)
    until = stopped + dt.timedelta(days=washout.days)
    if until < today:
        return None
    return replace(order, stopped_on=stopped, washout_until=until, washout_source=washout.source)


@lru_cache(maxsize=1)
def lab_loincs() -> frozenset[str]:
    return frozenset(lc.loinc for lc in kc.lab_conditions()) | frozenset(INR_LOINC)


def vital_loincs() -> frozenset[str]:
    """LOINC codes of the vital signs a context reads, and the panels that carry them."""
    table = kobs.table()
    codes = {code for code, kind in table["loinc"].items() if kind in _KIND_KEYS}
    return frozenset(codes | set(table["panels"]))


def wanted_observation_codes() -> list[str]:
    """``system|code`` of every Observation a context reads (weight, labs, pregnancy, vital
    signs)."""
    codes = {
        *WEIGHT_LOINC,
        *lab_loincs(),
        *GESTATIONAL_AGE_LOINC,
        PREGNANCY_STATUS_LOINC,
        *vital_loincs(),
    }
    return sorted(f"{LOINC}|{c}" for c in codes)


# Observations that are no measurement of the patient now (follow-up skips the same statuses)
_NOT_A_READING = BAD_OBSERVATION | {"preliminary"}


def recorded_vitals(
    observations: Iterable[dict[str, Any]], now: dt.datetime
) -> tuple[tuple[Vital, ...], list[str]]:
    """The current vital signs of a record at ``now`` and notes on what was left out: per
    ``VITALS`` key the latest reading within its kind's ``current_hours`` (the observations
    table's currency window, the one follow-up judges with) and any taken within
    ``observations.GROUP_WINDOW`` before it. Values are converted to the key's unit by the
    observations table (°F → °C, mg/dL → mmol/L, kPa → mmHg); an unknown unit or an
    implausible value is left out with a note, never guessed."""
    found: dict[str, list[Vital]] = {}
    notes: list[str] = []
    for obs in observations:
        if obs.get("status") in _NOT_A_READING:
            continue
        at = (
            _when(obs.get("effectiveDateTime"))
            or _when((obs.get("effectivePeriod") or {}).get("start"))
            or _when(obs.get("issued"))
        )
        if at is None or at > now + dt.timedelta(minutes=10):
            continue
        parts = [(obs.get("code"), obs.get("valueQuantity"))] + [
            (c.get("code"), c.get("valueQuantity"))
            for c in obs.get("component") or []
            if isinstance(c, dict)
        ]
        for concept, qty in parts:
            kinds = [kobs.kind_of(c) for s, c in _pairs(concept) if s == LOINC]
            kind = next((k for k in kinds if k in _KIND_KEYS), None)
            value = (qty or {}).get("value") if isinstance(qty, dict) else None
            if kind is None or isinstance(value, bool) or not isinstance(value, int | float):
                continue
            unit = str(qty.get("code") or qty.get("unit") or "")
            label = kobs.spec(kind)["label"]
            canonical = kobs.to_canonical(kind, float(value), unit)
            if canonical is None:
                notes.append(f"{label}单位“{unit or '未注明'}”无法安全换算，未使用（{_ref(obs)}）")
                continue
            if not kobs.plausible(kind, canonical):
                notes.append(f"{label}数值{value:g}{unit}超出生理可能范围，未使用（{_ref(obs)}）")
                continue
            if now - at > dt.timedelta(hours=kobs.spec(kind)["current_hours"]):
                continue
            key = _KIND_KEYS[kind]
            found.setdefault(key, []).append(Vital(key, canonical, at, _ref(obs)))
    out: list[Vital] = []
    for key in VITALS:
        rows = found.get(key)
        if rows:
            latest = max(r.at for r in rows)
            group = [r for r in rows if latest - r.at <= kobs.GROUP_WINDOW]
            out += sorted(group, key=lambda r: (r.at, r.ref))
    return tuple(out), notes


def _taking(orders: Iterable[Order], cls: str) -> bool:
    """Whether any of these orders is of ``class:x`` (or an ingredient key)."""
    target = cls[6:] if cls.startswith("class:") else cls
    return any(
        target in o.ingredients or kd.medication_in_class(o.search_text, target, o.atc)
        for o in orders
    )


def _lab_condition(lab: Lab, orders: Iterable[Order] = ()) -> ConditionFact | None:
    """The condition a lab result implies (``lab_conditions.csv``), worded for every reader:
    ``抗凝过度：国际标准化比值（INR） 4.2 {INR}（2026-11-27）``. Rows that depend on a drug
    class (INR above the VKA range) read the patient's orders."""
    orders = tuple(orders)
    rows = kc.lab_condition_rows(lab.loinc, lab.value, lab.unit, lambda c: _taking(orders, c))
    if not rows:
        return None
    when = f"（{lab.at.date().isoformat()}）" if lab.at else ""
    shown = f"{rows[0].label_zh} {lab.value:g} {lab.unit}".rstrip()
    terms = []
    for row in rows:  # each name is in ``terms``: text matching finds it
        cond = kc.conditions().get(row.condition)
        terms.append(f"{cond.name_zh if cond else row.condition}：{shown}{when}")
    return ConditionFact(
        text=f"{shown}{when}",
        terms=tuple(terms),
        keys=frozenset(row.condition for row in rows),
        source="lab",
        ref=lab.ref,
    )


def build(record: Any, now: dt.datetime | None = None, tz: str | None = None) -> PatientContext:
    """THE builder: a ``PatientContext`` from a ``store.PatientRecord`` at ``now`` (see the
    module invariants)."""
    patient = record.patient or {}
    zone = tz or time_zone_of(patient)
    today = local_date(now, zone)
    notes: list[str] = []
    gender = patient.get("gender")
    sex = gender if gender in ("male", "female", "other", "unknown") else None

    episodes = window_episodes(record, today)
    opened = {e.ref: e.windows for e in episodes}
    conditions: list[ConditionFact] = []
    for cond in record.conditions:
        if _status(cond, "clinicalStatus") in INACTIVE_CLINICAL:
            continue
        verification = _status(cond, "verificationStatus")
        if verification in EXCLUDED_VERIFICATION:
            continue
        terms = _concept_terms(cond.get("code"))
        codings = _pairs(cond.get("code"))
        if not terms and not codings:
            continue
        conditions.append(
            ConditionFact(
                text=terms[0] if terms else codings[0][1],
                keys=frozenset(kc.condition_keys(codings, terms)),
                codings=codings,
                unconfirmed=verification in UNCONFIRMED_VERIFICATION,
                ref=_ref(cond),
                terms=terms,
                not_current=ks.not_current_conditions(opened.get(_ref(cond), ())),
            )
        )
    allergies: list[AllergyFact] = []
    for a in record.allergies:
        if _status(a, "clinicalStatus") in INACTIVE_CLINICAL:
            continue
        verification = _status(a, "verificationStatus")
        if verification in EXCLUDED_VERIFICATION:
            continue
        terms = _concept_terms(a.get("code"))
        if not terms:
            continue
        allergies.append(
            AllergyFact(
                text=terms[0],
                categories=tuple(str(c) for c in a.get("category") or [] if isinstance(c, str)),
                unconfirmed=verification in UNCONFIRMED_VERIFICATION,
                ref=_ref(a),
                terms=terms,
            )
        )
    orders = [o for mr in record.medication_requests if (o := _order(mr, today)) is not None]

    latest: dict[str, Lab] = {}
    weight: Lab | None = None
    pregnant_obs: bool | None = None
    weeks: float | None = None
    wanted = {*WEIGHT_LOINC, *lab_loincs(), *GESTATIONAL_AGE_LOINC, PREGNANCY_STATUS_LOINC}
    for obs in record.observations:
        if obs.get("status") in BAD_OBSERVATION:
            continue
        loincs = [c for s, c in _pairs(obs.get("code")) if s == LOINC and c in wanted]
        if not loincs:
            continue
        at = _when(obs.get("effectiveDateTime")) or _when(obs.get("issued"))
        if loincs[0] == PREGNANCY_STATUS_LOINC:
            for _s, code in _pairs(obs.get("valueCodeableConcept")):
                if code in PREGNANT_ANSWERS:
                    pregnant_obs = PREGNANT_ANSWERS[code]
            continue
        qty = obs.get("valueQuantity") or {}
        value = qty.get("value")
        if isinstance(value, bool) or not isinstance(value, int | float):
            continue
        unit = str(qty.get("code") or qty.get("unit") or "")
        lab = Lab(loincs[0], float(value), unit, at, _ref(obs))
        if lab.loinc in GESTATIONAL_AGE_LOINC:
            if unit in ("wk", "周", "weeks"):
                weeks = lab.value
            continue
        if lab.loinc in WEIGHT_LOINC:
            kg = {"kg": 1.0, "g": 0.001}.get(unit)
            if kg is None:
                notes.append(f"体重单位“{unit or '未注明'}”无法安全换算，未使用（{lab.ref}）")
                continue
            lab = Lab(lab.loinc, lab.value * kg, "kg", at, lab.ref)
            if weight is None or (lab.at or _EPOCH) >= (weight.at or _EPOCH):
                weight = lab
            continue
        prev = latest.get(lab.loinc)
        if prev is None or (lab.at or _EPOCH) >= (prev.at or _EPOCH):
            latest[lab.loinc] = lab
    have = {k for c in conditions for k in c.keys}
    for lab in latest.values():
        fact = _lab_condition(lab, orders)
        if fact is not None and not fact.keys <= have:
            conditions.append(fact)
            have |= fact.keys

    surgeries: list[Surgery] = []
    dated: list[Surgery] = []  # every dated operation, for a delivery's breastfeeding days
    undated: list[WindowEpisode] = []
    for proc in record.procedures:
        if str(proc.get("status") or "") not in DONE_PROCEDURE:
            continue
        when = (
            proc.get("performedDateTime")
            or (proc.get("performedPeriod") or {}).get("end")
            or (proc.get("performedPeriod") or {}).get("start")
        )
        day = _date(when)
        codes = ks.procedure_codes(_pairs(proc.get("code")))
        text = _concept_text(proc.get("code"))
        if day is None or day > today:  # no usable date: kept undated, never dropped
            opened = ks.procedure_windows(text, codes)
            if opened and "chemotherapy" not in kd.classes_named_in(text):
                undated.append(WindowEpisode(opened, None, text, _ref(proc)))
            continue
        dated.append(Surgery(day, text, _ref(proc), codes))
        if (today - day).days > SURGERY_WINDOW_DAYS:
            continue
        surgeries.append(dated[-1])
    episodes = (*episodes, *undated)
    surgery_days = min(((today - s.day).days for s in surgeries), default=None)

    from django.utils import timezone

    instant = now or timezone.now()
    if timezone.is_naive(instant):
        instant = timezone.make_aware(instant)
    vitals, vital_notes = recorded_vitals(record.observations, instant)
    notes += vital_notes

    keys = {k for c in conditions for k in c.keys}
    pregnant = True if "pregnancy" in keys or weeks is not None else pregnant_obs
    current = {k for c in conditions for k in c.keys - c.not_current}
    syndrome_pregnant = True if "pregnancy" in current or weeks is not None else pregnant_obs
    breastfeeding = (
        True if "breastfeeding" in keys or possibly_breastfeeding(episodes, dated, today) else None
    )
    birth = birth_date_of(patient.get("birthDate"))
    return PatientContext(
        patient_id=str(patient.get("id") or ""),
        birth_date=birth,
        age_years=age_years(birth, today),
        sex=sex,
        time_zone=zone,
        weight_kg=weight.value if weight else None,
        pregnant=pregnant,
        pregnancy_weeks=weeks if pregnant else None,
        breastfeeding=breastfeeding,
        conditions=tuple(conditions),
        allergies=tuple(allergies),
        orders=tuple(orders),
        labs=tuple(sorted(latest.values(), key=lambda x: x.loinc)),
        recent_surgery_days=float(surgery_days) if surgery_days is not None else None,
        surgeries=tuple(sorted(surgeries)),
        recorded_vitals=vitals,
        today=today,
        notes=tuple(notes),
        episodes=episodes,
        syndrome_pregnant=syndrome_pregnant,
    )


def possibly_breastfeeding(
    episodes: Iterable[WindowEpisode], surgeries: Iterable[Surgery], today: dt.date
) -> bool:
    """A delivery (a window with ``breastfeeding_days``: post-partum) within those days, or
    undated, while the record does not say whether the mother breastfeeds: read as possibly
    breastfeeding for drug safety, never as "not" (noticed bugs #15/#23 item 2: a delivery is no
    pregnancy now, and the pregnancy key no longer reads it)."""
    days = ks.breastfeeding_days()
    for e in episodes:
        reach = [d for w, d in days.items() if w in e.windows]
        if reach and (e.day is None or (today - e.day).days <= max(reach)):
            return True
    for s in surgeries:
        reach = [d for w, d in days.items() if w in ks.procedure_windows(s.text, s.codes)]
        if reach and (today - s.day).days <= max(reach):
            return True
    return False


def _reference(value: Any) -> str:
    """``Encounter/e1`` of a Reference (an absolute URL keeps its last two segments)."""
    ref = str((value or {}).get("reference") or "") if isinstance(value, dict) else ""
    return "/".join(ref.rstrip("/").split("/")[-2:]) if ref else ""


def _condition_day(cond: dict[str, Any]) -> dt.date | None:
    """When a Condition's event happened: onset, else recorded date, else abatement."""
    onset = cond.get("onsetPeriod") if isinstance(cond.get("onsetPeriod"), dict) else {}
    abated = cond.get("abatementPeriod") if isinstance(cond.get("abatementPeriod"), dict) else {}
    for value in (
        cond.get("onsetDateTime"),
        onset.get("start"),
        cond.get("recordedDate"),
        cond.get("abatementDateTime"),
        abated.get("start") or abated.get("end"),
    ):
        if (day := _date(value)) is not None:
            return day
    return None


def window_episodes(record: Any, today: dt.date) -> tuple[WindowEpisode, ...]:
    """THE reader of the Conditions and Encounters that open syndrome windows (see the module
    invariants): kept when dated within the longest window, or undated (a date in the future is
    no usable date); oldest first, undated last."""
    nursing = ks.breastfeeding_days()

    def reach(opened: frozenset[str]) -> int:  # how long ago an episode of these may be kept
        return max(max(int(ks.windows()[w]["days"]), nursing.get(w, 0)) for w in opened)

    def usable(day: dt.date | None) -> dt.date | None:
        return day if day is not None and day <= today else None

    out: list[WindowEpisode] = []
    encounter_day: dict[str, dt.date] = {}  # Encounter ref, or a Condition it names → its day
    for enc in getattr(record, "encounters", None) or []:
        if str(enc.get("status") or "") in NOT_HAPPENED_ENCOUNTER:
            continue
        period = enc.get("period") if isinstance(enc.get("period"), dict) else {}
        day = usable(_date(period.get("end")) or _date(period.get("start")))
        ref = _ref(enc)
        if day is not None:
            encounter_day[ref] = day
            for dx in enc.get("diagnosis") or []:
                if isinstance(dx, dict) and (cref := _reference(dx.get("condition"))):
                    encounter_day[cref] = day
        klass = enc.get("class") if isinstance(enc.get("class"), dict) else {}
        if not klass.get("code") and _codings(
            klass
        ):  # a CodeableConcept (R5) instead of R4's Coding
            klass = _codings(klass)[0]
        opened = set(ks.episode_windows("encounter", encounter_class=str(klass.get("code") or "")))
        texts = []
        for reason in enc.get("reasonCode") or []:
            terms = _concept_terms(reason)
            texts += terms
            opened |= ks.episode_windows("encounter", _pairs(reason), " ".join(terms))
        if opened:
            text = "、".join(texts) or str(klass.get("display") or klass.get("code") or "住院")
            out.append(WindowEpisode(frozenset(opened), day, text, ref))
    for cond in getattr(record, "conditions", None) or []:
        if _status(cond, "verificationStatus") in EXCLUDED_VERIFICATION:
            continue
        terms = _concept_terms(cond.get("code"))
        codings = _pairs(cond.get("code"))
        opened = ks.episode_windows("condition", codings, " ".join(terms))
        if not opened:
            continue
        ref = _ref(cond)
        day = usable(_condition_day(cond))
        if day is None:
            day = encounter_day.get(ref) or encounter_day.get(_reference(cond.get("encounter")))
        text = terms[0] if terms else codings[0][1]
        out.append(WindowEpisode(opened, day, text, ref))
    kept = [e for e in out if e.day is None or (today - e.day).days <= reach(e.windows)]
    return tuple(sorted(kept, key=lambda e: (e.day is None, e.day or today)))


def context_records(patient_ids: Iterable[str]) -> dict[str, Any]:
    """The records a context needs, for several patients in one query: the Patient, its
    Conditions, MedicationRequests, AllergyIntolerances, Procedures and Encounters (the
    windows of an admission or a delivery), and only the
    Observations a context reads (weight, the labs of ``lab_conditions.csv``, INR, pregnancy,
    vital signs;
    on PostgreSQL selected by the indexed ``codes`` column), never the whole history."""
    from ammed_fhir import store

    return store.patient_records(
        list(patient_ids),
        types=(
            "Condition",
            "MedicationRequest",
            "AllergyIntolerance",
            "Procedure",
            "Observation",
            "Encounter",
        ),
        observation_codes=wanted_observation_codes(),
    )


# --------------------------------------------------------------------------- inline


def from_inline(data: dict[str, Any]) -> PatientContext:
    """A context from validated inline data (canonical keys; see ``serializers``)."""
    conditions = []
    episodes = []
    for i, item in enumerate(data.get("conditions") or []):
        text, codings = item["text"], tuple(item.get("codings") or ())
        # an inline condition has no date: a window it opens is undated (#15 task E)
        opened = ks.episode_windows("condition", codings, text)
        if opened:
            shown = text or (codings[0][1] if codings else "")
            episodes.append(WindowEpisode(opened, None, shown, f"patient.conditions[{i}]"))
        conditions.append(
            ConditionFact(
                text=text or (codings[0][1] if codings else ""),
                keys=condition_keys_of(text, codings),
                codings=codings,
                source="inline",
                not_current=ks.not_current_conditions(opened),
            )
        )
    allergies = [
        AllergyFact(text=a["text"], categories=tuple(a.get("categories") or ()))
        for a in data.get("allergies") or []
    ]
    orders = []
    for m in data.get("current_medications") or []:
        text, atc = m["text"], tuple(m.get("atc") or ())
        keys = list(kd.ingredient_mentions(text) or kd.resolve(text))
        for code in atc:
            keys += [k for k, ing in kd.ingredients().items() if code in ing.atc and k not in keys]
        orders.append(
            Order(
                text=text or (atc[0] if atc else ""),
                dosage=m.get("dosage") or "",
                atc=atc,
                ingredients=tuple(dict.fromkeys(keys)),
                status="active",
            )
        )
    labs = []
    for lab in data.get("labs") or []:
        at = lab.get("date")
        when = (
            dt.datetime.combine(at, dt.time(), tzinfo=dt.UTC) if isinstance(at, dt.date) else None
        )
        labs.append(Lab(lab["loinc"], float(lab["value"]), lab.get("unit") or "", when))
    have = {k for c in conditions for k in c.keys}
    for lab in labs:
        fact = _lab_condition(lab, orders)
        if fact is not None and not fact.keys <= have:
            conditions.append(fact)
            have |= fact.keys
    keys = {k for c in conditions for k in c.keys}
    weeks = data.get("pregnancy_weeks")
    pregnant = data.get("pregnant")
    syndrome_pregnant = pregnant
    current = {k for c in conditions for k in c.keys - c.not_current}
    if syndrome_pregnant is None and (weeks is not None or "pregnancy" in current):
        syndrome_pregnant = True
    if pregnant is None and (weeks is not None or "pregnancy" in keys):
        pregnant = True
    zone = site_time_zone()
    today = local_date(None, zone)
    breastfeeding = data.get("breastfeeding")
    if breastfeeding is None and (
        "breastfeeding" in keys or possibly_breastfeeding(episodes, (), today)
    ):
        breastfeeding = True
    surgery = data.get("recent_surgery_days")
    operation = data.get("recent_surgery")
    if operation is not None:
        on = operation.get("date")
        surgery = float((today - on).days) if on is not None else operation["days_ago"]
    surgeries: tuple[Surgery, ...] = ()
    if surgery is not None and surgery <= SURGERY_WINDOW_DAYS:
        op = operation or {}
        codes = ks.procedure_codes(op.get("codings") or ())
        surgeries = (
            Surgery(
                op.get("date") or today - dt.timedelta(days=int(surgery)),
                op.get("text") or "",
                "patient.recent_surgery" if operation else "patient.recent_surgery_days",
                codes,
            ),
        )
    return PatientContext(
        patient_id=str(data.get("id") or ""),
        age_years=data.get("age_years"),
        sex=data.get("sex"),
        time_zone=zone,
        today=today,
        weight_kg=data.get("weight_kg"),
        pregnant=pregnant,
        pregnancy_weeks=weeks,
        breastfeeding=breastfeeding,
        conditions=tuple(conditions),
        allergies=tuple(allergies),
        orders=tuple(orders),
        labs=tuple(labs),
        recent_surgery_days=surgery,
        surgeries=surgeries,
        vitals=tuple((k, float(v)) for k, v in (data.get("vitals") or {}).items()),
        episodes=tuple(episodes),
        syndrome_pregnant=syndrome_pregnant,
    )


__all__ = [
    "AllergyFact",
    "ConditionFact",
    "InlinePatientError",
    "Lab",
    "Order",
    "PatientContext",
    "Surgery",
    "VITALS",
    "Vital",
    "WindowEpisode",
    "age_years",
    "build",
    "context_records",
    "from_inline",
    "patient_age",
    "time_zone_of",
    "washout_of",
    "window_episodes",
]
