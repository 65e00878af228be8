"""Patient compartments: which Patients a resource belongs to (pure functions, no queries).

The table is data: ``data/compartment_patient_r4.json``, the HL7 FHIR R4 (4.0.1)
CompartmentDefinition for Patient with, for each listed search parameter, the element paths
of its R4 SearchParameter expression (``Appointment.actor`` → ``participant.actor``). A
resource is in the compartment of every Patient referenced from any of those elements,
lists included (``Account.subject``, ``Communication.recipient``, ``Group.member.entity``).
AM-Med also keeps the top-level ``subject``/``patient``/``beneficiary``/``for`` of every
type (e.g. ``Task.for``, which R4 leaves out), so nothing leaves a compartment it was in.

Invariant: a reference counts only when it names a Patient (``Patient/id``, an absolute URL
ending in ``Patient/id``, with or without ``_history``). An identifier reference (no
``reference``, only ``identifier``) in one of these elements must be resolved to a Patient
before it is stored (``ammed_fhir.bundles`` does that, or refuses the write); see
``identifier_references``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from ammed_fhir.search_columns import reference_id

_DATA = Path(__file__).parent / "data" / "compartment_patient_r4.json"
# Elements that placed a resource in a compartment before the R4 table (kept for every type).
LEGACY_ELEMENTS = ("subject", "patient", "beneficiary", "for")
# Reference types that are never a patient or someone speaking for one.
STAFF_TYPES = frozenset(
    {"Practitioner", "PractitionerRole", "Organization", "CareTeam", "Device", "HealthcareService"}
)


@lru_cache(maxsize=1)
def definition() -> dict[str, Any]:
    """The compartment table (``resources``: type → param → element paths; ``never``;
    ``shared``)."""
    return json.loads(_DATA.read_text(encoding="utf-8"))


@lru_cache(maxsize=256)
def element_paths(resource_type: str) -> tuple[str, ...]:
    """Every element path whose references place a ``resource_type`` in a compartment:
    the legacy top-level elements first, then the R4 parameters' paths (no duplicates)."""
    paths = list(LEGACY_ELEMENTS)
    for param_paths in definition()["resources"].get(resource_type, {}).values():
        paths += [p for p in param_paths if p not in paths]
    return tuple(paths)


def in_compartment_definition(resource_type: str) -> bool:
    """True when R4 lists ``resource_type`` as one that may be in a Patient compartment."""
    return resource_type in definition()["resources"]


def is_shared_type(resource_type: str) -> bool:
    """Reference data every logged-in user may read (Practitioner, Medication, ...): AM-Med
    policy over the types R4 says are never in a Patient compartment."""
    return resource_type in _shared()


@lru_cache(maxsize=1)
def _shared() -> frozenset[str]:
    return frozenset(definition()["shared"])


def _walk(node: Any, steps: list[str], path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, list):
        for i, item in enumerate(node):
            yield from _walk(item, steps, f"{path}[{i}]")
        return
    if not isinstance(node, dict):
        return
    if not steps:
        yield path, node
        return
    head, rest = steps[0], steps[1:]
    if head in node:
        yield from _walk(node[head], rest, f"{path}.{head}")


def reference_elements(resource: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(FHIRPath, Reference dict) for every element that can place ``resource`` in a Patient
    compartment, e.g. ``("Appointment.participant[0].actor", {"reference": "Patient/1"})``."""
    rtype = str(resource.get("resourceType") or "")
    seen: set[int] = set()
    for element in element_paths(rtype):
        for path, holder in _walk(resource, element.split("."), rtype):
            if id(holder) not in seen:
                seen.add(id(holder))
                yield path, holder


def patients_of(resource: dict[str, Any]) -> list[str]:
    """Ids of every Patient whose compartment holds ``resource``, in a stable order: a
    Patient itself first, then the legacy elements, then the R4 parameters."""
    out: list[str] = []
    if resource.get("resourceType") == "Patient" and resource.get("id"):
        out.append(str(resource["id"]))
    for _, holder in reference_elements(resource):
        pid = reference_id(holder, "Patient")
        if pid and pid not in out:
            out.append(pid)
    return out


def identifier_references(resource: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Compartment elements that name someone by identifier only (no ``reference``) and may
    name a Patient (``type`` absent or ``Patient``): they must be resolved or refused."""
    out = []
    for path, holder in reference_elements(resource):
        if holder.get("reference") or not isinstance(holder.get("identifier"), dict):
            continue
        if holder.get("type") not in (None, "Patient"):
            continue
        out.append((path, holder))
    return out


def reference_type(holder: Any) -> str:
    """The resource type a Reference points at (``reference`` or ``type``), "" when unknown."""
    if not isinstance(holder, dict):
        return ""
    ref = holder.get("reference")
    if isinstance(ref, str) and ref and not ref.startswith(("#", "urn:")):
        parts = ref.rstrip("/").split("/")
        if len(parts) >= 4 and parts[-2] == "_history":
            parts = parts[:-2]
        if len(parts) >= 2:
            return parts[-2]
    typ = holder.get("type")
    return typ if isinstance(typ, str) else ""
