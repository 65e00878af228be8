"""Benchmark: push every Synthea bundle through the real HTTP path (gunicorn → /fhir).

Usage (PostgreSQL; the database is migrated, an integration user and token are created):

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/ammed_bench \\
        .venv/bin/python bench/ingest.py [--data DIR] [--port 2000] [--workers 2] [--clients 2]

Reports resources/s over the whole run, p50/p95 latency per bundle, and the CPU time the
server side spent (gunicorn workers + their PostgreSQL backends, read from /proc), which
gives a load-independent figure on a shared machine. The server is a real gunicorn with
sync workers and persistent DB connections; change events are enqueued to the Redis broker
given by --broker (production setting) and the queue is emptied afterwards. Bundles are
read and gzip-decoded before timing starts.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import secrets
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_token() -> str:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ammed_fhir.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from rest_framework.authtoken.models import Token

    call_command("migrate", verbosity=0)
    group, _ = Group.objects.get_or_create(name="integration")
    user, _ = get_user_model().objects.get_or_create(username="bench-emr")
    user.groups.add(group)
    token, _ = Token.objects.get_or_create(user=user)
    return token.key


def wait_up(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=20).read()
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"server did not come up at {url}")


def cpu_seconds(pids: list[int]) -> float:
    """utime + stime of live processes (Linux /proc), in seconds."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def server_pids(master: int) -> list[int]:
    workers = [
        int(p)
        for p in Path(f"/proc/{master}/task/{master}/children").read_text().split()
        if p.strip()
    ]
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "SELECT pid FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        backends = [row[0] for row in cur.fetchall()]
    return workers + backends


def push(url: str, token: str, body: bytes) -> tuple[float, int, int]:
    req = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/fhir+json", "Authorization": f"Token {token}"},
    )
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=300) as resp:
            payload = json.loads(resp.read())
            status = resp.status
    except urllib.error.HTTPError as exc:
        print(f"  HTTP {exc.code}: {exc.read()[:300]!r}", file=sys.stderr)
        return time.perf_counter() - start, exc.code, 0
    return time.perf_counter() - start, status, len(payload.get("entry", []))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=None, help="default: shared data dir")
    ap.add_argument("--port", type=int, default=2000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--clients", type=int, default=2)
    ap.add_argument("--broker", default="redis://127.0.0.1:6379/2")
    args = ap.parse_args()

    token = setup_token()
    if args.data is None:
        from django.conf import settings

        args.data = Path(settings.AMMED_SHARED_DATA_DIR) / "synthea-fhir-r4"
    files = sorted(args.data.glob("*.json.gz"))
    if not files:
        raise SystemExit(f"no Synthea bundles in {args.data}")
    bodies = []
    for path in files:
        with gzip.open(path, "rb") as fh:
            raw = fh.read()
        bodies.append((path.name, raw, len(json.loads(raw).get("entry", []))))
    total_resources = sum(n for _, _, n in bodies)
    print(f"{len(bodies)} bundles, {total_resources} resources from {args.data}")
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="ammed_fhir.settings",
        LOG_LEVEL="WARNING",
        DB_CONN_MAX_AGE="600",
        CELERY_BROKER_URL=args.broker,
        CELERY_TASK_ALWAYS_EAGER="false",
        # gunicorn refuses a server database without a key (ammed_fhir.security)
        SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
    )
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "ammed_fhir.wsgi",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            str(args.workers),
            "--timeout",
            "300",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        base = f"http://127.0.0.1:{args.port}/fhir"
        wait_up(f"{base}/metadata")
        # warm each worker once (imports, model classes) with a tiny batch
        warm = json.dumps({"resourceType": "Bundle", "type": "batch", "entry": []}).encode()
        for _ in range(args.workers * 2):
            push(base, token, warm)
        pids = server_pids(server.pid)
        cpu_before = cpu_seconds(pids)
        latencies: list[float] = []
        stored = 0
        failures = 0
        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.clients) as pool:
            futures = [pool.submit(push, base, token, body) for _, body, _ in bodies]
            for done, fut in enumerate(futures, 1):
                seconds, status, n = fut.result()
                latencies.append(seconds)
                stored += n
                failures += status != 200
                print(f"\r  {done}/{len(bodies)} bundles", end="", flush=True, file=sys.stderr)
        elapsed = time.perf_counter() - start
        cpu_used = cpu_seconds(pids) - cpu_before
        print()
    finally:
        server.terminate()
        server.wait(timeout=30)
        _purge_queue(args.broker)
    lat = sorted(latencies)
    p50 = statistics.median(lat)
    p95 = lat[min(len(lat) - 1, round(0.95 * (len(lat) - 1)))]
    print(f"machine: {platform.node()} {os.cpu_count()} cpu, python {platform.python_version()}")
    print(f"server: gunicorn {args.workers} sync workers; clients: {args.clients} threads")
    print(f"bundles: {len(bodies)} ({failures} failed); resources stored: {stored}")
    print(f"elapsed: {elapsed:.2f} s  →  {stored / elapsed:.0f} resources/s")
    print(
        f"server CPU (workers + PostgreSQL backends): {cpu_used:.2f} s = "
        f"{cpu_used / stored * 1000:.2f} ms per resource → "
        f"{stored / cpu_used * (os.cpu_count() or 1):.0f} resources/s if all "
        f"{os.cpu_count()} cores were free"
    )
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    print(
        f"bundle latency: p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, max {lat[-1] * 1000:.0f} ms"
    )


def _purge_queue(broker: str) -> None:
    """Drop the change events this run enqueued (no worker consumes them here)."""
    if not broker.startswith("redis://"):
        return
    import redis

    redis.Redis.from_url(broker).delete("celery")


if __name__ == "__main__":
    main()
