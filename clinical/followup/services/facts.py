"""Normalise a stored PatientRecord into the facts the rule families read.

Invariants: every reading is in its kind's canonical unit or not present at all (unknown codes
and units are dropped with a note, never guessed); implausible values are dropped with a note;
a patient-reported symptom keeps its polarity (present / explicitly absent) and the latest
statement per concept wins, with a simultaneous contradiction resolved towards "present" and
recorded as uncertainty.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache, partial
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from ammed_fhir.search_columns import parse_fhir_datetime
from ammed_fhir.store import PatientRecord
from clinical.followup.services import lexicon
from clinical.followup.services.ruledata import DATA_DIR, load
from clinical.knowledge import conditions as knowledge_conditions
from clinical.knowledge import discourse, observations
from clinical.knowledge import drugs as knowledge_drugs
from clinical.knowledge import patient as knowledge_patient
from clinical.knowledge import readings as knowledge_readings
from clinical.knowledge import syndromes as shared_syndromes
from clinical.knowledge.observations import to_canonical

if TYPE_CHECKING:  # the orders' public read (docs/orders.md); no import at run time
    from clinical.orders.services.adherence import RecordedAdherence

log = logging.getLogger(__name__)
LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
ICD10 = ("http://hl7.org/fhir/sid/icd-10", "http://hl7.org/fhir/sid/icd-10-cn")
ATC = "http://www.whocc.no/atc"
SYMPTOM_WINDOW = timedelta(hours=72)
CONFLICT_WINDOW = observations.GROUP_WINDOW
# A simultaneous pair of readings this far apart is contradictory (canonical units).
CONFLICT_SPREAD = {
    "temp": 1.5,
    "spo2": 6,
    "sbp": 40,
    "dbp": 25,
    "hr": 40,
    "glucose": 5,
    "weight": 5,
    "inr": 1.5,
    "potassium": 1.0,
}


@dataclass(frozen=True)
class Reading:
    kind: str
    value: float
    at: datetime
    ref: str  # "Observation/<id>"
    # the patient's own words when the reading was written in a free-text answer or message
    # (patient-reported, read by clinical.knowledge.readings); empty for a measured Observation
    quote: str = ""


@dataclass
class Symptom:
    concept: str
    present: bool
    at: datetime
    ref: str
    text: str


@dataclass
class Note:
    code: str
    text: str
    ref: str = ""

    def as_dict(self) -> dict[str, str]:
        out = {"code": self.code, "text": self.text}
        if self.ref:
            out["ref"] = self.ref
        return out


# A note that informs the clinician without making the assessment less certain.
HISTORY_NOTE = "symptom-history"


@dataclass
class Facts:
    """What the rules see about one patient at ``now``."""

    patient_id: str
    now: datetime
    age: int | None = None  # completed years (the shared age helper, patient's calendar)
    readings: dict[str, list[Reading]] = field(default_factory=dict)  # oldest first
    symptoms: dict[str, Symptom] = field(default_factory=dict)  # latest statement per concept
    conditions: dict[str, list[str]] = field(default_factory=dict)  # flag → Condition refs
    condition_refs: list[str] = field(default_factory=list)  # every active Condition
    meds: dict[str, list[str]] = field(default_factory=dict)  # flag → MedicationRequest refs
    med_names: dict[str, str] = field(default_factory=dict)  # MedicationRequest ref → name
    surgeries: list[tuple[datetime, str, str]] = field(default_factory=list)  # (when, ref, text)
    procedures_codes: list[tuple[str, str, datetime | None]] = field(default_factory=list)
    discharge: datetime | None = None
    notes: list[Note] = field(default_factory=list)
    conflicts: list[Note] = field(default_factory=list)
    # Patient statements of something wrong that the lexicon does not know: (when, ref).
    unrecognised: list[tuple[datetime, str]] = field(default_factory=list)
    # the patient's own words behind each unrecognised reference (quoted to the clinician, #15)
    unrecognised_words: dict[str, str] = field(default_factory=dict)
    # Unrecognised references whose unread words may themselves be the red flag, so they stay
    # ``urgent`` (red_flags.yaml ``symptom-unrecognised``): the residue of a clause read through a
    # complaint (咳嗽带咖啡色的渣子 → 带咖啡色的渣子), a reading that cannot be read exactly, a
    # record that cannot be parsed.
    unrecognised_urgent: set[str] = field(default_factory=set)
    # Unrecognised references whose unread words name the body (the shared reader's
    # ``Unread.body``: 腿上像有虫子爬, 我妈右手拿筷子老往下掉): partly understood, the row's
    # ``bodily_disposition`` (urgent). Every other unrecognised reference is words in which nothing
    # was read and nothing names the body (errands, food, chit-chat; or graded mild or settled):
    # ``review``, the care team reads them within 24 h.
    unrecognised_bodily: set[str] = field(default_factory=set)
    # #15 r11_metabolic: answers in which a low glucose in words is followed, later in the same
    # words, by a recheck at or above the hypoglycaemia threshold (测了三点六……再测六点二: treated
    # and rechecked, the 15-15 rule); the rows with ``unless_rechecked`` (labs.yaml) stay silent
    # for the low of such an answer.
    glucose_rechecked: set[str] = field(default_factory=set)
    # Medicines the patient says they take (一直在吃布洛芬, 平时吃着华法林: the shared
    # ``discourse.taken_medicines``): (when, answer ref, clause, ingredient keys). The syndrome
    # rules read them as the record's orders, with the answer as evidence (#15, the lead's probes).
    stated_medicines: list[tuple[datetime, str, str, tuple[str, ...]]] = field(default_factory=list)
    # the one shared patient context these facts were built from (weight, labs, pregnancy …)
    patient: knowledge_patient.PatientContext | None = None
    # The orders' dose records per medicine over their adherence window (taken / skipped /
    # missed, longest run of misses, critical class with its limits): passed in by the service
    # layer (``runs.evaluate``) from ``clinical.orders.services.adherence.recorded_adherence``;
    # empty when the patient has no reminded orders, so such an assessment is unchanged.
    recorded_adherence: tuple[RecordedAdherence, ...] = ()

    # -- helpers used by the rule families -------------------------------------------------
    def current(self, kind: str) -> Reading | None:
        """The reading that describes the patient now: the latest within the kind's currency
        window; when readings within an hour of it disagree, the most concerning is chosen by
        the caller through ``current_group``."""
        rows = self.readings.get(kind) or []
        if not rows:
            return None
        latest = rows[-1]
        hours = observations.spec(kind)["current_hours"]
        if self.now - latest.at > timedelta(hours=hours):
            return None
        return latest

    def current_group(self, kind: str) -> list[Reading]:
        """The current reading plus any taken within an hour of it (a contradiction check)."""
        cur = self.current(kind)
        if cur is None:
            return []
        return [r for r in self.readings[kind] if cur.at - r.at <= CONFLICT_WINDOW]

    def present(self, concept: str) -> Symptom | None:
        s = self.symptoms.get(concept)
        if s and s.present and self.now - s.at <= SYMPTOM_WINDOW:
            return s
        return None

    def has_condition(self, *flags: str) -> bool:
        return any(self.conditions.get(f) for f in flags)

    def has_med(self, *flags: str) -> bool:
        return any(self.meds.get(f) for f in flags)

    def days_since_surgery(self) -> int | None:
        if not self.surgeries:
            return None
        when = max(s[0] for s in self.surgeries)
        # Post-operative days count calendar days on the hospital's clock (surgery day = 0),
        # not 24-hour periods and not UTC dates: at 00:30 in Beijing it is already the next day.
        local_now = timezone.localtime(self.now)
        return max(0, (local_now.date() - when.astimezone(local_now.tzinfo).date()).days)

    def last_surgery(self) -> tuple[datetime, str, str] | None:
        return max(self.surgeries, key=lambda s: s[0]) if self.surgeries else None


def _codings(concept: Any) -> list[dict[str, Any]]:
    if not isinstance(concept, dict):
        return []
    return [c for c in concept.get("coding") or [] if isinstance(c, dict)]


def _text_of(concept: Any) -> str:
    if not isinstance(concept, dict):
        return ""
    parts = [concept.get("text") or ""] + [c.get("display") or "" for c in _codings(concept)]
    return " ".join(p for p in parts if isinstance(p, str))


def _ref(resource: dict[str, Any]) -> str:
    return f"{resource.get('resourceType')}/{resource.get('id')}"


def classify_condition(cond: dict[str, Any]) -> list[str]:
    """Follow-up condition flags of one FHIR Condition (through the shared condition table)."""
    codings = _codings(cond.get("code"))
    text = _text_of(cond.get("code"))
    # the shared condition table (clinical.knowledge, #23): SNOMED CT exact, ICD-10 prefix, terms
    keys = knowledge_conditions.condition_keys(
        [
            ("icd10" if c.get("system") in ICD10 else c.get("system") or "", c.get("code") or "")
            for c in codings
        ],
        [text],
    )
    return condition_flags(keys)


def condition_flags(keys: frozenset[str] | set[str]) -> list[str]:
    """Follow-up condition flags (``conditions.yaml``) of shared condition keys."""
    return [flag for flag, spec in load("conditions").items() if spec["condition"] in keys]


def _med_text(mr: dict[str, Any]) -> str:
    parts = [_text_of(mr.get("medicationCodeableConcept"))]
    ref = mr.get("medicationReference")
    if isinstance(ref, dict):
        parts.append(ref.get("display") or "")
    return " ".join(parts)


def classify_medication(mr: dict[str, Any]) -> list[str]:
    """Follow-up medication flags of one FHIR MedicationRequest."""
    codings = _codings(mr.get("medicationCodeableConcept"))
    atc = [str(c.get("code") or "") for c in codings if c.get("system") == ATC]
    return medication_flags(_med_text(mr), atc)


def medication_flags(text: str, atc: list[str] | tuple[str, ...]) -> list[str]:
    """Follow-up medication flags (``medications.yaml``) of a medication's text and ATC codes."""
    flags = []
    for flag, spec in load("medications").items():
        # class membership from the shared drug table (clinical.knowledge, #23)
        if "ingredient" in spec:
            hit = spec["ingredient"] in knowledge_drugs.ingredient_mentions(text) or any(
                a in knowledge_drugs.ingredient(spec["ingredient"]).atc for a in atc
            )
        else:
            hit = knowledge_drugs.medication_in_class(text, spec["class"], atc)
        if hit:
            flags.append(flag)
    return flags


