"""A focal deficit its sentence says has resolved is a suspected TIA (NICE NG128 §1.1.3): the one
reading is the shared lexicon's ``transient_focal_deficit`` (follow-up ``redflag-tia``, urgent).
The #15 emerg7 syndrome row that read the same from ``resolved_spontaneously`` was folded into it
at the merge of 2026-12-06; visual loss and double vision came with it."""

from __future__ import annotations

import pytest

from clinical.knowledge import symptoms


@pytest.mark.parametrize(
    "text",
    [
        "前天左手麻了几分钟，后来自己好了",
        "刚才说话不清楚，十分钟后好了",
        "半边脸麻了20分钟，已经好了",
        "眼睛突然看不见了一会儿，后来自己好了",
        "看东西重影，过了一会儿自己好了",
    ],
)
def test_a_resolved_focal_deficit_is_a_suspected_tia(text: str) -> None:
    assert "transient_focal_deficit" in symptoms.present(text)
    assert symptoms.red_flag("transient_focal_deficit") == "urgent"


@pytest.mark.parametrize(
    "text",
    [
        "睡觉压着胳膊了，手麻了一下，甩甩就好了",  # compression
        "手麻了一下，后来好了",  # numbness on no side is no TIA sign
        "看东西重影三天了",  # not resolved: the stroke and eye rules decide
        "左手麻了一个小时了，还没好",  # still present: acute onset (stroke rule), not transient
    ],
)
def test_no_tia_without_a_resolved_focal_deficit(text: str) -> None:
    assert "transient_focal_deficit" not in symptoms.present(text)


def test_one_tia_rule() -> None:
    """No second rule reads a resolved deficit from the context words (copies drift)."""
    from pathlib import Path

    import yaml

    data = Path(symptoms.__file__).with_name("data") / "syndromes.yaml"
    assert "resolved_spontaneously" not in repr(yaml.safe_load(data.read_text(encoding="utf-8")))
