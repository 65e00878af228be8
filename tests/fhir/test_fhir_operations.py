"""``Patient/{id}/$everything`` and Bulk Data ``$export``: within the caller's compartment,
the outsider sees nothing (forbidden looks like unknown)."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from django.test import Client
from fhir_helpers import make_user, observation, patient, post_bundle, put, transaction

from ammed_fhir import access
from ammed_fhir.operations import export

pytestmark = pytest.mark.django_db


def _login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def _export_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run what a request enqueues on commit (the export job), as after a real commit."""

    def get(client: Client, url: str, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.get(url, **extra)

    return get


@pytest.fixture
def records(emr_client) -> None:
    """Patients pa and pb with an Observation each; pa's names a shared Practitioner."""
    doc = {"resourceType": "Practitioner", "id": "dr1", "name": [{"family": "Li"}]}
    obs_a = observation("pa") | {"id": "obs-a", "performer": [{"reference": "Practitioner/dr1"}]}
    group = {
        "resourceType": "Group",
        "id": "g1",
        "type": "person",
        "actual": True,
        "member": [{"entity": {"reference": "Patient/pa"}}],
    }
    resp = post_bundle(
        emr_client,
        transaction(
            put(doc),
            put(patient("pa")),
            put(patient("pb")),
            put(obs_a),
            put(observation("pb") | {"id": "obs-b"}),
            put(group),
        ),
    )
    assert resp.status_code == 200, resp.content


def _ids(bundle: dict) -> set[str]:
    return {f"{e['resource']['resourceType']}/{e['resource']['id']}" for e in bundle["entry"]}


def test_everything_holds_the_compartment_and_what_it_refers_to(records, emr_client) -> None:
    resp = emr_client.get("/fhir/Patient/pa/$everything")
    assert resp.status_code == 200, resp.content
    body = resp.json()
    assert body["type"] == "searchset"
    # Group.member is in the Patient compartment (R4 CompartmentDefinition)
    assert _ids(body) == {"Patient/pa", "Observation/obs-a", "Group/g1", "Practitioner/dr1"}
    assert body["total"] == 4
    only_obs = emr_client.get("/fhir/Patient/pa/$everything?_type=Observation").json()
    assert _ids(only_obs) == {"Observation/obs-a"}


def test_everything_refuses_bad_parameters(records, emr_client) -> None:
    assert emr_client.get("/fhir/Patient/pa/$everything?_type=Nonsense").status_code == 400
    assert emr_client.get("/fhir/Patient/pa/$everything?colour=red").status_code == 400
    assert emr_client.get("/fhir/Patient/pa/$everything?_since=yesterday").status_code == 400


def test_everything_for_an_outsider_looks_like_an_unknown_patient(records) -> None:
    doc = make_user("doc-ops", "physician")
    access.assign(doc, "pa", source="admin")
    client = _login(doc)
    assert client.get("/fhir/Patient/pa/$everything").status_code == 200
    forbidden = client.get("/fhir/Patient/pb/$everything")
    unknown = client.get("/fhir/Patient/nobody/$everything")
    assert forbidden.status_code == unknown.status_code == 404
    outsider = _login(make_user("out-ops", "nurse"))
    assert outsider.get("/fhir/Patient/pa/$everything").status_code == 404
    assert Client().get("/fhir/Patient/pa/$everything").status_code == 401


def _export(client: Client, url: str, on_commit) -> dict[str, list[dict]]:
    """Kick off, poll to the manifest, download every file: type → resources."""
    kick = on_commit(client, url, HTTP_PREFER="respond-async")
    assert kick.status_code == 202, kick.content
    status_url = kick["Content-Location"]
    assert "/fhir/$export-poll-status/" in status_url
    done = client.get(status_url)
    assert done.status_code == 200, done.content  # eager Celery: the job has run
    manifest = done.json()
    assert manifest["requiresAccessToken"] is True
    out: dict[str, list[dict]] = {}
    for item in manifest["output"]:
        resp = client.get(item["url"])
        assert resp.status_code == 200
        assert resp["Content-Type"] == "application/fhir+ndjson"
        lines = b"".join(resp.streaming_content).decode().splitlines()
        out[item["type"]] = [json.loads(line) for line in lines]
        assert item["count"] == len(lines)
    return out


def test_system_export_for_an_integration_holds_everything(records, emr_client, on_commit) -> None:
    files = _export(emr_client, "/fhir/$export", on_commit)
    assert {r["id"] for r in files["Patient"]} == {"pa", "pb"}
    assert {r["id"] for r in files["Observation"]} == {"obs-a", "obs-b"}
    assert {r["id"] for r in files["Practitioner"]} == {"dr1"}


def test_exports_stay_within_the_callers_compartment(records, on_commit) -> None:
    doc = make_user("doc-exp", "physician")
    access.assign(doc, "pa", source="admin")
    client = _login(doc)
    files = _export(client, "/fhir/$export?_type=Patient,Observation", on_commit)
    assert {r["id"] for r in files["Patient"]} == {"pa"}
    assert {r["id"] for r in files["Observation"]} == {"obs-a"}
    patient_level = _export(client, "/fhir/Patient/$export", on_commit)
    assert {r["id"] for r in patient_level["Observation"]} == {"obs-a"}
    assert "Practitioner" not in patient_level


def test_group_export_holds_the_members(records, emr_client, on_commit) -> None:
    files = _export(emr_client, "/fhir/Group/g1/$export", on_commit)
    assert {r["id"] for r in files["Patient"]} == {"pa"}
    assert {r["id"] for r in files["Observation"]} == {"obs-a"}
    assert emr_client.get("/fhir/Group/nope/$export").status_code == 404


def test_status_is_202_with_progress_until_the_job_has_run(records, emr_client) -> None:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="emr-test")
    job = export.kick_off(user, "system", "http://testserver/fhir/$export", {})
    status = emr_client.get(f"/fhir/$export-poll-status/{job['id']}")
    assert status.status_code == 202
    assert status["X-Progress"] == "queued"
    assert export.run(job["id"]) == "done"
    assert export.run(job["id"]) == "not-claimed"  # a second delivery does nothing
    assert emr_client.get(f"/fhir/$export-poll-status/{job['id']}").status_code == 200


