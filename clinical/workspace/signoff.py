"""Who signs off what. In Chinese hospitals medication content (dose, drug choice, missed-dose
advice) is signed off by a physician or pharmacist; nurses sign off the rest and escalate
medication content to them. CarePlans are approved by physicians.

Configuration (environment, see docs/security.md):
- ``AMMED_MEDICATION_SIGNOFF_ROLES`` (physician,pharmacist): roles that may release
  medication content and approve medication orders;
- ``AMMED_MEDICATION_CATEGORIES`` (guidance,reminder): message categories that are always
  medication content;
- ``AMMED_MEDICATION_CHECKS`` (dose_limit,...): monitor checks whose findings make a message
  medication content; ``AMMED_MEDICATION_INTENTS`` likewise for the agent's reply intents;
- ``AMMED_CAREPLAN_APPROVER_ROLES`` (physician).
Superusers may do everything. Fails closed: an unreadable review counts as medication.
``clinical.monitor.services.approve`` enforces ``may_approve`` (``SignOffRequired``, 403).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from ammed_fhir import access


def _roles(name: str) -> set[str]:
    return set(getattr(settings, name))


def is_medication_content(review: Any) -> bool:
    """Does the held message give medication content (dose, drug choice, missed-dose advice)?"""
    try:
        if review.category in settings.AMMED_MEDICATION_CATEGORIES:
            return True
        checks = set(settings.AMMED_MEDICATION_CHECKS)
        if any(f.get("check") in checks for f in review.findings or []):
            return True
        structured = (review.message or {}).get("structured") or {}
        if structured.get("intent") in settings.AMMED_MEDICATION_INTENTS:
            return True
        return bool(structured.get("medication") or structured.get("dose"))
    except (AttributeError, TypeError):
        return True


def may_sign_off_medication(user: Any) -> bool:
    """Physicians and pharmacists (configurable) and superusers."""
    if not getattr(user, "is_authenticated", False):
        return False
    if getattr(user, "is_superuser", False):
        return True
    return access.has_role(user, *_roles("AMMED_MEDICATION_SIGNOFF_ROLES"))


def may_approve(user: Any, review: Any) -> bool:
    """May ``user`` release ``review``'s message (compartments are checked by the caller)?"""
    return may_sign_off_medication(user) or not is_medication_content(review)


def may_approve_careplan(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if getattr(user, "is_superuser", False):
        return True
    return access.has_role(user, *_roles("AMMED_CAREPLAN_APPROVER_ROLES"))


def may_approve_orders(user: Any) -> bool:
    """Approving an order's dosage for reminders is medication sign-off."""
    return may_sign_off_medication(user)


def escalate_to_prescriber(review: Any, user: Any, note: str = "") -> None:
    """A nurse hands medication content to the patient's physicians and pharmacists: an
    audited escalation and a care-team alert; the review stays pending for them."""
    from django.db import transaction

    from clinical.monitor import services
    from clinical.monitor.gate import alert_care_team
    from clinical.monitor.models import AuditAction

    with transaction.atomic():
        services._audit(
            review,
            AuditAction.ESCALATE,
            user,
            detail={"to": sorted(_roles("AMMED_MEDICATION_SIGNOFF_ROLES")), "note": note},
        )
        alert_care_team(
            review.patient_id,
            f"护士 {user.get_username()} 将一条用药相关的待审核消息升级给医生/药师签发"
            + (f"：{note}" if note else "。"),
            reason="signoff-escalation",
            about=[f"Communication/{review.communication_id}"],
            key=f"signoff-esc-{review.pk}",
        )
