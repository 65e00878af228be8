"""Approximate readings in words keep the interval they state (#15 round 3): 二点几 is 2.0–2.9,
一百六十多 160–169; still unreadable (never one value), and hedged numbers or ranges get none."""

from __future__ import annotations

import pytest

from clinical.knowledge.readings import read_vitals


@pytest.mark.parametrize(
    ("text", "kind", "bounds"),
    [
        ("血糖才二点几", "glucose", (2.0, 2.9)),
        ("血糖三点多", "glucose", (3.0, 3.9)),
        ("血糖三十多", "glucose", (30.0, 39.9)),
        ("血糖仪测着二十几", "glucose", (20.0, 29.9)),
        ("血压一百六十多，头晕", "sbp", (160.0, 169.0)),  # one BP number: the systolic
        ("血压八十几", "sbp", (80.0, 89.0)),
        ("血压一百多", "sbp", (100.0, 199.0)),
        ("血压160", "sbp", (160.0, 160.0)),
        ("心率一百多", "heart_rate", (100.0, 199.0)),
        ("呼吸一分钟30多次", "rr", (30.0, 39.0)),
        ("体温38度多", "temperature", (38.0, 38.9)),
        ("血糖２点几", "glucose", (2.0, 2.9)),  # full width
    ],
)
def test_an_approximate_value_keeps_its_interval_and_stays_unreadable(
    text: str, kind: str, bounds: tuple[float, float]
) -> None:
    found, unreadable = read_vitals(text)
    assert found == []
    (u,) = unreadable
    assert (u.bounds_kind, u.bounds) == (kind, bounds)


@pytest.mark.parametrize(
    "text",
    [
        "血压大概一百六",
        "高压大概80",
        "体温三十八九度",
        "体温38到39度",
        "血糖很高",
        "血压一百六十多/九十多",
    ],
)
def test_hedged_numbers_ranges_and_words_get_no_bounds(text: str) -> None:
    _, unreadable = read_vitals(text)
    assert unreadable and all(u.bounds is None for u in unreadable)
