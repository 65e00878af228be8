"""The audit trail: who did what to which patient's data, and who read it.

Invariants:
- every clinician, integration and admin action on patient data, and every request that
  read patient data, writes ``AuditRecord`` rows through ``record`` (one source of truth,
  exported as FHIR ``AuditEvent`` by ``GET /api/v1/audit``);
- rows are append-only: the model and its queryset refuse changes, and on PostgreSQL row
  triggers refuse UPDATE/DELETE and a statement trigger refuses TRUNCATE (migrations
  ``0009``/``0010``); the deployment's application role does not own the table, so it can
  neither drop nor disable those triggers (docs/security.md, "Audit trail and database
  roles");
- the actor's role is derived from the user at the time (superuser → ``admin``, else their
  group), and is kept with the row; a patient acted for by someone else is
  ``on_behalf_of``, never the actor;
- a read is one row per request naming the patients whose data the response held (a
  search lists the patients of the returned page); reads record ids only, never content.
"""

from __future__ import annotations

import contextvars
import json
from collections.abc import Callable, Iterable
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.http import HttpRequest, HttpResponse

from ammed_fhir.models import AuditRecord

READ = "read"
ROLE_ORDER = ("physician", "pharmacist", "nurse", "integration", "patient")
READ_METHODS = frozenset({"GET", "HEAD"})

_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar(
    "ammed_audit_request", default=None
)
_reads: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar(
    "ammed_audit_reads", default=None
)


# ---- who ---------------------------------------------------------------------------------


def role_of(user: Any) -> str:
    """``admin`` for a superuser, else the user's role group, ``staff``, ``user``; ``system``
    when there is no authenticated user (tasks, signals outside a request)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return "system"
    if getattr(user, "is_superuser", False):
        return "admin"
    names = set(user.groups.values_list("name", flat=True))
    for role in ROLE_ORDER:
        if role in names:
            return role
    return "staff" if getattr(user, "is_staff", False) else "user"


def current_user() -> Any:
    """The user of the request being served (after DRF authentication), if any."""
    request = _request.get()
    user = getattr(request, "user", None) if request is not None else None
    return user if getattr(user, "is_authenticated", False) else None


# ---- what --------------------------------------------------------------------------------


def jsonable(value: Any) -> Any:
    """``value`` as plain JSON (dates, decimals, UUIDs as strings)."""
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def snapshot(obj: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The concrete field values of ``obj`` (foreign keys as ids), JSON-safe."""
    names = list(fields) if fields is not None else None
    out: dict[str, Any] = {}
    for f in obj._meta.concrete_fields:
        if names is not None and f.name not in names:
            continue
        out[f.attname if f.is_relation else f.name] = getattr(obj, f.attname)
    return jsonable(out)


def patients_of_object(obj: Any) -> list[str]:
    """The patients a model instance belongs to (``patient_id``; a stored resource's
    compartments; a Patient resource itself)."""
    out: list[str] = []
    if getattr(obj, "resource_type", None) == "Patient" and getattr(obj, "resource_id", ""):
        out.append(str(obj.resource_id))
    pid = getattr(obj, "patient_id", "") or ""
    if pid and pid not in out:
        out.append(str(pid))
    for other in getattr(obj, "other_patients", None) or ():
        if other and other not in out:
            out.append(str(other))
    return out


def record(
    actor: Any,
    action: str,
    *,
    patients: Iterable[str] = (),
    obj: models.Model | None = None,
    before: Any = None,
    after: Any = None,
    on_behalf_of: str = "",
    detail: dict[str, Any] | None = None,
    object_type: str = "",
    object_id: str = "",
) -> AuditRecord:
    """Append one audit row. ``actor`` is a user or ``None`` (the system); the patients are
    ``patients`` plus those of ``obj``. Call it inside the transaction of the change."""
    ids: list[str] = []
    for pid in [*patients, *(patients_of_object(obj) if obj is not None else [])]:
        if pid and str(pid) not in ids:
            ids.append(str(pid))
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk or "")
    user = actor if getattr(actor, "is_authenticated", False) else None
    request = _request.get()
    extra = dict(detail or {})
    if request is not None:
        extra.setdefault("method", request.method)
        extra.setdefault("path", request.path[:300])
    return AuditRecord.objects.create(
        actor=user,
        actor_name=user.get_username() if user else "system",
        role=role_of(user),
        on_behalf_of=on_behalf_of,
        action=action,
        patients=f",{','.join(ids)}," if ids else "",
        object_type=object_type,
        object_id=object_id[:128],
        before=jsonable(before),
        after=jsonable(after),
        detail=jsonable(extra),
    )


