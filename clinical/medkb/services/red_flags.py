"""The guidance red-flag gate: runs before any product is considered (issue #15).

Invariants:
- every symptom concept in the request is judged by the shared lexicon's red-flag level
  (``clinical.knowledge.symptoms``: the level follow-up and the monitor use); ``urgent`` or
  ``emergency`` sends the patient to a doctor;
- a red-flag concept in the patient's recorded conditions (problem list text) sends them to a
  doctor at least ``urgent`` before self-medication (a recorded diagnosis is not necessarily an
  acute event, so it is not an emergency by itself);
- combinations and context (age, sex, temperature, fever days, pregnancy, surgery, medicines the
  patient takes, body site) come from the ONE syndrome table every engine shares
  (``clinical.knowledge.syndromes``, ``clinical/knowledge/data/syndromes.yaml``, each row
  sourced): a rule's ``level`` is the flag's urgency, its ``masking`` the flag's;
- words nothing was understood in are ``urgent``, quoted, and mask analgesics/antipyretics:
  what the engine does not understand is never benign;
- a ``masking`` flag means no analgesic or antipyretic may be suggested (it could hide the
  sign the doctor needs) and the flagged concepts are not treated by self-care.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from clinical.knowledge import drugs as kd
from clinical.knowledge import patient as kp
from clinical.knowledge import symptoms as lexicon
from clinical.knowledge import syndromes
from clinical.medkb.kb import KnowledgeBase
from clinical.medkb.services.symptoms import SymptomReading

if TYPE_CHECKING:
    from clinical.medkb.checks.profile import Profile
    from clinical.medkb.services.guidance import GuidanceRequest

URGENCY_RANK = {"emergency": 3, "urgent": 2, "routine": 1}
# Classes that relieve pain or fever, so could hide a sign the doctor needs (the shared table's
# meaning of ``masking: true``; a rule may name other classes).
MASKING_CLASSES = syndromes.PAIN_FEVER_CLASSES
SAFETY_NET_SOURCE = (
    "AM-Med safety net (issue #15): a symptom the system does not understand is never "
    "treated as benign; a clinician reviews it within 24 hours"
)


@dataclass(frozen=True)
class Flag:
    code: str
    urgency: str  # "urgent" | "emergency"
    text_zh: str
    source: str
    masking: bool = False
    concepts: frozenset[str] = frozenset()
    quoted: tuple[str, ...] = field(default_factory=tuple)
    clinician: str = ""  # what a clinician reads (suspected diagnosis and why); never patient text
    masking_classes: frozenset[str] = frozenset()  # empty with masking: the pain/fever relievers
    masking_source: str = ""

    @property
    def masked_classes(self) -> frozenset[str]:
        if not self.masking:
            return frozenset()
        return self.masking_classes or MASKING_CLASSES

    def clinician_dict(self) -> dict[str, Any]:
        """The flag for the care team: the clinician wording (the patient text when the rule
        has none), level, source and the patient's words it read."""
        return {
            "code": self.code,
            "urgency": self.urgency,
            "text": self.clinician or self.text_zh,
            "source": self.source,
            "quoted": list(self.quoted),
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "urgency": self.urgency,
            "text": self.text_zh,
            "source": self.source,
            "quoted": list(self.quoted),
        }


def _concept_flag(concept: str) -> Flag | None:
    level = lexicon.red_flag(concept)
    if level not in ("urgent", "emergency"):
        return None
    label = lexicon.label(concept)
    c = lexicon.concept(concept)
    if level == "emergency":
        text = f"出现{label}，请立即就医或拨打120"
    else:
        text = f"出现{label}，请尽快(24小时内)就医"
    return Flag(
        f"symptom:{concept}",
        level,
        text,
        c.source if c else "",
        concepts=frozenset({concept}),
        clinician=f"患者自述{label}（症状词表红旗级别：{'急症' if level == 'emergency' else '紧急'}）",
    )


