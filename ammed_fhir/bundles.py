"""Processing of ``POST /fhir`` Bundles: ``transaction`` (all or nothing) and ``batch``.

Steps, each collecting every issue before failing once:
1. structure of each entry (request method/url, resource, type/URL agreement, duplicate
   fullUrls and duplicate targets);
2. server ids for creates, ``ifNoneExist`` lookups, the fullUrl → ``Type/id`` map;
3. reference rewriting (``urn:uuid:`` and other fullUrls) and a check that every
   ``Type/id`` reference points at something in the bundle or already stored; identifier
   references in compartment elements resolved to a Patient (422 when they cannot be);
   the output gate's rules for Communications (``ammed_fhir.write_policy``: a refused
   Communication refuses the whole bundle, transaction or batch, with 403);
4. validation of every resource as FHIR R4 4.0.1 (``validation.py``);
5. one bulk write (``store.write_validated``) inside one database transaction; change
   events go out on commit.
A transaction with any issue persists nothing. A batch answers each entry on its own.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction

from ammed_fhir import compartments, search, search_columns, store, write_policy
from ammed_fhir.models import Resource
from ammed_fhir.outcomes import FhirError, Issue, issue, outcome
from ammed_fhir.validation import is_resource_type, resource_issues

_REF_RE = re.compile(r"^([A-Z][A-Za-z]+)/([A-Za-z0-9\-.]{1,64})(/_history/[A-Za-z0-9\-.]{1,64})?$")
_ID_RE = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")
_STATUS_TEXT = {
    200: "200 OK",
    201: "201 Created",
    400: "400 Bad Request",
    412: "412 Precondition Failed",
    409: "409 Conflict",
}


@dataclass
class _Entry:
    index: int
    method: str = ""
    resource_type: str = ""
    resource_id: str = ""
    resource: dict[str, Any] | None = None
    full_url: str = ""
    if_none_exist: str = ""
    if_match: int | None = None  # request.ifMatch: the version the client last read
    conditional: str = ""  # conditional update: PUT Type?search
    issues: list[Issue] = field(default_factory=list)
    targets: set[int] = field(default_factory=set)  # entries this one references
    existing: dict[str, Any] | None = None  # ifNoneExist matched this stored resource
    status: int = 0
    stored: dict[str, Any] | None = None

    @property
    def path(self) -> str:
        return f"Bundle.entry[{self.index}]"

    def fail(self, code: str, diagnostics: str, expression: str) -> None:
        self.issues.append(issue(code, f"{expression}: {diagnostics}", expression))


def process(bundle: Any) -> dict[str, Any]:
    """Process a transaction or batch Bundle; returns the response Bundle.

    Raises FhirError for a malformed bundle and for any problem in a transaction.
    """
    if not isinstance(bundle, dict):
        raise FhirError.one(400, "structure", "the body must be a JSON object (a Bundle)")
    if bundle.get("resourceType") != "Bundle":
        raise FhirError.one(
            400,
            "invalid",
            f"POST /fhir takes a Bundle, got resourceType {bundle.get('resourceType')!r}",
            "Bundle.resourceType",
        )
    kind = bundle.get("type")
    if kind not in {"transaction", "batch"}:
        raise FhirError.one(
            400,
            "not-supported",
            f"Bundle.type must be 'transaction' or 'batch', got {kind!r}",
            "Bundle.type",
        )
    raw_entries = bundle.get("entry") or []
    if not isinstance(raw_entries, list):
        raise FhirError.one(400, "structure", "Bundle.entry must be an array", "Bundle.entry")
    limit = settings.FHIR_MAX_BUNDLE_ENTRIES
    if len(raw_entries) > limit:
        raise FhirError.one(
            413,
            "too-costly",
            f"the bundle has {len(raw_entries)} entries; this server takes at most {limit}",
            "Bundle.entry",
        )
    entries = [_parse_entry(i, raw) for i, raw in enumerate(raw_entries)]
    _check_duplicates(entries)
    _assign_ids(entries)
    url_map = _resolve_conditionals(entries)
    _rewrite_references(entries, url_map)
    _resolve_identifier_references(entries)
    _check_gate(entries)
    _check_subscriptions(entries)
    for entry in entries:
        if not entry.issues and entry.resource is not None and entry.existing is None:
            entry.issues += resource_issues(entry.resource, f"{entry.path}.resource")
    if kind == "transaction":
        return _commit_transaction(entries)
    return _commit_batch(entries)


# ---- 1. structure -----------------------------------------------------------------------


def _parse_entry(index: int, raw: Any) -> _Entry:
    entry = _Entry(index)
    p = entry.path
    if not isinstance(raw, dict):
        entry.fail("structure", "an entry must be a JSON object", p)
        return entry
    full_url = raw.get("fullUrl")
    if full_url is not None and not isinstance(full_url, str):
        entry.fail("invalid", "fullUrl must be a string", f"{p}.fullUrl")
    entry.full_url = full_url if isinstance(full_url, str) else ""
    request = raw.get("request")
    resource = raw.get("resource")
    if not isinstance(request, dict):
        entry.fail("required", "request (method and url) is required", f"{p}.request")
        return entry
    method = request.get("method")
    url = request.get("url")
    if method not in {"POST", "PUT", "DELETE"}:
        entry.fail(
            "not-supported",
            f"request.method {method!r} is not supported (POST, PUT or DELETE)",
            f"{p}.request.method",
        )
        return entry
    entry.method = method
    if not isinstance(url, str) or not url:
        entry.fail("required", "request.url is required", f"{p}.request.url")
        return entry
    if method == "DELETE":
        return _parse_delete(entry, request, url)
    if not isinstance(resource, dict):
        entry.fail("required", "a resource (JSON object) is required", f"{p}.resource")
        return entry
    rtype = resource.get("resourceType")
    if not isinstance(rtype, str) or not is_resource_type(rtype):
        entry.fail(
            "not-supported" if isinstance(rtype, str) and rtype else "required",
            f"unknown resourceType {rtype!r}" if rtype else "resourceType is missing",
            f"{p}.resource.resourceType",
        )
        return entry
    entry.resource_type = rtype
    entry.resource = dict(resource)
    path = urlsplit(url).path.strip("/")
    parts = path.split("/")
    if method == "POST":
        if parts != [rtype]:
            entry.fail(
                "invalid",
                f"request.url {url!r} does not match resourceType {rtype!r} (expected {rtype!r})",
                f"{p}.request.url",
            )
        if isinstance(request.get("ifNoneExist"), str):
            entry.if_none_exist = request["ifNoneExist"]
    else:
        if "?" in url:
            if parts != [rtype]:
                entry.fail(
                    "invalid",
                    f"request.url {url!r}: a conditional update is '{rtype}?<search>'",
                    f"{p}.request.url",
                )
            else:
                entry.conditional = url.split("?", 1)[1]
                if not entry.conditional:
                    entry.fail(
                        "invalid", "the conditional update has no search", f"{p}.request.url"
                    )
        elif len(parts) != 2 or parts[0] != rtype:
            entry.fail(
                "invalid",
                f"request.url {url!r} does not match resourceType {rtype!r} "
                f"(expected '{rtype}/<id>')",
                f"{p}.request.url",
            )
        elif not _ID_RE.match(parts[1]):
            entry.fail("invalid", f"{parts[1]!r} is not a valid FHIR id", f"{p}.request.url")
        else:
            rid = resource.get("id")
            if rid is not None and rid != parts[1]:
                entry.fail(
                    "invalid",
                    f"resource.id {rid!r} does not match the id in request.url {parts[1]!r}",
                    f"{p}.resource.id",
                )
            entry.resource_id = parts[1]
        if_match = request.get("ifMatch")
        if if_match is not None:
            version = parse_etag(if_match)
            if version is None:
                entry.fail(
                    "invalid",
                    f'request.ifMatch {if_match!r} is not an ETag such as W/"3"',
                    f"{p}.request.ifMatch",
                )
            entry.if_match = version
    return entry


def _parse_delete(entry: _Entry, request: dict[str, Any], url: str) -> _Entry:
    """``DELETE Type/id`` (conditional delete is not supported); ``ifMatch`` honoured."""
    p = entry.path
    parts = urlsplit(url).path.strip("/").split("/")
    if "?" in url:
        entry.fail("not-supported", "conditional delete is not supported", f"{p}.request.url")
    elif len(parts) != 2 or not is_resource_type(parts[0]) or not _ID_RE.match(parts[1]):
        entry.fail("invalid", f"request.url {url!r} is not '<type>/<id>'", f"{p}.request.url")
    else:
        entry.resource_type, entry.resource_id = parts
    if_match = request.get("ifMatch")
    if if_match is not None and not entry.issues:
        entry.if_match = parse_etag(if_match)
        if entry.if_match is None:
            entry.fail(
                "invalid", f"request.ifMatch {if_match!r} is not an ETag", f"{p}.request.ifMatch"
            )
    return entry


def parse_etag(value: Any) -> int | None:
    """``W/"3"``, ``"3"`` or ``3`` → 3; anything else None."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if text.startswith(("W/", "w/")):
        text = text[2:]
    text = text.strip('"')
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None


