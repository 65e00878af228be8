"""Dangerous combinations (syndromes) as data: ONE table, ONE evaluator, for every engine (#15).

``data/syndromes.yaml`` holds every combination rule (symptom concepts of the shared lexicon ×
shared condition keys × shared drug classes × procedure/statement windows × vital signs × age,
sex, fever days), each with its level, patient wording, clinician wording and source. Follow-up
(``clinical.followup.services.rules.syndromes``) and medication guidance
(``clinical.medkb.services.red_flags``) translate what they know into the neutral ``Findings``
below and map the returned ``Match`` levels to their own dispositions; neither keeps a copy.

Invariants:
- a rule fires only when every clause of its ``when`` holds; what a clause needs and the input
  does not carry (no vital sign measured, no procedure date, fever days unknown) never holds:
  nothing is guessed. A window's event without a usable date (a delivery Condition with no
  onset or recorded date, a Procedure with no performed date) neither opens it nor counts as
  outside it: ``undated_window_matches``
  names the rules that would fire if it were within, for the engines to send to a clinician
  (as ``unread_medicine_matches`` does for an unread medicine);
- a window opens from a Procedure, the patient's own words, or (#15 task E) a Condition or an
  Encounter: its ICD-10 code or words, an Encounter's class (an inpatient stay) or reason; a
  window restricted to one ``sex`` never opens on a record of the other sex (unknown: opens). ``none`` holds when none of its clauses hold. The one exception is
  ``gestation_not_below: N``: it fails only on a KNOWN gestation under N weeks (an unknown
  gestation is never assumed early, so a pregnancy rule still fires);
- a vital sign clause is judged on the most concerning value of the current group the engine
  passes (a contradictory pair is read towards danger);
- a match only adds a reason: the consumer never lowers anything because of it;
- the table is validated on load: every concept, condition key, drug class, window, vital kind
  and clause must be known, every rule and window must name a source and every window something
  to match (a procedure kind, any procedure, or a statement concept).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from clinical.knowledge import conditions as kc
from clinical.knowledge import drugs as kd
from clinical.knowledge import symptoms as lexicon

DATA = Path(__file__).resolve().parent / "data" / "syndromes.yaml"
# ``routine``: a combination worth naming that sends no one sooner (noticed r2: diarrhoea with
# fever) — follow-up's disposition stays routine, guidance keeps its ``masking`` classes.
LEVELS = ("routine", "urgent", "emergency")
# ``masking: true``: the products that relieve pain or fever (they could hide the pain, the
# peritonism or the fever a doctor needs to judge). A rule may instead list the classes that
# could hide or worsen its sign (``masking: [classes]`` with a ``masking_source``).
PAIN_FEVER_CLASSES = frozenset({"analgesic", "antipyretic", "nsaid", "opioid"})
VITAL_KINDS = frozenset(
    # emergency set r6 (#15): laboratory kinds the record rules read (observations.yaml)
    {"temp", "hr", "sbp", "dbp", "spo2", "rr", "glucose", "hemoglobin"}
    | {"anc", "potassium", "calcium", "qtc"}
    # #15 the lead's probes: ketones (blood, urine grade) with the symptoms of ketoacidosis
    | {"ketone", "urine_ketone"}
)
_OPS = {
    "lt": lambda v, t: v < t,
    "le": lambda v, t: v <= t,
    "gt": lambda v, t: v > t,
    "ge": lambda v, t: v >= t,
}
_CLAUSES = frozenset(
    {
        "symptoms_any",
        "symptoms_min",
        "site",
        "conditions_any",
        "meds_any",
        "window",
        "vitals_any",
        "repeat_vitals",
        "falls_by",
        "measured",
        "age_min",
        "age_max",
        "age_below",
        "sex",
        "fever_days_min",
        "gestation_not_below",
        "any",
        "all",
        "none",
    }
)


# What a window matches on: at least one is required (a window that can never hold is a typo).
_WINDOW_MATCH = (
    "any_procedure",
    "procedure_words",
    "procedure_codes",
    "procedure_icd9cm3",
    "symptoms_any",
    "condition_icd10",
    "condition_words",
    "encounter_classes",
)
# What a window reads from Conditions and Encounters (#15 task E) needs a source of its own.
_EPISODE_MATCH = ("condition_icd10", "condition_words", "encounter_classes")
# What a window reads from a Procedure: an undated one is an episode of it (its undated_zh note).
_PROCEDURE_MATCH = ("any_procedure", "procedure_words", "procedure_codes", "procedure_icd9cm3")
# In ``condition_words`` an ellipsis joins parts that must appear in this order (甲状腺…术后).
WORD_GAP = "…"
# ICD-9-CM-3 (手术操作分类代码国家临床版3.0): the operation codes of Chinese EMRs. A coding of one
# of these systems, or any code shaped like one (two digits, a dot, a digit: 06.4, 81.51,
# 45.7x00), is read as ICD-9-CM-3; SNOMED CT codes never hold a dot.
ICD9CM_SYSTEMS = frozenset(
    {"http://hl7.org/fhir/sid/icd-9-cm", "http://hl7.org/fhir/sid/icd-9-cm-3", "icd-9-cm-3"}
)
ICD9CM_TAG = "icd9cm3:"
_ICD9CM_SHAPE = re.compile(r"^\d{2}\.\d")


class SyndromeDataError(ValueError):
    """``data/syndromes.yaml`` is malformed (unknown concept, class, window, clause…)."""


# --------------------------------------------------------------------------- input


@dataclass(frozen=True)
class Symptom:
    """A symptom concept the patient reports now (present, not denied, not stale)."""

    concept: str
    ref: str = ""
    sites: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Value:
    """One measured value in the kind's canonical unit (temp ℃, glucose mmol/L, Hb g/L…)."""

    value: float
    ref: str = ""
    at: datetime | None = None


