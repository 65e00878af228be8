"""A short Chinese overview of a stored patient record (for ``make demo`` and the admin).

Reads only what the EMR sent (``store.patient_record``); it shows, it never interprets.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone

from ammed_fhir import store
from ammed_fhir.models import PatientAssignment

_GENDER = {"male": "男", "female": "女", "other": "其他", "unknown": "未知"}


def _text(concept: Any) -> str:
    if not isinstance(concept, dict):
        return ""
    if concept.get("text"):
        return str(concept["text"])
    for coding in concept.get("coding") or []:
        if coding.get("display"):
            return str(coding["display"])
    return ""


def _name(patient: dict[str, Any]) -> str:
    names = patient.get("name") or [{}]
    first = names[0]
    return first.get("text") or first.get("family", "") + "".join(first.get("given", []))


def _age(birth: str, today: date) -> str:
    try:
        born = date.fromisoformat(birth[:10])
    except (TypeError, ValueError):
        return "年龄不详"
    years = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    return f"{years} 岁"


def _quantity(obs: dict[str, Any]) -> str:
    if obs.get("component"):
        parts = [f"{c.get('valueQuantity', {}).get('value')}" for c in obs["component"]]
        unit = obs["component"][0].get("valueQuantity", {}).get("unit", "")
        return "/".join(parts) + f" {unit}"
    q = obs.get("valueQuantity")
    if isinstance(q, dict):
        unit = {"Cel": "°C", "{INR}": ""}.get(q.get("unit", ""), q.get("unit", ""))
        return f"{q.get('value')} {unit}".strip()
    return _text(obs.get("valueCodeableConcept")) or str(obs.get("valueString", ""))


def patient_summary_lines(patient_id: str, today: date | None = None) -> list[str]:
    """Lines describing one patient: demographics, problems, procedures, allergies,
    medication orders with their sig text, latest observations, the care team."""
    record = store.patient_record(patient_id)
    if record is None:
        return [f"患者 {patient_id}：未找到"]
    today = today or timezone.localdate()
    p = record.patient
    lines = [
        f"{_name(p)}（{patient_id}），{_GENDER.get(p.get('gender', ''), '性别不详')}，"
        f"{_age(p.get('birthDate', ''), today)}"
    ]
    if record.conditions:
        lines.append("  诊断：" + "；".join(_text(c.get("code")) for c in record.conditions))
    if record.procedures:
        lines.append(
            "  手术/操作："
            + "；".join(
                f"{_text(pr.get('code'))} {str(pr.get('performedDateTime', ''))[:10]}".strip()
                for pr in record.procedures
            )
        )
    if record.allergies:
        lines.append("  过敏：" + "；".join(_text(a.get("code")) for a in record.allergies))
    for med in record.medication_requests:
        sig = "；".join(d.get("text", "") for d in med.get("dosageInstruction") or [])
        lines.append(f"  医嘱：{_text(med.get('medicationCodeableConcept'))} — {sig or '无用法'}")
    latest: dict[str, dict[str, Any]] = {}
    for obs in record.observations:  # ordered by time: later ones win
        latest[_text(obs.get("code"))] = obs
    if latest:
        lines.append(
            "  最新观察："
            + "；".join(
                f"{name} {_quantity(obs)}（{str(obs.get('effectiveDateTime', ''))[:10]}）"
                for name, obs in latest.items()
            )
        )
    team = PatientAssignment.objects.filter(patient_id=patient_id).values_list(
        "user__username", "source"
    )
    if team:
        lines.append("  负责医护：" + "，".join(f"{u}（{s}）" for u, s in team))
    return lines