def _is_survey(obs: dict[str, Any]) -> bool:
    for cat in obs.get("category") or []:
        if any(c.get("code") == "survey" for c in _codings(cat)):
            return True
    return False


def _quantity(q: Any) -> tuple[float, str] | None:
    if not isinstance(q, dict) or not isinstance(q.get("value"), int | float):
        return None
    return float(q["value"]), str(q.get("code") or q.get("unit") or "")


def _add_reading(
    facts: Facts,
    kind: str,
    q: tuple[float, str],
    at: datetime,
    ref: str,
    label: str,
    quote: str = "",
) -> bool:
    """Add one reading in its kind's canonical unit; False (with a note) when its unit is
    unknown or its value implausible."""
    spec = observations.spec(kind)
    value = to_canonical(kind, q[0], q[1])
    if value is None:
        facts.notes.append(
            Note(
                "unit-unknown", f"{spec['label']}单位“{q[1] or '未注明'}”无法安全换算，已忽略", ref
            )
        )
        return False
    lo, hi = spec["plausible"]
    if not lo <= value <= hi:
        facts.notes.append(
            Note(
                "implausible",
                f"{spec['label']}数值{q[0]:g}{q[1]}超出生理可能范围，疑为录入错误，已忽略",
                ref,
            )
        )
        return False
    facts.readings.setdefault(kind, []).append(Reading(kind, value, at, ref, quote))
    if kind == "glucose_fasting":  # a fasting glucose is a glucose too
        facts.readings.setdefault("glucose", []).append(Reading("glucose", value, at, ref, quote))
    return True


