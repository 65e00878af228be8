"""Benchmark: the nightly follow-up sweep over N patients with a month of observations each.

Usage (PostgreSQL only; the data is bulk-loaded with COPY straight into the FHIR store table):

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/ammed_i5 .venv/bin/python bench/followup.py \
        --patients 10000 --days 30

Loads synthetic patients (ids ``bench-*``; earlier bench rows are deleted first), then times
``clinical.followup.services.sweep.sweep`` twice: the first run (every patient new) and a
steady-state rerun (no changes, no new alerts). Prints progress and a summary; no patient data.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ammed_fhir.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from ammed_fhir import search_columns  # noqa: E402
from clinical.followup.models import AlertRecord, Assessment, FollowupState  # noqa: E402
from clinical.followup.services.sweep import sweep  # noqa: E402

LOINC = "http://loinc.org"
VITAL = [
    {
        "coding": [
            {
                "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                "code": "vital-signs",
            }
        ]
    }
]
SURVEY = [
    {
        "coding": [
            {
                "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                "code": "survey",
            }
        ]
    }
]


def _obs(pid: str, n: int, at, code: str, value: float, unit: str) -> dict:
    return {
        "resourceType": "Observation",
        "id": f"{pid}-o{n}",
        "status": "final",
        "category": VITAL,
        "code": {"coding": [{"system": LOINC, "code": code}]},
        "subject": {"reference": f"Patient/{pid}"},
        "effectiveDateTime": at.isoformat(timespec="seconds"),
        "valueQuantity": {"value": value, "unit": unit, "code": unit},
    }


def patient_resources(i: int, now, days: int, rng: random.Random) -> list[dict]:
    pid = f"bench-{i:06d}"
    ref = {"reference": f"Patient/{pid}"}
    htn, dm, hf, postop = (
        rng.random() < 0.7,
        rng.random() < 0.5,
        rng.random() < 0.1,
        rng.random() < 0.2,
    )
    out: list[dict] = [
        {
            "resourceType": "Patient",
            "id": pid,
            "active": True,
            "gender": "female",
            "birthDate": f"{1930 + i % 60}-05-01",
        },
        {
            "resourceType": "Encounter",
            "id": f"{pid}-e",
            "status": "finished",
            "class": {"code": "IMP"},
            "subject": ref,
            "period": {
                "start": (now - timedelta(days=days + 5)).isoformat(),
                "end": (now - timedelta(days=days)).isoformat(),
            },
        },
    ]
    for flag, code, text in (
        (htn, "38341003", "高血压"),
        (dm, "44054006", "2型糖尿病"),
        (hf, "84114007", "心力衰竭"),
    ):
        if flag:
            out.append(
                {
                    "resourceType": "Condition",
                    "id": f"{pid}-c{code}",
                    "clinicalStatus": {"coding": [{"code": "active"}]},
                    "code": {
                        "coding": [{"system": "http://snomed.info/sct", "code": code}],
                        "text": text,
                    },
                    "subject": ref,
                }
            )
    if postop:
        out.append(
            {
                "resourceType": "Procedure",
                "id": f"{pid}-p",
                "status": "completed",
                "code": {"text": "腹腔镜胆囊切除术"},
                "subject": ref,
                "performedDateTime": (now - timedelta(days=days + 2)).isoformat(),
            }
        )
    n = 0
    sbp0, w0 = rng.gauss(135, 12), rng.gauss(68, 8)
    for d in range(days, 0, -1):
        at = now - timedelta(days=d) + timedelta(hours=rng.random() * 3)
        n += 1
        out.append(
            {
                "resourceType": "Observation",
                "id": f"{pid}-o{n}",
                "status": "final",
                "category": VITAL,
                "code": {"coding": [{"system": LOINC, "code": "85354-9"}]},
                "subject": ref,
                "effectiveDateTime": at.isoformat(timespec="seconds"),
                "component": [
                    {
                        "code": {"coding": [{"system": LOINC, "code": "8480-6"}]},
                        "valueQuantity": {
                            "value": round(sbp0 + rng.gauss(0, 8)),
                            "unit": "mmHg",
                            "code": "mm[Hg]",
                        },
                    },
                    {
                        "code": {"coding": [{"system": LOINC, "code": "8462-4"}]},
                        "valueQuantity": {
                            "value": round(sbp0 * 0.6 + rng.gauss(0, 5)),
                            "unit": "mmHg",
                            "code": "mm[Hg]",
                        },
                    },
                ],
            }
        )
        n += 1
        out.append(_obs(pid, n, at, "8867-4", round(rng.gauss(76, 9)), "/min"))
        if dm:
            n += 1
            out.append(_obs(pid, n, at, "1558-6", round(rng.gauss(7.2, 1.3), 1), "mmol/L"))
        if hf:
            n += 1
            out.append(_obs(pid, n, at, "29463-7", round(w0 + rng.gauss(0, 0.6), 1), "kg"))
        if postop:
            n += 1
            out.append(_obs(pid, n, at, "8310-5", round(rng.gauss(36.8, 0.4), 1), "Cel"))
    if dm:
        n += 1
        out.append(
            _obs(pid, n, now - timedelta(days=20), "4548-4", round(rng.gauss(7.2, 0.8), 1), "%")
        )
    if rng.random() < 0.3:
        n += 1
        text = rng.choice(["没有胸痛，有点咳嗽", "无不适", "头晕", "胸口疼", "睡不着", "没有发热"])
        out.append(
            {
                "resourceType": "Observation",
                "id": f"{pid}-o{n}",
                "status": "final",
                "category": SURVEY,
                "code": {"text": "今日症状"},
                "subject": ref,
                "effectiveDateTime": (now - timedelta(hours=5)).isoformat(timespec="seconds"),
                "valueString": text,
            }
        )
    return out


def load(patients: int, days: int, now) -> int:
    rng = random.Random(20261129)
    with connection.cursor() as cur:
        cur.execute(
            "DELETE FROM ammed_fhir_resourceversion v USING ammed_fhir_resource r "
            "WHERE r.patient_id LIKE 'bench-%%' AND v.resource_type = r.resource_type "
            "AND v.resource_id = r.resource_id"
        )
        cur.execute("DELETE FROM ammed_fhir_resource WHERE patient_id LIKE 'bench-%%'")
    Assessment.objects.filter(patient_id__startswith="bench-").delete()
    FollowupState.objects.filter(patient_id__startswith="bench-").delete()
    AlertRecord.objects.filter(patient_id__startswith="bench-").delete()
    total = 0
    started = time.perf_counter()
    raw = (
        connection.connection
        if connection.connection
        else (connection.ensure_connection() or connection.connection)
    )
    with (
        raw.cursor() as cur,
        cur.copy(
            "COPY ammed_fhir_resource (resource_type, resource_id, version_id, last_updated, data, "
            "patient_id, other_patients, status, codes, identifiers, effective) FROM STDIN"
        ) as copy,
    ):
        for i in range(patients):
            for res in patient_resources(i, now, days, rng):
                res["meta"] = {"versionId": "1", "lastUpdated": now.isoformat()}
                cols = search_columns.columns(res)
                copy.write_row(
                    (
                        res["resourceType"],
                        res["id"],
                        1,
                        now,
                        json.dumps(res, ensure_ascii=False),
                        cols["patient_id"],
                        json.dumps(cols["other_patients"]),
                        cols["status"],
                        json.dumps(cols["codes"]),
                        json.dumps(cols["identifiers"]),
                        cols["effective"],
                    )
                )
                total += 1
            if (i + 1) % 1000 == 0:
                print(
                    f"  loaded {i + 1}/{patients} patients, {total} resources ({time.perf_counter() - started:.0f}s)",
                    flush=True,
                )
    raw.commit()
    with connection.cursor() as cur:
        cur.execute("ANALYZE ammed_fhir_resource")
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--skip-load", action="store_true")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/followup.py needs DATABASE_URL pointing at PostgreSQL")
    now = timezone.now()
    if not args.skip_load:
        print(
            f"loading {args.patients} patients × {args.days} days of observations ...", flush=True
        )
        t = time.perf_counter()
        total = load(args.patients, args.days, now)
        print(f"loaded {total} resources in {time.perf_counter() - t:.1f}s", flush=True)

    def progress(stats, n):
        if stats.batches % 4 == 0 or stats.patients >= n:
            print(f"  swept {stats.patients}/{n}", flush=True)

    for label in ("first sweep", "steady-state rerun"):
        cpu = time.process_time()
        stats = sweep(now=timezone.now(), batch_size=args.batch, progress=progress)
        cpu = time.process_time() - cpu
        rate = stats.patients / stats.seconds if stats.seconds else 0
        print(
            f"{label}: {stats.patients} patients in {stats.seconds:.1f}s ({rate:.0f} patients/s), "
            f"batches={stats.batches} dispositions={json.dumps(stats.by_disposition)} "
            f"changed={stats.changed} alerts={stats.alerts} errors={stats.errors} "
            f"(python process CPU {cpu:.1f}s; load average {os.getloadavg()[0]:.1f})",
            flush=True,
        )


if __name__ == "__main__":
    main()
