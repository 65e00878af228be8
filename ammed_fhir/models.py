"""Storage of FHIR resources: validated JSON, versioned, with indexed search columns.

Invariant: one ``Resource`` row per (resource_type, resource_id) holding the current
version; every version it superseded is kept in ``ResourceVersion`` (so every version is
kept, each once). Re-posting a resource with the same id makes a new version, never a
duplicate row.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Resource(models.Model):
    """The current version of one FHIR resource, with search columns extracted on write."""

    resource_type = models.CharField(max_length=64)
    resource_id = models.CharField(max_length=64)
    version_id = models.PositiveIntegerField(default=1)
    last_updated = models.DateTimeField()
    data = models.JSONField()
    # Compartment: the FHIR id of the Patient this resource belongs to (the Patient itself too).
    patient_id = models.CharField(max_length=64, blank=True, default="")
    # Every other Patient whose compartment holds it (R4 CompartmentDefinition, see
    # ``ammed_fhir.compartments``), as object keys ``{"<id>": true}`` (``has_any_keys``
    # works on PostgreSQL and SQLite alike); empty for the usual single-patient resource.
    other_patients = models.JSONField(default=dict, blank=True)
    # Search columns (filled from ``data`` by ``ammed_fhir.search_columns``).
    status = models.CharField(max_length=32, blank=True, default="")
    codes = models.JSONField(default=list, blank=True)  # ["system|code", "|code", ...]
    identifiers = models.JSONField(default=list, blank=True)  # ["system|value", "|value", ...]
    effective = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["resource_type", "resource_id"], name="uniq_resource_type_id"
            )
        ]
        # Plain b-tree indexes only (no varchar_pattern_ops twin for LIKE, which no query
        # uses): every index is written again for each new row version.
        indexes = [
            models.Index(fields=["patient_id"], name="res_patient"),
            models.Index(fields=["resource_type", "patient_id"], name="res_type_patient"),
            models.Index(fields=["resource_type", "status"], name="res_type_status"),
            models.Index(fields=["resource_type", "effective"], name="res_type_effective"),
        ]
        verbose_name = "FHIR 资源"
        verbose_name_plural = "FHIR 资源"
        # Object permission (django-guardian) on a Patient row: the holder sees that
        # patient's compartment. Granted from PatientAssignment (see ammed_fhir.access).
        permissions = [("view_compartment", "Can see this patient's compartment")]

    def __str__(self) -> str:
        return f"{self.resource_type}/{self.resource_id} v{self.version_id}"


class ResourceVersion(models.Model):
    """An immutable superseded version of a resource (``_history``); the current version is
    the ``Resource`` row."""

    resource_type = models.CharField(max_length=64)
    resource_id = models.CharField(max_length=64)
    version_id = models.PositiveIntegerField()
    last_updated = models.DateTimeField()
    data = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["resource_type", "resource_id", "version_id"], name="uniq_resource_version"
            )
        ]
        verbose_name = "FHIR 资源版本"
        verbose_name_plural = "FHIR 资源版本"

    def __str__(self) -> str:
        return f"{self.resource_type}/{self.resource_id}/_history/{self.version_id}"


class PatientAssignment(models.Model):
    """A clinician (physician or nurse user) responsible for a patient's follow-up."""

    patient_id = models.CharField(max_length=64, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments"
    )
    source = models.CharField(max_length=32, default="admin")  # admin | api | generalPractitioner
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["patient_id", "user"], name="uniq_patient_assignment")
        ]
        verbose_name = "患者分配"
        verbose_name_plural = "患者分配"

    def __str__(self) -> str:
        return f"Patient/{self.patient_id} → {self.user}"


class PatientAccount(models.Model):
    """Links a patient user login to their FHIR Patient (the user's own compartment)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="patient_account"
    )
    patient_id = models.CharField(max_length=64, unique=True)

    def __str__(self) -> str:
        return f"{self.user} = Patient/{self.patient_id}"


class PractitionerAccount(models.Model):
    """Links a clinician user to their FHIR Practitioner (for ``generalPractitioner`` assignment)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practitioner_account"
    )
    practitioner_id = models.CharField(max_length=64, unique=True)

    def __str__(self) -> str:
        return f"{self.user} = Practitioner/{self.practitioner_id}"


class PatientResource(Resource):
    """Stored FHIR Patients (a proxy over ``Resource`` for the admin's patient list)."""

    class Meta:
        proxy = True
        verbose_name = "患者"
        verbose_name_plural = "患者"


class OutboxEvent(models.Model):
    """A change event waiting for (or done with) its subscribers: the transactional outbox.

    Invariant: written in the same transaction as the resources it names, so a committed
    write always has its event and a rolled-back one has none; ``dispatched_at`` is set once
    every subscriber ran. The payload names resources (type, id, version, patient id,
    action, origin), never their content. A broker outage only delays an event: the row
    stays pending until a drain (Celery beat or ``manage.py drain_outbox``) claims it.
    """

    topic = models.CharField(max_length=64, default="resources_changed")
    payload = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    # When a drain may next claim it: now when written; lease end while claimed; backoff
    # after a failure.
    next_attempt_at = models.DateTimeField()
    dispatched_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=255, blank=True, default="")

    class Meta:
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(dispatched_at__isnull=True),
                name="outbox_pending",
            ),
            models.Index(
                fields=["dispatched_at"],
                condition=models.Q(dispatched_at__isnull=False),
                name="outbox_dispatched",
            ),
        ]
        verbose_name = "变更事件 (outbox)"
        verbose_name_plural = "变更事件 (outbox)"

    def __str__(self) -> str:
        state = "dispatched" if self.dispatched_at else f"pending ({self.attempts} attempts)"
        return f"{self.topic} #{self.pk} {state}"
