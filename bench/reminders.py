"""Reminder benchmarks: schedule build and a morning-peak dispatch through Celery + Redis.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/ammed_i4 \\
    CELERY_BROKER_URL=redis://127.0.0.1:6379/4 CELERY_TASK_ALWAYS_EAGER=false \\
    .venv/bin/python bench/reminders.py --patients 10000 --meds 5 --days 30 --peak 100000

Phase 1 (build): N patients x M MedicationRequests with text sigs are inserted as stored
resources (setup, untimed), then ``bulk_sync`` plans every order, computes every dose over
``--days`` and writes them (timed), the label-maximum dose check included (orders it
cannot clear wait for a clinician and get no doses).

Phase 2 (dispatch): ``--peak`` doses due now (setup, untimed: COPY), a local webhook sink in
its own process, ``--workers`` Celery worker processes; timed from ``enqueue_due()`` until the
sink holds every dose key (or the dose is held for review). Reports duplicates (keys
accepted twice), held for review and lost (neither delivered nor held).
Writes everything it creates under ``bench-`` ids and removes it at the start of a run, then
VACUUMs the tables it wrote (untimed).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing as mp
import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ammed_fhir.settings")

SIGS = [
    ("阿托伐他汀钙片 20mg", "阿托伐他汀钙片 20mg qn 口服"),
    ("苯磺酸氨氯地平片 5mg", "苯磺酸氨氯地平片 5mg 每日1次 晨起口服"),
    ("盐酸二甲双胍片 0.5g", "二甲双胍片 0.5g tid 饭后"),
    ("阿司匹林肠溶片 100mg", "阿司匹林肠溶片 100mg qd 口服"),
    ("泮托拉唑钠肠溶片 40mg", "泮托拉唑钠肠溶片 40mg qd 早餐前半小时口服"),
    ("头孢呋辛酯片 0.25g", "头孢呋辛酯片 0.25g 口服 bid 饭后"),
    ("美托洛尔缓释片 47.5mg", "美托洛尔缓释片 47.5mg qd 晨起"),
    ("左甲状腺素钠片 50μg", "左甲状腺素钠片 50μg 每日一次 早餐前半小时空腹"),
]


def stop_worker(worker: subprocess.Popen) -> None:
    """Warm shutdown of the bench's Celery worker (untimed); killed if it takes over 60 s."""
    os.killpg(worker.pid, signal.SIGTERM)
    try:
        worker.wait(60)
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(10)


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


# --------------------------------------------------------------------------- sink process
def run_sink(port: int, ready: mp.Event) -> None:  # type: ignore[valid-type]
    seen: dict[str, int] = {}
    posts, doses = [0], [0]  # doses: distinct dose keys (alerts about held doses excluded)
    lock = threading.Lock()  # the server answers on threads

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with lock:
                self._accept(body)

        def _accept(self, body: bytes) -> None:
            posts[0] += 1
            if "X-AMMed-Batch" not in self.headers:
                key = self.headers.get("Idempotency-Key", "")
                seen[key] = seen.get(key, 0) + 1
                doses[0] += seen[key] == 1 and key.startswith("dose-")
                self.send_response(200 if seen[key] == 1 else 409)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            results = {}  # a batch: dedup on each message's own key
            for message in json.loads(body)["messages"]:
                key = message["idempotency_key"]
                seen[key] = seen.get(key, 0) + 1
                doses[0] += seen[key] == 1 and key.startswith("dose-")
                results[key] = 200 if seen[key] == 1 else 409
            answer = json.dumps({"results": results}).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def do_GET(self) -> None:
            with lock:
                stats = {
                    "unique": len(seen),
                    "doses": doses[0],
                    "posts": posts[0],
                    "resent": sum(v - 1 for v in seen.values()),
                    "keys": list(seen) if self.path == "/keys" else [],
                }
            body = json.dumps(stats).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    ready.set()
    server.serve_forever()