# Reader kind (clinical.knowledge.readings) → the facts kind of each of its values.
_WORD_KINDS = {
    "bp": ("sbp", "dbp"),
    "sbp": ("sbp",),
    "dbp": ("dbp",),
    "glucose": ("glucose",),
    "temperature": ("temp",),
    "heart_rate": ("hr",),
    "spo2": ("spo2",),
    "rr": ("rr",),
    "inr": ("inr",),
    "ketone": ("ketone",),
    "urine_ketone": ("urine_ketone",),
    "potassium": ("potassium",),
    "hemoglobin": ("hemoglobin",),
}


def _unrecognised(
    facts: Facts,
    at: datetime,
    ref: str,
    words: str,
    *,
    urgent: bool = False,
    bodily: bool = False,
) -> None:
    """Send the patient's words behind ``ref`` to a clinician (the safety-net rule quotes them).
    ``urgent``: the words may hold the red flag themselves (a residue, an unreadable reading);
    ``bodily``: words nothing reads name the body (partly understood, ``Unread.body``)."""
    if (at, ref) not in facts.unrecognised:
        facts.unrecognised.append((at, ref))
    if urgent:
        facts.unrecognised_urgent.add(ref)
    if bodily:
        facts.unrecognised_bodily.add(ref)
    before = facts.unrecognised_words.get(ref)
    facts.unrecognised_words[ref] = f"{before}，{words}"[:60] if before else words[:60]


def _normal_range(kind: str) -> tuple[float, float] | None:
    """The normal range of a facts kind (the shared discourse table's ``normal_readings``), if
    one is listed."""
    for row in discourse.table().get("normal_readings", []):
        kinds = row.get("kinds", [])
        if kinds[:1] == [kind]:
            return row["low"], row["high"]
        if kinds[1:2] == [kind]:
            return row["low2"], row["high2"]
    return None


# The kinds a ratio of two readings judges (scores.yaml ``shock_index``: HR/SBP): an interval of
# either may cross the ratio's threshold whatever the rules' own cut-offs, so such a kind is never
# settled by its interval (``_settled``).
_RATIO_KINDS = frozenset({"hr", "sbp"})
_OPS = frozenset({"lt", "le", "gt", "ge"})