def test_another_account_cannot_poll_or_download_a_job(records, emr_client, on_commit) -> None:
    kick = on_commit(emr_client, "/fhir/$export")
    status_url = kick["Content-Location"]
    manifest = emr_client.get(status_url).json()
    outsider = _login(make_user("out-exp", "nurse"))
    assert outsider.get(status_url).status_code == 404
    assert outsider.get(manifest["output"][0]["url"]).status_code == 404
    assert Client().get(manifest["output"][0]["url"]).status_code == 401


def test_delete_cancels_and_removes_the_files(records, emr_client, on_commit) -> None:
    status_url = on_commit(emr_client, "/fhir/$export")["Content-Location"]
    url = emr_client.get(status_url).json()["output"][0]["url"]
    assert emr_client.delete(status_url).status_code == 202
    assert emr_client.get(status_url).status_code == 404
    assert emr_client.get(url).status_code == 404


def test_export_refuses_bad_parameters(emr_client) -> None:
    assert emr_client.get("/fhir/$export?_outputFormat=text/csv").status_code == 400
    assert emr_client.get("/fhir/$export?_type=SubscriptionTopic").status_code == 400
    assert emr_client.get("/fhir/$export?colour=red").status_code == 400


def test_an_export_download_is_an_audited_read_of_the_patients_in_the_file(
    records, on_commit
) -> None:
    from ammed_fhir.models import AuditRecord

    doc = make_user("doc-exp-audit", "physician")
    access.assign(doc, "pa", source="admin")
    client = _login(doc)
    _export(client, "/fhir/$export?_type=Observation", on_commit)
    downloads = AuditRecord.objects.filter(
        action="read", actor=doc, detail__status=200, patients__contains=",pa,"
    )
    assert downloads.exists()
    assert not AuditRecord.objects.filter(actor=doc, patients__contains=",pb,").exists()