@dataclass(frozen=True)
class Procedure:
    """A procedure (surgery, delivery) with the days since it; text and codes may be empty
    (guidance knows only "surgery N days ago": it matches windows that take any procedure)."""

    days_since: float
    text: str = ""
    codes: tuple[str, ...] = ()
    ref: str = ""


@dataclass(frozen=True)
class Episode:
    """A Condition or an Encounter that opens windows (#15 task E): the windows it is of
    (``episode_windows``), the days since it (``None``: no usable date, never assumed in or
    out of a window), its wording and reference. ``assume_within`` is set only by
    ``undated_window_matches``."""

    windows: frozenset[str]
    days_since: float | None
    text: str = ""
    ref: str = ""
    assume_within: bool = False


@dataclass(frozen=True)
class Findings:
    """What an engine knows about a patient now, in shared vocabulary.

    ``conditions``: shared condition key → evidence refs (pregnancy included);
    ``medicines``: shared drug class → refs (``medicine_classes`` builds it);
    ``vitals``: kind → the current group (the latest value and any within the engine's
    contradiction window); ``series``: kind → recent values oldest first, for repeat clauses.
    """

    symptoms: Mapping[str, Symptom] = field(default_factory=dict)
    conditions: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    medicines: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    age_years: float | None = None
    sex: str | None = None
    procedures: tuple[Procedure, ...] = ()
    vitals: Mapping[str, tuple[Value, ...]] = field(default_factory=dict)
    series: Mapping[str, tuple[Value, ...]] = field(default_factory=dict)
    fever_days: float | None = None
    gestation_weeks: float | None = None  # completed weeks of a current pregnancy, if known
    episodes: tuple[Episode, ...] = ()  # Conditions and Encounters that open windows