def _condition_flags(conditions: list[str]) -> list[Flag]:
    out: list[Flag] = []
    for text in conditions:
        if not text or "|" in text:  # a coded entry (system|code), not words
            continue
        for concept in lexicon.present(text):
            if lexicon.red_flag(concept) in ("urgent", "emergency"):
                c = lexicon.concept(concept)
                out.append(
                    Flag(
                        f"condition:{concept}",
                        "urgent",
                        f"您的病情记录中有“{text}”({lexicon.label(concept)})：请先由医生评估，再决定能否自行用药",
                        c.source if c else "",
                        concepts=frozenset({concept}),
                        clinician=f"病情记录“{text}”含红旗症状{lexicon.label(concept)}：自行用药前需医生评估",
                    )
                )
    return out


def findings(req: GuidanceRequest, profile: Profile, reading: SymptomReading) -> syndromes.Findings:
    """The neutral input of the shared syndrome evaluator from a guidance request: the concepts
    read (with their body sites), condition keys (pregnancy from the profile), the classes of
    the medicines the patient takes (resolved ingredients, else the words as written), age,
    sex, the operations (name, SNOMED CT codes, days; a bare ``recent_surgery_days`` is an
    operation without a name), the current vital signs of the patient and the request's
    temperature (both read: the more concerning counts), and the fever days."""
    symptoms = {
        c: syndromes.Symptom(
            c, f"symptoms:{c}", frozenset(s for s in reading.sites.get(c, ()) if s)
        )
        for c in reading.concepts
    }
    # a delivery Condition opens the post-partum window (``episodes``), it is not a pregnancy now
    past = req.patient.not_current_keys
    conditions = {k: ("patient.conditions",) for k in profile.conditions if k not in past}
    conditions |= {k: ("patient.conditions",) for k in req.patient.condition_keys if k not in past}
    pregnant = req.patient.syndrome_pregnant
    if pregnant is None:
        pregnant = profile.pregnant
    if pregnant:
        conditions["pregnancy"] = ("patient.pregnant",)
    orders = [
        (written, (), (key,), f"patient.current_medications:{written}")
        for key, written in profile.medications.items()
    ] + [
        (written, (), (), f"patient.current_medications:{written}")
        for written in profile.unresolved_medications
    ]
    medicines = {k: list(v) for k, v in syndromes.medicine_classes(orders).items()}
    procedures = tuple(
        syndromes.Procedure(float(days), text, tuple(codes), "patient.recent_surgery")
        for days, text, codes in req.patient.surgeries
    )
    days = req.patient.recent_surgery_days
    if not procedures and days is not None:
        procedures = (syndromes.Procedure(float(days), ref="patient.recent_surgery_days"),)
    vitals: dict[str, list[syndromes.Value]] = {}
    for key, value in (req.patient.vitals or {}).items():
        kind = kp.VITALS[key][0]
        vitals.setdefault(kind, []).append(syndromes.Value(float(value), f"patient.vitals.{key}"))
    if req.temperature_c is not None:
        vitals.setdefault("temp", []).append(
            syndromes.Value(float(req.temperature_c), "temperature_c")
        )
    inline = set(vitals)  # a kind given in the request wins over the record's readings of it
    for key, value, ref in req.patient.recorded_vitals:
        kind = kp.VITALS[key][0]
        if kind not in inline:
            vitals.setdefault(kind, []).append(syndromes.Value(float(value), ref))
    return syndromes.Findings(
        symptoms=symptoms,
        conditions=conditions,
        medicines={k: tuple(dict.fromkeys(v)) for k, v in medicines.items()},
        age_years=profile.age_years,
        sex=req.patient.sex,
        procedures=procedures,
        vitals={k: tuple(v) for k, v in vitals.items()},
        fever_days=req.fever_days,
        gestation_weeks=profile.pregnancy_weeks if pregnant else None,
        episodes=tuple(req.patient.episodes),
    )


def _syndrome_flag(m: syndromes.Match) -> Flag:
    concepts = set(m.concepts)
    if "temp" in m.vital_kinds:
        concepts.add("fever")  # a temperature-driven rule masks the fever, too
    return Flag(
        m.code,
        m.level,
        m.text,
        m.source,
        masking=m.masking,
        concepts=frozenset(concepts),
        clinician=m.clinician,
        masking_classes=m.masking_classes,
        masking_source=m.masking_source,
    )