def test_a_job_that_fails_says_so_and_the_snapshot_time_is_its_start(
    records, emr_client, monkeypatch
) -> None:
    from datetime import datetime

    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="emr-test")
    failing = export.kick_off(user, "system", "http://testserver/fhir/$export", {})

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(export, "_write_files", broken)
    assert export.run(failing["id"]) == "failed"  # was: 'running' forever, 202 on every poll
    status = emr_client.get(f"/fhir/$export-poll-status/{failing['id']}")
    assert status.status_code >= 400 and status.json()["resourceType"] == "OperationOutcome"
    monkeypatch.undo()

    real_write = export._write_files
    first_read: list[datetime] = []

    def timed(*args, **kwargs):
        first_read.append(datetime.now().astimezone())
        return real_write(*args, **kwargs)

    monkeypatch.setattr(export, "_write_files", timed)
    job = export.kick_off(user, "system", "http://testserver/fhir/$export", {})
    assert export.run(job["id"]) == "done"
    manifest = emr_client.get(f"/fhir/$export-poll-status/{job['id']}").json()
    # the next _since is taken before the first row is read (was: after the last file)
    assert datetime.fromisoformat(manifest["transactionTime"]) <= first_read[0]


@pytest.mark.parametrize(
    ("since", "status"),
    [
        ("2999-01-01", 200),  # a date: the start of that day in the server's zone
        ("2999-01-01T00:00:00Z", 200),
        ("2999-01-01T08:00:00+08:00", 200),
        ("2999-01-01T00:00:00", 400),  # a dateTime without its zone is not an instant
        ("yesterday", 400),
        ("2999-13-01", 400),
    ],
)
def test_since_reads_the_same_on_history_everything_and_export(
    records, emr_client, on_commit, since, status
) -> None:
    """One ``_since`` reader: a value one interaction accepts, the others accept too
    (``$export`` used to refuse the date ``_history`` took)."""
    since = quote(since)  # "+08:00" unencoded would arrive as " 08:00"
    history = emr_client.get(f"/fhir/Patient/_history?_since={since}")
    everything = emr_client.get(f"/fhir/Patient/pa/$everything?_since={since}")
    kick = on_commit(emr_client, f"/fhir/$export?_since={since}", HTTP_PREFER="respond-async")
    assert history.status_code == everything.status_code == status, history.content
    assert kick.status_code == (202 if status == 200 else 400), kick.content
    if status == 400:
        assert "_since" in kick.json()["issue"][0]["expression"][0]
    else:
        assert history.json()["entry"] == [] and everything.json()["total"] == 0


def test_everything_refuses_a_compartment_too_large_rather_than_cutting_it(
    records, emr_client, monkeypatch
) -> None:
    from ammed_fhir.operations import everything

    monkeypatch.setattr(everything, "MAX_RESOURCES", 1)  # pa holds obs-a and g1
    resp = emr_client.get("/fhir/Patient/pa/$everything")
    assert resp.status_code == 400
    issue = resp.json()["issue"][0]
    assert issue["code"] == "too-costly" and "$export" in issue["diagnostics"]
    monkeypatch.setattr(everything, "MAX_RESOURCES", 2)
    assert emr_client.get("/fhir/Patient/pa/$everything").json()["total"] == 4


def test_everything_and_history_cost_no_queries_per_row(records, emr_client) -> None:
    """The caller's roles and patients are read once per request, not once per row (each
    row used to cost about three queries)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    doc = make_user("doc-cost", "physician")
    access.assign(doc, "pa", source="admin")
    client = _login(doc)

    def cost(url: str) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as ctx:
            resp = client.get(url)
        assert resp.status_code == 200, resp.content
        body = resp.json()
        return len(body["entry"]), len(ctx.captured_queries)

    def grow(n: int) -> None:
        extra = [put(observation("pa") | {"id": f"obs-more-{i}"}) for i in range(n)]
        assert post_bundle(emr_client, transaction(*extra)).status_code == 200

    cost("/fhir/Patient/pa/$everything")  # first request: one-off lookups (permission cache…)
    few_rows, few = cost("/fhir/Patient/pa/$everything")
    few_hist_rows, few_hist = cost("/fhir/Observation/_history")
    grow(25)
    many_rows, many = cost("/fhir/Patient/pa/$everything")
    many_hist_rows, many_hist = cost("/fhir/Observation/_history")
    assert many_rows == few_rows + 25 and many_hist_rows == few_hist_rows + 25
    assert (many, many_hist) == (few, few_hist)