@dataclass(frozen=True)
class Match:
    """A rule that fired: its level, wording (``{labels}`` filled in), source and evidence."""

    code: str
    group: str
    level: str  # routine | urgent | emergency
    text: str  # patient wording (simplified Chinese)
    clinician: str  # clinician wording (what is suspected and why)
    source: str
    masking: bool  # some OTC products could hide or worsen the sign: guidance avoids them
    evidence: tuple[str, ...]
    concepts: tuple[str, ...]  # symptom concepts that made it fire, in order
    vital_kinds: frozenset[str]  # vital kinds that made it fire
    masking_classes: frozenset[str] = frozenset()  # the drug classes guidance avoids
    masking_source: str = ""  # why those classes (the rule's source when ``masking: true``)


# --------------------------------------------------------------------------- data


@cache
def table() -> dict[str, Any]:
    """The validated table: ``{"windows": {...}, "rules": [...]}``."""
    with DATA.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    _validate(data)
    return data


def rules() -> list[dict[str, Any]]:
    return table()["rules"]


def windows() -> dict[str, Any]:
    return table()["windows"]


def _walk(when: list[dict[str, Any]]) -> Iterable[dict[str, Any]]:
    for clause in when:
        yield clause
        for key in ("any", "all", "none"):
            yield from _walk(clause.get(key, []))


@cache
def named_concepts() -> frozenset[str]:
    """Every symptom concept the table or its windows name (follow-up's known concepts)."""
    out: set[str] = set()
    for spec in windows().values():
        out |= set(spec.get("symptoms_any", []))
    for row in rules():
        for c in _walk(row["when"]):
            out |= set(c.get("symptoms_any", [])) | set(c.get("symptoms_min", {}).get("of", []))
            if "site" in c:
                out.add(c["site"]["concept"])
    return frozenset(out)


@cache
def named_classes() -> frozenset[str]:
    return frozenset(
        m for row in rules() for c in _walk(row["when"]) for m in c.get("meds_any", [])
    )


@cache
def named_vital_kinds() -> frozenset[str]:
    out: set[str] = set()
    for row in rules():
        for c in _walk(row["when"]):
            out |= {k for k, _, _ in c.get("vitals_any", [])} | set(c.get("measured", []))
            for key in ("repeat_vitals", "falls_by"):
                if key in c:
                    out.add(c[key]["kind"])
    return frozenset(out)


