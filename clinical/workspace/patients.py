"""Patient facts the workspace pages show beside clinical rows: name, sex, age."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from ammed_fhir.models import Resource
from clinical.knowledge.patient import patient_age

GENDER_ZH = {"male": "男", "female": "女", "other": "其他", "unknown": "未知"}


def _name(patient: dict[str, Any]) -> str:
    names = patient.get("name") or [{}]
    first = names[0] if isinstance(names[0], dict) else {}
    return first.get("text") or first.get("family", "") + "".join(first.get("given", []))


def age_label(patient: dict[str, Any], now: Any = None) -> str:
    """``67 岁`` (completed years on the patient's own calendar and time zone, by the one age
    helper ``clinical.knowledge.patient.patient_age``), or ``年龄不详``."""
    age = patient_age(patient, now)
    return "年龄不详" if age is None else f"{int(age)} 岁"


def brief(patient: dict[str, Any] | None, patient_id: str) -> str:
    """``张伟，男，67 岁`` (or the id when the Patient is not stored)."""
    if not patient:
        return f"患者 {patient_id}"
    parts = [_name(patient) or patient_id, GENDER_ZH.get(patient.get("gender", ""), "性别不详")]
    parts.append(age_label(patient))
    return "，".join(parts)


def briefs(patient_ids: list[str] | set[str]) -> dict[str, str]:
    """``brief`` for many patients in one query."""
    ids = sorted(set(patient_ids))
    rows = dict(
        Resource.objects.filter(resource_type="Patient", resource_id__in=ids).values_list(
            "resource_id", "data"
        )
    )
    return {pid: brief(rows.get(pid), pid) for pid in ids}


def waiting(since: Any, now: Any = None) -> str:
    """How long something has waited, in Chinese (``2 小时 15 分``)."""
    now = now or timezone.now()
    minutes = max(0, int((now - since).total_seconds() // 60))
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} 天 {hours} 小时"
    if hours:
        return f"{hours} 小时 {mins} 分"
    return f"{mins} 分钟"