class PreconditionFailed(Exception):
    """An ``ifMatch`` named another version than the stored one (checked under the row lock)."""

    def __init__(self, entry: _Entry, current: int | None):
        super().__init__(entry.path)
        self.entry = entry
        self.current = current


def _check_if_match(entries: list[_Entry]) -> None:
    """Lock the rows that ``ifMatch`` entries name and compare versions (inside the write's
    transaction, so no concurrent writer can slip in between the check and the write)."""
    wanted = {(e.resource_type, e.resource_id): e for e in entries if e.if_match is not None}
    if not wanted:
        return
    from django.db.models import Q

    query = Q()
    for rtype, rid in wanted:
        query |= Q(resource_type=rtype, resource_id=rid)
    current = {
        (t, i): v
        for t, i, v in Resource.objects.select_for_update()
        .filter(query)
        .values_list("resource_type", "resource_id", "version_id")
    }
    for key, entry in wanted.items():
        if current.get(key) != entry.if_match:
            raise PreconditionFailed(entry, current.get(key))


def _precondition_issue(exc: PreconditionFailed) -> Issue:
    entry = exc.entry
    have = f"version {exc.current}" if exc.current is not None else "no stored version"
    return issue(
        "conflict",
        f'{entry.path}.request.ifMatch: W/"{entry.if_match}" does not match '
        f"{entry.resource_type}/{entry.resource_id} ({have}); read it again and retry",
        f"{entry.path}.request.ifMatch",
    )