def _validate(data: dict[str, Any]) -> None:
    concepts = set(lexicon.concepts())
    classes = set(kd.classes())
    conds = set(kc.conditions())
    wins = data.get("windows") or {}
    for name, spec in wins.items():
        if not spec.get("source") or not spec.get("days", 0) > 0:
            raise SyndromeDataError(f"syndromes.yaml window {name}: needs days and a source")
        if not any(spec.get(k) for k in _WINDOW_MATCH):
            raise SyndromeDataError(f"syndromes.yaml window {name}: matches nothing")
        if unknown := set(spec.get("symptoms_any", [])) - concepts:
            raise SyndromeDataError(f"syndromes.yaml window {name}: unknown concepts {unknown}")
        if any(spec.get(k) for k in _EPISODE_MATCH) and not (
            spec.get("episode_source") and spec.get("undated_zh")
        ):
            raise SyndromeDataError(
                f"syndromes.yaml window {name}: a Condition/Encounter match needs an "
                "episode_source and an undated_zh note"
            )
        if any(spec.get(k) for k in _PROCEDURE_MATCH) and not spec.get("undated_zh"):
            raise SyndromeDataError(
                f"syndromes.yaml window {name}: a procedure match needs an undated_zh note"
            )
        if unknown := set(spec.get("not_current_conditions", [])) - conds:
            raise SyndromeDataError(f"syndromes.yaml window {name}: unknown conditions {unknown}")
        if spec.get("breastfeeding_days") and not spec.get("breastfeeding_source"):
            raise SyndromeDataError(
                f"syndromes.yaml window {name}: breastfeeding_days needs a source"
            )
        if spec.get("sex") not in (None, "female", "male"):
            raise SyndromeDataError(f"syndromes.yaml window {name}: sex {spec['sex']!r}")
    seen: set[str] = set()
    for row in data.get("rules") or []:
        code = row.get("code")
        for key in ("code", "level", "text", "clinician", "source", "when"):
            if not row.get(key):
                raise SyndromeDataError(f"syndromes.yaml rule {code!r} lacks {key}")
        if code in seen:
            raise SyndromeDataError(f"syndromes.yaml: duplicate code {code}")
        seen.add(code)
        if row["level"] not in LEVELS:
            raise SyndromeDataError(f"syndromes.yaml {code}: level {row['level']!r}")
        masking = row.get("masking", False)
        if isinstance(masking, list):
            if not masking or not row.get("masking_source"):
                raise SyndromeDataError(
                    f"syndromes.yaml {code}: a masking list needs classes and a masking_source"
                )
            if unknown := set(masking) - classes:
                raise SyndromeDataError(f"syndromes.yaml {code}: unknown masking classes {unknown}")
        elif not isinstance(masking, bool):
            raise SyndromeDataError(f"syndromes.yaml {code}: masking is true/false or classes")
        for c in _walk(row["when"]):
            if bad := set(c) - _CLAUSES:
                raise SyndromeDataError(f"syndromes.yaml {code}: unknown clause {bad}")
            named = set(c.get("symptoms_any", [])) | set(c.get("symptoms_min", {}).get("of", []))
            if "site" in c:
                named.add(c["site"]["concept"])
            if unknown := named - concepts:
                raise SyndromeDataError(f"syndromes.yaml {code}: unknown concepts {unknown}")
            if unknown := set(c.get("conditions_any", [])) - conds:
                raise SyndromeDataError(f"syndromes.yaml {code}: unknown conditions {unknown}")
            if unknown := set(c.get("meds_any", [])) - classes:
                raise SyndromeDataError(f"syndromes.yaml {code}: unknown classes {unknown}")
            if "window" in c and c["window"] not in wins:
                raise SyndromeDataError(f"syndromes.yaml {code}: unknown window {c['window']}")
            kinds = {k for k, _, _ in c.get("vitals_any", [])} | set(c.get("measured", []))
            for key in ("repeat_vitals", "falls_by"):
                if key in c:
                    kinds.add(c[key]["kind"])
            if unknown := kinds - VITAL_KINDS:
                raise SyndromeDataError(f"syndromes.yaml {code}: unknown vital kinds {unknown}")
            for _, op, _ in c.get("vitals_any", []):
                if op not in _OPS:
                    raise SyndromeDataError(f"syndromes.yaml {code}: operator {op!r}")


# --------------------------------------------------------------------------- input helpers


def medicine_classes(
    orders: Iterable[tuple[str, Iterable[str], Iterable[str], str]],
) -> dict[str, tuple[str, ...]]:
    """Shared drug class → refs for every class the table names, from orders given as
    ``(text, atc codes, ingredient keys, ref)``: a named ingredient of the class (parents
    count), an ATC code under the class, or a class term in the text (化疗, 低分子肝素)."""
    out: dict[str, list[str]] = {}
    for text, atc, keys, ref in orders:
        atc_t, keys_t = tuple(atc), tuple(keys)
        for cls in named_classes():
            if any(cls in kd.classes_of(k) for k in keys_t) or kd.medication_in_class(
                text, cls, atc_t
            ):
                out.setdefault(cls, []).append(ref)
    return {k: tuple(v) for k, v in out.items()}


def procedure_codes(codings: Iterable[tuple[str, str]]) -> tuple[str, ...]:
    """THE reader of a Procedure's codings for the windows: SNOMED CT codes (or codes without a
    system) as they are, ICD-9-CM-3 codes as ``icd9cm3:<code without dot>`` (06.4 →
    ``icd9cm3:064``, 81.5100 → ``icd9cm3:815100``); codes of other systems are left out (a
    hospital's local code could collide with a SNOMED CT one; its text still counts)."""
    out: list[str] = []
    for system, code in codings:
        code = (code or "").strip()
        if not code:
            continue
        if system in ICD9CM_SYSTEMS or _ICD9CM_SHAPE.match(code):
            out.append(ICD9CM_TAG + code.replace(".", "").upper())
        elif system in (kc.SNOMED, ""):
            out.append(code)
    return tuple(dict.fromkeys(out))


