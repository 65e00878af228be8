"""The follow-up assessment: facts → rule families → modifiers → disposition with reasons.

Clinical invariants:
- the disposition is the most urgent of all reasons (self-care < routine < review < urgent <
  emergency: ``ruledata.DISPOSITIONS``); ``review`` is the care team reading the patient's words
  within 24 h (#15 safety net), never a visit asked of the patient;
- every reason names its code, Chinese text, the rule's source and the evidence (Observation /
  Condition / MedicationRequest / Procedure references) that triggered it;
- missing monitoring is a reason of its own, never read as normal; unknown codes and units are
  ignored with a note; contradictory readings are judged on the more dangerous value and the
  result says so in ``uncertainty``;
- a rule that raises on odd data is reported as a note and escalates to at least ``routine``
  (a clinician looks) instead of failing the whole assessment.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from ammed_fhir.store import PatientRecord
from clinical.followup.services import wording
from clinical.followup.services.facts import HISTORY_NOTE, Facts, Note, build_facts
from clinical.followup.services.ruledata import load, most_urgent, rank
from clinical.followup.services.rules import FAMILIES, modifiers
from clinical.followup.services.rules.base import Reason

log = logging.getLogger(__name__)

# 2: #15 safety net, scores; 3: #15 syndromes, lexicon levels; 4: one syndrome table shared with
# guidance; 5: reasons carry patient_text (no value asked for twice), disease history and plain
# denials read (review h5); 6: the review disposition (#15: words nothing reads → clinician
# review within 24 h; a residue of a read complaint stays urgent); 7: the orders' recorded doses
# are facts (``adherence-recorded-*`` reasons: a critical medicine stopped or missed raises the
# disposition), and the agent assesses on the same footing. Stored in every Assessment's result
# (``engine_version``), so a stored assessment says which of these it was made without.
ENGINE_VERSION = "7"
UNRECOGNISED = "symptom-unrecognised"


def safety_net(facts: Facts | None) -> str:
    """The "if … gets worse, seek care / call 120" sentence naming this patient's red flags."""
    spec = load("timeframes")["safety_net"]
    flags: list[str] = list(spec["always"])
    for row in spec["when"]:
        hit = facts is not None and (
            (row.get("surgery") and facts.surgeries)
            or facts.has_condition(*row.get("conditions_any", []))
            or facts.has_med(*row.get("meds_any", []))
        )
        if hit:
            flags += [f for f in row["flags"] if f not in flags]
    return spec["text"].format(flags="、".join(flags[: spec["max_flags"]]))


def timeframe(
    disposition: str, facts: Facts | None = None, unrecognised: bool = False
) -> dict[str, Any]:
    """What to do and by when. Self-care always carries the safety net and never says that no
    care is needed (the output monitor would hold it, rightly). When some of the patient's words
    were not understood, the text says so and promises human review (issue #15)."""
    spec = load("timeframes")[disposition]
    text = spec["text"]
    if disposition == "self-care":
        text = f"{text}。{safety_net(facts)}"
    if unrecognised:  # said once: the disposition's text already gives 24 h / 120
        said = load("timeframes")["unrecognised_patient"]
        extra = said.get(disposition, said["default"])
        text = f"{text}。{extra}" if extra else text
    return {"code": spec["code"], "within": spec["within"], "text": text}


def evaluate(facts: Facts) -> list[Reason]:
    reasons: list[Reason] = []
    for family in FAMILIES:
        name = family.__name__.rsplit(".", 1)[-1]
        try:
            reasons += family.evaluate(facts)
        except Exception:  # one broken family must not hide the others' findings
            log.exception("follow-up rule family %s failed", name)
            facts.notes.append(Note("rule-error", f"规则组“{name}”评估出错，已转人工复核"))
            reasons.append(
                Reason(
                    code=f"rule-error-{name}",
                    text="部分规则无法完成评估，需人工复核",
                    disposition="routine",
                    family=name,
                    source="AM-Med engine safety policy (fail towards review)",
                )
            )
    return modifiers.apply(facts, reasons)


def _uncertainty(facts: Facts, reasons: list[Reason]) -> dict[str, Any]:
    notes = [n.as_dict() for n in facts.conflicts]
    unrecognised = [r for r in reasons if r.code == UNRECOGNISED]
    notes += [{"code": r.code, "text": r.text} for r in unrecognised]
    if facts.conflicts or unrecognised:  # words we could not read: we do not know (#15)
        level = "high"
    elif any(n.code != HISTORY_NOTE for n in facts.notes) or any(
        r.family == "missing" for r in reasons
    ):
        level = "moderate"
    else:
        level = "low"
    return {"level": level, "notes": notes}


def assess_facts(facts: Facts) -> dict[str, Any]:
    reasons = evaluate(facts)
    reasons.sort(key=lambda r: -rank(r.disposition))
    disposition = most_urgent(*(r.disposition for r in reasons)) if reasons else "self-care"
    unrecognised = any(r.code == UNRECOGNISED for r in reasons)
    if unrecognised:  # floor, in code as well as in data: never routine/self-care (#15)
        disposition = most_urgent(disposition, "review")
    out_reasons = [r.as_dict() for r in reasons]
    # never ask the patient for a value the assessment already holds (请测量体温 after 体温37.9)
    given = {kind for kind in facts.readings if facts.current(kind) is not None}
    for r in out_reasons:
        r["patient_text"] = wording.without_requests(r["patient_text"], given)
        if unrecognised and r["disposition"] == "self-care":
            # #15: words we could not read are never met with reassurance ("轻微不适，可居家观察"
            # beside them): the self-care finding stays for the clinician, the patient hears
            # the timeframe (a person will read their words; 120 if worse)
            r["patient_text"] = ""
    if not out_reasons:
        out_reasons = [
            {
                "code": "no-findings",
                "text": "依据现有记录暂未发现异常",
                "patient_text": "依据现有记录暂未发现异常",
                "disposition": "self-care",
                "family": "summary",
                "source": "AM-Med follow-up protocol",
                "evidence": [],
            }
        ]
    return {
        "patient_id": facts.patient_id,
        "assessed_at": facts.now.isoformat(timespec="seconds"),
        "engine_version": ENGINE_VERSION,
        "disposition": disposition,
        "reasons": out_reasons,
        "timeframe": timeframe(disposition, facts, unrecognised),
        "notes": [n.as_dict() for n in facts.notes],
        "uncertainty": _uncertainty(facts, reasons),
        "context": {
            "age": facts.age,
            "conditions": sorted(facts.conditions),
            "medications": sorted(facts.meds),
            "days_since_surgery": facts.days_since_surgery(),
            "discharged": facts.discharge.isoformat() if facts.discharge else None,
        },
    }


def assess_record(record: PatientRecord, now: datetime) -> dict[str, Any]:
    """Assess one stored record at ``now`` (pure: no queries, no writes)."""
    return assess_facts(build_facts(record, now))
