"""The monitor's workflow: check, hold or release, clinician sign-off, escalation.

Clinical invariants:
- nothing reaches a patient channel unless its Communication is ``completed``: release
  handlers run only inside the transaction of a release (monitor pass) or of a clinician
  approval, and what they write commits with it;
- a held message is an ``on-hold`` Communication with one pending ``Review``; the assigned
  clinicians are alerted; rejected ones become ``not-done`` with the reason;
- every clinician or system action on a review writes an ``AuditEvent`` (who, when, before,
  after) in the same transaction;
- only clinicians (physician, nurse) who may see the patient, or to whom the review was
  escalated (django-guardian object permission), may see or decide a review; patients and
  integration accounts never.
"""

from __future__ import annotations

import logging
import re
import uuid
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from guardian.shortcuts import assign_perm, get_objects_for_user

from ammed_fhir import access, audit, events, store
from ammed_fhir.models import PractitionerAccount
from ammed_fhir.validation import validate_communications
from clinical.monitor.context import PatientContext
from clinical.monitor.engine import run_monitor
from clinical.monitor.models import AuditAction, AuditEvent, Review, ReviewStatus
from clinical.monitor.types import Finding, MonitorResult

if TYPE_CHECKING:
    from clinical.monitor.gate import GateResult, OutgoingMessage

log = logging.getLogger(__name__)
CATEGORY_SYSTEM = "https://ammed.example/fhir/CodeSystem/message-category"
_FHIR_ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")
_ID_NAMESPACE = uuid.UUID("6f0f6f8e-6f4e-4c2a-9b7e-0a9d3c7e1a07")
SENDER = {"display": "AM-Med 随访系统"}


class ReviewError(Exception):
    """A review action that cannot be done (wrong state or missing input)."""

    status_code = 400


class ReviewConflict(ReviewError):
    status_code = 409


class SignOffRequired(ReviewError):
    """Medication content needs a physician or pharmacist (``clinical.workspace.signoff``)."""

    status_code = 403


def communication_id(key: str | None) -> str:
    """A valid FHIR id for an idempotency key (the key itself when valid, else a uuid5)."""
    if not key:
        return str(uuid.uuid4())
    return key if _FHIR_ID.match(key) else str(uuid.uuid5(_ID_NAMESPACE, key))


# --- checking ---------------------------------------------------------------------------------


def check_text(
    text: str,
    patient: PatientContext | None,
    structured: dict[str, Any] | None = None,
    category: str = "",
    patient_required: bool = True,
) -> MonitorResult:
    """Run the monitor; an unknown patient holds (the context the checks need is missing)."""
    result = run_monitor(text, patient, structured, category)
    if patient is None and patient_required:
        result.findings.append(
            Finding("monitor", "patient_unknown", "high", "找不到患者档案，无法核对，需人工审核")
        )
        result.action = "hold"
    return result


# --- submit -----------------------------------------------------------------------------------


def _result_from_existing(comm: dict[str, Any]) -> GateResult:
    from clinical.monitor.gate import GateResult

    review = Review.objects.filter(communication_id=comm["id"]).first()
    action = "release" if comm.get("status") == "completed" and review is None else "hold"
    if review is not None and review.status == ReviewStatus.APPROVED:
        action = "release"
    return GateResult(action=action, communication=comm, findings=review.findings if review else [])


def _communication_for(
    msg: OutgoingMessage, comm_id: str, action: str, sent: str | None = None
) -> dict[str, Any]:
    """The Communication a monitor decision records: ``completed`` or ``on-hold`` with a note."""
    from clinical.monitor.gate import build_communication

    if action == "release":
        return build_communication(msg, comm_id, "completed", sent)
    comm = build_communication(msg, comm_id, "on-hold")
    comm["note"] = [{"text": "输出监控拦截，等待医生审核"}]
    return comm


def submit(msg: OutgoingMessage) -> GateResult:
    """Check ``msg`` and record it: release (completed + delivery outbox) or hold (on-hold +
    review + care-team alert). Idempotent on ``msg.idempotency_key``."""
    from clinical.monitor.gate import GateResult, notify_released

    comm_id = communication_id(msg.idempotency_key)
    existing = store.read("Communication", comm_id)
    if existing is not None:
        return _result_from_existing(existing)
    patient = PatientContext.from_record(msg.patient_id)
    result = check_text(msg.text, patient, msg.structured, msg.category)
    findings = [f.as_dict() for f in result.findings]
    try:
        with transaction.atomic():
            if result.action == "release":
                comm = store.write(_communication_for(msg, comm_id, "release"))
                notify_released(comm)
                return GateResult(action="release", communication=comm, findings=findings)
            comm = store.write(_communication_for(msg, comm_id, "hold"))
            _hold_many([(msg, comm_id, findings)])
            return GateResult(action="hold", communication=comm, findings=findings)
    except IntegrityError:
        # the same key submitted concurrently: the first writer won, answer with its result
        existing = store.read("Communication", comm_id)
        if existing is None:
            raise
        return _result_from_existing(existing)


