"""A real Celery worker (Redis broker, Postgres) is SIGKILLed mid-dispatch and restarted:
every due dose still reaches the webhook sink exactly once."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.utils import timezone
from orders_support import PID, Sink, med_request

from ammed_fhir import store
from ammed_fhir.celery import app as celery_app
from ammed_fhir.models import Resource
from clinical.orders.models import Delivery, DoseReminder
from clinical.orders.services.schedule import approve_order, reminder_key, sync_order

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
BROKER = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/4")
N_DOSES = 300


def start_worker(db_name: str, port: int) -> subprocess.Popen:
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DATABASE_URL": f"postgresql://{db['USER']}@{db['HOST']}:{db['PORT']}/{db_name}",
        "CELERY_BROKER_URL": BROKER,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "AMMED_WEBHOOK_URL": f"http://127.0.0.1:{port}/hook",
        "AMMED_WEBHOOK_SECRET": "kill-test",
        "AMMED_CHANNELS": "inbox,webhook",
        "AMMED_REMINDER_CLAIM_STALE_S": "5",
        "AMMED_REMINDER_BATCH": "20",
        "LOG_LEVEL": "WARNING",
    }
    cmd = [sys.executable, "-m", "celery", "-A", "ammed_fhir", "worker", "-c", "2", "-l", "WARNING"]
    cmd += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
    return subprocess.Popen(
        cmd,
        cwd=Path(settings.BASE_DIR),
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def kill(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # the worker and its pool children, no clean-up
    except ProcessLookupError:
        pass
    proc.wait(timeout=10)


def wait_for(predicate, timeout: float, tick=None) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        if tick:
            tick()
        time.sleep(0.5)
    return predicate()


def test_sigkill_mid_dispatch_loses_and_duplicates_nothing(people, monkeypatch) -> None:
    redis.Redis.from_url(BROKER).flushdb()
    monkeypatch.setattr(celery_app.conf, "task_always_eager", False)
    sink = Sink(0, delay_s=0.02)  # a free port: other test runs share the machine
    store.write(
        med_request(
            "kill-1",
            "阿托伐他汀钙片 20mg qn 口服",
            name="阿托伐他汀钙片 20mg",
            authored="2026-11-01",
        )
    )
    since = timezone.now() - dt.timedelta(days=1)
    sync_order("kill-1", now=since)
    order = approve_order("kill-1", people["doctor"], now=since)
    DoseReminder.objects.all().delete()
    base = timezone.now() - dt.timedelta(hours=6)
    DoseReminder.objects.bulk_create(
        DoseReminder(
            key=reminder_key("kill-1", order.fingerprint, base + dt.timedelta(minutes=i)),
            patient_id=PID,
            request_id="kill-1",
            medication="阿托伐他汀钙片 20mg",
            dose_text="20mg",
            instruction="口服，晚间",
            due_at=base + dt.timedelta(minutes=i),
        )
        for i in range(N_DOSES)
    )
    keys = set(DoseReminder.objects.values_list("key", flat=True))
    db_name = settings.DATABASES["default"]["NAME"]
    worker = start_worker(db_name, sink.port)
    try:
        from clinical.orders.tasks import dispatch_due

        dispatch_due.delay()
        assert wait_for(lambda: len(sink.accepted) >= 40, 120), "worker never started sending"
        kill(worker)
        at_kill = len(sink.accepted)
        assert at_kill < N_DOSES, "dispatch finished before the kill; make the sink slower"
        worker = start_worker(db_name, sink.port)
        # Beat's job, done by hand: sweep every few seconds (reclaims stale claims).
        last = [0.0]

        def beat() -> None:
            if time.monotonic() - last[0] > 3:
                dispatch_due.delay()
                last[0] = time.monotonic()

        assert wait_for(lambda: set(sink.accepted) == keys, 240, beat), (
            f"{len(set(sink.accepted))}/{N_DOSES} delivered"
        )
        # A batch POSTed but not yet recorded when the worker died stays claimed until its
        # claim goes stale; the beat then resends it (the sink answers 409) and records it.
        assert wait_for(
            lambda: (
                Delivery.objects.filter(channel="webhook", state="delivered").count() == N_DOSES
            ),
            60,
            beat,
        ), "outbox never caught up with the sink"
    finally:
        kill(worker)
        sink.close()
        redis.Redis.from_url(BROKER).flushdb()
    assert len(sink.accepted) == N_DOSES  # accepted once per key, never twice
    assert sorted(sink.accepted) == sorted(keys)
    assert DoseReminder.objects.filter(state="released").count() == N_DOSES
    assert Delivery.objects.filter(channel="webhook", state="delivered").count() == N_DOSES
    versions = Resource.objects.filter(resource_type="Communication", resource_id__in=keys)
    assert versions.count() == N_DOSES and set(versions.values_list("version_id", flat=True)) == {1}
    print(
        f"killed after {at_kill} accepted; sink saw {sum(sink.keys.values())} POSTs for {N_DOSES} doses"
    )