def _procedure_matches(spec: Mapping[str, Any], p: Procedure) -> bool:
    """A procedure is of a window's kind by its wording (folded: 甲狀腺 = 甲状腺), an exact
    SNOMED CT code, or an ICD-9-CM-3 code under one of the window's prefixes."""
    if spec.get("any_procedure"):
        return True
    text = kd.fold(p.text)
    if any(kd.fold(w) in text for w in spec.get("procedure_words", [])):
        return True
    if set(spec.get("procedure_codes", [])) & set(p.codes):
        return True
    prefixes = [
        ICD9CM_TAG + str(c).replace(".", "").upper() for c in spec.get("procedure_icd9cm3", [])
    ]
    return any(code.startswith(pre) for code in p.codes for pre in prefixes)


def procedure_windows(text: str, codes: Iterable[str] = ()) -> frozenset[str]:
    """THE reader of the windows a Procedure opens whatever its date: those whose procedure
    matchers its wording or codes meet (``_procedure_matches``). A Procedure without a usable
    date is kept as an undated episode of them (noticed bugs #15/#23 item 1): when it happened
    is unknown, never assumed too long ago (``undated_window_matches``)."""
    p = Procedure(0.0, text, tuple(codes))
    return frozenset(
        name
        for name, spec in windows().items()
        if any(spec.get(k) for k in _PROCEDURE_MATCH) and _procedure_matches(spec, p)
    )


def _words_in(pattern: str, text: str) -> bool:
    """``pattern`` in ``text`` (folded); parts joined by ``…`` must appear in that order."""
    at = 0
    for part in kd.fold(pattern).split(WORD_GAP):
        at = text.find(part, at)
        if at < 0:
            return False
        at += len(part)
    return True


def _reason_matches(spec: Mapping[str, Any], codings: Iterable[tuple[str, str]], text: str) -> bool:
    """A Condition (or an Encounter's reason) is of a window's kind by an ICD-10 code under one
    of its prefixes, or by its words unless they say it is history (史, 既往: a caesarean in 2010
    is not a delivery now; a coded O82 is a delivery whatever its text, and its date decides)."""
    prefixes = [str(p).replace(".", "").upper() for p in spec.get("condition_icd10", [])]
    for system, code in codings:
        flat = (code or "").replace(".", "").upper()
        if (system in kc.ICD10_SYSTEMS or system == "icd10") and flat:
            if any(flat.startswith(p) for p in prefixes):
                return True
    folded = kd.fold(text)
    if any(kd.fold(w) in folded for w in spec.get("condition_not_words", [])):
        return False
    return any(_words_in(w, folded) for w in spec.get("condition_words", []))


def episode_windows(
    kind: str,
    codings: Iterable[tuple[str, str]] = (),
    text: str = "",
    encounter_class: str = "",
) -> frozenset[str]:
    """THE reader of what a Condition or an Encounter opens (#15 task E): the windows whose
    ``condition_icd10``/``condition_words`` its codes or words meet (an Encounter through its
    reasons), and for an Encounter the windows whose ``encounter_classes`` hold its class (v3
    ActCode IMP: an inpatient stay). ``kind`` is ``condition`` or ``encounter``."""
    codings = tuple(codings)
    out = set()
    for name, spec in windows().items():
        if kind == "encounter" and encounter_class in spec.get("encounter_classes", []):
            out.add(name)
        elif (codings or text) and _reason_matches(spec, codings, text):
            out.add(name)
    return frozenset(out)


