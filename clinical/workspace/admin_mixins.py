"""One place where every admin page is limited to the user's compartment.

``CompartmentAdminMixin`` filters the changelist (and so every action, which Django runs on
the changelist's queryset) to ``access.visible_patient_ids(user)`` and refuses an object
outside it, so a forbidden row looks like a missing one. Model permissions (the role groups,
``clinical.workspace.roles``) decide which pages open at all.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest

from ammed_fhir import access
from ammed_fhir.audit import AuditedAdminMixin

_CACHE = "_ammed_visible_patient_ids"


def visible_ids(request: HttpRequest) -> set[str] | None:
    """``access.visible_patient_ids`` for the request's user, computed once per request."""
    if not hasattr(request, _CACHE):
        user = request.user
        if getattr(user, "is_superuser", False):
            ids = None
        elif access.has_role(user, "patient", "integration") and not access.is_clinician(user):
            ids = set()  # the admin is for clinicians: patients and integrations see nothing
        else:
            ids = access.visible_patient_ids(user)
        setattr(request, _CACHE, ids)
    return getattr(request, _CACHE)


def in_compartment(request: HttpRequest, patient_id: str) -> bool:
    visible = visible_ids(request)
    return visible is None or patient_id in visible


class CompartmentAdminMixin(AuditedAdminMixin):
    """Mix into a ModelAdmin whose model has a patient id column (``patient_field``).
    Writes, custom actions and change pages shown are audited (``AuditedAdminMixin``)."""

    patient_field = "patient_id"

    def compartment(self, request: HttpRequest, qs: QuerySet) -> QuerySet:
        visible = visible_ids(request)
        if visible is None:
            return qs
        return qs.filter(**{f"{self.patient_field}__in": sorted(visible)})

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return self.compartment(request, super().get_queryset(request))  # type: ignore[misc]

    def _object_ok(self, request: HttpRequest, obj: Any) -> bool:
        return obj is None or in_compartment(request, str(getattr(obj, self.patient_field)))

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_view_permission(request, obj) and self._object_ok(request, obj)  # type: ignore[misc]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and self._object_ok(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and self._object_ok(request, obj)  # type: ignore[misc]