def _check_duplicates(entries: list[_Entry]) -> None:
    seen_url: dict[str, int] = {}
    seen_target: dict[tuple[str, str], int] = {}
    for entry in entries:
        if entry.full_url:
            first = seen_url.setdefault(entry.full_url, entry.index)
            if first != entry.index:
                entry.fail(
                    "duplicate",
                    f"fullUrl {entry.full_url!r} is also used by Bundle.entry[{first}]",
                    f"{entry.path}.fullUrl",
                )
        if entry.method in {"PUT", "DELETE"} and entry.resource_id:
            key = (entry.resource_type, entry.resource_id)
            first = seen_target.setdefault(key, entry.index)
            if first != entry.index:
                entry.fail(
                    "duplicate",
                    f"{key[0]}/{key[1]} is also written by Bundle.entry[{first}]",
                    f"{entry.path}.request.url",
                )


# ---- 2. ids and conditional creates -----------------------------------------------------


def _assign_ids(entries: list[_Entry]) -> None:
    for entry in entries:
        if entry.resource is None or entry.issues:
            continue
        if entry.method == "POST":
            entry.resource_id = str(uuid.uuid4())  # the server assigns ids on create
        if entry.conditional:
            continue  # the id comes from the search (_resolve_conditionals)
        entry.resource["id"] = entry.resource_id


def _resolve_conditionals(entries: list[_Entry]) -> dict[str, tuple[str, int]]:
    """Run ``ifNoneExist`` queries; return fullUrl → (``Type/id``, entry index)."""
    url_map: dict[str, tuple[str, int]] = {}
    for entry in entries:
        if entry.resource is None or entry.issues:
            continue
        if entry.if_none_exist:
            query = entry.if_none_exist.split("?", 1)[-1]
            try:
                req = search.parse(entry.resource_type, parse_qsl(query, keep_blank_values=True))
            except FhirError as exc:
                for i in exc.issues:
                    entry.fail(i["code"], i["diagnostics"], f"{entry.path}.request.ifNoneExist")
                continue
            req.count, req.offset = 2, 0
            total, found = search.run(req)
            if total > 1:
                entry.fail(
                    "multiple-matches",
                    f"ifNoneExist {entry.if_none_exist!r} matches {total} resources",
                    f"{entry.path}.request.ifNoneExist",
                )
                entry.status = 412
                continue
            if total == 1:
                entry.existing = found[0]
                entry.resource_id = found[0]["id"]
        if entry.conditional and not _conditional_update(entry):
            continue
        ref = f"{entry.resource_type}/{entry.resource_id}"
        if entry.full_url:
            url_map[entry.full_url] = (ref, entry.index)
        url_map.setdefault(ref, (ref, entry.index))
    return url_map