def breastfeeding_days() -> dict[str, int]:
    """Window → days after its event (a delivery) within which a mother whose record does not
    say is read as possibly breastfeeding (``breastfeeding_days`` of the window, with its
    ``breastfeeding_source``)."""
    return {
        name: int(spec["breastfeeding_days"])
        for name, spec in windows().items()
        if spec.get("breastfeeding_days")
    }


def not_current_conditions(window_names: Iterable[str]) -> frozenset[str]:
    """Condition keys that a Condition opening these windows is NOT, now: a delivery (ICD-10
    O80–O84, under the pregnancy key's prefix O) is read through the post-partum window, with
    its date, not as a current pregnancy (``not_current_conditions`` of the window)."""
    out: set[str] = set()
    for name in window_names:
        out |= set(windows()[name].get("not_current_conditions", []))
    return frozenset(out)


UNDATED_SOURCE = (
    "AM-Med clinical judgement (#15 task E): a record that opens a risk window (a delivery, an "
    "admission, an operation) without a usable date may be within it; when it happened is "
    "unknown, never assumed too long ago, so the rule's level stands until a clinician checks "
    "the date"
)


def undated_records(f: Findings) -> tuple[str, str]:
    """How the engines name the undated episodes of ``f``: the records as quoted to the patient
    (“O82 剖宫产分娩”) and the clinician notes (``undated_note``), each once; ("", "") if none."""
    undated = [e for e in f.episodes if e.days_since is None]
    names = "、".join(f"“{e.text[:30]}”" for e in undated)
    return names, "；".join(dict.fromkeys(undated_note(e) for e in undated))


def undated_note(e: Episode) -> str:
    """The clinician note of an undated episode: ``产后时间不明：“O82 剖宫产分娩”无日期…``."""
    label = "、".join(dict.fromkeys(windows()[w]["undated_zh"] for w in sorted(e.windows)))
    what = f"“{e.text[:30]}”" if e.text else "一条记录"
    return f"{label}：{what}没有可用日期，相关时间窗按“不明”处理（不视为已过），请核实日期"


def compare(value: float, op: str, threshold: float) -> bool:
    return bool(_OPS[op](value, threshold))


def worst(group: Iterable[Value], op: str) -> Value:
    """The most concerning value of a (possibly contradictory) group for a rule's direction."""
    if op in ("lt", "le"):
        return min(group, key=lambda v: v.value)
    return max(group, key=lambda v: v.value)


# --------------------------------------------------------------------------- evaluation


class _Hit:
    def __init__(self) -> None:
        self.concepts: list[str] = []
        self.refs: list[str] = []
        self.kinds: set[str] = set()

    def add(self, other: _Hit) -> None:
        self.concepts += [c for c in other.concepts if c not in self.concepts]
        self.refs += other.refs
        self.kinds |= other.kinds

    def symptom(self, s: Symptom) -> None:
        if s.concept not in self.concepts:
            self.concepts.append(s.concept)
        if s.ref:
            self.refs.append(s.ref)


def _window(f: Findings, name: str) -> _Hit | None:
    spec = windows()[name]
    if (
        spec.get("sex")
        and f.sex is not None
        and f.sex in ("female", "male")
        and f.sex != spec["sex"]
    ):
        return None  # a post-partum window never opens on a man's record (his wife's delivery)
    hit = _Hit()
    for e in f.episodes:
        if name not in e.windows:
            continue
        within = (
            e.days_since is not None and spec.get("min_days", 0) <= e.days_since <= spec["days"]
        )
        if within or (e.days_since is None and e.assume_within):
            if e.ref:
                hit.refs.append(e.ref)
            return hit
    for p in f.procedures:
        if p.days_since < spec.get("min_days", 0) or p.days_since > spec["days"]:
            continue
        if _procedure_matches(spec, p):
            if p.ref:
                hit.refs.append(p.ref)
            return hit
    for concept in spec.get("symptoms_any", []):
        if s := f.symptoms.get(concept):
            hit.symptom(s)
            return hit
    return None


