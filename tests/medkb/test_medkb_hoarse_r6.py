"""Issue #15 round 6: a voice hoarse after singing or shouting is no severe allergic reaction,
a hoarse voice with skin or airway signs after an allergen still is (guidance_vignettes_hoarse_r6
.yaml, written before the rule change: benign/red-flag pairs, one pair of three ``transfer: true``).
The tuning part runs case by case (misses are strict xfails with the reason); the transfer part
is read by its totals only: every red flag at its level, benign over-triage at most as recorded."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from guidance_helpers import case_params

from bench.guidance_pop_dev import answer, judge, load_cases

ALL = load_cases(Path(__file__).parent / "guidance_vignettes_hoarse_r6.yaml")
CASES = [c for c in ALL if not c.get("transfer")]
TRANSFER = [c for c in ALL if c.get("transfer")]
# transfer benign over-triage (of 1), recorded when the cases were written
TRANSFER_BENIGN_OVER_AT_MOST = 1
# Before the round-6 rules both also read 嗓子今(天) as the homophone typo of 嗓子紧 (throat
# tightness: a severe allergic reaction, emergency); what is left is the safe failure, words the
# lexicon leaves unread (a clinician within 24 h).
_C = "a circumstance naming an activity (singing, cheering) is not read; "
KNOWN_MISSES: dict[str, str] = {
    # task look (#15/#23): 嗓子今天哑了 is read as hoarseness now (a time word inside a term);
    # what is left is urgent: the activity and a bare pain word are unread
    "H6-001": _C
    + "unread: 昨晚同学聚会唱完歌; 还有点疼 (the pain of a hoarse throat) is unread too",
    # task look: 说话费劲 after a hoarse voice is no slurred speech now (symptom_explained.csv):
    # no longer an emergency, urgent with the activity and 说话费劲 unread
    "H6-003": _C
    + "unread: 周末带孩子去看球赛喊了一下午加油; 说话费劲 (explained by the hoarse voice) is unread",
}


def test_the_set_is_well_formed() -> None:
    ids = [c["id"] for c in ALL]
    assert len(set(ids)) == len(ids) and set(KNOWN_MISSES) <= {c["id"] for c in CASES}
    assert len(TRANSFER) * 3 == len(ALL)
    assert all(len(c["source"]) > 10 for c in ALL)


@pytest.mark.parametrize("case", case_params(CASES, KNOWN_MISSES), ids=[c["id"] for c in CASES])
def test_case_meets_its_expectations(kb: Any, case: dict[str, Any]) -> None:
    got = judge(case, answer(case["request"]))
    assert got["ok"], (got.get("checks"), got["bad_verdicts"], got.get("level"))


def test_transfer_totals(kb: Any) -> None:
    over = red_met = 0
    for case in TRANSFER:
        got = judge(case, answer(case["request"]))
        if case.get("benign"):
            over += bool(got.get("over_triage"))
        else:
            red_met += bool(got["checks"].get("at_least"))
    print(f"hoarse transfer: red flags met {red_met}, benign over-triaged {over}")
    assert red_met == sum(1 for c in TRANSFER if not c.get("benign"))
    assert over <= TRANSFER_BENIGN_OVER_AT_MOST


def test_a_time_word_after_the_throat_is_no_tightness_typo() -> None:
    """symptom_homophones.csv not_typo 今天/今晚/今早/今年: 嗓子今天 is no typo of 嗓子紧."""
    from clinical.knowledge import symptoms

    assert "anaphylaxis" not in symptoms.present("嗓子今天有点哑")
    assert "anaphylaxis" in symptoms.present("嗓子紧，喘不上气")