def submit_many(msgs: list[OutgoingMessage], *, fresh: bool = False) -> list[GateResult]:
    """Batch form of ``submit``, same guarantees, answers in ``msgs`` order.

    Each message is checked by the monitor (one patient context per patient in the batch);
    all new Communications are written with one bulk store call (one change event for the
    batch), held ones get their reviews and HOLD audit events in one bulk insert each, plus
    the usual care-team alert; release handlers run (in the transaction) for released
    messages only.
    Idempotent per key: known keys answer with the stored result, a key repeated inside the
    batch answers like its first occurrence. Raises ``FhirValidationError`` (nothing written)
    when any new Communication is invalid; a concurrent writer of the same key makes the
    batch fall back to ``submit`` one by one.

    ``fresh``: the caller knows its keys are new (the dispatcher's pending doses): the
    stored Communications are not looked up first. The unique (type, id) constraint still
    decides: a key that does exist makes the batch fall back to ``submit``, which answers
    with the stored result.
    """
    from clinical.monitor.gate import GateResult, notify_released

    if not msgs:
        return []
    ids = [communication_id(m.idempotency_key) for m in msgs]
    existing = {} if fresh else store.read_many("Communication", ids)
    contexts = PatientContext.from_records(
        {m.patient_id for m, i in zip(msgs, ids, strict=True) if i not in existing}
    )
    plans: dict[str, tuple[OutgoingMessage, dict[str, Any], list[dict[str, Any]]]] = {}
    sent = timezone.now().isoformat()  # one release decision for the batch
    for msg, comm_id in zip(msgs, ids, strict=True):
        if comm_id in existing or comm_id in plans:
            continue
        result = check_text(msg.text, contexts[msg.patient_id], msg.structured, msg.category)
        findings = [f.as_dict() for f in result.findings]
        comm = _communication_for(msg, comm_id, result.action, sent)
        plans[comm_id] = (msg, comm, findings)
    validate_communications([comm for _, comm, _ in plans.values()])
    written: dict[str, dict[str, Any]] = {}
    if plans:
        try:
            with transaction.atomic():
                stored = store.write_validated(
                    [comm for _, comm, _ in plans.values()],
                    fresh={("Communication", comm_id) for comm_id in plans},
                    origin=events.OWN,
                )
                written = {comm["id"]: comm for comm, _ in stored}
                held = [
                    (msg, comm_id, findings)
                    for comm_id, (msg, comm, findings) in plans.items()
                    if comm["status"] == "on-hold"
                ]
                if held:
                    _hold_many(held)
                for comm in written.values():
                    if comm["status"] == "completed":
                        notify_released(comm)
        except IntegrityError:
            return [submit(m) for m in msgs]
    out: list[GateResult] = []
    for comm_id in ids:
        if comm_id in existing:
            out.append(_result_from_existing(existing[comm_id]))
            continue
        comm = written[comm_id]
        findings = plans[comm_id][2]
        action = "release" if comm["status"] == "completed" else "hold"
        out.append(GateResult(action=action, communication=comm, findings=findings))
    return out


def _hold_many(held: list[tuple[OutgoingMessage, str, list[dict[str, Any]]]]) -> None:
    """Reviews + HOLD audit events for held messages (bulk), then the care-team alerts."""
    escalate_at = timezone.now() + timedelta(minutes=settings.AMMED_MONITOR_ESCALATE_AFTER_MIN)
    reviews = Review.objects.bulk_create(
        [
            Review(
                communication_id=comm_id,
                patient_id=msg.patient_id,
                category=msg.category,
                original_text=msg.text,
                findings=findings,
                message={
                    "about": msg.about,
                    "structured": msg.structured,
                    "recipients": msg.recipients,
                },
                escalate_at=escalate_at,
            )
            for msg, comm_id, findings in held
        ]
    )
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                review=review,
                action=AuditAction.HOLD,
                actor=None,
                actor_name="system",
                after=review.original_text,
                detail={"findings": review.findings},
            )
            for review in reviews
        ]
    )
    for review in reviews:
        _notify_care_team(review)