def sink_stats(port: int, path: str = "/stats") -> dict:
    import urllib.request

    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as resp:
        return json.loads(resp.read())


# --------------------------------------------------------------------------- phases
def clean() -> None:
    from ammed_fhir.models import Resource, ResourceVersion
    from clinical.orders.models import Delivery, DoseReminder, OrderSchedule

    DoseReminder.objects.filter(patient_id__startswith="bench-").delete()
    Delivery.objects.filter(patient_id__startswith="bench-").delete()
    OrderSchedule.objects.filter(patient_id__startswith="bench-").delete()
    bench = Resource.objects.filter(patient_id__startswith="bench-")
    ids = list(bench.values_list("resource_id", flat=True))
    for i in range(0, len(ids), 20000):
        ResourceVersion.objects.filter(resource_id__in=ids[i : i + 20000]).delete()
    bench.delete()


_TABLES = (
    "orders_dosereminder",
    "orders_delivery",
    "orders_orderschedule",
    "ammed_fhir_resource",
    "ammed_fhir_resourceversion",
)


def vacuum() -> None:
    """VACUUM ANALYZE the tables the bench writes (untimed). Cleaning leaves every deleted row
    dead; production runs autovacuum, a test database may not (this machine's has it off)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cur:
        for table in _TABLES:
            cur.execute(f"VACUUM ANALYZE {table}")


def resource(data: dict, now: Any) -> Any:  # a Resource row (bench setup)
    from ammed_fhir import search_columns
    from ammed_fhir.models import Resource

    return Resource(
        resource_type=data["resourceType"],
        resource_id=data["id"],
        last_updated=now,
        data=data,
        **search_columns.columns(data),
    )


def patient(pid: str) -> dict:
    return {
        "resourceType": "Patient",
        "id": pid,
        "birthDate": "1960-01-01",
        "gender": "female",
        "meta": {"versionId": "1"},
    }


def build(patients: int, meds: int, days: int, workers: int = 0) -> dict:
    from django.conf import settings
    from django.utils import timezone

    from ammed_fhir.models import Resource
    from clinical.orders.services import schedule

    now = timezone.now()
    log(f"setup: inserting {patients} Patients, {patients * meds} MedicationRequests (untimed)")
    rows, ids = [], []
    for p in range(patients):
        rows.append(resource(patient(f"bench-{p}"), now))
        for m in range(meds):
            name, sig = SIGS[(p + m) % len(SIGS)]
            rid = f"bench-mr-{p}-{m}"
            data = {
                "resourceType": "MedicationRequest",
                "id": rid,
                "status": "active",
                "intent": "order",
                "medicationCodeableConcept": {"text": name},
                "subject": {"reference": f"Patient/bench-{p}"},
                "authoredOn": now.isoformat(),
                "dosageInstruction": [{"text": sig}],
                "meta": {"versionId": "1"},
            }
            rows.append(resource(data, now))
            ids.append(rid)
    Resource.objects.bulk_create(rows, batch_size=5000)
    vacuum()
    settings.AMMED_REMINDER_HORIZON_DAYS = days
    schedule._parse_cached.cache_clear()
    log("timed: bulk_sync")
    t0 = time.perf_counter()
    last = [t0]

    def progress(totals: dict) -> None:
        if time.perf_counter() - last[0] > 5:
            log(f"  {totals['orders']}/{len(ids)} orders, {totals['doses']} doses")
            last[0] = time.perf_counter()

    if workers:
        totals = build_with_celery(ids, days, workers, t0)
    else:
        totals = schedule.bulk_sync(ids, now=now, chunk=2500, progress=progress)
    elapsed = time.perf_counter() - t0
    log(f"build: {totals} in {elapsed:.1f} s")
    return {**totals, "seconds": round(elapsed, 1)}


def build_with_celery(ids: list[str], days: int, workers: int, t0: float) -> dict:
    """The same build as Celery ``orders.sync_chunk`` tasks over ``workers`` processes."""
    from clinical.orders.models import DoseReminder, OrderSchedule

    env = {
        **os.environ,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "AMMED_REMINDER_HORIZON_DAYS": str(days),
        "LOG_LEVEL": "WARNING",
    }
    cmd = [sys.executable, "-m", "celery", "-A", "ammed_fhir", "worker", "-c", str(workers)]
    cmd += ["-l", "WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat"]
    worker = subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True)
    try:
        time.sleep(6)  # worker boot (not timed)
        t0 = time.perf_counter()
        from clinical.orders.tasks import sync_chunk

        for i in range(0, len(ids), 1000):
            sync_chunk.delay(ids[i : i + 1000])
        done = 0
        while done < len(ids):
            time.sleep(2)
            done = OrderSchedule.objects.filter(request_id__startswith="bench-mr-").count()
            log(f"  {done}/{len(ids)} orders planned")
        # The last chunks commit their doses with their OrderSchedule rows (one transaction).
        elapsed = time.perf_counter() - t0
        doses = DoseReminder.objects.filter(request_id__startswith="bench-mr-").count()
        review = OrderSchedule.objects.filter(
            request_id__startswith="bench-mr-", status="needs_review"
        ).count()
    finally:
        stop_worker(worker)
    return {
        "orders": len(ids),
        "needs_review": review,
        "doses": doses,
        "celery_seconds": round(elapsed, 1),
    }


def dispatch(peak: int, workers: int, port: int, batch: int) -> dict:
    from django.utils import timezone

    from ammed_fhir.celery import app as celery_app
    from clinical.monitor.models import Review
    from clinical.orders.models import DoseReminder, OrderSchedule, OrderStatus
    from clinical.orders.services import dispatch as dispatch_service
    from clinical.orders.services.schedule import bulk_insert_reminders, reminder_key

    now = timezone.now()
    n_orders = max(1, peak // 5)
    log(f"setup: {peak} doses due now over {n_orders} orders (untimed)")
    from ammed_fhir.models import Resource

    # The output monitor checks each reminder against the patient's record: real patients
    # (adult) and real orders, so it can release them.
    Resource.objects.bulk_create(
        [resource(patient(f"bench-peak-p{k}"), now) for k in range(n_orders // 5 + 1)]
        + [
            resource(
                {
                    "resourceType": "MedicationRequest",
                    "id": f"bench-peak-{i}",
                    "status": "active",
                    "intent": "order",
                    "medicationCodeableConcept": {"text": "阿托伐他汀钙片 20mg"},
                    "subject": {"reference": f"Patient/bench-peak-p{i // 5}"},
                    "authoredOn": now.isoformat(),
                    "dosageInstruction": [{"text": "阿托伐他汀钙片 20mg qn 口服"}],
                    "meta": {"versionId": "1"},
                },
                now,
            )
            for i in range(n_orders)
        ],
        batch_size=5000,
    )
    OrderSchedule.objects.bulk_create(
        [
            OrderSchedule(
                request_id=f"bench-peak-{i}",
                patient_id=f"bench-peak-p{i // 5}",
                status=OrderStatus.SCHEDULED,
                medication="阿托伐他汀钙片 20mg",
            )
            for i in range(n_orders)
        ],
        batch_size=5000,
    )
    from django.db import transaction

    with transaction.atomic():
        bulk_insert_reminders(
            [
                DoseReminder(
                    key=reminder_key(
                        f"bench-peak-{i % n_orders}", "x", now - dt.timedelta(seconds=i)
                    ),
                    patient_id=f"bench-peak-p{(i % n_orders) // 5}",
                    request_id=f"bench-peak-{i % n_orders}",
                    medication="阿托伐他汀钙片 20mg",
                    dose_text="20mg",
                    instruction="口服，早餐后",
                    due_at=now - dt.timedelta(seconds=i),
                )
                for i in range(peak)
            ]
        )
    vacuum()
    keys = set(
        DoseReminder.objects.filter(patient_id__startswith="bench-peak").values_list(
            "key", flat=True
        )
    )
    assert len(keys) == peak, len(keys)
    ready = mp.Event()
    sink = mp.Process(target=run_sink, args=(port, ready), daemon=True)
    sink.start()
    ready.wait(10)
    env = {
        **os.environ,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "AMMED_WEBHOOK_URL": f"http://127.0.0.1:{port}/hook",
        "AMMED_WEBHOOK_SECRET": "bench",
        "AMMED_CHANNELS": "inbox,webhook",
        "AMMED_REMINDER_BATCH": str(batch),
        "LOG_LEVEL": "WARNING",
    }
    celery_app.control.purge()
    cmd = [sys.executable, "-m", "celery", "-A", "ammed_fhir", "worker", "-c", str(workers)]
    cmd += ["-l", "WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat"]
    worker = subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True)
    try:
        time.sleep(5)  # worker boot
        log("timed: enqueue_due → Celery → gate → outbox → webhook sink")
        t0, started = time.perf_counter(), timezone.now()
        enqueued = dispatch_service.enqueue_due(limit=peak + 10)
        log(f"  enqueued {enqueued} doses in {time.perf_counter() - t0:.1f} s")
        stats, held_now = sink_stats(port), 0
        deadline = t0 + 1800
        # Done when every dose is either at the sink or held for review (the care-team alerts
        # about held doses reach the sink too, under their own keys: not counted as doses).
        while stats["doses"] + held_now < peak and time.perf_counter() < deadline:
            time.sleep(1)
            stats = sink_stats(port)
            # held = a review of this run waits (the small review table: polling the resource
            # table every second cost PostgreSQL ~5 CPU-seconds of the run; reviews are kept,
            # their audit trail is append-only)
            held_now = Review.objects.filter(
                communication_id__startswith="dose-", created__gte=started
            ).count()
            log(f"  sink: {stats['doses']}/{peak} doses, {held_now} held, {stats['posts']} posts")
        elapsed = time.perf_counter() - t0
    finally:
        stop_worker(worker)
    final = sink_stats(port, "/keys")
    sink.terminate()
    got = set(final["keys"])
    # A dose the output monitor held (e.g. a check over its time budget: fail closed) waits
    # on-hold for a clinician; it is not lost, but it is not delivered either.
    from ammed_fhir.models import Resource

    missing = keys - got
    held = set(
        Resource.objects.filter(
            resource_type="Communication", resource_id__in=missing, status="on-hold"
        ).values_list("resource_id", flat=True)
    )
    result = {
        "due": peak,
        "delivered_unique": len(got & keys),
        "held_for_review": len(held),
        "lost": len(missing - held),
        "duplicates_accepted": 0,  # the sink answers 409 to a repeated key; see resent
        "resent_same_key": final["resent"],
        "seconds": round(elapsed, 1),
        "per_second": round(peak / elapsed),
        "workers": workers,
        "batch": batch,
    }
    log(f"dispatch: {result}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--patients", type=int, default=10_000)
    parser.add_argument("--meds", type=int, default=5)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--peak", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--port", type=int, default=4050)
    parser.add_argument("--skip-build", action="store_true")
    parser.add_argument("--skip-dispatch", action="store_true")
    parser.add_argument("--build-workers", type=int, default=0, help="build through Celery")
    args = parser.parse_args()

    import django

    django.setup()
    log("cleaning previous bench data")
    clean()
    out: dict = {}
    if not args.skip_build:
        out["build"] = build(args.patients, args.meds, args.days, args.build_workers)
        clean()
    if not args.skip_dispatch:
        out["dispatch"] = dispatch(args.peak, args.workers, args.port, args.batch)
        clean()
    print(json.dumps(out, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