# ---- reads -------------------------------------------------------------------------------


def note_read(patient_ids: Iterable[str]) -> None:
    """Name patients whose data the current request's response holds (no-op outside one)."""
    reads = _reads.get()
    if reads is None:
        return
    for pid in patient_ids:
        if pid and pid not in reads:
            reads.append(str(pid))


def note_fhir_body(body: Any) -> None:
    """The patients of a FHIR response: a resource's compartments, or each entry's."""
    if _reads.get() is None or not isinstance(body, dict):
        return
    from ammed_fhir.compartments import patients_of

    if body.get("resourceType") == "Bundle":
        for entry in body.get("entry") or []:
            resource = entry.get("resource") if isinstance(entry, dict) else None
            if isinstance(resource, dict):
                note_read(patients_of(resource))
    elif body.get("resourceType") not in (None, "OperationOutcome"):
        note_read(patients_of(body))


class AuditMiddleware:
    """Binds the request for ``record``/``current_user`` and writes one ``read`` row per
    successful read request that touched patient data: the ``patient_id`` of the URL
    (``/api/v1/patients/<id>/…``) and whatever the views named through ``note_read``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        req_token = _request.set(request)
        reads_token = _reads.set([])
        try:
            response = self.get_response(request)
            self._record_read(request, response)
            return response
        finally:
            _reads.reset(reads_token)
            _request.reset(req_token)

    @staticmethod
    def _record_read(request: HttpRequest, response: HttpResponse) -> None:
        is_search = request.method == "POST" and request.path.endswith("/_search")
        if request.method not in READ_METHODS and not is_search:
            return
        if response.status_code >= 400:
            return
        user = getattr(request, "user", None)
        if not getattr(user, "is_authenticated", False):
            return
        ids = list(_reads.get() or [])
        match = getattr(request, "resolver_match", None)
        url_pid = (match.kwargs.get("patient_id") if match else None) or ""
        if url_pid and url_pid not in ids:
            ids.insert(0, str(url_pid))
        if not ids:
            return
        record(user, READ, patients=ids, detail={"status": response.status_code})


# ---- admin -------------------------------------------------------------------------------


class AuditedAdminMixin:
    """Put first in a ModelAdmin's bases: add/change/delete (Django's ``LogEntry`` stays)
    and custom actions are also audit rows with before/after; a change page shown is a
    read of its object's patients. Admins whose writes are audited elsewhere (signals,
    services) set ``audit_admin_writes = False``: their pages are still audited reads.
    ``clinical.workspace``'s ``CompartmentAdminMixin`` builds on it, so every patient
    admin page is audited."""

    audit_admin_writes = True

    def get_object(self, request, object_id, from_field=None):  # type: ignore[no-untyped-def]
        obj = super().get_object(request, object_id, from_field)  # type: ignore[misc]
        if obj is not None:
            request._audit_before = snapshot(obj)
        return obj

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):  # type: ignore[no-untyped-def]
        if obj is not None and request.method in READ_METHODS:
            note_read(patients_of_object(obj))  # shown, so permitted: a read of its patients
        return super().render_change_form(request, context, add, change, form_url, obj)  # type: ignore[misc]

    def _admin_record(self, request, action: str, obj, before, after, message=None) -> None:  # type: ignore[no-untyped-def]
        if not self.audit_admin_writes:
            return
        detail = {"via": "admin"}
        if message:
            detail["change_message"] = message if isinstance(message, str) else jsonable(message)
        record(request.user, action, obj=obj, before=before, after=after, detail=detail)

    def log_addition(self, request, obj, message):  # type: ignore[no-untyped-def]
        entry = super().log_addition(request, obj, message)  # type: ignore[misc]
        self._admin_record(request, "admin.add", obj, None, snapshot(obj), message)
        return entry

    def log_change(self, request, obj, message):  # type: ignore[no-untyped-def]
        entry = super().log_change(request, obj, message)  # type: ignore[misc]
        before = getattr(request, "_audit_before", None)
        self._admin_record(request, "admin.change", obj, before, snapshot(obj), message)
        return entry

    def log_deletions(self, request, queryset):  # type: ignore[no-untyped-def]
        entries = super().log_deletions(request, queryset)  # type: ignore[misc]
        for obj in queryset:
            self._admin_record(request, "admin.delete", obj, snapshot(obj), None)
        return entries

    def get_actions(self, request):  # type: ignore[no-untyped-def]
        actions = super().get_actions(request)  # type: ignore[misc]
        return {
            name: (func if name == "delete_selected" else _audited_action(name, func), n, d)
            for name, (func, n, d) in actions.items()
        }


def _audited_action(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    def run(modeladmin, request, queryset):  # type: ignore[no-untyped-def]
        if not getattr(modeladmin, "audit_admin_writes", True):
            return func(modeladmin, request, queryset)
        rows = list(queryset)
        patients: list[str] = []
        for row in rows:
            patients += [p for p in patients_of_object(row) if p not in patients]
        record(
            request.user,
            f"admin.action.{name}"[:48],
            patients=patients,
            object_type=modeladmin.model._meta.label_lower,
            detail={"via": "admin", "ids": [str(r.pk) for r in rows][:500]},
        )
        return func(modeladmin, request, queryset)

    run.__name__ = getattr(func, "__name__", name)
    return run


# ---- assignments -------------------------------------------------------------------------


def on_assignment_created(sender, instance, created: bool = False, **kwargs) -> None:  # type: ignore[no-untyped-def]
    if created:
        record(
            current_user(),
            "assignment.create",
            obj=instance,
            after=snapshot(instance, ["patient_id", "user", "source"]),
        )


def on_assignment_deleted(sender, instance, **kwargs) -> None:  # type: ignore[no-untyped-def]
    record(
        current_user(),
        "assignment.delete",
        obj=instance,
        before=snapshot(instance, ["patient_id", "user", "source"]),
    )


# ---- export as FHIR AuditEvent -------------------------------------------------------------

_DICOM = "http://dicom.nema.org/resources/ontology/DCM"
_REST = "http://terminology.hl7.org/CodeSystem/audit-event-type"
_ACTION_CODE = {READ: "R", "admin.add": "C", "admin.delete": "D", "assignment.create": "C"}


def as_audit_event(row: AuditRecord) -> dict[str, Any]:
    """One row as a FHIR R4 ``AuditEvent`` (before/after as ``entity.detail`` JSON)."""
    code = _ACTION_CODE.get(row.action, "D" if row.action.endswith(".delete") else "U")
    if row.action.startswith("admin.action") or row.action.endswith(".approve"):
        code = "E"
    agent: dict[str, Any] = {
        "type": {"coding": [{"system": _DICOM, "code": "110153", "display": "Source Role ID"}]},
        "role": [{"text": row.role}],
        "who": {"display": row.actor_name},
        "requestor": True,
    }
    if row.actor_id:
        agent["who"]["identifier"] = {"system": "urn:ammed:user", "value": str(row.actor_id)}
    agents = [agent]
    if row.on_behalf_of:
        agents.append({"who": {"reference": row.on_behalf_of}, "requestor": False})
    entities: list[dict[str, Any]] = [
        {"what": {"reference": f"Patient/{pid}"}, "role": {"code": "1", "display": "Patient"}}
        for pid in row.patient_ids
    ]
    if row.object_type:
        detail = []
        for key in ("before", "after"):
            value = getattr(row, key)
            if value is not None:
                detail.append({"type": key, "valueString": json.dumps(value, ensure_ascii=False)})
        entities.append(
            {
                "what": {"display": f"{row.object_type}/{row.object_id}"},
                **({"detail": detail} if detail else {}),
            }
        )
    return {
        "resourceType": "AuditEvent",
        "id": str(row.pk),
        "type": {"system": _REST, "code": "rest"},
        "subtype": [{"system": "urn:ammed:audit-action", "code": row.action}],
        "action": code,
        "recorded": row.at.isoformat(),
        "outcome": "0",
        "agent": agents,
        "source": {"observer": {"display": "AM-Med"}},
        "entity": entities,
    }
