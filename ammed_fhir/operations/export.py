"""FHIR Bulk Data ``$export`` (HL7 Bulk Data Access IG v2, on R4): ``/$export`` (system),
``/Patient/$export`` (every patient compartment) and ``/Group/{id}/$export`` (the Group's
member Patients), always within what the caller may read (``access.search_scope`` and
``access.can_read_fhir`` on every row).

Kick-off answers 202 with ``Content-Location`` (the status URL); the job runs in Celery
(``ammed_fhir.bulk_export``, eager in tests). Polling the status URL answers 202 with
``X-Progress`` while the job is queued or running, then 200 with the manifest; ``DELETE``
cancels and removes the files. Files are ndjson (one resource a line, one file per type),
served only to the account that asked (``requiresAccessToken``: true).

A job is a folder under ``settings.DATA_DIR / "fhir-export"``: ``job.json`` (owner, request,
state, manifest) and the ndjson files. The worker claims a queued job by renaming its
``queued`` marker (only one rename wins).
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Q

from ammed_fhir import access, audit, fhirjson
from ammed_fhir.models import Resource
from ammed_fhir.operations.everything import parse_types
from ammed_fhir.outcomes import FhirError
from ammed_fhir.search import parse_since
from ammed_fhir.subscriptions.delivery import redact_headers

PARAMETERS = {
    "_outputFormat": "application/fhir+ndjson (also application/ndjson, ndjson)",
    "_type": "comma-separated resource types to export",
    "_since": "only resources last updated at or after this instant",
}
OUTPUT_FORMATS = {"application/fhir+ndjson", "application/ndjson", "ndjson"}
_JOB_ID = re.compile(r"[0-9a-f]{32}")
logger = logging.getLogger(__name__)
_FILE = re.compile(r"[A-Za-z]{1,64}\.ndjson")


def export_root() -> Path:
    return Path(settings.DATA_DIR) / "fhir-export"


def _job_dir(job_id: str) -> Path:
    if not _JOB_ID.fullmatch(job_id or ""):
        raise FhirError.one(404, "not-found", "no such export job")
    return export_root() / job_id


def _read(job_id: str) -> dict[str, Any]:
    path = _job_dir(job_id) / "job.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        raise FhirError.one(404, "not-found", "no such export job") from None


def _write(job: dict[str, Any]) -> None:
    folder = _job_dir(job["id"])
    tmp = folder / "job.json.tmp"
    tmp.write_text(json.dumps(job), encoding="utf-8")
    os.replace(tmp, folder / "job.json")


def job_for(user: Any, job_id: str) -> dict[str, Any]:
    """The job, if ``user`` started it; 404 otherwise (another's job looks unknown)."""
    job = _read(job_id)
    if job.get("owner") != getattr(user, "pk", None):
        raise FhirError.one(404, "not-found", "no such export job")
    return job


def kick_off(
    user: Any, level: str, request_url: str, params: Any, group_id: str | None = None
) -> dict[str, Any]:
    """Record a queued export job for ``user`` (level: system, patient or group)."""
    fmt = params.get("_outputFormat")
    if fmt and fmt not in OUTPUT_FORMATS:
        raise FhirError.one(400, "not-supported", f"_outputFormat {fmt!r}", "_outputFormat")
    types = parse_types(params.get("_type"))
    since = parse_since(params.get("_since"))
    if level == "group":
        group = Resource.objects.filter(resource_type="Group", resource_id=group_id).first()
        if group is None or not access.can_read_fhir(user, group.data, set()):
            raise FhirError.one(404, "not-found", f"Group/{group_id} is not known")
    job = {
        "id": uuid.uuid4().hex,
        "owner": user.pk,
        "level": level,
        "group": group_id,
        "types": types,
        "since": since.isoformat() if since else None,
        "request": request_url,
        "state": "queued",
        "progress": "queued",
        "created": datetime.now(UTC).isoformat(),
    }
    folder = export_root() / job["id"]
    folder.mkdir(parents=True)
    _write(job)
    (folder / "queued").touch()
    return job


def _group_patients(group_id: str) -> set[str]:
    group = Resource.objects.filter(resource_type="Group", resource_id=group_id).first()
    ids: set[str] = set()
    for member in (group.data.get("member") or []) if group else []:
        ref = (member.get("entity") or {}).get("reference", "") if isinstance(member, dict) else ""
        if isinstance(ref, str) and ref.startswith("Patient/"):
            ids.add(ref.split("/")[1])
    return ids


def _rows(user: Any, job: dict[str, Any], rtype: str):
    qs = Resource.objects.filter(resource_type=rtype)
    scope = access.search_scope(user, rtype)
    if scope is not None:
        qs = qs.filter(scope)
    if job["level"] == "group":
        ids = sorted(_group_patients(job["group"]))
        if not ids:
            return iter(())
        qs = qs.filter(Q(patient_id__in=ids) | Q(other_patients__has_any_keys=ids))
    elif job["level"] == "patient":
        qs = qs.filter(~Q(patient_id="") | ~Q(other_patients={}))
    if job["since"]:
        qs = qs.filter(last_updated__gte=datetime.fromisoformat(job["since"]))
    return qs.order_by("resource_id").iterator(chunk_size=1000)


def run(job_id: str) -> str:
    """Run a queued job (claimed by renaming its marker; a job already claimed, cancelled
    or gone is left alone). Returns the final state."""
    from django.contrib.auth import get_user_model

    folder = export_root() / job_id
    try:
        os.rename(folder / "queued", folder / "running")
    except FileNotFoundError:
        return "not-claimed"
    job = _read(job_id)
    user = get_user_model().objects.filter(pk=job["owner"], is_active=True).first()
    if user is None:
        job.update(state="failed", progress="the account is gone")
        _write(job)
        return "failed"
    # The snapshot time clients pass as the next _since: taken before the first row is read,
    # so a resource updated while the export runs is in the next incremental export.
    started = datetime.now(UTC).isoformat()
    job.update(state="running", progress="running")
    _write(job)
    try:
        output = _write_files(user, job, folder)
    except Exception as exc:  # a failed job must say so, never poll as running forever
        logger.exception("export job %s failed", job_id)
        job.update(state="failed", progress=f"failed ({type(exc).__name__})")
        _write(job)
        (folder / "running").unlink(missing_ok=True)
        return "failed"
    if output is None:
        return "cancelled"
    job.update(state="done", progress="done", transactionTime=started, output=output)
    _write(job)
    (folder / "running").unlink(missing_ok=True)
    return "done"


def _write_files(user: Any, job: dict[str, Any], folder: Path) -> list[dict[str, Any]] | None:
    """One ndjson file per type with rows; None when the job was cancelled meanwhile."""
    types = job["types"] or sorted(
        set(Resource.objects.values_list("resource_type", flat=True).distinct())
    )
    if job["level"] in {"patient", "group"} and job["types"] is None:
        types = [t for t in types if t != "Group"]
    output = []
    readable = access.fhir_reader(user)
    for i, rtype in enumerate(types):
        if not (folder / "running").exists():
            return None
        count = 0
        path = folder / f"{rtype}.ndjson"
        with path.open("w", encoding="utf-8") as out:
            for row in _rows(user, job, rtype):
                patients = {row.patient_id, *(row.other_patients or {})} - {""}
                if not readable(row.data, patients):
                    continue
                # decimals as sent; a Subscription's channel.header values never leave
                out.write(fhirjson.dumps(redact_headers(row.data)).decode())
                out.write("\n")
                count += 1
        if count:
            output.append({"type": rtype, "file": path.name, "count": count})
        else:
            path.unlink()
        job["progress"] = f"{i + 1} of {len(types)} types"
        _write(job)
    return output


def manifest(job: dict[str, Any], base_url: str) -> dict[str, Any]:
    return {
        "transactionTime": job["transactionTime"],
        "request": job["request"],
        "requiresAccessToken": True,
        "output": [
            {
                "type": o["type"],
                "url": f"{base_url}/$export-file/{job['id']}/{o['file']}",
                "count": o["count"],
            }
            for o in job["output"]
        ],
        "error": [],
    }


def file_path(user: Any, job_id: str, name: str) -> Path:
    job = job_for(user, job_id)
    if job["state"] != "done" or not _FILE.fullmatch(name):
        raise FhirError.one(404, "not-found", "no such export file")
    path = _job_dir(job_id) / name
    if not path.is_file():
        raise FhirError.one(404, "not-found", "no such export file")
    return path


def patients_in_file(path: Path) -> list[str]:
    """The patients whose data one ndjson export file holds (for the audit trail)."""
    from ammed_fhir.compartments import patients_of

    seen: dict[str, None] = {}
    with path.open("rb") as fh:
        for line in fh:
            if line.strip():
                seen.update(dict.fromkeys(patients_of(json.loads(line))))
    return list(seen)


def cancel(user: Any, job_id: str) -> None:
    """Cancel a job of ``user`` and remove its files."""
    job_for(user, job_id)
    shutil.rmtree(_job_dir(job_id), ignore_errors=True)


# ---- views ------------------------------------------------------------------------------


def views() -> dict[str, Any]:
    """The DRF view classes: kick-off (system, patient, group), status, file."""
    from django.db import transaction
    from django.http import FileResponse, HttpResponse
    from drf_spectacular.types import OpenApiTypes
    from drf_spectacular.utils import extend_schema

    from ammed_fhir.fhir_views import FHIR_JSON, FhirView, fhir_response
    from ammed_fhir.outcomes import issue, outcome

    def start(request, level: str, group_id: str | None = None):
        unknown = sorted(set(request.GET) - {*PARAMETERS, "_format"})
        if unknown:
            raise FhirError.one(
                400, "not-supported", f"unknown $export parameter(s) {unknown}", unknown[0]
            )
        job = kick_off(request.user, level, request.build_absolute_uri(), request.GET, group_id)

        def enqueue() -> None:
            from ammed_fhir.tasks import bulk_export

            bulk_export.delay(job["id"])

        transaction.on_commit(enqueue)
        status_url = request.build_absolute_uri(f"/fhir/$export-poll-status/{job['id']}")
        body = outcome(
            [issue("informational", f"export job {job['id']} accepted", severity="information")]
        )
        return fhir_response(body, 202, Content_Location=status_url)

    class SystemExportView(FhirView):
        @extend_schema(
            summary="$export: kick off a system-level Bulk Data export",
            operation_id="fhir_export_system",
            responses={(200, FHIR_JSON): OpenApiTypes.OBJECT},
            tags=["fhir"],
        )
        def get(self, request):
            return start(request, "system")

    class PatientExportView(FhirView):
        @extend_schema(
            summary="Patient/$export: kick off an export of the caller's patients",
            operation_id="fhir_export_patient",
            responses={(200, FHIR_JSON): OpenApiTypes.OBJECT},
            tags=["fhir"],
        )
        def get(self, request):
            return start(request, "patient")

    class GroupExportView(FhirView):
        @extend_schema(
            summary="Group/{id}/$export: kick off an export of a group's patients",
            operation_id="fhir_export_group",
            responses={(200, FHIR_JSON): OpenApiTypes.OBJECT},
            tags=["fhir"],
        )
        def get(self, request, resource_id: str):
            return start(request, "group", resource_id)

    class ExportStatusView(FhirView):
        @extend_schema(
            summary="Poll an export job (202 with X-Progress, then 200 with the manifest)",
            operation_id="fhir_export_status",
            responses={(200, FHIR_JSON): OpenApiTypes.OBJECT},
            tags=["fhir"],
        )
        def get(self, request, job_id: str):
            job = job_for(request.user, job_id)
            if job["state"] in {"queued", "running"}:
                resp = HttpResponse(status=202)
                resp["X-Progress"] = job.get("progress") or job["state"]
                resp["Retry-After"] = "2"
                return resp
            if job["state"] != "done":
                return fhir_response(
                    outcome([issue("exception", f"export failed: {job.get('progress')}")]), 500
                )
            body = manifest(job, request.build_absolute_uri("/fhir"))
            return HttpResponse(json.dumps(body), content_type="application/json")

        @extend_schema(
            summary="Cancel an export job",
            operation_id="fhir_export_cancel",
            responses={202: None},
            tags=["fhir"],
        )
        def delete(self, request, job_id: str):
            cancel(request.user, job_id)
            return HttpResponse(status=202)

    class ExportFileView(FhirView):
        @extend_schema(
            summary="Download one ndjson file of a finished export",
            operation_id="fhir_export_file",
            responses={(200, FHIR_JSON): OpenApiTypes.OBJECT},
            tags=["fhir"],
        )
        def get(self, request, job_id: str, name: str):
            path = file_path(request.user, job_id, name)
            audit.note_read(patients_in_file(path))  # a download is a read of its patients
            return FileResponse(path.open("rb"), content_type="application/fhir+ndjson")

    return {
        "system": SystemExportView,
        "patient": PatientExportView,
        "group": GroupExportView,
        "status": ExportStatusView,
        "file": ExportFileView,
    }
