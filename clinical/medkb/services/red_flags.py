"""The guidance red-flag gate: runs before any product is considered (issue #15).

Invariants:
- every symptom concept in the request is judged by the shared lexicon's red-flag level
  (``clinical.knowledge.symptoms``: the level follow-up and the monitor use); ``urgent`` or
  ``emergency`` sends the patient to a doctor;
- a red-flag concept in the patient's recorded conditions (problem list text) sends them to a
  doctor at least ``urgent`` before self-medication (a recorded diagnosis is not necessarily an
  acute event, so it is not an emergency by itself);
- combinations and context (age, temperature, fever days, pregnancy, surgery, medicines the
  patient takes) come from ``data/red_flag_rules.csv``, each row sourced;
- words nothing was understood in are ``urgent``, quoted, and mask analgesics/antipyretics:
  what the engine does not understand is never benign;
- a ``masking`` flag means no analgesic or antipyretic may be suggested (it could hide the
  sign the doctor needs) and the flagged concepts are not treated by self-care.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from clinical.knowledge import symptoms as lexicon
from clinical.medkb.kb import KnowledgeBase
from clinical.medkb.services.symptoms import SymptomReading

if TYPE_CHECKING:
    from clinical.medkb.checks.profile import Profile
    from clinical.medkb.services.guidance import GuidanceRequest

URGENCY_RANK = {"emergency": 3, "urgent": 2, "routine": 1}
# Classes that relieve pain or fever, so could hide a sign the doctor needs.
MASKING_CLASSES = frozenset({"analgesic", "antipyretic", "nsaid", "opioid"})
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
        f"symptom:{concept}", level, text, c.source if c else "", concepts=frozenset({concept})
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
                    )
                )
    return out


def _takes(kb: KnowledgeBase, profile: Profile, classes: frozenset[str]) -> bool:
    return any(kb.ingredients[k].classes & classes for k in profile.medications)


def _rule_applies(
    kb: KnowledgeBase,
    row: dict[str, Any],
    req: GuidanceRequest,
    profile: Profile,
    reading: SymptomReading,
    has_fever: bool,
) -> frozenset[str] | None:
    """The concepts the row fired on (possibly empty), or None when it does not apply."""
    present = set(reading.concepts)
    fired: set[str] = set()
    for group in row["groups"]:
        hit = group & present
        if not hit:
            return None
        fired |= hit
    if row["site"] and not any(row["site"] in reading.sites.get(c, ()) for c in fired):
        return None
    if row["requires_fever"] == "1":
        if not has_fever:
            return None
        fired.add("fever")
    if row["min_temp_c"] and (
        req.temperature_c is None or req.temperature_c < float(row["min_temp_c"])
    ):
        return None
    age = profile.age_years
    if row["min_age_years"] and (age is None or age < float(row["min_age_years"])):
        return None
    if row["max_age_years"] and (age is None or age >= float(row["max_age_years"])):
        return None
    if row["min_fever_days"] and (
        req.fever_days is None or req.fever_days < float(row["min_fever_days"])
    ):
        return None
    if row["pregnant"] == "1" and not profile.pregnant:
        return None
    days = req.patient.recent_surgery_days
    if row["max_days_since_surgery"] and (
        days is None or days > float(row["max_days_since_surgery"])
    ):
        return None
    if row["med_classes"] and not _takes(kb, profile, row["med_classes"]):
        return None
    return frozenset(fired)


def evaluate(
    kb: KnowledgeBase,
    req: GuidanceRequest,
    profile: Profile,
    reading: SymptomReading,
    has_fever: bool,
) -> list[Flag]:
    """Every red flag of this request, most urgent first (stable within a level)."""
    flags: list[Flag] = []
    for row in kb.red_flags:
        fired = _rule_applies(kb, row, req, profile, reading, has_fever)
        if fired is not None:
            flags.append(
                Flag(
                    row["code"],
                    row["urgency"],
                    row["text_zh"],
                    row["source"],
                    masking=row["masking"] == "1",
                    concepts=fired,
                )
            )
    for concept in reading.concepts:
        if f := _concept_flag(concept):
            flags.append(f)
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