def _cutoffs(node: Any, kind: str, out: set[tuple[str, float]]) -> None:
    """Every cut-off a rule file holds for ``kind`` (canonical unit): a row ``{kind, op, value}``,
    a clause ``[kind, op, value]`` (syndromes ``vitals_any``), a score band ``[low, high, points]``
    under the kind's key (``ge low``, ``le high``)."""
    if isinstance(node, dict):
        value = node.get("value")
        if node.get("kind") == kind and isinstance(value, int | float):
            out.add((node.get("op", "ge"), float(value)))
        bands = node.get(kind, {}).get("bands") if isinstance(node.get(kind), dict) else None
        for band in bands or []:
            low, high = band[0], band[1]
            if low is not None:
                out.add(("ge", float(low)))
            if high is not None:
                out.add(("le", float(high)))
        for v in node.values():
            _cutoffs(v, kind, out)
    elif isinstance(node, list):
        if len(node) == 3 and node[0] == kind and node[1] in _OPS:
            if isinstance(node[2], int | float):
                out.add((node[1], float(node[2])))
        for v in node:
            _cutoffs(v, kind, out)


@cache
def _kind_cutoffs(kind: str) -> frozenset[tuple[str, float]]:
    """The cut-offs of ``kind`` in every follow-up rule file and the shared syndrome table."""
    out: set[tuple[str, float]] = set()
    for path in DATA_DIR.glob("*.yaml"):
        _cutoffs(load(path.stem), kind, out)
    _cutoffs(shared_syndromes.table(), kind, out)
    return frozenset(out)


def _settled(kind: str, lo: float, hi: float) -> bool:
    """Whether every value of ``[lo, hi]`` falls on the same side of every cut-off the rules hold
    for ``kind`` (#15 r10): then the value judged at one end gives what any value of the
    interval gives, and the words are a reading, not an unknown that may be the red flag. A
    kind a ratio judges (``_RATIO_KINDS``) is never settled."""
    if kind in _RATIO_KINDS:
        return False
    for op, t in _kind_cutoffs(kind):
        at_lo = {"lt": lo < t, "le": lo <= t, "gt": lo > t, "ge": lo >= t}[op]
        at_hi = {"lt": hi < t, "le": hi <= t, "gt": hi > t, "ge": hi >= t}[op]
        if at_lo != at_hi:
            return False
    return True


def _bounded_reading(
    facts: Facts, u: knowledge_readings.UnreadableReading, at: datetime, ref: str, quote: str
) -> bool:
    """An approximate reading in words (血糖才二点几, 血压一百六十多, 血压八十几) whose whole
    interval lies on one side of the normal range is judged by the end nearest to normal: the
    least alarming value the words allow, so it can only raise triage by what is certain. The
    words still go to a clinician (the caller lists them as unread). An interval that reaches
    the normal range is judged, at its value nearest the range, only when every value of it
    falls between the same cut-offs (饭后血糖十点几); one wholly inside the range is not judged
    (#15 r11_metabolic); a kind without a range or a hedged number never is. Returns whether
    the words are a reading for the care team to check (review) rather than an unknown that may
    be the red flag (urgent): judged with every value of its interval between the same cut-offs
    of the rules (``_settled``, #15 r10: 血糖十二点几 after a meal), or wholly inside the normal
    range (not for a kind a ratio judges)."""
    if u.bounds is None or u.bounds_kind is None:
        return False
    kind = _WORD_KINDS[u.bounds_kind][0]
    normal = _normal_range(kind)
    unit = knowledge_readings.UNIT_CODES[u.bounds_kind]
    lo, hi = (to_canonical(kind, v, unit) for v in u.bounds)
    if normal is None or lo is None or hi is None:
        return False
    if hi < normal[0]:
        value = u.bounds[1]
    elif lo > normal[1]:
        value = u.bounds[0]
    elif _settled(kind, lo, hi):
        # inside or across the normal range (血糖五点几, 十点几) and between the same cut-offs:
        # every value is judged alike, so the value nearest the normal range stands for them all
        value = u.bounds[0] if lo >= normal[0] else u.bounds[1]
    else:
        # #15 r11_metabolic: an interval wholly inside the normal range (空腹六点几, 血糖五点多)
        # is no reading to judge (none is added), but every value it allows is normal: its
        # words are for the care team to check (review), not an unknown that may be the red
        # flag (urgent). A kind a ratio judges (HR, SBP: the shock index) is never settled so.
        return kind not in _RATIO_KINDS and normal[0] <= lo and hi <= normal[1]
    if _add_reading(facts, kind, (value, unit), at, ref, quote, quote=quote):
        facts.notes.append(
            Note(
                "patient-reported-reading-approximate",
                f"患者自述约数“{quote}”，按其中最接近正常的值{value:g}判断，请核实准确数值",
                ref,
            )
        )
        return _settled(kind, lo, hi)
    return False


