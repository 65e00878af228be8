"""A check is charged its own time, not the message's: on a busy worker a check that waits
for a core (slow on the wall, idle on the CPU) after checks that used CPU is not held, while
a check over its own CPU budget, or blocked ten budgets on the wall, still is (fail closed).

The engine's clocks are replaced by a fake one that the test checks advance, so these tests
do not depend on the machine's speed or load."""

from __future__ import annotations

import types

import pytest

from clinical.monitor import checks as registry
from clinical.monitor import engine
from clinical.monitor.context import PatientContext
from clinical.monitor.engine import run_monitor

CHECKS = ["med_change", "diagnosis", "source_drug"]  # none TEXT_ONLY: each runs every time
PATIENT = PatientContext(patient_id="acct", age_years=60)


class FakeClock:
    """Thread CPU time and wall time (seconds) that only the fake checks move."""

    def __init__(self) -> None:
        self.cpu = 0.0
        self.wall = 0.0

    def check(self, cpu_ms: float, wall_ms: float):
        """A check that uses ``cpu_ms`` of its own CPU and takes ``wall_ms`` on the wall."""

        def run(ctx):
            self.cpu += cpu_ms / 1000
            self.wall += wall_ms / 1000
            return []

        return run


@pytest.fixture
def clock(settings, monkeypatch) -> FakeClock:
    settings.AMMED_MONITOR_CHECKS = CHECKS
    settings.AMMED_MONITOR_CHECK_TIMEOUT_MS = 250.0
    fake = FakeClock()
    monkeypatch.setattr(
        engine,
        "time",
        types.SimpleNamespace(thread_time=lambda: fake.cpu, perf_counter=lambda: fake.wall),
    )
    return fake


def _run(monkeypatch, clock: FakeClock, *timings: tuple[float, float]):
    for name, (cpu_ms, wall_ms) in zip(CHECKS, timings, strict=True):
        monkeypatch.setattr(registry.load(name), "check", clock.check(cpu_ms, wall_ms))
    return run_monitor("请按时复诊。", PATIENT)


def _timeouts(result) -> list[str]:
    return [f.check for f in result.findings if f.code == "monitor.check_timeout"]


def test_a_check_waiting_for_a_core_is_not_charged_the_earlier_checks_cpu(clock, monkeypatch):
    # 150 + 150 ms of CPU in the first two checks (each under the 250 ms budget), then a
    # check that uses 5 ms of CPU but waits 400 ms for a core: the message's CPU so far
    # (305 ms) is over budget, the check's own (5 ms) is not.
    result = _run(monkeypatch, clock, (150, 160), (150, 170), (5, 400))
    assert _timeouts(result) == []
    assert result.action == "release"


def test_a_check_over_its_own_cpu_budget_still_holds(clock, monkeypatch):
    result = _run(monkeypatch, clock, (1, 1), (300, 320), (1, 1))
    assert _timeouts(result) == ["diagnosis"]
    assert result.action == "hold"


def test_a_check_blocked_ten_budgets_on_the_wall_still_holds(clock, monkeypatch):
    result = _run(monkeypatch, clock, (150, 160), (1, 1), (5, 2600))
    assert _timeouts(result) == ["source_drug"]
    assert result.action == "hold"
