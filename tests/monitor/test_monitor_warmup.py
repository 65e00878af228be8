"""Worker warm-up runs the checks once so the first real message is not charged for it."""

from __future__ import annotations

import gc
import logging

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