# The hypoglycaemia threshold a recheck must reach (ADA Standards of Care 2024 §6: level 1 is
# <3.9 mmol/L; treat with 15 g fast carbohydrate and recheck after 15 minutes until ≥3.9).
RECHECK_GLUCOSE = 3.9


def _glucose_rechecked(
    facts: Facts, answer: str, found: list[knowledge_readings.Reading], ref: str
) -> None:
    """Whether a low glucose in one answer's words was treated and is over
    (``Facts.glucose_rechecked``; hypoglycemia.yaml ``treated_low``): the readings, in the
    order written, end in a recheck at or above ``RECHECK_GLUCOSE`` after a lower one (测了三点六，
    喝了果汁，再测六点二), or the last low is followed by a treatment word and then a recovery word
    (测了三点八，吃了两块饼干就好了). A recurrence word anywhere in the answer (又, 反复, 第二天)
    keeps it unresolved; a last reading that is still low is no recheck."""
    spec = load("hypoglycemia").get("treated_low") or {}
    text = knowledge_readings.normalise(answer)
    if any(w in text for w in spec.get("recurrent_words", [])):
        return
    values = sorted(
        (text.find(r.text), r.values[0], r.text)
        for r in found
        if r.kind == "glucose" and r.unit == "mmol/L" and r.values
    )
    lows = [(at, quote) for at, v, quote in values if v < RECHECK_GLUCOSE]
    if not lows or lows[0][0] < 0:
        return
    if values[-1][1] >= RECHECK_GLUCOSE:  # rechecked above the threshold after the low
        facts.glucose_rechecked.add(ref)
        return
    at, quote = lows[-1]
    after = text[at + len(quote) :]
    verbs = "|".join(map(re.escape, spec.get("treated_verbs", [])))
    foods = "|".join(map(re.escape, spec.get("treated_foods", [])))
    treated = (
        re.search(f"(?:{verbs}).{{0,4}}?(?:{foods})(?!药)", after) if verbs and foods else None
    )
    if treated is None:
        return
    rest = after[treated.end() :]
    if any(w in rest for w in spec.get("resolved_words", [])):
        facts.glucose_rechecked.add(ref)


def _readings_in_words(facts: Facts, answer: str, at: datetime, ref: str) -> bool:
    """Readings the patient wrote in a free-text answer or message ("血糖才二点八", "高压才85",
    "指脉氧掉到89%"), read by the one reader (``clinical.knowledge.readings``) and added as
    patient-reported readings, the words kept as their evidence, so the vitals, scores and
    glucose rules judge them as they judge a measured Observation. A labelled reading that
    cannot be read exactly (一百多, 二点几, 30多次), or whose value is implausible, goes to a
    clinician with its words; it is never assumed normal. Whether the answer held any."""
    # a patient on a glucose-lowering medicine who 测了 a decimal number measured the glucose
    found, unreadable = knowledge_readings.read_vitals(
        answer, glucose_context=facts.has_med("glucose_lowering")
    )
    _glucose_rechecked(facts, answer, found, ref)
    # "体温36度多": not one value, but every value it can be lies in the normal range
    # (discourse.yaml normal_readings bound 多 from above): read as normal, not sent on
    words_of = partial(knowledge_readings.as_written, answer)
    unread = [words_of(u.text) for u in unreadable if not lexicon.normal_reading(u.text)]
    for r in found:
        quote = words_of(r.text)
        kinds = ("glucose_fasting",) if r.kind == "glucose" and r.fasting else _WORD_KINDS[r.kind]
        ok = [
            _add_reading(facts, kind, (value, r.unit), at, ref, quote, quote=quote)
            for kind, value in zip(kinds, r.values, strict=True)
        ]
        if all(ok):
            facts.notes.append(
                Note(
                    "patient-reported-reading",
                    f"患者自述读数“{quote}”，按患者自报值判断，建议核实或复测",
                    ref,
                )
            )
        else:
            unread.append(quote)
    settled = {
        words_of(u.text)
        for u in unreadable
        if _bounded_reading(facts, u, at, ref, words_of(u.text))
    }
    if unread:
        words = "，".join(unread)
        # a labelled reading whose value cannot be read: the value may be the red flag (urgent),
        # unless every value its interval allows is judged alike (``_settled``: review)
        _unrecognised(facts, at, ref, words, urgent=not set(unread) <= settled)
        facts.notes.append(
            Note(
                "reading-unreadable",
                f"患者自述读数“{words[:40]}”无法准确读取或数值不可信，未按正常处理，请人工查看",
                ref,
            )
        )
    return bool(found or unreadable)


def _loinc_codes(concept: Any) -> list[str]:
    return [c.get("code") for c in _codings(concept) if c.get("system") == LOINC and c.get("code")]