def _conditional_update(entry: _Entry) -> bool:
    """``PUT Type?search``: no match creates (the body's id or a new one), one match updates
    it (the body's id, if any, must be that one), several answer 412."""
    assert entry.resource is not None
    where = f"{entry.path}.request.url"
    try:
        req = search.parse(
            entry.resource_type, parse_qsl(entry.conditional, keep_blank_values=True)
        )
    except FhirError as exc:
        for i in exc.issues:
            entry.fail(i["code"], i["diagnostics"], where)
        return False
    req.count, req.offset = 2, 0
    total, found = search.run(req)
    body_id = entry.resource.get("id")
    if total > 1:
        entry.fail("multiple-matches", f"the search matches {total} resources", where)
        entry.status = 412
        return False
    if total == 1:
        if body_id is not None and body_id != found[0]["id"]:
            entry.fail(
                "invalid",
                f"resource.id {body_id!r} is not the matching resource {found[0]['id']!r}",
                f"{entry.path}.resource.id",
            )
            return False
        entry.resource_id = found[0]["id"]
    elif isinstance(body_id, str) and _ID_RE.match(body_id):
        entry.resource_id = body_id
    else:
        entry.resource_id = str(uuid.uuid4())
    entry.resource["id"] = entry.resource_id
    return True


# ---- 3. references ----------------------------------------------------------------------


