"""Symptoms and readings → clinical.followup assessment (issue 5). Readings are stored
first as patient-reported Observations (through ``ammed_fhir.store.write``)."""

from __future__ import annotations

import logging
from typing import Any

from django.utils import timezone

from ammed_fhir import store
from clinical.agent.routes.base import RouteContext, RouteResult, escalate, patient_text, to_dict
from clinical.agent.understanding.schema import Reading
from clinical.knowledge import observations, symptoms
from clinical.knowledge import readings as knowledge_readings

log = logging.getLogger(__name__)

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
# The shared observation table's kinds for each reading kind the reader returns: plausible bounds
# (input validation against typos, not clinical thresholds) come from
# clinical/knowledge/data/observations.yaml, the one table every engine reads (merge review:
# this module kept its own copy, glucose up to 50 and INR up to 15 against the table's 60 and 20).
TABLE_KINDS: dict[str, tuple[str, ...]] = {
    "bp": ("sbp", "dbp"),
    "sbp": ("sbp",),
    "dbp": ("dbp",),
    "glucose": ("glucose",),
    "glucose_fasting": ("glucose_fasting",),
    "spo2": ("spo2",),
    "rr": ("rr",),
    "temperature": ("temp",),
    "heart_rate": ("hr",),
    "inr": ("inr",),
}
# kind → (LOINC code, display, 中文, unit)
CODES = {
    "glucose": ("15074-8", "Glucose [Moles/volume] in Blood", "血糖", "mmol/L"),
    "glucose_fasting": (
        "1558-6",
        "Fasting glucose [Moles/volume] in Serum or Plasma",
        "空腹血糖",
        "mmol/L",
    ),
    "temperature": ("8310-5", "Body temperature", "体温", "Cel"),
    "heart_rate": ("8867-4", "Heart rate", "心率", "/min"),
    "sbp": ("8480-6", "Systolic blood pressure", "收缩压", "mm[Hg]"),
    "dbp": ("8462-4", "Diastolic blood pressure", "舒张压", "mm[Hg]"),
    "spo2": (
        "59408-5",
        "Oxygen saturation in Arterial blood by Pulse oximetry",
        "血氧饱和度",
        "%",
    ),
    "rr": ("9279-1", "Respiratory rate", "呼吸频率", "/min"),
    "inr": (
        "6301-6",
        "INR in Platelet poor plasma by Coagulation assay",
        "国际标准化比值 INR",
        "{INR}",
    ),
}


def plausible(r: Reading) -> bool:
    """Whether every value of ``r`` lies in the shared table's plausible bounds (a reading of a
    kind the table does not know is not plausible: it is reported back, never written)."""
    kinds = TABLE_KINDS.get(r.kind)
    if kinds is None:
        return False
    ok = all(observations.plausible(k, v) for v, k in zip(r.values, kinds, strict=False))
    return ok and (r.kind != "bp" or r.values[0] > r.values[1])


def _qty(value: float, unit: str) -> dict[str, Any]:
    return {"value": value, "unit": unit, "system": UCUM, "code": unit}


def observation(patient_id: str, r: Reading) -> dict[str, Any]:
    """A FHIR Observation for one patient-reported reading."""
    obs: dict[str, Any] = {
        "resourceType": "Observation",
        "status": "final",
        "category": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                        "code": "laboratory" if r.kind in ("glucose", "inr") else "vital-signs",
                    }
                ]
            }
        ],
        "subject": {"reference": f"Patient/{patient_id}"},
        "effectiveDateTime": timezone.now().isoformat(),
        "performer": [{"reference": f"Patient/{patient_id}"}],
        "method": {"text": "患者自报（对话）"},
    }
    if r.kind == "bp":
        obs["code"] = {
            "coding": [
                {
                    "system": LOINC,
                    "code": "85354-9",
                    "display": "Blood pressure panel with all children optional",
                }
            ],
            "text": "血压",
        }
        obs["component"] = [
            {
                "code": {
                    "coding": [
                        {"system": LOINC, "code": "8480-6", "display": "Systolic blood pressure"}
                    ]
                },
                "valueQuantity": _qty(r.values[0], "mm[Hg]"),
            },
            {
                "code": {
                    "coding": [
                        {"system": LOINC, "code": "8462-4", "display": "Diastolic blood pressure"}
                    ]
                },
                "valueQuantity": _qty(r.values[1], "mm[Hg]"),
            },
        ]
        return obs
    key = "glucose_fasting" if r.kind == "glucose" and r.fasting else r.kind
    code, display, zh, unit = CODES[key]
    obs["code"] = {"coding": [{"system": LOINC, "code": code, "display": display}], "text": zh}
    obs["valueQuantity"] = _qty(r.values[0], unit)
    return obs