def _when(value: Any) -> datetime | None:
    """Fast path for full ISO timestamps; partial FHIR dates go through the store's parser."""
    if isinstance(value, str) and len(value) > 10:
        try:
            dt = datetime.fromisoformat(value)
        except ValueError:
            return parse_fhir_datetime(value)
        return dt if dt.tzinfo else parse_fhir_datetime(value)
    return parse_fhir_datetime(value)


def _observation(facts: Facts, obs: dict[str, Any]) -> None:
    if obs.get("status") in ("entered-in-error", "cancelled", "preliminary"):
        return
    ref = _ref(obs)
    at = (
        _when(obs.get("effectiveDateTime"))
        or _when((obs.get("effectivePeriod") or {}).get("start"))
        or _when(obs.get("issued"))
    )
    if at is None:
        facts.notes.append(Note("no-time", "观察记录缺少时间，已忽略", ref))
        return
    if at > facts.now + timedelta(minutes=10):
        facts.notes.append(Note("future-time", "观察记录时间晚于当前时间，已忽略", ref))
        return
    codes = _loinc_codes(obs.get("code"))
    if _is_survey(obs) or (not codes and ("valueBoolean" in obs or "valueString" in obs)):
        _symptom(facts, obs, at, ref)
        return
    mapping = observations.table()
    label = _text_of(obs.get("code")) or "观察项"
    if obs.get("component"):
        used = False
        for comp in obs.get("component") or []:
            for code in _loinc_codes(comp.get("code")):
                kind = mapping["loinc"].get(code)
                q = _quantity(comp.get("valueQuantity"))
                if kind and q:
                    _add_reading(facts, kind, q, at, ref, label)
                    used = True
        if used:
            return
    for code in codes:
        kind = mapping["loinc"].get(code)
        if kind:
            q = _quantity(obs.get("valueQuantity"))
            if q is None:
                facts.notes.append(Note("no-value", f"{label}没有数值，已忽略", ref))
            else:
                _add_reading(facts, kind, q, at, ref, label)
            return
    facts.notes.append(
        Note(
            "code-unknown",
            f"未识别的观察项“{label}”（{', '.join(codes) or '无编码'}），已忽略",
            ref,
        )
    )


def _questions(facts: Facts, answer: str, ref: str) -> None:
    """The patient's questions for the care team, quoted for a clinician to answer (#15)."""
    asked = lexicon.question_clauses(answer)
    if asked:
        facts.notes.append(
            Note("patient-question", f"患者提问：“{'，'.join(asked)[:60]}”，请医护人员回复", ref)
        )


def _history(facts: Facts, answer: str, ref: str) -> None:
    """Past history in the patient's words (去年胸痛过) stays out of triage (the mention is
    absent now) and is quoted for the clinician in a ``symptom-history`` note, never for the
    patient. Source: ConText (Harkema et al., J Biomed Inform 2009): historical findings are
    not current; AM-Med clinical judgement: a history the patient volunteers is context the
    clinician should see."""
    clauses: dict[str, list[str]] = {}
    for concept, clause in lexicon.history_mentions(answer):
        clauses.setdefault(clause, []).append(lexicon.label(concept))
    # a known disease as past history (以前得过脑梗, 有糖尿病史: the shared condition reader)
    for name, clause in lexicon.condition_history(answer):
        clauses.setdefault(clause, []).append(name)
    for clause, labels in clauses.items():
        facts.notes.append(
            Note(
                HISTORY_NOTE,
                f"患者提到既往史“{clause[:40]}”（{'、'.join(dict.fromkeys(labels))}），"
                "按既往史处理，未计入当前症状，供医生参考",
                ref,
            )
        )