def _vitals(f: Findings, rows: list[list[Any]]) -> _Hit | None:
    for kind, op, threshold in rows:
        group = f.vitals.get(kind)
        if not group:
            continue
        value = worst(group, op)
        if compare(value.value, op, float(threshold)):
            hit = _Hit()
            hit.kinds.add(kind)
            if value.ref:
                hit.refs.append(value.ref)
            return hit
    return None


def _repeat(f: Findings, spec: dict[str, Any]) -> _Hit | None:
    """The last ``n`` values of a kind, all within ``minutes`` of the newest, all meet the
    threshold (a low glucose still low on the 15-minute recheck)."""
    rows = list(f.series.get(spec["kind"], ()))[-spec["n"] :]
    if len(rows) < spec["n"] or any(r.at is None for r in rows):
        return None
    if rows[-1].at - rows[0].at > timedelta(minutes=spec["minutes"]):  # type: ignore[operator]
        return None
    if not all(compare(r.value, spec["op"], float(spec["value"])) for r in rows):
        return None
    hit = _Hit()
    hit.kinds.add(spec["kind"])
    hit.refs += [r.ref for r in rows if r.ref]
    return hit


def _falls(f: Findings, spec: dict[str, Any]) -> _Hit | None:
    """The current value of a kind lies at least ``by`` below an earlier value measured within
    ``days`` before it (a haemoglobin fallen by 20 g/L: ISTH major bleeding). Values without a
    time never count; a single value is no fall."""
    group = f.vitals.get(spec["kind"])
    rows = [r for r in f.series.get(spec["kind"], ()) if r.at is not None]
    if not group or not rows:
        return None
    now = worst(group, "lt")
    if now.at is None:
        return None
    span = timedelta(days=spec["days"])
    earlier = [r for r in rows if r.at < now.at and now.at - r.at <= span]  # type: ignore[operator]
    top = max(earlier, key=lambda r: r.value, default=None)
    if top is None or top.value - now.value < float(spec["by"]):
        return None
    hit = _Hit()
    hit.kinds.add(spec["kind"])
    hit.refs += [r.ref for r in (top, now) if r.ref]
    return hit


def _clause(f: Findings, clause: dict[str, Any]) -> _Hit | None:
    """The evidence that ``clause`` holds, or None."""
    hit = _Hit()
    for key, arg in clause.items():
        if key == "symptoms_any":
            found = [s for c in arg if (s := f.symptoms.get(c))]
            if not found:
                return None
            for s in found:
                hit.symptom(s)
        elif key == "symptoms_min":
            found = [s for c in arg["of"] if (s := f.symptoms.get(c))]
            if len(found) < arg["n"]:
                return None
            for s in found:
                hit.symptom(s)
        elif key == "site":
            s = f.symptoms.get(arg["concept"])
            # ``or_unsited``: a report with no body site holds too (胸闷，坐着也闷: the at-rest
            # words take no site of their own), one only at other sites does not
            unsited = bool(arg.get("or_unsited")) and s is not None and not s.sites
            if s is None or not (unsited or s.sites & set(arg["sites"])):
                return None
            hit.symptom(s)
        elif key in ("conditions_any", "meds_any"):
            table_ = f.conditions if key == "conditions_any" else f.medicines
            refs = [r for k in arg for r in table_.get(k, ())]
            if not any(k in table_ for k in arg):
                return None
            hit.refs += [r for r in refs if r]
        elif key == "window":
            sub = _window(f, arg)
            if sub is None:
                return None
            hit.add(sub)
        elif key == "vitals_any":
            sub = _vitals(f, arg)
            if sub is None:
                return None
            hit.add(sub)
        elif key == "repeat_vitals":
            sub = _repeat(f, arg)
            if sub is None:
                return None
            hit.add(sub)
        elif key == "falls_by":
            sub = _falls(f, arg)
            if sub is None:
                return None
            hit.add(sub)
        elif key == "measured":
            if not all(f.vitals.get(k) for k in arg):
                return None
            hit.refs += [f.vitals[k][-1].ref for k in arg if f.vitals[k][-1].ref]
        elif key == "age_min":
            if f.age_years is None or f.age_years < arg:
                return None
        elif key == "age_max":  # inclusive, in completed years
            if f.age_years is None or int(f.age_years) > arg:
                return None
        elif key == "age_below":  # exclusive, fractional years (0.25 = 3 months)
            if f.age_years is None or f.age_years >= arg:
                return None
        elif key == "sex":
            if f.sex != arg:  # unknown never matches
                return None
        elif key == "fever_days_min":
            if f.fever_days is None or f.fever_days < arg:
                return None
        elif key == "gestation_not_below":  # unknown weeks hold: never assumed early
            if f.gestation_weeks is not None and f.gestation_weeks < arg:
                return None
        elif key in ("any", "all", "none"):
            subs = [_clause(f, c) for c in arg]
            held = [s for s in subs if s is not None]
            if key == "any" and not held:
                return None
            if key == "all" and len(held) < len(subs):
                return None
            if key == "none":
                if held:
                    return None
                continue
            for s in held:
                hit.add(s)
        else:  # validated on load; kept as a guard
            raise SyndromeDataError(f"syndromes.yaml: unknown clause {key!r}")
    return hit


