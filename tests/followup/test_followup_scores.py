"""Issue #15 aggregate scores: NEWS2 (scale 2 for COPD), qSOFA, shock index."""

from __future__ import annotations

from django.utils import timezone
from followup_vignette_builder import assess_vignette


def _assess(v: dict) -> dict:
    now = timezone.now()
    return assess_vignette(v, now)


def _codes(out: dict) -> dict[str, dict]:
    return {r["code"]: r for r in out["reasons"]}


def test_sepsis_pattern_is_emergency_though_each_value_alone_is_mild() -> None:
    # T 38.6 (1) HR 118 (2) RR 23 (2) SBP 100 (2) SpO2 95 (1) = 8; qSOFA 2 with fever
    v = {
        "id": "sc1",
        "age": 60,
        "obs": [
            ["temp", 38.6, 1],
            ["hr", 118, 1],
            ["rr", 23, 1],
            ["bp", [100, 60], 1],
            ["spo2", 95, 1],
        ],
    }
    out = _assess(v)
    assert out["disposition"] == "emergency"
    codes = _codes(out)
    assert "NEWS2评分8分" in codes["news2-high"]["text"]
    assert len(codes["news2-high"]["evidence"]) == 5
    assert "qsofa-infection" in codes
    assert "shock-index" in codes


def test_news2_five_is_urgent_and_names_missing_components() -> None:
    v = {
        "id": "sc2",
        "age": 60,
        "obs": [["temp", 38.3, 1], ["hr", 105, 1], ["rr", 22, 1], ["spo2", 95, 1]],
    }
    out = _assess(v)
    assert out["disposition"] == "urgent"
    text = _codes(out)["news2-medium"]["text"]
    assert "缺少" in text and "收缩压" in text and "部分评分" in text
    assert any(n["code"] == "news2-partial" for n in out["notes"])


def test_single_parameter_three_is_urgent() -> None:
    out = _assess({"id": "sc3", "age": 50, "obs": [["rr", 26, 1], ["hr", 80, 1]]})
    assert "news2-single-3" in _codes(out)
    assert out["disposition"] in ("urgent", "emergency")


def test_copd_uses_spo2_scale_2() -> None:
    base = {"age": 72, "obs": [["spo2", 89, 1], ["rr", 18, 1], ["hr", 80, 1], ["temp", 36.8, 1]]}
    copd = _assess({"id": "sc4", "conditions": ["copd"], **base})
    assert not {"news2-single-3", "news2-medium", "news2-high"} & set(_codes(copd))
    plain = _assess({"id": "sc5", **base})
    assert "news2-single-3" in _codes(plain)


def test_low_scores_add_nothing() -> None:
    out = _assess(
        {"id": "sc6", "age": 40, "obs": [["temp", 36.8, 1], ["hr", 76, 1], ["bp", [122, 78], 1]]}
    )
    assert not any(r["family"] == "scores" for r in out["reasons"])


def test_a_value_between_two_bands_takes_the_worse_neighbour_not_the_worst_band() -> None:
    from clinical.followup.services.rules.scores import _band_points

    rr = [[None, 8, 3], [9, 11, 1], [12, 20, 0], [21, 24, 2], [25, None, 3]]
    assert _band_points(11.5, rr) == 1  # found by the hypothesis invariant: was 3
    assert _band_points(20.5, rr) == 2