def symptom_observation(patient_id: str, text: str) -> dict[str, Any]:
    """The patient's own words as a survey Observation (the follow-up engine reads these)."""
    return {
        "resourceType": "Observation",
        "status": "final",
        "category": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                        "code": "survey",
                    }
                ]
            }
        ],
        "code": {"text": "患者自述症状"},
        "subject": {"reference": f"Patient/{patient_id}"},
        "effectiveDateTime": timezone.now().isoformat(),
        "performer": [{"reference": f"Patient/{patient_id}"}],
        "valueString": text,
    }


# Readings stored as no coded Observation here: follow-up reads them from the patient's words
# (血酮0.1, 尿酮阴性: the shared reader judges them by their number or grade, #23 round 6).
# A laboratory result typed by the patient (血钾6.5, 血红蛋白65) is read from the words too: a
# coded laboratory Observation comes from the laboratory, not from a chat (#15, 2026-12-07).
WORDS_ONLY_KINDS = frozenset({"ketone", "urine_ketone", "potassium", "hemoglobin"})


def holds_symptom_words(text: str) -> bool:
    """Whether the patient's words hold what follow-up reads in them: a symptom of the one
    lexicon (``clinical.knowledge.symptoms``), said or denied (没有发烧 answers a question
    too), a temperature at fever level (体温38.5: ``readings.fever_readings``) or a reading
    follow-up reads only from words (``WORDS_ONLY_KINDS``)."""
    return bool(
        symptoms.find_symptoms(text)
        or knowledge_readings.fever_readings(text)
        or any(r.kind in WORDS_ONLY_KINDS for r in knowledge_readings.readings(text))
    )


def store_readings(ctx: RouteContext) -> tuple[list[str], list[Reading]]:
    """Write plausible readings (and any symptoms, as the patient's words) as Observations;
    return their references and the implausible readings."""
    refs: list[str] = []
    rejected: list[Reading] = []
    if ctx.understanding.symptoms or holds_symptom_words(ctx.text):
        stored = store.write(symptom_observation(ctx.patient_id, ctx.text))
        refs.append(f"Observation/{stored['id']}")
    for r in ctx.understanding.readings:
        if r.kind in WORDS_ONLY_KINDS:
            continue  # in the patient's words above
        if not plausible(r):
            rejected.append(r)
            continue
        stored = store.write(observation(ctx.patient_id, r))
        refs.append(f"Observation/{stored['id']}")
    return refs, rejected


def patient_reason_text(reason: dict[str, Any]) -> str:
    """The patient's wording of one follow-up reason: the engine's ``patient_text`` (the care
    team keeps ``reason['text']``; follow-up's ``services/wording.py`` and
    ``data/patient_wording.yaml`` own the wording). A reason without one (an assessment from
    an older engine) is worded by the same function, never quoted as it stands."""
    if "patient_text" in reason:
        return str(reason.get("patient_text") or "")
    from clinical.followup.services.wording import patient_text

    return patient_text(str(reason.get("code") or ""), str(reason.get("text") or ""))


def _unsaid(text: str, when: str) -> str:
    """``text`` without a sentence (between ；and 。) the timeframe ``when`` already says, so
    that each thing is said once. Only whole sentences go: a clause inside one (如出现胸痛，请立即
    拨打120) keeps its action."""
    from clinical.followup.services.wording import SENTENCE_SEPARATORS, without

    return without(text, lambda s: len(s) >= 6 and s in when, SENTENCE_SEPARATORS)


def assessment_text(assessment: dict[str, Any]) -> str:
    """Draft from the engine's reasons in patient wording (``patient_reason_text``) and its
    timeframe text (nothing else added); what the timeframe says is not repeated, and each
    instruction (120, 24 h, the emergency department) is said once (``wording.said_once``)."""
    from clinical.followup.services.wording import said_once

    when = (assessment.get("timeframe") or {}).get("text", "")
    reasons = said_once(
        list(
            dict.fromkeys(
                said
                for r in assessment.get("reasons", [])
                if (said := _unsaid(patient_reason_text(r), when))
            )
        ),
        when,
    )
    if not reasons and not when:
        return ""
    body = "；".join(reasons[:3])
    if when and not when.endswith(("。", "！", "？")):
        when += "。"
    return f"根据您反映的情况：{body}。{when}" if body else when