def unread_medicine_matches(f: Findings, refs: Iterable[str]) -> list[Match]:
    """The rules that would fire only if the medicines the knowledge layer cannot read
    (``refs``: a bare local code, an unknown name) were of the classes the table names: what
    such a medicine is, is unknown, never "not an anticoagulant" (AM-Med clinical judgement:
    an unread entry goes to a human). Empty when nothing else in ``f`` would make them fire."""
    refs = tuple(refs)
    if not refs:
        return []
    fired = {m.code for m in evaluate(f)}
    medicines = {k: tuple(v) for k, v in f.medicines.items()}
    for cls in named_classes():
        medicines[cls] = (*medicines.get(cls, ()), *refs)
    return [m for m in evaluate(replace(f, medicines=medicines)) if m.code not in fired]


def undated_window_matches(f: Findings) -> list[Match]:
    """The rules that would fire only if the episodes without a usable date (a delivery
    Condition with no onset or recorded date, an inpatient stay with no period) were within
    their windows: when it happened is unknown, never "too long ago" (AM-Med clinical
    judgement, as for an unread medicine). Empty when there is no undated episode."""
    if not any(e.days_since is None for e in f.episodes):
        return []
    fired = {m.code for m in evaluate(f)}
    assumed = tuple(replace(e, assume_within=e.days_since is None) for e in f.episodes)
    return [m for m in evaluate(replace(f, episodes=assumed)) if m.code not in fired]


def evaluate(f: Findings) -> list[Match]:
    """Every rule of the table that fires on ``f``, in table order."""
    out: list[Match] = []
    for row in rules():
        hit = _clause(f, {"all": row["when"]})
        if hit is None:
            continue
        labels = "、".join(
            dict.fromkeys(lexicon.label(c) for c in hit.concepts if not lexicon.is_context(c))
        )
        fill = labels or "相关症状"
        masking = row.get("masking", False)
        if isinstance(masking, list):
            masked = frozenset(masking)
        else:
            masked = PAIN_FEVER_CLASSES if masking else frozenset()
        out.append(
            Match(
                code=row["code"],
                group=row.get("group", row["code"]),
                level=row["level"],
                text=row["text"].replace("{labels}", fill),
                clinician=row["clinician"].replace("{labels}", fill),
                source=row["source"],
                masking=bool(masked),
                evidence=tuple(dict.fromkeys(hit.refs)),
                concepts=tuple(hit.concepts),
                vital_kinds=frozenset(hit.kinds),
                masking_classes=masked,
                masking_source=str(row.get("masking_source") or row["source"]) if masked else "",
            )
        )
    return out
