"""Worker warm-up runs the checks once so the first real message is not charged for it."""

from __future__ import annotations

import gc
import logging
from pathlib import Path

import pytest
from celery.signals import worker_process_init

from clinical.monitor import kb
from clinical.monitor.warmup import _YOUNG_THRESHOLD, warm_process


@pytest.fixture(autouse=True)
def _restore_gc():
    """warm_process() tunes the collector of the process it runs in: undo it after a test."""
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


def test_warm_up_is_connected_to_worker_start() -> None:
    assert any(
        r[1]() is warm_process or r[1] is warm_process for r in worker_process_init.receivers
    )


@pytest.mark.django_db
def test_warm_up_loads_the_kb_and_logs_nothing(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 21: this accepted ``kb.backend() in {"medkb", "interim"}`` -- "interim" is the
    fallback used when clinical.medkb cannot be imported, so a broken KB passed. The real
    expectation: medkb answers, and warm-up itself loaded it (the process-wide KB and the
    monitor's memoised indexes start empty here and are filled by ``warm_process``)."""
    from clinical.medkb import kb as medkb_kb

    monkeypatch.setattr(medkb_kb, "_kb", None)
    kb._ingredients.cache_clear()
    kb._alias_index.cache_clear()
    with caplog.at_level(logging.WARNING, logger="clinical.monitor.warmup"):
        warm_process()
    assert kb.backend() == "medkb"
    assert medkb_kb._kb is not None
    assert kb._ingredients.cache_info().currsize == 1
    assert kb._alias_index.cache_info().currsize == 1
    assert [r.getMessage() for r in caplog.records] == []  # no warning at all


@pytest.mark.django_db
def test_warm_up_freezes_the_loaded_heap_and_collects_young_objects_less_often() -> None:
    gc.unfreeze()
    warm_process()
    assert gc.get_freeze_count() > 10_000  # Django, the lexicons, the KB
    assert gc.get_threshold()[0] == _YOUNG_THRESHOLD


# A fresh process, as a Celery pool child starts: Django, the app's task modules, then
# ``warm_process()``; then one dose reminder built by the orders code (a drug and sig other
# than warm-up's own probe) is checked. It prints what the first reminder still loaded.
_POOL_CHILD = r"""
import functools, inspect, json, sys
import django

django.setup()
from ammed_fhir.celery import app

app.loader.import_default_modules()
from django.utils import timezone

from clinical.monitor.checks import frequency_consistency
from clinical.monitor.context import Medication, PatientContext
from clinical.monitor.engine import run_monitor
from clinical.monitor.warmup import warm_process
from clinical.orders.services.dispatch import Dose, reminder_message

SIG_MODEL = "fhir.resources.R4B.dosage"
out = {"sig_model_before_warm_up": SIG_MODEL in sys.modules}
warm_process()
out["sig_model_after_warm_up"] = SIG_MODEL in sys.modules


def tables():
    # every memoised zero-argument function of the project: a table loaded once per process
    found = {}
    for modname, mod in list(sys.modules.items()):
        if not modname.startswith(("clinical.", "ammed_fhir.")) or mod is None:
            continue
        for attr, fn in list(vars(mod).items()):
            # type(), not getattr or isinstance: they evaluate a Celery task proxy (an import)
            if type(fn) is functools._lru_cache_wrapper and fn.__module__ == modname:
                try:
                    if inspect.signature(fn).parameters:
                        continue
                except (TypeError, ValueError):
                    continue
                found[f"{modname}.{attr}"] = fn.cache_info().misses
    return found


drug, sig = "华法林钠片 3mg", "华法林钠片 3mg qd 晚饭后"
msg = reminder_message(Dose(1, "k1", "p1", "r1", drug, "3mg", "晚饭后", timezone.now()), None)
patient = PatientContext(
    patient_id="p1", age_years=70, medications=[Medication(name=drug, dosage=sig)]
)
modules, loaded, sigs = set(sys.modules), tables(), frequency_consistency.sig_period.cache_info()
result = run_monitor(msg.text, patient, msg.structured, msg.category)
out["action"] = result.action
out["sig_reads"] = frequency_consistency.sig_period.cache_info().misses - sigs.misses
out["new_modules"] = sorted(set(sys.modules) - modules)
out["tables_loaded"] = sorted(k for k, v in tables().items() if v != loaded.get(k, 0))
print(json.dumps(out))
"""


def _pool_child() -> dict:
    import json
    import subprocess
    import sys
    from pathlib import Path

    from django.conf import settings

    done = subprocess.run(
        [sys.executable, "-c", _POOL_CHILD],
        cwd=Path(settings.BASE_DIR),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_warm_up_runs_a_real_reminder_so_the_first_one_loads_nothing() -> None:
    """Cold pool children held correct reminders on a busy box: the first reminder's
    frequency check read its order's sig through the shared sig reader, whose first read
    imported the FHIR Dosage model (pydantic) inside the check's budget (~0.1 s CPU). Warm-up
    now reads a sig and checks a reminder built by the orders code, so a pool child's first
    reminder imports no module and loads no table; it does read its order's sig."""
    out = _pool_child()
    assert out["sig_model_before_warm_up"] is False  # the import is warm-up's, not Django's
    assert out["sig_model_after_warm_up"] is True
    assert out["sig_reads"] == 1  # the first reminder did read its order's sig...
    assert out["new_modules"] == []  # ...with nothing left to import
    assert out["tables_loaded"] == []
    assert out["action"] == "release"


def test_each_gunicorn_web_worker_warms_the_monitor_once_it_has_loaded_the_app(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A web worker checks messages too (the monitor API, the gate on writes) and restarts
    after ``--max-requests``: its first check would otherwise pay for first-use loads."""
    from gunicorn.config import Config

    from clinical.monitor import warmup

    namespace: dict = {}
    exec((Path(__file__).resolve().parents[2] / "gunicorn.conf.py").read_text(), namespace)
    calls: list[str] = []
    monkeypatch.setattr(warmup, "warm_process", lambda **_: calls.append("warm"))
    cfg = Config()
    cfg.set("post_worker_init", namespace["post_worker_init"])  # gunicorn accepts the hook
    cfg.post_worker_init(object())
    assert calls == ["warm"]
