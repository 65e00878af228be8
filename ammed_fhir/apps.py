from __future__ import annotations

from django.apps import AppConfig


class AmmedFhirConfig(AppConfig):
    name = "ammed_fhir"
    verbose_name = "FHIR 资源 (FHIR resources)"

    def ready(self) -> None:
        from django.conf import settings
        from django.db.models.signals import post_delete, post_save

        from ammed_fhir import access, audit, security
        from ammed_fhir.models import PatientAssignment, PractitionerAccount

        post_save.connect(access.on_assignment_saved, sender=PatientAssignment)
        post_delete.connect(access.on_assignment_deleted, sender=PatientAssignment)
        post_save.connect(audit.on_assignment_created, sender=PatientAssignment)
        post_delete.connect(audit.on_assignment_deleted, sender=PatientAssignment)
        post_save.connect(access.on_practitioner_linked, sender=PractitionerAccount)
        security.connect_signals()  # failed logins and lockouts on the ammed.security log
        settings.CELERY_BEAT_SCHEDULE.setdefault(
            "ammed-fhir-drain-outbox",
            {"task": "ammed_fhir.drain_outbox", "schedule": settings.AMMED_OUTBOX_DRAIN_EVERY_S},
        )