def _symptom(facts: Facts, obs: dict[str, Any], at: datetime, ref: str) -> None:
    question = _text_of(obs.get("code"))
    statements: list[tuple[str, bool]] = []
    read_all = False
    if isinstance(obs.get("valueString"), str):
        # readings in the patient's words (#15 round 3); an answer that is only readings is read
        has_readings = _readings_in_words(facts, obs["valueString"], at, ref)
        read_all = has_readings and not lexicon.unread_clauses(obs["valueString"])
    if isinstance(obs.get("valueBoolean"), bool):
        statements = [
            (m.concept, obs["valueBoolean"] and not m.negated)
            for m in lexicon.match(question, asked=True)
        ]
    elif isinstance(obs.get("valueString"), str):
        answer = obs["valueString"]
        polarity = lexicon.answer_polarity(answer)
        if polarity is not None:
            statements = [
                (m.concept, polarity and not m.negated) for m in lexicon.match(question, asked=True)
            ]
        else:
            statements = [(m.concept, not m.negated) for m in lexicon.match(answer)]
            if not statements:
                statements = [
                    (m.concept, not m.negated) for m in lexicon.match(question, asked=True)
                ]
    text = " ".join(x for x in (question, obs.get("valueString") or "") if x)
    if isinstance(obs.get("valueString"), str):
        _history(facts, obs["valueString"], ref)
    if not statements and read_all:
        return  # only readings (and reassurance): the reading rules judge them
    if not statements:
        # Free text in the patient's own words that we cannot read goes to a clinician; an
        # unknown yes/no question answered "yes" is only noted (it may be "took my pills").
        affirmed = (
            isinstance(obs.get("valueString"), str)
            and lexicon.answer_polarity(obs["valueString"]) is None
        )
        asked = affirmed and lexicon.only_questions(obs["valueString"])
        if asked:  # a question for the care team, not an unknown complaint (#15 round 2)
            _questions(facts, obs["valueString"], ref)
            return
        if affirmed and lexicon.acknowledgement(obs["valueString"]):
            # "好的，知道了", "谢谢你们护士，照顾得很周到": every clause read, nothing to judge
            # (#15 r3); a question among them is still quoted for the care team.
            _questions(facts, obs["valueString"], ref)
            return
        if (
            affirmed
            and lexicon.denial_or_history(obs["valueString"])
            and not lexicon.unread_clauses(obs["valueString"])
        ):
            # "没有出血", "以前得过脑梗": a denial of a concept no rule names, or a history
            # (noted above for the clinician); every clause read, nothing to judge (review h5)
            _questions(facts, obs["valueString"], ref)
            return
        if affirmed:  # the patient says something is wrong and we cannot tell what
            facts.unrecognised.append((at, ref))
            facts.unrecognised_words[ref] = obs["valueString"].strip()[:60]
            # partly understood: a clause of it names the body (the shared reader, #15)
            if any(u.body for u in lexicon.unread_parts(obs["valueString"])):
                facts.unrecognised_bodily.add(ref)
        if text:
            facts.notes.append(
                Note(
                    "symptom-unrecognised",
                    f"患者自述“{text[:40]}”未匹配到已知症状，请人工查看",
                    ref,
                )
            )
        return
    answer = obs.get("valueString")
    if isinstance(answer, str):
        for clause, keys in discourse.taken_medicines(answer):
            facts.stated_medicines.append((at, ref, clause, keys))
        for clause, keys in discourse.stopped_medicines(answer):
            facts.stated_medicines.append((at, ref, clause, keys))
    if isinstance(answer, str) and lexicon.answer_polarity(answer) is None:
        _questions(facts, answer, ref)
        parts = lexicon.unread_parts(answer)
        unread = [u.words for u in parts]
        if unread:  # partly understood: the unread clauses go to a clinician (#15)
            # the residue of a clause read through a complaint stays urgent (its qualifier may
            # be the red flag), so does a whole unread clause that names the body (partly
            # understood); any other whole clause in which nothing was read is for review
            residue = any(u.partial for u in parts)
            bodily = any(u.body for u in parts)
            _unrecognised(facts, at, ref, "，".join(unread), urgent=residue, bodily=bodily)
            facts.notes.append(
                Note(
                    "symptom-partly-unrecognised",
                    f"患者自述中“{'，'.join(unread)[:40]}”未能识别，请人工查看",
                    ref,
                )
            )
    seen: dict[str, bool] = {}
    for concept, present in statements:  # within one answer, "present" wins
        seen[concept] = seen.get(concept, False) or present
    for concept, present in seen.items():
        prev = facts.symptoms.get(concept)
        if prev is None or at > prev.at:
            facts.symptoms[concept] = Symptom(concept, present, at, ref, text)
        elif at == prev.at and present != prev.present:
            facts.conflicts.append(
                Note(
                    "symptom-conflict",
                    f"同一时间对“{lexicon.label(concept)}”的回答相互矛盾，按“有”处理",
                    ref,
                )
            )
            facts.symptoms[concept] = Symptom(concept, True, at, ref, text)


def _procedure_time(proc: dict[str, Any]) -> datetime | None:
    return parse_fhir_datetime(proc.get("performedDateTime")) or parse_fhir_datetime(
        (proc.get("performedPeriod") or {}).get("end")
        or (proc.get("performedPeriod") or {}).get("start")
    )


