"""What ``/fhir`` writers may do to Communications: the output gate cannot be bypassed.

Clinical invariant: a message reaches a patient only through ``clinical.monitor.gate``
(checked by the output monitor, or signed off by a clinician). The gate writes through
``ammed_fhir.store`` directly; everything pushed to ``/fhir`` (single create/update,
transaction and batch Bundles, ``ifNoneExist`` creates) goes through ``bundles.process``,
which asks this module about every Communication it would write. Refused (403 forbidden,
the whole request, nothing written):

- a Communication that would be ``completed`` or ``in-progress`` with a recipient that may
  be a patient or someone speaking for one: anything but a Practitioner, PractitionerRole,
  Organization, CareTeam, Device or HealthcareService (fail closed: a Patient, a
  RelatedPerson, a Group, a display-only or unresolvable recipient all count). This covers
  a new message and a ``preparation``/``on-hold`` one later PUT to ``completed``;
- any change to a Communication the gate owns (it carries AM-Med's message-category
  coding: reminders, guidance, replies, held and rejected messages, care-team alerts);
- a new Communication that carries AM-Med's message-category coding (reserved to the gate,
  so an EMR cannot forge a care-team alert or a gate-owned message).

Allowed: Communications that are not patient-facing (to Practitioners, Organizations...,
including a patient's own message to the care team, which the agent answers), and
patient-addressed ones in other statuses (``preparation``, ``on-hold``, ``not-done``,
``stopped``, ``entered-in-error``, ``unknown``), which no channel delivers.
"""

from __future__ import annotations

from typing import Any

from ammed_fhir.compartments import STAFF_TYPES, reference_type
from ammed_fhir.outcomes import Issue, issue

# The CodeSystem of AM-Med's message categories (``clinical.monitor.gate.build_communication``).
MESSAGE_CATEGORY_SYSTEM = "https://ammed.example/fhir/CodeSystem/message-category"
RELEASED_STATUSES = frozenset({"completed", "in-progress"})
_IGNORED = frozenset({"meta", "id", "text"})


def is_gate_owned(comm: dict[str, Any] | None) -> bool:
    """True for a Communication written by the gate (AM-Med's message-category coding)."""
    if not isinstance(comm, dict):
        return False
    for concept in comm.get("category") or []:
        if not isinstance(concept, dict):
            continue
        for coding in concept.get("coding") or []:
            if isinstance(coding, dict) and coding.get("system") == MESSAGE_CATEGORY_SYSTEM:
                return True
    return False


def patient_facing_recipients(comm: dict[str, Any], path: str) -> list[str]:
    """FHIRPaths of the recipients that may be a patient (anything but staff types)."""
    out = []
    recipients = comm.get("recipient")
    if isinstance(recipients, dict):
        recipients = [recipients]
    for i, holder in enumerate(recipients if isinstance(recipients, list) else []):
        if reference_type(holder) not in STAFF_TYPES:
            out.append(f"{path}.recipient[{i}]")
    return out


def communication_issues(
    resource: dict[str, Any], stored: dict[str, Any] | None, path: str
) -> list[Issue]:
    """Why a non-gate writer may not store ``resource`` (a Communication) over ``stored``
    (the current version, or None for a new one); [] when it may. ``path`` is the resource's
    FHIRPath, e.g. ``Bundle.entry[3].resource``."""
    issues: list[Issue] = []
    if is_gate_owned(stored):
        changed = sorted(
            k
            for k in set(resource) | set(stored or {})
            if k not in _IGNORED and resource.get(k) != (stored or {}).get(k)
        )
        issues.append(
            issue(
                "forbidden",
                f"{path}: this Communication belongs to AM-Med's output gate; only the gate "
                "and clinician review change it"
                + (f" (changed: {', '.join(changed)})" if changed else ""),
                [f"{path}.{k}" for k in changed] or path,
            )
        )
        return issues
    if is_gate_owned(resource):
        issues.append(
            issue(
                "forbidden",
                f"{path}.category: the message category system {MESSAGE_CATEGORY_SYSTEM} is "
                "reserved to AM-Med's output gate",
                f"{path}.category",
            )
        )
    status = resource.get("status")
    if status in RELEASED_STATUSES:
        facing = patient_facing_recipients(resource, path)
        if facing:
            issues.append(
                issue(
                    "forbidden",
                    f"{path}.status: a Communication to a patient becomes {status!r} only "
                    "through AM-Med's output gate (monitor check or clinician sign-off)",
                    [f"{path}.status", *facing],
                )
            )
    return issues
