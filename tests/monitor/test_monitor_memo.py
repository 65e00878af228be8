"""The monitor's memoisation: findings reused per text must equal findings computed afresh.

TEXT_ONLY checks run on the text alone and are remembered per text; the text helpers and KB
look-ups are memoised pure functions. None of it may change a decision.
"""

from __future__ import annotations

import copy

import pytest

from clinical.knowledge.text import normalize
from clinical.monitor import checks as registry
from clinical.monitor import engine
from clinical.monitor.checks import _text
from clinical.monitor.engine import run_monitor
from clinical.monitor.redteam import load_cases
from clinical.monitor.types import CheckContext, Finding
from tests.monitor.test_monitor_checks import SURGERY

TEXT_ONLY = [
    name for name in registry.DEFAULT_ORDER if getattr(registry.load(name), "TEXT_ONLY", False)
]


def _clear_memos() -> None:
    engine._text_findings.cache_clear()
    for fn in (_text.enclosing, _text.negated, _text.parse_dose, _text.advised_against):
        fn.cache_clear()
    normalize.cache_clear()


def _verdicts(cases, profiles):
    out = []
    for case in cases:
        result = run_monitor(
            case["text"], profiles[case["profile"]], case.get("structured"), case["category"]
        )
        out.append((case["id"], result.action, sorted(map(repr, result.findings))))
    return out


def test_the_text_only_checks_are_the_pure_text_ones():
    assert TEXT_ONLY == [
        "injection",
        "mixed_script",
        "dismissal",
        "unknown_drug",
        "absolute_claims",
        "leftover_antibiotics",
        "impersonation",
    ]


@pytest.mark.parametrize("name", TEXT_ONLY)
def test_a_text_only_check_finds_the_same_with_or_without_the_patient(name):
    """The declaration is honest: on the red-team texts (each with its own patient and
    structured result) the check finds exactly the same without them."""
    cases, profiles = load_cases()
    check = registry.load(name).check
    assert len(cases) > 200
    for case in cases:
        norm = normalize(case["text"])
        full = CheckContext(
            norm=norm,
            patient=copy.deepcopy(profiles[case["profile"]]),
            structured=case.get("structured"),
            category=case["category"],
        )
        bare = CheckContext(norm=norm, patient=None, structured=None)
        assert check(full) == check(bare), case["id"]


def test_memoised_verdicts_equal_fresh_ones_on_the_redteam_set():
    cases, profiles = load_cases()
    _clear_memos()
    cold = _verdicts(cases, profiles)
    warm = _verdicts(cases, profiles)  # every memo filled by the first pass
    assert warm == cold
    assert sum(1 for _, action, _ in cold if action == "hold") > 100


def _spy(monkeypatch, result=()):
    calls: list[CheckContext] = []

    def spy(ctx):
        calls.append(ctx)
        return [Finding("absolute_claims", "spy", "high", "spy finding")] if result else []

    monkeypatch.setattr(registry.load("absolute_claims"), "check", spy)
    return calls


def test_a_text_only_check_sees_neither_patient_nor_structured_result(monkeypatch):
    calls = _spy(monkeypatch)
    run_monitor("请按时复诊。", SURGERY, {"drug": "华法林"}, "reminder")
    assert [(c.patient, c.structured, c.category) for c in calls] == [(None, None, "")]


def test_text_only_findings_are_reused_per_text_and_owned_by_each_caller(monkeypatch):
    calls = _spy(monkeypatch, result=True)
    first = run_monitor("请按时复诊。", SURGERY)
    second = run_monitor("请按时复诊。", None)
    assert len(calls) == 1
    assert first.action == second.action == "hold"
    mine = next(f for f in first.findings if f.code == "spy")
    mine.explanation = "changed by the first caller"
    assert next(f for f in second.findings if f.code == "spy").explanation == "spy finding"
    run_monitor("请按时复诊！", SURGERY)  # another text: checked again
    assert len(calls) == 2


def test_a_check_that_raised_is_run_again_next_time(monkeypatch):
    calls: list[int] = []

    def flaky(ctx):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("transient")
        return []

    monkeypatch.setattr(registry.load("absolute_claims"), "check", flaky)
    assert "monitor.check_error" in {f.code for f in run_monitor("请按时复诊。", SURGERY).findings}
    assert run_monitor("请按时复诊。", SURGERY).action == "release"
    assert len(calls) == 2


def test_the_text_memo_is_bounded_and_used():
    engine._text_findings.cache_clear()
    for i in range(3):
        run_monitor(f"请于第{i}天复诊。", SURGERY)
        run_monitor(f"请于第{i}天复诊。", SURGERY)
    info = engine._text_findings.cache_info()
    assert info.maxsize == 50_000
    assert info.currsize == 3 * len(TEXT_ONLY) and info.hits == 3 * len(TEXT_ONLY)


def test_a_reminders_due_at_timestamp_allows_no_drug():
    """``due_at`` is left out of the structured text the consistency check scans (a machine
    timestamp, and unique per dose): a drug named only there is still "added"."""
    text = "【服药提醒】11月29日 08:00 请服用华法林钠片 3mg，每次3mg。也可以吃阿司匹林。"
    structured = {"drug": "华法林钠片 3mg", "dose": "3mg", "time": "08:00"}
    clean = {f.code for f in run_monitor(text, SURGERY, structured, "reminder").findings}
    sneaky = {**structured, "due_at": "阿司匹林"}
    assert "drug_added" in clean
    assert "drug_added" in {f.code for f in run_monitor(text, SURGERY, sneaky, "reminder").findings}