def build_facts(
    record: PatientRecord,
    now: datetime,
    recorded_adherence: Sequence[RecordedAdherence] = (),
) -> Facts:
    """Facts about ``record`` at ``now`` (pure: no queries). Age, conditions (lab-derived ones
    too) and medications come from the one shared patient context
    (``clinical.knowledge.patient``): an on-hold order counts (a held warfarin still
    anticoagulates), as does one stopped within its washout window. ``recorded_adherence``:
    the orders' dose records, read by the caller (``runs.evaluate``), carried as they are."""
    shared = knowledge_patient.build(record, now=now)
    facts = Facts(
        patient_id=str(record.patient.get("id")),
        now=now,
        age=int(shared.age_years) if shared.age_years is not None else None,
        patient=shared,
        recorded_adherence=tuple(recorded_adherence),
    )
    for cond in shared.conditions:
        if cond.ref.startswith("Condition/"):
            facts.condition_refs.append(cond.ref)
        for flag in condition_flags(cond.keys):
            facts.conditions.setdefault(flag, []).append(cond.ref)
    for episode in shared.episodes:  # a window without a date is said, never assumed (#15 E)
        if episode.day is None:
            facts.notes.append(
                Note(
                    "window-undated",
                    shared_syndromes.undated_note(episode.finding(shared.today)),
                    episode.ref,
                )
            )
    for order in shared.unread_orders:  # never absent: named to a clinician (#23)
        facts.notes.append(
            Note(
                "medication-unread",
                f"用药记录“{order.text[:30]}”未能识别为已知药物，请人工核对（相关症状按可能属于需警惕的药物类别判断）",
                order.ref,
            )
        )
    for order in shared.orders:
        facts.med_names[order.ref] = order.text.split(" ")[0] or "药物"
        for flag in medication_flags(order.search_text, order.atc):
            facts.meds.setdefault(flag, []).append(order.ref)
    for proc in record.procedures:
        if proc.get("status") not in ("completed", "in-progress", None):
            continue
        when = _procedure_time(proc)
        codes = shared_syndromes.procedure_codes(
            (str(c.get("system") or ""), str(c.get("code") or ""))
            for c in _codings(proc.get("code"))
        )
        text = _text_of(proc.get("code"))
        facts.procedures_codes.append((" ".join(codes), text, when))
        if when is not None and when <= now and now - when <= timedelta(days=90):
            is_chemo = "化疗" in text
            if is_chemo:
                facts.meds.setdefault("chemotherapy", []).append(_ref(proc))
            else:
                facts.surgeries.append((when, _ref(proc), text))
    for enc in record.encounters:
        end = parse_fhir_datetime((enc.get("period") or {}).get("end"))
        if end is not None and end <= now and (facts.discharge is None or end > facts.discharge):
            facts.discharge = end
    for obs in record.observations:
        try:
            _observation(facts, obs)
        except Exception:  # an unreadable Observation is named and sent to review, never fatal
            log.exception("follow-up could not read one Observation")
            facts.notes.append(Note("unreadable", "一条观察记录无法解析，已转人工复核", _ref(obs)))
            facts.unrecognised.append((now, _ref(obs)))
            facts.unrecognised_words[_ref(obs)] = "（无法解析的记录）"
            facts.unrecognised_urgent.add(_ref(obs))  # a record, not words: it may be a vital
    for kind, rows in facts.readings.items():
        rows[:] = _without_repeats(rows)
        rows.sort(key=lambda r: r.at)
        _check_conflicts(facts, kind)
    _stated_flags(facts)
    return facts


def _stated_flags(facts: Facts) -> None:
    """The medication flags of what the patient says they take (``Facts.stated_medicines``,
    72 h), with the answer as their evidence: every rule that reads a medicine (iron explaining
    black stools, critical-medicine adherence, the hypoglycaemia cluster) reads a stated one as
    it reads an order (#15, the lead's probes). The answer's clause stays unread for the care
    team to reconcile."""
    for at, ref, clause, keys in facts.stated_medicines:
        if facts.now - at > SYMPTOM_WINDOW:
            continue
        for flag in medication_flags(clause, ()):
            if ref not in facts.meds.setdefault(flag, []):
                facts.meds[flag].append(ref)
        names = [knowledge_drugs.ingredient(k).name_zh for k in keys]
        if names:
            facts.med_names.setdefault(ref, "、".join(names))


REPEAT_WINDOW = timedelta(minutes=10)


def _without_repeats(rows: list[Reading]) -> list[Reading]:
    """A reading in words that repeats a measured Observation of the same value within minutes
    (the agent stores a typed reading and the message text) is the same reading, counted once."""
    measured = [r for r in rows if not r.quote]
    return [
        r
        for r in rows
        if not r.quote
        or not any(m.value == r.value and abs(m.at - r.at) <= REPEAT_WINDOW for m in measured)
    ]


def _check_conflicts(facts: Facts, kind: str) -> None:
    spread = CONFLICT_SPREAD.get(kind)
    group = facts.current_group(kind)
    if spread is None or len(group) < 2:
        return
    values = [r.value for r in group]
    if max(values) - min(values) >= spread:
        label = observations.spec(kind)["label"]
        facts.conflicts.append(
            Note(
                f"conflict-{kind}",
                f"1小时内{label}读数相互矛盾（{min(values)}–{max(values)}），按较危险的读数判断，建议复测",
                group[-1].ref,
            )
        )