# A labelled reading whose value could not be read exactly (血压一百多, 体温三十八九度, 血糖很高)
# is never dropped and never guessed: the reply asks for the exact value, the engine's
# disposition stands (never lowered), and when that disposition alerts nobody the care team
# is alerted, because the value was never assessed.
KIND_ZH = {
    "bp": "血压",
    "sbp": "高压（收缩压）",
    "dbp": "低压（舒张压）",
    "spo2": "血氧",
    "rr": "呼吸频率",
    "glucose": "血糖",
    "temperature": "体温",
    "heart_rate": "心率",
    "inr": "INR",
}


def ask_exact_text(ctx: RouteContext) -> str:
    kinds: list[str] = []
    for r in ctx.understanding.unreadable_readings:
        if KIND_ZH[r.kind] not in kinds:
            kinds.append(KIND_ZH[r.kind])
    what = "、".join(kinds)
    return f"您说的{what}没有准确的数值，请测量后把仪器上显示的准确数字发给我，我会记录并转给医生。"


def answer(ctx: RouteContext) -> RouteResult:
    result = _answer(ctx)
    unreadable = ctx.understanding.unreadable_readings
    if unreadable:
        result.structured["unreadable_readings"] = [
            {"kind": r.kind, "text": r.text, "reason": r.reason} for r in unreadable
        ]
        result.draft = (
            f"{result.draft}{ask_exact_text(ctx)}" if result.draft else ask_exact_text(ctx)
        )
        if not result.alert_reason:
            result.alert_reason = "agent-followup:unreadable-reading"
    return result


def _assess(patient_id: str) -> dict[str, Any]:
    """The follow-up engine's assessment of the stored record, now, on the runs' footing (the
    orders' dose records included; raises ImportError when the engine is not installed,
    anything else when it fails)."""
    from clinical.followup.services.runs import assess

    return to_dict(assess(store.patient_record(patient_id), timezone.now()))


def _finding_keys(assessment: dict[str, Any]) -> set[tuple[str, str]]:
    return {
        (str(r.get("code")), str(r.get("disposition")))
        for r in assessment.get("reasons", [])
        if r.get("disposition") != "self-care"
    }


def alert_reason(assessment: dict[str, Any], before: dict[str, Any] | None, refs: list[str]) -> str:
    """The care-team alert for a follow-up answer, or "" when the message changed nothing a
    clinician must see (#15: a normal reading from a patient whose record already holds routine
    findings is answered, not alerted; those findings were assessed before the message).

    Alerts when the disposition is urgent or emergency; when a finding that is not self-care
    cites this message's Observations as evidence; when a finding appears (or worsens) that the
    assessment without the message did not have; and whenever that earlier assessment is
    unknown (fail towards review)."""
    disposition = str(assessment.get("disposition", ""))
    alert = f"agent-followup:{disposition}"
    if disposition == "self-care":
        return ""
    if disposition != "routine" or before is None:
        return alert
    mine = set(refs)
    for r in assessment.get("reasons", []):
        if r.get("disposition") != "self-care" and mine & set(r.get("evidence") or []):
            return alert
    return alert if _finding_keys(assessment) - _finding_keys(before) else ""


def _answer(ctx: RouteContext) -> RouteResult:
    try:  # the record before this message (its findings are the follow-up sweep's to raise)
        before: dict[str, Any] | None = _assess(ctx.patient_id)
    except Exception as exc:
        log.warning("follow-up baseline failed: %s", exc.__class__.__name__)
        before = None
    refs, rejected = store_readings(ctx)
    readings = [
        {"kind": r.kind, "values": r.values, "unit": r.unit} for r in ctx.understanding.readings
    ]
    unreadable = ctx.understanding.unreadable_readings
    if rejected and not refs and not ctx.understanding.symptoms and not unreadable:
        return RouteResult(
            "followup",
            "clarify",
            {"route": "followup", "implausible": [r.text for r in rejected]},
            "您发来的数值好像不太对，请再测量或核对一下后重新告诉我。",
        )
    extra = {"readings": readings, "observations": refs, "symptoms": ctx.understanding.symptoms}
    try:
        assessment = _assess(ctx.patient_id)
    except ImportError:
        result = escalate("followup", ctx, "engine_unavailable", **extra)
        result.about = refs
        return result
    except Exception as exc:
        log.warning("follow-up engine failed: %s", exc.__class__.__name__)
        result = escalate("followup", ctx, "engine_error", **extra)
        result.about = refs
        return result
    text = patient_text(assessment) or assessment_text(assessment)
    if not text:
        result = escalate("followup", ctx, "engine_no_text", assessment=assessment, **extra)
        result.about = refs
        return result
    alert = alert_reason(assessment, before, refs)
    return RouteResult(
        "followup",
        "answered",
        {"route": "followup", "assessment": assessment, **extra},
        text,
        about=refs,
        alert_reason=alert,
    )
