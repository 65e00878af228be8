"""Issue #15 round 3 (task B), guidance: the everyday messages of the follow-up r3 development
set are read by guidance's symptom reader (the shared lexicon and discourse reader), so they are
not "unrecognised" (the urgent safety net); the look-alikes keep their red flag or stay unread."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from clinical.knowledge import symptoms
from clinical.medkb.services.symptoms import read

R3 = yaml.safe_load(
    (
        Path(__file__).resolve().parent.parent / "followup" / "followup_vignettes_benign_r3.yaml"
    ).read_text(encoding="utf-8")
)
BENIGN = [v for v in R3 if v["benign"] and not v.get("known_over_triage")]
LOOK_ALIKES = [v for v in R3 if not v["benign"]]


def _text(v: dict) -> str:
    return str(v["survey"][0][1])


@pytest.mark.parametrize("vignette", BENIGN, ids=[v["id"] for v in BENIGN])
def test_a_benign_message_is_read_by_guidance(kb, vignette) -> None:
    reading = read(kb, [_text(vignette)])
    assert reading.unrecognised == []
    assert all(symptoms.red_flag(c) in ("none", "routine") for c in reading.concepts)


@pytest.mark.parametrize("vignette", LOOK_ALIKES, ids=[v["id"] for v in LOOK_ALIKES])
def test_a_look_alike_keeps_a_red_flag_or_stays_unread(kb, vignette) -> None:
    reading = read(kb, [_text(vignette)])
    flagged = any(symptoms.red_flag(c) != "none" for c in reading.concepts)
    assert flagged or reading.unrecognised, reading