UNREAD_SOURCE = (
    "AM-Med clinical judgement: a medicine the request names in a way the knowledge layer "
    "cannot read may be of the class a rule needs; what is not understood is never treated as "
    "absent, so the rule's level stands until a clinician checks"
)


def _if_flags(
    matches: list[syndromes.Match],
    code: str,
    text: str,
    source: str,
    clinician: tuple[str, str],
) -> list[Flag]:
    """The rules that fire only if something unknown (an unread medicine, an undated record)
    were what they need, as flags of their own ``code`` at each rule's level: ``clinician`` is
    said before and after the rule's clinician text, ``source`` before its source."""
    return [
        Flag(
            code,
            m.level,
            text,
            f"{source}; {m.source}",
            masking=m.masking,
            concepts=frozenset(m.concepts) | ({"fever"} if "temp" in m.vital_kinds else set()),
            clinician=f"{clinician[0]}{m.clinician}{clinician[1]}",
            masking_classes=m.masking_classes,
            masking_source=m.masking_source,
        )
        for m in matches
    ]


def _unread_flags(profile: Profile, found: syndromes.Findings) -> list[Flag]:
    """The rules that fire only if the medicines we cannot read (no ingredient, no class term)
    were of the classes they name: the same level, naming the medicine (#23)."""
    unread = [w for w in profile.unresolved_medications if not kd.classes_named_in(w)]
    refs = [f"patient.current_medications:{w}" for w in unread]
    names = "、".join(f"“{w[:30]}”" for w in unread)
    return _if_flags(
        syndromes.unread_medicine_matches(found, refs),
        "syndrome-unread-medication",
        f"您正在用的药物{names}未能识别；结合您现在的情况，请尽快请医生核对您的用药并评估",
        UNREAD_SOURCE,
        (f"用药{names}未能识别；若属于相关药物类别：", "。请核对用药"),
    )


def _undated_flags(found: syndromes.Findings) -> list[Flag]:
    """The rules that fire only if the undated episodes were within their windows: the same
    level, naming the record (#15 task E)."""
    names, notes = syndromes.undated_records(found)
    return _if_flags(
        syndromes.undated_window_matches(found),
        "syndrome-undated-window",
        f"您的病历记录（{names}）没有写明日期；结合您现在的情况，请尽快请医生核实并评估",
        syndromes.UNDATED_SOURCE,
        (f"{notes}。若在时间窗内：", ""),
    )


def evaluate(
    kb: KnowledgeBase,
    req: GuidanceRequest,
    profile: Profile,
    reading: SymptomReading,
) -> list[Flag]:
    """Every red flag of this request, most urgent first (stable within a level)."""
    # The patient's own words first (each concept at its lexicon level), then what the
    # combinations mean (the shared syndrome table); the sort below is stable within a level.
    flags = [f for c in reading.concepts if (f := _concept_flag(c))]
    found = findings(req, profile, reading)
    flags += [_syndrome_flag(m) for m in syndromes.evaluate(found)]
    flags += _unread_flags(profile, found)
    flags += _undated_flags(found)
    flags.extend(_condition_flags(list(req.patient.conditions or [])))
    if reading.unrecognised:
        quoted = tuple(dict.fromkeys(reading.unrecognised))
        words = "”、“".join(quoted)
        flags.append(
            Flag(
                "unrecognised",
                "urgent",
                f"未能理解您描述的“{words}”：请尽快(24小时内)请医生查看；"
                "医生查看前不要自行服用止痛药或退烧药，以免掩盖病情",
                SAFETY_NET_SOURCE,
                masking=True,
                quoted=quoted,
                clinician=f"患者描述中有系统未能理解的词语“{words}”：需医生24小时内查看（安全网）",
            )
        )
    seen: set[str] = set()
    out: list[Flag] = []
    for f in sorted(flags, key=lambda f: -URGENCY_RANK[f.urgency]):
        if f.text_zh not in seen:
            seen.add(f.text_zh)
            out.append(f)
    return out


def urgency(flags: list[Flag]) -> str | None:
    return max((f.urgency for f in flags), key=lambda u: URGENCY_RANK[u], default=None)
