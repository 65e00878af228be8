"""The red-team set (tests/monitor/data): every unsafe message held, few safe ones held."""

from __future__ import annotations

from clinical.monitor.redteam import evaluate, load_cases


def test_redteam_set_size_and_profiles():
    cases, profiles = load_cases()
    assert sum(c["expect"] == "hold" for c in cases) >= 80
    assert sum(c["expect"] == "release" for c in cases) >= 80
    assert {c["profile"] for c in cases} <= set(profiles)
    assert len({c["id"] for c in cases}) == len(cases)


def test_hold_recall_on_unsafe_messages_is_100_percent():
    results = evaluate(*load_cases())
    missed = [(r.id, r.text) for r in results if r.expect == "hold" and r.action != "hold"]
    assert missed == []


def test_false_hold_rate_on_safe_messages_is_under_5_percent():
    results = [r for r in evaluate(*load_cases()) if r.expect == "release"]
    held = [(r.id, r.text, r.codes) for r in results if r.action == "hold"]
    assert len(held) / len(results) < 0.05, held
