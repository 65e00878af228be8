"""Storage of FHIR resources: validated JSON, versioned, with indexed search columns.

Invariant: one ``Resource`` row per (resource_type, resource_id) holding the current
version; every version it superseded is kept in ``ResourceVersion`` (so every version is
kept, each once). Re-posting a resource with the same id makes a new version, never a
duplicate row.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ammed_fhir.fhirjson import FhirJSONDecoder, FhirJSONEncoder


class Resource(models.Model):
    """The current version of one FHIR resource, with search columns extracted on write."""

    resource_type = models.CharField("资源类型", max_length=64)
    resource_id = models.CharField("资源 ID", max_length=64)
    version_id = models.PositiveIntegerField("版本", default=1)
    last_updated = models.DateTimeField("更新时间")
    # Decimals kept as sent (``1.00`` stays ``1.00``): see ``ammed_fhir.fhirjson``.
    data = models.JSONField("资源内容", encoder=FhirJSONEncoder, decoder=FhirJSONDecoder)
    # Compartment: the FHIR id of the Patient this resource belongs to (the Patient itself too).
    patient_id = models.CharField("患者 ID", max_length=64, blank=True, default="")
    # Every other Patient whose compartment holds it (R4 CompartmentDefinition, see
    # ``ammed_fhir.compartments``), as object keys ``{"<id>": true}`` (``has_any_keys``
    # works on PostgreSQL and SQLite alike); empty for the usual single-patient resource.
    other_patients = models.JSONField("其他相关患者", default=dict, blank=True)
    # Search columns (filled from ``data`` by ``ammed_fhir.search_columns``).
    status = models.CharField("状态", max_length=32, blank=True, default="")
    codes = models.JSONField("编码", default=list, blank=True)  # ["system|code", "|code", ...]
    # ["system|value", "|value", ...]
    identifiers = models.JSONField("标识符", default=list, blank=True)
    effective = models.DateTimeField("发生时间", null=True, blank=True)

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
        permissions = [("view_compartment", "可查看该患者的全部资料")]

    def __str__(self) -> str:
        return f"{self.resource_type}/{self.resource_id} v{self.version_id}"


class ResourceVersion(models.Model):
    """An immutable superseded version of a resource (``_history``); the current version is
    the ``Resource`` row."""

    resource_type = models.CharField("资源类型", max_length=64)
    resource_id = models.CharField("资源 ID", max_length=64)
    version_id = models.PositiveIntegerField("版本")
    last_updated = models.DateTimeField("更新时间")
    data = models.JSONField("资源内容", encoder=FhirJSONEncoder, decoder=FhirJSONDecoder)

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

    patient_id = models.CharField("患者 ID", max_length=64, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="负责医护",
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    # admin | api | generalPractitioner
    source = models.CharField("来源", max_length=32, default="admin")
    created = models.DateTimeField("分配时间", auto_now_add=True)

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
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        on_delete=models.CASCADE,
        related_name="patient_account",
    )
    patient_id = models.CharField("患者 ID", max_length=64, unique=True)

    class Meta:
        verbose_name = "患者账号"
        verbose_name_plural = "患者账号"

    def __str__(self) -> str:
        return f"{self.user} = Patient/{self.patient_id}"


class PractitionerAccount(models.Model):
    """Links a clinician user to their FHIR Practitioner (for ``generalPractitioner`` assignment)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        on_delete=models.CASCADE,
        related_name="practitioner_account",
    )
    practitioner_id = models.CharField("医护人员 ID (Practitioner)", max_length=64, unique=True)

    class Meta:
        verbose_name = "医护人员账号"
        verbose_name_plural = "医护人员账号"

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

    topic = models.CharField("主题", max_length=64, default="resources_changed")
    payload = models.JSONField("内容")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    # When a drain may next claim it: now when written; lease end while claimed; backoff
    # after a failure.
    next_attempt_at = models.DateTimeField("下次尝试时间")
    dispatched_at = models.DateTimeField("分发时间", null=True, blank=True)
    attempts = models.PositiveIntegerField("尝试次数", default=0)
    last_error = models.CharField("最近错误", max_length=255, blank=True, default="")

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


class AuditRecordQuerySet(models.QuerySet):
    """Append-only: no bulk update or delete (the database refuses them too on PostgreSQL)."""

    def update(self, **kwargs) -> int:
        raise PermissionError("audit records are append-only")

    def delete(self):
        raise PermissionError("audit records are append-only")

    def for_patient(self, patient_id: str) -> AuditRecordQuerySet:
        return self.filter(patients__contains=f",{patient_id},")


class AuditRecord(models.Model):
    """One clinician, integration, admin or system action, or one read of patient data.

    Invariant: append-only (the model, its queryset, and on PostgreSQL row and TRUNCATE
    triggers refuse changes; see ``ammed_fhir.audit`` and docs/security.md). Written through
    ``ammed_fhir.audit.record`` only. ``patients`` lists every patient touched as
    ``,id1,id2,`` (one row per request for reads). Reads carry ids only, never content.
    """

    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    # No foreign key constraint: deleting a user must neither cascade into nor be blocked
    # by the trail; the name and role are kept as they were at the time.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_name = models.CharField("操作人姓名", max_length=150, default="system")
    # admin|physician|nurse|…|system
    role = models.CharField("角色", max_length=16, default="system")
    # Patient/<id>
    on_behalf_of = models.CharField("代表", max_length=80, blank=True, default="")
    action = models.CharField("操作", max_length=48, db_index=True)
    patients = models.TextField("涉及患者", blank=True, default="")  # ",id1,id2,"
    object_type = models.CharField("对象类型", max_length=64, blank=True, default="")
    object_id = models.CharField("对象 ID", max_length=128, blank=True, default="")
    before = models.JSONField("修改前", null=True, blank=True)
    after = models.JSONField("修改后", null=True, blank=True)
    # method, path, status, via
    detail = models.JSONField("详情", default=dict, blank=True)

    objects = AuditRecordQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        verbose_name = "审计记录"
        verbose_name_plural = "审计记录"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_name} ({self.role}) {self.action}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise PermissionError("audit records are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit records are append-only")

    @property
    def patient_ids(self) -> list[str]:
        return [p for p in self.patients.split(",") if p]