def _notify_care_team(review: Review) -> None:
    from clinical.monitor.gate import alert_care_team

    codes = sorted({f.get("code", "") for f in review.findings if f.get("severity") != "low"})
    alert_care_team(
        review.patient_id,
        f"有一条发给患者的消息被输出监控拦截（{len(codes)}类问题：{'、'.join(codes)[:200]}），"
        "请在审核队列中批准、修改或拒绝。",
        reason="monitor-hold",
        about=[f"Communication/{review.communication_id}"],
        key=f"hold-{review.pk}",
    )
    _audit(review, AuditAction.NOTIFY, None, detail={"to": "care team"})


# --- access -----------------------------------------------------------------------------------


def may_review(user: Any) -> bool:
    """Physicians, nurses and superusers sign off; patients and integration accounts never."""
    if not getattr(user, "is_authenticated", False):
        return False
    if getattr(user, "is_superuser", False):
        return True
    return access.is_clinician(user) and not access.has_role(user, "patient", "integration")


def reviews_for(user: Any) -> QuerySet[Review]:
    """The reviews ``user`` may see: assigned patients, plus reviews escalated to them."""
    if not may_review(user):
        return Review.objects.none()
    if user.is_superuser:
        return Review.objects.all()
    visible = access.visible_patient_ids(user) or set()
    escalated = get_objects_for_user(
        user, "monitor.change_review", klass=Review, accept_global_perms=False
    ).values_list("id", flat=True)
    return Review.objects.filter(Q(patient_id__in=visible) | Q(id__in=list(escalated)))


# --- decisions --------------------------------------------------------------------------------