def _references(node: Any, path: str):
    """Yield (holder dict, FHIRPath) for every ``reference`` string under ``node``."""
    if isinstance(node, dict):
        ref = node.get("reference")
        if isinstance(ref, str):
            yield node, f"{path}.reference"
        for key, value in node.items():
            if key == "reference":
                continue
            if isinstance(value, (dict, list)):
                yield from _references(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, item in enumerate(node):
            if isinstance(item, (dict, list)):
                yield from _references(item, f"{path}[{i}]")


def _rewrite_references(entries: list[_Entry], url_map: dict[str, tuple[str, int]]) -> None:
    """Point references at the ids chosen for bundle entries; flag references to nothing."""
    pending: dict[tuple[str, str], list[tuple[_Entry, str]]] = {}
    for entry in entries:
        if entry.resource is None or entry.issues or entry.existing is not None:
            continue
        node = entry.resource
        if entry.resource_type == "Bundle":
            # a Bundle stored as a resource (document, collection…): its entries refer to
            # each other by their own fullUrls, not to this request's entries
            node = {k: v for k, v in node.items() if k != "entry"}
        for holder, where in _references(node, f"{entry.path}.resource"):
            ref = holder["reference"]
            if ref.startswith("#"):
                continue
            target = url_map.get(ref)
            if target is not None:
                holder["reference"] = target[0]
                entry.targets.add(target[1])
                continue
            if ref.startswith(("urn:uuid:", "urn:oid:")):
                entry.fail(
                    "not-found", f"reference {ref!r} matches no fullUrl in the bundle", where
                )
                continue
            match = _REF_RE.match(ref)
            if match and is_resource_type(match.group(1)):
                pending.setdefault((match.group(1), match.group(2)), []).append((entry, where))
            # absolute URLs to other servers and logical references are kept as they are
    if not pending:
        return
    from django.db.models import Q

    query = Q()
    by_type: dict[str, list[str]] = {}
    for rtype, rid in pending:
        by_type.setdefault(rtype, []).append(rid)
    for rtype, ids in by_type.items():
        query |= Q(resource_type=rtype, resource_id__in=ids)
    found = set(Resource.objects.filter(query).values_list("resource_type", "resource_id"))
    # an entry of this request, named by Type/id (a contained Provenance citing its own
    # container's version: ServiceRequest/physiotherapy/_history/1)
    found |= {(e.resource_type, e.resource_id) for e in entries if e.resource is not None}
    for key, uses in pending.items():
        if key in found:
            continue
        for entry, where in uses:
            entry.fail(
                "not-found",
                f"reference '{key[0]}/{key[1]}' points at nothing (not in the bundle, not stored)",
                where,
            )


def _resolve_identifier_references(entries: list[_Entry]) -> None:
    """Give each identifier-only reference in a compartment element (``{"identifier":
    {...}}`` that may name a Patient) the ``reference`` of the one Patient holding that
    identifier, in the bundle or stored; none or several: the entry fails with 422, since
    nobody could tell whose compartment the resource is in."""
    wanted: list[tuple[_Entry, str, dict[str, Any], list[str]]] = []
    for entry in entries:
        if entry.resource is None or entry.issues or entry.existing is not None:
            continue
        for rel, holder in compartments.identifier_references(entry.resource):
            where = f"{entry.path}.resource{rel[len(entry.resource_type) :]}"
            ident = holder["identifier"]
            value = ident.get("value")
            if not isinstance(value, str) or not value:
                entry.fail("required", "an identifier reference needs identifier.value", where)
                entry.status = 422
                continue
            system = ident.get("system") if isinstance(ident.get("system"), str) else ""
            token = f"{system}|{value}" if system else value
            wanted.append((entry, where, holder, [token]))
    if not wanted:
        return
    in_bundle: dict[str, set[str]] = {}
    for entry in entries:
        if entry.resource_type == "Patient" and entry.resource is not None and not entry.issues:
            for token in search_columns.identifiers_of(entry.resource):
                in_bundle.setdefault(token, set()).add(entry.resource_id)
    tokens = sorted({t for *_, ts in wanted for t in ts})
    stored: dict[str, set[str]] = {}
    req = search.SearchRequest("Patient", identifiers=[tokens], count=0)
    for pid, idents in search.queryset(req).values_list("resource_id", "identifiers"):
        for token in set(idents or []) & set(tokens):
            stored.setdefault(token, set()).add(pid)
    for entry, where, holder, (token,) in wanted:
        found = in_bundle.get(token, set()) | stored.get(token, set())
        if len(found) == 1:
            holder["reference"] = f"Patient/{found.pop()}"
            continue
        entry.fail(
            "not-found" if not found else "multiple-matches",
            f"identifier reference {token!r} matches {len(found) or 'no'} Patient"
            f"{'s' if len(found) != 1 else ''}; give a literal reference (Patient/<id>)",
            f"{where}.identifier",
        )
        entry.status = 422


def _check_gate(entries: list[_Entry]) -> None:
    """Apply ``write_policy`` to every Communication this bundle would write; any refusal
    refuses the whole bundle (403), batch or transaction, before anything is written."""
    deletes = [e for e in entries if e.method == "DELETE" and not e.issues]
    refused = [i for e in deletes for i in delete_issues(e.resource_type, e.resource_id, e.path)]
    if refused:
        raise FhirError(403, refused)
    comms = [
        e
        for e in entries
        if e.resource_type == "Communication" and e.resource is not None and e.existing is None
    ]  # entries with other issues too: a refused message is refused as such (403)
    if not comms:
        return
    stored = store.read_many("Communication", [e.resource_id for e in comms if e.method == "PUT"])
    issues: list[Issue] = []
    for entry in comms:
        issues += write_policy.communication_issues(
            entry.resource,  # type: ignore[arg-type]
            stored.get(entry.resource_id) if entry.method == "PUT" else None,
            f"{entry.path}.resource",
        )
    if issues:
        raise FhirError(403, issues)


def delete_issues(resource_type: str, resource_id: str, path: str) -> list[Issue]:
    """A gate-owned Communication (a reminder, a reply, a held message, a care-team alert)
    is the gate's record and is never deleted through /fhir (403), like any other change."""
    if resource_type != "Communication":
        return []
    if not write_policy.is_gate_owned(store.read("Communication", resource_id)):
        return []
    return [
        issue(
            "forbidden",
            f"Communication/{resource_id} is owned by AM-Med's output gate and cannot be deleted",
            f"{path}.request.url",
        )
    ]


def _check_subscriptions(entries: list[_Entry]) -> None:
    """A Subscription is stored only if it can be served (rest-hook, http(s) endpoint,
    criteria this server evaluates); a requested one becomes active, as R4 has it."""
    from ammed_fhir.subscriptions.delivery import criteria_issues, forget_active

    for entry in entries:
        if entry.resource_type != "Subscription" or entry.resource is None or entry.issues:
            continue
        forget_active()  # now and after commit: the own-writes gate looks again
        transaction.on_commit(forget_active)
        if entry.existing is not None:
            continue
        problems = criteria_issues(entry.resource, f"{entry.path}.resource")
        if problems:
            entry.issues += problems
            entry.status = 422
        elif entry.resource.get("status") == "requested":
            entry.resource["status"] = "active"


# ---- 4/5. commit ------------------------------------------------------------------------


def _response_entry(entry: _Entry) -> dict[str, Any]:
    if entry.method == "DELETE" and not entry.issues:
        response: dict[str, Any] = {"status": "204 No Content"}
        if entry.stored:
            response["etag"] = f'W/"{entry.stored["versionId"]}"'
        return {"response": response}
    if entry.issues:
        status = entry.status or 400
        return {
            "response": {
                "status": _STATUS_TEXT.get(status, str(status)),
                "outcome": outcome(entry.issues),
            }
        }
    stored = entry.stored or entry.existing or {}
    version = (stored.get("meta") or {}).get("versionId", "1")
    return {
        "fullUrl": f"{entry.resource_type}/{entry.resource_id}",
        "response": {
            "status": _STATUS_TEXT[entry.status],
            "location": f"{entry.resource_type}/{entry.resource_id}/_history/{version}",
            "etag": f'W/"{version}"',
            "lastModified": (stored.get("meta") or {}).get("lastUpdated"),
        },
    }


def _write(entries: list[_Entry]) -> None:
    _check_if_match(entries)
    for entry in entries:  # R4: deletes first, then creates and updates
        if entry.method == "DELETE":
            version = store.delete(entry.resource_type, entry.resource_id)
            entry.stored = {"versionId": version} if version is not None else None
            entry.status = 204
    todo = [e for e in entries if e.existing is None and e.method != "DELETE"]
    fresh = {(e.resource_type, e.resource_id) for e in todo if e.method == "POST"}
    results = store.write_validated([e.resource for e in todo], fresh=fresh)  # type: ignore[misc]
    for entry, (stored, action) in zip(todo, results, strict=True):
        entry.stored = stored
        entry.status = 201 if action == "create" else 200
    for entry in entries:
        if entry.existing is not None and entry.method != "DELETE":
            entry.status = 200


def _commit_transaction(entries: list[_Entry]) -> dict[str, Any]:
    issues = [i for e in entries for i in e.issues]
    if issues:
        statuses = {e.status for e in entries if e.issues and e.status}
        raise FhirError(statuses.pop() if len(statuses) == 1 else 400, issues)
    try:
        with transaction.atomic():
            _write(entries)
    except PreconditionFailed as exc:
        raise FhirError(412, [_precondition_issue(exc)]) from exc
    except IntegrityError as exc:
        raise FhirError.one(
            409, "conflict", "a concurrent write touched the same resources; retry"
        ) from exc
    return {
        "resourceType": "Bundle",
        "type": "transaction-response",
        "entry": [_response_entry(e) for e in entries],
    }


def _commit_batch(entries: list[_Entry]) -> dict[str, Any]:
    # An entry that references a failed entry fails too (its target will not exist).
    changed = True
    while changed:
        changed = False
        failed = {e.index for e in entries if e.issues}
        for entry in entries:
            if not entry.issues and entry.targets & failed:
                bad = sorted(entry.targets & failed)[0]
                entry.fail(
                    "not-found",
                    f"references Bundle.entry[{bad}], which failed",
                    f"{entry.path}.resource",
                )
                changed = True
    good = [e for e in entries if not e.issues]
    if good:
        try:
            with transaction.atomic():
                _write(good)
        except (IntegrityError, PreconditionFailed):
            for entry in good:  # a concurrent writer or a stale ifMatch: entry by entry
                try:
                    with transaction.atomic():
                        _write([entry])
                except PreconditionFailed as exc:
                    entry.status = 412
                    entry.issues.append(_precondition_issue(exc))
                except IntegrityError:
                    entry.status = 409
                    entry.fail("conflict", "a concurrent write touched it; retry", entry.path)
    return {
        "resourceType": "Bundle",
        "type": "batch-response",
        "entry": [_response_entry(e) for e in entries],
    }
