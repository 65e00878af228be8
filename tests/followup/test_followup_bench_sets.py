"""bench/followup_sets.py and bench/policy_compare.py keep measuring: any development set is
scored (with or without ``benign`` keys or ``expect``), a safety-net policy changes the loaded
rule row in-process only and restores it, no sealed set is ever listed, and the chart is SVG."""

from __future__ import annotations

import importlib
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from types import ModuleType

import pytest
from django.utils import timezone
from followup_vignette_builder import assess_vignette, load_vignettes

from clinical.followup.services.ruledata import rules

BENCH = Path(__file__).resolve().parents[2] / "bench"
HERE = Path(__file__).parent


def _bench(name: str) -> ModuleType:
    sys.path.insert(0, str(BENCH))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(BENCH))


@pytest.fixture(scope="module")
def sets() -> ModuleType:
    return _bench("followup_sets")


@pytest.fixture(scope="module")
def compare() -> ModuleType:
    return _bench("policy_compare")


def _safety_net() -> dict:
    (row,) = [r for r in rules("red_flags") if r["code"] == "symptom-unrecognised"]
    return row


def test_a_set_without_benign_keys_is_scored(sets: ModuleType) -> None:
    path = HERE / "followup_vignettes_misread.yaml"
    vignettes = load_vignettes(path)
    assert any("benign" not in v for v in vignettes)  # the case that used to crash
    total = sets.score_set(path).total()
    benign = sum(sets.is_benign(v) for v in vignettes)
    assert total.n == len(vignettes) and total.benign == benign > 0
    assert total.dangers == len(vignettes) - benign
    assert 0 <= total.right <= total.n


def test_a_hypothetical_look_alike_is_referenced_by_its_plain_complaint(sets: ModuleType) -> None:
    cases = load_vignettes(HERE / "followup_vignettes_hypothetical.yaml")
    (v, *_) = [v for v in cases if v.get("plain")]
    assert "expect" not in v
    now = timezone.now()
    (question, _, days) = v["survey"][0]
    alone = {**v, "survey": [[question, v["plain"], days]]}
    plain = assess_vignette(alone, now)
    assert sets.reference(v, now) == plain["disposition"]


def test_only_a_question_set_counts_its_questions_without_a_note(sets: ModuleType) -> None:
    """The hypothetical set's benign controls are questions, each quoted for the care team in a
    ``patient-question`` note: the count of those without one is printed for it, for no other."""
    line = "benign questions without a patient-question note: "
    hypothetical = sets.score_set(HERE / "followup_vignettes_hypothetical.yaml")
    assert hypothetical.questions
    (got,) = [x for x in sets.report(hypothetical) if x.startswith(line)]
    total = hypothetical.total()
    assert got.startswith(f"{line}{total.benign_unnoted}/{total.benign}")
    misread = sets.score_set(HERE / "followup_vignettes_misread.yaml")
    assert not misread.questions and not [x for x in sets.report(misread) if x.startswith(line)]


def test_a_policy_changes_the_loaded_row_only_while_it_runs(compare: ModuleType) -> None:
    before = {k: _safety_net()[k] for k in compare.KEYS}
    (both,) = [p for p in compare.POLICIES if p.name == "B-both"]
    bodily = HERE / "followup_vignettes_bodily.yaml"
    today = compare.score_set(bodily).total()
    with compare.policy(both):
        assert {k: _safety_net()[k] for k in compare.KEYS} == dict.fromkeys(compare.KEYS, "review")
        lowered = compare.score_set(bodily).total()
    assert {k: _safety_net()[k] for k in compare.KEYS} == before
    # the bodily dangers are read by the bodily level: lowering it must show in the counts
    assert lowered.urgent_refs_up < today.urgent_refs_up
    assert lowered.benign_urgent <= today.benign_urgent


def test_no_sealed_set_is_ever_compared(compare: ModuleType) -> None:
    sets = compare.development_sets()
    assert "benign_r3" in sets and "base" in sets
    assert all(p.parent == HERE and "sealed" not in p.parts for p in sets.values())


def test_the_chart_is_svg_with_a_bar_per_set_policy_and_measure(compare: ModuleType) -> None:
    part = compare.Part(n=4, benign=2, benign_urgent=1, benign_review_up=2, urgent_refs=2)
    empty = compare.Part(n=1, dangers=1)  # no benign, no emergency: no bar for those
    results = {"one": dict.fromkeys(("A", "B-both"), part), "two": {"A": empty, "B-both": empty}}
    chosen = tuple(p for p in compare.POLICIES if p.name in ("A", "B-both"))
    root = ET.fromstring(compare.chart(results, chosen))
    bars = [r for r in root.iter("{http://www.w3.org/2000/svg}rect") if len(r)]
    # set "one": three measures with a denominator, two policies; set "two": none
    assert len(bars) == 3 * 2
    lines = compare.table(results, chosen)
    # a row per set and policy, the totals, the legend
    assert sum(line.lstrip().startswith("B-both ") for line in lines) == 2 + 1 + 1