def _audit(
    review: Review,
    action: str,
    user: Any,
    before: str = "",
    after: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """The review's own history (``AuditEvent``); a person's decision also goes to the
    one audit trail (``ammed_fhir.audit``) with the decider's role."""
    if getattr(user, "pk", None):
        audit.record(
            user,
            f"review.{action}",
            obj=review,
            before={"status": ReviewStatus.PENDING, "text": before},
            after={"status": review.status, "text": after, **(detail or {})},
        )
    return AuditEvent.objects.create(
        review=review,
        action=action,
        actor=user if getattr(user, "pk", None) else None,
        actor_name=getattr(user, "username", "") or "system",
        before=before,
        after=after,
        detail=detail or {},
    )


def _locked_pending(review_id: int) -> Review:
    review = Review.objects.select_for_update().get(pk=review_id)
    if review.status != ReviewStatus.PENDING:
        raise ReviewConflict(f"该审核已处理（{review.get_status_display()}）")
    return review


def _practitioner_display(user: Any) -> str:
    return getattr(user, "get_full_name", lambda: "")() or user.username


@transaction.atomic
def approve(review_id: int, user: Any, text: str | None = None, note: str = "") -> Review:
    """Approve a held message (optionally edited): Communication completed + its delivery
    outbox in the same transaction (sent on commit)."""
    from clinical.monitor.gate import notify_released
    from clinical.workspace import signoff

    review = _locked_pending(review_id)
    if not signoff.may_approve(user, review):
        raise SignOffRequired("用药相关内容须由医生或药师审核签发，护士请升级处理")
    edited = text is not None and text != review.original_text
    if text is not None and not text.strip():
        raise ReviewError("修改后的消息不能为空")
    final = text if edited else review.original_text
    detail: dict[str, Any] = {"note": note} if note else {}
    if edited:
        # An edit goes through the monitor again (issue #16). If it would still be held, the
        # reviewer must confirm with a reason: the reason and the remaining findings are audited.
        recheck = check_text(
            final, PatientContext.from_record(review.patient_id), None, review.category
        )
        detail["findings_after_edit"] = [f.as_dict() for f in recheck.findings]
        if recheck.action == "hold":
            if not note.strip():
                codes = "、".join(sorted({f.code for f in recheck.findings if f.severity != "low"}))
                raise ReviewConflict(
                    f"修改后的消息仍被监测拦截（{codes}），请确认并填写理由后再批准"
                )
            detail["confirmed_despite_findings"] = True
    comm = dict(store.read("Communication", review.communication_id) or {})
    if not comm:
        raise ReviewError("held Communication not found")
    now = timezone.now()
    comm.update(status="completed", sent=now.isoformat(), payload=[{"contentString": final}])
    comm.pop("statusReason", None)
    comm["note"] = [
        {
            "text": f"{'修改后' if edited else ''}经 {_practitioner_display(user)} 审核批准发送",
            "time": now.isoformat(),
        }
    ]
    comm = store.write(comm)
    review.status = ReviewStatus.APPROVED
    review.final_text = final
    review.decided_at = now
    review.decided_by = user
    review.reason = note
    review.escalate_at = None
    review.save()
    _audit(
        review,
        AuditAction.EDIT_APPROVE if edited else AuditAction.APPROVE,
        user,
        before=review.original_text,
        after=final,
        detail=detail,
    )
    notify_released(comm)
    return review


@transaction.atomic
def reject(review_id: int, user: Any, reason: str) -> Review:
    """Reject a held message: Communication not-done with the reason; nothing delivered."""
    if not (reason or "").strip():
        raise ReviewError("拒绝时必须填写原因")
    review = _locked_pending(review_id)
    comm = dict(store.read("Communication", review.communication_id) or {})
    if not comm:
        raise ReviewError("held Communication not found")
    comm.update(status="not-done", statusReason={"text": reason})
    comm = store.write(comm)
    now = timezone.now()
    review.status = ReviewStatus.REJECTED
    review.decided_at = now
    review.decided_by = user
    review.reason = reason
    review.escalate_at = None
    review.save()
    _audit(
        review,
        AuditAction.REJECT,
        user,
        before=review.original_text,
        after="",
        detail={"reason": reason},
    )
    return review


# --- escalation -------------------------------------------------------------------------------


def escalation_targets(level: int) -> list[Any]:
    """Users responsible at escalation ``level`` (1-based): the configured chain of usernames,
    else (no chain configured) the active superusers at level 1."""
    User = get_user_model()
    chain = settings.AMMED_MONITOR_ESCALATION_CHAIN
    if chain:
        if level > len(chain):
            return []
        return list(User.objects.filter(username=chain[level - 1], is_active=True))
    if level == 1:
        return list(User.objects.filter(is_superuser=True, is_active=True))
    return []


def escalate_due(now: Any = None) -> int:
    """Escalate every pending review whose ``escalate_at`` has passed; returns how many."""
    now = now or timezone.now()
    count = 0
    due = Review.objects.filter(status=ReviewStatus.PENDING, escalate_at__lte=now).values_list(
        "id", "escalation_level"
    )
    for review_id, level in list(due):
        if escalate(review_id, level, now):
            count += 1
    return count


@transaction.atomic
def escalate(review_id: int, expected_level: int, now: Any = None) -> bool:
    """Escalate one review to the next responsible person (claimed by a conditional update)."""
    now = now or timezone.now()
    level = expected_level + 1
    targets = escalation_targets(level)
    more = bool(escalation_targets(level + 1))
    next_at = now + timedelta(minutes=settings.AMMED_MONITOR_ESCALATE_AFTER_MIN) if more else None
    claimed = Review.objects.filter(
        pk=review_id, status=ReviewStatus.PENDING, escalation_level=expected_level
    ).update(escalation_level=level, escalate_at=next_at)
    if claimed != 1:
        return False
    review = Review.objects.get(pk=review_id)
    for user in targets:
        assign_perm("monitor.view_review", user, review)
        assign_perm("monitor.change_review", user, review)
    practitioners = list(
        PractitionerAccount.objects.filter(user__in=targets).values_list(
            "practitioner_id", flat=True
        )
    )
    _alert(
        review,
        f"一条被拦截的患者消息超过 {settings.AMMED_MONITOR_ESCALATE_AFTER_MIN:g} 分钟未审核，已升级给您处理。",
        [f"Practitioner/{p}" for p in practitioners],
        key=f"escalate-{review.pk}-{level}",
    )
    _audit(
        review,
        AuditAction.ESCALATE,
        None,
        detail={"level": level, "to": [u.username for u in targets]},
    )
    return True


def _alert(review: Review, text: str, recipients: list[str], key: str) -> None:
    from clinical.monitor.gate import notify_released

    comm: dict[str, Any] = {
        "resourceType": "Communication",
        "id": communication_id(key),
        "status": "completed",
        "category": [{"coding": [{"system": CATEGORY_SYSTEM, "code": "alert"}]}],
        "subject": {"reference": f"Patient/{review.patient_id}"},
        "about": [{"reference": f"Communication/{review.communication_id}"}],
        "sender": SENDER,
        "sent": timezone.now().isoformat(),
        "payload": [{"contentString": text}],
    }
    if recipients:
        comm["recipient"] = [{"reference": r} for r in recipients]
    notify_released(store.write(comm))
